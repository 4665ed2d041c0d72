"""The same object as the API answers it, as the CLI prints it (``--json``) and as the
audit trail records it agrees on every field they share: a screening of the demo list, a
licence application, an export decision, users, a counterparty with its alert, a hit review
case, and a misuse report with its review."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from exportguard.cli import app as cli
from exportguard.cli import cases, common, counterparties, decisions, hit_cases, reports, screening
from exportguard.cli import service as service_commands
from tests.api.conftest import Api
from tests.conftest import FIXED_NOW

DAY = FIXED_NOW.date().isoformat()


@pytest.fixture
def cli_json(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., dict[str, Any]]]:
    """Runs a command with ``--json`` on the test's store (the ``api`` fixture's: at
    ``store_url``) and reads what it prints. The
    services the commands open are closed after the test (a CLI process ends with its
    command; here the connections would outlive it)."""
    opened: list[Any] = []

    def tracked(*args: Any, **kwargs: Any) -> Any:
        service = common.open_service(*args, **kwargs)
        opened.append(service)
        return service

    for module in (screening, cases, decisions, service_commands, counterparties, hit_cases,
                   reports):
        monkeypatch.setattr(module, "open_service", tracked)

    def run(*args: str, flag: str | None = "--json") -> Any:
        result = CliRunner().invoke(cli, ["--db", store_url, *args, *([flag] if flag else [])])
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    yield run
    for service in opened:
        service.close()


def _audit(api: Api, kind: str, subject: str) -> dict[str, Any]:
    page = api.client.get(
        "/api/v1/audit", params={"kind": kind, "subject": subject}, headers=api.as_("auditor")
    ).json()
    assert page["total"] == 1, page
    payload: dict[str, Any] = page["items"][0]["payload"]
    return payload


def _agree(a: Any, b: Any, where: str = "", skip: frozenset[str] = frozenset()) -> list[str]:
    """Where ``a`` and ``b`` differ on what both have: every key both objects hold (but
    ``skip``), every item of lists of one length."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted((a.keys() & b.keys()) - skip)
                for d in _agree(a[k], b[k], f"{where}.{k}", skip)]  # fmt: skip
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for n, (x, y) in enumerate(zip(a, b, strict=True))
                for d in _agree(x, y, f"{where}[{n}]", skip)]  # fmt: skip
    return [] if a == b else [f"{where}: {a!r} != {b!r}"]


def test_a_screening_agrees(api: Api, cli_json: Callable[..., dict[str, Any]]) -> None:
    body = api.client.post(
        "/api/v1/screen", json={"name": "NSO Group", "as_of": DAY}, headers=api.as_("officer")
    ).json()
    assert body["hits"][0]["entry"]["name"] == "NSO Group"
    printed = cli_json("screen", "NSO Group", "--as-of", DAY)
    record = api.client.get(f"/api/v1/audit/{body['audit_seq']}", headers=api.as_("auditor"))
    assert record.json()["kind"] == "screening"
    recorded = record.json()["payload"]
    # When and as which audit record differ by nature: each screening is its own act.
    own = frozenset({"screened_at", "audit_seq"})
    assert printed.keys() == body.keys()
    assert _agree(body, printed, skip=own) == []
    assert _agree(body, recorded, skip=own) == []
    shared = body.keys() & recorded.keys()
    assert {"query", "as_of", "threshold", "snapshots", "hits", "total_hits"} <= shared
    assert recorded["hits"][0].keys() >= {"entity_id", "score", "explanation", "documents"}


def test_a_licence_agrees(api: Api, cli_json: Callable[..., dict[str, Any]]) -> None:
    application = {
        "kind": "marketing", "regime": "il-deca", "items": ["4D004"], "destination": "FR",
        "end_user": "Police nationale", "end_user_type": "law-enforcement",
        "end_use": "law-enforcement", "value": 1000,
    }  # fmt: skip
    made = api.client.post("/api/v1/licences", json=application, headers=api.as_("exporter"))
    assert made.status_code == 201, made.text
    body = made.json()
    printed = cli_json("licence", "show", body["id"], "--as-of", DAY)
    assert printed == body
    recorded = _audit(api, "application", body["id"])
    assert _agree(body, recorded) == []
    assert {"exporter", "kind", "regime", "items", "destination", "end_user", "value"} <= (
        body.keys() & recorded.keys()
    )
    # A listed licence: ``GET /licences`` and ``licence list --json`` give one wire model.
    listed = api.client.get("/api/v1/licences", headers=api.as_("officer")).json()
    assert cli_json("licence", "list") == listed["items"]
    assert body["id"] in {x["id"] for x in listed["items"]}


def test_a_decision_agrees(api: Api, cli_json: Callable[..., dict[str, Any]]) -> None:
    question = {"items": ["4D004"], "to": "MA", "end_users": ["Moroccan national police"],
                "end_user_type": "law-enforcement", "end_use": "law-enforcement",
                "date": "2021-12-01"}  # fmt: skip
    body = api.client.post("/api/v1/decide", json=question, headers=api.as_("officer")).json()
    printed = cli_json(
        "decide", "--item", "4D004", "--to", "MA",
        "--end-user", "Moroccan national police", "--end-user-type", "law-enforcement",
        "--end-use", "law-enforcement", "--date", "2021-12-01",
    )  # fmt: skip
    # Two decisions of one question: their ids differ, their fingerprints do not.
    assert printed["fingerprint"] == body["fingerprint"]
    assert _agree(body, printed, skip=frozenset({"decision_id"})) == []
    assert printed.keys() == body.keys()
    recorded = _audit(api, "decision", body["decision_id"])
    assert _agree(body, recorded) == []
    assert {"verdict", "request", "regimes", "fingerprint"} <= body.keys() & recorded.keys()
    stored = api.client.get(
        f"/api/v1/decisions/{body['decision_id']}", headers=api.as_("officer")
    ).json()
    assert stored["result"] == body
    # The stored decision: the API and ``decision show`` print one wire model.
    shown = cli_json("decision", "show", body["decision_id"], flag=None)
    assert shown == stored


def test_the_users_agree(api: Api, cli_json: Callable[..., Any]) -> None:
    """``GET /users`` and ``users list --json`` give each user alike (``active`` 1 or 0)."""
    page = api.client.get("/api/v1/users", params={"limit": 200}, headers=api.as_("admin"))
    printed = cli_json("users", "list")
    assert printed == page.json()["items"]
    assert {u["username"] for u in printed} >= {"admin", "officer", "exporter"}
    assert {u["active"] for u in printed} <= {0, 1}


def test_a_counterparty_and_its_alert_agree(api: Api, cli_json: Callable[..., Any]) -> None:
    """A counterparty as added, shown and listed (API, ``counterparty list --json``) and
    audited; its alert as the first screening raised it, as acknowledged, as listed (API,
    ``counterparty alerts --json``) and audited."""
    officer = api.as_("officer")
    made = api.client.post("/api/v1/counterparties", headers=officer,
                           json={"exporter": "Acme Cyber", "name": "Candiru Ltd"})  # fmt: skip
    assert made.status_code == 201, made.text  # (a 500 once: the new alerts had fewer fields)
    body = made.json()
    (raised,) = body["alerts"]
    assert raised["data"]["listed_name"] == "Candiru"
    shown = api.client.get(f"/api/v1/counterparties/{body['id']}", headers=officer).json()
    assert shown == {k: v for k, v in body.items() if k != "alerts"}
    listed = api.client.get("/api/v1/counterparties", headers=officer).json()["items"]
    printed = cli_json("counterparty", "list")
    assert printed == listed
    (row,) = [p for p in printed if p["id"] == body["id"]]
    assert _agree(body, row) == []
    assert body.keys() - row.keys() == {"hits", "clearances", "alerts"}
    assert row["active"] == 1
    recorded = _audit(api, "counterparty", body["id"])
    assert _agree(body, recorded) == []
    assert recorded.keys() == {"exporter", "name", "role", "country", "type"}

    acknowledged = api.client.post(f"/api/v1/alerts/{raised['id']}/acknowledge",
                                   json={"reason": "checking"}, headers=officer)  # fmt: skip
    assert acknowledged.status_code == 200, acknowledged.text
    acted = acknowledged.json()
    acting = frozenset({"status", "reason", "acted_by", "acted_at"})
    assert _agree(raised, acted, skip=acting) == []
    assert raised.keys() == acted.keys()
    page = api.client.get("/api/v1/alerts", params={"status": "acknowledged"}, headers=officer)
    printed_alerts = cli_json("counterparty", "alerts", "--status", "acknowledged")
    assert printed_alerts == page.json()["items"]
    (item,) = [a for a in printed_alerts if a["id"] == raised["id"]]
    assert item == acted | {"delivery": None}  # listings add the webhook delivery
    recorded = _audit(api, "alert", str(raised["id"]))
    assert _agree(acted, recorded) == []
    assert recorded.keys() == {"status", "resolution", "reason"}


def test_a_hit_case_agrees(api: Api, cli_json: Callable[..., Any]) -> None:
    """A case opened on a screening's hit as the API answers it (opened, shown, listed), as
    ``case show --json`` and ``case list --json`` print it, and as audited."""
    officer = api.as_("officer")
    screened = api.client.post("/api/v1/screen", json={"name": "NSO Group", "as_of": DAY},
                               headers=officer).json()  # fmt: skip
    entry_id = screened["hits"][0]["entity_id"]
    made = api.client.post("/api/v1/cases", headers=officer, json={
        "origin": "screening", "ref": str(screened["audit_seq"]), "entry_id": entry_id})
    assert made.status_code == 201, made.text
    opened = made.json()
    shown = api.client.get(f"/api/v1/cases/{opened['id']}", headers=officer).json()
    assert {k: v for k, v in shown.items() if k in opened} == opened
    assert shown.keys() - opened.keys() == {"events", "entry", "details", "clearance"}
    assert cli_json("case", "show", opened["id"]) == shown
    listed = api.client.get("/api/v1/cases", headers=officer).json()["items"]
    printed = cli_json("case", "list")
    assert printed["items"] == listed
    assert listed == [opened]
    recorded = _audit(api, "hit-case", opened["id"])
    assert _agree(opened, recorded) == []
    assert {"origin", "exporter", "entry_id", "entry_digest", "snapshot_id", "score",
            "sanctioned"} <= opened.keys() & recorded.keys()  # fmt: skip
    assert recorded["party"] == opened["party_name"]


def test_a_misuse_report_and_its_review_agree(api: Api, cli_json: Callable[..., Any]) -> None:
    """A misuse report as recorded (API), listed (API, ``report list --json``) and audited;
    the review it opened as listed by the API and ``report reviews --json``."""
    application = {
        "kind": "export", "regime": "us-ear", "items": ["4D004"], "destination": "FR",
        "end_user": "Police nationale", "end_user_type": "law-enforcement",
        "end_use": "law-enforcement", "value": 1000,
    }  # fmt: skip
    licence = api.client.post("/api/v1/licences", json=application, headers=api.as_("exporter"))
    assert licence.status_code == 201, licence.text
    submitted = api.client.post(f"/api/v1/licences/{licence.json()['id']}/events",
                                json={"event": "submit", "reason": "file complete"},
                                headers=api.as_("exporter"))  # fmt: skip
    assert submitted.status_code == 200, submitted.text
    made = api.client.post("/api/v1/reports", headers=api.as_("officer"), json={
        "source": "press", "reported_on": DAY, "country": "FR",
        "suspected_operator": "Police nationale", "product": "intrusion software (4D004)",
        "evidence": "article", "confidence": "low"})  # fmt: skip
    assert made.status_code == 201, made.text
    body = made.json()
    assert [m["licence"] for m in body["matches"]] == [licence.json()["id"]]
    listed = api.client.get("/api/v1/reports", headers=api.as_("officer")).json()["items"]
    assert listed == [body]
    assert cli_json("report", "list") == listed
    recorded = _audit(api, "misuse-report", body["id"])
    assert _agree(body, recorded) == []
    assert {"source", "reported_on", "country", "suspected_operator", "product", "evidence",
            "confidence", "matches"} <= body.keys() & recorded.keys()  # fmt: skip
    reviews = api.client.get("/api/v1/reviews", headers=api.as_("officer")).json()["items"]
    (review,) = reviews
    assert review["data"] == {"report": body["id"]}
    assert cli_json("report", "reviews") == reviews
