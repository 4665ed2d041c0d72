"""Repository of list snapshots, their entries and their persisted name indexes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, and_, insert, or_, select, update

from exportguard.core.entities import ListEntry
from exportguard.core.snapshots import DateBasis, Snapshot
from exportguard.store.schema import entries, snapshot_indexes, snapshots


def _snapshot(row: Row[Any]) -> Snapshot:
    return Snapshot(
        id=row.id,
        source=row.source,
        format=row.format,
        published=row.published,
        content_hash=row.content_hash,
        imported_at=row.imported_at,
        files=tuple(json.loads(row.files)),
        counts=json.loads(row.counts),
        date_basis=DateBasis(row.date_basis or DateBasis.PATH),
        retired_at=row.retired_at,
        retired_by=row.retired_by,
        retired_reason=row.retired_reason,
    )


def lock_imports(conn: Connection) -> None:
    """Serialise imports for the rest of this transaction: two processes importing the same
    file then see each other's snapshot instead of colliding on its content hash. (SQLite's
    write transactions are serialised already: ``store.engine.writing``.)"""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7202611272)")


def by_hash(conn: Connection, content_hash: str) -> Snapshot | None:
    row = conn.execute(select(snapshots).where(snapshots.c.content_hash == content_hash)).first()
    return _snapshot(row) if row else None


def get(conn: Connection, snapshot_id: int) -> Snapshot | None:
    row = conn.execute(select(snapshots).where(snapshots.c.id == snapshot_id)).first()
    return _snapshot(row) if row else None


def add(
    conn: Connection,
    *,
    source: str,
    format: str,
    published: date,
    date_basis: DateBasis,
    imported_at: str,
    content_hash: str,
    files: Sequence[str],
    counts: dict[str, int],
    warnings: Sequence[str],
    items: Sequence[ListEntry],
    items_json: Sequence[str] | None = None,
) -> Snapshot:
    """Insert one snapshot with its entries (inside the caller's transaction); the caller
    stores its index with :func:`replace_index` once it knows the snapshot id.
    ``items_json``: each entry's :meth:`ListEntry.to_json`, when the caller has it."""
    snapshot_id = conn.execute(
        insert(snapshots).values(
            source=source, format=format, published=published,
            published_from_file=int(date_basis is DateBasis.FILE), date_basis=date_basis.value,
            imported_at=imported_at,
            content_hash=content_hash, files=json.dumps(list(files)),
            counts=json.dumps(counts, sort_keys=True), warnings=json.dumps(list(warnings)),
        ).returning(snapshots.c.id)
    ).scalar_one()  # fmt: skip
    if items:
        conn.execute(
            insert(entries),
            [
                {
                    "snapshot_id": snapshot_id, "entry_id": e.id, "type": e.type.value,
                    "name": e.name, "listed_from": e.listed_from, "listed_until": e.listed_until,
                    "data": text,
                }
                for e, text in zip(items, items_json or [e.to_json() for e in items],
                                   strict=True)
            ],
        )  # fmt: skip
    found = get(conn, snapshot_id)
    assert found is not None
    return found


def all_snapshots(conn: Connection, source: str | None = None) -> list[Snapshot]:
    query = select(snapshots).order_by(snapshots.c.source, snapshots.c.published, snapshots.c.id)
    if source is not None:
        query = query.where(snapshots.c.source == source)
    return [_snapshot(r) for r in conn.execute(query)]


def in_force(conn: Connection, as_of: date | None = None) -> list[Snapshot]:
    """Per source, the snapshot to screen against on ``as_of`` (default: the newest).

    That is the newest snapshot published on or before ``as_of``. When a source has none
    that old, its earliest snapshot stands in: its entries then count from their own
    listing dates (NSO Group is not listed on 2021-10-01 even in a 2022 file), which is
    the best the store knows. Two snapshots of one date: the later import wins.

    Retired snapshots are never chosen. Only snapshots of the best
    :attr:`~exportguard.core.snapshots.Snapshot.date_rank` present for a source are
    considered: one dated by its import or by its newest listing stands only for a source
    with no snapshot whose date is stated, so a 17-record SDN sample with no date, or a
    13-row CSL sample whose newest listing is later than the full list's publication,
    never hides the full list it was cut from.
    """
    return _in_force(all_snapshots(conn), as_of)


def _in_force(every: Sequence[Snapshot], as_of: date | None) -> list[Snapshot]:
    """:func:`in_force` over ``every`` snapshot (ordered by source, published, id)."""
    candidates = [s for s in every if not s.retired]
    rank: dict[str, int] = {}
    for s in candidates:
        rank[s.source] = max(rank.get(s.source, 0), s.date_rank)
    best: dict[str, Snapshot] = {}
    for snap in candidates:  # ordered by source, published, id
        if snap.date_rank < rank[snap.source]:
            continue
        current = best.get(snap.source)
        if as_of is None or snap.published <= as_of:
            if current is None or current.published <= snap.published:
                best[snap.source] = snap
        elif current is None:
            best[snap.source] = snap  # the earliest, until an older-than-as_of one turns up
    return [best[k] for k in sorted(best)]


def in_force_and_set_aside(
    conn: Connection, as_of: date | None = None
) -> tuple[list[Snapshot], list[tuple[Snapshot, Snapshot]]]:
    """:func:`in_force`, and (snapshot, the one screened instead) for each snapshot not
    screened although it was imported after the one in force for its source: its date is
    a guess (the import date, the newest listing) and the one in force states its date, so
    newer content may be set aside for older. Retired snapshots, and (with ``as_of``)
    snapshots dated after it, are left out: they are not screened by design. One read of
    the snapshots."""
    every = all_snapshots(conn)
    screened = _in_force(every, as_of)
    chosen = {s.source: s for s in screened}
    out = []
    for snap in every:
        current = chosen.get(snap.source)
        if snap.retired or current is None or snap.id == current.id:
            continue
        if as_of is not None and snap.published > as_of:
            continue
        later = (snap.imported_at, snap.id) > (current.imported_at, current.id)
        if snap.date_rank < current.date_rank and later:
            out.append((snap, current))
    return screened, out


def redate(conn: Connection, snapshot_id: int, published: date, basis: DateBasis) -> None:
    """Give a snapshot the publication date it was missing (its date was a guess)."""
    conn.execute(
        update(snapshots)
        .where(snapshots.c.id == snapshot_id)
        .values(
            published=published,
            date_basis=basis.value,
            published_from_file=int(basis is DateBasis.FILE),
        )
    )


def retire(conn: Connection, snapshot_id: int, *, at: str, actor: str, reason: str) -> bool:
    """Mark a snapshot retired (False if it was already, or does not exist)."""
    result = conn.execute(
        update(snapshots)
        .where(snapshots.c.id == snapshot_id, snapshots.c.retired_at.is_(None))
        .values(retired_at=at, retired_by=actor, retired_reason=reason)
    )
    return result.rowcount == 1


def index_data(conn: Connection, snapshot_id: int) -> tuple[int, bytes] | None:
    row = conn.execute(
        select(snapshot_indexes.c.format_version, snapshot_indexes.c.data)
        .where(snapshot_indexes.c.snapshot_id == snapshot_id)
    ).first()  # fmt: skip
    return (int(row[0]), bytes(row[1])) if row else None


def replace_index(conn: Connection, snapshot_id: int, version: int, data: bytes) -> None:
    """Swap in a rebuilt index (after an index format change)."""
    conn.execute(snapshot_indexes.delete().where(snapshot_indexes.c.snapshot_id == snapshot_id))
    conn.execute(
        insert(snapshot_indexes).values(snapshot_id=snapshot_id, format_version=version, data=data)
    )


def load_entries(
    conn: Connection, snapshot_id: int, ids: Iterable[str] | None = None
) -> Iterator[ListEntry]:
    """Entries of a snapshot (all, or those with the given ids), in id order."""
    query = select(entries.c.data).where(entries.c.snapshot_id == snapshot_id)
    if ids is not None:
        wanted = list(ids)
        if not wanted:
            return
        query = query.where(entries.c.entry_id.in_(wanted))
    for (data,) in conn.execute(query.order_by(entries.c.entry_id)):
        yield ListEntry.from_dict(json.loads(data))


def entry_texts(conn: Connection, snapshot_id: int) -> dict[str, str]:
    """{entry id: the entry's stored JSON text} of a snapshot: what a diff compares, without
    building an entry object for each of thousands of rows."""
    query = select(entries.c.entry_id, entries.c.data).where(entries.c.snapshot_id == snapshot_id)
    return {str(entry_id): str(data) for entry_id, data in conn.execute(query)}


def coming_or_going(
    conn: Connection, snapshot_ids: Sequence[int], since: date, until: date
) -> list[tuple[str, str]]:
    """(source, entry id) of the entries of these snapshots in force on one of the days
    ``since`` and ``until`` (``since`` first) and not on the other: a listing that starts
    after ``since`` and by ``until``, or ends from ``since`` to before ``until``."""
    if not snapshot_ids or until <= since:
        return []
    query = (
        select(snapshots.c.source, entries.c.entry_id)
        .join(snapshots, snapshots.c.id == entries.c.snapshot_id)
        .where(
            entries.c.snapshot_id.in_(list(snapshot_ids)),
            or_(
                and_(entries.c.listed_from > since, entries.c.listed_from <= until),
                and_(entries.c.listed_until >= since, entries.c.listed_until < until),
            ),
        )
    )
    return [(str(r[0]), str(r[1])) for r in conn.execute(query)]
