"""Repository of hit review cases and their events (``core.case_records``: rows are read
into :class:`HitCase` and :class:`CaseEvent` here only). A case's ``query`` and ``hit``
are stored as JSON text, ``sanctioned`` as 1 or 0."""

from __future__ import annotations

import json
from typing import Final

from sqlalchemy import Connection, RowMapping, func, insert, or_, select, update

from exportguard.core.case_records import CaseEvent, HitCase
from exportguard.core.hit_cases import Action, CaseState, Disposition, Origin
from exportguard.store.schema import hit_case_events, hit_cases

#: ``find_cases(assignee=UNASSIGNED)``: the cases nobody is assigned to.
UNASSIGNED: Final = ""


def _case(m: RowMapping) -> HitCase:
    """A case from a row of ``hit_cases`` (the one place it is read)."""
    return HitCase(
        id=m["id"], exporter=m["exporter"], origin=Origin(m["origin"]),
        origin_ref=m["origin_ref"], alert_id=m["alert_id"], party_name=m["party_name"],
        party_key=m["party_key"], query=json.loads(m["query"]),
        snapshot_id=int(m["snapshot_id"]), source=m["source"], entry_id=m["entry_id"],
        entry_digest=m["entry_digest"], list_name=m["list_name"],
        listed_name=m["listed_name"], score=float(m["score"]),
        sanctioned=bool(m["sanctioned"]), hit=json.loads(m["hit"]),
        state=CaseState(m["state"]),
        disposition=Disposition(m["disposition"]) if m["disposition"] else None,
        reason_code=m["reason_code"], note=m["note"], expires_on=m["expires_on"],
        assignee=m["assignee"], decided_by=m["decided_by"], decided_at=m["decided_at"],
        confirmed_by=m["confirmed_by"], confirmed_at=m["confirmed_at"],
        clearance_id=m["clearance_id"], created_by=m["created_by"],
        created_at=m["created_at"], updated_at=m["updated_at"], version=int(m["version"]),
    )  # fmt: skip


def add_case(conn: Connection, case: HitCase) -> None:
    """Store a new case."""
    conn.execute(insert(hit_cases).values(
        id=case.id, exporter=case.exporter, origin=case.origin.value,
        origin_ref=case.origin_ref, alert_id=case.alert_id, party_name=case.party_name,
        party_key=case.party_key,
        query=json.dumps(dict(case.query), ensure_ascii=False, sort_keys=True),
        snapshot_id=case.snapshot_id, source=case.source, entry_id=case.entry_id,
        entry_digest=case.entry_digest, list_name=case.list_name,
        listed_name=case.listed_name, score=case.score, sanctioned=int(case.sanctioned),
        hit=json.dumps(dict(case.hit), ensure_ascii=False, sort_keys=True, default=str),
        **_changing(case), created_by=case.created_by, created_at=case.created_at,
        version=case.version,
    ))  # fmt: skip


def _changing(case: HitCase) -> dict[str, object]:
    """The columns a case's actions change (all but its version)."""
    return {"state": case.state.value,
            "disposition": case.disposition.value if case.disposition else None,
            "reason_code": case.reason_code, "note": case.note, "expires_on": case.expires_on,
            "assignee": case.assignee, "decided_by": case.decided_by,
            "decided_at": case.decided_at, "confirmed_by": case.confirmed_by,
            "confirmed_at": case.confirmed_at, "clearance_id": case.clearance_id,
            "updated_at": case.updated_at}  # fmt: skip


def save_case(conn: Connection, case: HitCase, *, expected_version: int) -> bool:
    """Write a changed case (its state, decision, assignee, clearance, times and
    ``version``) if it is still at ``expected_version``; False if someone changed it
    since."""
    result = conn.execute(
        update(hit_cases)
        .where(hit_cases.c.id == case.id, hit_cases.c.version == expected_version)
        .values(**_changing(case), version=case.version)
    )  # fmt: skip
    return result.rowcount == 1


def get_case(conn: Connection, case_id: str, *, lock: bool = False) -> HitCase | None:
    """The case ``case_id`` (locked for update on PostgreSQL if ``lock``); None if none."""
    query = select(hit_cases).where(hit_cases.c.id == case_id)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    return _case(row._mapping) if row else None


def cases_for(conn: Connection, origin: Origin, origin_ref: str, entry_id: str) -> list[HitCase]:
    """The cases of one hit of one origin, newest first."""
    rows = conn.execute(
        select(hit_cases)
        .where(hit_cases.c.origin == origin.value, hit_cases.c.origin_ref == origin_ref,
               hit_cases.c.entry_id == entry_id)
        .order_by(hit_cases.c.created_at.desc(), hit_cases.c.id.desc())
    )  # fmt: skip
    return [_case(r._mapping) for r in rows]


def cases_of_origin(conn: Connection, origin: Origin, origin_ref: str) -> list[HitCase]:
    """Every case opened from one screening, job row, decision or counterparty, oldest first."""
    rows = conn.execute(
        select(hit_cases)
        .where(hit_cases.c.origin == origin.value, hit_cases.c.origin_ref == origin_ref)
        .order_by(hit_cases.c.id)
    )  # fmt: skip
    return [_case(r._mapping) for r in rows]


def find_cases(
    conn: Connection,
    *,
    exporter: str | None = None,
    state: CaseState | None = None,
    list_text: str | None = None,
    assignee: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[HitCase], int]:
    """One page of cases (newest first) and how many match. ``exporter`` keeps one tenant's;
    ``list_text`` a source id or a text in the list's name (case-insensitive); ``assignee``
    one user's, or :data:`UNASSIGNED`."""
    conditions = []
    if exporter is not None:
        conditions.append(hit_cases.c.exporter == exporter)
    if state is not None:
        conditions.append(hit_cases.c.state == state.value)
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
    return [_case(r._mapping) for r in rows], int(total.scalar_one())


def counts(conn: Connection, exporter: str | None = None) -> dict[str, int]:
    """{state: number of cases} (of one tenant if given)."""
    query = select(hit_cases.c.state, func.count()).group_by(hit_cases.c.state)
    if exporter is not None:
        query = query.where(hit_cases.c.exporter == exporter)
    return {str(state): int(n) for state, n in conn.execute(query)}


def add_event(
    conn: Connection, *, case_id: str, at: str, actor: str, action: Action, state: CaseState,
    disposition: Disposition | None = None, reason_code: str | None = None,
    note: str | None = None, assignee: str | None = None,
) -> None:  # fmt: skip
    """Store one action on a case (``state``: the state after it)."""
    conn.execute(insert(hit_case_events).values(
        case_id=case_id, at=at, actor=actor, action=action.value, state=state.value,
        disposition=disposition.value if disposition else None, reason_code=reason_code,
        note=note, assignee=assignee,
    ))  # fmt: skip


def events(conn: Connection, case_id: str) -> list[CaseEvent]:
    """A case's events, oldest first."""
    rows = conn.execute(
        select(hit_case_events).where(hit_case_events.c.case_id == case_id)
        .order_by(hit_case_events.c.id)
    )  # fmt: skip
    return [
        CaseEvent(
            id=int(r.id), case_id=r.case_id, at=r.at, actor=r.actor, action=Action(r.action),
            state=CaseState(r.state),
            disposition=Disposition(r.disposition) if r.disposition else None,
            reason_code=r.reason_code, note=r.note, assignee=r.assignee,
        )
        for r in rows
    ]
