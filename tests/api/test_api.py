"""The API's operations beyond the matrix: batch jobs, ETags and conflicts, uploads,
pagination, certificates and the health endpoint; on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from exportguard.core.thresholds import DEFAULT_THRESHOLD
from tests.api.conftest import Api


def test_health(api: Api) -> None:
    assert api.client.get("/health").json()["status"] == "ok"


def test_batch_job_runs_and_returns_csv(api: Api) -> None:
    csv_text = "id,name,country\n1,NSO Group,IL\n2,Nobody Special,\n3,קנדירו,\n"
    r = api.client.post("/api/v1/screen/batch", json={"csv": csv_text}, headers=api.as_("exporter"))
    assert r.status_code == 202
    job = r.json()
    assert job["status"] == "queued"
    assert r.headers["Location"] == f"/api/v1/jobs/{job['id']}"
    assert api.service.jobs.run_next("test-worker") == job["id"]
    done = api.client.get(f"/api/v1/jobs/{job['id']}", headers=api.as_("exporter")).json()
    assert done["status"] == "done"
    assert done["rows"] == 3
    result = api.client.get(done["result_url"], headers=api.as_("exporter"))
    assert result.headers["content-type"].startswith("text/csv")
    lines = result.text.splitlines()
    assert lines[0].startswith("id,query_name,rank,score,entity_id")
    assert any(line.startswith("1,NSO Group,1,") for line in lines)
    assert any(line.startswith("2,Nobody Special,,") for line in lines)
    assert any("el-candiru" in line for line in lines if line.startswith("3,"))
    audit = api.client.get("/api/v1/audit?kind=screening-batch", headers=api.as_("auditor"))
    assert audit.json()["total"] == 1


def test_bad_batch_is_refused_before_queueing(api: Api) -> None:
    r = api.client.post(
        "/api/v1/screen/batch", json={"csv": "ident,label\n1,x\n"}, headers=api.as_("officer")
    )
    assert r.status_code == 422
    assert "missing column(s): id, name" in r.json()["error"]["message"]
    r = api.client.post(
        "/api/v1/screen/batch", json={"csv": "id,name\n1,\n1,x\n"}, headers=api.as_("officer")
    )
    fields = [f["field"] for f in r.json()["error"]["fields"]]
    assert fields == ["line 2: name", "line 3: id"]


def test_etag_and_if_match_conflict(api: Api) -> None:
    r = api.client.post(
        "/api/v1/licences",
        headers=api.as_("exporter"),
        json={
            "regime": "us-ear",
            "items": ["4D004"],
            "destination": "FR",
            "end_user": "Police",
            "end_user_type": "government",
            "end_use": "law-enforcement",
        },
    )
    lic = r.json()["id"]
    etag = api.client.get(f"/api/v1/licences/{lic}", headers=api.as_("exporter")).headers["ETag"]
    first = api.client.post(
        f"/api/v1/licences/{lic}/events",
        json={"event": "amend", "reason": "one"},
        headers={**api.as_("exporter"), "If-Match": etag},
    )
    assert first.status_code == 200
    assert first.headers["ETag"] != etag
    stale = api.client.post(
        f"/api/v1/licences/{lic}/events",
        json={"event": "submit", "reason": "two"},
        headers={**api.as_("exporter"), "If-Match": etag},
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "conflict"


def test_upload_import_and_pagination(api: Api, lists_dir: Path) -> None:
    dpl = (lists_dir / "us_bis_dpl/2023-11-30/dpl.txt").read_bytes()
    r = api.client.post(
        "/api/v1/lists/import", files={"files": ("dpl.txt", dpl)}, headers=api.as_("admin")
    )
    assert r.status_code == 200
    assert r.json()["snapshots"][0]["source"] == "us_bis_dpl"
    # Every import reports what it set off (issue 16, fault 4): the DPL is new to this store.
    assert r.json()["summary"] == {
        "alerts_raised": 0, "licences_affected": 0, "applications_affected": 0,
        "reviews_queued": 0, "licences_suspended": 0,
    }  # fmt: skip
    assert r.json()["impacts"][0]["source"] == "us_bis_dpl"
    bad = api.client.post(
        "/api/v1/lists/import",
        files={"files": ("x.xml", b"<!DOCTYPE a>")},
        headers=api.as_("admin"),
    )
    assert bad.status_code == 422
    assert "DOCTYPE" in bad.json()["error"]["message"]
    page = api.client.get(
        "/api/v1/lists/snapshots?limit=1&offset=1", headers=api.as_("auditor")
    ).json()
    assert page["total"] == 2
    assert page["limit"] == 1
    assert len(page["items"]) == 1
    assert (
        api.client.get("/api/v1/lists/snapshots?limit=0", headers=api.as_("auditor")).status_code
        == 422
    )


def test_counterparty_import_upload(api: Api) -> None:
    """A CSV book uploaded: screened and kept; again: nothing added; a bad file: 422 naming
    file, line and field, nothing added; an exporter imports its own company's only."""
    book = (b"name,exporter,country,reference\n"
            b"Candiru Ltd,Acme Cyber,IL,A1\nNorthwind GmbH,Acme Cyber,DE,A2\n")  # fmt: skip

    def upload(data: bytes, user: str = "officer", **form: str) -> Any:
        return api.client.post("/api/v1/counterparties/import", headers=api.as_(user),
                               files={"file": ("book.csv", data)}, data=form)  # fmt: skip

    first = upload(book)
    assert first.status_code == 200, first.text
    assert (first.json()["created"], first.json()["alerts"]) == (2, 1)
    again = upload(book).json()
    assert (again["created"], again["unchanged"], again["alerts"]) == (0, 2, 0)
    bad = upload(b"name,exporter,country\nOK Ltd,Acme Cyber,FR\nBad Ltd,Acme Cyber,Narnia\n")
    assert bad.status_code == 422
    assert bad.json()["error"]["fields"] == [
        {"field": "book.csv, line 3, country", "message": "unknown country 'Narnia'"}]
    latin1 = upload(b"name,exporter\nM\xfcller AG,Acme Cyber\n")
    assert latin1.status_code == 422
    assert latin1.json()["error"]["code"] == "source_format"
    parties = api.client.get("/api/v1/counterparties", headers=api.as_("officer")).json()
    assert sorted(p["name"] for p in parties["items"]) == ["Candiru Ltd", "Northwind GmbH"]
    foreign = upload(b"name,exporter\nX Ltd,Acme Cyber\n", user="globex")
    assert foreign.status_code == 422
    assert "not your company" in foreign.json()["error"]["message"]
    own = upload(b"name\nY Ltd\n", user="globex", exporter="Acme Cyber")
    assert own.status_code == 200
    (party,) = [p for p in api.client.get("/api/v1/counterparties", headers=api.as_("globex"))
                .json()["items"] if p["name"] == "Y Ltd"]  # fmt: skip
    assert party["exporter"] == "Globex Security"
    alerts = api.client.get("/api/v1/alerts", headers=api.as_("officer")).json()
    assert [a["delivery"] for a in alerts["items"]] == [None]  # no webhook: nothing queued


def test_certificate_and_replay(api: Api) -> None:
    seq = api.client.post(
        "/api/v1/screen", json={"name": "COSEINC"}, headers=api.as_("exporter")
    ).json()["audit_seq"]
    cert = api.client.get(f"/api/v1/audit/{seq}/certificate", headers=api.as_("exporter"))
    assert cert.headers["content-type"].startswith("text/html")
    assert len(cert.headers["X-Certificate-SHA256"]) == 64
    assert "Computer Security Initiative" in cert.text
    decision = api.client.post(
        "/api/v1/decide",
        json={
            "items": ["4D004"],
            "to": "MA",
            "date": "2021-12-01",
            "end_users": ["NSO Group"],
            "end_user_type": "law-enforcement",
            "end_use": "law-enforcement",
        },
        headers=api.as_("officer"),
    ).json()
    again = api.client.post(
        f"/api/v1/decisions/{decision['decision_id']}/replay", headers=api.as_("officer")
    ).json()
    assert again["same"] is True
    assert api.client.get("/api/v1/audit/verify", headers=api.as_("auditor")).json()["ok"]


def test_decide_takes_lists_of_parties_with_countries(api: Api) -> None:
    response = api.client.post(
        "/api/v1/decide",
        json={
            "items": ["EAR99"], "to": "IL", "date": "2022-06-01", "regimes": ["us-ear"],
            "end_users": ["Acme Ltd", {"name": "NSO Group", "country": "IL"}],
            "consignees": [{"name": "Globex"}], "intermediaries": ["Initech"],
            "end_user_type": "non-government", "end_use": "other",
            "exporter_country": "US", "item_origin": "US",
        },
        headers=api.as_("officer"),
    )  # fmt: skip
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["verdict"] == "licence_required"
    assert [(p["role"], p["name"], p["country"]) for p in data["request"]["parties"]] == [
        ("end user", "Acme Ltd", "IL"), ("end user", "NSO Group", "IL"),
        ("consignee", "Globex", "IL"), ("intermediary", "Initech", None),
    ]  # fmt: skip
    assert data["certainty"] in "PSDU"
    # Version 0.1's single end_user and parties still work (deprecated in the schema).
    old = api.client.post(
        "/api/v1/decide",
        json={"items": ["EAR99"], "to": "IL", "end_user": "NSO Group", "parties": ["Initech"]},
        headers=api.as_("officer"),
    )
    assert old.status_code == 200
    assert [(p["role"], p["name"]) for p in old.json()["request"]["parties"]] == [
        ("end user", "NSO Group"), ("intermediary", "Initech")]  # fmt: skip
    bad = api.client.post(
        "/api/v1/decide",
        json={"items": ["EAR99"], "to": "IL", "end_users": [{"nom": "NSO Group"}]},
        headers=api.as_("officer"),
    )
    assert bad.status_code == 422


def test_openapi_documents_every_route(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    paths = set(schema["paths"])
    for path in (
        "/api/v1/screen",
        "/api/v1/decide",
        "/api/v1/licences/{licence_id}/events",
        "/api/v1/audit/verify",
        "/api/v1/regimes/{regime_id}/diff",
        "/health",
    ):
        assert path in paths
    assert api.client.get("/docs").status_code == 200


def _issued_licence(api: Api) -> str:
    """An issued us-ear licence of Acme Cyber, capped at 100,000 for the Police."""
    lic = api.client.post(
        "/api/v1/licences",
        headers=api.as_("exporter"),
        json={"regime": "us-ear", "items": ["4D004"], "destination": "FR",
              "end_user": "Police", "end_user_type": "government",
              "end_use": "law-enforcement"},
    ).json()["id"]  # fmt: skip
    steps = [("exporter", "submit", None), ("officer", "review", None),
             ("officer", "approve", {"max_value": 100000, "end_users": ["Police"]})]  # fmt: skip
    for user, event, conditions in steps:
        r = api.client.post(
            f"/api/v1/licences/{lic}/events",
            headers=api.as_(user),
            json={"event": event, "reason": event, "conditions": conditions},
        )
        assert r.status_code == 200, r.text
    return str(lic)


@pytest.mark.parametrize(
    ("event", "status", "code"),
    [("amend", 403, "permission_denied"), ("restrict", 403, "permission_denied"),
     ("suspend", 403, "permission_denied"), ("reinstate", 403, "permission_denied"),
     ("approve", 403, "permission_denied"), ("submit", 409, "illegal_transition")],
)  # fmt: skip
def test_an_exporter_cannot_change_its_issued_licence(
    api: Api, event: str, status: int, code: str
) -> None:
    lic = _issued_licence(api)
    before = api.client.get(f"/api/v1/licences/{lic}", headers=api.as_("exporter")).json()
    r = api.client.post(
        f"/api/v1/licences/{lic}/events",
        headers=api.as_("exporter"),
        json={"event": event, "reason": "mine",
              "conditions": {"valid_until": "2099-12-31", "max_value": 1e12,
                             "end_users": ["Anyone at all"], "end_uses": ["anything"]}},
    )  # fmt: skip
    assert r.status_code == status
    assert r.json()["error"]["code"] == code
    after = api.client.get(f"/api/v1/licences/{lic}", headers=api.as_("exporter")).json()
    assert after["conditions"] == before["conditions"]
    assert after["version"] == before["version"]
    shipment = api.client.post(
        f"/api/v1/licences/{lic}/shipments",
        headers=api.as_("exporter"),
        json={"shipped_on": "2026-11-01", "value": 900000000, "end_user": "Anyone at all",
              "end_use": "law-enforcement"},
    )
    assert shipment.status_code == 422
    assert "Anyone at all" in shipment.text


def test_changing_conditions_without_the_version_read_is_428(api: Api) -> None:
    lic = _issued_licence(api)
    change = {"event": "restrict", "reason": "cap", "conditions": {"max_value": 10}}
    r = api.client.post(f"/api/v1/licences/{lic}/events", headers=api.as_("officer"), json=change)
    assert r.status_code == 428
    assert r.json()["error"]["code"] == "version_required"
    etag = api.client.get(f"/api/v1/licences/{lic}", headers=api.as_("officer")).headers["ETag"]
    ok = api.client.post(
        f"/api/v1/licences/{lic}/events",
        headers={**api.as_("officer"), "If-Match": etag},
        json=change,
    )
    assert ok.status_code == 200
    assert api.client.get(f"/api/v1/licences/{lic}", headers=api.as_("officer")).json()[
        "conditions"
    ]["max_value"] == 10


def test_screen_filters_by_source_and_list(api: Api) -> None:
    r = api.client.post(
        "/api/v1/screen",
        json={"name": "NSO Group", "sources": ["exportguard_demo"], "lists": ["Entity List"]},
        headers=api.as_("exporter"),
    )
    assert r.status_code == 200
    data = r.json()
    assert data["hits"]
    assert all("Entity List" in h["list_name"] for h in data["hits"])
    assert data["total_hits"] >= data["shown"] == len(data["hits"])
    assert data["threshold"] == DEFAULT_THRESHOLD
    bad = api.client.post(
        "/api/v1/screen",
        json={"name": "NSO Group", "sources": ["no_such_list"]},
        headers=api.as_("exporter"),
    )
    assert bad.status_code == 422
    assert "sources" in bad.text


def test_the_counterparties_page_shows_resolved_alerts_and_what_changed(api: Api) -> None:
    """A fresh review: resolved alerts (reason, actor, time) never appeared on the web, and
    a "changed" alert did not say what changed."""
    svc = api.service
    party = svc.monitoring.add(exporter="Acme", name="Candiru Ltd", country="IL")
    (alert,) = party.alerts
    svc.monitoring.resolve(alert.id, "true_match", reason="same registration number")
    page_ = api.client.get("/counterparties", headers=api.as_("officer"))
    assert page_.status_code == 200
    assert 'id="resolved"' in page_.text
    assert "same registration number" in page_.text
    assert "true match" in page_.text
