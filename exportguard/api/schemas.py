"""Request and response bodies at the API edge (pydantic); core keeps its dataclasses."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.functional_validators import ModelWrapValidatorHandler
from pydantic_core import InitErrorDetails, PydanticCustomError

from exportguard.core.licensing import AmendmentRequest, Conditions
from exportguard.core.thresholds import DEFAULT_THRESHOLD

EntityTypeName = Literal["person", "organization", "vessel", "aircraft"]
# Strict scalars: JSON false is not 0, "5" is not 5, 0 is not 1970-01-01 (schemathesis
# checks that such values are refused).
Number = StrictFloat | StrictInt
#: Money and other amounts: finite (no 1e999, NaN), not negative, at most 10^15.
Amount = Annotated[Number, Field(ge=0, le=10**15)]
#: A count stored in a 32-bit integer column (PostgreSQL ``integer``).
Count = Annotated[StrictInt, Field(ge=0, le=2**31 - 1)]
#: One entry of a list of names, terms or identifiers.
Line = Annotated[str, Field(max_length=2000)]


def _iso_date_text(value: object) -> object:
    if not isinstance(value, str | datetime.date):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date_text)]


class Model(BaseModel):
    """A request body: unknown fields refused, numbers finite, text without NUL characters.

    One rule for every body, so both stores see only what they can keep (PostgreSQL refuses
    NUL in text; its ``integer`` columns stop at 2^31 - 1; SQLite's at 2^63 - 1).
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and "\x00" in t for t in texts):
            raise ValueError("text must not contain NUL characters")
        return value


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


class ProfileLinkOut(BaseModel):
    """Why two listings are one party: ``from`` and ``to`` entity ids, the ``evidence``
    (``register entry``, ``identifier``, ``name and date of birth``, ``name, date of birth
    and country``, ``name, country and kind``) and the ``reason`` in plain words."""

    from_: str = Field(alias="from")
    to: str
    evidence: str
    reason: str


class PossiblySameOut(BaseModel):
    """A member (``entity_id``) named like a listing (``other``) of another ``profile``
    with nothing else to tell: not joined."""

    entity_id: str
    other: str
    profile: int
    reason: str


class ProfileOut(BaseModel):
    """One listed party: its listings (``hits`` ranks, ``entity_ids``), the ``links`` that
    join them and what they say of the party together (``ScreeningResult._profiles``)."""

    id: int
    name: str
    type: str
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
    identifiers: list[dict[str, Any]]
    remarks: list[str]


class ScreenResponse(BaseModel):
    """A screening (``ScreeningResult.to_dict`` with each hit's review): the fields
    documented here and every other one of that form (``query``, ``as_of``, ``snapshots``,
    ``warnings``, ``cleared_hits`` ...). A hit carries ``list_published`` (its list's
    publication date), ``plain_explanation`` (sentences) beside ``explanation`` (the
    feature table), and ``entry`` (every field of the listing)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    hits: list[dict[str, Any]]
    profiles: list[ProfileOut] = Field(
        description="The hits shown grouped by listed party, best first."
    )


class BatchRequest(Model):
    csv: str = Field(
        min_length=1,
        max_length=10_000_000,
        description="CSV text with a header: id,name[,country,type].",
    )
    limit: StrictInt = Field(default=10, ge=1, le=100)
    threshold: Number = Field(default=DEFAULT_THRESHOLD, ge=0.0, le=1.0)


class PartyBody(Model):
    name: str = Field(min_length=1, max_length=500)
    country: str | None = Field(
        default=None,
        max_length=100,
        description="ISO code or name; end users and consignees default to the destination.",
    )


#: A party: its name, or {name, country}.
PartyField = Annotated[str, Field(min_length=1, max_length=500)] | PartyBody


class DecideRequest(Model):
    items: list[Line] = Field(min_length=1, max_length=20)
    to: str = Field(
        min_length=1,
        max_length=100,
        description="Destination (for a deemed export: the foreign person's country).",
    )
    date: IsoDate | None = None
    regimes: list[Line] = Field(default_factory=list, max_length=10)
    end_users: list[PartyField] = Field(default_factory=list, max_length=20)
    consignees: list[PartyField] = Field(default_factory=list, max_length=20)
    intermediaries: list[PartyField] = Field(default_factory=list, max_length=20)
    end_user_type: str | None = Field(default=None, max_length=50)
    end_use: str | None = Field(default=None, max_length=50)
    authority_informed: StrictBool = False
    exporter_country: str | None = Field(
        default=None, max_length=100, description="Where the export leaves from."
    )
    item_origin: str | None = Field(
        default=None, max_length=100, description="Where the item was made or developed."
    )
    us_content: Number | None = Field(
        default=None, ge=0, le=100, description="US-origin controlled content, % of value."
    )
    deemed_export: StrictBool = False
    region: str | None = Field(
        default=None, max_length=20, description="crimea, dnr, lnr or other (Ukraine)."
    )

    end_user: str | None = Field(
        default=None, max_length=500, json_schema_extra={"deprecated": True},
        description="Kept for clients of version 0.1: one more entry of end_users.",
    )  # fmt: skip
    parties: list[Line] = Field(
        default_factory=list, max_length=20, json_schema_extra={"deprecated": True},
        description="Kept for clients of version 0.1: more intermediaries.",
    )  # fmt: skip

    def party_inputs(self, field: str) -> list[str | tuple[str, str | None]]:
        """The parties of a role, the deprecated single fields folded in."""
        found: list[str | tuple[str, str | None]] = [
            p if isinstance(p, str) else (p.name, p.country) for p in getattr(self, field)
        ]
        if field == "end_users" and self.end_user:
            found.insert(0, self.end_user)
        if field == "intermediaries":
            found.extend(self.parties)
        return found


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


class ConditionsOut(BaseModel):
    valid_from: datetime.date | None
    valid_until: datetime.date | None
    max_value: float | None
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


class AmendmentRequestOut(BaseModel):
    """An exporter's request to amend an issued licence, and the officer's answer."""

    id: str
    licence: str
    exporter: str
    conditions: ConditionsOut
    reason: str
    requested_by: str
    requested_at: str
    based_on_version: int
    status: Literal["open", "approved", "refused"]
    decided_by: str | None
    decided_at: str | None
    decision_reason: str | None

    @classmethod
    def of(cls, request: AmendmentRequest) -> AmendmentRequestOut:
        return cls(
            id=request.id, licence=request.licence, exporter=request.exporter,
            conditions=ConditionsOut(**request.conditions.to_dict()), reason=request.reason,
            requested_by=request.requested_by, requested_at=request.requested_at,
            based_on_version=request.based_on_version, status=request.status.value,
            decided_by=request.decided_by, decided_at=request.decided_at,
            decision_reason=request.decision_reason,
        )  # fmt: skip


class AmendmentRequestPage(BaseModel):
    items: list[AmendmentRequestOut]
    total: int
    limit: int
    offset: int


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


class VerifyRequest(Model):
    head: dict[str, Any] | None = Field(
        default=None, description="A head kept from POST /audit/head (seq, hash, signature)."
    )
    public_key: str | None = Field(
        default=None, max_length=2000, description="The auditor's copy of the public key (PEM)."
    )


class AcknowledgeRequest(Model):
    reason: str = Field(default="", max_length=2000)


class ResolveRequest(Model):
    resolution: Literal["true_match", "false_positive"]
    reason: str = Field(min_length=1, max_length=2000)


class RetireRequest(Model):
    reason: str = Field(min_length=1, max_length=2000)


class CloseReview(Model):
    outcome: Literal[
        "no_action", "restrict", "suspend", "revoke", "shut_down", "approve", "refuse"
    ]
    reason: str = Field(min_length=1, max_length=2000)


class CounterpartyRequest(Model):
    exporter: str | None = Field(default=None, max_length=200)
    name: str = Field(min_length=1, max_length=500)
    role: str = Field(default="customer", max_length=32)
    country: str | None = Field(default=None, max_length=100)
    type: EntityTypeName | None = None


class ClearanceRequest(Model):
    entry_id: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=2000)
    expires_on: IsoDate | None = None


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


class RegimeImpactRequest(Model):
    regime: str = Field(max_length=64)
    since: IsoDate | None = Field(default=None, alias="from")
    until: IsoDate | None = Field(default=None, alias="to")
    from_revision: str | None = Field(default=None, max_length=64)
    to_revision: str | None = Field(default=None, max_length=64)
    dry_run: StrictBool = False
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ListImpactRequest(Model):
    since: StrictInt = Field(alias="from", ge=1, le=2**62)
    until: StrictInt = Field(alias="to", ge=1, le=2**62)
    dry_run: StrictBool = False
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class UserRequest(Model):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200, description="12 to 128 characters, "
                          "not easy to guess (checked; the answer says why not)")
    role: Literal["exporter", "officer", "auditor", "admin"]
    exporter: str | None = Field(default=None, max_length=200)


class RoleRequest(Model):
    role: Literal["exporter", "officer", "auditor", "admin"]
    exporter: str | None = Field(default=None, max_length=200)


class PasswordReset(Model):
    password: str = Field(min_length=1, max_length=200)


class PasswordChange(Model):
    current: str = Field(min_length=1, max_length=200)
    new: str = Field(min_length=1, max_length=200)


class TokenRequest(Model):
    name: str = Field(default="api", min_length=1, max_length=100)
    days: StrictInt = Field(default=90, ge=1, le=366, description="Days until it expires.")


class ErrorField(BaseModel):
    field: str
    message: str


class ErrorDetail(BaseModel):
    status: int
    code: str
    message: str
    fields: list[ErrorField]


class ErrorBody(BaseModel):
    error: ErrorDetail


class Page(BaseModel):
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 405, 409, 413, 422, 428, 429)
}
