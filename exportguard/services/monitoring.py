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
``services.rescreening``; bulk imports from CSV are ``services.bulk``.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Connection

from exportguard.core import countries
from exportguard.core.alerts import AlertKind, AlertStatus, Resolution, move
from exportguard.core.counterparties import ROLES
from exportguard.core.entities import EntityType, Snapshot
from exportguard.core.hit_cases import CaseState, Disposition, Origin
from exportguard.core.index import build_query
from exportguard.errors import DownloadError, FieldError, InvalidInput, NotFound
from exportguard.services.rescreening import Progress, Rescreening, RunReport, Screener
from exportguard.store import cases
from exportguard.store import monitoring as store
from exportguard.store.engine import writing

if TYPE_CHECKING:
    import httpx

    from exportguard.services import ExportGuard
    from exportguard.services.bulk import BulkImport

log = logging.getLogger(__name__)


class Notifier(Protocol):
    """Where alert notifications are posted: ``post`` delivers one JSON body, or raises
    :class:`~exportguard.errors.DownloadError` (any failure: network, HTTP status)."""

    def post(self, body: bytes, headers: Mapping[str, str]) -> None: ...


class WebhookNotifier:
    """POSTs notifications to a URL, signed with HMAC-SHA256 when a secret is given
    (``X-ExportGuard-Signature: sha256=<hex of HMAC(secret, body)>``)."""

    def __init__(
        self,
        url: str,
        *,
        secret: str | None = None,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        import httpx  # only when a webhook is configured: it costs 0.1 s at start-up

        self.url = url
        self.secret = secret
        self.client = httpx.Client(timeout=timeout, transport=transport)
        self.errors: tuple[type[Exception], ...] = (httpx.HTTPError,)

    def post(self, body: bytes, headers: Mapping[str, str]) -> None:
        sent = {"Content-Type": "application/json", **headers}
        if self.secret:
            digest = hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
            sent["X-ExportGuard-Signature"] = f"sha256={digest}"
        try:
            response = self.client.post(self.url, content=body, headers=sent)
            response.raise_for_status()
        except self.errors as exc:
            raise DownloadError(f"webhook {self.url}: {exc}") from exc


#: Delivery attempts before a notification is given up (status ``failed``, still counted
#: as undelivered); the wait doubles from a minute, at most six hours.
MAX_ATTEMPTS = 10
MAX_BACKOFF_MINUTES = 360


class Monitoring:
    """Counterparty monitoring, reached as ``ExportGuard.monitoring``."""

    def __init__(
        self, app: ExportGuard, notifier: Notifier | None = None, screener: Screener | None = None
    ) -> None:
        self.app = app
        self.notifier = notifier
        #: Screens a large book elsewhere (Dask: ``batch.cluster.BookScreener``); None: here.
        self.screener = screener

    def add(
        self,
        *,
        exporter: str,
        name: str,
        role: str = "customer",
        country: str | None = None,
        type: str | None = None,
    ) -> dict[str, Any]:
        """Keep a counterparty, screen it at once, and return it with its alerts."""
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
        with writing(self.app.engine) as conn:
            cp_id = cases.next_id(conn, "counterparty", "C")
            store.add_counterparty(
                conn,
                {
                    "id": cp_id,
                    "exporter": exporter.strip(),
                    "name": name.strip(),
                    "role": role,
                    "country": code,
                    "type": type,
                    "active": 1,
                    "created_at": self.app._now(),
                },
            )
            self.app.audit.record(
                conn,
                "counterparty",
                cp_id,
                {
                    "exporter": exporter.strip(),
                    "name": name.strip(),
                    "role": role,
                    "country": code,
                    "type": type,
                },
            )
        alerts = self.rescreen([cp_id])
        found = self.get(cp_id)
        found["alerts"] = alerts
        return found

    def get(self, cp_id: str) -> dict[str, Any]:
        with self.app.engine.connect() as conn:
            found = store.get_counterparty(conn, cp_id)
            if found is None:
                raise NotFound(f"no counterparty {cp_id!r}")
            found["hits"] = list(store.last_hits(conn, cp_id).values())
            found["clearances"] = store.clearances_of(conn, cp_id)
        return found

    def find(self, exporter: str | None = None) -> list[dict[str, Any]]:
        with self.app.engine.connect() as conn:
            return store.find_counterparties(conn, exporter=exporter)

    def deactivate(self, cp_id: str) -> None:
        self.get(cp_id)
        with writing(self.app.engine) as conn:
            store.set_active(conn, cp_id, False)
            self.app.audit.record(conn, "counterparty", cp_id, {"active": False})

    # --- screening and alerts --------------------------------------------------------------

    def rescreen(
        self,
        ids: Sequence[str] | None = None,
        snapshots: Sequence[Snapshot] | None = None,
        *,
        full: bool = False,
        progress: Progress | None = None,
    ) -> list[dict[str, Any]]:
        """Screen counterparties (all active ones by default) against the snapshots in
        force, incrementally after a list update (``services.rescreening``); store and
        return the alerts raised."""
        return list(self.run(ids, snapshots, full=full, progress=progress).alerts)

    def run(
        self,
        ids: Sequence[str] | None = None,
        snapshots: Sequence[Snapshot] | None = None,
        *,
        full: bool = False,
        progress: Progress | None = None,
    ) -> RunReport:
        """:meth:`rescreen`, returning the whole :class:`RunReport` (counts, delta)."""
        return Rescreening(self).run(ids, snapshots, full=full, progress=progress)

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

    def _enqueue(self, conn: Connection, alert: Mapping[str, Any]) -> None:
        """Store the alert's notification with the alert (same transaction): a crash between
        the two can neither lose it nor send it for an alert that was rolled back."""
        if self.notifier is None:
            return
        event_id = str(uuid.uuid4())
        store.enqueue(conn, event_id, {"event_id": event_id, "type": "alert", "alert": alert},
                      self.app._now(), alert_id=alert.get("id"))  # fmt: skip

    def deliver(self, limit: int = 100) -> dict[str, int]:
        """Post the notifications that are due; a failure is retried later (the wait
        doubling from a minute up to six hours, :data:`MAX_ATTEMPTS` in all, then given up
        until :meth:`retry_failed`). Each outcome is stored and audited. The first failure
        ends the round: the listener is down or slow, and the rest wait for the next round
        rather than hold up the import or job that asked (each post may take the notifier's
        whole timeout). Returns counts: delivered, failed (this round), undelivered."""
        counts = {"delivered": 0, "failed": 0}
        if self.notifier is not None:
            now = self.app.clock()
            with writing(self.app.engine) as conn:
                rows = store.due(conn, now.isoformat(timespec="seconds"), limit)
            for row in rows:
                attempts = row["attempts"] + 1
                try:
                    self.notifier.post(row["payload"].encode(),
                                       {"X-ExportGuard-Event": row["event_id"]})  # fmt: skip
                    error = None
                except DownloadError as exc:
                    error = str(exc)[:500]
                wait = timedelta(minutes=min(2 ** (attempts - 1), MAX_BACKOFF_MINUTES))
                status = ("delivered" if error is None
                          else "failed" if attempts >= MAX_ATTEMPTS else "pending")  # fmt: skip
                with writing(self.app.engine) as conn:
                    store.mark_delivery(
                        conn, row["id"], status=status, attempts=attempts,
                        next_attempt_at=(now + wait).isoformat(timespec="seconds"),
                        error=error,
                        delivered_at=now.isoformat(timespec="seconds") if error is None else None,
                    )  # fmt: skip
                    self.app.audit.record(conn, "webhook", row["event_id"], {
                        "status": status, "attempts": attempts, "error": error})  # fmt: skip
                counts["delivered" if error is None else "failed"] += 1
                if error is not None:
                    if status == "failed":
                        log.warning(
                            "%s (attempt %d: given up; `exportguard counterparty deliver "
                            "--retry-failed` queues it again)", error, attempts,
                        )  # fmt: skip
                    else:
                        log.warning("%s (attempt %d; kept, retried later)", error, attempts)
                    break  # the rest wait for the next round
        counts["undelivered"] = self.undelivered()
        return counts

    def retry_failed(self) -> int:
        """Queue again every notification given up after :data:`MAX_ATTEMPTS` (the
        listener is back after a long outage): due now, attempts counted afresh; audited.
        Returns how many were queued."""
        now = self.app.clock().isoformat(timespec="seconds")
        with writing(self.app.engine) as conn:
            count = store.requeue_failed(conn, now)
            if count:
                self.app.audit.record(conn, "webhook", "retry-failed", {"requeued": count})
        return count

    def undelivered(self, exporter: str | None = None) -> int:
        """Alert notifications not (yet) delivered to the webhook (of one exporter's
        counterparties if given; an exporter user always sees its own count)."""
        scope = self._exporter_scope() or exporter
        with self.app.engine.connect() as conn:
            return store.undelivered(conn, scope)

    def lapse_clearances(self) -> list[dict[str, Any]]:
        """Clearances expired before today raise a ``clearance_lapsed`` alert (re-review
        due) where the counterparty still has the hit; each lapse is audited once."""
        today = self.app.clock().date()
        raised: list[dict[str, Any]] = []
        with self.app.engine.connect() as conn:
            if not store.lapsed_clearances(conn, today):
                return raised
        with writing(self.app.engine) as conn:
            for clearance in store.lapsed_clearances(conn, today):
                cp_id, entry_id = clearance["counterparty_id"], clearance["entry_id"]
                store.mark_lapsed(conn, clearance["id"], self.app._now())
                hit = next((h for h in store.last_hits(conn, cp_id).values()
                            if h["entry_id"] == entry_id), None)  # fmt: skip
                party = store.get_counterparty(conn, cp_id)
                # A clearance is of one version of the entry: once the entry changed, the
                # change raised its own alert and this clearance no longer applied.
                voided = hit is not None and hit["entry_digest"] != clearance["entry_digest"]
                self.app.audit.record(conn, "clearance-lapsed", cp_id, {
                    "entry_id": entry_id, "expired_on": str(clearance["expires_on"]),
                    "still_a_hit": hit is not None, "voided_by_a_change": voided})  # fmt: skip
                if hit is None or party is None or voided:
                    continue
                alert = {
                    "counterparty_id": cp_id, "snapshot_id": hit["snapshot_id"],
                    "entry_id": entry_id, "entry_digest": hit["entry_digest"],
                    "kind": AlertKind.CLEARANCE_LAPSED.value, "score": hit["score"],
                    "status": AlertStatus.OPEN.value, "created_at": self.app._now(),
                    "data": {"counterparty": party["name"], "exporter": party["exporter"],
                             "clearance": clearance["reason"],
                             "expired_on": str(clearance["expires_on"])},
                }  # fmt: skip
                alert["id"] = store.add_alert(conn, alert)
                self._enqueue(conn, alert)
                raised.append(alert)
        if raised:
            self.deliver()
        return raised

    def alerts(
        self,
        *,
        status: str | None = "open",
        exporter: str | None = None,
        counterparty_id: str | None = None,
    ) -> list[dict[str, Any]]:
        """Alerts (``status`` open, acknowledged, resolved, or None for all); lapsed
        clearances raise their alerts first."""
        if status is not None and status not in {s.value for s in AlertStatus}:
            choices = ", ".join(s.value for s in AlertStatus)
            raise InvalidInput(f"must be one of {choices} (or all)", field="status")
        self.lapse_clearances()
        with self.app.engine.connect() as conn:
            found = store.find_alerts(
                conn, status=status, exporter=exporter, counterparty_id=counterparty_id
            )
            delivery = store.deliveries(conn, [a["id"] for a in found])
        for alert in found:  # its webhook notification's status (None: none was queued)
            alert["delivery"] = delivery.get(alert["id"])
        return found

    def clearances_expiring(self, within_days: int = 30) -> list[dict[str, Any]]:
        """Clearances expiring from today to ``within_days`` ahead, soonest first; an
        exporter sees its own. A clearance whose entry has changed since (its change raised
        an alert) no longer applies and is not listed."""
        if not 0 <= within_days <= 3660:
            raise InvalidInput("0 to 3660 days", field="within_days")
        today = self.app.clock().date()
        with self.app.engine.connect() as conn:
            found = store.clearances_expiring(conn, today, today + timedelta(days=within_days))
            scope = self._exporter_scope()
            live = []
            for c in found:
                if scope is not None and c["exporter"] != scope:
                    continue
                hit = next((h for h in store.last_hits(conn, c["counterparty_id"]).values()
                            if h["entry_id"] == c["entry_id"]), None)  # fmt: skip
                if hit is not None and hit["entry_digest"] != c["entry_digest"]:
                    continue  # voided by a change of the entry (its own alert is open)
                live.append(c)
        return live

    def clear(
        self, cp_id: str, entry_id: str, *, reason: str, expires_on: date | None = None
    ) -> dict[str, Any]:
        """Clear a reviewed false positive: suppressed until expiry or an entry change; its
        open alerts are resolved as false positives. An expiry must be after today.

        A signed-in user's clearance (API, web) goes through the hit's review case
        (``services.hit_cases``), decided as a false positive with reason code ``other`` and
        ``reason`` as its note: on a sanctions listing it waits for a second officer
        (four-eyes), and the answer says so (``state`` ``pending_confirmation``,
        ``case_id``); a second officer clearing the same hit confirms it."""
        if not reason.strip():
            raise InvalidInput("a clearance needs a reason", field="reason")
        today = self.app.clock().date()
        if expires_on is not None and expires_on <= today:
            raise InvalidInput(
                f"the expiry {expires_on} is not after today ({today}): a clearance that "
                "has already lapsed would suppress nothing, or everything",
                field="expires_on",
            )
        party = self.get(cp_id)
        current = [h for h in party["hits"] if h["entry_id"] == entry_id]
        if not current:
            raise NotFound(f"counterparty {cp_id} has no current hit on {entry_id!r}")
        if self.app.principal is not None:
            case = self._through_case(cp_id, entry_id, Disposition.FALSE_POSITIVE, reason,
                                      expires_on=expires_on)  # fmt: skip
            made = case["clearance"] or {
                "counterparty_id": cp_id, "entry_id": entry_id,
                "entry_digest": case["entry_digest"], "reason": reason.strip(),
                "expires_on": case["expires_on"], "actor": case["decided_by"],
            }  # fmt: skip
            return {**made, "case_id": case["id"], "state": case["state"]}
        with writing(self.app.engine) as conn:
            row = {
                "counterparty_id": cp_id,
                "entry_id": entry_id,
                "entry_digest": current[0]["entry_digest"],
                "reason": reason.strip(),
                "expires_on": expires_on,
                "actor": self.app.actor,
                "created_at": self.app._now(),
            }
            store.add_clearance(conn, row)
            for alert in store.find_alerts(conn, counterparty_id=cp_id):
                if alert["entry_id"] == entry_id and alert["status"] != AlertStatus.RESOLVED:
                    store.set_alert_status(
                        conn, alert["id"], expected=alert["status"], status=AlertStatus.RESOLVED,
                        resolution=Resolution.FALSE_POSITIVE, at=self.app._now(),
                        actor=self.app.actor, reason=f"cleared: {reason.strip()}",
                    )  # fmt: skip
            self.app.audit.record(
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
        return row

    def _through_case(
        self, cp_id: str, entry_id: str, disposition: Disposition, note: str, *,
        expires_on: date | None = None, alert_id: int | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """Decide a counterparty's hit through its review case (opened if need be): a
        second officer giving the decision that waits for confirmation confirms it; the
        decision the closed case already has is the answer again."""
        cases = self.app.cases
        case, _ = cases.open(Origin.MONITORING, cp_id, entry_id, alert_id=alert_id)
        if case["state"] == CaseState.CLOSED and case["disposition"] == disposition:
            return cases.get(case["id"])
        if case["state"] == CaseState.PENDING and case["disposition"] == disposition:
            return cases.confirm(case["id"], note=note)  # four-eyes: not by the same officer
        return cases.decide(case["id"], disposition, reason_code="other", note=note,
                            expires_on=expires_on)  # fmt: skip

    def acknowledge(self, alert_id: int, *, reason: str = "") -> dict[str, Any]:
        """An officer or exporter has seen the alert and is looking into it."""
        return self._move(alert_id, AlertStatus.ACKNOWLEDGED, None, reason)

    def resolve(
        self, alert_id: int, resolution: Resolution | str, *, reason: str
    ) -> dict[str, Any]:
        """Close an alert as a true match or a false positive, with a reason (audited).
        ``delisted`` is ExportGuard's own resolution, not a person's.

        A signed-in user (API, web) decides through the hit's review case: the alert
        resolves when the case closes, so a true match, and a false positive on a sanctions
        listing, wait for a second officer (the answer's ``case`` says so); a second officer
        resolving it the same way confirms."""
        try:
            chosen = Resolution(resolution)
        except ValueError:
            chosen = None
        if chosen not in (Resolution.TRUE_MATCH, Resolution.FALSE_POSITIVE):
            raise InvalidInput("must be true_match or false_positive", field="resolution")
        if not reason.strip():
            raise InvalidInput("say why", field="reason")
        if self.app.principal is None:
            return self._move(alert_id, AlertStatus.RESOLVED, chosen, reason)
        # A signed-in user decides through the hit's review case (four-eyes).
        with self.app.engine.connect() as conn:
            alert = store.get_alert(conn, alert_id)
        scope = self._exporter_scope()
        if alert is None or (scope is not None and alert["exporter"] != scope):
            raise NotFound(f"no alert {alert_id}")
        move(alert_id, AlertStatus(alert["status"]), AlertStatus.RESOLVED)
        case = self._through_case(alert["counterparty_id"], alert["entry_id"],
                                  Disposition(chosen.value), reason, alert_id=alert_id)  # fmt: skip
        with self.app.engine.connect() as conn:
            found = store.get_alert(conn, alert_id)
        assert found is not None
        return {**found, "case": {k: case[k] for k in ("id", "state", "disposition",
                                                       "decided_by", "confirmed_by")}}

    def _move(
        self, alert_id: int, target: AlertStatus, resolution: Resolution | None, reason: str
    ) -> dict[str, Any]:
        with writing(self.app.engine) as conn:
            alert = store.get_alert(conn, alert_id)
            scope = self._exporter_scope()
            if alert is None or (scope is not None and alert["exporter"] != scope):
                raise NotFound(f"no alert {alert_id}")
            current = AlertStatus(alert["status"])
            move(alert_id, current, target)
            store.set_alert_status(
                conn, alert_id, expected=current, status=target,
                resolution=resolution.value if resolution else None, at=self.app._now(),
                actor=self.app.actor, reason=reason.strip(),
            )  # fmt: skip
            self.app.audit.record(conn, "alert", str(alert_id), {
                "status": target.value, "resolution": resolution.value if resolution else None,
                "reason": reason.strip()})  # fmt: skip
            found = store.get_alert(conn, alert_id)
        assert found is not None
        return found

    def _exporter_scope(self) -> str | None:
        p = self.app.principal
        return p.exporter if p is not None and p.is_exporter else None

