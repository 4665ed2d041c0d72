"""Screening: one party, batch jobs (requests and answers)."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from pydantic import Field, StrictInt, ValidationError, model_validator
from pydantic.functional_validators import ModelWrapValidatorHandler
from pydantic_core import InitErrorDetails, PydanticCustomError

from exportguard.api.schemas.common import (
    EntityTypeName,
    IsoDate,
    Line,
    Model,
    Num,
    Number,
    Out,
    Timestamp,
)
from exportguard.api.schemas.lists import DocumentOut, ListEntryOut, SnapshotRef
from exportguard.api.schemas.monitoring import ClearanceOut
from exportguard.core.entities import EntityType
from exportguard.core.thresholds import DEFAULT_THRESHOLD


class ScreenRequest(Model):
    name: str = Field(
        default="",
        max_length=500,
        description="The party's name, any script; may be empty when identifiers are given "
        "(422 when both are empty).",
    )
    country: str | None = Field(default=None, max_length=100)
    type: EntityTypeName | None = None
    birth_date: str | None = Field(default=None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    identifiers: list[Line] = Field(
        default_factory=list,
        max_length=20,
        description="Passport, registration, tax, IMO, MMSI or SWIFT/BIC numbers, with or "
        "without their kind ('IMO 8661850').",
    )
    as_of: IsoDate | None = None
    limit: StrictInt = Field(default=10, ge=1, le=100)
    threshold: Number = Field(default=DEFAULT_THRESHOLD, ge=0.0, le=1.0)
    sources: list[Line] | None = Field(
        default=None, max_length=20, description="Only these list sources (us_ofac_sdn ...)."
    )
    lists: list[Line] | None = Field(
        default=None,
        max_length=20,
        description="Only lists whose name contains one of these texts ('Entity List').",
    )

    @model_validator(mode="wrap")
    @classmethod
    def _name_or_identifiers(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        """A name or an identifier must be given; said beside every other field error."""
        missing = (
            isinstance(data, dict)
            and not str(data.get("name") or "").strip()
            and not data.get("identifiers")
        )
        problem = InitErrorDetails(
            type=PydanticCustomError(
                "name_or_identifiers", "must not be empty (unless identifiers are given)"
            ),
            loc=("name",),
            input=data.get("name", "") if isinstance(data, dict) else data,
        )
        try:
            model = handler(data)
        except ValidationError as exc:
            if not missing:
                raise
            details: list[InitErrorDetails] = [
                InitErrorDetails(type=e["type"], loc=e["loc"], input=e["input"], ctx=e["ctx"])
                if "ctx" in e
                else InitErrorDetails(type=e["type"], loc=e["loc"], input=e["input"])
                for e in exc.errors()
            ]
            raise ValidationError.from_exception_data(cls.__name__, [*details, problem]) from None
        if missing:
            raise ValidationError.from_exception_data(cls.__name__, [problem])
        return model



class ProfileLinkOut(Out):
    """Why two listings are one party: ``from`` and ``to`` entity ids, the ``evidence``
    (``register entry``, ``identifier``, ``name and date of birth``, ``name, date of birth
    and country``, ``name and order``, ``name, country and kind``) and the ``reason`` in
    plain words."""

    from_: str = Field(alias="from")
    to: str
    evidence: str
    reason: str


class PossiblySameOut(Out):
    """A member (``entity_id``) named like a listing (``other``) of another ``profile``
    with nothing else to tell: not joined."""

    entity_id: str
    other: str
    profile: int
    reason: str


class ProfileOut(Out):
    """One listed party: its listings (``hits`` ranks, ``entity_ids``), the ``links`` that
    join them and what they say of the party together (``ScreeningResult._profiles``)."""

    id: int
    name: str
    type: EntityType
    score: float
    hits: list[int]
    entity_ids: list[str]
    sources: list[str]
    links: list[ProfileLinkOut]
    possibly_same: list[PossiblySameOut]
    names: list[str]
    birth_dates: list[str]
    birth_places: list[str]
    nationalities: list[str]
    countries: list[str]
    addresses: list[str]
    identifiers: list[DocumentOut]
    remarks: list[str]


class BatchRequest(Model):
    csv: str = Field(
        min_length=1,
        max_length=10_000_000,
        description="CSV text with a header: id,name[,country,type,birth_date,identifiers].",
    )
    limit: StrictInt = Field(default=10, ge=1, le=100)
    threshold: Number = Field(default=DEFAULT_THRESHOLD, ge=0.0, le=1.0)



class QueryOut(Out):
    """The party as screened: as given, and its ``normalised`` name."""

    name: str
    country: str | None
    type: EntityType | None
    birth_date: str | None
    identifiers: list[str]
    normalised: str


class FeatureOut(Out):
    """One row of a score's feature table."""

    feature: str
    value: float
    weight: Num
    contribution: float
    detail: str


class DetailOut(Out):
    """A fact of the entry in words, as pages show it."""

    label: str
    value: str


class HitReviewOut(Out):
    """Whether a reviewed false positive of this party and this version of the entry
    clears the hit (``clearance``: by whom, which case), and whether four-eyes applies."""

    cleared: bool
    clearance: ClearanceOut | None
    sanctioned: bool


class HitOut(Out):
    """One hit: the entry's main fields, the score and why (``explanation``: the feature
    table; ``plain_explanation``: sentences), ``documents`` (its identifiers), ``details``
    and ``entry`` (every field; None when not loaded). ``review`` in API answers."""

    rank: int
    score: float
    entity_id: str
    snapshot_id: int
    source: str
    list_name: str
    type: EntityType
    name: str
    matched_name: str
    programs: list[str]
    countries: list[str]
    listed_from: datetime.date | None
    listed_until: datetime.date | None
    rows: list[str] = Field(description="The entry id and the list rows merged into it.")
    citation: str | None
    licence_requirement: str | None
    licence_policy: str | None
    list_published: datetime.date | None
    plain_explanation: list[str]
    explanation: list[FeatureOut]
    documents: list[DocumentOut]
    details: list[DetailOut]
    entry: ListEntryOut | None
    review: HitReviewOut | None = None


class ScreenResponse(Out):
    """A screening (``ScreeningResult.to_dict``) with each hit's review: ``total_hits``
    found, ``shown`` (at most ``limit``), ``audit_seq`` (its audit record), the
    ``snapshots`` screened, ``warnings`` on their dates; ``cleared_hits`` and
    ``open_hits`` count the hits shown a clearance does and does not clear."""

    query: QueryOut
    as_of: datetime.date
    threshold: Num
    sources: list[str] | None
    lists: list[str] | None
    total_hits: int
    shown: int
    screened_at: Timestamp
    audit_seq: int | None
    snapshots: list[SnapshotRef]
    warnings: list[str]
    hits: list[HitOut]
    profiles: list[ProfileOut] = Field(
        description="The hits shown grouped by listed party, best first."
    )
    cleared_hits: int = 0
    open_hits: int = 0


class JobOut(Out):
    """A batch job; ``result_url`` once done."""

    id: str
    kind: Literal["screen-batch", "counterparty-import"]
    status: Literal["queued", "running", "done", "failed"]
    owner: str
    rows: int | None
    created_at: Timestamp
    started_at: Timestamp | None
    finished_at: Timestamp | None
    error: str | None
    progress: int | None = Field(description="Rows done so far, while running.")
    result_url: str | None
