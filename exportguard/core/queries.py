"""Screening queries: a name and its qualifiers checked (every bad field at once:
:func:`build_query`) and analysed into a :class:`~exportguard.core.matching.Query`
(:func:`make_query`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from exportguard.core import countries
from exportguard.core.entities import EntityType
from exportguard.core.identifiers import normalise_identifier
from exportguard.core.index_keys import is_organisation
from exportguard.core.matching import Query
from exportguard.core.names import analyse
from exportguard.core.thresholds import DEFAULT_THRESHOLD
from exportguard.errors import FieldError, InvalidInput


def make_query(
    name: str,
    *,
    country: str | None = None,
    type: EntityType | None = None,
    birth_date: str | None = None,
    identifiers: Sequence[str] = (),
) -> Query:
    """A :class:`Query` with its name analysed and identifiers normalised."""
    org = is_organisation(type) if type is not None else None
    return Query(
        name,
        analyse(name, organisation=org),
        country,
        type,
        birth_date,
        tuple(normalise_identifier(i) for i in identifiers),
    )


#: The longest name screened, in characters (the API's limit too): the longest listed
#: name of every list is 381 ("Ministry of Defence of the Russian Federation, including
#: ..."), and a longer text is a paste of something else.
MAX_NAME_LENGTH = 500


def build_query(
    name: str,
    *,
    country: str | None = None,
    type: EntityType | str | None = None,
    birth_date: str | None = None,
    identifiers: Sequence[str] = (),
    threshold: float = DEFAULT_THRESHOLD,
    limit: int | None = 10,
) -> Query:
    """Validate screening input and build the :class:`Query` (all bad fields at once)."""
    errors: list[FieldError] = []
    ids = [i for i in identifiers if normalise_identifier(i)]
    if len(ids) != len(list(identifiers)):
        errors.append(FieldError("identifiers", "an identifier has no letters or digits"))
    if (not name or not name.strip()) and not ids:
        errors.append(FieldError("name", "must not be empty (unless identifiers are given)"))
    elif name and len(name) > MAX_NAME_LENGTH:
        errors.append(FieldError("name", (
            f"{len(name):,} characters: a name is at most {MAX_NAME_LENGTH} (the longest "
            "listed name is 381)")))  # fmt: skip
    code = None
    if country:
        code = countries.to_code(country)
        if code is None:
            errors.append(FieldError("country", f"unknown country {country!r}"))
    entity_type: EntityType | None = None
    if type is not None and type != "":
        try:
            entity_type = EntityType(type)
        except ValueError:
            errors.append(FieldError("type", "must be person, organization, vessel, aircraft"))
    if birth_date and not _partial_date(birth_date):
        errors.append(FieldError("birth_date", "must be a date: YYYY, YYYY-MM or YYYY-MM-DD"))
    if not 0.0 <= threshold <= 1.0:
        errors.append(FieldError("threshold", "must be between 0 and 1"))
    if limit is not None and limit < 1:
        errors.append(FieldError("limit", "must be at least 1"))
    if errors:
        raise InvalidInput(errors)
    query = make_query(
        (name or "").strip(),
        country=code,
        type=entity_type,
        birth_date=birth_date or None,
        identifiers=identifiers,
    )
    if not query.form.tokens and not query.form.legal_forms and not query.identifiers:
        raise InvalidInput("has no letters or digits to match on", field="name")
    return query


def _partial_date(text: str) -> bool:
    padded = {4: text + "-01-01", 7: text + "-01", 10: text}.get(len(text))
    if padded is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", padded):
        return False
    try:
        date.fromisoformat(padded)
    except ValueError:
        return False
    return True
