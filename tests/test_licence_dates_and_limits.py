"""Findings of the adversarial review of issue 8, each a test that failed before its fix:
an exporter dating its own events, restrictions that widen, stale amendment requests, a
deleted checkpoint, tokens surviving a password reset, the last-admin race, lists with NUL
characters or a borrowed source id, oversized jobs. On SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from exportguard.core.licensing import Conditions, Event, State
from exportguard.core.permissions import Actor
from exportguard.core.snapshots import SourceFile
from exportguard.errors import (
    AuthenticationFailed,
    ConcurrentChange,
    InvalidInput,
    PermissionDenied,
    SourceFormatError,
)
from exportguard.services import ExportGuard
from exportguard.services import audit as audit_service
from tests.conftest import FIXED_NOW
from tests.test_licensing_service import GOV

TODAY = FIXED_NOW.date()
EXPORTER = Actor("exporter", "exporter", "Acme Cyber")
OFFICER = Actor("officer", "officer")


@pytest.fixture
def eg(service: ExportGuard) -> ExportGuard:
    service.import_demo()
    return service


def issued_today(eg: ExportGuard, **conditions: object) -> str:
    exporter, officer = eg.for_actor(EXPORTER), eg.for_actor(OFFICER)
    lic = exporter.licensing.apply(
        exporter="Acme Cyber", kind="export", regime="us-ear", items=["4D004"],
        destination="FR", end_user="Police nationale", **GOV,
    ).id  # fmt: skip
    exporter.licensing.transition(lic, Event.SUBMIT, reason="file")
    officer.licensing.transition(lic, Event.REVIEW, reason="taken")
    officer.licensing.transition(lic, Event.APPROVE, reason="ok", conditions=Conditions(
        valid_until=TODAY + timedelta(days=365), **conditions))  # type: ignore[arg-type]
    return lic


@pytest.mark.parametrize("when", [date(2000, 1, 1), date(2021, 11, 1), TODAY + timedelta(1)])
def test_an_exporter_cannot_date_its_own_events(eg: ExportGuard, when: date) -> None:
    lic = issued_today(eg)
    with pytest.raises((PermissionDenied, InvalidInput)):
        eg.for_actor(EXPORTER).licensing.transition(lic, Event.SURRENDER, reason="x", on=when)
    assert eg.licensing.get(lic).state is State.ISSUED
    eg.for_actor(OFFICER).licensing.transition(lic, Event.REVOKE, reason="misuse")
    assert eg.licensing.state_on(lic, TODAY) is State.REVOKED


def test_no_event_takes_effect_before_the_last_or_after_today(eg: ExportGuard) -> None:
    lic = issued_today(eg)
    officer = eg.for_actor(OFFICER).licensing
    with pytest.raises(InvalidInput, match="cannot take effect before it"):
        officer.transition(lic, Event.SUSPEND, reason="x", on=TODAY - timedelta(days=30))
    with pytest.raises(InvalidInput, match="after today"):
        officer.transition(lic, Event.SUSPEND, reason="x", on=TODAY + timedelta(days=1))


def test_a_restriction_never_widens_a_licence(eg: ExportGuard) -> None:
    lic = issued_today(eg, end_users=("Police nationale",), end_uses=("law-enforcement",))
    version = eg.licensing.get(lic).version
    for change in (Conditions(end_users=("Police nationale - SDAT",)),
                   Conditions(end_uses=("counter-terrorism",))):  # fmt: skip
        with pytest.raises(InvalidInput, match="a restriction keeps some"):
            eg.licensing.transition(lic, Event.RESTRICT, reason="narrow",
                                    expected_version=version, conditions=change)  # fmt: skip
    kept = eg.licensing.get(lic).conditions
    assert (kept.end_users, kept.end_uses) == (("Police nationale",), ("law-enforcement",))


def test_a_stale_amendment_request_cannot_undo_a_later_restriction(eg: ExportGuard) -> None:
    lic = issued_today(eg, max_value=250000.0)
    asked = eg.for_actor(EXPORTER).licensing.request_amendment(
        lic, Conditions(max_value=500000.0), reason="second order")
    officer = eg.for_actor(OFFICER).licensing
    officer.transition(lic, Event.RESTRICT, reason="findings", conditions=Conditions(
        max_value=1000.0), expected_version=eg.licensing.get(lic).version)  # fmt: skip
    with pytest.raises(ConcurrentChange, match="changed since"):
        officer.decide_amendment(asked.id, approve=True, reason="ok")
    assert eg.licensing.get(lic).conditions.max_value == 1000.0
    officer.decide_amendment(asked.id, approve=False, reason="superseded")


def test_a_deleted_periodic_checkpoint_is_detected(
    eg: ExportGuard, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_service, "CHECKPOINT_EVERY", 4)
    for n in range(10):
        eg.screen(f"Party {n}")
    assert eg.audit.verify().ok
    with eg.engine.begin() as conn:
        last = conn.execute(sa.text("SELECT max(seq) FROM audit_checkpoints")).scalar_one()
        conn.execute(sa.text("DELETE FROM audit_checkpoints WHERE seq = :s"), {"s": last})
    result = eg.audit.verify()
    assert not result.ok
    assert any("checkpoint is missing" in p.what for p in result.problems)


def test_a_password_reset_ends_tokens_and_failed_changes_are_counted(eg: ExportGuard) -> None:
    eg.accounts.create_user("alice", "Ledger-Quartz-Maple-9", "officer")
    _, token = eg.accounts.create_token("alice", "ci")
    eg.accounts.reset_password("alice", "Harbour-Violet-Canyon-4")
    with pytest.raises(AuthenticationFailed):
        eg.accounts.by_token(token)
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            eg.accounts.change_password("alice", "guess", "Orchid-Pylon-Gravel-7")
    from exportguard.errors import TooManyAttempts

    with pytest.raises(TooManyAttempts):
        eg.accounts.change_password("alice", "Harbour-Violet-Canyon-4", "Orchid-Pylon-Gravel-7")
    kinds = [r.kind for r in eg.audit.records()]
    assert kinds.count("password-change-failed") == 5


def test_two_admins_disabling_each_other_at_once_leave_one(eg: ExportGuard) -> None:
    for name in ("root1", "root2"):
        eg.accounts.create_user(name, "Saffron-Beacon-Tundra-2", "admin")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def disable(who: str) -> None:
        barrier.wait()
        try:
            eg.accounts.set_active(who, False)
            outcomes.append("ok")
        except InvalidInput:
            outcomes.append("refused")

    threads = [threading.Thread(target=disable, args=(n,)) for n in ("root1", "root2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert sum(u.active for u in eg.accounts.users() if u.role == "admin") == 1


def native(source: str, name: str) -> SourceFile:
    text = (
        f"format: exportguard-list/1\nsource: {source}\nlist_name: L\npublished: 2025-01-01\n"
        f'entries:\n  - id: e1\n    type: organization\n    name: "{name}"\n'
    )
    return SourceFile("mine.yaml", text.encode())


def test_a_list_with_a_nul_character_is_refused(eg: ExportGuard) -> None:
    with pytest.raises(SourceFormatError, match="NUL"):
        eg.import_files([native("acme_internal", "NSO\\0Group")])
    assert len(eg.snapshots()) == 1


def test_a_self_written_list_cannot_borrow_a_source_id_in_the_store(
    eg: ExportGuard, lists_dir: object
) -> None:
    path = lists_dir / "opensanctions/ua_war_sanctions_2026-03/targets.simple.csv"  # type: ignore[operator]
    (result,) = eg.import_files([SourceFile(str(path), path.read_bytes())]).results
    with pytest.raises(SourceFormatError, match="its own source"):
        eg.import_files([native(result.snapshot.source, "Nobody")])


def test_a_service_job_has_a_row_cap(eg: ExportGuard, monkeypatch: pytest.MonkeyPatch) -> None:
    from exportguard.services import jobs

    monkeypatch.setattr(jobs, "MAX_JOB_ROWS", 3)
    rows = "".join(f"{i},Party {i}\n" for i in range(4))
    with pytest.raises(InvalidInput, match="at most 3"):
        eg.jobs.submit("id,name\n" + rows, owner="exporter", exporter=None, options={})


def test_a_job_whose_worker_died_is_taken_again(db_url: str) -> None:
    now = [FIXED_NOW]
    eg = ExportGuard(db_url, actor="tester", clock=lambda: now[0])
    try:
        eg.import_demo()
        job = eg.jobs.submit("id,name\n1,NSO Group\n", owner="exporter", exporter=None,
                             options={})  # fmt: skip
        with eg.engine.begin() as conn:  # a worker took it, then was killed
            conn.execute(sa.text("UPDATE jobs SET status = 'running', started_at = :t, "
                                 "claimed_by = 'dead' WHERE id = :j"),
                         {"t": FIXED_NOW.isoformat(timespec="seconds"), "j": job})  # fmt: skip
        assert eg.jobs.run_next("w2") is None  # still within the worker's time
        now[0] = FIXED_NOW + timedelta(minutes=31)
        assert eg.jobs.run_next("w2") == job
        assert eg.jobs.get(job).status == "done"
    finally:
        eg.close()


# --- review of issue 13: a licence issued already expired, a shipment not yet made -------


@pytest.mark.parametrize(
    ("conditions", "field"),
    [
        (Conditions(valid_until=date(2020, 1, 1)), "valid_until"),
        (Conditions(valid_until=TODAY - timedelta(days=1)), "valid_until"),
        (Conditions(valid_from=TODAY + timedelta(days=30), valid_until=TODAY + timedelta(1)),
         "valid_from"),
        (Conditions(max_value=0), "max_value"),
    ],
)
def test_an_approval_that_would_be_expired_or_empty_is_refused(
    eg: ExportGuard, conditions: Conditions, field: str
) -> None:
    exporter, officer = eg.for_actor(EXPORTER), eg.for_actor(OFFICER)
    lic = exporter.licensing.apply(
        exporter="Acme Cyber", kind="export", regime="us-ear", items=["4D004"],
        destination="FR", end_user="Police nationale", **GOV,
    ).id  # fmt: skip
    exporter.licensing.transition(lic, Event.SUBMIT, reason="file")
    officer.licensing.transition(lic, Event.REVIEW, reason="taken")
    with pytest.raises(InvalidInput) as caught:
        officer.licensing.transition(lic, Event.APPROVE, reason="ok", conditions=conditions)
    assert [e.field for e in caught.value.errors] == [field]
    assert eg.licensing.get(lic).state is State.UNDER_REVIEW
    # Valid conditions still issue it.
    officer.licensing.transition(lic, Event.APPROVE, reason="ok",
                                 conditions=Conditions(valid_until=TODAY))  # fmt: skip
    assert eg.licensing.state_on(lic, TODAY) is State.ISSUED


def test_a_shipment_dated_after_today_is_refused_and_uses_no_balance(eg: ExportGuard) -> None:
    lic = issued_today(eg, max_value=1000.0)
    exporter = eg.for_actor(EXPORTER)
    with pytest.raises(InvalidInput) as caught:
        exporter.licensing.ship(lic, shipped_on=TODAY + timedelta(days=1), value=10.0,
                                end_user="Police nationale", end_use="law-enforcement")
    assert [e.field for e in caught.value.errors] == ["shipped_on"]
    assert "a shipment is recorded when it is made" in str(caught.value)
    left = exporter.licensing.ship(lic, shipped_on=TODAY, value=10.0,
                                   end_user="Police nationale", end_use="law-enforcement")
    assert left["value_left"] == 990.0
