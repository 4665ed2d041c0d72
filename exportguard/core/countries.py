"""Country names and codes: everything is ISO 3166-1 alpha-2 inside ExportGuard.

Lists spell countries many ways ("Korea, North", "Iran (Islamic Republic of)", "RUSSIA");
:func:`to_code` maps any of them to a code. pycountry supplies the ISO tables (official,
common and alpha-3 names); ``vocab/countries.yaml`` adds the spellings lists use that
ISO does not.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

from exportguard.core import vocab


def _iso() -> Any:
    """pycountry's ISO 3166-1 table, imported on first use (a one-off ``screen`` without
    a country never needs it)."""
    import pycountry

    return pycountry.countries


#: Codes lists use that are not (or no longer) in ISO 3166-1 but that we keep.
_EXTRA_CODES = {"XK": "Kosovo", "AN": "Netherlands Antilles"}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).replace("\u2019", "'").replace("`", "'")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"\s+", " ", text).strip(" .")


@cache
def _table() -> dict[str, str]:
    table: dict[str, str] = {}
    for country in _iso():
        code = country.alpha_2
        for attr in ("name", "official_name", "common_name", "alpha_3"):
            value = getattr(country, attr, None)
            if value:
                table[_fold(value)] = code
    aliases = vocab.mapping(vocab.load("countries")["aliases"], "countries.yaml: aliases")
    for name, code in aliases.items():
        if code is not None:
            table[_fold(str(name))] = str(code)
    return table


@cache
def _not_countries() -> frozenset[str]:
    given = vocab.load("countries").get("not_countries", ())
    return frozenset(_fold(str(v)) for v in vocab.sequence(given, "countries.yaml: not_countries"))


@cache
def _demonyms() -> dict[str, str]:
    given = vocab.mapping(vocab.load("countries").get("demonyms", {}), "countries.yaml: demonyms")
    return {_fold(str(k)): str(v) for k, v in given.items()}


def from_demonym(value: str | None) -> str | None:
    """The alpha-2 code of a nationality adjective ("Iranian" -> ``IR``, "Congolese" ->
    ``CD``), from ``vocab/countries.yaml`` ``demonyms``; ``None`` if unknown."""
    return _demonyms().get(_fold(value)) if value else None


def not_a_country(value: str | None) -> bool:
    """Whether ``value`` is a name lists write in a country field that is known to be no
    single present-day country ("undetermined", "USSR", "Kafia Kingi"; ``vocab/
    countries.yaml`` ``not_countries``), so mapping it to nothing is deliberate."""
    return bool(value) and _fold(str(value)) in _not_countries()


@cache
def _us_states() -> frozenset[str]:
    given = vocab.load("countries").get("us_states", ())
    return frozenset(str(v) for v in vocab.sequence(given, "countries.yaml: us_states"))


def us_state(value: str | None) -> bool:
    """Whether ``value`` is a US state or territory postal code ("NM", "DC", "PR"), which
    some US lists write where a country belongs."""
    return bool(value) and str(value).strip().upper() in _us_states()


def known(value: str | None) -> bool:
    """Whether a country string is accounted for: it maps to a code (:func:`to_code` or
    :func:`from_demonym`), is a known non-country (:func:`not_a_country`) or a US state
    code a list wrote in a country column (:func:`us_state`; the parser reads it so)."""
    return bool(to_code(value) or from_demonym(value) or not_a_country(value) or us_state(value))


@cache
def _codes() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in _iso()) | frozenset(_EXTRA_CODES)


def is_code(value: str) -> bool:
    """Whether ``value`` is an ISO alpha-2 code we know (case-sensitive, upper)."""
    return value in _codes()


def to_code(value: str | None) -> str | None:
    """The alpha-2 code for a country name or code, or ``None`` if it is not a country."""
    if not value:
        return None
    text = value.strip()
    if len(text) == 2 and text.upper() in _codes():
        return text.upper()
    return _table().get(_fold(text))


def name(code: str) -> str:
    """The short English name of an alpha-2 code (the code itself if unknown)."""
    country = _iso().get(alpha_2=code)
    if country is None:
        return _EXTRA_CODES.get(code, code)
    return str(getattr(country, "common_name", None) or country.name)


def all_codes() -> list[str]:
    """Every ISO 3166-1 alpha-2 code, sorted."""
    return sorted(c.alpha_2 for c in _iso())


def numeric_to_code() -> dict[str, str]:
    """ISO numeric code without leading zeros ("76" for 076) -> alpha-2 ("BR"), for map
    geometry keyed by numeric ids."""
    return {str(int(c.numeric)): c.alpha_2 for c in _iso()}
