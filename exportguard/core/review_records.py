"""Misuse reports and reviews as records (pure): a report (a press or NGO finding of
misuse) with the licences it may concern, and the reviews opened on licences by reports
and impact analyses, as the store keeps them and the API, the CLI's ``--json`` and the
pages show them.

Times are ISO 8601 UTC strings, as stored; a report's date is a date. Each record's
``as_dict`` is its JSON form (enums as their values, dates as ``YYYY-MM-DD``): the one the
API's models (``api.schemas.licensing``) describe, field for field.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from exportguard.core.decision_records import JsonObject


class Confidence(enum.StrEnum):
    """How sure a misuse report is."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ReviewStatus(enum.StrEnum):
    """A review's (and a misuse report's) state: ``open`` -> ``closed`` (with an
    outcome; a report closes with its last review)."""

    OPEN = "open"
    CLOSED = "closed"


class ReviewOutcome(enum.StrEnum):
    """How a review ends (``services.misuse.REVIEW_OUTCOMES``: the licence event each
    applies)."""

    NO_ACTION = "no_action"
    RESTRICT = "restrict"
    SUSPEND = "suspend"
    REVOKE = "revoke"
    SHUT_DOWN = "shut_down"
    APPROVE = "approve"
    REFUSE = "refuse"


class SubjectKind(enum.StrEnum):
    """What a review is of."""

    LICENCE = "licence"
    REPORT = "report"
    COUNTERPARTY = "counterparty"


class ReviewOrigin(enum.StrEnum):
    """What opened a review: an impact analysis, a misuse report, monitoring."""

    IMPACT = "impact"
    MISUSE_REPORT = "misuse-report"
    MONITORING = "monitoring"


@dataclass(frozen=True, slots=True)
class ReportMatch:
    """A licence a misuse report may concern, and why (``end_user_similarity``: of its
    end user to the suspected operator, 0 to 1, three decimals)."""

    licence: str
    why: tuple[str, ...]
    end_user_similarity: float

    def as_dict(self) -> dict[str, object]:
        return {"licence": self.licence, "why": list(self.why),
                "end_user_similarity": self.end_user_similarity}  # fmt: skip


@dataclass(frozen=True, slots=True)
class MisuseReport:
    """A misuse report (``id`` ``R-000001``): who reported (``source``) what on which
    day, where (``country``: ISO code), about whom and which product, the evidence and
    its confidence; the licences it may concern (``matches``, each with a review); its
    status and, once closed, the outcome of its last review."""

    id: str
    source: str
    reported_on: date
    country: str
    suspected_operator: str
    product: str
    evidence: str
    confidence: Confidence
    status: ReviewStatus
    outcome: ReviewOutcome | None
    matches: tuple[ReportMatch, ...]
    created_at: str
    actor: str

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "source": self.source,
                "reported_on": self.reported_on.isoformat(), "country": self.country,
                "suspected_operator": self.suspected_operator, "product": self.product,
                "evidence": self.evidence, "confidence": self.confidence.value,
                "status": self.status.value,
                "outcome": self.outcome.value if self.outcome else None,
                "matches": [m.as_dict() for m in self.matches], "created_at": self.created_at,
                "actor": self.actor}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Review:
    """A review (``id`` ``V-000001``) of a licence, report or counterparty: what opened it
    (``origin``) and why, its status and outcome, and ``data``: what opened it, as
    recorded (an impact's affected item, a report's id)."""

    id: str
    subject_kind: SubjectKind
    subject_id: str
    origin: ReviewOrigin
    reason: str
    status: ReviewStatus
    outcome: ReviewOutcome | None
    created_at: str
    closed_at: str | None
    actor: str
    data: JsonObject

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "subject_kind": self.subject_kind.value,
                "subject_id": self.subject_id, "origin": self.origin.value,
                "reason": self.reason, "status": self.status.value,
                "outcome": self.outcome.value if self.outcome else None,
                "created_at": self.created_at, "closed_at": self.closed_at,
                "actor": self.actor, "data": dict(self.data)}  # fmt: skip
