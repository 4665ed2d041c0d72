"""Counterparties as an exporter keeps them: roles, identity, and the bulk CSV format (pure).

The bulk file is CSV, UTF-8 (a byte-order mark is fine; Excel writes one), comma- or
semicolon-separated, with a header row. Columns (case and spaces in the header do not
matter):

``name``       required: the counterparty's name as the exporter writes it
``exporter``   the exporting company it belongs to; may be left out when the importer
               names one (an exporter user imports its own counterparties only)
``country``    a country name or ISO code (optional)
``type``       person, organization, vessel or aircraft (optional)
``role``       customer (the default for a new one), distributor, end-user, supplier,
               consignee, intermediary
``reference``  the exporter's own id for it (optional; also ``external_id``)

Every bad row is reported at once, each naming the file, its line and the field
(:class:`~exportguard.errors.InvalidInput`). A counterparty is identified by its exporter
and reference when the row gives one, else by its exporter, name (case and spacing aside)
and country (:func:`identity`); a row without a reference is also the counterparty an
earlier row of the same exporter, name and country names. A row saying again what an
earlier row said of one counterparty is skipped; one saying something else of it is an
error. Importing a file again adds nothing. A row that identifies a kept
counterparty updates the fields it gives (an empty cell changes nothing).
"""

from __future__ import annotations

import csv
import enum
import io
from dataclasses import dataclass
from typing import Any

from exportguard.core import countries
from exportguard.core.entities import EntityType
from exportguard.core.queries import build_query
from exportguard.errors import FieldError, InvalidInput, SourceFormatError


class CounterpartyRole(enum.StrEnum):
    """What a counterparty is to its exporter."""

    CUSTOMER = "customer"
    DISTRIBUTOR = "distributor"
    END_USER = "end-user"
    SUPPLIER = "supplier"
    CONSIGNEE = "consignee"
    INTERMEDIARY = "intermediary"


ROLES = tuple(r.value for r in CounterpartyRole)
COLUMNS = ("name", "exporter", "country", "type", "role", "reference")
#: Other header names accepted for a column.
ALIASES = {"external_id": "reference", "externalid": "reference", "ref": "reference"}
#: The most rows one file may hold (split a larger book into several files).
MAX_ROWS = 250_000
#: The longest name, exporter and reference (as the API's counterparty request).
MAX_NAME, MAX_EXPORTER, MAX_REFERENCE = 500, 200, 200
#: Problems reported per file (the first ones, in line order).
MAX_PROBLEMS = 50


@dataclass(frozen=True, slots=True)
class PartyLine:
    """One valid row of a bulk file (country as its ISO code; None: not given)."""

    line: int
    exporter: str
    name: str
    country: str | None
    type: str | None
    role: str | None
    reference: str | None


Identity = tuple[str, ...]


def _same_party(a: PartyLine, b: PartyLine) -> bool:
    """Two rows saying the same of one counterparty (a reference given on one only
    counts as the same)."""
    return (a.exporter, a.name, a.country, a.type, a.role) == (
        b.exporter, b.name, b.country, b.type, b.role
    ) and (a.reference == b.reference or not a.reference or not b.reference)


def identity(exporter: str, name: str, country: str | None, reference: str | None) -> Identity:
    """What makes two rows the same counterparty: the exporter's reference if given, else
    the name (case and spacing aside) and country."""
    if reference:
        return ("reference", exporter, reference)
    return ("name", exporter, " ".join(name.split()).casefold(), country or "")


def decode(data: bytes, file: str) -> str:
    """UTF-8 text of a bulk file (a byte-order mark dropped); :class:`SourceFormatError` at
    the line of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceFormatError(
            "not UTF-8 text (save the file as CSV UTF-8)", file=file, line=line
        ) from None


def parse_parties(text: str, file: str, *, exporter: str | None = None,
                  own_only: bool = False) -> list[PartyLine]:  # fmt: skip
    """The rows of a bulk file, validated (module docstring). ``exporter``: for rows that
    name none; ``own_only``: every row must be ``exporter``'s (an exporter user's import).
    Raises :class:`SourceFormatError` (header, encoding, empty file) or
    :class:`InvalidInput` listing every bad row (up to :data:`MAX_PROBLEMS`)."""
    if exporter is not None and ("\x00" in exporter or len(exporter) > MAX_EXPORTER):
        raise InvalidInput(f"no NUL characters, at most {MAX_EXPORTER} characters",
                           field="exporter")  # fmt: skip
    exporter = exporter.strip() if exporter else None
    text = text.removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise SourceFormatError("the file is empty: a header row is needed", file=file, line=1)
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = _header(reader, file, exporter)
    out: list[PartyLine] = []
    problems: list[FieldError] = []
    seen: dict[Identity, tuple[int, PartyLine]] = {}
    named: dict[Identity, tuple[int, PartyLine]] = {}  # by exporter, name and country
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue  # a blank line
            if len(out) + len(problems) >= MAX_ROWS:
                raise SourceFormatError(f"more than {MAX_ROWS:,} rows: split the file",
                                        file=file, line=line)  # fmt: skip
            row, errors = _row(dict(zip(header, values, strict=False)), values, header, line,
                               exporter, own_only)  # fmt: skip
            problems.extend(FieldError(f"{file}, line {line}, {f}", m) for f, m in errors)
            if row is None:
                continue
            key = identity(row.exporter, row.name, row.country, row.reference)
            by_name = identity(row.exporter, row.name, row.country, None)
            # A row without a reference is the counterparty an earlier row of the same
            # exporter, name and country names, with a reference or not.
            earlier = seen.get(key) or (None if row.reference else named.get(by_name))
            if earlier is not None:
                first_line, prior = earlier
                if _same_party(prior, row):
                    continue  # the same line again: nothing to add
                field = "reference" if row.reference else "name"
                problems.append(FieldError(
                    f"{file}, line {line}, {field}",
                    f"the same counterparty as line {first_line} (same exporter and "
                    + ("reference)" if row.reference else "name and country)")
                    + " with other details",
                ))  # fmt: skip
                continue
            seen[key] = (line, row)
            named.setdefault(by_name, (line, row))
            out.append(row)
    except csv.Error as exc:
        raise SourceFormatError(str(exc), file=file, line=reader.line_num) from None
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(FieldError(file, f"and {len(problems) - MAX_PROBLEMS} more problems"))
        raise InvalidInput(shown)
    if not out:
        raise SourceFormatError("no counterparties in the file (only a header)", file=file,
                                line=2)  # fmt: skip
    return out


def _header(reader: Any, file: str, exporter: str | None) -> list[str]:
    """The header's column names, checked (:class:`SourceFormatError` at line 1)."""
    try:
        header = [_column(h) for h in next(reader)]
    except csv.Error as exc:
        raise SourceFormatError(str(exc), file=file, line=1) from None
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise SourceFormatError(
            f"unknown column {unknown[0]!r} (columns: {', '.join(COLUMNS)})",
            file=file, line=1, field=unknown[0],
        )  # fmt: skip
    if "name" not in header:
        raise SourceFormatError("no 'name' column in the header", file=file, line=1, field="name")
    if "exporter" not in header and not exporter:
        raise SourceFormatError(
            "no 'exporter' column, and no exporter given for the rows", file=file, line=1,
            field="exporter",
        )  # fmt: skip
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        raise SourceFormatError(f"column {repeated[0]!r} appears twice", file=file, line=1,
                                field=repeated[0])  # fmt: skip
    return header


def _column(text: str) -> str:
    key = "_".join(text.strip().lower().replace("-", " ").split())
    return ALIASES.get(key, key)


def _row(
    record: dict[str, str], values: list[str], header: list[str], line: int,
    default_exporter: str | None, own_only: bool,
) -> tuple[PartyLine | None, list[tuple[str, str]]]:  # fmt: skip
    """One row checked: (the row or None, [(field, problem)])."""
    if len(values) > len(header):
        return None, [("row", f"{len(values)} fields, the header has {len(header)}")]
    if any("\x00" in v for v in values):
        return None, [("row", "must not contain NUL characters")]
    get = {k: (v or "").strip() for k, v in record.items()}
    errors: list[tuple[str, str]] = []
    name = " ".join(get.get("name", "").split())
    if not name:
        errors.append(("name", "must not be empty"))
    elif len(name) > MAX_NAME:
        errors.append(("name", f"longer than {MAX_NAME} characters"))
    given = get.get("exporter", "")
    exporter = given or default_exporter or ""
    if not exporter:
        errors.append(("exporter", "must not be empty"))
    elif len(exporter) > MAX_EXPORTER:
        errors.append(("exporter", f"longer than {MAX_EXPORTER} characters"))
    elif own_only and given and given != default_exporter:
        errors.append(("exporter", f"{given!r} is not your company ({default_exporter})"))
    country = None
    if get.get("country"):
        country = countries.to_code(get["country"])
        if country is None:
            errors.append(("country", f"unknown country {get['country']!r}"))
    entity_type = get.get("type", "").lower() or None
    if entity_type is not None and entity_type not in {t.value for t in EntityType}:
        errors.append(("type", "must be person, organization, vessel or aircraft"))
    role = get.get("role", "").lower() or None
    if role is not None and role not in ROLES:
        errors.append(("role", f"must be one of {', '.join(ROLES)}"))
    reference = get.get("reference") or None
    if reference is not None and len(reference) > MAX_REFERENCE:
        errors.append(("reference", f"longer than {MAX_REFERENCE} characters"))
    if name and not errors:
        try:
            build_query(name, country=country, type=entity_type)
        except InvalidInput as exc:
            errors.extend((e.field, e.message) for e in exc.errors)
    if errors:
        return None, errors
    return PartyLine(line, exporter, name, country, entity_type, role, reference), []


def file_label(name: str | None) -> str:
    """A file name as errors and the audit trail give it: printable characters only (an
    uploaded file's name is whatever the uploader sent), at most 200."""
    label = "".join(ch for ch in (name or "") if ch.isprintable()).strip()[:200]
    return label or "upload.csv"
