"""Repository of counterparties, their last hits, alerts and clearances."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from exportguard.store.schema import (
    alerts,
    clearances,
    counterparties,
    counterparty_hits,
    outbox,
)


def add_counterparty(conn: Connection, row: Mapping[str, Any]) -> None:
    conn.execute(insert(counterparties).values(**row))


def get_counterparty(conn: Connection, cp_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(counterparties).where(counterparties.c.id == cp_id)).first()
    return dict(row._mapping) if row else None


def find_counterparties(
    conn: Connection, *, exporter: str | None = None, active: bool = True
) -> list[dict[str, Any]]:
    query = select(counterparties).order_by(counterparties.c.id)
    if exporter is not None:
        query = query.where(counterparties.c.exporter == exporter)
    if active:
        query = query.where(counterparties.c.active == 1)
    return [dict(r._mapping) for r in conn.execute(query)]


def set_active(conn: Connection, cp_id: str, active: bool) -> None:
    conn.execute(
        update(counterparties).where(counterparties.c.id == cp_id).values(active=int(active))
    )


def last_hits(conn: Connection, cp_id: str) -> dict[tuple[str, str], dict[str, Any]]:
    rows = conn.execute(
        select(counterparty_hits).where(counterparty_hits.c.counterparty_id == cp_id)
    )
    return {(r.source, r.entry_id): dict(r._mapping) for r in rows}


def replace_hits(
    conn: Connection, cp_id: str, sources: set[str], hits: Sequence[Mapping[str, Any]]
) -> None:
    """Replace the counterparty's remembered hits for the sources just screened."""
    if sources:
        conn.execute(
            delete(counterparty_hits).where(
                counterparty_hits.c.counterparty_id == cp_id,
                counterparty_hits.c.source.in_(sorted(sources)),
            )
        )
    for hit in hits:
        conn.execute(insert(counterparty_hits).values(counterparty_id=cp_id, **hit))


def add_alert(conn: Connection, row: Mapping[str, Any]) -> int:
    values = dict(row)
    values["data"] = json.dumps(values["data"], ensure_ascii=False, default=str)
    return int(conn.execute(insert(alerts).values(**values).returning(alerts.c.id)).scalar_one())


def find_alerts(
    conn: Connection,
    *,
    status: str | None = None,
    exporter: str | None = None,
    counterparty_id: str | None = None,
) -> list[dict[str, Any]]:
    query = (
        select(alerts, counterparties.c.exporter, counterparties.c.name)
        .join(counterparties, counterparties.c.id == alerts.c.counterparty_id)
        .order_by(alerts.c.id)
    )
    if status is not None:
        query = query.where(alerts.c.status == status)
    if exporter is not None:
        query = query.where(counterparties.c.exporter == exporter)
    if counterparty_id is not None:
        query = query.where(alerts.c.counterparty_id == counterparty_id)
    out = []
    for row in conn.execute(query):
        found = dict(row._mapping)
        found["data"] = json.loads(found["data"])
        out.append(found)
    return out


def get_alert(conn: Connection, alert_id: int) -> dict[str, Any] | None:
    row = conn.execute(
        select(alerts, counterparties.c.exporter, counterparties.c.name)
        .join(counterparties, counterparties.c.id == alerts.c.counterparty_id)
        .where(alerts.c.id == alert_id)
    ).first()  # fmt: skip
    if row is None:
        return None
    found = dict(row._mapping)
    found["data"] = json.loads(found["data"])
    return found


def set_alert_status(
    conn: Connection,
    alert_id: int,
    *,
    expected: str,
    status: str,
    at: str,
    actor: str,
    reason: str,
    resolution: str | None = None,
) -> bool:
    """Move an alert from ``expected`` to ``status`` (False if it was not ``expected``)."""
    result = conn.execute(
        update(alerts).where(alerts.c.id == alert_id, alerts.c.status == expected)
        .values(status=status, resolution=resolution, reason=reason, acted_by=actor, acted_at=at)
    )  # fmt: skip
    return result.rowcount == 1


def add_clearance(conn: Connection, row: Mapping[str, Any]) -> None:
    conn.execute(insert(clearances).values(**row))


def lapsed_clearances(conn: Connection, on: date) -> list[dict[str, Any]]:
    """Clearances that expired before ``on`` and have not raised their re-review alert."""
    rows = conn.execute(
        select(clearances).where(clearances.c.expires_on < on, clearances.c.lapsed_at.is_(None))
        .order_by(clearances.c.id)
    )  # fmt: skip
    return [dict(r._mapping) for r in rows]


def mark_lapsed(conn: Connection, clearance_id: int, at: str) -> None:
    conn.execute(update(clearances).where(clearances.c.id == clearance_id).values(lapsed_at=at))


def clearances_expiring(conn: Connection, since: date, until: date) -> list[dict[str, Any]]:
    """Clearances expiring from ``since`` to ``until`` (inclusive), soonest first, with
    their counterparty's name and exporter."""
    rows = conn.execute(
        select(clearances, counterparties.c.exporter, counterparties.c.name)
        .join(counterparties, counterparties.c.id == clearances.c.counterparty_id)
        .where(clearances.c.expires_on >= since, clearances.c.expires_on <= until)
        .order_by(clearances.c.expires_on, clearances.c.id)
    )  # fmt: skip
    return [dict(r._mapping) for r in rows]


def active_clearances(conn: Connection, cp_id: str, on: date) -> dict[str, str]:
    """entry id -> entry digest cleared, for clearances not expired on ``on``."""
    rows = conn.execute(select(clearances).where(clearances.c.counterparty_id == cp_id))
    out: dict[str, str] = {}
    for r in rows:
        if r.expires_on is None or r.expires_on >= on:
            out[r.entry_id] = r.entry_digest
    return out


def clearances_of(conn: Connection, cp_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(clearances).where(clearances.c.counterparty_id == cp_id).order_by(clearances.c.id)
    )
    return [dict(r._mapping) for r in rows]


# --- the webhook outbox ----------------------------------------------------------------------


def enqueue(conn: Connection, event_id: str, payload: Mapping[str, Any], at: str) -> None:
    conn.execute(insert(outbox).values(
        event_id=event_id, payload=json.dumps(dict(payload), ensure_ascii=False, default=str),
        status="pending", attempts=0, next_attempt_at=at, created_at=at,
    ))  # fmt: skip


def due(conn: Connection, now: str, limit: int) -> list[dict[str, Any]]:
    """Pending notifications whose next attempt is due, oldest first (locked on
    PostgreSQL, so two instances never post one twice at once)."""
    query = (select(outbox).where(outbox.c.status == "pending", outbox.c.next_attempt_at <= now)
             .order_by(outbox.c.id).limit(limit))  # fmt: skip
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return [dict(r._mapping) for r in conn.execute(query)]


def mark_delivery(
    conn: Connection, row_id: int, *, status: str, attempts: int, next_attempt_at: str,
    error: str | None, delivered_at: str | None,
) -> None:  # fmt: skip
    conn.execute(update(outbox).where(outbox.c.id == row_id).values(
        status=status, attempts=attempts, next_attempt_at=next_attempt_at, last_error=error,
        delivered_at=delivered_at,
    ))  # fmt: skip


def undelivered(conn: Connection) -> int:
    query = select(func.count()).select_from(outbox).where(outbox.c.status != "delivered")
    return int(conn.execute(query).scalar_one())
