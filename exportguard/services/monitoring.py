"""Continuous monitoring of an exporter's counterparties (customers, distributors, end
users, suppliers).

A counterparty is screened when added and again after every list import. Each screening
is compared with the last: a hit on an entry not seen before raises a ``new`` alert, a hit
on an entry whose content changed a ``changed`` alert; hits seen before and unchanged raise
nothing. An officer may clear a hit (reason, optional expiry): it is suppressed until the
clearance expires or the list entry itself changes. New alerts can be posted to a webhook.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from exportguard.core import countries
from exportguard.core.entities import EntityType, Snapshot
from exportguard.core.impact import entry_digest
from exportguard.core.index import Hit, build_query
from exportguard.core.thresholds import DEFAULT_THRESHOLD
from exportguard.errors import FieldError, InvalidInput, NotFound
from exportguard.store import cases
from exportguard.store import lists as list_store
from exportguard.store import monitoring as store
from exportguard.store.engine import writing

if TYPE_CHECKING:
    import httpx

    from exportguard.services import ExportGuard

ROLES = ("customer", "distributor", "end-user", "supplier", "consignee", "intermediary")
#: Counterparty hits at or above this score are remembered and alerted on.

log = logging.getLogger(__name__)


class Notifier(Protocol):
    """Where new alerts are sent (besides the store)."""

    def send(self, alerts: Sequence[dict[str, Any]]) -> None: ...


class WebhookNotifier:
    """POSTs new alerts as JSON to a URL; a failure is logged, never fatal."""

    def __init__(
        self, url: str, *, timeout: float = 10.0, transport: httpx.BaseTransport | None = None
    ) -> None:
        import httpx  # only when a webhook is configured: it costs 0.1 s at start-up

        self.url = url
        self.client = httpx.Client(timeout=timeout, transport=transport)
        self.errors: tuple[type[Exception], ...] = (httpx.HTTPError,)

    def send(self, alerts: Sequence[dict[str, Any]]) -> None:
        if not alerts:
            return
        try:
            response = self.client.post(self.url, json={"alerts": list(alerts)})
            response.raise_for_status()
        except self.errors as exc:
            log.warning("webhook %s failed: %s (alerts are stored all the same)", self.url, exc)


class Monitoring:
    """Counterparty monitoring, reached as ``ExportGuard.monitoring``."""

    def __init__(self, app: ExportGuard, notifier: Notifier | None = None) -> None:
        self.app = app
        self.notifier = notifier

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
        self, ids: Sequence[str] | None = None, snapshots: Sequence[Snapshot] | None = None
    ) -> list[dict[str, Any]]:
        """Screen counterparties (all active ones by default) against the snapshots in
        force; store and return the alerts raised."""
        snaps = list(snapshots) if snapshots is not None else self.app.snapshots_in_force()
        if not snaps:
            return []
        with self.app.engine.connect() as conn:
            parties = (
                [p for i in ids if (p := store.get_counterparty(conn, i))]
                if ids is not None
                else store.find_counterparties(conn)
            )
        today = self.app.clock().date()
        raised: list[dict[str, Any]] = []
        sources = {s.source for s in snaps}
        for party in parties:
            query = build_query(
                party["name"],
                country=party["country"],
                type=party["type"],
                threshold=DEFAULT_THRESHOLD,
            )
            hits = self.app.screen_snapshots(
                query, snaps, as_of=today, limit=20, threshold=DEFAULT_THRESHOLD
            )
            digests = self._digests(hits)
            with writing(self.app.engine) as conn:
                before = store.last_hits(conn, party["id"])
                cleared = store.active_clearances(conn, party["id"], today)
                remembered = []
                for hit in hits:
                    key = (hit.entry.source, hit.entry.id)
                    digest = digests[(hit.snapshot_id, hit.entry.id)]
                    remembered.append(
                        {
                            "source": hit.entry.source,
                            "entry_id": hit.entry.id,
                            "entry_digest": digest,
                            "snapshot_id": hit.snapshot_id,
                            "score": round(hit.score, 4),
                        }
                    )
                    old = before.get(key)
                    kind = (
                        "new"
                        if old is None
                        else "changed"
                        if old["entry_digest"] != digest
                        else None
                    )
                    if kind is None or cleared.get(hit.entry.id) == digest:
                        continue
                    alert = {
                        "counterparty_id": party["id"], "snapshot_id": hit.snapshot_id,
                        "entry_id": hit.entry.id, "entry_digest": digest, "kind": kind,
                        "score": round(hit.score, 4), "status": "open",
                        "created_at": self.app._now(),
                        "data": {"counterparty": party["name"], "exporter": party["exporter"],
                                 "listed_name": hit.entry.name, "list_name": hit.entry.list_name,
                                 "matched_name": hit.matched_name,
                                 "explanation": [f.detail for f in hit.explanation.features]},
                    }  # fmt: skip
                    alert["id"] = store.add_alert(conn, alert)
                    raised.append(alert)
                store.replace_hits(conn, party["id"], sources, remembered)
                self.app.audit.record(conn, "screening", party["id"], {
                    "query": {"name": party["name"], "country": party["country"],
                              "type": party["type"]},
                    "as_of": today.isoformat(), "threshold": DEFAULT_THRESHOLD,
                    "snapshots": [_snap(s) for s in snaps],
                    "hits": [_hit(rank, h) for rank, h in enumerate(hits, 1)],
                    "purpose": "monitoring",
                })  # fmt: skip
        if raised and self.notifier is not None:
            self.notifier.send(raised)
        return raised

    def _digests(self, hits: Sequence[Hit]) -> dict[tuple[int, str], str]:
        by_snapshot: dict[int, list[str]] = {}
        for hit in hits:
            by_snapshot.setdefault(hit.snapshot_id, []).append(hit.entry.id)
        out: dict[tuple[int, str], str] = {}
        with self.app.engine.connect() as conn:
            for snapshot_id, entry_ids in by_snapshot.items():
                for entry in list_store.load_entries(conn, snapshot_id, entry_ids):
                    out[(snapshot_id, entry.id)] = entry_digest(entry)
        return out

    def alerts(
        self,
        *,
        status: str | None = "open",
        exporter: str | None = None,
        counterparty_id: str | None = None,
    ) -> list[dict[str, Any]]:
        with self.app.engine.connect() as conn:
            return store.find_alerts(
                conn, status=status, exporter=exporter, counterparty_id=counterparty_id
            )

    def clear(
        self, cp_id: str, entry_id: str, *, reason: str, expires_on: date | None = None
    ) -> dict[str, Any]:
        """Clear a reviewed false positive: suppressed until expiry or an entry change."""
        if not reason.strip():
            raise InvalidInput("a clearance needs a reason", field="reason")
        party = self.get(cp_id)
        current = [h for h in party["hits"] if h["entry_id"] == entry_id]
        if not current:
            raise NotFound(f"counterparty {cp_id} has no current hit on {entry_id!r}")
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
            for alert in store.find_alerts(conn, status="open", counterparty_id=cp_id):
                if alert["entry_id"] == entry_id:
                    store.set_alert_status(conn, alert["id"], "cleared")
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

    def acknowledge(self, alert_id: int) -> None:
        with writing(self.app.engine) as conn:
            if not store.set_alert_status(conn, alert_id, "acknowledged"):
                raise NotFound(f"no alert {alert_id}")
            self.app.audit.record(conn, "alert", str(alert_id), {"status": "acknowledged"})


def _snap(s: Snapshot) -> dict[str, Any]:
    return {
        "id": s.id,
        "source": s.source,
        "published": s.published.isoformat(),
        "content_hash": s.content_hash,
    }


def _hit(rank: int, h: Hit) -> dict[str, Any]:
    return {
        "rank": rank,
        "score": round(h.score, 4),
        "entity_id": h.entry.id,
        "snapshot_id": h.snapshot_id,
        "name": h.entry.name,
        "list_name": h.entry.list_name,
        "matched_name": h.matched_name,
    }
