"""Repository of monitoring runs (:class:`~exportguard.core.monitoring_records.BookRun`).

The other repositories of monitoring are ``store.counterparties`` (counterparties and their
remembered hits), ``store.alerts`` (alerts and the webhook outbox) and
``store.clearances``; each reads its rows into the records of ``core.monitoring_records``
in one place.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date

from sqlalchemy import Connection, insert, select

from exportguard.core.monitoring_records import BookRun, RunMode
from exportguard.store.schema import monitoring_runs


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
