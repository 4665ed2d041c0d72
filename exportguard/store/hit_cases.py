"""Repository of hit review cases and their events (``core.hit_cases``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, func, insert, or_, select, update

from exportguard.store.schema import hit_case_events, hit_cases

#: ``find_cases(assignee=UNASSIGNED)``: the cases nobody is assigned to.
UNASSIGNED = ""


def _case(row: Any) -> dict[str, Any]:
    found = dict(row._mapping)
    found["query"] = json.loads(found["query"])
    found["hit"] = json.loads(found["hit"])
    found["sanctioned"] = bool(found["sanctioned"])
    return found


def add_case(conn: Connection, row: Mapping[str, Any]) -> None:
    values = dict(row)
    values["query"] = json.dumps(values["query"], ensure_ascii=False, sort_keys=True)
    values["hit"] = json.dumps(values["hit"], ensure_ascii=False, sort_keys=True, default=str)
    values["sanctioned"] = int(bool(values["sanctioned"]))
    conn.execute(insert(hit_cases).values(**values))


def get_case(conn: Connection, case_id: str, *, lock: bool = False) -> dict[str, Any] | None:
    query = select(hit_cases).where(hit_cases.c.id == case_id)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    return _case(row) if row else None


def cases_for(
    conn: Connection, origin: str, origin_ref: str, entry_id: str
) -> list[dict[str, Any]]:
    """The cases of one hit of one origin, newest first."""
    rows = conn.execute(
        select(hit_cases)
        .where(hit_cases.c.origin == origin, hit_cases.c.origin_ref == origin_ref,
               hit_cases.c.entry_id == entry_id)
        .order_by(hit_cases.c.created_at.desc(), hit_cases.c.id.desc())
    )  # fmt: skip
    return [_case(r) for r in rows]


def cases_of_origin(conn: Connection, origin: str, origin_ref: str) -> list[dict[str, Any]]:
    """Every case opened from one screening, job row, decision or counterparty, oldest first."""
    rows = conn.execute(
        select(hit_cases)
        .where(hit_cases.c.origin == origin, hit_cases.c.origin_ref == origin_ref)
        .order_by(hit_cases.c.id)
    )  # fmt: skip
    return [_case(r) for r in rows]


def find_cases(
    conn: Connection,
    *,
    exporter: str | None = None,
    state: str | None = None,
    list_text: str | None = None,
    assignee: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """One page of cases (newest first) and how many match. ``exporter`` keeps one tenant's;
    ``list_text`` a source id or a text in the list's name (case-insensitive); ``assignee``
    one user's, or :data:`UNASSIGNED`."""
    conditions = []
    if exporter is not None:
        conditions.append(hit_cases.c.exporter == exporter)
    if state is not None:
        conditions.append(hit_cases.c.state == state)
    if list_text:
        conditions.append(or_(
            hit_cases.c.source == list_text,
            func.lower(hit_cases.c.list_name).contains(list_text.casefold(), autoescape=True),
        ))  # fmt: skip
    if assignee is not None:
        conditions.append(
            hit_cases.c.assignee.is_(None) if assignee == UNASSIGNED
            else hit_cases.c.assignee == assignee
        )  # fmt: skip
    total = conn.execute(select(func.count()).select_from(hit_cases).where(*conditions))
    rows = conn.execute(
        select(hit_cases).where(*conditions)
        .order_by(hit_cases.c.updated_at.desc(), hit_cases.c.id.desc())
        .limit(limit).offset(offset)
    )  # fmt: skip
    return [_case(r) for r in rows], int(total.scalar_one())


def counts(conn: Connection, exporter: str | None = None) -> dict[str, int]:
    """{state: number of cases} (of one tenant if given)."""
    query = select(hit_cases.c.state, func.count()).group_by(hit_cases.c.state)
    if exporter is not None:
        query = query.where(hit_cases.c.exporter == exporter)
    return {str(state): int(n) for state, n in conn.execute(query)}


def update_case(conn: Connection, case_id: str, version: int, values: Mapping[str, Any]) -> bool:
    """Write ``values`` if the case is still at ``version`` (then one more); False if
    someone changed it since."""
    result = conn.execute(
        update(hit_cases)
        .where(hit_cases.c.id == case_id, hit_cases.c.version == version)
        .values(**values, version=version + 1)
    )  # fmt: skip
    return result.rowcount == 1


def add_event(conn: Connection, row: Mapping[str, Any]) -> None:
    conn.execute(insert(hit_case_events).values(**row))


def events(conn: Connection, case_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(hit_case_events).where(hit_case_events.c.case_id == case_id)
        .order_by(hit_case_events.c.id)
    )  # fmt: skip
    return [dict(r._mapping) for r in rows]
