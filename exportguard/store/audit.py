"""Repository of the audit log: append in the caller's transaction, read, and the head.

Appends are serialised: the head row is read with ``FOR UPDATE`` on PostgreSQL, and on
SQLite every write transaction holds the write lock from the start
(``store.engine.writing``). A record and the action it records commit together or not at
all, so a crash never leaves an action unaudited or an audited action undone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from exportguard.core.audit import AuditRecord, Checkpoint, canonical, link_text
from exportguard.core.decision_records import JsonObject
from exportguard.store.schema import audit_checkpoints, audit_head, audit_log


def head(conn: Connection, *, lock: bool = False) -> tuple[int, str] | None:
    query = select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    return (int(row[0]), str(row[1])) if row else None


def append(
    conn: Connection, *, at: str, actor: str, kind: str, subject: str, payload: JsonObject
) -> AuditRecord:
    """Link and store one record after the current head (inside the caller's transaction)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7202611271)")
    # The head and the hash of the record it names, in one statement (the head must name
    # the stored record exactly: else the chain was tampered with or half written).
    query = (
        select(audit_head.c.seq, audit_head.c.hash, audit_log.c.hash)
        .select_from(audit_head.outerjoin(audit_log, audit_log.c.seq == audit_head.c.seq))
        .where(audit_head.c.id == 1)
    )
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(of=audit_head)
    row = conn.execute(query).first()
    current = (int(row[0]), str(row[1])) if row else None
    if row is not None and row[2] != row[1]:
        raise RuntimeError(
            "the audit head points at a missing or different record; run `audit verify`"
        )
    text = canonical(payload)
    record = link_text(current, at=at, actor=actor, kind=kind, subject=subject, payload_text=text)
    conn.execute(
        insert(audit_log).values(
            seq=record.seq,
            at=record.at,
            actor=record.actor,
            kind=record.kind,
            subject=record.subject,
            payload=text,
            prev_hash=record.prev_hash,
            hash=record.hash,
        )
    )
    if current is None:
        conn.execute(insert(audit_head).values(id=1, seq=record.seq, hash=record.hash))
    else:
        conn.execute(
            update(audit_head).where(audit_head.c.id == 1).values(seq=record.seq, hash=record.hash)
        )
    return record


def records(
    conn: Connection, *, kind: str | None = None, subject: str | None = None
) -> Iterator[AuditRecord]:
    """Records in stored order (the order of their sequence numbers)."""
    query = select(audit_log).order_by(audit_log.c.seq)
    if kind is not None:
        query = query.where(audit_log.c.kind == kind)
    if subject is not None:
        query = query.where(audit_log.c.subject == subject)
    for row in conn.execute(query):
        yield _record(row)


def page(
    conn: Connection,
    *,
    limit: int,
    offset: int,
    kind: str | None = None,
    subject: str | None = None,
    actor: str | None = None,
    since: date | None = None,
    until: date | None = None,
    newest_first: bool = False,
) -> tuple[list[AuditRecord], int]:
    """One page of records and the number matching: O(page), whatever the log's size.
    ``since`` and ``until`` are days (UTC, both included) of the records' times."""
    where = []
    if since is not None:
        where.append(audit_log.c.at >= since.isoformat())
    if until is not None:
        where.append(audit_log.c.at < (until + timedelta(days=1)).isoformat())
    if kind is not None:
        where.append(audit_log.c.kind == kind)
    if subject is not None:
        where.append(audit_log.c.subject == subject)
    if actor is not None:
        where.append(audit_log.c.actor == actor)
    order = audit_log.c.seq.desc() if newest_first else audit_log.c.seq
    rows = conn.execute(select(audit_log).where(*where).order_by(order).limit(limit).offset(offset))
    total = conn.execute(select(func.count()).select_from(audit_log).where(*where)).scalar_one()
    return [_record(r) for r in rows], int(total)


def run(conn: Connection, first: int, last: int) -> list[AuditRecord]:
    """Records ``first`` to ``last`` (inclusive), in order."""
    query = select(audit_log).where(audit_log.c.seq >= first, audit_log.c.seq <= last)
    return [_record(r) for r in conn.execute(query.order_by(audit_log.c.seq))]


def hashes(conn: Connection, seqs: list[int]) -> dict[int, str]:
    """The stored hash of each of these records that exists."""
    if not seqs:
        return {}
    rows = conn.execute(select(audit_log.c.seq, audit_log.c.hash).where(audit_log.c.seq.in_(seqs)))
    return {int(seq): str(h) for seq, h in rows}


def add_checkpoint(conn: Connection, checkpoint: Checkpoint) -> None:
    conn.execute(insert(audit_checkpoints).values(**checkpoint.to_dict()))


def checkpoints(conn: Connection) -> list[Checkpoint]:
    rows = conn.execute(select(audit_checkpoints).order_by(audit_checkpoints.c.seq))
    return [Checkpoint(int(r.seq), r.hash, r.at, r.key_id, r.signature) for r in rows]


def latest_checkpoint(conn: Connection) -> Checkpoint | None:
    row = conn.execute(
        select(audit_checkpoints).order_by(audit_checkpoints.c.seq.desc()).limit(1)
    ).first()
    return Checkpoint(int(row.seq), row.hash, row.at, row.key_id, row.signature) if row else None


def next_checkpoint(conn: Connection, seq: int) -> Checkpoint | None:
    """The first checkpoint at or after record ``seq``."""
    row = conn.execute(
        select(audit_checkpoints).where(audit_checkpoints.c.seq >= seq)
        .order_by(audit_checkpoints.c.seq).limit(1)
    ).first()  # fmt: skip
    return Checkpoint(int(row.seq), row.hash, row.at, row.key_id, row.signature) if row else None


def get(conn: Connection, seq: int) -> AuditRecord | None:
    row = conn.execute(select(audit_log).where(audit_log.c.seq == seq)).first()
    return _record(row) if row else None


def _record(row: Any) -> AuditRecord:
    return AuditRecord(
        int(row.seq),
        row.at,
        row.actor,
        row.kind,
        row.subject,
        json.loads(row.payload),
        row.prev_hash,
        row.hash,
    )
