"""The workbench's web pages without a browser (issue 13, point 4): who may open them, what
an exporter of another company reaches (nothing: 404), the CSRF token every form needs,
and refusals that come back to their form naming the field."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from exportguard.core.licensing import Conditions, Event
from exportguard.core.permissions import Actor
from tests.api.conftest import Api


def _signed_in(api: Api, user: str) -> tuple[TestClient, str]:
    """A browser-like client signed in as a demo user, and its session's CSRF value."""
    client = TestClient(api.client.app)
    form = client.get("/login").text
    login = re.search(r'name="csrf" value="([^"]+)"', form)
    assert login is not None
    r = client.post("/login", data={"username": user, "password": f"{user}-demo",
                                    "csrf": login.group(1)}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    page = client.get("/batch").text if user != "admin" else client.get("/users").text
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    return client, found.group(1)


def test_roles_tenancy_and_csrf_on_the_workbench_pages(api: Api) -> None:
    exporter, csrf = _signed_in(api, "exporter")
    for path in ("/users", "/users/officer", "/lists/import"):
        assert exporter.get(path).status_code == 403, path
    assert exporter.post("/batch", files={"file": ("a.csv", b"id,name\n1,NSO Group\n")}
                         ).status_code == 403  # no CSRF token  # fmt: skip
    r = exporter.post("/batch", data={"csrf": csrf},
                      files={"file": ("a.csv", b"id,name\n1,NSO Group\n")},
                      follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    job = r.headers["location"].rsplit("/", 1)[1]
    assert exporter.get(f"/batch/{job}").status_code == 200

    acme = api.service.for_actor(Actor("exporter", "exporter", "Acme Cyber"))
    lic = acme.licensing.apply(
        exporter="Acme Cyber", kind="export", regime="us-ear", items=["4D004"],
        destination="FR", end_user="Police nationale", end_user_type="law-enforcement",
    )  # fmt: skip
    acme.licensing.transition(lic.id, Event.SUBMIT, reason="complete")
    officer = api.service.for_actor(Actor("officer", "officer"))
    officer.licensing.transition(lic.id, Event.REVIEW, reason="taken")
    officer.licensing.transition(lic.id, Event.APPROVE, reason="ok",
                                 conditions=Conditions(max_value=1000))  # fmt: skip

    globex, theirs = _signed_in(api, "globex")
    assert globex.get(f"/batch/{job}").status_code == 404
    assert globex.get(f"/batch/{job}/result.csv").status_code == 404
    assert job not in globex.get("/batch").text
    r = globex.post(f"/licences/{lic.id}/shipments",
                    data={"csrf": theirs, "shipped_on": "2026-11-16", "value": "10"})  # fmt: skip
    assert r.status_code == 404
    assert "no licence" in r.text
    for path in (f"/licences/new?decision={lic.decision_id}",):
        r = globex.get(path)
        assert r.status_code == 404
        assert "no decision" in r.text

    r = exporter.post(f"/licences/{lic.id}/shipments",
                      data={"csrf": csrf, "shipped_on": "16/11/2026", "value": "10"})  # fmt: skip
    assert r.status_code == 422
    assert "shipped_on: not a date (YYYY-MM-DD)" in r.text
    assert 'id="ship-form"' in r.text  # back on the licence's page, not a dead end


def test_the_admin_pages_refuse_with_the_field(api: Api) -> None:
    admin, csrf = _signed_in(api, "admin")
    r = admin.post("/users", data={"csrf": csrf, "username": "new user", "password": "short",
                                   "role": "officer"})  # fmt: skip
    assert r.status_code == 422
    assert "username: letters, digits" in r.text
    assert "password:" in r.text
    assert 'value="new user"' in r.text
    assert "short" not in r.text.split("<form")[-1]
    r = admin.post("/users/admin", data={"csrf": csrf, "action": "disable"})
    assert r.status_code == 422
    assert "admin is the last active admin" in r.text
    r = admin.post("/users/officer", data={"csrf": csrf, "action": "token", "name": "x",
                                           "days": "400"})  # fmt: skip
    assert r.status_code == 422
    assert "days: a token lives 1 to 366 days" in r.text
    r = admin.post("/lists/import", data={"csrf": csrf, "published": "2026-13-01"},
                   files={"files": ("x.csv", b"name\n")})  # fmt: skip
    assert r.status_code == 422
    assert "published: not a date" in r.text
    r = admin.post("/lists/import", data={"csrf": csrf})
    assert r.status_code == 422
    assert "files: choose one or more list files" in r.text
