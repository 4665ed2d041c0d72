"""Repository of the audit log: append in the caller's transaction, read, and the head.

Appends are serialised: the head row is read with ``FOR UPDATE`` on PostgreSQL, and on
SQLite every write transaction holds the write lock from the start
(``store.engine.writing``). A record and the action it records commit together or not at
all, so a crash never leaves an action unaudited or an audited action undone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import Connection, insert, select, update

from exportguard.core.audit import AuditRecord, canonical, link
from exportguard.store.schema import audit_head, audit_log


def head(conn: Connection, *, lock: bool = False) -> tuple[int, str] | None:
    query = select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    return (int(row[0]), str(row[1])) if row else None


def append(
    conn: Connection, *, at: str, actor: str, kind: str, subject: str, payload: Mapping[str, Any]
) -> AuditRecord:
    """Link and store one record after the current head (inside the caller's transaction)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7202611271)")
    current = head(conn, lock=True)
    prev = None
    if current is not None:
        row = conn.execute(select(audit_log).where(audit_log.c.seq == current[0])).first()
        if row is not None:
            prev = _record(row)
    record = link(
        prev, at=at, actor=actor, kind=kind, subject=subject, payload=json.loads(canonical(payload))
    )
    if prev is None and current is not None:
        raise RuntimeError("the audit head points at a missing record; run `audit verify`")
    conn.execute(
        insert(audit_log).values(
            seq=record.seq,
            at=record.at,
            actor=record.actor,
            kind=record.kind,
            subject=record.subject,
            payload=canonical(record.payload),
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
