"""Counterparty alerts: listing, acknowledging and resolving them (``core.alerts``' table),
clearances lapsing into a re-review, and their notifications, posted to a webhook from an
outbox written with each alert (retried with back-off, given up after
:data:`MAX_ATTEMPTS`, queued again on demand). :class:`Alerts` is the base of
:class:`~exportguard.services.monitoring.Monitoring`, which raises the alerts.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import uuid
from collections.abc import Mapping
from datetime import date, timedelta
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import Connection

from exportguard.core.alerts import AlertKind, AlertStatus, Resolution, move
from exportguard.core.case_records import CaseDetail
from exportguard.core.hit_cases import CaseState, Disposition, Origin
from exportguard.core.monitoring_records import (
    Alert,
    CaseBrief,
    DecidedAlert,
    DeliveryStatus,
    ListedAlert,
)
from exportguard.errors import DownloadError, InvalidInput, NotFound
from exportguard.store import alerts as store
from exportguard.store import clearances as clearance_store
from exportguard.store import counterparties as party_store
from exportguard.store.engine import writing

if TYPE_CHECKING:
    import httpx

    from exportguard.services.audit import AuditWriter
    from exportguard.services.context import Context
    from exportguard.services.hit_cases import Cases
    from exportguard.services.snapshots import Snapshots

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


class Alerts:
    """Alert use cases (part of ``ExportGuard.monitoring``)."""

    def __init__(
        self,
        ctx: Context,
        *,
        audit: AuditWriter,
        lists: Snapshots,
        cases: Cases,
        notifier: Notifier | None = None,
    ) -> None:
        self.ctx = ctx
        self.audit = audit
        #: the snapshots in force and their indexes (runs screen on them)
        self.lists = lists
        #: hit review cases: a counterparty's hit is decided through one
        self.cases = cases
        self.notifier = notifier

    def _enqueue(self, conn: Connection, alert: Alert) -> None:
        """Store the alert's notification with the alert (same transaction): a crash between
        the two can neither lose it nor send it for an alert that was rolled back. The body
        is ``{"event_id", "type": "alert", "alert"}``, the alert in its JSON form."""
        if self.notifier is None:
            return
        event_id = str(uuid.uuid4())
        body = {"event_id": event_id, "type": "alert", "alert": alert.as_dict()}
        store.enqueue(conn, event_id, body, self.ctx.now(), alert_id=alert.id)

    def deliver(self, limit: int = 100) -> dict[str, int]:
        """Post the notifications that are due; a failure is retried later (the wait
        doubling from a minute up to six hours, :data:`MAX_ATTEMPTS` in all, then given up
        until :meth:`retry_failed`). Each outcome is stored and audited. The first failure
        ends the round: the listener is down or slow, and the rest wait for the next round
        rather than hold up the import or job that asked (each post may take the notifier's
        whole timeout). Returns counts: delivered, failed (this round), undelivered."""
        counts = {"delivered": 0, "failed": 0}
        if self.notifier is not None:
            now = self.ctx.clock()
            with writing(self.ctx.engine) as conn:
                rows = store.due(conn, now.isoformat(timespec="seconds"), limit)
            for row in rows:
                attempts = row.attempts + 1
                try:
                    self.notifier.post(row.payload.encode(),
                                       {"X-ExportGuard-Event": row.event_id})  # fmt: skip
                    error = None
                except DownloadError as exc:
                    error = str(exc)[:500]
                wait = timedelta(minutes=min(2 ** (attempts - 1), MAX_BACKOFF_MINUTES))
                status = (DeliveryStatus.DELIVERED if error is None
                          else DeliveryStatus.FAILED if attempts >= MAX_ATTEMPTS
                          else DeliveryStatus.PENDING)  # fmt: skip
                with writing(self.ctx.engine) as conn:
                    store.mark_delivery(
                        conn, row.id, status=status, attempts=attempts,
                        next_attempt_at=(now + wait).isoformat(timespec="seconds"),
                        error=error,
                        delivered_at=now.isoformat(timespec="seconds") if error is None else None,
                    )  # fmt: skip
                    self.audit.record(conn, "webhook", row.event_id, {
                        "status": status.value, "attempts": attempts, "error": error})  # fmt: skip
                counts["delivered" if error is None else "failed"] += 1
                if error is not None:
                    if status == DeliveryStatus.FAILED:
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
        now = self.ctx.now()
        with writing(self.ctx.engine) as conn:
            count = store.requeue_failed(conn, now)
            if count:
                self.audit.record(conn, "webhook", "retry-failed", {"requeued": count})
        return count

    def undelivered(self, exporter: str | None = None) -> int:
        """Alert notifications not (yet) delivered to the webhook (of one exporter's
        counterparties if given; an exporter user always sees its own count)."""
        with self.ctx.engine.connect() as conn:
            return store.undelivered(conn, self.ctx.scope(exporter))

    def lapse_clearances(self) -> list[Alert]:
        """Clearances expired before today raise a ``clearance_lapsed`` alert (re-review
        due) where the counterparty still has the hit; each lapse is audited once."""
        today = self.ctx.today()
        raised: list[Alert] = []
        with self.ctx.engine.connect() as conn:
            if not clearance_store.lapsed_clearances(conn, today):
                return raised
        with writing(self.ctx.engine) as conn:
            for clearance in clearance_store.lapsed_clearances(conn, today):
                cp_id, entry_id = clearance.counterparty_id, clearance.entry_id
                assert cp_id is not None  # (a screened party's clearance does not lapse)
                clearance_store.mark_lapsed(conn, clearance.id, self.ctx.now())
                hit = next((h for h in party_store.last_hits(conn, cp_id).values()
                            if h.entry_id == entry_id), None)  # fmt: skip
                party = party_store.counterparty(conn, cp_id)
                # A clearance is of one version of the entry: once the entry changed, the
                # change raised its own alert and this clearance no longer applied.
                voided = hit is not None and hit.entry_digest != clearance.entry_digest
                self.audit.record(conn, "clearance-lapsed", cp_id, {
                    "entry_id": entry_id, "expired_on": str(clearance.expires_on),
                    "still_a_hit": hit is not None, "voided_by_a_change": voided})  # fmt: skip
                if hit is None or party is None or voided:
                    continue
                data = {"counterparty": party.name, "exporter": party.exporter,
                        "clearance": clearance.reason,
                        "expired_on": str(clearance.expires_on)}  # fmt: skip
                alert = self._raise(conn, cp_id, hit.snapshot_id, entry_id, hit.entry_digest,
                                    AlertKind.CLEARANCE_LAPSED, hit.score, data, party.exporter,
                                    party.name)  # fmt: skip
                raised.append(alert)
        if raised:
            self.deliver()
        return raised

    def _raise(
        self, conn: Connection, cp_id: str, snapshot_id: int, entry_id: str, digest: str,
        kind: AlertKind, score: float, data: Mapping[str, object], exporter: str, name: str,
    ) -> Alert:  # fmt: skip
        """Store a new (open) alert and its notification, in the caller's transaction."""
        now = self.ctx.now()
        alert_id = store.add_alert(
            conn, counterparty_id=cp_id, snapshot_id=snapshot_id, entry_id=entry_id,
            entry_digest=digest, kind=kind, score=score, created_at=now, data=data,
        )  # fmt: skip
        alert = Alert(
            id=alert_id, counterparty_id=cp_id, snapshot_id=snapshot_id, entry_id=entry_id,
            entry_digest=digest, kind=kind, score=score, status=AlertStatus.OPEN,
            created_at=now, data=data, resolution=None, reason=None, acted_by=None,
            acted_at=None, exporter=exporter, name=name,
        )  # fmt: skip
        self._enqueue(conn, alert)
        return alert

    def alerts(
        self,
        *,
        status: str | None = "open",
        exporter: str | None = None,
        counterparty_id: str | None = None,
    ) -> list[ListedAlert]:
        """Alerts (``status`` open, acknowledged, resolved, or None for all), each with its
        webhook notification's delivery (None: none was queued), by id; lapsed clearances
        raise their alerts first. An exporter lists its own company's only, whatever
        ``exporter`` is given."""
        if status is not None and status not in {s.value for s in AlertStatus}:
            choices = ", ".join(s.value for s in AlertStatus)
            raise InvalidInput(f"must be one of {choices} (or all)", field="status")
        self.lapse_clearances()
        with self.ctx.engine.connect() as conn:
            found = store.find_alerts(
                conn, status=status, exporter=self.ctx.scope(exporter),
                counterparty_id=counterparty_id,
            )  # fmt: skip
            delivery = store.deliveries(conn, [a.id for a in found])
        return [ListedAlert.of(a, delivery.get(a.id)) for a in found]

    def acknowledge(self, alert_id: int, *, reason: str = "") -> Alert:
        """An officer or exporter has seen the alert and is looking into it."""
        return self._move(alert_id, AlertStatus.ACKNOWLEDGED, None, reason)

    def _through_case(
        self, cp_id: str, entry_id: str, disposition: Disposition, note: str, *,
        expires_on: date | None = None, alert_id: int | None = None,
    ) -> CaseDetail:  # fmt: skip
        """Decide a counterparty's hit through its review case (opened if need be): a
        second officer giving the decision that waits for confirmation confirms it; the
        decision the closed case already has is the answer again. The case as
        ``services.hit_cases`` gives it."""
        cases = self.cases
        case, _ = cases.open(Origin.MONITORING, cp_id, entry_id, alert_id=alert_id)
        if case.state is CaseState.CLOSED and case.disposition is disposition:
            return cases.get(case.id)
        if case.state is CaseState.PENDING and case.disposition is disposition:
            return cases.confirm(case.id, note=note)  # four-eyes: not by the same officer
        return cases.decide(case.id, disposition, reason_code="other", note=note,
                            expires_on=expires_on)  # fmt: skip

    def resolve(self, alert_id: int, resolution: Resolution | str, *, reason: str) -> Alert:
        """Close an alert as a true match or a false positive, with a reason (audited).
        ``delisted`` is ExportGuard's own resolution, not a person's.

        A signed-in user (API, web) decides through the hit's review case: the alert
        resolves when the case closes, so a true match, and a false positive on a sanctions
        listing, wait for a second officer (the answer, a :class:`DecidedAlert`, has the
        ``case``); a second officer resolving it the same way confirms."""
        try:
            chosen = Resolution(resolution)
        except ValueError:
            chosen = None
        if chosen not in (Resolution.TRUE_MATCH, Resolution.FALSE_POSITIVE):
            raise InvalidInput("must be true_match or false_positive", field="resolution")
        if not reason.strip():
            raise InvalidInput("say why", field="reason")
        if self.ctx.principal is None:
            return self._move(alert_id, AlertStatus.RESOLVED, chosen, reason)
        # A signed-in user decides through the hit's review case (four-eyes).
        with self.ctx.engine.connect() as conn:
            alert = store.alert(conn, alert_id)
        if alert is None or not self.ctx.reaches(alert.exporter):
            raise NotFound(f"no alert {alert_id}")
        move(alert_id, alert.status, AlertStatus.RESOLVED)
        case = self._through_case(alert.counterparty_id, alert.entry_id,
                                  Disposition(chosen.value), reason, alert_id=alert_id)  # fmt: skip
        with self.ctx.engine.connect() as conn:
            found = store.alert(conn, alert_id)
        assert found is not None
        brief = CaseBrief(id=case.id, state=case.state, disposition=case.disposition,
                          decided_by=case.decided_by, confirmed_by=case.confirmed_by)  # fmt: skip
        return DecidedAlert.of(found, brief)

    def _move(
        self, alert_id: int, target: AlertStatus, resolution: Resolution | None, reason: str
    ) -> Alert:
        with writing(self.ctx.engine) as conn:
            alert = store.alert(conn, alert_id)
            if alert is None or not self.ctx.reaches(alert.exporter):
                raise NotFound(f"no alert {alert_id}")
            move(alert_id, alert.status, target)
            store.set_alert_status(
                conn, alert_id, expected=alert.status, status=target,
                resolution=resolution.value if resolution else None, at=self.ctx.now(),
                actor=self.ctx.actor, reason=reason.strip(),
            )  # fmt: skip
            self.audit.record(conn, "alert", str(alert_id), {
                "status": target.value, "resolution": resolution.value if resolution else None,
                "reason": reason.strip()})  # fmt: skip
            found = store.alert(conn, alert_id)
        assert found is not None
        return found
