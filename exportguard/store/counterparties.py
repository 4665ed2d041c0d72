"""Repository of counterparties and their remembered hits (``core.monitoring_records``:
rows are read into :class:`Counterparty` and :class:`RememberedHit` here only). The
``*_of`` and ``*_many`` functions work on many counterparties at once, in chunks of
:data:`CHUNK` ids (under every database's limit on bound parameters)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from sqlalchemy import Connection, RowMapping, delete, insert, select, update

from exportguard.core.counterparties import CounterpartyRole
from exportguard.core.entities import EntityType
from exportguard.core.monitoring_records import Counterparty, RememberedHit
from exportguard.core.rescreen import PartyRow
from exportguard.store.schema import counterparties, counterparty_hits

#: Ids per ``IN (...)`` query.
CHUNK = 500

#: A column's value as written: text, a number, or None.
Column = str | int | None


def chunks(ids: Iterable[str]) -> Iterator[list[str]]:
    """``ids`` in lists of at most :data:`CHUNK`."""
    items = list(ids)
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def from_row(m: RowMapping) -> Counterparty:
    """A counterparty from a row of ``counterparties`` (the one place it is read)."""
    return Counterparty(
        id=m["id"], exporter=m["exporter"], name=m["name"], role=CounterpartyRole(m["role"]),
        country=m["country"], type=EntityType(m["type"]) if m["type"] else None,
        active=bool(m["active"]), created_at=m["created_at"], reference=m["reference"],
    )  # fmt: skip


def _values(party: Counterparty) -> dict[str, Column]:
    return {"id": party.id, "exporter": party.exporter, "name": party.name,
            "role": party.role.value, "country": party.country,
            "type": party.type.value if party.type else None, "active": int(party.active),
            "created_at": party.created_at, "reference": party.reference}  # fmt: skip


def add_counterparties(conn: Connection, parties: Sequence[Counterparty]) -> None:
    """Insert counterparties (many in one statement: executemany)."""
    if parties:
        conn.execute(insert(counterparties), [_values(p) for p in parties])


def update_counterparty(conn: Connection, cp_id: str, values: Mapping[str, Column]) -> None:
    """Set these columns of a counterparty (name, country, type, role, reference, active)."""
    conn.execute(update(counterparties).where(counterparties.c.id == cp_id).values(**values))


def set_active(conn: Connection, cp_id: str, active: bool) -> None:
    update_counterparty(conn, cp_id, {"active": int(active)})


def counterparty(conn: Connection, cp_id: str) -> Counterparty | None:
    """The counterparty ``cp_id``; None if there is none."""
    row = conn.execute(select(counterparties).where(counterparties.c.id == cp_id)).first()
    return from_row(row._mapping) if row else None


def find(
    conn: Connection, *, exporter: str | None = None, active: bool = True
) -> list[Counterparty]:
    """Counterparties (of one exporter; the active ones only), by id."""
    query = select(counterparties).order_by(counterparties.c.id)
    if exporter is not None:
        query = query.where(counterparties.c.exporter == exporter)
    if active:
        query = query.where(counterparties.c.active == 1)
    return [from_row(r._mapping) for r in conn.execute(query)]


def counterparties_of(conn: Connection, exporters: Iterable[str]) -> list[Counterparty]:
    """Every counterparty (active or not) of these exporters, by id within each chunk."""
    out: list[Counterparty] = []
    for chunk in chunks(sorted(set(exporters))):
        query = select(counterparties).where(counterparties.c.exporter.in_(chunk))
        out.extend(from_row(r._mapping) for r in conn.execute(query.order_by(counterparties.c.id)))
    return out


def counterparties_by_id(conn: Connection, ids: Iterable[str]) -> dict[str, Counterparty]:
    """{id: counterparty} of those of ``ids`` that exist."""
    out: dict[str, Counterparty] = {}
    for chunk in chunks(ids):
        for r in conn.execute(select(counterparties).where(counterparties.c.id.in_(chunk))):
            out[r.id] = from_row(r._mapping)
    return out


def lock_counterparties(conn: Connection) -> None:
    """Serialise bulk imports for the rest of this transaction (two imports of one file
    then see each other's rows instead of both adding them). SQLite's write transactions
    are serialised already (``store.engine.writing``)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7202611273)")


def book(conn: Connection, ids: Iterable[str] | None = None) -> list[PartyRow]:
    """(id, name, country, type) of every active counterparty (or of those of ``ids``), in
    id order: what a monitoring run screens (tuples, not records: a book has 100,000)."""
    query = (
        select(counterparties.c.id, counterparties.c.name, counterparties.c.country,
               counterparties.c.type)
        .where(counterparties.c.active == 1).order_by(counterparties.c.id)
    )  # fmt: skip
    if ids is None:
        return [(str(r[0]), str(r[1]), r[2], r[3]) for r in conn.execute(query)]
    found: list[PartyRow] = []
    for chunk in chunks(sorted(set(ids))):
        rows = conn.execute(query.where(counterparties.c.id.in_(chunk)))
        found.extend((str(r[0]), str(r[1]), r[2], r[3]) for r in rows)
    return sorted(found)


# --- remembered hits -------------------------------------------------------------------------

#: A remembered hit's key: (source, entry id).
HitKey = tuple[str, str]


def hit_from_row(m: RowMapping) -> RememberedHit:
    """A remembered hit from a row of ``counterparty_hits`` (the one place it is read)."""
    return RememberedHit(
        counterparty_id=m["counterparty_id"], source=m["source"], entry_id=m["entry_id"],
        entry_digest=m["entry_digest"], snapshot_id=int(m["snapshot_id"]),
        score=float(m["score"]),
    )  # fmt: skip


def last_hits(conn: Connection, cp_id: str) -> dict[HitKey, RememberedHit]:
    """The counterparty's hits at its last screening, by (source, entry id)."""
    rows = conn.execute(
        select(counterparty_hits).where(counterparty_hits.c.counterparty_id == cp_id)
    )
    return {(r.source, r.entry_id): hit_from_row(r._mapping) for r in rows}


def hits_of(conn: Connection, ids: Iterable[str]) -> dict[str, dict[HitKey, RememberedHit]]:
    """Remembered hits of many counterparties: {id: {(source, entry id): hit}}."""
    out: dict[str, dict[HitKey, RememberedHit]] = {}
    for chunk in chunks(ids):
        rows = conn.execute(
            select(counterparty_hits).where(counterparty_hits.c.counterparty_id.in_(chunk))
        )
        for r in rows:
            out.setdefault(r.counterparty_id, {})[(r.source, r.entry_id)] = hit_from_row(
                r._mapping
            )
    return out


def remembering(conn: Connection, keys: Iterable[HitKey]) -> set[str]:
    """Ids of the counterparties with a remembered hit on one of these (source, entry id)."""
    wanted = set(keys)
    found: set[str] = set()
    for chunk in chunks(sorted({entry_id for _, entry_id in wanted})):
        query = select(counterparty_hits.c.counterparty_id, counterparty_hits.c.source,
                       counterparty_hits.c.entry_id).where(counterparty_hits.c.entry_id.in_(chunk))
        found.update(r[0] for r in conn.execute(query) if (r[1], r[2]) in wanted)  # fmt: skip
    return found


def replace_hits_many(
    conn: Connection, ids: Iterable[str], sources: set[str], hits: Sequence[RememberedHit]
) -> None:
    """Replace the remembered hits of many counterparties for the sources just screened
    (each hit names its counterparty)."""
    if sources:
        for chunk in chunks(ids):
            conn.execute(
                delete(counterparty_hits).where(
                    counterparty_hits.c.counterparty_id.in_(chunk),
                    counterparty_hits.c.source.in_(sorted(sources)),
                )
            )
    if hits:
        conn.execute(insert(counterparty_hits), [h.as_dict() for h in hits])
