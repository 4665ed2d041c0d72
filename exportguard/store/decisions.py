"""Repository of regime revisions, the current revision per regime, and decisions."""

from __future__ import annotations

import json

from sqlalchemy import Connection, RowMapping, insert, select

from exportguard.core.decision_records import JsonObject, RegimeRevision, StoredDecision
from exportguard.store.schema import decisions, regime_current, regime_revisions


def record_revision(
    conn: Connection,
    *,
    digest: str,
    regime_id: str,
    revision: str,
    content: str,
    origin: str,
    at: str,
    by: str,
) -> None:
    """Keep a regime revision (content-addressed: a known digest is left as it is)."""
    found = conn.execute(
        select(regime_revisions.c.digest).where(regime_revisions.c.digest == digest)
    ).first()
    if found is None:
        conn.execute(
            insert(regime_revisions).values(
                digest=digest,
                regime_id=regime_id,
                revision=revision,
                content=content,
                origin=origin,
                recorded_at=at,
                recorded_by=by,
            )
        )


def revision_content(conn: Connection, digest: str) -> str | None:
    row = conn.execute(
        select(regime_revisions.c.content).where(regime_revisions.c.digest == digest)
    ).first()
    return str(row[0]) if row else None


def revisions(conn: Connection, regime_id: str | None = None) -> list[RegimeRevision]:
    """The kept revisions (of ``regime_id`` if given), oldest first."""
    query = select(
        regime_revisions.c.digest,
        regime_revisions.c.regime_id,
        regime_revisions.c.revision,
        regime_revisions.c.origin,
        regime_revisions.c.recorded_at,
        regime_revisions.c.recorded_by,
    )
    if regime_id is not None:
        query = query.where(regime_revisions.c.regime_id == regime_id)
    rows = conn.execute(query.order_by(regime_revisions.c.recorded_at))
    return [RegimeRevision(**r._mapping) for r in rows]


def set_current(conn: Connection, regime_id: str, digest: str) -> None:
    conn.execute(regime_current.delete().where(regime_current.c.regime_id == regime_id))
    conn.execute(insert(regime_current).values(regime_id=regime_id, digest=digest))


def current(conn: Connection) -> dict[str, str]:
    """regime id -> digest of the installed current revision."""
    return {r.regime_id: r.digest for r in conn.execute(select(regime_current))}


def add_decision(
    conn: Connection,
    *,
    decision_id: str,
    decided_at: str,
    actor: str,
    verdict: str,
    request: JsonObject,
    result: JsonObject,
) -> None:
    conn.execute(
        insert(decisions).values(
            decision_id=decision_id,
            decided_at=decided_at,
            actor=actor,
            verdict=verdict,
            request=json.dumps(dict(request), sort_keys=True),
            result=json.dumps(dict(result), sort_keys=True, ensure_ascii=False),
        )
    )


def _decision_from_row(m: RowMapping) -> StoredDecision:
    """A decision from a row of ``decisions`` (the one place it is read)."""
    return StoredDecision(
        decision_id=m["decision_id"], decided_at=m["decided_at"], actor=m["actor"],
        verdict=m["verdict"], request=json.loads(m["request"]), result=json.loads(m["result"]),
    )  # fmt: skip


def stored_decision(conn: Connection, decision_id: str) -> StoredDecision | None:
    """The decision ``decision_id`` (the latest kept under that id); None if there is none."""
    row = conn.execute(
        select(decisions)
        .where(decisions.c.decision_id == decision_id)
        .order_by(decisions.c.pk.desc())
    ).first()
    return None if row is None else _decision_from_row(row._mapping)
