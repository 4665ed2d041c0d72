"""Licences: applications, reading, shipments; with their events
(:mod:`~exportguard.services.licence_events`: submission decides, transitions),
amendment requests (:mod:`~exportguard.services.amendments`) and misuse reports and
reviews (:mod:`~exportguard.services.misuse`), one use case class, ``ExportGuard.licensing``.

Every change is a licence event (actor, time, reason, attached decision) applied through
the transition table of ``core.licensing`` and recorded in the audit trail in the same
transaction. Israel's two stages are two licences: a ``marketing`` licence, then an
``export`` licence whose ``parent`` is the issued marketing licence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from sqlalchemy import Connection

from exportguard.core import countries
from exportguard.core.decide import DecisionRequest
from exportguard.core.licence_records import ApplicationDraft, BalanceJson, LicenceViewJson
from exportguard.core.licensing import (
    LICENCE_KINDS,
    Licence,
    LicenceEvent,
    Shipment,
    State,
    balance,
    check_shipment,
    state_on,
)
from exportguard.core.regimes import DEFAULT_LICENSING, END_USER_TYPES, END_USES
from exportguard.errors import FieldError, InvalidInput
from exportguard.services.amendments import Amendments
from exportguard.services.misuse import MisuseReports
from exportguard.store import cases
from exportguard.store.engine import writing


class Licensing(Amendments, MisuseReports):
    """Licence use cases, reached as ``ExportGuard.licensing``."""

    # --- applications ---------------------------------------------------------------------

    def apply(
        self,
        *,
        exporter: str | None = None,
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
        """Open a draft application (validated; not yet screened or decided) for
        ``exporter``: an exporter's own company (None: the acting exporter's), any named
        one for an officer or admin (:meth:`Context.company_for`). :class:`InvalidInput`
        names every bad field; another company than an exporter's own is refused first,
        before anything is written or audited."""
        exporter = self.ctx.company_for(exporter)
        errors: list[FieldError] = []
        if not exporter.strip():
            errors.append(FieldError("exporter", "must not be empty"))
        if kind not in LICENCE_KINDS:
            errors.append(FieldError("kind", f"must be one of {', '.join(LICENCE_KINDS)}"))
        known = self.decisions.regimes()
        if regime not in known:
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
        # The regime's licensing stages say which kind follows which (il-deca: marketing,
        # then export naming it).
        needs = known[regime].licensing.parent_of(kind) if regime in known else None
        if needs and not parent:
            errors.append(FieldError(
                "parent", f"{regime}: {kind} licences follow an issued {needs} licence (--parent)"
            ))  # fmt: skip
        errors.extend(self.decisions.item_errors(items, regime))
        if errors:
            raise InvalidInput(errors)
        assert code is not None
        with writing(self.ctx.engine) as conn:
            if parent:
                self._check_parent(conn, parent, exporter, code, needs or "marketing")
            licence = Licence(
                id=cases.next_id(conn, "licence", "L"), exporter=exporter.strip(), kind=kind,
                regime=regime, items=tuple(items), destination=code, end_user=end_user.strip(),
                end_user_type=end_user_type, end_use=end_use, parties=tuple(parties),
                value=value, quantity=quantity, parent=parent,
            )  # fmt: skip
            cases.add_licence(conn, licence, self.ctx.now())
            self.audit.record(conn, "application", licence.id, {
                "exporter": licence.exporter, "kind": kind, "regime": regime,
                "items": list(items), "destination": code, "end_user": licence.end_user,
                "end_user_type": end_user_type, "end_use": end_use, "parties": list(parties),
                "value": value, "quantity": quantity, "parent": parent})  # fmt: skip
        return licence

    def _check_parent(
        self, conn: Connection, parent_id: str, exporter: str, code: str, kind: str
    ) -> None:
        """The parent must be the same exporter's issued ``kind`` licence for ``code`` (the
        kind the regime's stages name; a parent given where none is needed: marketing).

        Another exporter's licence does not exist for this one: the message is the same
        as for an unknown id and says nothing of the other licence.
        """
        parent = cases.get_licence(conn, parent_id)
        if parent is None or parent.exporter != exporter.strip():
            raise InvalidInput(f"no licence {parent_id!r}", field="parent")
        problems = []
        if parent.kind != kind:
            problems.append(f"is not a {kind} licence")
        if parent.destination != code:
            problems.append(f"is for {parent.destination}, not {code}")
        today = self.ctx.clock().date()
        current = state_on(cases.events(conn, parent_id), today, parent.conditions)
        if current is not State.ISSUED:
            problems.append(f"is {current.value}, not issued")
        if problems:
            raise InvalidInput(f"{kind} licence {parent_id} " + "; ".join(problems), field="parent")

    def application_from(self, decision_id: str) -> ApplicationDraft:
        """A new application's fields as a stored decision asked the question, to pre-fill
        the application form: ``items`` (list of str), ``destination`` (ISO code),
        ``end_user`` (the first end user's name, or ""), ``end_user_type``, ``end_use``,
        ``parties`` (end users past the first, then the consignees' and intermediaries' names),
        ``notes`` (when there is something to check: several end users), ``regime`` (the first
        regime that requires a licence, else the first decided), ``kind`` (the first
        licence of the regime's ``licensing`` stages: ``marketing`` under il-deca; else
        ``export``) and
        ``decision`` (the id). Raises :class:`NotFound` for an unknown decision, and for
        another user's decision when acting for an exporter (its decisions are its own)."""
        stored = self.decisions.stored(decision_id)  # an exporter's own only
        asked = DecisionRequest.from_dict(stored.request)
        given = stored.result.get("regimes")
        decided = [r for r in given if isinstance(r, dict)] if isinstance(given, list) else []
        needing = [str(r["id"]) for r in decided if r.get("verdict") == "licence_required"]
        regime = (needing or [str(r["id"]) for r in decided] or [*asked.regimes, ""])[0]
        chosen = self.decisions.regimes().get(regime)
        end_users = list(asked.end_users)
        fields: ApplicationDraft = {
            "decision": decision_id, "items": list(asked.items),
            "destination": asked.destination, "end_user": next(iter(end_users), ""),
            "end_user_type": asked.end_user_type, "end_use": asked.end_use,
            # Every party the decision screened stays on the application: end users past
            # the first (an application names one) lead the other parties.
            "parties": end_users[1:] + [p.name for p in asked.parties if p.role != "end user"],
            "regime": regime, "kind": (chosen.licensing if chosen else DEFAULT_LICENSING).first,
        }  # fmt: skip
        if len(end_users) > 1:
            fields["notes"] = [
                f"the decision names {len(end_users)} end users and an application one: "
                f"{', '.join(end_users[1:])} {'is' if len(end_users) == 2 else 'are'} listed "
                "among the other parties (open one application per end user if each needs "
                "its own licence)"
            ]
        return fields

    # --- reading ----------------------------------------------------------------------------

    def find(self, **filters: str | None) -> list[Licence]:
        """Licences matching ``filters`` (exporter, state, destination, regime), each in
        its state today: an issued or suspended licence past its validity is listed, and
        filtered, as expired (its last event still says issued). An exporter lists its own
        company's only, whatever ``exporter`` is given."""
        wanted = filters.pop("state", None)
        filters["exporter"] = self.ctx.scope(filters.get("exporter"))
        with self.ctx.engine.connect() as conn:
            found = cases.find_licences(conn, **filters)
        today = self.ctx.clock().date()
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
        with self.ctx.engine.connect() as conn:
            return cases.events(conn, licence_id)

    def state_on(self, licence_id: str, on: date) -> State:
        """The licence's state on any date (expiry computed from the validity period)."""
        licence = self.get(licence_id)
        return state_on(self.events(licence_id), on, licence.conditions)

    def view(self, licence_id: str, on: date | None = None) -> LicenceViewJson:
        """Everything about a licence: fields, state today, events, shipments, balance."""
        licence = self.get(licence_id)
        with self.ctx.engine.connect() as conn:
            evs = cases.events(conn, licence_id)
            done = cases.shipments_of(conn, licence_id)
        today = on or self.ctx.clock().date()
        return {  # the API's LicenceOut
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
    ) -> BalanceJson:
        """Record a shipment if the licence covers it (what remains of its caps); else
        :class:`InvalidInput` with every problem. :class:`NotFound` for an unknown licence,
        or another company's when an exporter acts."""
        shipment = Shipment(shipped_on, value, quantity, end_user, end_use)
        with writing(self.ctx.engine) as conn:
            licence = self._reached(cases.get_licence(conn, licence_id, lock=True), licence_id)
            state = state_on(cases.events(conn, licence_id), shipped_on, licence.conditions)
            earlier = cases.shipments_of(conn, licence_id)
            problems = check_shipment(
                licence, state, earlier, shipment, today=self.ctx.clock().date()
            )
            if problems:
                raise InvalidInput(problems)
            cases.add_shipment(conn, licence_id, shipment, self.ctx.now(), self.ctx.actor)
            left = balance(licence, [*earlier, shipment])
            self.audit.record(
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
