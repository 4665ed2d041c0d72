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

This module reads the file and maps each group (names, dates, listing); what the
free-text cells say (passport and ID documents, addresses, countries) is read by
:mod:`~exportguard.sources._uk_ofsi_fields`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from exportguard.core.entities import Alias, AliasQuality, EntityType, ListEntry
from exportguard.core.identifiers import make_identifier
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources._common import (
    SCRIPT_LANGUAGES,
    check_unique_ids,
    decode_text,
    full_dmy,
    header_columns,
    only_file,
    partial_dmy,
)
from exportguard.sources._uk_ofsi_fields import (
    Row,
    addresses_of,
    clean_cell,
    distinct,
    identifiers_of,
    nationalities_of,
)

if TYPE_CHECKING:
    from _csv import Reader

NAME = "uk_ofsi_csv"
SOURCE = "uk_ofsi"
LIST_NAME = "UK OFSI Consolidated List of Financial Sanctions Targets"

_NAME_PARTS = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5")
_REQUIRED = (*_NAME_PARTS, "Name 6", "Group Type", "Alias Type", "Group ID")
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
    for other_type, line in distinct(group, "Group Type").items():
        if other_type.strip() != group_type:
            warnings.append(
                f"group {gid}: line {line} has Group Type {other_type!r}, kept {group_type!r}"
            )
    etype = _TYPES.get(group_type.lower(), EntityType.UNKNOWN)
    if etype is EntityType.UNKNOWN:
        warnings.append(f"group {gid}: unknown Group Type {group_type!r}")
    nationalities: dict[str, None] = {}
    for text in distinct(group, "Nationality"):
        nationalities.update(dict.fromkeys(nationalities_of(text)))
    countries: set[str] = set(nationalities)
    addresses = addresses_of(group)
    countries.update(a.country for a in addresses if a.country)
    identifiers = identifiers_of(group)
    other = clean_cell(primary.get("Other Information"))
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
        for raw in distinct(group, label)
        if (value := clean_cell(raw))
    ]
    listed = [_listing_date(file, line, raw) for raw, line in distinct(group, "Listed On").items()]
    return ListEntry(
        id=f"{SOURCE}:{gid}",
        source=SOURCE,
        list_name=LIST_NAME,
        type=etype,
        name=name,
        aliases=_aliases(group, name),
        programs=tuple(
            dict.fromkeys(v for raw in distinct(group, "Regime") if (v := clean_cell(raw)))
        ),
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
        script = clean_cell(row.get("Name Non-Latin Script"))
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
    for raw, line in distinct(group, "DOB").items():
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
        town, country = (
            clean_cell(row.get("Town of Birth")),
            clean_cell(row.get("Country of Birth")),
        )
        place = ", ".join(p for p in (town, country) if p and p != "-")
        if place:
            places.setdefault(place, None)
    return tuple(places)


def _row_name(row: Row) -> str:
    parts = [row[c].strip() for c in _NAME_PARTS]
    parts.append(row["Name 6"].strip())
    return " ".join(" ".join(p for p in parts if p).split())
