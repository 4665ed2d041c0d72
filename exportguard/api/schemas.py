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
)

from exportguard.core.thresholds import DEFAULT_THRESHOLD

EntityTypeName = Literal["person", "organization", "vessel", "aircraft"]
# Strict scalars: JSON false is not 0, "5" is not 5, 0 is not 1970-01-01 (schemathesis
# checks that such values are refused).
Number = StrictFloat | StrictInt


def _iso_date_text(value: object) -> object:
    if not isinstance(value, str | datetime.date):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date_text)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScreenRequest(Model):
    name: str = Field(min_length=1, max_length=500, description="The party's name, any script.")
    country: str | None = Field(default=None, max_length=100)
    type: EntityTypeName | None = None
    birth_date: str | None = Field(default=None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    identifiers: list[str] = Field(default_factory=list, max_length=20)
    as_of: IsoDate | None = None
    limit: StrictInt = Field(default=10, ge=1, le=100)
    threshold: Number = Field(default=DEFAULT_THRESHOLD, ge=0.0, le=1.0)
    sources: list[str] | None = Field(
        default=None, max_length=20, description="Only these list sources (us_ofac_sdn ...)."
    )
    lists: list[str] | None = Field(
        default=None,
        max_length=20,
        description="Only lists whose name contains one of these texts ('Entity List').",
    )


class BatchRequest(Model):
    csv: str = Field(
        min_length=1,
        max_length=10_000_000,
        description="CSV text with a header: id,name[,country,type].",
    )
    limit: StrictInt = Field(default=10, ge=1, le=100)
    threshold: Number = Field(default=DEFAULT_THRESHOLD, ge=0.0, le=1.0)


class DecideRequest(Model):
    items: list[str] = Field(min_length=1, max_length=20)
    to: str = Field(min_length=1, max_length=100)
    date: IsoDate | None = None
    regimes: list[str] = Field(default_factory=list, max_length=10)
    end_user: str | None = Field(default=None, max_length=500)
    end_user_type: str | None = Field(default=None, max_length=50)
    end_use: str | None = Field(default=None, max_length=50)
    parties: list[str] = Field(default_factory=list, max_length=20)
    authority_informed: StrictBool = False


class ConditionsBody(Model):
    valid_from: IsoDate | None = None
    valid_until: IsoDate | None = None
    max_value: Number | None = Field(default=None, ge=0)
    max_quantity: StrictInt | None = Field(default=None, ge=0)
    end_users: list[str] = Field(default_factory=list, max_length=50)
    end_uses: list[str] = Field(default_factory=list, max_length=50)
    terms: list[str] = Field(default_factory=list, max_length=50)
    reporting: list[str] = Field(default_factory=list, max_length=50)


class ApplicationRequest(Model):
    exporter: str | None = Field(
        default=None, max_length=200, description="Set by the server for exporter users."
    )
    kind: Literal["marketing", "export", "dual-use"] = "export"
    regime: str = Field(max_length=64)
    items: list[str] = Field(min_length=1, max_length=20)
    destination: str = Field(min_length=1, max_length=100)
    end_user: str = Field(min_length=1, max_length=500)
    end_user_type: str | None = Field(default=None, max_length=50)
    end_use: str | None = Field(default=None, max_length=50)
    parties: list[str] = Field(default_factory=list, max_length=20)
    value: Number | None = Field(default=None, ge=0)
    quantity: StrictInt | None = Field(default=None, ge=0)
    parent: str | None = Field(default=None, max_length=32)


class EventRequest(Model):
    event: str = Field(max_length=32)
    reason: str = Field(min_length=1, max_length=2000)
    date: IsoDate | None = None
    conditions: ConditionsBody | None = None
    version: StrictInt | None = Field(
        default=None,
        ge=0,
        le=2**62,
        description="Fail with 409 unless the licence is at this version (or send If-Match).",
    )


class ShipmentRequest(Model):
    shipped_on: IsoDate
    value: Number | None = Field(default=None, ge=0)
    quantity: StrictInt | None = Field(default=None, ge=0)
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
    outcome: Literal["no_action", "restrict", "suspend", "revoke", "shut_down"]
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
    password: str = Field(min_length=8, max_length=200)
    role: Literal["exporter", "officer", "auditor", "admin"]
    exporter: str | None = Field(default=None, max_length=200)


class TokenRequest(Model):
    name: str = Field(default="api", min_length=1, max_length=100)


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
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 405, 409, 422, 429)
}
