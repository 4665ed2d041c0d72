"""Bad text and numbers are refused at the edge with 422 in the one error shape, on both
stores: NUL characters (PostgreSQL cannot keep them), numbers beyond what a column holds
(2^31 - 1 in PostgreSQL's integer), infinities, over-long CSV fields."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api

NUL = "Acme\x00Corp"
APPLICATION = {"regime": "us-ear", "items": ["4D004"], "destination": "FR",
               "end_user": "Police", "end_user_type": "government",
               "end_use": "law-enforcement"}  # fmt: skip

#: (user, method, path, JSON body with a NUL somewhere)
NUL_BODIES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("exporter", "POST", "/api/v1/screen", {"name": NUL}),
    ("exporter", "POST", "/api/v1/screen", {"name": "NSO", "identifiers": [NUL]}),
    ("exporter", "POST", "/api/v1/decide", {"items": ["4D004"], "to": "FR", "end_user": NUL}),
    ("exporter", "POST", "/api/v1/decide", {"items": [NUL], "to": "FR"}),
    ("exporter", "POST", "/api/v1/licences", {**APPLICATION, "end_user": NUL}),
    ("exporter", "POST", "/api/v1/licences", {**APPLICATION, "parties": ["x", NUL]}),
    ("exporter", "POST", "/api/v1/counterparties", {"name": NUL}),
    ("officer", "POST", "/api/v1/reports", {"source": NUL, "reported_on": "2022-01-01",
                                            "country": "MA", "suspected_operator": "x",
                                            "product": "p", "evidence": "e"}),
    ("exporter", "POST", "/api/v1/screen/batch", {"csv": f"id,name\n1,{NUL}\n"}),
]  # fmt: skip


def assert_422(response: Any) -> None:
    assert response.status_code == 422, response.text[:300]
    error = response.json()["error"]
    assert error["status"] == 422
    assert error["code"] in ("invalid_input", "source_format")


@pytest.mark.parametrize(("user", "method", "path", "body"), NUL_BODIES)
def test_nul_in_a_body_is_422(
    api: Api, user: str, method: str, path: str, body: dict[str, Any]
) -> None:
    assert_422(api.client.request(method, path, headers=api.as_(user), json=body))


@pytest.mark.parametrize(
    "path",
    ["/api/v1/licences/L-000001%00", "/api/v1/licences?state=issued%00",
     "/api/v1/alerts?status=%00", "/licences/L%00"],
)  # fmt: skip
def test_nul_in_an_address_is_422(api: Api, path: str) -> None:
    assert_422(api.client.get(path, headers=api.as_("officer")))


def test_nul_in_the_sign_in_form_is_422_not_500(api: Api) -> None:
    form = {"username": "off\x00icer", "password": "x"}
    # A client asking for JSON gets the one error shape; a browser, the error page.
    assert_422(api.client.post("/login", data=form, headers={"Accept": "application/json"}))
    page = api.client.post("/login", data=form, headers={"Accept": "text/html"})
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert "Traceback" not in page.text


@pytest.mark.parametrize(
    "raw",
    [
        '"quantity": 2147483648',
        '"quantity": 9223372036854775808',
        '"value": 1e999',
        '"value": -1',
        '"value": 1e16',
    ],
)
def test_numbers_a_column_cannot_hold_are_422(api: Api, raw: str) -> None:
    body = (
        '{"regime": "us-ear", "items": ["4D004"], "destination": "FR", "end_user": "Police", '
        + raw
        + "}"
    )
    response = api.client.post(
        "/api/v1/licences",
        headers={**api.as_("exporter"), "Content-Type": "application/json"},
        content=body,
    )
    assert_422(response)


def test_the_largest_numbers_a_column_holds_are_kept(api: Api) -> None:
    response = api.client.post(
        "/api/v1/licences",
        headers=api.as_("exporter"),
        json={**APPLICATION, "quantity": 2**31 - 1, "value": 10**15},
    )
    assert response.status_code == 201, response.text
    stored = api.client.get(f"/api/v1/licences/{response.json()['id']}",
                            headers=api.as_("exporter")).json()  # fmt: skip
    assert stored["quantity"] == 2**31 - 1
    assert stored["value"] == 10**15


def test_a_batch_csv_field_beyond_the_csv_limit_is_422(api: Api) -> None:
    body = {"csv": "id,name\n1,NSO Group\n2," + "A" * 140_000 + "\n"}
    response = api.client.post("/api/v1/screen/batch", headers=api.as_("exporter"), json=body)
    assert_422(response)
    assert "line" in response.text
