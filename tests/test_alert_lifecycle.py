"""Monitoring that never goes silent: clearances lapse into a re-review, alerts have a
lifecycle, and an entry leaving its list resolves its alerts as delisted. On the real SDN
files of 2022-02-17 and 2022-03-31, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from exportguard.core.permissions import Actor
from exportguard.core.snapshots import SourceFile
from exportguard.errors import IllegalTransition, InvalidInput, NotFound
from exportguard.services import ExportGuard
from tests.conftest import FIXED_NOW

SDN_FEB = "us_ofac_sdn/2022-02-17/sdn.csv"
SDN_MAR = "us_ofac_sdn/2022-03-31/sdn.csv"


def read(lists_dir: Path, rel: str) -> SourceFile:
    return SourceFile(str(lists_dir / rel), (lists_dir / rel).read_bytes())


@pytest.fixture
def clocked(db_url: str) -> Iterator[tuple[ExportGuard, list[object]]]:
    """A service whose clock the test moves (``now[0] = ...``)."""
    now: list[object] = [FIXED_NOW]
    eg = ExportGuard(db_url, actor="officer", clock=lambda: now[0])  # type: ignore[arg-type, return-value]
    yield eg, now
    eg.close()


def test_a_clearance_lapses_into_a_re_review(
    clocked: tuple[ExportGuard, list[object]], lists_dir: Path
) -> None:
    eg, now = clocked
    eg.import_files([read(lists_dir, SDN_MAR)], published=date(2022, 3, 31))
    party = eg.monitoring.add(exporter="Acme", name="Arkady Rotenberg", type="person")
    (alert,) = party.alerts
    today = FIXED_NOW.date()
    for past in (date(2020, 1, 1), today):
        with pytest.raises(InvalidInput, match="not after today"):
            eg.monitoring.clear(party.id, alert.entry_id, reason="other man",
                                expires_on=past)  # fmt: skip
    eg.monitoring.clear(party.id, alert.entry_id, reason="other man (DOB differs)",
                        expires_on=today + timedelta(days=14))  # fmt: skip
    assert eg.monitoring.alerts(counterparty_id=party.id) == []
    soon = eg.monitoring.clearances_expiring(30)
    assert [c.entry_id for c in soon] == [alert.entry_id]
    assert eg.monitoring.clearances_expiring(7) == []
    now[0] = FIXED_NOW + timedelta(days=15)  # no import, no rescreen: the clock moves on
    (lapsed,) = eg.monitoring.alerts(counterparty_id=party.id)
    assert lapsed.kind == "clearance_lapsed"
    assert lapsed.data["clearance"] == "other man (DOB differs)"
    assert eg.monitoring.alerts(counterparty_id=party.id) == [lapsed]  # raised once
    assert [r.kind for r in eg.audit.records()].count("clearance-lapsed") == 1


def test_alerts_are_acknowledged_then_resolved_with_a_reason(
    clocked: tuple[ExportGuard, list[object]], lists_dir: Path
) -> None:
    eg, _ = clocked
    eg.import_files([read(lists_dir, SDN_MAR)], published=date(2022, 3, 31))
    party = eg.monitoring.add(exporter="Acme Cyber", name="Nord Stream 2 AG")
    (alert,) = party.alerts
    other = eg.for_actor(Actor("globex", "exporter", "Globex Security"))
    with pytest.raises(NotFound):
        other.monitoring.acknowledge(alert.id)
    mine = eg.for_actor(Actor("exporter", "exporter", "Acme Cyber"))
    assert mine.monitoring.acknowledge(alert.id, reason="checking").status == "acknowledged"
    with pytest.raises(IllegalTransition):
        mine.monitoring.acknowledge(alert.id)
    with pytest.raises(InvalidInput, match="true_match or false_positive"):
        mine.monitoring.resolve(alert.id, "delisted", reason="I say so")
    with pytest.raises(InvalidInput, match="why"):
        mine.monitoring.resolve(alert.id, "true_match", reason=" ")
    # A signed-in user decides through the hit's case: a true match waits for a second one.
    waiting = mine.monitoring.resolve(alert.id, "true_match", reason="the same company")
    assert waiting.status == "acknowledged"
    assert waiting.case.state == "pending_confirmation"
    with pytest.raises(IllegalTransition):  # the case waits for confirmation, not a new word
        mine.monitoring.resolve(alert.id, "false_positive", reason="changed my mind")
    colleague = eg.for_actor(Actor("exporter2", "exporter", "Acme Cyber"))
    done = colleague.monitoring.resolve(alert.id, "true_match", reason="agreed")
    assert (done.status, done.resolution, done.acted_by) == (
        "resolved", "true_match", "exporter2")
    with pytest.raises(IllegalTransition):
        mine.monitoring.resolve(alert.id, "false_positive", reason="changed my mind")
    assert eg.monitoring.alerts(counterparty_id=party.id) == []
    (resolved,) = eg.monitoring.alerts(status="resolved", counterparty_id=party.id)
    assert resolved.reason == (
        f"case {waiting.case.id}: Other: the note says why: the same company"
    )
    with pytest.raises(InvalidInput, match="must be one of"):
        eg.monitoring.alerts(status="cleared")


@pytest.mark.imported(SDN_FEB, published=date(2022, 2, 17))
def test_a_delisted_entry_resolves_its_alert(service: ExportGuard, lists_dir: Path) -> None:
    party = service.monitoring.add(exporter="Acme", name="Yani Benjamin Rosenthal Hidalgo",
                                   type="person")  # fmt: skip
    (alert,) = party.alerts
    assert alert.entry_id == "us_ofac_sdn:18598"
    stays = service.monitoring.add(exporter="Acme", name="Gennady Timchenko", type="person")
    service.import_files([read(lists_dir, SDN_MAR)], published=date(2022, 3, 31))
    assert service.monitoring.alerts(counterparty_id=party.id) == []
    (closed,) = service.monitoring.alerts(status="resolved", counterparty_id=party.id)
    assert closed.resolution == "delisted"
    assert "no longer on its list" in closed.reason
    still = service.monitoring.alerts(counterparty_id=stays.id)
    assert all(a.status == "open" for a in still)
    assert any(r.kind == "alert" and r.payload.get("resolution") == "delisted"
               for r in service.audit.records())  # fmt: skip
    # The impact of the change names the delisting too (it reported 0 affected).
    old, new = sorted(service.snapshots(), key=lambda s: s.published)
    impact = service.impact.lists(old.id, new.id, dry_run=True)
    delisted = [a for a in impact["affected"] if a["proposal"] == "delisted"]
    assert [a["id"] for a in delisted] == [party.id]
    assert "us_ofac_sdn:18598" in delisted[0]["reason"]
    assert service.audit.verify().ok


@pytest.mark.imported(SDN_FEB, published=date(2022, 2, 17))
def test_a_customer_spelling_with_its_acronym_raises_the_alert(
    service: ExportGuard, lists_dir: Path
) -> None:
    """RDIF was listed in March 2022; the customer file writes it with its acronym."""
    party = service.monitoring.add(exporter="Acme", name="Russian Direct Investment Fund (RDIF)")
    assert party.alerts == ()
    report = service.import_files([read(lists_dir, SDN_MAR)], published=date(2022, 3, 31))
    mine = [a for a in report.alerts if a.counterparty_id == party.id]
    alert = next(a for a in mine if a.data["listed_name"] == "RUSSIAN DIRECT INVESTMENT FUND")
    assert any("screened on the part" in d for d in alert.data["explanation"])
    hits = service.screen("Nord Stream 2 AG (NS2)", as_of=date(2022, 3, 31)).hits
    assert hits[0].entry.id == "us_ofac_sdn:31926"
