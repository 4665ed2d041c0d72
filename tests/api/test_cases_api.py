"""Hit review cases through the API, on SQLite and PostgreSQL: the four-eyes flow with two
officers, a cleared hit on the next screening and on the certificate, tenancy, and bad input
answered 4xx in the one error shape (never 500)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import Api

SDN = "exportguard_demo:sdn-31455"  # AO Pozitiv Teknolodzhiz, on the SDN (a sanctions list)
NSO = "exportguard_demo:el-nso-group"  # on the Entity List (not a sanctions list)


@pytest.fixture
def second(api: Api) -> dict[str, str]:
    """A second officer's token headers."""
    api.service.accounts.create_user("officer2", "Ledger-Quartz-Maple-9", "officer")
    token = api.service.accounts.create_token("officer2", "test")[1]
    return {"Authorization": f"Bearer {token}"}


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()["error"]
    assert set(body) == {"status", "code", "message", "fields"}
    assert body["status"] == status
    return dict(body)


def screen_and_open(api: Api, user: str, name: str, entry: str, **query: Any) -> dict[str, Any]:
    screened = api.client.post(
        "/api/v1/screen", json={"name": name, **query}, headers=api.as_(user)
    ).json()
    r = api.client.post(
        "/api/v1/cases",
        json={"origin": "screening", "ref": str(screened["audit_seq"]), "entry_id": entry},
        headers=api.as_(user),
    )
    assert r.status_code == 201, r.text
    assert r.headers["Location"] == f"/api/v1/cases/{r.json()['id']}"
    return dict(r.json()) | {"audit_seq": screened["audit_seq"]}


def test_four_eyes_with_two_officers(api: Api, second: dict[str, str]) -> None:
    c = api.client
    case = screen_and_open(api, "officer", "Positive Technologies", SDN, country="RU")
    assert (case["state"], case["sanctioned"]) == ("open", True)
    same = {"origin": "screening", "ref": str(case["audit_seq"]), "entry_id": SDN}
    again = c.post("/api/v1/cases", headers=api.as_("officer"), json=same)
    assert (again.status_code, again.json()["id"]) == (200, case["id"])
    reasons = c.get("/api/v1/cases/reasons", headers=api.as_("auditor")).json()["items"]
    assert {"code": "country_differs", "label": "The country, nationality or address differs",
            "dispositions": ["false_positive"]} in reasons  # fmt: skip

    r = c.post(f"/api/v1/cases/{case['id']}/decision", headers=api.as_("officer"), json={
        "disposition": "false_positive", "reason_code": "country_differs",
        "note": "our Positive Technologies is a Kazakh distributor",
        "version": case["version"]})  # fmt: skip
    assert r.status_code == 200, r.text
    assert (r.json()["state"], r.json()["decided_by"]) == ("pending_confirmation", "officer")
    body = error_of(c.post(f"/api/v1/cases/{case['id']}/confirm", json={},
                           headers=api.as_("officer")), 403)  # fmt: skip
    assert body["code"] == "second_officer_required"
    assert "a second, different officer must confirm it" in body["message"]
    stale = c.post(f"/api/v1/cases/{case['id']}/confirm", headers=second,
                   json={"version": case["version"]})  # fmt: skip
    assert error_of(stale, 409)["code"] == "conflict"
    waiting = c.get("/api/v1/cases?state=pending_confirmation", headers=second).json()
    assert [i["id"] for i in waiting["items"]] == [case["id"]]
    assert waiting["counts"] == {"pending_confirmation": 1}
    r = c.post(f"/api/v1/cases/{case['id']}/confirm", headers=second, json={"note": "agreed"})
    assert r.status_code == 200, r.text
    done = r.json()
    assert (done["state"], done["confirmed_by"]) == ("closed", "officer2")
    assert done["clearance"]["case_id"] == case["id"]
    assert c.get(f"/api/v1/cases/{case['id']}", headers=api.as_("auditor")).headers[
        "ETag"] == f'"{done["version"]}"'  # fmt: skip

    later = c.post("/api/v1/screen", json={"name": "Positive Technologies", "country": "RU"},
                   headers=api.as_("officer")).json()  # fmt: skip
    cleared = {h["entity_id"]: h["review"]["cleared"] for h in later["hits"]}
    assert cleared[SDN] is True
    assert later["cleared_hits"] == 1
    assert not any(v for k, v in cleared.items() if k != SDN)
    certificate = c.get(f"/api/v1/audit/{case['audit_seq']}/certificate",
                        headers=api.as_("auditor")).text  # fmt: skip
    assert f"false positive (case {case['id']}; decided by officer on" in certificate
    assert "confirmed by officer2 on" in certificate
    active = c.get("/api/v1/clearances/active", headers=api.as_("auditor")).json()
    assert [i["case_id"] for i in active["items"]] == [case["id"]]
    # The exporters see none of the authority's cases or clearances.
    assert c.get("/api/v1/cases", headers=api.as_("exporter")).json()["total"] == 0
    assert c.get("/api/v1/clearances/active", headers=api.as_("globex")).json()["total"] == 0
    assert c.get(f"/api/v1/cases/{case['id']}", headers=api.as_("exporter")).status_code == 404


def test_send_back_and_assignment(api: Api, second: dict[str, str]) -> None:
    c = api.client
    case = screen_and_open(api, "exporter", "NSO Group", NSO)
    assert case["exporter"] == "Acme Cyber"
    assert not case["sanctioned"]
    r = c.post(f"/api/v1/cases/{case['id']}/assign", json={"assignee": "globex"},
               headers=api.as_("exporter"))  # fmt: skip
    assert error_of(r, 422)["fields"] == [
        {"field": "assignee", "message": "globex may not review this case (an exporter of "
                                         "Globex Security)"}]  # fmt: skip
    r = c.post(f"/api/v1/cases/{case['id']}/assign", json={"assignee": "officer2"},
               headers=api.as_("exporter"))  # fmt: skip
    assert r.json()["assignee"] == "officer2"
    mine = c.get("/api/v1/cases?assignee=me", headers=second).json()
    assert [i["id"] for i in mine["items"]] == [case["id"]]
    r = c.post(f"/api/v1/cases/{case['id']}/decision", headers=second, json={
        "disposition": "true_match", "reason_code": "name_and_address",
        "note": "Herzliya address on the order"})  # fmt: skip
    assert r.json()["state"] == "pending_confirmation"  # a true match always waits
    r = c.post(f"/api/v1/cases/{case['id']}/send-back", headers=api.as_("exporter"),
               json={"note": "our NSO is a Brazilian retailer"})  # fmt: skip
    assert (r.json()["state"], r.json()["disposition"]) == ("open", None)
    assert [e["action"] for e in r.json()["events"]] == ["open", "assign", "decide", "send_back"]
    r = c.post(f"/api/v1/cases/{case['id']}/decision", headers=api.as_("exporter"), json={
        "disposition": "false_positive", "reason_code": "country_differs",
        "note": "a Brazilian retailer", "expires_on": "2027-11-16"})  # fmt: skip
    assert r.json()["state"] == "closed"  # an Entity List false positive: no second officer
    assert r.json()["clearance"]["expires_on"] == "2027-11-16"
    assert c.get(f"/api/v1/cases/{case['id']}", headers=api.as_("globex")).status_code == 404
    theirs = c.get("/api/v1/cases?list=entity", headers=api.as_("globex")).json()
    assert theirs["total"] == 0
    ours = c.get("/api/v1/cases?list=entity", headers=api.as_("exporter")).json()
    assert ours["total"] == 1


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        ("/api/v1/cases", {"origin": "rumour", "ref": "1", "entry_id": NSO}, 422, "origin"),
        ("/api/v1/cases", {"origin": "screening", "ref": "first", "entry_id": NSO}, 422, "ref"),
        ("/api/v1/cases", {"origin": "screening", "ref": "99999", "entry_id": NSO}, 404, None),
        ("/api/v1/cases", {"origin": "screening", "ref": "1", "entry_id": ""}, 422, "entry_id"),
        (
            "/api/v1/cases",
            {"origin": "batch", "ref": "J-999999", "entry_id": NSO, "row": "1"},
            404,
            None,
        ),
        ("/api/v1/cases", {"origin": "monitoring", "ref": "C-999999", "entry_id": NSO}, 404, None),
        ("/api/v1/cases", {"origin": "screening", "ref": "1", "entry_id": NSO, "x": 1}, 422, "x"),
        (
            "{case}/decision",
            {"disposition": "maybe", "reason_code": "other", "note": "x"},
            422,
            "disposition",
        ),
        (
            "{case}/decision",
            {"disposition": "true_match", "reason_code": "country_differs", "note": "x"},
            422,
            "reason_code",
        ),
        (
            "{case}/decision",
            {"disposition": "escalate", "reason_code": "other", "note": "   "},
            422,
            "note",
        ),
        (
            "{case}/decision",
            {"disposition": "escalate", "reason_code": "other", "note": "a\x00b"},
            422,
            "note",
        ),
        (
            "{case}/decision",
            {
                "disposition": "false_positive",
                "reason_code": "other",
                "note": "x",
                "expires_on": "next week",
            },
            422,
            "expires_on",
        ),
        (
            "{case}/decision",
            {
                "disposition": "false_positive",
                "reason_code": "other",
                "note": "x",
                "expires_on": "2020-01-01",
            },
            422,
            "expires_on",
        ),
        (
            "{case}/decision",
            {"disposition": "escalate", "reason_code": "other", "note": "x", "version": 0},
            422,
            "version",
        ),
        (
            "{case}/decision",
            {"disposition": "escalate", "reason_code": "other", "note": "x", "version": 77},
            409,
            None,
        ),
        ("{case}/confirm", {}, 409, None),  # nothing decided yet
        ("{case}/send-back", {"note": ""}, 422, "note"),
        ("{case}/assign", {"assignee": "nobody"}, 422, "assignee"),
        (
            "/api/v1/cases/H-999999/decision",
            {"disposition": "escalate", "reason_code": "other", "note": "x"},
            404,
            None,
        ),
        ("/api/v1/cases/" + "H" * 40 + "/confirm", {}, 422, "case_id"),
    ],
)
def test_bad_input_is_a_4xx_naming_the_field(
    api: Api, path: str, body: dict[str, Any], status: int, field: str | None
) -> None:
    case = screen_and_open(api, "officer", "NSO Group", NSO)
    url = path.replace("{case}", f"/api/v1/cases/{case['id']}")
    found = error_of(api.client.post(url, json=body, headers=api.as_("officer")), status)
    if field is not None:
        assert field in {f["field"] for f in found["fields"]}, found


@pytest.mark.parametrize(
    "query", ["state=lost", "limit=0", "limit=500", "offset=-1", "list=" + "x" * 300]
)
def test_bad_inbox_filters_are_422(api: Api, query: str) -> None:
    error_of(api.client.get(f"/api/v1/cases?{query}", headers=api.as_("officer")), 422)


def test_cases_from_a_batch_row_and_a_decision_read_back(api: Api) -> None:
    """A case opened from a batch row or a decision party keeps the party as that origin
    gave it (a row id, a role; no date of birth): GET answers it, with those fields."""
    c, service = api.client, api.service
    job = service.jobs.submit(
        "id,name,country\nrow-7,NSO Group,IL\n", owner="officer", exporter=None, options={}
    )
    assert service.jobs.run_next("w1") == job
    r = c.post(
        "/api/v1/cases",
        json={"origin": "batch", "ref": job, "entry_id": NSO, "row": "row-7"},
        headers=api.as_("officer"),
    )
    assert r.status_code == 201, r.text
    got = c.get(f"/api/v1/cases/{r.json()['id']}", headers=api.as_("officer"))
    assert got.status_code == 200, got.text
    query = got.json()["query"]
    assert (query["name"], query["country"], query["row"]) == ("NSO Group", "IL", "row-7")
    assert query.get("identifiers", []) == []
    assert query.get("birth_date") is None

    decided = c.post(
        "/api/v1/decide",
        json={"items": ["4A005"], "to": "IL", "date": "2026-01-05", "regimes": ["us-ear"],
              "end_users": ["NSO Group"]},
        headers=api.as_("officer"),
    )  # fmt: skip
    assert decided.status_code == 200, decided.text
    r = c.post(
        "/api/v1/cases",
        json={"origin": "decision", "ref": decided.json()["decision_id"], "entry_id": NSO},
        headers=api.as_("officer"),
    )
    assert r.status_code == 201, r.text
    got = c.get(f"/api/v1/cases/{r.json()['id']}", headers=api.as_("officer"))
    assert got.status_code == 200, got.text
    assert got.json()["query"]["role"] == "end user"
