"""HM Treasury / OFSI Consolidated List of Financial Sanctions Targets, CSV ("ConList").

Layout
------
Line 1 is a banner, ``Last Updated,13/04/2018,,,...``: the publication date (dd/mm/yyyy).
Line 2 is the header; every later line is one *name row*. Columns are read by name, so the
legacy layout (``Name 6,Name 1,...,Regime,Listed On,Last Updated,Group ID``) and the 2022+
``ConList.csv`` (which adds ``Name Non-Latin Script``, ``Alias Quality``, ``Passport
Number``, ``National Identification Number`` ...) both parse. Required columns: ``Name 1``
to ``Name 6``, ``Group Type``, ``Alias Type`` and ``Group ID``; every other column is
optional.

The file is denormalised: one listed party (a *group*, keyed by ``Group ID``) spans many
rows, one per combination of name, date of birth and address. The 2018 file has 9,487 rows
for 2,106 groups; Farooq AL-QAHTANI (13349) has the same a.k.a. twice, once per year of
birth, and one group repeats its "Prime Alias" row 80 times. So a repeated Group ID is the
format, not an error: rows are merged per group and identical values deduplicated (a row
that is an exact duplicate of another therefore changes nothing).

Mapping to :class:`ListEntry`
-----------------------------
* ``id`` = ``uk_ofsi:<Group ID>``.
* ``name``: the row whose ``Alias Type`` is the primary one ("Prime Alias" in the legacy
  file, "Primary Name" in the newer one). Given names ``Name 1``..``Name 5`` come first,
  then the family name ``Name 6``; ``Title`` is kept out of the name (it goes to remarks).
* Other rows become aliases: ``AKA`` and "Primary Name Variation" -> kind ``aka``, ``FKA``
  -> ``fka``; a "Low quality" ``Alias Quality`` (newer layout) -> weak, everything else
  strong (the legacy file has no quality column). ``Name Non-Latin Script`` -> kind
  ``original-script``.
* ``Group Type``: Individual -> person, Entity -> organization, Ship -> vessel. The
  legacy file has no Ship type: ships are "Entity" rows whose ``Other Information`` gives
  an IMO number ("IMO: 8937675", "(IMO number: 8712362)"). An Entity with an IMO number and
  no company word in its name (CO, LTD, SHIPPING, ...) is typed vessel; the IMO number is
  an identifier in both cases (shipping companies carry IMO company numbers).
* ``DOB`` (dd/mm/yyyy, ``00`` or ``dd``/``mm`` for unknown parts) -> partial ISO dates.
* ``Town of Birth`` + ``Country of Birth`` -> birth place; ``Nationality`` (free text such
  as "(1) Somali (2) Swedish", demonyms included) and the address ``Country`` -> ISO
  countries. Country cells often carry notes ("Pakistan (as at Apr 2009)"); these are
  dropped before the lookup, and text that names no country is left out of ``countries``
  (it stays in the address text).
* ``Passport Details``/``Passport Number`` -> identifier ``passport``; ``NI Number``/
  ``National Identification Number`` -> ``national-id``. The legacy cells are free text
  ("(1) A-333602 (Indian) issued on 4 June 1985 ... (2) M110522 ..."): one identifier per
  number, its part of the text as note (dates, issuer, place, "revoked" read from it), the
  country it names, the whole cell as ``published``.
* ``Address 1``..``Address 6`` + ``Post/Zip Code`` + ``Country`` -> an address (lines 1-5
  as street, line 6 as city).
* ``Regime`` -> programs (six groups sit under two or three regimes), ``Listed On`` ->
  ``listed_from`` (the earliest one), the "UN Ref ..." in ``Other Information`` ->
  ``citation``; ``Other Information``, ``Position`` and ``Title`` -> remarks.

The legacy file is Windows-1252 (curly quotes as 0x91/0x92), which ``decode_text`` handles.

Kept in one module (over 500 lines, by ARCHITECTURE.md's exception for one cohesive
parser): every function here reads one part of this one format and maps it to the entry
model; each is tested on the real file, and a split would only scatter the format's
field-by-field mapping over files that no one changes apart.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from exportguard.core.countries import from_demonym, not_a_country, to_code
from exportguard.core.entities import (
    Address,
    Alias,
    AliasQuality,
    EntityType,
    Identifier,
    IdentifierKind,
    ListEntry,
    ParsedList,
)
from exportguard.core.identifiers import identifier_kind, make_identifier
from exportguard.errors import SourceFormatError
from exportguard.sources._common import (
    SCRIPT_LANGUAGES,
    SourceFile,
    check_unique_ids,
    decode_text,
    full_dmy,
    header_columns,
    only_file,
    partial_dmy,
)
from exportguard.sources._documents import INVALID, country_in, read_note, split_documents

if TYPE_CHECKING:
    from _csv import Reader

NAME = "uk_ofsi_csv"
SOURCE = "uk_ofsi"
LIST_NAME = "UK OFSI Consolidated List of Financial Sanctions Targets"

_NAME_PARTS = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5")
_REQUIRED = (*_NAME_PARTS, "Name 6", "Group Type", "Alias Type", "Group ID")
_ADDRESS_LINES = ("Address 1", "Address 2", "Address 3", "Address 4", "Address 5")
_ADDRESS_COLUMNS = (*_ADDRESS_LINES, "Address 6", "Post/Zip Code", "Country")
_PRIMARY_TYPES = frozenset({"prime alias", "primary name"})
_TYPES = {
    "individual": EntityType.PERSON,
    "entity": EntityType.ORGANIZATION,
    "ship": EntityType.VESSEL,
}
_IMO = re.compile(r"\bIMO(?:\s+number)?\s*:?\s*(\d{7})\b", re.IGNORECASE)
_COMPANY_WORD = re.compile(
    r"\b(?:CO|COMPANY|CORP|CORPORATION|LTD|LIMITED|LLC|INC|SHIPPING|GROUP|MANAGEMENT)\b",
    re.IGNORECASE,
)
_UN_REF = re.compile(
    r"\bUN\s*Ref(?:erence)?\.?\s*(?:No\.?)?\s*:?\s*([A-Z]{2,3}[a-z]?(?:\.[A-Za-z0-9]+)+)",
    re.IGNORECASE,
)


def sniff(file: SourceFile) -> bool:
    """The banner line ``Last Updated,...`` followed by a header with ``Group ID``."""
    lines = file.head().decode("latin-1").splitlines()
    if len(lines) < 2 or not lines[0].startswith("Last Updated,"):
        return False
    header = {c.strip().strip('"') for c in lines[1].split(",")}
    return {"Name 6", "Alias Type", "Group Type", "Group ID"} <= header


def parse(files: Sequence[SourceFile]) -> ParsedList:
    """Parse one ConList CSV into one entry per Group ID."""
    file = only_file(files, NAME)
    reader = csv.reader(io.StringIO(decode_text(file), newline=""), strict=True)
    try:
        published = _banner(file, next(reader, None))
        header = header_columns(file, next(reader, None), _REQUIRED, line=2)
        groups, rows = _read_groups(file, reader, header)
    except csv.Error as exc:
        raise SourceFormatError(
            f"malformed CSV: {exc} (truncated file?)", file=file.name, line=reader.line_num
        ) from exc
    warnings: list[str] = []
    entries = [_entry(file, gid, group, warnings) for gid, group in groups.items()]
    check_unique_ids(entries, file.name)
    type_rows = {"individual_rows": 0, "entity_rows": 0, "ship_rows": 0}
    for group in groups.values():
        for _line, row in group:
            key = f"{row['Group Type'].strip().lower()}_rows"
            if key in type_rows:
                type_rows[key] += 1
    return ParsedList(
        source=SOURCE,
        format=NAME,
        entries=tuple(entries),
        published=published,
        counts={
            "rows": rows,
            "entries": len(entries),
            "names": sum(len(e.names()) for e in entries),
            **type_rows,
        },
        warnings=tuple(warnings),
    )


def _banner(file: SourceFile, row: list[str] | None) -> date | None:
    if row is None or not row or row[0].strip() != "Last Updated":
        raise SourceFormatError(
            "line 1 must be the 'Last Updated,dd/mm/yyyy' banner of the ConList",
            file=file.name,
            line=1,
            field="Last Updated",
        )
    value = row[1].strip() if len(row) > 1 else ""
    if not value:
        return None
    parsed = full_dmy(value)
    if parsed is None:
        raise SourceFormatError(
            f"unparsable publication date {value!r} (expected dd/mm/yyyy)",
            file=file.name,
            line=1,
            field="Last Updated",
        )
    return parsed


Row = dict[str, str]


def _read_groups(
    file: SourceFile, reader: Reader, header: list[str]
) -> tuple[dict[str, list[tuple[int, Row]]], int]:
    groups: dict[str, list[tuple[int, Row]]] = {}
    width = len(header)
    rows = 0
    for raw in reader:
        line = reader.line_num
        if len(raw) != width:
            if not any(c.strip() for c in raw):
                continue
            raise SourceFormatError(
                f"row has {len(raw)} fields but the header has {width} (truncated or shifted row?)",
                file=file.name,
                line=line,
            )
        row = dict(zip(header, raw, strict=True))
        gid = row["Group ID"].strip()
        if not gid:
            raise SourceFormatError("empty Group ID", file=file.name, line=line, field="Group ID")
        groups.setdefault(gid, []).append((line, row))
        rows += 1
    if not rows:
        raise SourceFormatError("the list has no name rows", file=file.name, line=2)
    return groups, rows


def _distinct(group: list[tuple[int, Row]], column: str) -> dict[str, int]:
    """Distinct non-blank raw values of ``column`` in a group, with their first line."""
    out: dict[str, int] = {}
    for line, row in group:
        value = row.get(column)
        if value and value not in out and not value.isspace():
            out[value] = line
    return out


def _entry(
    file: SourceFile, gid: str, group: list[tuple[int, Row]], warnings: list[str]
) -> ListEntry:
    primary_line, primary = next(
        ((ln, r) for ln, r in group if r["Alias Type"].strip().lower() in _PRIMARY_TYPES),
        group[0],
    )
    if primary["Alias Type"].strip().lower() not in _PRIMARY_TYPES:
        warnings.append(f"group {gid}: no primary-name row; used the row on line {primary_line}")
    name = _row_name(primary)
    if not name:
        raise SourceFormatError(
            f"group {gid}: the primary name is empty", file=file.name, line=primary_line
        )
    group_type = primary["Group Type"].strip()
    for other_type, line in _distinct(group, "Group Type").items():
        if other_type.strip() != group_type:
            warnings.append(
                f"group {gid}: line {line} has Group Type {other_type!r}, kept {group_type!r}"
            )
    etype = _TYPES.get(group_type.lower(), EntityType.UNKNOWN)
    if etype is EntityType.UNKNOWN:
        warnings.append(f"group {gid}: unknown Group Type {group_type!r}")
    nationalities: dict[str, None] = {}
    for text in _distinct(group, "Nationality"):
        nationalities.update(dict.fromkeys(_nationalities(text)))
    countries: set[str] = set(nationalities)
    addresses = _addresses(group)
    countries.update(a.country for a in addresses if a.country)
    identifiers = _identifiers(group)
    other = _c(primary.get("Other Information"))
    citation = None
    if other:
        identifiers.extend(
            make_identifier("IMO", imo) for imo in dict.fromkeys(_IMO.findall(other))
        )
        if (
            etype is EntityType.ORGANIZATION
            and _IMO.search(other)
            and not _COMPANY_WORD.search(name)
        ):
            etype = EntityType.VESSEL
        un_ref = _UN_REF.search(other)
        if un_ref:
            citation = f"UN Ref {un_ref.group(1)}"
    notes = [
        f"{label}: {value}"
        for label in ("Title", "Position")
        for raw in _distinct(group, label)
        if (value := _c(raw))
    ]
    listed = [_listing_date(file, line, raw) for raw, line in _distinct(group, "Listed On").items()]
    return ListEntry(
        id=f"{SOURCE}:{gid}",
        source=SOURCE,
        list_name=LIST_NAME,
        type=etype,
        name=name,
        aliases=_aliases(group, name),
        programs=tuple(dict.fromkeys(v for raw in _distinct(group, "Regime") if (v := _c(raw)))),
        addresses=tuple(addresses),
        countries=tuple(sorted(countries)),
        identifiers=tuple(dict.fromkeys(identifiers)),
        birth_dates=_birth_dates(file, gid, group, warnings),
        birth_places=_birth_places(group),
        listed_from=min(listed) if listed else None,
        listed_dates=tuple(d.isoformat() for d in sorted(set(listed)))
        if len(set(listed)) > 1
        else (),
        nationalities=tuple(nationalities),
        citation=citation,
        remarks="\n".join(dict.fromkeys(filter(None, [other, *notes]))) or None,
    )


def _listing_date(file: SourceFile, line: int, raw: str) -> date:
    parsed = full_dmy(raw)
    if parsed is None:
        raise SourceFormatError(
            f"unparsable listing date {raw.strip()!r} (expected dd/mm/yyyy)",
            file=file.name,
            line=line,
            field="Listed On",
        )
    return parsed


def _aliases(group: list[tuple[int, Row]], primary: str) -> tuple[Alias, ...]:
    found: dict[tuple[str, str], Alias] = {}
    seen: set[tuple[str, ...]] = set()
    for _line, row in group:
        key = (
            *(row[c] for c in _NAME_PARTS),
            row["Name 6"],
            row["Alias Type"],
            row.get("Alias Quality", ""),
            row.get("Name Non-Latin Script", ""),
        )
        if key in seen:
            continue
        seen.add(key)
        name = _row_name(row)
        if name and name != primary:
            kind = "fka" if row["Alias Type"].strip().lower() == "fka" else "aka"
            weak = "low" in (row.get("Alias Quality") or "").lower()
            quality = AliasQuality.WEAK if weak else AliasQuality.STRONG
            if (name, kind) not in found or not weak:
                found[(name, kind)] = Alias(name, quality, kind)
        script = _c(row.get("Name Non-Latin Script"))
        if script and script != primary and (script, "original-script") not in found:
            language = (row.get("Non-Latin Script Language") or "").strip().lower()
            found[(script, "original-script")] = Alias(
                script, kind="original-script", lang=SCRIPT_LANGUAGES.get(language)
            )
    return tuple(found.values())


def _birth_dates(
    file: SourceFile, gid: str, group: list[tuple[int, Row]], warnings: list[str]
) -> tuple[str, ...]:
    dates: set[str] = set()
    for raw, line in _distinct(group, "DOB").items():
        partial = partial_dmy(raw)
        if partial is None:
            warnings.append(
                f"{file.name}, line {line}, field 'DOB': group {gid}: unparsable date of "
                f"birth {raw.strip()!r} left out"
            )
        else:
            dates.add(partial)
    return tuple(sorted(dates))


def _birth_places(group: list[tuple[int, Row]]) -> tuple[str, ...]:
    places: dict[str, None] = {}
    for _line, row in group:
        town, country = _c(row.get("Town of Birth")), _c(row.get("Country of Birth"))
        place = ", ".join(p for p in (town, country) if p and p != "-")
        if place:
            places.setdefault(place, None)
    return tuple(places)


def _identifiers(group: list[tuple[int, Row]]) -> list[Identifier]:
    found: list[Identifier] = []
    for kind, columns in (
        ("passport", ("Passport Number", "Passport Details")),
        ("national-id", ("National Identification Number", "NI Number")),
    ):
        for column in columns:
            values = [v for raw in _distinct(group, column) if (v := _c(raw))]
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


def _addresses(group: list[tuple[int, Row]]) -> list[Address]:
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


def _c(value: str | None) -> str | None:
    """Collapse white space; ``None`` for blank (a faster ``clean`` for CSV cells)."""
    if not value:
        return None
    return " ".join(value.split()) or None


def _row_name(row: Row) -> str:
    parts = [row[c].strip() for c in _NAME_PARTS]
    parts.append(row["Name 6"].strip())
    return " ".join(" ".join(p for p in parts if p).split())


def _address(row: Row) -> Address | None:
    street_parts = [v for c in _ADDRESS_LINES if (v := _c(row.get(c)))]
    city = _c(row.get("Address 6"))
    postal = _c(row.get("Post/Zip Code"))
    country_text = _c(row.get("Country"))
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


def _nationalities(text: str | None) -> tuple[str, ...]:
    return country_reading(text)[0]
