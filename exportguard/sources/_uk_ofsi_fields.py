"""What the OFSI ConList's free-text cells say: the documents of a passport or ID cell,
the addresses of a group, the countries a nationality or country cell names.

The format, and what each column maps to, is described in
:mod:`~exportguard.sources.uk_ofsi`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from exportguard.core.countries import from_demonym, not_a_country, to_code
from exportguard.core.entities import Address, Identifier, IdentifierKind
from exportguard.core.identifiers import identifier_kind, make_identifier
from exportguard.sources._documents import INVALID, country_in, read_note, split_documents

_ADDRESS_LINES = ("Address 1", "Address 2", "Address 3", "Address 4", "Address 5")
_ADDRESS_COLUMNS = (*_ADDRESS_LINES, "Address 6", "Post/Zip Code", "Country")

#: One name row of the file, by column name.
Row = dict[str, str]


def distinct(group: list[tuple[int, Row]], column: str) -> dict[str, int]:
    """Distinct non-blank raw values of ``column`` in a group, with their first line."""
    out: dict[str, int] = {}
    for line, row in group:
        value = row.get(column)
        if value and value not in out and not value.isspace():
            out[value] = line
    return out


def identifiers_of(group: list[tuple[int, Row]]) -> list[Identifier]:
    """The passports (``Passport Number``, else ``Passport Details``) and national ids
    (``National Identification Number``, else ``NI Number``) of a group's rows."""
    found: list[Identifier] = []
    for kind, columns in (
        ("passport", ("Passport Number", "Passport Details")),
        ("national-id", ("National Identification Number", "NI Number")),
    ):
        for column in columns:
            values = [v for raw in distinct(group, column) if (v := clean_cell(raw))]
            if values:
                for value in values:
                    found.extend(_documents(kind, value))
                break
    return found


def _documents(kind: str, value: str) -> list[Identifier]:
    """The documents of one free-text passport or ID cell: one per number it writes
    ("(1) A-333602 (Indian) issued on 4 June 1985 ... (2) M110522 ..."), each with the
    part of the cell about it as its note (read for dates, issuer, place and validity),
    the issuing country it names ("(Indian)", "Saudi Arabian passport") and a kind the
    text names over the column's ("Ration card no." stays national id, "Diplomatic
    passport" of an ID column is a passport); the whole cell is ``published``. A cell
    that is only a number, or names none, is kept as it is."""
    text = " ".join(value.split())
    documents = split_documents(text)
    if not documents or (len(documents) == 1 and documents[0].found.number == text):
        return [make_identifier(kind, text)]
    out: list[Identifier] = []
    for document in documents:
        number = document.found
        said = identifier_kind(number.before) if number.before else None
        facts = read_note(number.after)
        out.append(
            make_identifier(
                kind,
                number.number,
                country_in(f"{number.before} {number.after}") or country_in(document.text),
                kind=said if said in _DOCUMENT_KINDS else None,
                published=text,
                issue_date=facts.issue_date,
                expiry_date=facts.expiry_date,
                authority=facts.authority,
                place=facts.place,
                note=document.text if document.text != number.number else None,
                invalid=bool(INVALID.search(document.text)),
            )
        )
    return list(dict.fromkeys(out))


#: Kinds the text of a passport or ID cell may name over its column's.
_DOCUMENT_KINDS = frozenset(
    {IdentifierKind.PASSPORT, IdentifierKind.NATIONAL_ID, IdentifierKind.TAX_ID,
     IdentifierKind.LICENCE}
)  # fmt: skip


def addresses_of(group: list[tuple[int, Row]]) -> list[Address]:
    """The distinct addresses of a group's rows (``Address 1``..``6``, postcode, country)."""
    found: dict[str, Address] = {}
    seen: set[tuple[str, ...]] = set()
    for _line, row in group:
        key = tuple(row.get(c, "") for c in _ADDRESS_COLUMNS)
        if key in seen or not any(key):
            continue
        seen.add(key)
        address = _address(row)
        if address is not None:
            found.setdefault(address.full, address)
    return list(found.values())


def clean_cell(value: str | None) -> str | None:
    """Collapse white space; ``None`` for blank (a faster ``clean`` for CSV cells)."""
    if not value:
        return None
    return " ".join(value.split()) or None


def _address(row: Row) -> Address | None:
    street_parts = [v for c in _ADDRESS_LINES if (v := clean_cell(row.get(c)))]
    city = clean_cell(row.get("Address 6"))
    postal = clean_cell(row.get("Post/Zip Code"))
    country_text = clean_cell(row.get("Country"))
    parts = [*street_parts, *(p for p in (city, postal, country_text) if p)]
    if not parts:
        return None
    return Address(
        full=", ".join(parts),
        street=", ".join(street_parts) or None,
        city=city,
        postal_code=postal,
        country=next(iter(country_reading(country_text)[0]), None),
    )


_ENUM_SPLIT = re.compile(r"\(?\b(?:\d{1,2}|[a-h])\)|[,;/]|\.\s+")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
#: A parenthesised note ("(as at Apr 2009)", "(citizenship revoked in 2015)"), not an
#: enumerator such as "(1)" or "b)".
_NOTE = re.compile(r"\((?!(?:\d{1,2}|[a-h])\))[^()]*(?:\)|$)")
_QUALIFIER = re.compile(
    r"^(?:possibly|reportedly|in|now|also believed to hold|believed to hold|also)\s+|"
    r"\s+(?:citizenship|national|nationality|nationalities|citizen|by birth|"
    r"withdrawn\b.*|revoked\b.*|as (?:at|of)\b.*|since\b.*|from\b.*|between\b.*)$|"
    r"\s+\d{4,}$",
    re.IGNORECASE,
)
#: Words an enumeration leaves alone ("US national/citizen"): no country, nothing lost.
_FILLERS = frozenset({"citizen", "national", "nationality", "citizenship", "-"})


@lru_cache(maxsize=4096)
def _country(text: str) -> str | None:
    """ISO code of one country phrase, ignoring notes such as "(as at Apr 2009)" and
    qualifiers ("Iranian national", "now Republic of Moldova")."""
    candidate = _NOTE.sub("", text).strip(" .,")
    for _ in range(4):
        if not candidate:
            return None
        code = to_code(candidate) or from_demonym(candidate)
        if code:
            return code
        stripped = _QUALIFIER.sub("", candidate).strip(" .,")
        if stripped == candidate:
            return None
        candidate = stripped
    return None


@lru_cache(maxsize=4096)
def country_reading(text: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The countries a free-text country cell names (``Nationality``, ``Country``,
    ``Country of Birth``): ISO codes in order, and the phrases that name no country and
    are not known non-countries (``countries.not_a_country``), which should be none.
    "United States of America. Also believed to hold Syrian nationality" -> (US, SY);
    "Iranian national and US national/citizen" -> (IR, US)."""
    if not text or not text.strip():
        return (), ()
    codes: dict[str, None] = {}
    unmapped: dict[str, None] = {}
    whole = _country(text)
    if whole:
        return (whole,), ()
    for raw in _ENUM_SPLIT.split(_NOTE.sub(" ", text)):
        token = raw.strip(" .,")
        # "Bosnia and Herzegovina" is one country, "DRC and Belgian nationalities" two.
        code = _country(token) if token else None
        for part in [token] if code else _AND.split(token):
            phrase = part.strip(" .,")
            if not phrase or phrase.casefold() in _FILLERS:
                continue
            found = code or _country(phrase)
            if found:
                codes.setdefault(found, None)
            elif not not_a_country(_QUALIFIER.sub("", phrase).strip(" .,")):
                unmapped.setdefault(phrase, None)
    return tuple(codes), tuple(unmapped)


def nationalities_of(text: str | None) -> tuple[str, ...]:
    """The ISO codes of the countries a ``Nationality`` cell names."""
    return country_reading(text)[0]
