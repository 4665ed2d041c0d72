"""Reading the files of an OFAC legacy CSV set: which file is which (``sdn.csv``,
``add.csv``, ... and their ``cons_*`` twins), each file's rows checked for their columns
and entry number, the side files' rows grouped by entry, and the repair of the unescaped
quotes OFAC once published.

The format is described in :mod:`~exportguard.sources.ofac_csv`; the rows' mapping to
entries is :mod:`~exportguard.sources._ofac_csv_entry`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from exportguard.core.snapshots import SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources._common import decode_text

PRIM, ADD, ALT, COMMENTS = "primary", "add", "alt", "comments"
ROLE_ORDER = (PRIM, ADD, ALT, COMMENTS)

#: File name (lower case) -> (list set, role in the set).
FILES: dict[str, tuple[str, str]] = {
    "sdn.csv": ("sdn", PRIM),
    "add.csv": ("sdn", ADD),
    "alt.csv": ("sdn", ALT),
    "sdn_comments.csv": ("sdn", COMMENTS),
    "cons_prim.csv": ("cons", PRIM),
    "cons_add.csv": ("cons", ADD),
    "cons_alt.csv": ("cons", ALT),
    "cons_comments.csv": ("cons", COMMENTS),
}
FILE_NAMES = {(s, role): name for name, (s, role) in FILES.items()}

COLUMNS: dict[str, tuple[str, ...]] = {
    PRIM: (
        "ent_num",
        "SDN_Name",
        "SDN_Type",
        "Program",
        "Title",
        "Call_Sign",
        "Vess_type",
        "Tonnage",
        "GRT",
        "Vess_flag",
        "Vess_owner",
        "Remarks",
    ),
    ADD: (
        "ent_num",
        "Add_num",
        "Address",
        "City/State/Province/Postal Code",
        "Country",
        "Add_remarks",
    ),
    ALT: ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"),
    COMMENTS: ("ent_num", "Remarks_Extended"),
}


def split_path(name: str) -> tuple[str, str]:
    """(container, file name): the folder, or the zip archive of a member ``a.zip!sdn.csv``."""
    cut = max(name.rfind("/"), name.rfind("\\"), name.rfind("!"))
    return name[: max(cut, 0)], name[cut + 1 :]


def role_of(file: SourceFile) -> tuple[str, str] | None:
    """(list set, role) of a file by its name: ``sdn.csv`` -> ``("sdn", "primary")``; or
    ``None``."""
    return FILES.get(split_path(file.name)[1].lower())


@dataclass(slots=True)
class Row:
    """One row of a file: its line number and its cells."""

    line: int
    cells: list[str]


def _rows(file: SourceFile, role: str) -> Iterator[Row]:
    """The file's rows, each checked for its column count and a numeric ent_num."""
    columns = COLUMNS[role]
    # strict: a quoted field still open at the end of the file (a cut file) is an error.
    reader = csv.reader(io.StringIO(decode_text(file), newline=""), strict=True)
    start = 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue
            if len(cells) != len(columns):
                field = columns[min(len(cells), len(columns) - 1)]
                raise SourceFormatError(
                    f"expected {len(columns)} columns ({', '.join(columns)}), found "
                    f"{len(cells)}: the file is truncated or not a {split_path(file.name)[1]} "
                    "of the OFAC legacy CSV format",
                    file=file.name,
                    line=line,
                    field=field,
                )
            if not cells[0].strip().isdigit():
                raise SourceFormatError(
                    f"the entry number must be a whole number, found {cells[0].strip()!r}",
                    file=file.name,
                    line=line,
                    field=columns[0],
                )
            yield Row(line, cells)
    except csv.Error as exc:
        hint = " (the file is truncated?)" if "end of data" in str(exc) else ""
        raise SourceFormatError(
            f"unreadable CSV row: {exc}{hint}", file=file.name, line=start
        ) from exc


def assign(files: Sequence[SourceFile]) -> tuple[str, dict[str, SourceFile]]:
    """The list set (``sdn`` or ``cons``) of ``files`` and each file by its role;
    ``SourceFormatError`` for no files, a file of no set, two files of one role, files of
    both sets or no primary file."""
    if not files:
        raise SourceFormatError("no files given: an OFAC CSV set needs at least sdn.csv")
    roles: dict[str, SourceFile] = {}
    sets: set[str] = set()
    for file in files:
        role = role_of(file)
        if role is None:
            raise SourceFormatError(
                "not a file of an OFAC legacy CSV set; expected one of " + ", ".join(sorted(FILES)),
                file=file.name,
            )
        sets.add(role[0])
        if role[1] in roles:
            raise SourceFormatError(
                f"two {role[1]} files given ({roles[role[1]].name} and this one)", file=file.name
            )
        roles[role[1]] = file
    if len(sets) > 1:
        raise SourceFormatError(
            "SDN files (sdn.csv, add.csv, ...) and consolidated files (cons_*.csv) cannot be "
            "parsed as one set",
            file=files[0].name,
        )
    list_set = sets.pop()
    if PRIM not in roles:
        primary = FILE_NAMES[(list_set, PRIM)]
        given = ", ".join(split_path(f.name)[1] for f in files)
        raise SourceFormatError(
            f"the primary file {primary} is missing: {given} only add addresses, aliases and "
            f"remarks to its entries and cannot be imported without {primary}",
            file=files[0].name,
        )
    return list_set, roles


#: A comments row on one line: ent_num, then the remarks quoted to the end of the line.
_COMMENT_LINE = re.compile(r'^(\d+),"(.*)"(\r?)$')
#: A quote inside a field that is not doubled (CSV escapes a quote as "").
_LONE_QUOTE = re.compile(r'(?<!")"(?!")')


def _repair_comments(file: SourceFile, warnings: list[str]) -> SourceFile:
    """A comments file with the quirk OFAC once published: a quote inside the remarks not
    doubled (``17016,"... the "Directive" ..."``). Such a one-line row is read as its
    ent_num and everything between the first and the last quote, with a warning naming
    file, line and field; anything else stays for the strict reader to judge."""
    text = decode_text(file)
    if '"' not in text:
        return file
    lines = text.split("\n")
    repaired = 0
    for i, line in enumerate(lines):
        found = _COMMENT_LINE.match(line)
        if found is None or not _LONE_QUOTE.search(found.group(2)):
            continue
        inner = found.group(2).replace('""', '"').replace('"', '""')
        lines[i] = f'{found.group(1)},"{inner}"{found.group(3)}'
        repaired += 1
        if repaired <= 20:
            warnings.append(
                f"{file.name} line {i + 1} field remarks: an unescaped quote inside the "
                "remarks (a known OFAC publishing quirk) was read as part of the text"
            )
    if not repaired:
        return file
    if repaired > 20:
        warnings.append(f"{file.name}: {repaired} rows in all had unescaped quotes")
    return SourceFile(file.name, "\n".join(lines).encode("utf-8"))


#: A quote that is neither at a field's edge nor doubled: a candidate unescaped quote.
_INNER_QUOTE = re.compile(r'(?<=[^,"])"(?=[^,"\r\n])')
#: One field of a row read tolerantly: quoted up to the first quote that ends a field
#: (followed by a comma or the end of the line), or unquoted.
_TOLERANT_FIELD = re.compile(r'"(.*?)"(?=,|\r?$)|([^,"]*)(?=,|\r?$)')


def _tolerant_cells(line: str) -> list[tuple[str, bool]] | None:
    """The fields of a one-line row whose quoted fields may hold undoubled quotes, as
    (text, quoted); ``None`` when the line does not read as whole fields that way."""
    cells: list[tuple[str, bool]] = []
    pos = 0
    body = line.rstrip("\r")
    while True:
        found = _TOLERANT_FIELD.match(body, pos)
        if found is None:
            return None
        quoted = found.group(1) is not None
        cells.append((found.group(1) if quoted else found.group(2) or "", quoted))
        pos = found.end()
        if pos == len(body):
            return cells
        if body[pos] != ",":
            return None
        pos += 1


def repair_quotes(file: SourceFile, role: str, warnings: list[str]) -> SourceFile:
    """A primary, address or alias file with the quirk OFAC once published: a quote
    inside a quoted field not doubled (``751,600,"aka","THE "RED" GROUP",-0-``). A
    one-line row that the CSV reader cannot read as the file's columns, but that reads as
    them when each quoted field runs to the first quote followed by a comma or the line
    end, is read that way, with a warning naming file, line and field. Anything else (a
    wrong column count either way, a quote left open: a cut or corrupt file) stays for
    the strict reader to refuse."""
    text = decode_text(file)
    if '"' not in text or not _INNER_QUOTE.search(text):
        return file
    columns = COLUMNS[role]
    lines = text.split("\n")
    repaired = 0
    for i, line in enumerate(lines):
        if not _INNER_QUOTE.search(line):
            continue
        try:
            strict = next(csv.reader([line], strict=True), [])
        except csv.Error:
            strict = []
        if len(strict) == len(columns):
            continue  # reads as it should: doubled quotes, or quotes inside -0- fields
        cells = _tolerant_cells(line)
        if cells is None or len(cells) != len(columns):
            continue
        bad = [columns[k] for k, (cell, quoted) in enumerate(cells) if quoted and '"' in cell]
        if not bad:
            continue
        lines[i] = ",".join(
            '"' + cell.replace('"', '""') + '"' if quoted else cell for cell, quoted in cells
        ) + ("\r" if line.endswith("\r") else "")
        repaired += 1
        if repaired <= 20:
            warnings.append(
                f"{file.name} line {i + 1} field {', '.join(bad)}: an unescaped quote inside "
                "the field (a known OFAC publishing quirk) was read as part of the text"
            )
    if not repaired:
        return file
    if repaired > 20:
        warnings.append(f"{file.name}: {repaired} rows in all had unescaped quotes")
    return SourceFile(file.name, "\n".join(lines).encode("utf-8"))


def side_rows(
    file: SourceFile | None, role: str, known: set[str], warnings: list[str]
) -> tuple[dict[str, list[Row]], int]:
    """Rows of add/alt/comments grouped by ent_num; checks the second-column ids are unique."""
    by_entry: dict[str, list[Row]] = {}
    if file is None:
        return by_entry, 0
    file = (
        _repair_comments(file, warnings)
        if role == COMMENTS
        else repair_quotes(file, role, warnings)
    )
    columns = COLUMNS[role]
    seen: dict[str, int] = {}
    orphans: list[str] = []
    count = 0
    for row in _rows(file, role):
        count += 1
        ent = row.cells[0].strip()
        if role == COMMENTS:
            key = ent
        else:
            key = row.cells[1].strip()
            if not key.isdigit():
                raise SourceFormatError(
                    f"must be a whole number, found {key!r}",
                    file=file.name,
                    line=row.line,
                    field=columns[1],
                )
        if key in seen:
            raise SourceFormatError(
                f"duplicate {columns[0 if role == COMMENTS else 1]} {key} (first on line "
                f"{seen[key]})",
                file=file.name,
                line=row.line,
                field=columns[0 if role == COMMENTS else 1],
            )
        seen[key] = row.line
        if ent not in known:
            orphans.append(ent)
            continue
        by_entry.setdefault(ent, []).append(row)
    if orphans:
        sample = ", ".join(dict.fromkeys(orphans[:5]))
        warnings.append(
            f"{file.name}: {len(orphans)} rows refer to entries missing from the primary "
            f"file and were skipped (ent_num {sample}{', ...' if len(orphans) > 5 else ''})"
        )
    return by_entry, count


def primary_rows(primary: SourceFile) -> list[Row]:
    """The primary file's rows; ``SourceFormatError`` for a repeated ``ent_num`` or no row."""
    rows: list[Row] = []
    seen: dict[str, int] = {}
    for row in _rows(primary, PRIM):
        ent = row.cells[0].strip()
        if ent in seen:
            raise SourceFormatError(
                f"duplicate ent_num {ent} (first on line {seen[ent]})",
                file=primary.name,
                line=row.line,
                field="ent_num",
            )
        seen[ent] = row.line
        rows.append(row)
    if not rows:
        raise SourceFormatError("the file has no entries", file=primary.name)
    return rows
