"""Licences, applications, shipments, amendment requests, misuse reports and reviews."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from pydantic import Field, StrictInt

from exportguard.api.schemas.common import (
    Amount,
    Count,
    IsoDate,
    Line,
    Model,
    Num,
    Out,
    Page,
    Timestamp,
)
from exportguard.core.licence_records import LicenceViewJson
from exportguard.core.licensing import (
    AmendmentRequest,
    Conditions,
    Event,
    Licence,
    RequestStatus,
    State,
)
from exportguard.core.review_records import MisuseReport, Review


class ConditionsBody(Model):
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None
    max_value: Amount | None = None
    max_quantity: Count | None = None
    end_users: list[Line] = Field(default_factory=list, max_length=50)
    end_uses: list[Line] = Field(default_factory=list, max_length=50)
    terms: list[Line] = Field(default_factory=list, max_length=50)
    reporting: list[Line] = Field(default_factory=list, max_length=50)

    def to_core(self) -> Conditions:
        return Conditions(
            valid_from=self.valid_from, valid_until=self.valid_until,
            max_value=self.max_value, max_quantity=self.max_quantity,
            end_users=tuple(self.end_users), end_uses=tuple(self.end_uses),
            terms=tuple(self.terms), reporting=tuple(self.reporting),
        )  # fmt: skip


class ConditionsOut(Out):
    """A licence's conditions: validity, value (currency units) and quantity caps, the
    end users and end uses it covers, terms and reporting duties."""

    valid_from: datetime.date | None
    valid_until: datetime.date | None
    max_value: Num | None
    max_quantity: int | None
    end_users: list[str]
    end_uses: list[str]
    terms: list[str]
    reporting: list[str]


class AmendmentRequestBody(Model):
    conditions: ConditionsBody = Field(description="The conditions to change (given fields "
                                       "replace the licence's; terms and duties are added).")
    reason: str = Field(min_length=1, max_length=2000)


class AmendmentDecisionBody(Model):
    outcome: Literal["approve", "refuse"]
    reason: str = Field(min_length=1, max_length=2000)


class AmendmentRequestOut(Out):
    """An exporter's request to amend an issued licence, and the officer's answer."""

    id: str
    licence: str
    exporter: str
    conditions: ConditionsOut
    reason: str
    requested_by: str
    requested_at: str
    based_on_version: int
    status: RequestStatus
    decided_by: str | None
    decided_at: str | None
    decision_reason: str | None

    @classmethod
    def of(cls, request: AmendmentRequest) -> AmendmentRequestOut:
        return cls(
            id=request.id, licence=request.licence, exporter=request.exporter,
            conditions=ConditionsOut.model_validate(request.conditions.to_dict()),
            reason=request.reason,
            requested_by=request.requested_by, requested_at=request.requested_at,
            based_on_version=request.based_on_version, status=request.status,
            decided_by=request.decided_by, decided_at=request.decided_at,
            decision_reason=request.decision_reason,
        )  # fmt: skip


AmendmentRequestPage = Page[AmendmentRequestOut]


class ApplicationRequest(Model):
    exporter: str | None = Field(
        default=None, max_length=200, description="Set by the server for exporter users."
    )
    kind: Literal["marketing", "export", "dual-use"] = "export"
    regime: str = Field(max_length=64)
    items: list[Line] = Field(min_length=1, max_length=20)
    destination: str = Field(min_length=1, max_length=100)
    end_user: str = Field(min_length=1, max_length=500)
    end_user_type: str | None = Field(default=None, max_length=50)
    end_use: str | None = Field(default=None, max_length=50)
    parties: list[Line] = Field(default_factory=list, max_length=20)
    value: Amount | None = None
    quantity: Count | None = None
    parent: str | None = Field(default=None, max_length=32)


class EventRequest(Model):
    event: str = Field(max_length=32)
    reason: str = Field(min_length=1, max_length=2000)
    date: IsoDate | None = None
    conditions: ConditionsBody | None = None
    version: StrictInt | None = Field(
        default=None,
        ge=0,
        le=2**31 - 1,
        description="Fail with 409 unless the licence is at this version (or send If-Match).",
    )


class ShipmentRequest(Model):
    shipped_on: IsoDate
    value: Amount | None = None
    quantity: Count | None = None
    end_user: str | None = Field(default=None, max_length=500)
    end_use: str | None = Field(default=None, max_length=50)


class ReportRequest(Model):
    source: str = Field(min_length=1, max_length=500)
    reported_on: IsoDate
    country: str = Field(min_length=1, max_length=100)
    suspected_operator: str = Field(min_length=1, max_length=500)
    product: str = Field(min_length=1, max_length=500)
    evidence: str = Field(min_length=1, max_length=2000)
    confidence: Literal["low", "medium", "high"] = "medium"



class CloseReview(Model):
    outcome: Literal[
        "no_action", "restrict", "suspend", "revoke", "shut_down", "approve", "refuse"
    ]
    reason: str = Field(min_length=1, max_length=2000)





LicenceKind = Literal["marketing", "export", "dual-use"]


class LicenceRow(Out):
    """A licence or application in a listing."""

    id: str
    exporter: str
    kind: LicenceKind
    regime: str
    state: State
    items: list[str]
    destination: str
    end_user: str
    version: int


def licence_row(licence: Licence) -> LicenceRow:
    """The wire form of a listed licence (``GET /licences``, ``licence list --json``)."""
    given = {name: getattr(licence, name) for name in LicenceRow.model_fields}
    return LicenceRow.model_validate(given | {"items": list(licence.items)})


class StateOn(Out):
    date: datetime.date
    state: State


class LicenceEventOut(Out):
    """One event of a licence's history: from and to which state, effective ``on``;
    ``data`` is what the event carries (its kind's own: a decision's verdict, the
    conditions set, the impact that suspended it ...), kept as recorded."""

    seq: int
    event: Event
    from_: State = Field(alias="from")
    to: State
    at: Timestamp
    on: datetime.date
    actor: str
    reason: str
    decision_id: str | None
    data: dict[str, Any]


class ShipmentOut(Out):
    shipped_on: datetime.date
    value: Num | None
    quantity: int | None
    end_user: str | None
    end_use: str | None


class BalanceOut(Out):
    """What remains of the value and quantity caps (None: no cap)."""

    value_used: Num
    value_left: Num | None
    quantity_used: int
    quantity_left: int | None


class LicenceOut(Out):
    """A licence with its state today (``state_on``: as of a date), conditions, events,
    shipments and balance; ``version`` is its ETag."""

    id: str
    exporter: str
    kind: LicenceKind
    regime: str
    items: list[str]
    destination: str
    end_user: str
    end_user_type: str | None
    end_use: str | None
    parties: list[str]
    value: Num | None
    quantity: int | None
    parent: str | None
    state: State
    version: int
    state_on: StateOn
    conditions: ConditionsOut
    decision_id: str | None
    events: list[LicenceEventOut]
    shipments: list[ShipmentOut]
    balance: BalanceOut


class ShipOut(Out):
    licence: str
    balance: BalanceOut


class ReportMatch(Out):
    """A licence a misuse report may concern, and why."""

    licence: str
    why: list[str]
    end_user_similarity: float


class ReportOut(Out):
    id: str
    source: str
    reported_on: datetime.date
    country: str
    suspected_operator: str
    product: str
    evidence: str
    confidence: Literal["low", "medium", "high"]
    status: Literal["open", "closed"]
    outcome: str | None
    matches: list[ReportMatch]
    created_at: Timestamp
    actor: str


class ReviewOut(Out):
    """A review of a licence, report or counterparty; ``data`` is what opened it (an
    impact's affected item, a report's id), kept as recorded."""

    id: str
    subject_kind: Literal["licence", "report", "counterparty"]
    subject_id: str
    origin: Literal["impact", "misuse-report", "monitoring"]
    reason: str
    status: Literal["open", "closed"]
    outcome: str | None
    created_at: Timestamp
    closed_at: Timestamp | None
    actor: str
    data: dict[str, Any]


def licence_out(view: LicenceViewJson) -> LicenceOut:
    """The wire form of a licence with its history (``Licensing.view``)."""
    return LicenceOut.model_validate(view)


def report_out(report: MisuseReport) -> ReportOut:
    """The wire form of a misuse report (``GET``/``POST /reports``, ``report list --json``)."""
    return ReportOut.model_validate(report.as_dict())


def review_out(review: Review) -> ReviewOut:
    """The wire form of a review (``GET /reviews``, ``report reviews --json``)."""
    return ReviewOut.model_validate(review.as_dict())
