"""Hit review cases: open any screening hit as a case, decide it (true match, false
positive, escalate) with a reason code and a note, confirm it with a second officer
(four-eyes), assign it; a closed false positive clears the hit for its party.

A case's hit comes from one of four origins (``core.hit_cases.Origin``): a one-off
screening (its audit record), a batch job's row, an export decision's party, or a
monitored counterparty's current hit (and the alert that raised it). The case keeps what
was reviewed: the party as screened, the list entry (snapshot, id, content digest) and the
score, so a later list change never changes what a decision was about.

Closing a false positive writes a **clearance**, the same one monitoring has
(``services.monitoring``, table ``clearances``): of the counterparty for a monitoring case
(its open alerts on the entry resolve as false positives), else of the screened party of the
case's tenant (``core.hit_cases.party_key``). A clearance holds for one version of the
entry: the party's later screenings (:meth:`Cases.review`) show the hit as cleared until
the entry changes or the clearance expires. Closing a true match of a counterparty resolves
its open alerts on the entry as true matches.

Tenancy: a case belongs to the exporter whose user screened (its ``exporter``; None for the
authority's own screenings); an exporter user reaches its own company's cases only, others
are "not found". Every action is audited (kind ``hit-case``) in its own transaction.

The use case is in three parts: reading (``services.case_inbox``), opening
(``services.case_origins``) and acting on a case (here); what screenings show of reviews is
``services.hit_reviews``. Cases are records (``core.case_records``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import Connection

from exportguard.core.alerts import AlertStatus, Resolution
from exportguard.core.case_records import CaseDetail, HitCase
from exportguard.core.hit_cases import (
    REASONS,
    Action,
    CaseState,
    Disposition,
    Origin,
    check,
    check_reason,
    decided_state,
    disposition_of,
)
from exportguard.core.permissions import a_role
from exportguard.errors import ConcurrentChange, InvalidInput, SecondOfficerRequired
from exportguard.services.case_inbox import MAX_PAGE, may_review
from exportguard.services.case_origins import CaseOrigins
from exportguard.store import accounts as account_store
from exportguard.store import alerts as alert_store
from exportguard.store import clearances as clearance_store
from exportguard.store import hit_cases as store
from exportguard.store.engine import writing

__all__ = ["MAX_PAGE", "Cases"]


class Cases(CaseOrigins):
    """Hit review cases, reached as ``ExportGuard.cases``: reading
    (:class:`~exportguard.services.case_inbox.CaseInbox`), opening
    (:class:`~exportguard.services.case_origins.CaseOrigins`) and acting on them; what
    screenings show of them: :class:`~exportguard.services.hit_reviews.HitReviews`."""

    def decide(
        self,
        case_id: str,
        disposition: Disposition | str,
        *,
        reason_code: str,
        note: str,
        expires_on: date | None = None,
        assignee: str | None = None,
        version: int | None = None,
    ) -> CaseDetail:
        """Decide a case (open or escalated) as a true match, a false positive or an
        escalation, with a reason code (:data:`~exportguard.core.hit_cases.REASONS`) and a
        note. A true match, and a false positive on a sanctions listing, then wait for a
        second officer (``pending_confirmation``); any other false positive closes at once
        and clears the hit. ``expires_on`` (after today) limits a false positive's
        clearance; ``assignee`` hands an escalation to someone; ``version``: 409 if the case
        changed since it was read. Raises :class:`InvalidInput`, :class:`NotFound`,
        :class:`~exportguard.errors.IllegalTransition` and :class:`ConcurrentChange`."""
        self._require("decide_case")
        chosen = disposition_of(disposition if isinstance(disposition, str) else disposition.value)
        check_reason(chosen, reason_code, note)
        if expires_on is not None:
            today = self.ctx.today()
            if chosen is not Disposition.FALSE_POSITIVE:
                raise InvalidInput("only a false positive's clearance expires", field="expires_on")
            if expires_on <= today:
                raise InvalidInput(f"the expiry {expires_on} is not after today ({today})",
                                   field="expires_on")  # fmt: skip
        with writing(self.ctx.engine) as conn:
            case = self._acting_on(conn, case_id, Action.DECIDE, version)
            target = decided_state(chosen, case.sanctioned)
            now = self.ctx.now()
            given = None if assignee is None else self._assignee(conn, case, assignee)
            decided = self._write(conn, case, state=target, disposition=chosen,
                                  reason_code=reason_code, note=note.strip(),
                                  expires_on=expires_on, decided_by=self.ctx.actor,
                                  decided_at=now, confirmed_by=None, confirmed_at=None,
                                  updated_at=now,
                                  assignee=case.assignee if given is None else given)  # fmt: skip
            self._event(conn, case_id, Action.DECIDE, target, disposition=chosen,
                        reason_code=reason_code, note=note.strip(), assignee=given)  # fmt: skip
            self.audit.record(conn, "hit-case", case_id, {
                "action": Action.DECIDE.value, "state": target.value,
                "disposition": chosen.value, "reason_code": reason_code, "note": note.strip(),
                "expires_on": expires_on.isoformat() if expires_on else None,
                "needs_confirmation": target is CaseState.PENDING,
                "entry_id": case.entry_id, "entry_digest": case.entry_digest})  # fmt: skip
            if target is CaseState.CLOSED:
                self._close(conn, decided)
        return self.get(case_id)

    def confirm(self, case_id: str, *, note: str = "", version: int | None = None) -> CaseDetail:
        """A second officer confirms a decision pending confirmation: the case closes (a
        false positive clears the hit). The officer who decided may not
        (:class:`SecondOfficerRequired`)."""
        self._require("confirm_case")
        with writing(self.ctx.engine) as conn:
            case = self._acting_on(conn, case_id, Action.CONFIRM, version)
            self._second_officer(case, "confirm")
            now = self.ctx.now()
            confirmed = self._write(conn, case, state=CaseState.CLOSED,
                                    confirmed_by=self.ctx.actor, confirmed_at=now,
                                    updated_at=now)  # fmt: skip
            self._event(conn, case_id, Action.CONFIRM, CaseState.CLOSED,
                        disposition=case.disposition, note=note.strip() or None)  # fmt: skip
            self.audit.record(conn, "hit-case", case_id, {
                "action": Action.CONFIRM.value, "state": CaseState.CLOSED.value,
                "disposition": _value(case.disposition), "decided_by": case.decided_by,
                "note": note.strip()})  # fmt: skip
            self._close(conn, confirmed)
        return self.get(case_id)

    def send_back(self, case_id: str, *, note: str, version: int | None = None) -> CaseDetail:
        """A second officer does not confirm a decision: the case is open again (the
        decision stays in its history), with a note saying why."""
        self._require("confirm_case")
        if not note.strip():
            raise InvalidInput("say why the decision is not confirmed", field="note")
        with writing(self.ctx.engine) as conn:
            case = self._acting_on(conn, case_id, Action.SEND_BACK, version)
            self._second_officer(case, "send back")
            self._write(conn, case, state=CaseState.OPEN, disposition=None, reason_code=None,
                        note=None, expires_on=None, decided_by=None, decided_at=None,
                        updated_at=self.ctx.now())  # fmt: skip
            self._event(conn, case_id, Action.SEND_BACK, CaseState.OPEN, note=note.strip(),
                        disposition=case.disposition)  # fmt: skip
            self.audit.record(conn, "hit-case", case_id, {
                "action": Action.SEND_BACK.value, "state": CaseState.OPEN.value,
                "disposition": _value(case.disposition), "decided_by": case.decided_by,
                "note": note.strip()})  # fmt: skip
        return self.get(case_id)

    def assign(
        self, case_id: str, assignee: str | None, *, note: str = "", version: int | None = None
    ) -> CaseDetail:
        """Give a case to a user who may review it (None or "": nobody)."""
        self._require("assign_case")
        with writing(self.ctx.engine) as conn:
            case = self._acting_on(conn, case_id, Action.ASSIGN, version)
            who = self._assignee(conn, case, assignee) if assignee else None
            self._write(conn, case, assignee=who, updated_at=self.ctx.now())
            self._event(conn, case_id, Action.ASSIGN, case.state, assignee=who,
                        note=note.strip() or None)  # fmt: skip
            self.audit.record(conn, "hit-case", case_id, {
                "action": Action.ASSIGN.value, "assignee": who, "note": note.strip()})  # fmt: skip
        return self.get(case_id)

    # --- helpers ---------------------------------------------------------------------------

    def _acting_on(
        self, conn: Connection, case_id: str, action: Action, version: int | None
    ) -> HitCase:
        case = self._visible(conn, case_id, lock=True)
        check(case_id, case.state, action)
        if version is not None and version != case.version:
            raise ConcurrentChange(f"case {case_id} changed since it was read (version "
                                   f"{version}, now {case.version}): read it again")  # fmt: skip
        return case

    def _second_officer(self, case: HitCase, verb: str) -> None:
        if case.decided_by == self.ctx.actor:
            raise SecondOfficerRequired(
                f"case {case.id} was decided by {self.ctx.actor}: a second, different "
                f"officer must {verb} it (four-eyes)"
            )

    def _write(self, conn: Connection, case: HitCase, **changes: object) -> HitCase:
        """``case`` with ``changes`` (and one more version), written; ConcurrentChange if
        it changed meanwhile."""
        changed = replace(case, **changes, version=case.version + 1)  # type: ignore[arg-type]
        if not store.save_case(conn, changed, expected_version=case.version):
            raise ConcurrentChange(f"case {case.id} changed meanwhile: read it again")
        return changed

    def _assignee(self, conn: Connection, case: HitCase, username: str) -> str:
        user = account_store.find_user(conn, username.strip())
        if user is None or not user.active:
            raise InvalidInput(f"no active user {username!r}", field="assignee")
        if not may_review(user, case.exporter):
            raise InvalidInput(f"{username} may not review this case ({a_role(user.role)}"
                               + (f" of {user.exporter}" if user.exporter else "") + ")",
                               field="assignee")  # fmt: skip
        return user.username

    def _close(self, conn: Connection, case: HitCase) -> None:
        """What a closed case does: a false positive clears the hit; a counterparty's open
        alerts on the entry resolve with the case's disposition."""
        disposition = case.disposition
        assert disposition is not None
        assert case.reason_code is not None
        reason = f"case {case.id}: {REASONS[case.reason_code].label}: {case.note}"
        monitoring = case.origin is Origin.MONITORING
        if disposition is Disposition.FALSE_POSITIVE:
            clearance_id = clearance_store.add_clearance(conn, {
                "counterparty_id": case.origin_ref if monitoring else None,
                "exporter": None if monitoring else case.exporter,
                "party_key": None if monitoring else case.party_key,
                "party_name": None if monitoring else case.party_name,
                "entry_id": case.entry_id, "entry_digest": case.entry_digest,
                "reason": reason, "expires_on": case.expires_on,
                "actor": case.decided_by, "created_at": self.ctx.now(),
                "case_id": case.id, "confirmed_by": case.confirmed_by,
            })  # fmt: skip
            self.audit.record(conn, "clearance", case.origin_ref if monitoring
                                  else case.party_name, {
                "entry_id": case.entry_id, "entry_digest": case.entry_digest,
                "reason": reason, "case": case.id, "decided_by": case.decided_by,
                "confirmed_by": case.confirmed_by, "exporter": case.exporter,
                "expires_on": case.expires_on.isoformat() if case.expires_on else None,
            })  # fmt: skip
            # (its own version: the case's page re-reads it)
            store.save_case(conn, replace(case, clearance_id=clearance_id,
                                          version=case.version + 1),
                            expected_version=case.version)  # fmt: skip
        if monitoring and disposition is not Disposition.ESCALATE:
            resolution = (Resolution.TRUE_MATCH if disposition is Disposition.TRUE_MATCH
                          else Resolution.FALSE_POSITIVE)  # fmt: skip
            for alert in alert_store.find_alerts(conn, counterparty_id=case.origin_ref):
                if alert.entry_id != case.entry_id or alert.status is AlertStatus.RESOLVED:
                    continue
                alert_store.set_alert_status(
                    conn, alert.id, expected=alert.status, status=AlertStatus.RESOLVED,
                    resolution=resolution.value, at=self.ctx.now(), actor=self.ctx.actor,
                    reason=reason,
                )  # fmt: skip
                self.audit.record(conn, "alert", str(alert.id), {
                    "status": AlertStatus.RESOLVED.value, "resolution": resolution.value,
                    "reason": reason})  # fmt: skip


def _value(disposition: Disposition | None) -> str | None:
    return disposition.value if disposition is not None else None
