"""Repository of counterparties, their last hits, alerts, clearances, monitoring runs and
the webhook outbox. The ``*_of`` and ``*_many`` functions work on many counterparties at once
(in chunks of :data:`CHUNK` ids, under every database's limit on bound parameters)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from exportguard.store.schema import (
    alerts,
    clearances,
    counterparties,
    counterparty_hits,
    monitoring_runs,
    outbox,
)

#: Ids per ``IN (...)`` query.
CHUNK = 500


def _chunks(ids: Iterable[str]) -> Iterator[list[str]]:
    items = list(ids)
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def add_counterparty(conn: Connection, row: Mapping[str, Any]) -> None:
    conn.execute(insert(counterparties).values(**row))


def add_counterparties(conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert many counterparties in one statement (executemany)."""
    if rows:
        conn.execute(insert(counterparties), [dict(r) for r in rows])


def update_counterparty(conn: Connection, cp_id: str, values: Mapping[str, Any]) -> None:
    conn.execute(update(counterparties).where(counterparties.c.id == cp_id).values(**values))


def counterparties_of(conn: Connection, exporters: Iterable[str]) -> list[dict[str, Any]]:
    """Every counterparty (active or not) of these exporters."""
    out: list[dict[str, Any]] = []
    for chunk in _chunks(sorted(set(exporters))):
        query = select(counterparties).where(counterparties.c.exporter.in_(chunk))
        out.extend(dict(r._mapping) for r in conn.execute(query.order_by(counterparties.c.id)))
    return out


def counterparties_by_id(conn: Connection, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(ids):
        for r in conn.execute(select(counterparties).where(counterparties.c.id.in_(chunk))):
            out[r.id] = dict(r._mapping)
    return out


def lock_counterparties(conn: Connection) -> None:
    """Serialise bulk imports for the rest of this transaction (two imports of one file
    then see each other's rows instead of both adding them). SQLite's write transactions
    are serialised already (``store.engine.writing``)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7202611273)")


def book(
    conn: Connection, ids: Iterable[str] | None = None
) -> list[tuple[str, str, str | None, str | None]]:
    """(id, name, country, type) of every active counterparty (or of those of ``ids``), in
    id order: what a monitoring run screens (tuples, not dicts: a book has 100,000)."""
    query = (
        select(counterparties.c.id, counterparties.c.name, counterparties.c.country,
               counterparties.c.type)
        .where(counterparties.c.active == 1).order_by(counterparties.c.id)
    )  # fmt: skip
    if ids is None:
        return [(str(r[0]), str(r[1]), r[2], r[3]) for r in conn.execute(query)]
    found: list[tuple[str, str, str | None, str | None]] = []
    for chunk in _chunks(sorted(set(ids))):
        rows = conn.execute(query.where(counterparties.c.id.in_(chunk)))
        found.extend((str(r[0]), str(r[1]), r[2], r[3]) for r in rows)
    return sorted(found)


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


def hits_of(
    conn: Connection, ids: Iterable[str]
) -> dict[str, dict[tuple[str, str], dict[str, Any]]]:
    """Remembered hits of many counterparties: {id: {(source, entry id): hit}}."""
    out: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}
    for chunk in _chunks(ids):
        rows = conn.execute(
            select(counterparty_hits).where(counterparty_hits.c.counterparty_id.in_(chunk))
        )
        for r in rows:
            out.setdefault(r.counterparty_id, {})[(r.source, r.entry_id)] = dict(r._mapping)
    return out


def remembering(conn: Connection, keys: Iterable[tuple[str, str]]) -> set[str]:
    """Ids of the counterparties with a remembered hit on one of these (source, entry id)."""
    wanted = set(keys)
    found: set[str] = set()
    for chunk in _chunks(sorted({entry_id for _, entry_id in wanted})):
        query = select(counterparty_hits.c.counterparty_id, counterparty_hits.c.source,
                       counterparty_hits.c.entry_id).where(counterparty_hits.c.entry_id.in_(chunk))
        found.update(r[0] for r in conn.execute(query) if (r[1], r[2]) in wanted)  # fmt: skip
    return found


def replace_hits_many(
    conn: Connection,
    ids: Iterable[str],
    sources: set[str],
    hits: Sequence[Mapping[str, Any]],
) -> None:
    """Replace the remembered hits of many counterparties for the sources just screened
    (``hits`` carry their ``counterparty_id``)."""
    if sources:
        for chunk in _chunks(ids):
            conn.execute(
                delete(counterparty_hits).where(
                    counterparty_hits.c.counterparty_id.in_(chunk),
                    counterparty_hits.c.source.in_(sorted(sources)),
                )
            )
    if hits:
        conn.execute(insert(counterparty_hits), [dict(h) for h in hits])


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


def add_clearance(conn: Connection, row: Mapping[str, Any]) -> int:
    query = insert(clearances).values(**row).returning(clearances.c.id)
    return int(conn.execute(query).scalar_one())


def get_clearance(conn: Connection, clearance_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(clearances).where(clearances.c.id == clearance_id)).first()
    return dict(row._mapping) if row else None


def lapsed_clearances(conn: Connection, on: date) -> list[dict[str, Any]]:
    """Counterparties' clearances that expired before ``on`` and have not raised their
    re-review alert (a screened party's clearance just stops applying)."""
    rows = conn.execute(
        select(clearances).where(clearances.c.expires_on < on, clearances.c.lapsed_at.is_(None),
                                 clearances.c.counterparty_id.is_not(None))
        .order_by(clearances.c.id)
    )  # fmt: skip
    return [dict(r._mapping) for r in rows]


def party_clearances(
    conn: Connection, exporter: str | None, party_key: str, entry_ids: Iterable[str], on: date
) -> dict[str, dict[str, Any]]:
    """{entry id: the newest clearance not expired on ``on``} of a screened party of one
    tenant (``exporter`` None: the authority's own screenings), for these entries."""
    out: dict[str, dict[str, Any]] = {}
    tenant = (clearances.c.exporter.is_(None) if exporter is None
              else clearances.c.exporter == exporter)  # fmt: skip
    for chunk in _chunks(sorted(set(entry_ids))):
        rows = conn.execute(
            select(clearances)
            .where(tenant, clearances.c.party_key == party_key, clearances.c.entry_id.in_(chunk))
            .order_by(clearances.c.id)
        )  # fmt: skip
        for r in rows:
            if r.expires_on is None or r.expires_on >= on:
                out[r.entry_id] = dict(r._mapping)
    return out


def clearances_of_parties(
    conn: Connection, exporter: str | None, party_keys: Iterable[str], on: date
) -> dict[tuple[str, str], dict[str, Any]]:
    """{(party key, entry id): the newest clearance not expired on ``on``} of many screened
    parties of one tenant (a batch file's rows)."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    tenant = (clearances.c.exporter.is_(None) if exporter is None
              else clearances.c.exporter == exporter)  # fmt: skip
    for chunk in _chunks(sorted(set(party_keys))):
        rows = conn.execute(
            select(clearances).where(tenant, clearances.c.party_key.in_(chunk))
            .order_by(clearances.c.id)
        )  # fmt: skip
        for r in rows:
            if r.expires_on is None or r.expires_on >= on:
                out[(r.party_key, r.entry_id)] = dict(r._mapping)
    return out


def find_clearances(
    conn: Connection, *, exporter: str | None = None, on: date, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """One page of clearances in force on ``on`` (not expired), newest first, of
    counterparties and screened parties alike (``exporter`` keeps one tenant's), each with
    the party's name and tenant; and how many there are."""
    name = func.coalesce(counterparties.c.name, clearances.c.party_name).label("name")
    tenant = func.coalesce(counterparties.c.exporter, clearances.c.exporter).label("tenant")
    conditions = [or_(clearances.c.expires_on.is_(None), clearances.c.expires_on >= on)]
    if exporter is not None:
        conditions.append(tenant == exporter)
    joined = clearances.outerjoin(
        counterparties, counterparties.c.id == clearances.c.counterparty_id
    )
    total = conn.execute(select(func.count()).select_from(joined).where(*conditions))
    rows = conn.execute(
        select(clearances, name, tenant).select_from(joined).where(*conditions)
        .order_by(clearances.c.id.desc()).limit(limit).offset(offset)
    )  # fmt: skip
    return [dict(r._mapping) for r in rows], int(total.scalar_one())


def mark_lapsed(conn: Connection, clearance_id: int, at: str) -> None:
    conn.execute(update(clearances).where(clearances.c.id == clearance_id).values(lapsed_at=at))


def clearances_expiring(conn: Connection, since: date, until: date) -> list[dict[str, Any]]:
    """Clearances expiring from ``since`` to ``until`` (inclusive), soonest first, with
    their party's name and exporter (a counterparty's, or a screened party's)."""
    rows = conn.execute(
        select(clearances, func.coalesce(counterparties.c.exporter, clearances.c.exporter)
               .label("tenant"),
               func.coalesce(counterparties.c.name, clearances.c.party_name).label("name"))
        .outerjoin(counterparties, counterparties.c.id == clearances.c.counterparty_id)
        .where(clearances.c.expires_on >= since, clearances.c.expires_on <= until)
        .order_by(clearances.c.expires_on, clearances.c.id)
    )  # fmt: skip
    out = []
    for r in rows:
        found = dict(r._mapping)
        found["exporter"] = found.pop("tenant")
        out.append(found)
    return out


def active_clearances(conn: Connection, cp_id: str, on: date) -> dict[str, str]:
    """entry id -> entry digest cleared, for clearances not expired on ``on``."""
    rows = conn.execute(select(clearances).where(clearances.c.counterparty_id == cp_id))
    out: dict[str, str] = {}
    for r in rows:
        if r.expires_on is None or r.expires_on >= on:
            out[r.entry_id] = r.entry_digest
    return out


def active_clearances_of(
    conn: Connection, ids: Iterable[str], on: date
) -> dict[str, dict[str, str]]:
    """:func:`active_clearances` of many counterparties: {id: {entry id: digest}}."""
    out: dict[str, dict[str, str]] = {}
    for chunk in _chunks(ids):
        rows = conn.execute(select(clearances).where(clearances.c.counterparty_id.in_(chunk)))
        for r in rows:
            if r.expires_on is None or r.expires_on >= on:
                out.setdefault(r.counterparty_id, {})[r.entry_id] = r.entry_digest
    return out


def clearances_of(conn: Connection, cp_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(clearances).where(clearances.c.counterparty_id == cp_id).order_by(clearances.c.id)
    )
    return [dict(r._mapping) for r in rows]


# --- the webhook outbox ----------------------------------------------------------------------


def enqueue(
    conn: Connection, event_id: str, payload: Mapping[str, Any], at: str,
    alert_id: int | None = None,
) -> None:  # fmt: skip
    conn.execute(insert(outbox).values(
        event_id=event_id, payload=json.dumps(dict(payload), ensure_ascii=False, default=str),
        status="pending", attempts=0, next_attempt_at=at, created_at=at, alert_id=alert_id,
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


def requeue_failed(conn: Connection, now: str) -> int:
    """Given-up notifications made pending again, due at ``now``; how many."""
    result = conn.execute(
        update(outbox)
        .where(outbox.c.status == "failed")
        .values(status="pending", attempts=0, next_attempt_at=now)
    )
    return int(result.rowcount or 0)


def undelivered(conn: Connection, exporter: str | None = None) -> int:
    """Notifications not delivered (pending or given up); of one exporter's alerts if
    given."""
    query = select(func.count()).select_from(outbox).where(outbox.c.status != "delivered")
    if exporter is not None:
        query = (
            query.join(alerts, alerts.c.id == outbox.c.alert_id)
            .join(counterparties, counterparties.c.id == alerts.c.counterparty_id)
            .where(counterparties.c.exporter == exporter)
        )
    return int(conn.execute(query).scalar_one())


def deliveries(conn: Connection, alert_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """{alert id: its notification's status, attempts, last error, delivered at}."""
    ids = sorted(set(alert_ids))
    out: dict[int, dict[str, Any]] = {}
    for i in range(0, len(ids), CHUNK):
        query = select(outbox.c.alert_id, outbox.c.status, outbox.c.attempts, outbox.c.last_error,
                       outbox.c.delivered_at).where(outbox.c.alert_id.in_(ids[i : i + CHUNK]))
        for r in conn.execute(query):  # fmt: skip
            out[int(r.alert_id)] = {"status": r.status, "attempts": r.attempts,
                                    "last_error": r.last_error, "delivered_at": r.delivered_at}
    return out


# --- monitoring runs ---------------------------------------------------------------------------


def add_run(conn: Connection, row: Mapping[str, Any]) -> int:
    values = dict(row)
    values["snapshots"] = json.dumps(values["snapshots"], sort_keys=True)
    values["counts"] = json.dumps(values["counts"], sort_keys=True)
    query = insert(monitoring_runs).values(**values).returning(monitoring_runs.c.id)
    return int(conn.execute(query).scalar_one())


def last_book_run(conn: Connection) -> dict[str, Any] | None:
    """The newest run that screened the whole book (full or incremental), or that found no
    list in force (``none``: an empty baseline): what the next run compares with."""
    row = conn.execute(
        select(monitoring_runs)
        .where(monitoring_runs.c.mode.in_(("full", "incremental", "none")))
        .order_by(monitoring_runs.c.id.desc()).limit(1)
    ).first()  # fmt: skip
    if row is None:
        return None
    found = dict(row._mapping)
    found["snapshots"] = json.loads(found["snapshots"])
    found["counts"] = json.loads(found["counts"])
    return found
