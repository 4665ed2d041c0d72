"""What every body shares: scalar types, the request base (:class:`Model`), the answer
base (:class:`Out`), pages and the error body."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StrictFloat,
    StrictInt,
    field_validator,
    model_serializer,
)

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


class Out(BaseModel):
    """An answer body: the fields the service gives, as it gives them.

    A field declared with a default is one the service leaves out when it has nothing to
    say (a list entry's optional fields, a reason's ``match``): it is written only when the
    service gave it, so the wire shows exactly the service's keys, in the order declared.
    Unknown keys are dropped, so a model names every field of its answer
    (tests/api/test_openapi_responses.py checks the documents; the API tests the bodies).
    """

    model_config = ConfigDict(populate_by_name=True)

    # No return annotation: pydantic takes a wrap serializer's schema from it, and the
    # documented schema must stay the model's own.
    @model_serializer(mode="wrap")
    def _given_only(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        out = handler(self)
        if not isinstance(out, dict):
            return out
        left_out = {key for name, f in type(self).model_fields.items()
                    if not f.is_required() and name not in self.model_fields_set
                    for key in (name, f.alias)}  # fmt: skip
        return {k: v for k, v in out.items() if k not in left_out}


class HealthOut(BaseModel):
    """Whether the service and its store answer (``/health``; 503 when ``unavailable``)."""

    status: Literal["ok", "unavailable"]


#: A number as the service gives it (an integer stays an integer: 1000, not 1000.0).
Num = int | float
#: A timestamp: ISO 8601, UTC (``2026-11-16T09:30:00+00:00``).
Timestamp = Annotated[str, Field(description="ISO 8601 timestamp, UTC")]

Item = TypeVar("Item")


class Page(Out, Generic[Item]):
    """One page of a collection: ``items`` from ``offset``, at most ``limit``, of
    ``total``."""

    items: list[Item]
    total: int
    limit: int
    offset: int


class Items(Out, Generic[Item]):
    """A whole collection (not paginated)."""

    items: list[Item]


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 405, 409, 413, 422, 428, 429)
}

#: :data:`ERRORS` for a route whose success answer is not JSON (an HTML document): the
#: errors stay JSON bodies (the route's own media type would be said otherwise).
JSON_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}
    for code in ERRORS
}
