"""Every 4xx/5xx answers in one JSON shape (pinned here)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from exportguard import errors
from exportguard.edge.errors import STATUS, status_of
from exportguard.errors import IllegalTransition
from tests.api.conftest import Api


def assert_shape(body: dict, status: int, code: str) -> None:  # type: ignore[type-arg]
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"status", "code", "message", "fields"}
    assert error["status"] == status
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    for field in error["fields"]:
        assert set(field) == {"field", "message"}


def test_unauthenticated(api: Api) -> None:
    r = api.client.get("/api/v1/licences")
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"] == "Bearer"
    assert_shape(r.json(), 401, "unauthenticated")
    bad = api.client.get("/api/v1/licences", headers={"Authorization": "Bearer eg_nope"})
    assert_shape(bad.json(), 401, "unauthenticated")


def test_forbidden(api: Api) -> None:
    r = api.client.post("/api/v1/screen", json={"name": "x"}, headers=api.as_("auditor"))
    assert r.status_code == 403
    assert_shape(r.json(), 403, "permission_denied")


def test_not_found(api: Api) -> None:
    r = api.client.get("/api/v1/licences/L-999999", headers=api.as_("officer"))
    assert_shape(r.json(), 404, "not_found")
    r = api.client.get("/api/v1/no/such/route", headers=api.as_("officer"))
    assert_shape(r.json(), 404, "not_found")


def test_validation_names_the_field(api: Api) -> None:
    r = api.client.post("/api/v1/screen", json={"name": "", "limit": 0}, headers=api.as_("officer"))
    assert r.status_code == 422
    assert_shape(r.json(), 422, "invalid_input")
    assert {f["field"] for f in r.json()["error"]["fields"]} == {"name", "limit"}
    r = api.client.post(
        "/api/v1/decide", json={"items": ["9Z999"], "to": "Narnia"}, headers=api.as_("officer")
    )
    assert_shape(r.json(), 422, "invalid_input")
    assert {f["field"] for f in r.json()["error"]["fields"]} == {"item", "to"}


def test_method_not_allowed_and_conflict(api: Api) -> None:
    r = api.client.delete("/api/v1/screen", headers=api.as_("officer"))
    assert_shape(r.json(), 405, "method_not_allowed")
    created = api.client.post(
        "/api/v1/licences",
        headers=api.as_("exporter"),
        json={"regime": "us-ear", "items": ["4D004"], "destination": "FR", "end_user": "Police"},
    )
    lic = created.json()["id"]
    r = api.client.post(
        f"/api/v1/licences/{lic}/events",
        headers=api.as_("exporter"),
        json={"event": "approve", "reason": "self-approval"},
    )
    assert_shape(r.json(), 403, "permission_denied")
    r = api.client.post(
        f"/api/v1/licences/{lic}/events",
        headers=api.as_("officer"),
        json={"event": "approve", "reason": "too early"},
    )
    assert_shape(r.json(), 409, "illegal_transition")


def sign_in_form(api: Api) -> str:
    """The sign-in form's CSRF value (its cookie is now in the client)."""
    page = api.client.get("/login").text
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_login_rate_limit_is_429(api: Api) -> None:
    for _ in range(5):
        csrf = sign_in_form(api)
        api.client.post("/login", data={"username": "officer", "password": "wrong", "csrf": csrf})
    csrf = sign_in_form(api)
    r = api.client.post(
        "/login", data={"username": "officer", "password": "officer-demo", "csrf": csrf}
    )
    assert r.status_code == 429
    assert "too many failed sign-ins" in r.text


def test_sign_in_needs_the_forms_csrf_value(api: Api) -> None:
    good = {"username": "officer", "password": "officer-demo"}
    r = api.client.post("/login", data=good, follow_redirects=False)
    assert r.status_code == 403  # no form was shown to this browser: a cross-site post
    csrf = sign_in_form(api)
    r = api.client.post("/login", data={**good, "csrf": csrf + "x"}, follow_redirects=False)
    assert r.status_code == 403
    csrf = sign_in_form(api)  # each form shown carries a new value
    r = api.client.post("/login", data={**good, "csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303


@pytest.mark.parametrize("path", ["/login", "/api/v1/me", "/docs", "/health", "/nowhere"])
def test_every_answer_carries_the_security_headers(api: Api, path: str) -> None:
    r = api.client.get(path, headers=api.as_("officer"))
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert r.headers["X-Frame-Options"] == "DENY"


def test_api_docs_are_served_locally_with_a_bearer_scheme(api: Api) -> None:
    page = api.client.get("/docs").text
    assert "/vendor/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert "<script>" not in page  # no inline script: the CSP forbids them
    schema = api.client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    assert {"bearerToken": []} in schema["security"]


def test_an_unexpected_error_is_a_logged_500_in_the_one_shape(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire at /var/lib/secret")

    monkeypatch.setattr(api.service.accounts, "users", broken)
    monkeypatch.setattr(type(api.service), "for_actor", lambda self, actor: api.service)
    with caplog.at_level("INFO", logger="exportguard.api"):
        r = api.client.get("/api/v1/users", headers={**api.as_("admin"), "X-Request-ID": "req-42"})
    assert_shape(r.json(), 500, "internal_error")
    assert "req-42" in r.json()["error"]["message"]
    assert "disk on fire" not in r.text
    assert r.headers["X-Request-ID"] == "req-42"
    errors = [rec for rec in caplog.records if rec.getMessage() == "unhandled error"]
    assert errors
    assert errors[0].exc_info is not None
    assert getattr(errors[0], "fields", {})["request_id"] == "req-42"
    lines = [rec for rec in caplog.records if rec.getMessage() == "request"]
    assert getattr(lines[-1], "fields", {})["status"] == 500



def test_the_web_and_the_api_give_one_status_per_error(api: Api) -> None:
    """One table (``edge.errors.STATUS``) for both: approving a draft is an illegal
    transition, 409 from the API and 409 on the licence page, which shows why."""
    made = api.client.post(
        "/api/v1/licences",
        headers=api.as_("exporter"),
        json={"regime": "us-ear", "items": ["4D004"], "destination": "FR", "end_user": "Police"},
    )
    lic = made.json()["id"]
    answer = api.client.post(
        f"/api/v1/licences/{lic}/events",
        headers=api.as_("officer"),
        json={"event": "approve", "reason": "too early"},
    )
    assert answer.status_code == status_of(IllegalTransition("too early")) == 409
    web = TestClient(api.client.app)
    login = re.search(r'name="csrf" value="([^"]+)"', web.get("/login").text)
    assert login is not None
    signed = web.post("/login", data={"username": "officer", "password": "officer-demo",
                                      "csrf": login.group(1)}, follow_redirects=False)  # fmt: skip
    assert signed.status_code == 303
    form = re.search(r'name="csrf" value="([^"]+)"', web.get(f"/licences/{lic}").text)
    assert form is not None
    r = web.post(
        f"/licences/{lic}/event",
        data={"csrf": form.group(1), "event": "approve", "reason": "too early"},
    )
    assert r.status_code == answer.status_code
    assert answer.json()["error"]["message"] in r.text


def test_every_error_class_is_in_the_tree_and_the_table() -> None:
    """Every exception ExportGuard raises on purpose is one of ``exportguard.errors``,
    drawn in its docstring's tree, and has its status in the one table."""
    classes = [c for c in vars(errors).values()
               if isinstance(c, type) and issubclass(c, errors.ExportGuardError)
               and not c.__name__.startswith("_")]  # fmt: skip
    assert len(classes) >= 14
    tree = errors.__doc__ or ""
    assert [c.__name__ for c in classes if c.__name__ not in tree] == []
    assert [c for c in classes if not any(issubclass(c, k) for k, _ in STATUS)] == []
