"""Bodies are read only from authenticated callers, and never past their route's cap:
401 before the body, 413 by declared length or while streaming, on both stores."""

from __future__ import annotations

from collections.abc import Iterator

from exportguard.edge.limits import MIB
from tests.api.conftest import Api


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        piece = min(size, total - sent)
        sent += piece
        yield b"a" * piece


def test_an_anonymous_upload_is_refused_before_its_body_is_read(api: Api) -> None:
    read = {"bytes": 0}

    def counted() -> Iterator[bytes]:
        for piece in chunks(8 * MIB):
            read["bytes"] += len(piece)
            yield piece

    r = api.client.post(
        "/api/v1/lists/import",
        content=counted(),
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthenticated"
    assert read["bytes"] < 8 * MIB  # the server did not take the whole body


def test_a_wrong_token_is_refused_before_the_body(api: Api) -> None:
    r = api.client.post("/api/v1/screen", json={"name": "NSO Group"},
                        headers={"Authorization": "Bearer eg_not_a_token"})  # fmt: skip
    assert r.status_code == 401


def test_a_declared_length_over_the_cap_is_413(api: Api) -> None:
    body = b'{"name": "' + b"a" * (MIB + 10) + b'"}'
    r = api.client.post(
        "/api/v1/screen",
        content=body,
        headers={**api.as_("officer"), "Content-Type": "application/json"},
    )
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "too_large"


def test_a_streamed_body_past_the_cap_is_413(api: Api) -> None:
    r = api.client.post(
        "/api/v1/screen",
        content=chunks(2 * MIB),
        headers={**api.as_("officer"), "Content-Type": "application/json"},
    )
    assert r.status_code == 413


def test_a_web_form_without_a_session_goes_to_sign_in(api: Api) -> None:
    r = api.client.post("/screen", data={"name": "NSO Group"}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fscreen"  # back to the form after


def test_an_ordinary_body_still_passes(api: Api) -> None:
    r = api.client.post("/api/v1/screen", json={"name": "NSO Group"}, headers=api.as_("officer"))
    assert r.status_code == 200


def test_an_expensive_call_past_its_allowance_is_429(
    api: Api, monkeypatch: object
) -> None:
    from exportguard.services import accounts

    monkeypatch.setitem(accounts.ALLOWANCES, "audit_verify", 2)  # type: ignore[attr-defined]
    codes = [api.client.get("/api/v1/audit/verify", headers=api.as_("auditor")).status_code
             for _ in range(3)]  # fmt: skip
    assert codes == [200, 200, 429]
    assert api.client.get("/api/v1/audit/verify", headers=api.as_("officer")).status_code == 200


def test_web_forms_cap_amounts_and_ration_diffs(
    api: Api, monkeypatch: object
) -> None:
    from exportguard.services import accounts
    from tests.api.test_api import _issued_licence

    lic = _issued_licence(api)
    form = {"max_value": "1e300", "reason": "more"}
    r = api.client.post(f"/licences/{lic}/amendment-request", headers=api.as_("exporter"),
                        data=form, follow_redirects=False)  # fmt: skip
    assert r.status_code == 422
    assert "10^15" in r.text
    monkeypatch.setitem(accounts.ALLOWANCES, "lists_diff", 1)  # type: ignore[attr-defined]
    (snap,) = [s.id for s in api.service.snapshots()]
    first = api.client.get(f"/lists?from={snap}&to={snap}", headers=api.as_("exporter"))
    again = api.client.get(f"/lists?from={snap}&to={snap}", headers=api.as_("exporter"))
    assert (first.status_code, again.status_code) == (200, 429)


def test_web_ids_out_of_range_or_not_numbers_are_named_errors(api: Api) -> None:
    """A fresh review: the web answered 500 ("Python int too large to convert to SQLite
    INTEGER") to an alert id of 23 digits, and a Python message to from=abc."""
    huge = "9" * 23
    r = api.client.get(f"/lists?from={huge}&to=2", headers=api.as_("officer"))
    assert r.status_code == 422
    assert "whole number" in r.text
    r = api.client.get("/lists?from=abc&to=2", headers=api.as_("officer"))
    assert r.status_code == 422
    assert "invalid literal" not in r.text
    r = api.client.post(f"/alerts/{huge}", headers=api.as_("officer"),
                        data={"action": "acknowledge"}, follow_redirects=False)  # fmt: skip
    assert r.status_code < 500
