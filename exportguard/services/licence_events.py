"""Licence events: the one way a licence changes. Each event goes through the transition
table of ``core.licensing`` (and the acting user's permission for it), is recorded with
its actor, time, reason and attached decision, and audited in the same transaction.

:class:`LicenceEvents` is the base of the licence use cases (:class:`~exportguard.services.
licensing.Licensing`, with :mod:`~exportguard.services.amendments` and
:mod:`~exportguard.services.misuse`), which apply events inside their own transactions.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from exportguard.core.decision_records import JsonObject
from exportguard.core.licensing import (
    Conditions,
    Event,
    Licence,
    LicenceEvent,
    apply,
    check_conditions,
)
from exportguard.core.permissions import require_event
from exportguard.errors import (
    ConcurrentChange,
    IllegalTransition,
    InvalidInput,
    NotFound,
    PermissionDenied,
    VersionRequired,
)
from exportguard.services.decision_input import DecisionInput
from exportguard.store import cases
from exportguard.store.engine import writing

if TYPE_CHECKING:
    from exportguard.services.audit import AuditWriter
    from exportguard.services.context import Context
    from exportguard.services.decisions import Decisions

#: Events that change an issued licence's conditions: they need the version they were
#: based on, and merge into the conditions read under the row lock.
CHANGES_CONDITIONS = frozenset({Event.AMEND, Event.RESTRICT})


class LicenceEvents:
    """Reading a licence and applying events to it."""

    def __init__(self, ctx: Context, *, audit: AuditWriter, decisions: Decisions) -> None:
        self.ctx = ctx
        self.audit = audit
        #: decides an application's question (and reads the decision a licence cites)
        self.decisions = decisions

    def get(self, licence_id: str) -> Licence:
        """The licence as stored; :class:`NotFound` if there is none, or if an exporter
        acts and it is another company's (every licence use case reads through this or
        :meth:`_reached`, so none reaches one)."""
        with self.ctx.engine.connect() as conn:
            return self._reached(cases.get_licence(conn, licence_id), licence_id)

    def _reached(self, found: Licence | None, licence_id: str) -> Licence:
        """``found`` if it exists and is the actor's to reach, else :class:`NotFound`."""
        if found is None or not self.ctx.reaches(found.exporter):
            raise NotFound(f"no licence {licence_id!r}")
        return found

    # --- events ------------------------------------------------------------------------

    def transition(
        self,
        licence_id: str,
        event: Event | str,
        *,
        reason: str,
        on: date | None = None,
        conditions: Conditions | None = None,
        expected_version: int | None = None,
        data: JsonObject | None = None,
        decision_id: str | None = None,
    ) -> Licence:
        """Apply one event (see ``core.licensing.TRANSITIONS``); recorded and audited.

        Submitting screens and decides the application under its regime; approving needs a
        decision that is not ``not_eligible`` and takes the decision's licence conditions
        (the Israeli end-use declaration) among the licence's terms.

        Checked in this order, before anything is screened or written: the licence
        (:class:`NotFound`, also another company's for an exporter), the event's name
        (:class:`InvalidInput`), the acting role's right to it
        (:class:`PermissionDenied`, ``core.permissions.require_event``), the reason, the
        transition table (:class:`IllegalTransition`), the date.
        """
        licence = self.get(licence_id)
        try:
            ev = Event(event)
        except ValueError:
            raise InvalidInput(
                f"unknown event {event!r}; events: {', '.join(e.value for e in Event)}",
                field="event",
            ) from None
        if self.ctx.principal is not None:
            require_event(self.ctx.principal, licence.state, ev)
        if not reason.strip():
            raise InvalidInput("every licence event needs a reason", field="reason")
        today = self.ctx.today()
        when = on or today
        apply(licence, ev)  # the table before the screening: an illegal event costs none
        if self.ctx.tenant is not None and when != today:
            # Else an exporter could date its submission back to older, laxer rules, or
            # surrender "in the past" to escape every later officer action.
            raise PermissionDenied("an exporter's licence events take effect the day they "
                                   "are made (leave the date out)")  # fmt: skip
        if when > today:
            raise InvalidInput(f"{when} is after today: an event takes effect the day it is "
                               "recorded or earlier", field="date")  # fmt: skip
        if ev is Event.SUBMIT:
            question = DecisionInput(
                items=licence.items,
                to=licence.destination,
                on=when,
                regimes=[licence.regime],
                end_users=[licence.end_user],
                intermediaries=licence.parties,
                end_user_type=licence.end_user_type,
                end_use=licence.end_use,
            )
            decision = self.decisions.decide(question)
            decision_id = decision.decision_id
            data = {**(data or {}), "verdict": decision.verdict.label}
        if ev is Event.APPROVE:
            conditions = self._approval_conditions(licence, conditions)
        if ev in CHANGES_CONDITIONS and conditions is not None and expected_version is None:
            raise VersionRequired(
                f"to {ev.value} licence {licence_id}'s conditions, send the version you read "
                f"(If-Match, or --version; it is at {licence.version}): a change based on an "
                "unknown version could undo another officer's"
            )
        with writing(self.ctx.engine) as conn:
            return self._transition_in(
                conn, licence_id, ev, reason=reason.strip(), on=when, conditions=conditions,
                expected_version=expected_version, data=data, decision_id=decision_id,
            )  # fmt: skip

    def _transition_in(
        self,
        conn: Connection,
        licence_id: str,
        ev: Event,
        *,
        reason: str,
        on: date,
        conditions: Conditions | None,
        expected_version: int | None,
        data: JsonObject | None,
        decision_id: str | None,
    ) -> Licence:
        """The event inside the caller's write transaction: the licence row is locked and
        read here, so the version check, the merge of conditions and the write see the same
        licence (no lost update), and an enclosing use case commits or rolls back all."""
        current = self._reached(cases.get_licence(conn, licence_id, lock=True), licence_id)
        if expected_version is not None and current.version != expected_version:
            raise ConcurrentChange(
                f"licence {licence_id} is at version {current.version}, not "
                f"{expected_version}: someone else changed it; reload and retry"
            )
        if self.ctx.principal is not None:
            require_event(self.ctx.principal, current.state, ev)
        earlier = cases.events(conn, licence_id)
        last = max((e.on for e in earlier), default=None)
        if last is not None and on < last:
            raise InvalidInput(
                f"licence {licence_id}'s last event took effect on {last}: a later event "
                f"cannot take effect before it ({on})",
                field="date",
            )
        if ev in CHANGES_CONDITIONS and conditions is not None:
            conditions = _merge(current.conditions, conditions, restrict=ev is Event.RESTRICT)
        if conditions is not None and (ev is Event.APPROVE or ev in CHANGES_CONDITIONS):
            problems = check_conditions(conditions, on)
            if problems:
                raise InvalidInput(problems)
        updated = apply(current, ev, conditions=conditions, decision_id=decision_id)
        seq = len(earlier) + 1
        record = LicenceEvent(
            licence_id, seq, ev, current.state, updated.state, self.ctx.now(), on,
            self.ctx.actor, reason, decision_id, data or {},
        )  # fmt: skip
        cases.save_licence(conn, updated, current.version, record.at)
        cases.add_event(conn, record)
        self.audit.record(conn, "licence-event", licence_id, {
            "seq": seq, "event": ev.value, "from": current.state.value,
            "to": updated.state.value, "on": on.isoformat(), "reason": reason,
            "decision_id": decision_id, "conditions": updated.conditions.to_dict(),
            "data": data or {}})  # fmt: skip
        return updated

    def _approval_conditions(self, licence: Licence, given: Conditions | None) -> Conditions:
        if licence.decision_id is None:
            raise IllegalTransition(f"licence {licence.id} has no decision: submit it first")
        stored = self.decisions.stored(licence.decision_id)
        if stored.verdict == "not_eligible":
            raise IllegalTransition(
                f"licence {licence.id}: the decision {licence.decision_id} is not_eligible; "
                "it cannot be approved (refuse it, or change the application and resubmit)"
            )
        base = given or Conditions()
        terms = list(base.terms)
        terms.extend(t for t in stored.conditions() if t not in terms)
        return replace(
            base,
            terms=tuple(terms),
            end_users=base.end_users or (licence.end_user,),
            end_uses=base.end_uses or ((licence.end_use,) if licence.end_use else ()),
        )


def _merge(old: Conditions, new: Conditions, *, restrict: bool) -> Conditions:
    """Amend: given fields replace; restrict: terms are added and caps only go down."""
    if not restrict:
        return Conditions(
            valid_from=new.valid_from or old.valid_from,
            valid_until=new.valid_until or old.valid_until,
            max_value=new.max_value if new.max_value is not None else old.max_value,
            max_quantity=new.max_quantity if new.max_quantity is not None else old.max_quantity,
            end_users=new.end_users or old.end_users, end_uses=new.end_uses or old.end_uses,
            terms=tuple(dict.fromkeys((*old.terms, *new.terms))),
            reporting=tuple(dict.fromkeys((*old.reporting, *new.reporting))),
        )  # fmt: skip

    def lower(a: float | None, b: float | None) -> float | None:
        return b if a is None else a if b is None else min(a, b)

    quantity = lower(old.max_quantity, new.max_quantity)
    for name, had, given in (("end_users", old.end_users, new.end_users),
                             ("end_uses", old.end_uses, new.end_uses)):  # fmt: skip
        if had and given and not set(had) & set(given):
            # An empty list means "no limit": a restriction must never widen a licence.
            raise InvalidInput(
                f"a restriction keeps some of the licence's {name.replace('_', ' ')} "
                f"({', '.join(had)}); none of {', '.join(given)} is among them (to allow "
                "none, suspend or revoke the licence)",
                field=name,
            )
    return Conditions(
        valid_from=old.valid_from,
        valid_until=min(filter(None, (old.valid_until, new.valid_until)), default=None),
        max_value=lower(old.max_value, new.max_value),
        max_quantity=int(quantity) if quantity is not None else None,
        end_users=tuple(u for u in old.end_users if not new.end_users or u in new.end_users),
        end_uses=tuple(u for u in old.end_uses if not new.end_uses or u in new.end_uses),
        terms=tuple(dict.fromkeys((*old.terms, *new.terms))),
        reporting=tuple(dict.fromkeys((*old.reporting, *new.reporting))),
    )  # fmt: skip
