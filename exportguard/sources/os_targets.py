"""OpenSanctions ``targets.simple.csv``: one flat row per listed party.

Layout
------
A UTF-8 CSV with the header
``id,schema,name,aliases,birth_date,countries,addresses,identifiers,sanctions,phones,emails,
program_ids,dataset,first_seen,last_seen,last_change`` (every cell quoted). ``program_ids``
is a newer column (the real 2026 file has it; older exports do not, so it is optional;
the other columns up to ``dataset`` are required, ``first_seen``/``last_seen``/
``last_change`` optional). ``schema`` is the FollowTheMoney schema (Person, Company,
LegalEntity, Organization, Vessel, Airplane ...); ``id`` the OpenSanctions entity id.

Multi-valued cells join their values with ``;``. A value that itself contains a quote,
``;`` or a line break is CSV-quoted *inside* the cell (aliases such as
``ANO "CENTER "NIKEA"`` arrive doubly quoted),
so such cells are split with a ``;``-delimited CSV reader; other cells with a plain split.
(Example: a ``sanctions`` cell holding two quote characters is one empty value.)
In the Ukraine War and Sanctions file, ``sanctions`` carries the listing's reason text
(often several paragraphs), ``identifiers`` the bare numbers (``IMO9253325``, Russian
INN/OGRN numbers) and ``countries`` lower-case ISO codes (a vessel's flags).

Source id
---------
The file names its dataset only by title (``dataset`` = "Ukraine War and Sanctions"), so the
source id is ``os_`` + the OpenSanctions dataset name for a title we know
(``Ukraine War and Sanctions`` -> ``ua_war_sanctions``), else a slug of the title
(lower-case, non-alphanumerics to ``_``). A row may list several titles (``;``); the title
common to all rows, else the most frequent one (with a warning), decides.

Mapping to :class:`ListEntry`
-----------------------------
``id`` = ``<source>:<id>``; ``schema`` -> type (Person -> person; Company, LegalEntity,
Organization, PublicBody -> organization; Vessel -> vessel; Airplane -> aircraft; others
unknown). ``aliases`` -> ``aka`` aliases, kept whatever their script (the file has
Russian and Ukrainian Cyrillic spellings; lang stays unknown). ``birth_date`` -> birth
dates (ISO, partial allowed), ``countries`` -> countries, each ``addresses`` value -> an
address (full text only), ``identifiers`` -> identifiers (``IMO`` with the 7 digits for
``IMO``-prefixed values, otherwise kind ``id``), ``program_ids`` -> programs,
``sanctions`` -> remarks (with phones and e-mails). The file has no designation date:
``first_seen`` is when OpenSanctions first crawled the party (2025-10-06 for most rows,
the start of that crawler), not the listing date, so ``listed_from`` stays ``None`` rather
than wrongly excluding the party from earlier as-of screenings. ``published`` = the latest
``last_seen`` date.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from exportguard.core.countries import to_code
from exportguard.core.entities import Address, Alias, EntityType, Identifier, ListEntry
from exportguard.core.identifiers import make_identifier
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources._common import check_unique_ids, header_columns, only_file

if TYPE_CHECKING:
    from _csv import Reader

NAME = "os_targets_csv"

_REQUIRED = (
    "id",
    "schema",
    "name",
    "aliases",
    "birth_date",
    "countries",
    "addresses",
    "identifiers",
    "sanctions",
    "phones",
    "emails",
    "dataset",
)
_TYPES = {
    "Person": EntityType.PERSON,
    "Company": EntityType.ORGANIZATION,
    "LegalEntity": EntityType.ORGANIZATION,
    "Organization": EntityType.ORGANIZATION,
    "PublicBody": EntityType.ORGANIZATION,
    "Vessel": EntityType.VESSEL,
    "Airplane": EntityType.AIRCRAFT,
}
#: OpenSanctions dataset titles whose machine name is not the slug of the title.
_KNOWN_DATASETS = {"Ukraine War and Sanctions": "ua_war_sanctions"}
_IMO = re.compile(r"^IMO\s*(\d{7})$", re.IGNORECASE)
_PARTIAL_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?")
_SLUG = re.compile(r"[^a-z0-9]+")


def sniff(file: SourceFile) -> bool:
    """The targets.simple.csv header (quoted or not)."""
    first = file.head().split(b"\n", 1)[0].decode("latin-1").strip()
    columns = [c.strip().strip('"') for c in first.split(",")]
    return columns[:4] == ["id", "schema", "name", "aliases"] and set(_REQUIRED) <= set(columns)


def parse(files: Sequence[SourceFile]) -> ParsedList:
    """Parse one targets.simple.csv file."""
    file = only_file(files, NAME)
    reader = csv.reader(io.StringIO(_decode(file), newline=""), strict=True)
    try:
        header = header_columns(file, next(reader, None), _REQUIRED)
        rows = _rows(file, reader, header)
    except csv.Error as exc:
        raise SourceFormatError(
            f"malformed CSV: {exc} (truncated file?)", file=file.name, line=reader.line_num
        ) from exc
    warnings: list[str] = []
    source = _source_id(rows, warnings)
    entries = [_entry(file, line, row, source, warnings) for line, row in rows]
    check_unique_ids(entries, file.name)
    last_seen = [d for _line, row in rows if (d := _day(row.get("last_seen", "")))]
    by_schema = Counter(row["schema"] for _line, row in rows)
    return ParsedList(
        source=source,
        format=NAME,
        entries=tuple(entries),
        published=max(last_seen) if last_seen else None,
        counts={
            "rows": len(rows),
            "entries": len(entries),
            "names": sum(len(e.names()) for e in entries),
            **{f"schema:{k}": v for k, v in sorted(by_schema.items())},
        },
        warnings=tuple(warnings),
    )


def _decode(file: SourceFile) -> str:
    data = file.data.removeprefix(b"\xef\xbb\xbf")
    if not data.strip():
        raise SourceFormatError("the file is empty", file=file.name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceFormatError(
            f"not UTF-8 (byte {data[exc.start]:#x}); OpenSanctions exports are UTF-8",
            file=file.name,
            line=data.count(b"\n", 0, exc.start) + 1,
        ) from exc


Row = dict[str, str]


def _rows(file: SourceFile, reader: Reader, header: list[str]) -> list[tuple[int, Row]]:
    rows: list[tuple[int, Row]] = []
    width = len(header)
    seen: dict[str, int] = {}
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
        native = row["id"].strip()
        if not native:
            raise SourceFormatError("empty id", file=file.name, line=line, field="id")
        if native in seen:
            raise SourceFormatError(
                f"duplicate id {native!r} (first on line {seen[native]})",
                file=file.name,
                line=line,
                field="id",
            )
        seen[native] = line
        rows.append((line, row))
    if not rows:
        raise SourceFormatError("the file has a header but no rows", file=file.name, line=1)
    return rows


def _source_id(rows: list[tuple[int, Row]], warnings: list[str]) -> str:
    titles = Counter(t for _line, row in rows for t in _values(row["dataset"]))
    if not titles:
        return "os_unknown"
    common = [t for t, n in titles.items() if n == len(rows)]
    title = min(common) if common else min(titles.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    if not common:
        warnings.append(
            f"rows name {len(titles)} datasets; source id taken from the most frequent "
            f"({title!r}), which may change between releases"
        )
    name = _KNOWN_DATASETS.get(title) or _SLUG.sub("_", title.lower()).strip("_")
    return f"os_{name}"


def _entry(file: SourceFile, line: int, row: Row, source: str, warnings: list[str]) -> ListEntry:
    name = " ".join(row["name"].split())
    if not name:
        raise SourceFormatError("empty name", file=file.name, line=line, field="name")
    schema = row["schema"].strip()
    etype = _TYPES.get(schema, EntityType.UNKNOWN)
    if etype is EntityType.UNKNOWN:
        warnings.append(f"line {line}: unknown schema {schema!r}")
    aliases = tuple(Alias(a) for a in dict.fromkeys(_values(row["aliases"])) if a != name)
    birth_dates: list[str] = []
    for value in _values(row["birth_date"]):
        match = _PARTIAL_DATE.match(value)
        if match:
            birth_dates.append(match.group(0))
        else:
            warnings.append(f"line {line}: unparsable birth_date {value!r} left out")
    countries = {c for v in _values(row["countries"]) if (c := to_code(v))}
    notes = list(_values(row["sanctions"]))
    notes.extend(f"Phone: {v}" for v in _values(row["phones"]))
    notes.extend(f"Email: {v}" for v in _values(row["emails"]))
    return ListEntry(
        id=f"{source}:{row['id'].strip()}",
        source=source,
        list_name=" / ".join(_values(row["dataset"])) or source,
        type=etype,
        name=name,
        aliases=aliases,
        programs=tuple(dict.fromkeys(_values(row.get("program_ids", "")))),
        addresses=tuple(Address(full=a) for a in dict.fromkeys(_values(row["addresses"]))),
        countries=tuple(sorted(countries)),
        identifiers=tuple(dict.fromkeys(_identifier(v) for v in _values(row["identifiers"]))),
        birth_dates=tuple(dict.fromkeys(birth_dates)),
        remarks="\n".join(dict.fromkeys(notes)) or None,
    )


def _values(cell: str) -> list[str]:
    """Split a multi-valued cell on ``;``, honouring the CSV quoting inside the cell."""
    if not cell:
        return []
    if cell[0] == '"' and cell[-1] == '"' and len(cell) > 1:
        inner = cell[1:-1]
        if '"' not in inner.replace('""', ""):
            # One quoted value (the common case): unescape it without a CSV reader.
            value = " ".join(inner.replace('""', '"').split())
            return [value] if value else []
    if '"' in cell or "\n" in cell:
        reader = csv.reader(io.StringIO(cell, newline=""), delimiter=";", strict=False)
        return [v for record in reader for p in record if (v := " ".join(p.split()))]
    parts = cell.split(";") if ";" in cell else [cell]
    return [v for p in parts if (v := p.strip())]


def _identifier(value: str) -> Identifier:
    match = _IMO.match(value)
    if match:
        return make_identifier("IMO", match.group(1))
    return make_identifier("id", value)


def _day(value: str) -> date | None:
    if len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
