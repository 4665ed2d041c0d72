"""Repository of counterparty alerts and their webhook outbox (``core.monitoring_records``:
rows are read into :class:`Alert`, :class:`Delivery` and :class:`Notification` here
only). An alert's ``data`` is stored as JSON text."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from sqlalchemy import Connection, RowMapping, func, insert, select, update

from exportguard.core.alerts import AlertKind, AlertStatus, Resolution
from exportguard.core.decision_records import JsonObject
from exportguard.core.monitoring_records import Alert, Delivery, DeliveryStatus, Notification
from exportguard.store.counterparties import CHUNK
from exportguard.store.schema import alerts, counterparties, outbox


def add_alert(
    conn: Connection, *, counterparty_id: str, snapshot_id: int, entry_id: str,
    entry_digest: str, kind: AlertKind, score: float, created_at: str, data: JsonObject,
) -> int:  # fmt: skip
    """Store a new (open) alert; its id."""
    return int(conn.execute(insert(alerts).values(
        counterparty_id=counterparty_id, snapshot_id=snapshot_id, entry_id=entry_id,
        entry_digest=entry_digest, kind=kind.value, score=score,
        status=AlertStatus.OPEN.value, created_at=created_at,
        data=json.dumps(dict(data), ensure_ascii=False, default=str),
    ).returning(alerts.c.id)).scalar_one())  # fmt: skip


def from_row(m: RowMapping) -> Alert:
    """An alert from a row of ``alerts`` joined with its counterparty's exporter and name
    (the one place it is read)."""
    data = json.loads(m["data"])
    return Alert(
        id=int(m["id"]), counterparty_id=m["counterparty_id"], snapshot_id=int(m["snapshot_id"]),
        entry_id=m["entry_id"], entry_digest=m["entry_digest"], kind=AlertKind(m["kind"]),
        score=float(m["score"]), status=AlertStatus(m["status"]), created_at=m["created_at"],
        data=data if isinstance(data, dict) else {},
        resolution=Resolution(m["resolution"]) if m["resolution"] else None,
        reason=m["reason"], acted_by=m["acted_by"], acted_at=m["acted_at"],
        exporter=m["exporter"], name=m["name"],
    )  # fmt: skip


_WITH_PARTY = (
    select(alerts, counterparties.c.exporter, counterparties.c.name)
    .join(counterparties, counterparties.c.id == alerts.c.counterparty_id)
)  # fmt: skip


def find_alerts(
    conn: Connection,
    *,
    status: str | None = None,
    exporter: str | None = None,
    counterparty_id: str | None = None,
) -> list[Alert]:
    """Alerts (of one status, one exporter's counterparties, one counterparty), by id."""
    query = _WITH_PARTY.order_by(alerts.c.id)
    if status is not None:
        query = query.where(alerts.c.status == status)
    if exporter is not None:
        query = query.where(counterparties.c.exporter == exporter)
    if counterparty_id is not None:
        query = query.where(alerts.c.counterparty_id == counterparty_id)
    return [from_row(r._mapping) for r in conn.execute(query)]


def alert(conn: Connection, alert_id: int) -> Alert | None:
    """The alert ``alert_id``; None if there is none."""
    row = conn.execute(_WITH_PARTY.where(alerts.c.id == alert_id)).first()
    return from_row(row._mapping) if row else None


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


# --- the webhook outbox ----------------------------------------------------------------------


def enqueue(
    conn: Connection, event_id: str, payload: Mapping[str, object], at: str,
    alert_id: int | None = None,
) -> None:  # fmt: skip
    """Store a notification to post (``payload``, as JSON), due at ``at``."""
    conn.execute(insert(outbox).values(
        event_id=event_id, payload=json.dumps(dict(payload), ensure_ascii=False, default=str),
        status=DeliveryStatus.PENDING.value, attempts=0, next_attempt_at=at, created_at=at,
        alert_id=alert_id,
    ))  # fmt: skip


def due(conn: Connection, now: str, limit: int) -> list[Notification]:
    """Pending notifications whose next attempt is due, oldest first (locked on
    PostgreSQL, so two instances never post one twice at once)."""
    query = (select(outbox.c.id, outbox.c.event_id, outbox.c.payload, outbox.c.attempts)
             .where(outbox.c.status == DeliveryStatus.PENDING.value,
                    outbox.c.next_attempt_at <= now)
             .order_by(outbox.c.id).limit(limit))  # fmt: skip
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return [Notification(id=int(r.id), event_id=r.event_id, payload=r.payload,
                         attempts=int(r.attempts)) for r in conn.execute(query)]  # fmt: skip


def mark_delivery(
    conn: Connection, row_id: int, *, status: DeliveryStatus, attempts: int,
    next_attempt_at: str, error: str | None, delivered_at: str | None,
) -> None:  # fmt: skip
    """Record an attempt's outcome."""
    conn.execute(update(outbox).where(outbox.c.id == row_id).values(
        status=status.value, attempts=attempts, next_attempt_at=next_attempt_at,
        last_error=error, delivered_at=delivered_at,
    ))  # fmt: skip


def requeue_failed(conn: Connection, now: str) -> int:
    """Given-up notifications made pending again, due at ``now``; how many."""
    result = conn.execute(
        update(outbox)
        .where(outbox.c.status == DeliveryStatus.FAILED.value)
        .values(status=DeliveryStatus.PENDING.value, attempts=0, next_attempt_at=now)
    )
    return int(result.rowcount or 0)


def undelivered(conn: Connection, exporter: str | None = None) -> int:
    """Notifications not delivered (pending or given up); of one exporter's alerts if
    given."""
    query = (select(func.count()).select_from(outbox)
             .where(outbox.c.status != DeliveryStatus.DELIVERED.value))  # fmt: skip
    if exporter is not None:
        query = (
            query.join(alerts, alerts.c.id == outbox.c.alert_id)
            .join(counterparties, counterparties.c.id == alerts.c.counterparty_id)
            .where(counterparties.c.exporter == exporter)
        )
    return int(conn.execute(query).scalar_one())


def deliveries(conn: Connection, alert_ids: Iterable[int]) -> dict[int, Delivery]:
    """{alert id: its notification's delivery}, for the alerts that have one."""
    ids = sorted(set(alert_ids))
    out: dict[int, Delivery] = {}
    for i in range(0, len(ids), CHUNK):
        query = select(outbox.c.alert_id, outbox.c.status, outbox.c.attempts, outbox.c.last_error,
                       outbox.c.delivered_at).where(outbox.c.alert_id.in_(ids[i : i + CHUNK]))
        for r in conn.execute(query):  # fmt: skip
            out[int(r.alert_id)] = Delivery(
                status=DeliveryStatus(r.status), attempts=int(r.attempts),
                last_error=r.last_error, delivered_at=r.delivered_at,
            )  # fmt: skip
    return out
