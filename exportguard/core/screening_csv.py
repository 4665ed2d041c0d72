"""The batch screening CSV format: reading a customer file's rows, writing the hits (pure).

Input: a header with ``id`` and ``name``, optionally ``country`` and ``type``; every bad row
is reported with its line, all at once. Output: a header (:data:`OUTPUT_COLUMNS`, and
:data:`REVIEW_COLUMN` for the service's jobs), then one row per hit; a row with no hit
appears once with empty hit columns. Used by the command line (``batch.local``), the Dask
workers and the service's batch jobs alike.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Protocol

from exportguard.core.hits import Hit
from exportguard.core.matching import Query
from exportguard.core.queries import build_query
from exportguard.errors import FieldError, InvalidInput, SourceFormatError

OUTPUT_COLUMNS = ("id", "query_name", "rank", "score", "entity_id", "source", "list_name",
                  "matched_name", "name", "type", "programs", "snapshot_id", "listed_from",
                  "listed_until")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Row:
    id: str
    name: str
    query: Query


def _records(reader: csv.DictReader[str], name: str) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows with their line numbers; a CSV the csv module cannot read (a field over its
    131,072-character limit, a broken quote) is a :class:`SourceFormatError` at its line."""
    try:
        for record in reader:
            yield reader.line_num, record
    except csv.Error as exc:
        raise SourceFormatError(str(exc), file=name, line=reader.line_num) from None


#: Words lists use for a party's type (OFAC's "Individual", "Entity"), taken as ours.
TYPE_SYNONYMS = {"individual": "person", "entity": "organization",
                 "organisation": "organization"}  # fmt: skip

#: The ``type`` column's words, as a page or error says them.
TYPE_WORDS = ("person (or individual), organization (or organisation, entity), vessel or "
              "aircraft; empty: any")  # fmt: skip


def _entity_type(value: str | None) -> str | None:
    """A row's ``type``: ours (person, organization, vessel, aircraft, case aside) or a
    synonym of :data:`TYPE_SYNONYMS`; None when empty; anything else is refused by
    ``build_query`` (naming the line and ``type``)."""
    text = (value or "").strip()
    if not text:
        return None
    folded = text.casefold()
    return TYPE_SYNONYMS.get(folded, folded)


def parse_input(text: str, name: str) -> list[Row]:
    """Validate CSV text with ``id,name[,country,type,birth_date,identifiers]``
    (identifiers separated by ``;``); all bad rows at once."""

    reader = csv.DictReader(text.removeprefix("\ufeff").splitlines())
    header = reader.fieldnames or []
    missing = [c for c in ("id", "name") if c not in header]
    if missing:
        raise SourceFormatError(
            f"missing column(s): {', '.join(missing)} (header: {','.join(header)})",
            file=name,
            line=1,
            field=missing[0],
        )
    rows: list[Row] = []
    problems: list[FieldError] = []
    seen: set[str] = set()
    for line, record in _records(reader, name):
        values = [v for v in record.values() if isinstance(v, str)]
        if any("\x00" in v for v in values):
            problems.append(FieldError(f"line {line}", "must not contain NUL characters"))
            continue
        key = (record.get("id") or "").strip()
        if not key:
            problems.append(FieldError(f"line {line}: id", "must not be empty"))
            continue
        if key in seen:
            problems.append(FieldError(f"line {line}: id", f"duplicate id {key!r}"))
            continue
        seen.add(key)
        try:
            query = build_query(
                record.get("name") or "",
                country=record.get("country") or None,
                type=_entity_type(record.get("type")),
                birth_date=(record.get("birth_date") or "").strip() or None,
                identifiers=[i.strip() for i in (record.get("identifiers") or "").split(";")
                             if i.strip()],
            )  # fmt: skip
        except InvalidInput as exc:
            problems.extend(
                FieldError(f"line {line}: {e.field}",
                           f"must be {TYPE_WORDS}" if e.field == "type" else e.message)
                for e in exc.errors
            )  # fmt: skip
            continue
        rows.append(Row(key, record["name"], query))
    if problems:
        raise InvalidInput(problems[:50])
    if not rows:
        raise SourceFormatError("no rows to screen", file=name, line=2)
    return rows


#: First characters a spreadsheet reads as a formula ("=HYPERLINK(...)", "@SUM(...)"),
#: after OWASP's guidance on CSV injection.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    """``value`` as a CSV cell a spreadsheet shows as text: a string that would start a
    formula gets a leading apostrophe (a party's name is what a screened file or a list
    says it is, and neither is ours to let run); other values are unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class RowWriter(Protocol):
    """Where :func:`write_rows` writes: a ``csv.writer`` (one row a call, cells any value
    ``csv`` can write)."""

    def writerow(self, row: Iterable[object], /) -> object: ...


#: The column a service job adds: a hit's review (a clearance of the row's party), if any.
REVIEW_COLUMN = "review"


def write_rows(
    writer: RowWriter,
    pairs: Iterable[tuple[Row, list[Hit]]],
    review: Mapping[tuple[str, str], str] | None = None,
) -> int:
    """The header, then one row per hit (a query with none appears once, hit columns empty).
    With ``review`` ({(row id, entry id): text}), a last column :data:`REVIEW_COLUMN` says
    which hits an earlier review cleared."""
    columns = (*OUTPUT_COLUMNS, REVIEW_COLUMN) if review is not None else OUTPUT_COLUMNS
    writer.writerow(columns)
    written = 0
    for row, hits in pairs:
        if not hits:
            writer.writerow([cell(row.id), cell(row.name)] + [""] * (len(columns) - 2))
            written += 1
        for rank, hit in enumerate(hits, 1):
            e = hit.entry
            said = [review.get((row.id, e.id), "")] if review is not None else []
            writer.writerow([cell(v) for v in
                [
                    row.id,
                    row.name,
                    rank,
                    f"{hit.score:.4f}",
                    e.id,
                    e.source,
                    e.list_name,
                    hit.matched_name,
                    e.name,
                    e.type.value,
                    "; ".join(e.programs),
                    hit.snapshot_id,
                    e.listed_from.isoformat() if e.listed_from else "",
                    e.listed_until.isoformat() if e.listed_until else "",
                    *said,
                ]
            ])  # fmt: skip
            written += 1
    return written


def uncell(value: str) -> str:
    """A cell as written by :func:`cell`, read back as the text it stands for."""
    if value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value
