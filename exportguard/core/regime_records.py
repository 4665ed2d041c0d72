"""Regimes as read and compared, in their JSON form (pure): what ``services.decisions``
gives for a regime as it stood on a date, its eligibility map and its changes between two
dates; the API's ``RegimeView``, ``EligibilityMapOut`` and ``RegimeDiffOut``
(``api.schemas.decisions``) describe them field for field, the CLI prints them.

Dates are ``YYYY-MM-DD`` strings; certainties ``P`` > ``S`` > ``D`` > ``U``; verdicts a
``Verdict``'s label (``no_licence_required`` ... ``not_eligible``).
"""

from __future__ import annotations

from typing import NotRequired, TypedDict


class CountrySetJson(TypedDict):
    """The version of a country set in force on a date: its members then, whether the
    list is ``complete`` (``count``: how many members the source says it has, if known)
    and the weakest certainty of the facts behind it."""

    version: str
    since: str
    until: str | None
    complete: bool
    count: int | None
    members: list[str]
    certainty: str


class RuleJson(TypedDict):
    """A rule in force, in words, with the facts it rests on."""

    id: str
    kind: str
    since: str | None
    until: str | None
    text: str
    facts: list[str]


class FactJson(TypedDict):
    """A fact a regime rests on: its words, source and certainty."""

    id: str
    text: str
    source: str
    certainty: str


class RegimeViewJson(TypedDict):
    """A regime as it stood ``as_of`` a date: its items (code -> words), each country
    set's version then (None: none in force), the rules in force and every fact."""

    id: str
    name: str
    revision: str
    digest: str
    as_of: str
    covers_from: str
    items: dict[str, str]
    country_sets: dict[str, CountrySetJson | None]
    rules: list[RuleJson]
    facts: list[FactJson]


class EligibilityMapJson(TypedDict):
    """Per country (ISO code), the regime's verdict label for ``item`` to an
    ``end_user_type`` on ``as_of``."""

    regime: str
    revision: str
    as_of: str
    item: str
    end_user_type: str
    countries: dict[str, str]


class CountrySetChangeJson(TypedDict):
    """A country set between two dates: its versions then, the members added, removed
    and kept; ``note`` when the earlier version is known only in part."""

    from_version: str | None
    to_version: str | None
    added: list[str]
    removed: list[str]
    kept: list[str]
    note: NotRequired[str]


class RuleChangesJson(TypedDict):
    """The ids of the rules that came into and went out of force."""

    added: list[str]
    removed: list[str]


#: What changed in a regime ``from`` one date ``to`` another: the country sets that
#: changed, and the rules.
RegimeDiffJson = TypedDict("RegimeDiffJson", {
    "regime": str, "revision": str, "from": str, "to": str,
    "country_sets": dict[str, CountrySetChangeJson], "rules": RuleChangesJson,
})  # fmt: skip
