"""What the three OFAC formats share: list ids, names, OFAC's date conventions.

The legacy CSV (:mod:`~exportguard.sources.ofac_csv`), the classic ``sdnList`` XML
(:mod:`~exportguard.sources.ofac_xml`) and the Sanctions List Service "Enhanced XML"
(:mod:`~exportguard.sources.ofac_enhanced`) publish the same records: the CSV ``ent_num``,
the XML ``uid`` and the enhanced ``entity/@id`` are one number, so every format builds
``ListEntry.id`` as ``"<source>:<that number>"`` and an entry keeps its id whichever form
it was imported from. This module and its two siblings hold the conventions all three
follow so they map a record the same way:

- person names in natural order (given names, then the surname OFAC writes first);
- OFAC date-of-birth strings ("10 Dec 1948", "Sep 1938", "circa 1951", "1951 to 1953")
  turned into ISO partial dates, a range into every year it covers;
- which OFAC labels name an identifier (passport, registration, SWIFT/BIC, IMO, ...) and
  which are informational ("Website", "Secondary sanctions risk:", ...), and how an
  identifier's text reads: :mod:`~exportguard.sources._ofac_ids`;
- the free-text remarks of the CSV, split into facts:
  :mod:`~exportguard.sources._ofac_remarks`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from exportguard.core import countries
from exportguard.core.entities import Address, Alias, AliasQuality, EntityType, Identifier

SDN_SOURCE = "us_ofac_sdn"
CONS_SOURCE = "us_ofac_cons"
SDN_LIST_NAME = "OFAC Specially Designated Nationals and Blocked Persons List (SDN)"
CONS_LIST_NAME = "OFAC Consolidated Sanctions List (Non-SDN)"
LIST_NAMES = {SDN_SOURCE: SDN_LIST_NAME, CONS_SOURCE: CONS_LIST_NAME}

#: OFAC's public record page; the id is the ent_num / uid / entity id of every format.
DETAILS_URL = "https://sanctionssearch.ofac.treas.gov/Details.aspx?id={}"

#: OFAC's entity type words (CSV ``sdn_type``, XML ``sdnType``, enhanced ``entityType``).
ENTITY_TYPES = {
    "individual": EntityType.PERSON,
    "entity": EntityType.ORGANIZATION,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}

#: Alias kinds as OFAC writes them ("a.k.a.", "aka", "A.K.A.") -> Alias.kind.
ALIAS_KINDS = {
    "a.k.a.": "aka",
    "aka": "aka",
    "f.k.a.": "fka",
    "fka": "fka",
    "n.k.a.": "nka",
    "nka": "nka",
}


def country_code(name: str | None) -> str | None:
    """ISO alpha-2 code of an OFAC country name ("Region: Gaza" -> its region's code)."""
    if not name:
        return None
    return _country_code(name)


@lru_cache(maxsize=4096)
def _country_code(name: str) -> str | None:
    code = countries.to_code(name)
    if code is None and name.startswith("Region: "):
        code = countries.to_code(name[8:])
    return code


def natural_name(last: str | None, first: str | None) -> str | None:
    """A person's name in natural order: given names, then the family name."""
    if last and first:
        return f"{first} {last}"
    return last or first


def person_name(published: str) -> str:
    """Turn OFAC's ``"SURNAME, Given Names"`` into ``"Given Names SURNAME"``.

    OFAC composes the CSV name as lastName, comma, firstName (the XML formats keep the two
    fields apart), so the first comma is the split: "DELOS REYES, Feliciano Semborio, Jr."
    -> "Feliciano Semborio, Jr. DELOS REYES". A name without that comma is kept as is.
    """
    last, sep, first = published.partition(", ")
    if not sep or not first.strip() or not last.strip():
        return published
    return f"{first.strip()} {last.strip()}"


_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
#: A range covering more years than this yields its two ends only.
_MAX_RANGE_YEARS = 12


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_OFAC_DATE = re.compile(r"(?:(\d{1,2}) )?(?:([A-Za-z]{3})[a-z]*\.? )?(\d{4})")


def _partial(text: str) -> str | None:
    """ "10 Dec 1948" -> "1948-12-10", "Sep 1938" -> "1938-09", "1946" -> "1946"."""
    text = text.strip()
    if _ISO_DATE.fullmatch(text):
        return text
    found = _OFAC_DATE.fullmatch(text)
    if found is None:
        return None
    day, month_name, year = found.groups()
    if month_name is None:
        return year if day is None else None
    month = _MONTHS.get(month_name.title())
    if month is None or (day is not None and not 1 <= int(day) <= 31):
        return None
    return f"{year}-{month:02d}" + (f"-{int(day):02d}" if day else "")


def birth_dates(text: str | None) -> tuple[str, ...] | None:
    """ISO (partial) dates of an OFAC DOB string; ``None`` when it cannot be read.

    "circa" is dropped (the matcher already treats birth dates loosely). A range
    ("1951 to 1953", "01 Jan 1961 to 31 Dec 1962", "circa 1979-1982") becomes every year
    it covers, so a party born in any of them compares equal; a range wider than 12 years
    gives only its two ends.
    """
    if not text:
        return None
    value = text.strip().rstrip(".")
    if value[:6].lower() == "circa ":
        value = value[6:].strip()
    if " to " in value:
        start_text, _, end_text = value.partition(" to ")
    elif re.fullmatch(r"\d{4} ?- ?\d{4}", value):
        start_text, _, end_text = value.partition("-")
    else:
        single = _partial(value)
        return (single,) if single else None
    start, end = _partial(start_text.strip()), _partial(end_text.strip())
    if start is None or end is None:
        return None
    first, last = int(start[:4]), int(end[:4])
    if first == last:
        return (start[:4],) if start != end else (start,)
    if first > last or last - first > _MAX_RANGE_YEARS:
        return (start, end)
    return tuple(str(year) for year in range(first, last + 1))


def split_programs(text: str | None) -> tuple[str, ...]:
    """``"[SDGT] [IFSR]"`` (or the CSV's ``"SDGT] [IFSR"``) -> ``("SDGT", "IFSR")``."""
    if not text:
        return ()
    out: dict[str, None] = {}
    for part in text.strip().strip("[]").split("]"):
        program = part.strip().lstrip("[").strip()
        if program:
            out[program] = None
    return tuple(out)


def file_name(name: str) -> str:
    """The bare file name of a path, URL or zip member (``"a/b.zip!SDN.XML"`` -> ``"SDN.XML"``)."""
    return name[max(name.rfind("/"), name.rfind("\\"), name.rfind("!")) + 1 :]


def line_of(element: object) -> int | None:
    """An lxml element's source line (typed loosely: lxml's stubs disagree on its type)."""
    line: object = getattr(element, "sourceline", None)
    return line if isinstance(line, int) else None


def unique(values: Iterable[str]) -> tuple[str, ...]:
    """Values without repeats, in first-seen order."""
    return tuple(dict.fromkeys(values))


def unique_aliases(primary: str, aliases: Iterable[Alias]) -> tuple[Alias, ...]:
    """Aliases without repeats of the primary name or of an earlier alias name.

    When a name comes twice with different qualities, the strong one is kept (in the
    place of the first).
    """
    out: dict[str, Alias] = {}
    for alias in aliases:
        if alias.name == primary:
            continue
        seen = out.get(alias.name)
        if seen is None or (
            seen.quality is AliasQuality.WEAK and alias.quality is AliasQuality.STRONG
        ):
            out[alias.name] = alias
    return tuple(out.values())


def join_remarks(parts: Iterable[str | None]) -> str | None:
    """Non-empty parts joined with ``"; "``, or ``None``."""
    text = "; ".join(p for p in parts if p)
    return text or None


@dataclass(slots=True)
class EntryFacts:
    """What the lists of one record of the two XML formats add up to (addresses, documents
    and ids, features, places and dates of birth, relationships)."""

    countries: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    citizenships: list[str] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
