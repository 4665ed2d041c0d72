"""Repository of misuse reports and the reviews opened on licences (``core.review_records``:
rows are read into :class:`MisuseReport` and :class:`Review` here only). A report's
``matches`` and a review's ``data`` are stored as JSON text."""

from __future__ import annotations

import json

from sqlalchemy import Connection, RowMapping, insert, select, update

from exportguard.core.decision_records import JsonObject
from exportguard.core.review_records import (
    Confidence,
    MisuseReport,
    ReportMatch,
    Review,
    ReviewOrigin,
    ReviewOutcome,
    ReviewStatus,
    SubjectKind,
)
from exportguard.store.cases import parse_day
from exportguard.store.schema import misuse_reports, reviews


def _report(m: RowMapping) -> MisuseReport:
    """A misuse report from a row of ``misuse_reports`` (the one place it is read)."""
    return MisuseReport(
        id=m["id"], source=m["source"], reported_on=parse_day(m["reported_on"]),
        country=m["country"], suspected_operator=m["suspected_operator"],
        product=m["product"], evidence=m["evidence"], confidence=Confidence(m["confidence"]),
        status=ReviewStatus(m["status"]),
        outcome=ReviewOutcome(m["outcome"]) if m["outcome"] else None,
        matches=tuple(
            ReportMatch(licence=x["licence"], why=tuple(x["why"]),
                        end_user_similarity=x["end_user_similarity"])
            for x in json.loads(m["matches"])
        ),
        created_at=m["created_at"], actor=m["actor"],
    )  # fmt: skip


def add_report(conn: Connection, report: MisuseReport) -> None:
    """Store a new misuse report."""
    conn.execute(insert(misuse_reports).values(
        id=report.id, source=report.source, reported_on=report.reported_on,
        country=report.country, suspected_operator=report.suspected_operator,
        product=report.product, evidence=report.evidence,
        confidence=report.confidence.value, status=report.status.value,
        outcome=report.outcome.value if report.outcome else None,
        matches=json.dumps([m.as_dict() for m in report.matches]),
        created_at=report.created_at, actor=report.actor,
    ))  # fmt: skip


def get_report(conn: Connection, report_id: str) -> MisuseReport | None:
    """The misuse report ``report_id``; None if there is none."""
    row = conn.execute(select(misuse_reports).where(misuse_reports.c.id == report_id)).first()
    return _report(row._mapping) if row else None


def all_reports(conn: Connection) -> list[MisuseReport]:
    """Every misuse report, by id."""
    rows = conn.execute(select(misuse_reports).order_by(misuse_reports.c.id))
    return [_report(r._mapping) for r in rows]


def close_report(conn: Connection, report_id: str, outcome: ReviewOutcome) -> None:
    """Close a misuse report with the outcome of its last review."""
    conn.execute(
        update(misuse_reports)
        .where(misuse_reports.c.id == report_id)
        .values(status=ReviewStatus.CLOSED.value, outcome=outcome.value)
    )


def add_review(
    conn: Connection,
    *,
    review_id: str,
    subject_kind: SubjectKind,
    subject_id: str,
    origin: ReviewOrigin,
    reason: str,
    at: str,
    actor: str,
    data: JsonObject,
) -> None:
    """Store a new (open) review of ``subject_id``; ``data``: what opened it (JSON)."""
    conn.execute(
        insert(reviews).values(
            id=review_id,
            subject_kind=subject_kind.value,
            subject_id=subject_id,
            origin=origin.value,
            reason=reason,
            status=ReviewStatus.OPEN.value,
            created_at=at,
            actor=actor,
            data=json.dumps(dict(data), default=str),
        )
    )


def _review(m: RowMapping) -> Review:
    """A review from a row of ``reviews`` (the one place it is read)."""
    return Review(
        id=m["id"], subject_kind=SubjectKind(m["subject_kind"]), subject_id=m["subject_id"],
        origin=ReviewOrigin(m["origin"]), reason=m["reason"],
        status=ReviewStatus(m["status"]),
        outcome=ReviewOutcome(m["outcome"]) if m["outcome"] else None,
        created_at=m["created_at"], closed_at=m["closed_at"], actor=m["actor"],
        data=json.loads(m["data"]),
    )  # fmt: skip


def find_reviews(
    conn: Connection, *, status: ReviewStatus | None = None, subject_id: str | None = None
) -> list[Review]:
    """The reviews (of one status, of one subject), by id."""
    query = select(reviews).order_by(reviews.c.id)
    if status is not None:
        query = query.where(reviews.c.status == status.value)
    if subject_id is not None:
        query = query.where(reviews.c.subject_id == subject_id)
    return [_review(r._mapping) for r in conn.execute(query)]


def get_review(conn: Connection, review_id: str) -> Review | None:
    """The review ``review_id``; None if there is none."""
    row = conn.execute(select(reviews).where(reviews.c.id == review_id)).first()
    return _review(row._mapping) if row else None


def close_review(conn: Connection, review_id: str, outcome: ReviewOutcome, at: str) -> bool:
    """Close an open review (a compare-and-set on its status): False if it was not open."""
    result = conn.execute(
        update(reviews)
        .where(reviews.c.id == review_id, reviews.c.status == ReviewStatus.OPEN.value)
        .values(status=ReviewStatus.CLOSED.value, outcome=outcome.value, closed_at=at)
    )
    return result.rowcount == 1
