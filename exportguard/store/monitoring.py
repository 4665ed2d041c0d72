"""Repository of monitoring runs, and the dict forms of monitoring's records that the hit
cases still read.

The repositories of monitoring are ``store.counterparties`` (counterparties and their
remembered hits), ``store.alerts`` (alerts and the webhook outbox) and
``store.clearances``; each reads its rows into the records of ``core.monitoring_records``
in one place. The functions below :data:`DICT_FORMS` give some of those records as dicts
of their columns (enums as text, ``active`` as 1 or 0, dates as dates), the form
``services.hit_cases`` and ``services.hit_reviews`` read until they move to the records.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Mapping
from dataclasses import fields
from datetime import date
from typing import Any

from sqlalchemy import Connection, insert, select

from exportguard.core.monitoring_records import BookRun, RunMode
from exportguard.store import alerts as alert_store
from exportguard.store import clearances as clearance_store
from exportguard.store import counterparties as party_store
from exportguard.store.alerts import set_alert_status
from exportguard.store.clearances import add_clearance
from exportguard.store.schema import monitoring_runs

__all__ = [
    "add_clearance",
    "add_run",
    "clearances_of",
    "clearances_of_parties",
    "find_alerts",
    "find_clearances",
    "get_alert",
    "get_clearance",
    "get_counterparty",
    "last_book_run",
    "last_hits",
    "party_clearances",
    "set_alert_status",
]


def add_run(
    conn: Connection, *, mode: RunMode, as_of: date, counts: Mapping[str, int],
    snapshots: Mapping[str, tuple[int, str]], started_at: str, finished_at: str, actor: str,
) -> int:  # fmt: skip
    """Store a monitoring run: what it screened against (``snapshots``: source ->
    (snapshot id, content hash)) and its counts; its id."""
    query = insert(monitoring_runs).values(
        mode=mode.value, as_of=as_of, counts=json.dumps(dict(counts), sort_keys=True),
        snapshots=json.dumps({k: list(v) for k, v in snapshots.items()}, sort_keys=True),
        started_at=started_at, finished_at=finished_at, actor=actor,
    ).returning(monitoring_runs.c.id)  # fmt: skip
    return int(conn.execute(query).scalar_one())


def last_book_run(conn: Connection) -> BookRun | None:
    """The newest run that screened the whole book (full or incremental), or that found no
    list in force (``none``: an empty baseline): what the next run compares with."""
    book_modes = (RunMode.FULL.value, RunMode.INCREMENTAL.value, RunMode.NONE.value)
    row = conn.execute(
        select(monitoring_runs).where(monitoring_runs.c.mode.in_(book_modes))
        .order_by(monitoring_runs.c.id.desc()).limit(1)
    ).first()  # fmt: skip
    if row is None:
        return None
    snapshots = json.loads(row.snapshots)
    return BookRun(
        id=int(row.id), mode=RunMode(row.mode), as_of=row.as_of,
        snapshots={str(k): (int(v[0]), str(v[1])) for k, v in snapshots.items()},
    )  # fmt: skip


# --- dict forms (DICT_FORMS) -------------------------------------------------------------------

#: A record as a dict of its columns: the form the hit cases read.
Row = dict[str, Any]

DICT_FORMS = "the dict forms below serve services.hit_cases and services.hit_reviews"


def _row(record: object) -> Row:
    out: Row = {}
    for f in fields(record):  # type: ignore[arg-type]
        value = getattr(record, f.name)
        if isinstance(value, enum.Enum):
            value = value.value
        elif isinstance(value, bool):
            value = int(value)
        elif isinstance(value, Mapping):
            value = dict(value)
        out[f.name] = value
    return out


def get_counterparty(conn: Connection, cp_id: str) -> Row | None:
    """:func:`store.counterparties.counterparty` as a dict."""
    found = party_store.counterparty(conn, cp_id)
    return None if found is None else _row(found)


def last_hits(conn: Connection, cp_id: str) -> dict[tuple[str, str], Row]:
    """:func:`store.counterparties.last_hits` as dicts."""
    return {k: _row(h) for k, h in party_store.last_hits(conn, cp_id).items()}


def get_alert(conn: Connection, alert_id: int) -> Row | None:
    """:func:`store.alerts.alert` as a dict."""
    found = alert_store.alert(conn, alert_id)
    return None if found is None else _row(found)


def find_alerts(conn: Connection, *, counterparty_id: str | None = None) -> list[Row]:
    """A counterparty's alerts as dicts (:func:`store.alerts.find_alerts`)."""
    return [_row(a) for a in alert_store.find_alerts(conn, counterparty_id=counterparty_id)]


def get_clearance(conn: Connection, clearance_id: int) -> Row | None:
    """:func:`store.clearances.clearance` as a dict."""
    found = clearance_store.clearance(conn, clearance_id)
    return None if found is None else _row(found)


def clearances_of(conn: Connection, cp_id: str) -> list[Row]:
    """:func:`store.clearances.clearances_of` as dicts."""
    return [_row(c) for c in clearance_store.clearances_of(conn, cp_id)]


def party_clearances(
    conn: Connection, exporter: str | None, party_key: str, entry_ids: Iterable[str], on: date
) -> dict[str, Row]:
    """:func:`store.clearances.party_clearances` as dicts."""
    found = clearance_store.party_clearances(conn, exporter, party_key, entry_ids, on)
    return {k: _row(c) for k, c in found.items()}


def clearances_of_parties(
    conn: Connection, exporter: str | None, party_keys: Iterable[str], on: date
) -> dict[tuple[str, str], Row]:
    """:func:`store.clearances.clearances_of_parties` as dicts."""
    found = clearance_store.clearances_of_parties(conn, exporter, party_keys, on)
    return {k: _row(c) for k, c in found.items()}


def find_clearances(
    conn: Connection, *, exporter: str | None = None, on: date, limit: int, offset: int
) -> tuple[list[Row], int]:
    """:func:`store.clearances.find_clearances` as dicts (with ``name`` and ``tenant``)."""
    found, total = clearance_store.find_clearances(
        conn, exporter=exporter, on=on, limit=limit, offset=offset
    )
    return [_row(c) for c in found], total
