"""Licences: applications, decisions on submission, transitions, shipments, misuse reports.

Every change is a licence event (actor, time, reason, attached decision) applied through
the transition table of ``core.licensing`` and recorded in the audit trail in the same
transaction. Israel's two stages are two licences: a ``marketing`` licence, then an
``export`` licence whose ``parent`` is the issued marketing licence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from exportguard.core import countries
from exportguard.core.index import make_query
from exportguard.core.licensing import (
    AmendmentRequest,
    Conditions,
    Event,
    Licence,
    LicenceEvent,
    RequestStatus,
    Shipment,
    State,
    apply,
    balance,
    check_shipment,
    state_on,
)
from exportguard.core.matching import score
from exportguard.core.names import analyse
from exportguard.core.permissions import require_event
from exportguard.core.regimes import END_USER_TYPES, END_USES
from exportguard.core.thresholds import REPORT_MATCH_THRESHOLD
from exportguard.core.weights import token_weight
from exportguard.errors import (
    ConcurrentChange,
    FieldError,
    IllegalTransition,
    InvalidInput,
    NotFound,
    PermissionDenied,
    VersionRequired,
)
from exportguard.store import cases
from exportguard.store.engine import writing

if TYPE_CHECKING:
    from exportguard.services import ExportGuard

KINDS = ("marketing", "export", "dual-use")
CONFIDENCE = ("low", "medium", "high")
#: Events that change an issued licence's conditions: they need the version they were
#: based on, and merge into the conditions read under the row lock.
CHANGES_CONDITIONS = frozenset({Event.AMEND, Event.RESTRICT})
REVIEW_OUTCOMES = {"no_action": None, "restrict": Event.RESTRICT, "suspend": Event.SUSPEND,
                   "revoke": Event.REVOKE, "shut_down": Event.SHUT_DOWN}  # fmt: skip


class Licensing:
    """Licence use cases, reached as ``ExportGuard.licensing``."""

    def __init__(self, app: ExportGuard) -> None:
        self.app = app

    # --- applications ---------------------------------------------------------------------

    def apply(
        self,
        *,
        exporter: str,
        kind: str,
        regime: str,
        items: Sequence[str],
        destination: str,
        end_user: str,
        end_user_type: str | None = None,
        end_use: str | None = None,
        parties: Sequence[str] = (),
        value: float | None = None,
        quantity: int | None = None,
        parent: str | None = None,
    ) -> Licence:
        """Open a draft application (validated; not yet screened or decided)."""
        errors: list[FieldError] = []
        if not exporter.strip():
            errors.append(FieldError("exporter", "must not be empty"))
        if kind not in KINDS:
            errors.append(FieldError("kind", f"must be one of {', '.join(KINDS)}"))
        if regime not in self.app.decisions.regimes():
            errors.append(FieldError("regime", f"unknown regime {regime!r}"))
        code = countries.to_code(destination)
        if code is None:
            errors.append(FieldError("destination", f"unknown country {destination!r}"))
        if not end_user.strip():
            errors.append(FieldError("end_user", "must not be empty"))
        if end_user_type is not None and end_user_type not in END_USER_TYPES:
            errors.append(
                FieldError("end_user_type", f"must be one of {', '.join(END_USER_TYPES)}")
            )
        if end_use is not None and end_use not in END_USES:
            errors.append(FieldError("end_use", f"must be one of {', '.join(END_USES)}"))
        if value is not None and value < 0:
            errors.append(FieldError("value", "must not be negative"))
        if quantity is not None and quantity < 0:
            errors.append(FieldError("quantity", "must not be negative"))
        if kind == "export" and regime == "il-deca" and not parent:
            errors.append(
                FieldError(
                    "parent",
                    "an Israeli export licence needs its issued marketing licence (--parent)",
                )
            )
        errors.extend(self.app.decisions.item_errors(items))
        if errors:
            raise InvalidInput(errors)
        assert code is not None
        with writing(self.app.engine) as conn:
            if parent:
                self._check_parent(conn, parent, exporter, code)
            licence = Licence(
                id=cases.next_id(conn, "licence", "L"), exporter=exporter.strip(), kind=kind,
                regime=regime, items=tuple(items), destination=code, end_user=end_user.strip(),
                end_user_type=end_user_type, end_use=end_use, parties=tuple(parties),
                value=value, quantity=quantity, parent=parent,
            )  # fmt: skip
            cases.add_licence(conn, licence, self.app._now())
            self.app.audit.record(conn, "application", licence.id, {
                "exporter": licence.exporter, "kind": kind, "regime": regime,
                "items": list(items), "destination": code, "end_user": licence.end_user,
                "end_user_type": end_user_type, "end_use": end_use, "parties": list(parties),
                "value": value, "quantity": quantity, "parent": parent})  # fmt: skip
        return licence

    def _check_parent(self, conn: Connection, parent_id: str, exporter: str, code: str) -> None:
        """The parent must be the same exporter's issued marketing licence for ``code``.

        Another exporter's licence does not exist for this one: the message is the same
        as for an unknown id and says nothing of the other licence.
        """
        parent = cases.get_licence(conn, parent_id)
        if parent is None or parent.exporter != exporter.strip():
            raise InvalidInput(f"no licence {parent_id!r}", field="parent")
        problems = []
        if parent.kind != "marketing":
            problems.append("is not a marketing licence")
        if parent.destination != code:
            problems.append(f"is for {parent.destination}, not {code}")
        today = self.app.clock().date()
        current = state_on(cases.events(conn, parent_id), today, parent.conditions)
        if current is not State.ISSUED:
            problems.append(f"is {current.value}, not issued")
        if problems:
            raise InvalidInput(
                f"marketing licence {parent_id} " + "; ".join(problems), field="parent"
            )

    # --- reading ----------------------------------------------------------------------------

    def get(self, licence_id: str) -> Licence:
        with self.app.engine.connect() as conn:
            found = cases.get_licence(conn, licence_id)
        if found is None:
            raise NotFound(f"no licence {licence_id!r}")
        return found

    def find(self, **filters: str | None) -> list[Licence]:
        """Licences matching ``filters`` (exporter, state, destination, regime), each in
        its state today: an issued or suspended licence past its validity is listed, and
        filtered, as expired (its last event still says issued)."""
        wanted = filters.pop("state", None)
        with self.app.engine.connect() as conn:
            found = cases.find_licences(conn, **filters)
        today = self.app.clock().date()
        out = []
        for stored in found:
            until = stored.conditions.valid_until
            lapsed = stored.state in (State.ISSUED, State.SUSPENDED) and until and today > until
            lic = replace(stored, state=State.EXPIRED) if lapsed else stored
            if wanted is None or lic.state.value == wanted:
                out.append(lic)
        return out

    def events(self, licence_id: str) -> list[LicenceEvent]:
        self.get(licence_id)
        with self.app.engine.connect() as conn:
            return cases.events(conn, licence_id)

    def state_on(self, licence_id: str, on: date) -> State:
        """The licence's state on any date (expiry computed from the validity period)."""
        licence = self.get(licence_id)
        return state_on(self.events(licence_id), on, licence.conditions)

    def view(self, licence_id: str, on: date | None = None) -> dict[str, Any]:
        """Everything about a licence: fields, state today, events, shipments, balance."""
        licence = self.get(licence_id)
        with self.app.engine.connect() as conn:
            evs = cases.events(conn, licence_id)
            done = cases.shipments_of(conn, licence_id)
        today = on or self.app.clock().date()
        return {
            "id": licence.id, "exporter": licence.exporter, "kind": licence.kind,
            "regime": licence.regime, "items": list(licence.items),
            "destination": licence.destination, "end_user": licence.end_user,
            "end_user_type": licence.end_user_type, "end_use": licence.end_use,
            "parties": list(licence.parties), "value": licence.value,
            "quantity": licence.quantity, "parent": licence.parent,
            "state": licence.state.value, "version": licence.version,
            "state_on": {"date": today.isoformat(),
                         "state": state_on(evs, today, licence.conditions).value},
            "conditions": licence.conditions.to_dict(), "decision_id": licence.decision_id,
            "events": [{"seq": e.seq, "event": e.event.value, "from": e.from_state.value,
                        "to": e.to_state.value, "at": e.at, "on": e.on.isoformat(),
                        "actor": e.actor, "reason": e.reason, "decision_id": e.decision_id,
                        "data": dict(e.data)} for e in evs],
            "shipments": [{"shipped_on": s.shipped_on.isoformat(), "value": s.value,
                           "quantity": s.quantity, "end_user": s.end_user,
                           "end_use": s.end_use} for s in done],
            "balance": balance(licence, done),
        }  # fmt: skip

    # --- transitions ------------------------------------------------------------------------

    def transition(
        self,
        licence_id: str,
        event: Event | str,
        *,
        reason: str,
        on: date | None = None,
        conditions: Conditions | None = None,
        expected_version: int | None = None,
        data: dict[str, Any] | None = None,
        decision_id: str | None = None,
    ) -> Licence:
        """Apply one event (see ``core.licensing.TRANSITIONS``); recorded and audited.

        Submitting screens and decides the application under its regime; approving needs a
        decision that is not ``not_eligible`` and takes the decision's licence conditions
        (the Israeli end-use declaration) among the licence's terms.
        """
        try:
            ev = Event(event)
        except ValueError:
            raise InvalidInput(
                f"unknown event {event!r}; events: {', '.join(e.value for e in Event)}",
                field="event",
            ) from None
        if not reason.strip():
            raise InvalidInput("every licence event needs a reason", field="reason")
        today = self.app.clock().date()
        when = on or today
        licence = self.get(licence_id)
        apply(licence, ev)  # the table first: an illegal event costs no screening
        if self.app.principal is not None:
            require_event(self.app.principal, licence.state, ev)
            if self.app.principal.is_exporter and when != today:
                # Else an exporter could date its submission back to older, laxer rules, or
                # surrender "in the past" to escape every later officer action.
                raise PermissionDenied("an exporter's licence events take effect the day "
                                       "they are made (leave the date out)")  # fmt: skip
        if when > today:
            raise InvalidInput(f"{when} is after today: an event takes effect the day it is "
                               "recorded or earlier", field="date")  # fmt: skip
        if ev is Event.SUBMIT:
            decision = self.app.decisions.decide(
                items=licence.items,
                to=licence.destination,
                on=when,
                regimes=[licence.regime],
                end_users=[licence.end_user],
                intermediaries=licence.parties,
                end_user_type=licence.end_user_type,
                end_use=licence.end_use,
            )
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
        with writing(self.app.engine) as conn:
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
        data: dict[str, Any] | None,
        decision_id: str | None,
    ) -> Licence:
        """The event inside the caller's write transaction: the licence row is locked and
        read here, so the version check, the merge of conditions and the write see the same
        licence (no lost update), and an enclosing use case commits or rolls back all."""
        current = cases.get_licence(conn, licence_id, lock=True)
        if current is None:
            raise NotFound(f"no licence {licence_id!r}")
        if expected_version is not None and current.version != expected_version:
            raise ConcurrentChange(
                f"licence {licence_id} is at version {current.version}, not "
                f"{expected_version}: someone else changed it; reload and retry"
            )
        if self.app.principal is not None:
            require_event(self.app.principal, current.state, ev)
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
        updated = apply(current, ev, conditions=conditions, decision_id=decision_id)
        seq = len(earlier) + 1
        record = LicenceEvent(
            licence_id, seq, ev, current.state, updated.state, self.app._now(), on,
            self.app.actor, reason, decision_id, data or {},
        )  # fmt: skip
        cases.save_licence(conn, updated, current.version, record.at)
        cases.add_event(conn, record)
        self.app.audit.record(conn, "licence-event", licence_id, {
            "seq": seq, "event": ev.value, "from": current.state.value,
            "to": updated.state.value, "on": on.isoformat(), "reason": reason,
            "decision_id": decision_id, "conditions": updated.conditions.to_dict(),
            "data": data or {}})  # fmt: skip
        return updated

    def _approval_conditions(self, licence: Licence, given: Conditions | None) -> Conditions:
        if licence.decision_id is None:
            raise IllegalTransition(f"licence {licence.id} has no decision: submit it first")
        stored = self.app.decisions.decision(licence.decision_id)
        verdict = stored["verdict"]
        if verdict == "not_eligible":
            raise IllegalTransition(
                f"licence {licence.id}: the decision {licence.decision_id} is not_eligible; "
                "it cannot be approved (refuse it, or change the application and resubmit)"
            )
        base = given or Conditions()
        terms = list(base.terms)
        for regime in stored["result"]["regimes"]:
            terms.extend(t for t in regime.get("conditions", []) if t not in terms)
        return replace(
            base,
            terms=tuple(terms),
            end_users=base.end_users or (licence.end_user,),
            end_uses=base.end_uses or ((licence.end_use,) if licence.end_use else ()),
        )

    # --- amendment requests --------------------------------------------------------------

    def request_amendment(
        self, licence_id: str, conditions: Conditions, *, reason: str
    ) -> AmendmentRequest:
        """An exporter asks for its issued (or suspended) licence's conditions to change.

        Nothing changes on the licence: the request waits for an officer
        (:meth:`decide_amendment`). Raises :class:`InvalidInput` without a reason or a
        change, :class:`IllegalTransition` if the licence is not issued or suspended, and
        :class:`NotFound` for a licence that is not the acting exporter's.
        """
        if not reason.strip():
            raise InvalidInput("say why the licence should change", field="reason")
        if conditions == Conditions():
            raise InvalidInput("name at least one condition to change", field="conditions")
        with writing(self.app.engine) as conn:
            licence = self._own_licence(conn, licence_id)
            today = self.app.clock().date()
            state = state_on(cases.events(conn, licence_id), today, licence.conditions)
            if state not in (State.ISSUED, State.SUSPENDED):
                raise IllegalTransition(
                    f"licence {licence_id} is {state.value}: only an issued or suspended "
                    "licence can be amended (apply for a new one)"
                )
            request = AmendmentRequest(
                id=cases.next_id(conn, "amendment", "AR"), licence=licence_id,
                exporter=licence.exporter, conditions=conditions, reason=reason.strip(),
                requested_by=self.app.actor, requested_at=self.app._now(),
                based_on_version=licence.version,
            )  # fmt: skip
            cases.add_request(conn, request)
            self.app.audit.record(conn, "amendment-request", request.id, {
                "licence": licence_id, "conditions": conditions.to_dict(),
                "reason": request.reason, "based_on_version": licence.version})  # fmt: skip
        return request

    def amendment_requests(
        self, *, licence: str | None = None, status: RequestStatus | str | None = None
    ) -> list[AmendmentRequest]:
        """Amendment requests, oldest first; an exporter sees only its own."""
        wanted = None
        if status is not None:
            try:
                wanted = RequestStatus(status)
            except ValueError:
                choices = ", ".join(s.value for s in RequestStatus)
                raise InvalidInput(f"must be one of {choices}", field="status") from None
        exporter = self._exporter_scope()
        with self.app.engine.connect() as conn:
            return cases.find_requests(conn, exporter=exporter, licence=licence, status=wanted)

    def amendment_request(self, request_id: str) -> AmendmentRequest:
        with self.app.engine.connect() as conn:
            found = cases.get_request(conn, request_id)
        scope = self._exporter_scope()
        if found is None or (scope is not None and found.exporter != scope):
            raise NotFound(f"no amendment request {request_id!r}")
        return found

    def decide_amendment(
        self, request_id: str, *, approve: bool, reason: str
    ) -> AmendmentRequest:
        """An officer approves (the licence is amended: an ``amend`` event with the requested
        conditions, merged into the licence's current ones under its row lock) or refuses.

        The request's close and the licence's event are one transaction: of two officers
        deciding at once, one wins and the other gets :class:`IllegalTransition`.
        """
        if not reason.strip():
            raise InvalidInput("every decision needs a reason", field="reason")
        if self.app.principal is not None and self.app.principal.role not in ("officer", "admin"):
            raise PermissionDenied("only a licensing officer decides amendment requests")
        request = self.amendment_request(request_id)
        status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
        with writing(self.app.engine) as conn:
            if not cases.decide_request(
                conn, request_id, status, actor=self.app.actor, at=self.app._now(),
                reason=reason.strip(),
            ):  # fmt: skip
                raise IllegalTransition(f"amendment request {request_id} is already decided")
            licence = cases.get_licence(conn, request.licence, lock=True)
            if approve and licence is not None and licence.version != request.based_on_version:
                # Approving it now could undo what officers did since (a restriction).
                raise ConcurrentChange(
                    f"licence {request.licence} changed since {request_id} was made (version "
                    f"{request.based_on_version}, now {licence.version}): refuse it, and ask "
                    "for a new request against the licence as it is"
                )
            if approve:
                self._transition_in(
                    conn, request.licence, Event.AMEND, reason=f"{request_id}: {reason.strip()}",
                    on=self.app.clock().date(), conditions=request.conditions,
                    expected_version=None, data={"amendment_request": request_id},
                    decision_id=None,
                )  # fmt: skip
            self.app.audit.record(conn, "amendment-decision", request_id, {
                "licence": request.licence, "status": status.value,
                "reason": reason.strip()})  # fmt: skip
            decided = cases.get_request(conn, request_id)
        assert decided is not None
        return decided

    def _exporter_scope(self) -> str | None:
        """The acting exporter's company, or None when the actor sees every exporter's."""
        p = self.app.principal
        return p.exporter if p is not None and p.is_exporter else None

    def _own_licence(self, conn: Connection, licence_id: str) -> Licence:
        licence = cases.get_licence(conn, licence_id, lock=True)
        scope = self._exporter_scope()
        if licence is None or (scope is not None and licence.exporter != scope):
            raise NotFound(f"no licence {licence_id!r}")
        return licence

    # --- shipments --------------------------------------------------------------------------

    def ship(
        self,
        licence_id: str,
        *,
        shipped_on: date,
        value: float | None = None,
        quantity: int | None = None,
        end_user: str | None = None,
        end_use: str | None = None,
    ) -> dict[str, Any]:
        """Record a shipment if the licence covers it; else raise with every problem."""
        shipment = Shipment(shipped_on, value, quantity, end_user, end_use)
        with writing(self.app.engine) as conn:
            licence = cases.get_licence(conn, licence_id, lock=True)
            if licence is None:
                raise NotFound(f"no licence {licence_id!r}")
            state = state_on(cases.events(conn, licence_id), shipped_on, licence.conditions)
            earlier = cases.shipments_of(conn, licence_id)
            problems = check_shipment(licence, state, earlier, shipment)
            if problems:
                raise InvalidInput(problems)
            cases.add_shipment(conn, licence_id, shipment, self.app._now(), self.app.actor)
            left = balance(licence, [*earlier, shipment])
            self.app.audit.record(
                conn,
                "shipment",
                licence_id,
                {
                    "shipped_on": shipped_on.isoformat(),
                    "value": value,
                    "quantity": quantity,
                    "end_user": end_user,
                    "end_use": end_use,
                    "balance": left,
                },
            )
        return left

    # --- misuse reports ---------------------------------------------------------------------

    def report_misuse(
        self,
        *,
        source: str,
        reported_on: date,
        country: str,
        suspected_operator: str,
        product: str,
        evidence: str,
        confidence: str,
    ) -> dict[str, Any]:
        """Record a misuse report, match it to the licences it may concern, open reviews."""
        errors = []
        code = countries.to_code(country)
        if code is None:
            errors.append(FieldError("country", f"unknown country {country!r}"))
        if confidence not in CONFIDENCE:
            errors.append(FieldError("confidence", f"must be one of {', '.join(CONFIDENCE)}"))
        for name, value in (
            ("source", source),
            ("suspected_operator", suspected_operator),
            ("product", product),
            ("evidence", evidence),
        ):
            if not value.strip():
                errors.append(FieldError(name, "must not be empty"))
        if errors:
            raise InvalidInput(errors)
        assert code is not None
        with writing(self.app.engine) as conn:
            report_id = cases.next_id(conn, "report", "R")
            matches = self._match_report(conn, code, suspected_operator, product)
            cases.add_report(conn, {
                "id": report_id, "source": source, "reported_on": reported_on, "country": code,
                "suspected_operator": suspected_operator, "product": product,
                "evidence": evidence, "confidence": confidence, "status": "open",
                "outcome": None, "matches": matches, "created_at": self.app._now(),
                "actor": self.app.actor})  # fmt: skip
            for match in matches:
                cases.add_review(
                    conn,
                    review_id=cases.next_id(conn, "review", "V"),
                    subject_kind="licence",
                    subject_id=match["licence"],
                    origin="misuse-report",
                    reason=f"misuse report {report_id}: " + "; ".join(match["why"]),
                    at=self.app._now(),
                    actor=self.app.actor,
                    data={"report": report_id},
                )
            self.app.audit.record(
                conn,
                "misuse-report",
                report_id,
                {
                    "source": source,
                    "reported_on": reported_on.isoformat(),
                    "country": code,
                    "suspected_operator": suspected_operator,
                    "product": product,
                    "evidence": evidence,
                    "confidence": confidence,
                    "matches": matches,
                },
            )
            found = cases.get_report(conn, report_id)
        assert found is not None
        return found

    def _match_report(
        self, conn: Connection, country: str, operator: str, product: str
    ) -> list[dict[str, Any]]:
        """Licences for the report's country whose end user resembles the suspected
        operator, or whose items the product names."""
        query = make_query(operator)
        product_text = product.upper()
        out = []
        for licence in cases.find_licences(conn, destination=country):
            if licence.state in (State.DRAFT, State.WITHDRAWN, State.REFUSED):
                continue
            why = [f"destination {country}"]
            cand = make_candidate(licence.end_user)
            similarity = score(query, cand, token_weight).score
            if similarity >= REPORT_MATCH_THRESHOLD:
                why.append(f"end user {licence.end_user!r} ~ {operator!r} ({similarity:.2f})")
            named = [i for i in licence.items if i.upper() in product_text]
            if named:
                why.append(f"product names item(s) {', '.join(named)}")
            if len(why) > 1 or licence.end_user_type in (
                "government",
                "law-enforcement",
                "intelligence",
                "military",
            ):
                if len(why) == 1:
                    why.append("government end user in the reported country")
                out.append(
                    {"licence": licence.id, "why": why, "end_user_similarity": round(similarity, 3)}
                )
        return out

    def reports(self) -> list[dict[str, Any]]:
        with self.app.engine.connect() as conn:
            return cases.all_reports(conn)

    def reviews(self, status: str | None = "open") -> list[dict[str, Any]]:
        with self.app.engine.connect() as conn:
            return cases.find_reviews(conn, status=status)

    def close_review(self, review_id: str, outcome: str, *, reason: str) -> dict[str, Any]:
        """End a review: no_action, restrict, suspend, revoke or shut_down (the last four
        are applied to the licence as events)."""
        if outcome not in REVIEW_OUTCOMES:
            raise InvalidInput(f"must be one of {', '.join(REVIEW_OUTCOMES)}", field="outcome")
        with self.app.engine.connect() as conn:
            found = [r for r in cases.find_reviews(conn) if r["id"] == review_id]
        if not found:
            raise NotFound(f"no review {review_id!r}")
        review = found[0]
        if review["status"] != "open":
            raise IllegalTransition(f"review {review_id} is already closed ({review['outcome']})")
        event = REVIEW_OUTCOMES[outcome]
        with writing(self.app.engine) as conn:
            # Close first, conditionally (a compare-and-set on the status): of two officers
            # closing at once, one wins, and the loser's licence event is never applied,
            # since it is in this same transaction and rolls back with it.
            if not cases.close_review(conn, review_id, outcome, self.app._now()):
                raise IllegalTransition(f"review {review_id} was closed meanwhile")
            if event is not None and review["subject_kind"] == "licence":
                conditions = None
                if event is Event.RESTRICT:
                    conditions = Conditions(
                        terms=(f"Restricted after review {review_id}: {reason}",)
                    )
                self._transition_in(
                    conn, review["subject_id"], event, reason=f"review {review_id}: {reason}",
                    on=self.app.clock().date(), conditions=conditions, expected_version=None,
                    data={"review": review_id}, decision_id=None,
                )  # fmt: skip
            report = review["data"].get("report")
            still_open = [
                r
                for r in cases.find_reviews(conn, status="open")
                if r["data"].get("report") == report
            ]
            if report and not still_open:
                cases.close_report(conn, report, outcome)
            self.app.audit.record(
                conn,
                "review",
                review_id,
                {"outcome": outcome, "reason": reason, "subject": review["subject_id"]},
            )
        review.update(status="closed", outcome=outcome)
        return review


def make_candidate(name: str) -> Any:
    """A matching candidate for a free-text name (a licence's end user)."""
    from exportguard.core.entities import AliasQuality, EntityType
    from exportguard.core.matching import Candidate

    return Candidate(name, analyse(name), AliasQuality.STRONG, EntityType.UNKNOWN, (), (), ())


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
