"""Hit review cases (requests and answers).

The answers are the wire form of ``core.case_records``: :func:`case_out` and
:func:`case_detail_out` make one from its record (the record's ``as_dict``), for the API's
routes and the CLI's ``--json`` alike (tests/api/test_json_agreement.py checks they agree).
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from pydantic import Field, StrictInt

from exportguard.api.schemas.common import IsoDate, Model, Num, Out, Page, Timestamp
from exportguard.api.schemas.lists import ListEntryOut
from exportguard.api.schemas.monitoring import ClearanceOut
from exportguard.api.schemas.screening import DetailOut
from exportguard.core.case_records import CaseDetail, HitCase
from exportguard.core.entities import EntityType
from exportguard.core.hit_cases import CaseState, Disposition, Origin, ReasonCode

#: A hit case's version, sent back with a change (409 if it changed meanwhile).
CaseVersion = Annotated[StrictInt | None, Field(ge=1, le=2**31 - 1)]


class CaseOpenRequest(Model):
    """Which hit to open a case on: its origin and the entry hit."""

    origin: Literal["screening", "batch", "decision", "monitoring"]
    ref: str = Field(
        min_length=1, max_length=200,
        description="screening: the screening's audit record number (audit_seq); batch: the "
        "job id; decision: the decision id; monitoring: the counterparty id.",
    )  # fmt: skip
    entry_id: str = Field(min_length=1, max_length=200, description="The list entry hit.")
    row: str | None = Field(default=None, max_length=200, description="batch: the row id.")
    party: str | None = Field(
        default=None, max_length=500,
        description="decision: the party's name, when the entry matched more than one.",
    )  # fmt: skip
    alert_id: StrictInt | None = Field(
        default=None, ge=1, le=2**62, description="monitoring: the alert being reviewed."
    )


class CaseDecisionRequest(Model):
    disposition: Literal["true_match", "false_positive", "escalate"]
    reason_code: str = Field(
        max_length=32, description="One of GET /api/v1/cases/reasons fitting the disposition."
    )
    note: str = Field(min_length=1, max_length=4000, description="What was checked and found.")
    expires_on: IsoDate | None = Field(
        default=None, description="A false positive's clearance ends then (after today)."
    )
    assignee: str | None = Field(default=None, max_length=200)
    version: CaseVersion = None


class CaseConfirmRequest(Model):
    note: str = Field(default="", max_length=4000)
    version: CaseVersion = None


class CaseSendBackRequest(Model):
    note: str = Field(min_length=1, max_length=4000, description="Why it is not confirmed.")
    version: CaseVersion = None


class CaseAssignRequest(Model):
    assignee: str | None = Field(max_length=200, description="A user name; null: nobody.")
    note: str = Field(default="", max_length=4000)
    version: CaseVersion = None


class CaseQuery(Out):
    """The party as screened, as its origin gave it: a screening gives the date of birth
    and identifiers, a batch row its ``row`` id, a decision the party's ``role``."""

    birth_date: str | None = None
    country: str | None
    identifiers: list[str] = Field(default_factory=list)
    name: str
    type: EntityType | None = None
    row: str | None = Field(default=None, description="batch: the row id.")
    role: str | None = Field(
        default=None, description="decision: the party's role (end user, consignee ...)."
    )


class CaseFeature(Out):
    """A row of the hit's explanation: in full from a screening, feature and contribution
    from a decision, the detail alone from a monitoring alert."""

    contribution: float | None = None
    detail: str
    feature: str | None = None
    value: float | None = None
    weight: Num | None = None


class CaseHit(Out):
    """The hit as the screening showed it: the matched name, the feature table, and (for
    cases from screenings recorded since plain words were kept) the explanation in plain
    words."""

    explanation: list[CaseFeature]
    matched_name: str | None
    plain_explanation: list[str] = Field(default_factory=list)


class CaseOut(Out):
    """A hit review case: where the hit came from (``origin``, ``origin_ref``), the party
    and the entry hit (the version reviewed: ``entry_digest``), its state and decision;
    ``reason`` is the reason code's label, ``needs_confirmation`` whether the decision
    waits for a second officer; ``version`` for changes (409 if it moved)."""

    id: str
    exporter: str | None
    origin: Origin
    origin_ref: str
    alert_id: int | None
    party_name: str
    query: CaseQuery
    snapshot_id: int
    source: str
    entry_id: str
    entry_digest: str
    list_name: str
    listed_name: str
    score: float
    sanctioned: bool
    hit: CaseHit
    state: CaseState
    disposition: Disposition | None
    reason_code: str | None
    note: str | None
    expires_on: datetime.date | None
    assignee: str | None
    decided_by: str | None
    decided_at: Timestamp | None
    confirmed_by: str | None
    confirmed_at: Timestamp | None
    clearance_id: int | None
    created_by: str
    created_at: Timestamp
    updated_at: Timestamp
    version: int
    reason: str | None
    state_words: str
    needs_confirmation: bool


class CaseEventOut(Out):
    id: int
    case_id: str
    at: Timestamp
    actor: str
    action: Literal["open", "decide", "confirm", "send_back", "assign"]
    state: CaseState
    disposition: Disposition | None
    reason_code: str | None
    note: str | None
    assignee: str | None


class CaseDetailOut(CaseOut):
    """A case with its history, the list entry as reviewed and its clearance."""

    events: list[CaseEventOut]
    entry: ListEntryOut | None
    details: list[DetailOut]
    clearance: ClearanceOut | None


class CasePage(Page[CaseOut]):
    counts: dict[CaseState, int] = Field(description="Cases per state.")


class ReasonCodeOut(Out):
    code: str
    label: str
    dispositions: list[Disposition]


def case_out(case: HitCase) -> CaseOut:
    """The wire form of a case (as listed, as opened)."""
    return CaseOut.model_validate(HitCase.as_dict(case))


def case_detail_out(case: CaseDetail) -> CaseDetailOut:
    """The wire form of a case in full: its history, the entry, the details, the clearance."""
    return CaseDetailOut.model_validate(case.as_dict())


def reason_code_out(reason: ReasonCode) -> ReasonCodeOut:
    """The wire form of a reason code."""
    return ReasonCodeOut.model_validate(reason.to_dict())
