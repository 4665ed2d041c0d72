"""Continuous monitoring of an exporter's counterparties (customers, distributors, end
users, suppliers).

A counterparty is screened when added and again after every list import. Each screening
is compared with the last: a hit on an entry not seen before raises a ``new`` alert, a hit
on an entry whose content changed a ``changed`` alert; hits seen before and unchanged raise
nothing. An officer may clear a hit (reason, optional expiry): it is suppressed until the
clearance expires or the list entry itself changes; when a clearance expires, a
``clearance_lapsed`` alert asks for a re-review (checked on every rescreen and every read
of the alerts, so a clock moving on is enough). Alerts are acknowledged, then resolved as a
true match or a false positive, with a reason; an alert whose list entry leaves its list
resolves itself as ``delisted`` (``core.alerts``). New alerts can be posted to a webhook.

Runs over the whole book (incremental after a list update, on Dask for a large book) are
``services.rescreening``; bulk imports from CSV are ``services.bulk``; the alerts, their
lifecycle and notifications ``services.alerts`` (the base of :class:`Monitoring`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from exportguard.core import countries
from exportguard.core.alerts import AlertStatus, Resolution
from exportguard.core.counterparties import ROLES, CounterpartyRole
from exportguard.core.entities import EntityType
from exportguard.core.hit_cases import Disposition
from exportguard.core.index import build_query
from exportguard.core.monitoring_records import (
    AddedCounterparty,
    Alert,
    ClearanceMade,
    Counterparty,
    CounterpartyDetail,
    ExpiringClearance,
    RunReport,
)
from exportguard.core.snapshots import Snapshot
from exportguard.errors import FieldError, InvalidInput, NotFound
from exportguard.services.alerts import Alerts, Notifier
from exportguard.services.rescreening import Rescreening
from exportguard.services.screeners import Progress, Screener
from exportguard.store import alerts as alert_store
from exportguard.store import cases
from exportguard.store import clearances as clearance_store
from exportguard.store import counterparties as store
from exportguard.store.engine import writing

if TYPE_CHECKING:
    from exportguard.services.audit import AuditWriter
    from exportguard.services.bulk import BulkImport
    from exportguard.services.context import Context
    from exportguard.services.hit_cases import Cases
    from exportguard.services.snapshots import Snapshots


class Monitoring(Alerts):
    """Counterparty monitoring, reached as ``ExportGuard.monitoring``."""

    def __init__(
        self,
        ctx: Context,
        *,
        audit: AuditWriter,
        lists: Snapshots,
        cases: Cases,
        notifier: Notifier | None = None,
        screener: Screener | None = None,
    ) -> None:
        super().__init__(ctx, audit=audit, lists=lists, cases=cases, notifier=notifier)
        #: Screens a large book elsewhere (Dask: ``batch.cluster.BookScreener``); None: here.
        self.screener = screener

    def add(
        self,
        *,
        exporter: str | None = None,
        name: str,
        role: str = "customer",
        country: str | None = None,
        type: str | None = None,
    ) -> AddedCounterparty:
        """Keep a counterparty, screen it at once, and return it with its alerts.
        ``role``: a :class:`CounterpartyRole` value; ``country``: a name or ISO code;
        ``type``: an :class:`EntityType` value. ``exporter``: an exporter's own company
        (None: the acting exporter's), any named one for an officer or admin
        (:meth:`Context.company_for`: another company than an exporter's own is refused
        first, before anything is written or audited). :class:`InvalidInput` names every
        bad field."""
        exporter = self.ctx.company_for(exporter)
        errors = []
        if not exporter.strip():
            errors.append(FieldError("exporter", "must not be empty"))
        if not name.strip():
            errors.append(FieldError("name", "must not be empty"))
        if role not in ROLES:
            errors.append(FieldError("role", f"must be one of {', '.join(ROLES)}"))
        code = countries.to_code(country) if country else None
        if country and code is None:
            errors.append(FieldError("country", f"unknown country {country!r}"))
        if type is not None and type not in {t.value for t in EntityType}:
            errors.append(FieldError("type", "must be person, organization, vessel, aircraft"))
        if errors:
            raise InvalidInput(errors)
        build_query(name, country=code, type=type)  # a name with something to screen on
        with writing(self.ctx.engine) as conn:
            party = Counterparty(
                id=cases.next_id(conn, "counterparty", "C"), exporter=exporter.strip(),
                name=name.strip(), role=CounterpartyRole(role), country=code,
                type=EntityType(type) if type else None, active=True,
                created_at=self.ctx.now(), reference=None,
            )  # fmt: skip
            store.add_counterparties(conn, [party])
            kept = party.as_dict()
            self.audit.record(conn, "counterparty", party.id,
                              {k: kept[k] for k in ("exporter", "name", "role", "country",
                                                    "type")})  # fmt: skip
        alerts = self.rescreen([party.id])
        found = self.get(party.id)
        return AddedCounterparty.made(found, tuple(alerts))

    def get(self, cp_id: str) -> CounterpartyDetail:
        """A counterparty with its current hits and clearances; :class:`NotFound` if there
        is none, or if an exporter user acts and it is another company's (so neither
        :meth:`clear` nor :meth:`deactivate` reaches one)."""
        with self.ctx.engine.connect() as conn:
            found = store.counterparty(conn, cp_id)
            if found is None or not self.ctx.reaches(found.exporter):
                raise NotFound(f"no counterparty {cp_id!r}")
            hits = tuple(store.last_hits(conn, cp_id).values())
            cleared = tuple(clearance_store.clearances_of(conn, cp_id))
        return CounterpartyDetail.of(found, hits, cleared)

    def find(self, exporter: str | None = None) -> list[Counterparty]:
        """The active counterparties (of one exporter), by id; an exporter lists its own
        company's only, whatever ``exporter`` is given."""
        with self.ctx.engine.connect() as conn:
            return store.find(conn, exporter=self.ctx.scope(exporter))

    def deactivate(self, cp_id: str) -> None:
        """Stop monitoring a counterparty (:class:`NotFound` as :meth:`get`); audited."""
        self.get(cp_id)
        with writing(self.ctx.engine) as conn:
            store.set_active(conn, cp_id, False)
            self.audit.record(conn, "counterparty", cp_id, {"active": False})

    # --- screening and alerts --------------------------------------------------------------

    def rescreen(
        self,
        ids: Sequence[str] | None = None,
        snapshots: Sequence[Snapshot] | None = None,
        *,
        full: bool = False,
        progress: Progress | None = None,
    ) -> list[Alert]:
        """Screen counterparties (all active ones by default; an exporter: its own) against
        the snapshots in force, incrementally after a list update
        (``services.rescreening``); store and return the alerts raised."""
        return list(self.run(ids, snapshots, full=full, progress=progress).alerts)

    def run(
        self,
        ids: Sequence[str] | None = None,
        snapshots: Sequence[Snapshot] | None = None,
        *,
        full: bool = False,
        progress: Progress | None = None,
    ) -> RunReport:
        """:meth:`rescreen`, returning the whole :class:`RunReport` (counts, delta).

        An exporter screens its own company's counterparties only: ``ids`` None is its
        active ones (a run of those parties, not of the book), and an id that is not its
        own is :class:`NotFound` before anything is screened or written."""
        if self.ctx.tenant is not None:
            ids = self._own_ids(ids)
        return Rescreening(self).run(ids, snapshots, full=full, progress=progress)

    def _own_ids(self, ids: Sequence[str] | None) -> list[str]:
        """``ids`` (None: every active counterparty of the acting exporter), each checked
        to be the acting exporter's (:class:`NotFound`: none, or another company's)."""
        with self.ctx.engine.connect() as conn:
            if ids is None:
                return [p.id for p in store.find(conn, exporter=self.ctx.tenant)]
            found = store.counterparties_by_id(conn, ids)
        for cp_id in ids:
            party = found.get(cp_id)
            if party is None or not self.ctx.reaches(party.exporter):
                raise NotFound(f"no counterparty {cp_id!r}")
        return list(ids)

    def import_csv(
        self,
        data: bytes | str,
        *,
        file: str,
        exporter: str | None = None,
        own_only: bool = False,
        progress: Progress | None = None,
    ) -> BulkImport:
        """Add (or update) the counterparties of a CSV file, screened first and written in
        one transaction (``services.bulk``); an exporter user imports its own only."""
        from exportguard.services.bulk import import_parties

        return import_parties(self, data, file=file, exporter=exporter, own_only=own_only,
                              progress=progress)  # fmt: skip

    # --- clearances ----------------------------------------------------------------------

    def clearances_expiring(self, within_days: int = 30) -> list[ExpiringClearance]:
        """Clearances expiring from today to ``within_days`` (0 to 3660) ahead, soonest
        first; an exporter sees its own. A clearance whose entry has changed since (its
        change raised an alert) no longer applies and is not listed."""
        if not 0 <= within_days <= 3660:
            raise InvalidInput("0 to 3660 days", field="within_days")
        today = self.ctx.today()
        with self.ctx.engine.connect() as conn:
            found = clearance_store.clearances_expiring(
                conn, today, today + timedelta(days=within_days)
            )
            live = []
            for c in found:
                if not self.ctx.reaches(c.tenant):
                    continue
                hits = store.last_hits(conn, c.counterparty_id) if c.counterparty_id else {}
                hit = next((h for h in hits.values() if h.entry_id == c.entry_id), None)
                if hit is not None and hit.entry_digest != c.entry_digest:
                    continue  # voided by a change of the entry (its own alert is open)
                live.append(c)
        return live

    def clear(
        self, cp_id: str, entry_id: str, *, reason: str, expires_on: date | None = None
    ) -> ClearanceMade:
        """Clear a reviewed false positive: suppressed until expiry or an entry change; its
        open alerts are resolved as false positives. An expiry must be after today.

        A signed-in user's clearance (API, web) goes through the hit's review case
        (``services.hit_cases``), decided as a false positive with reason code ``other`` and
        ``reason`` as its note: on a sanctions listing it waits for a second officer
        (four-eyes), and the answer says so (``state`` ``pending_confirmation``,
        ``case_id``, no ``clearance`` yet); a second officer clearing the same hit confirms
        it."""
        if not reason.strip():
            raise InvalidInput("a clearance needs a reason", field="reason")
        today = self.ctx.today()
        if expires_on is not None and expires_on <= today:
            raise InvalidInput(
                f"the expiry {expires_on} is not after today ({today}): a clearance that "
                "has already lapsed would suppress nothing, or everything",
                field="expires_on",
            )
        party = self.get(cp_id)
        current = [h for h in party.hits if h.entry_id == entry_id]
        if not current:
            raise NotFound(f"counterparty {cp_id} has no current hit on {entry_id!r}")
        if self.ctx.principal is not None:
            case = self._through_case(cp_id, entry_id, Disposition.FALSE_POSITIVE, reason,
                                      expires_on=expires_on)  # fmt: skip
            return ClearanceMade(
                counterparty_id=cp_id, entry_id=entry_id, entry_digest=case.entry_digest,
                reason=reason.strip(), actor=str(case.decided_by), clearance=case.clearance,
                expires_on=case.expires_on, case_id=case.id, state=case.state,
            )  # fmt: skip
        with writing(self.ctx.engine) as conn:
            row = {
                "counterparty_id": cp_id,
                "entry_id": entry_id,
                "entry_digest": current[0].entry_digest,
                "reason": reason.strip(),
                "expires_on": expires_on,
                "actor": self.ctx.actor,
                "created_at": self.ctx.now(),
            }
            clearance_id = clearance_store.add_clearance(conn, row)
            for alert in alert_store.find_alerts(conn, counterparty_id=cp_id):
                if alert.entry_id == entry_id and alert.status != AlertStatus.RESOLVED:
                    alert_store.set_alert_status(
                        conn, alert.id, expected=alert.status, status=AlertStatus.RESOLVED,
                        resolution=Resolution.FALSE_POSITIVE, at=self.ctx.now(),
                        actor=self.ctx.actor, reason=f"cleared: {reason.strip()}",
                    )  # fmt: skip
            self.audit.record(
                conn,
                "clearance",
                cp_id,
                {
                    "entry_id": entry_id,
                    "entry_digest": row["entry_digest"],
                    "reason": reason.strip(),
                    "expires_on": expires_on.isoformat() if expires_on else None,
                },
            )
            stored = clearance_store.clearance(conn, clearance_id)
        return ClearanceMade(
            counterparty_id=cp_id, entry_id=entry_id, entry_digest=current[0].entry_digest,
            reason=reason.strip(), expires_on=expires_on, actor=self.ctx.actor, clearance=stored,
        )  # fmt: skip

