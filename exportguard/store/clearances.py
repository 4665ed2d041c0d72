"""Repository of clearances: reviewed false positives of counterparties and of screened
parties (``core.monitoring_records``: rows are read into :class:`Clearance` here only).
A clearance is in force on a day when it has not expired by then."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from sqlalchemy import ColumnElement, Connection, RowMapping, func, insert, or_, select, update

from exportguard.core.monitoring_records import Clearance, ExpiringClearance, ListedClearance
from exportguard.store.counterparties import chunks
from exportguard.store.schema import clearances, counterparties


def add_clearance(conn: Connection, row: Mapping[str, object]) -> int:
    """Store a clearance (its columns but ``id``); its id."""
    query = insert(clearances).values(**row).returning(clearances.c.id)
    return int(conn.execute(query).scalar_one())


def from_row(m: RowMapping, *, expiring: bool = False) -> Clearance:
    """A clearance from a row of ``clearances`` (the one place it is read); a row joined
    with its party's ``name`` and ``tenant`` gives a :class:`ListedClearance` (an
    :class:`ExpiringClearance` if ``expiring``)."""
    given = {
        "id": int(m["id"]), "counterparty_id": m["counterparty_id"], "entry_id": m["entry_id"],
        "entry_digest": m["entry_digest"], "reason": m["reason"], "expires_on": m["expires_on"],
        "actor": m["actor"], "created_at": m["created_at"], "lapsed_at": m["lapsed_at"],
        "exporter": m["exporter"], "party_key": m["party_key"], "party_name": m["party_name"],
        "case_id": m["case_id"], "confirmed_by": m["confirmed_by"],
    }  # fmt: skip
    if "tenant" not in m:
        return Clearance(**given)
    kind = ExpiringClearance if expiring else ListedClearance
    return kind(**given, name=m["name"], tenant=m["tenant"])


def clearance(conn: Connection, clearance_id: int) -> Clearance | None:
    """The clearance ``clearance_id``; None if there is none."""
    row = conn.execute(select(clearances).where(clearances.c.id == clearance_id)).first()
    return from_row(row._mapping) if row else None


def clearances_of(conn: Connection, cp_id: str) -> list[Clearance]:
    """A counterparty's clearances (in force or not), oldest first."""
    rows = conn.execute(
        select(clearances).where(clearances.c.counterparty_id == cp_id).order_by(clearances.c.id)
    )
    return [from_row(r._mapping) for r in rows]


def lapsed_clearances(conn: Connection, on: date) -> list[Clearance]:
    """Counterparties' clearances that expired before ``on`` and have not raised their
    re-review alert (a screened party's clearance just stops applying)."""
    rows = conn.execute(
        select(clearances).where(clearances.c.expires_on < on, clearances.c.lapsed_at.is_(None),
                                 clearances.c.counterparty_id.is_not(None))
        .order_by(clearances.c.id)
    )  # fmt: skip
    return [from_row(r._mapping) for r in rows]


def mark_lapsed(conn: Connection, clearance_id: int, at: str) -> None:
    conn.execute(update(clearances).where(clearances.c.id == clearance_id).values(lapsed_at=at))


def _tenant(exporter: str | None) -> ColumnElement[bool]:
    column = clearances.c.exporter
    return column.is_(None) if exporter is None else column == exporter


def party_clearances(
    conn: Connection, exporter: str | None, party_key: str, entry_ids: Iterable[str], on: date
) -> dict[str, Clearance]:
    """{entry id: the newest clearance in force on ``on``} of a screened party of one
    tenant (``exporter`` None: the authority's own screenings), for these entries."""
    out: dict[str, Clearance] = {}
    for chunk in chunks(sorted(set(entry_ids))):
        rows = conn.execute(
            select(clearances)
            .where(_tenant(exporter), clearances.c.party_key == party_key,
                   clearances.c.entry_id.in_(chunk))
            .order_by(clearances.c.id)
        )  # fmt: skip
        for r in rows:
            found = from_row(r._mapping)
            if found.in_force(on):
                out[found.entry_id] = found
    return out


def clearances_of_parties(
    conn: Connection, exporter: str | None, party_keys: Iterable[str], on: date
) -> dict[tuple[str, str], Clearance]:
    """{(party key, entry id): the newest clearance in force on ``on``} of many screened
    parties of one tenant (a batch file's rows)."""
    out: dict[tuple[str, str], Clearance] = {}
    for chunk in chunks(sorted(set(party_keys))):
        rows = conn.execute(
            select(clearances).where(_tenant(exporter), clearances.c.party_key.in_(chunk))
            .order_by(clearances.c.id)
        )  # fmt: skip
        for r in rows:
            found = from_row(r._mapping)
            if found.in_force(on):
                out[(r.party_key, found.entry_id)] = found
    return out


_name_col = func.coalesce(counterparties.c.name, clearances.c.party_name).label("name")
_tenant_col = func.coalesce(counterparties.c.exporter, clearances.c.exporter).label("tenant")
_joined = clearances.outerjoin(counterparties, counterparties.c.id == clearances.c.counterparty_id)


def _listed(m: RowMapping) -> ListedClearance:
    found = from_row(m)
    assert isinstance(found, ListedClearance)
    return found


def _expiring(m: RowMapping) -> ExpiringClearance:
    found = from_row(m, expiring=True)
    assert isinstance(found, ExpiringClearance)
    return found


def find_clearances(
    conn: Connection, *, exporter: str | None = None, on: date, limit: int, offset: int
) -> tuple[list[ListedClearance], int]:
    """One page of clearances in force on ``on`` (not expired), newest first, of
    counterparties and screened parties alike (``exporter`` keeps one tenant's), each with
    the party's name and tenant; and how many there are."""
    conditions = [or_(clearances.c.expires_on.is_(None), clearances.c.expires_on >= on)]
    if exporter is not None:
        conditions.append(_tenant_col == exporter)
    total = conn.execute(select(func.count()).select_from(_joined).where(*conditions))
    rows = conn.execute(
        select(clearances, _name_col, _tenant_col).select_from(_joined).where(*conditions)
        .order_by(clearances.c.id.desc()).limit(limit).offset(offset)
    )  # fmt: skip
    return [_listed(r._mapping) for r in rows], int(total.scalar_one())


def clearances_expiring(conn: Connection, since: date, until: date) -> list[ExpiringClearance]:
    """Clearances expiring from ``since`` to ``until`` (inclusive), soonest first, with
    their party's name and tenant (a counterparty's exporter, or a screened party's)."""
    rows = conn.execute(
        select(clearances, _tenant_col, _name_col).select_from(_joined)
        .where(clearances.c.expires_on >= since, clearances.c.expires_on <= until)
        .order_by(clearances.c.expires_on, clearances.c.id)
    )  # fmt: skip
    return [_expiring(r._mapping) for r in rows]


def active_clearances_of(
    conn: Connection, ids: Iterable[str], on: date
) -> dict[str, dict[str, str]]:
    """{counterparty id: {entry id: the entry digest cleared}} of the clearances in force
    on ``on`` of these counterparties."""
    out: dict[str, dict[str, str]] = {}
    for chunk in chunks(ids):
        rows = conn.execute(select(clearances).where(clearances.c.counterparty_id.in_(chunk)))
        for r in rows:
            if r.expires_on is None or r.expires_on >= on:
                out.setdefault(r.counterparty_id, {})[r.entry_id] = r.entry_digest
    return out
