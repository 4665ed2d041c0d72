"""Counterparty monitoring, clearances, and impact analysis: the two real scenarios of the
licensing issue, on SQLite and PostgreSQL."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from exportguard.core.licensing import Conditions, Event, State
from exportguard.core.snapshots import SourceFile
from exportguard.errors import InvalidInput, NotFound
from exportguard.services import ExportGuard
from exportguard.services.alerts import WebhookNotifier
from exportguard.services.decision_input import DecisionInput
from tests.conftest import FIXED_NOW

SDN_FEB = "us_ofac_sdn/2022-02-17/sdn.csv"
SDN_MAR = "us_ofac_sdn/2022-03-31/sdn.csv"


def read(lists_dir: Path, rel: str) -> SourceFile:
    return SourceFile(str(lists_dir / rel), (lists_dir / rel).read_bytes())


@pytest.mark.imported(SDN_FEB)
def test_scenario_sdn_growth_alerts_new_and_changed_listings_only(
    service: ExportGuard, lists_dir: Path
) -> None:
    unchanged = service.monitoring.add(
        exporter="Acme", name="Aerocaribbean Airlines", role="customer", country="CU"
    )
    changed = service.monitoring.add(
        exporter="Acme", name="Gennady Timchenko", role="end-user", type="person"
    )
    new = service.monitoring.add(exporter="Acme", name="Nord Stream 2 AG", role="distributor")
    clean = service.monitoring.add(exporter="Acme", name="Globex Trading GmbH", role="supplier")
    assert [a.kind for a in unchanged.alerts] == ["new"]  # listed when first screened
    assert new.alerts == ()
    assert clean.alerts == ()
    report = service.import_files([read(lists_dir, SDN_MAR)])
    raised = {(a.counterparty_id, a.kind) for a in report.alerts}
    assert (new.id, "new") in raised
    assert (changed.id, "changed") in raised
    assert not [a for a in report.alerts if a.counterparty_id in (unchanged.id, clean.id)]
    alert = next(a for a in report.alerts if a.counterparty_id == new.id)
    assert alert.entry_id == "us_ofac_sdn:31926"
    # Impact of the list change, shown at once.
    snaps = sorted(service.snapshots(), key=lambda s: s.published)
    impact = service.impact.lists(snaps[0].id, snaps[1].id, dry_run=True)
    assert len(impact["entries"]["added"]) >= 790
    assert "us_ofac_sdn:31926" in impact["entries"]["added"]
    affected = {a["id"] for a in impact["affected"] if a["kind"] == "counterparty"}
    assert new.id in affected
    assert clean.id not in affected
    assert unchanged.id not in affected
    assert service.audit.verify().ok


@pytest.mark.imported(SDN_FEB)
def test_clearance_suppresses_until_the_entry_changes_or_expires(
    service: ExportGuard, lists_dir: Path
) -> None:
    party = service.monitoring.add(exporter="Acme", name="Gennady Timchenko", type="person")
    (alert,) = party.alerts
    service.monitoring.clear(
        party.id, alert.entry_id, reason="different person (DOB)", expires_on=date(2027, 1, 1)
    )
    assert service.monitoring.alerts(counterparty_id=party.id) == []
    assert service.monitoring.rescreen([party.id]) == []  # cleared, entry unchanged
    service.import_files([read(lists_dir, SDN_MAR)])  # the entry changes in March
    kinds = [a.kind for a in service.monitoring.alerts(counterparty_id=party.id)]
    assert kinds == ["changed"]
    with pytest.raises(InvalidInput, match="reason"):
        service.monitoring.clear(party.id, alert.entry_id, reason=" ")
    with pytest.raises(NotFound):
        service.monitoring.clear(party.id, "us_ofac_sdn:0", reason="x")


def test_counterparty_input_errors(service: ExportGuard) -> None:
    with pytest.raises(InvalidInput) as caught:
        service.monitoring.add(
            exporter="", name="", role="friend", country="Atlantis", type="robot"
        )
    assert {e.field for e in caught.value.errors} == {"exporter", "name", "role", "country", "type"}


def _il_licence(eg: ExportGuard, to: str, issued_on: date) -> str:
    lic = eg.licensing.apply(
        exporter="Acme Cyber",
        kind="marketing",
        regime="il-deca",
        items=["4D004"],
        destination=to,
        end_user=f"Police of {to}",
        end_user_type="law-enforcement",
        end_use="law-enforcement",
    )
    eg.licensing.transition(lic.id, Event.SUBMIT, reason="complete", on=issued_on)
    eg.licensing.transition(lic.id, Event.REVIEW, reason="review", on=issued_on)
    eg.licensing.transition(
        lic.id,
        Event.APPROVE,
        reason="eligible",
        on=issued_on,
        conditions=Conditions(valid_until=date(2030, 1, 1)),
    )
    return lic.id


@pytest.mark.parametrize("policy", ["review", "suspend"])
def test_scenario_il_deca_cut_flags_mx_ma_sa_ae(db_url: str, policy: str) -> None:
    eg = ExportGuard(db_url, actor="officer", clock=lambda: FIXED_NOW, impact_policy=policy)
    eg.import_demo()
    dropped = {to: _il_licence(eg, to, date(2021, 10, 1)) for to in ("MX", "MA", "SA", "AE")}
    kept = _il_licence(eg, "FR", date(2021, 10, 1))
    result = eg.impact.regime("il-deca", since=date(2021, 11, 24), until=date(2021, 11, 25))
    flagged = {a["id"]: a for a in result["affected"]}
    assert set(flagged) == set(dropped.values())
    assert kept not in flagged
    for item in flagged.values():
        assert item["old"] == "licence_required"
        assert item["new"] == "not_eligible"
    reviews = {r.subject_id for r in eg.licensing.reviews()}
    assert reviews == set(dropped.values())
    states = {lic: eg.licensing.get(lic).state for lic in dropped.values()}
    expected = State.SUSPENDED if policy == "suspend" else State.ISSUED
    assert set(states.values()) == {expected}
    assert eg.licensing.get(kept).state is State.ISSUED
    # Running it again queues nothing twice.
    again = eg.impact.regime("il-deca", since=date(2021, 11, 24), until=date(2021, 11, 25))
    assert not [a for a in again["actions"] if a["action"] == "queued for review"]
    assert eg.audit.verify().ok
    eg.close()


def test_impact_of_an_installed_regime_revision(service: ExportGuard, tmp_path: Path) -> None:
    from exportguard.regimes import bundled_text

    service.import_demo()
    lic = _il_licence(service, "IN", date(2022, 1, 10))
    old_digest = service.decisions.regime("il-deca").digest
    # A decision records the bundled revision it used (so the edit below can be compared).
    used = DecisionInput(items=["4D004"], to="IN", on=date(2022, 1, 10), regimes=["il-deca"])
    service.decisions.decide(used)
    edited = tmp_path / "il.yaml"
    edited.write_text(
        bundled_text("il-deca")
        .replace("CA, IN, JP", "CA, JP")
        .replace('"2026-11-28.1"', '"without-india"')
    )
    new_digest = service.decisions.install_regime(edited).digest
    result = service.impact.regime(
        "il-deca", from_revision=old_digest, to_revision=new_digest, dry_run=True
    )
    assert [a["id"] for a in result["affected"]] == [lic]
    assert result["actions"] == []


def test_impact_needs_a_range_and_same_list(service: ExportGuard, lists_dir: Path) -> None:
    with pytest.raises(InvalidInput):
        service.impact.regime("il-deca")
    service.import_demo()
    service.import_files([read(lists_dir, "us_bis_dpl/2023-11-30/dpl.txt")])
    a, b = [s.id for s in service.snapshots()]
    with pytest.raises(InvalidInput, match="different lists"):
        service.impact.lists(a, b)


@pytest.fixture
def hook() -> Iterator[tuple[str, list[Any]]]:
    received: list[Any] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            signature = self.headers.get("X-ExportGuard-Signature")
            received.append({**json.loads(body), "_raw": body.decode(), "_signature": signature})
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/alerts", received
    server.shutdown()
    server.server_close()


def test_alerts_are_posted_to_the_webhook(db_url: str, hook: tuple[str, list[Any]]) -> None:
    url, received = hook
    eg = ExportGuard(db_url, clock=lambda: FIXED_NOW, notifier=WebhookNotifier(url))
    eg.import_demo()
    eg.monitoring.add(exporter="Acme", name="Candiru Ltd", country="IL")
    assert received
    assert received[0]["alert"]["data"]["listed_name"] == "Candiru"
    assert received[0]["type"] == "alert"
    assert eg.monitoring.undelivered() == 0
    eg.close()


def test_a_webhook_down_then_up_gets_every_alert_once_signed(
    db_url: str, hook: tuple[str, list[Any]]
) -> None:
    import hashlib
    import hmac
    from datetime import timedelta

    url, received = hook
    now = [FIXED_NOW]
    down = WebhookNotifier("http://127.0.0.1:9/alerts", secret="s3cret")
    eg = ExportGuard(db_url, clock=lambda: now[0], notifier=down)
    eg.import_demo()
    eg.monitoring.add(exporter="Acme", name="Candiru Ltd", country="IL")
    eg.monitoring.add(exporter="Acme", name="NSO Group", country="IL")
    assert eg.monitoring.undelivered() == 2
    assert eg.monitoring.deliver()["delivered"] == 0  # not due yet: backoff
    up = WebhookNotifier(url, secret="s3cret")
    eg.monitoring.notifier = up  # the listener is back
    now[0] = FIXED_NOW + timedelta(minutes=2)
    counts = eg.monitoring.deliver()
    assert (counts["delivered"], counts["undelivered"]) == (2, 0)
    names = sorted(r["alert"]["data"]["listed_name"] for r in received)
    assert names == ["Candiru", "NSO Group"]
    for r in received:
        signed = hmac.new(b"s3cret", r["_raw"].encode(), hashlib.sha256).hexdigest()
        assert r["_signature"] == f"sha256={signed}"
    assert len({r["event_id"] for r in received}) == 2
    assert eg.monitoring.deliver()["delivered"] == 0  # never twice
    statuses = [r.payload["status"] for r in eg.audit.records() if r.kind == "webhook"]
    assert statuses.count("delivered") == 2
    assert statuses.count("pending") == 2
    eg.close()


def test_a_failing_webhook_is_logged_and_the_alert_kept(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    eg = ExportGuard(
        db_url, clock=lambda: FIXED_NOW, notifier=WebhookNotifier("http://127.0.0.1:9/alerts")
    )
    eg.import_demo()
    eg.monitoring.add(exporter="Acme", name="Candiru Ltd", country="IL")
    assert "webhook http://127.0.0.1:9/alerts" in caplog.text
    assert eg.monitoring.undelivered() == 1
    assert [a.data["listed_name"] for a in eg.monitoring.alerts()] == ["Candiru"]
    eg.close()


def test_a_notification_given_up_is_queued_again_and_a_round_stops_at_a_failure(
    db_url: str, hook: tuple[str, list[Any]]
) -> None:
    """A fresh review: after every retry failed the notification was lost for good, and a
    slow listener held an import for minutes (one timeout per due notification)."""
    from datetime import timedelta

    from exportguard.services.alerts import MAX_ATTEMPTS

    url, received = hook
    now = [FIXED_NOW]
    eg = ExportGuard(db_url, clock=lambda: now[0],
                     notifier=WebhookNotifier("http://127.0.0.1:9/alerts"))  # fmt: skip
    eg.import_demo()
    eg.monitoring.add(exporter="Acme", name="Candiru Ltd", country="IL")
    eg.monitoring.add(exporter="Acme", name="NSO Group", country="IL")
    now[0] += timedelta(days=1)
    assert eg.monitoring.deliver()["failed"] == 1  # the first failure ends the round
    for _ in range(2 * MAX_ATTEMPTS):
        now[0] += timedelta(days=1)
        eg.monitoring.deliver()
    assert eg.monitoring.deliver() == {"delivered": 0, "failed": 0, "undelivered": 2}
    eg.monitoring.notifier = WebhookNotifier(url)  # the listener is back
    assert eg.monitoring.retry_failed() == 2
    assert eg.monitoring.deliver()["delivered"] == 2
    assert sorted(r["alert"]["data"]["listed_name"] for r in received) == ["Candiru", "NSO Group"]
    assert eg.audit.verify().ok
    eg.close()


@pytest.mark.imported(SDN_FEB)
def test_a_clearance_voided_by_a_change_is_not_listed_nor_lapses_again(
    db_url: str, lists_dir: Path
) -> None:
    """A fresh review: a clearance whose entry changed (the change raised its own alert)
    was still listed as expiring, and raised a redundant clearance_lapsed alert."""
    from datetime import timedelta

    now = [FIXED_NOW]
    eg = ExportGuard(db_url, actor="officer", clock=lambda: now[0])
    party = eg.monitoring.add(exporter="Acme", name="Gennady Timchenko", type="person")
    (alert,) = party.alerts
    eg.monitoring.clear(party.id, alert.entry_id, reason="other man",
                        expires_on=date(2026, 12, 1))  # fmt: skip
    assert len(eg.monitoring.clearances_expiring(30)) == 1
    eg.import_files([read(lists_dir, SDN_MAR)])  # the entry changes: a "changed" alert
    assert [a.kind for a in eg.monitoring.alerts(counterparty_id=party.id)] == ["changed"]
    assert eg.monitoring.clearances_expiring(30) == []
    now[0] = FIXED_NOW + timedelta(days=30)
    assert eg.monitoring.lapse_clearances() == []
    kinds = [a.kind for a in eg.monitoring.alerts(counterparty_id=party.id)]
    assert kinds == ["changed"]
    eg.close()
