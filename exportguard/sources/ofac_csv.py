"""OFAC legacy CSV file sets: the SDN list and the non-SDN Consolidated list.

OFAC publishes each list as four header-less CSV files joined on the entry number
(``ent_num``, first column):

============================  =========================  ======================================
SDN set                       Consolidated (non-SDN)     Columns
============================  =========================  ======================================
``sdn.csv`` (primary)         ``cons_prim.csv``          ent_num, name, type, programs, title,
                                                         call sign, vessel type, tonnage, GRT,
                                                         vessel flag, vessel owner, remarks
``add.csv``                   ``cons_add.csv``           ent_num, add_num, address,
                                                         "city, state/province postal code",
                                                         country, address remarks
``alt.csv``                   ``cons_alt.csv``           ent_num, alt_num, type (aka/fka/nka),
                                                         alias name, alias remarks
``sdn_comments.csv``          ``cons_comments.csv``      ent_num, remarks continuation
============================  =========================  ======================================

Quirks of the real files: no header row; ``-0-`` (often ``-0- `` with a trailing blank)
marks an empty field; CRLF line ends; most files end with a DOS end-of-file byte 0x1A
(dropped by :func:`~exportguard.sources._common.decode_text`, which also reads the old
Windows-1252 files). The program column lost its outer brackets (``SDGT] [IFSR`` for
``[SDGT] [IFSR]``). The remarks column is cut at exactly 1,000 characters; the rest of a
long remark is the *direct* continuation in the comments file (concatenated as is, the
cut may fall inside a word). add.csv has many all-empty placeholder rows (skipped) and
merges city, state/province and postal code into one column ("Wuhan, Hubei 430040"),
kept whole in ``Address.city``. Quotes inside names are written as apostrophes
(``'OIL TRUNK PIPELINES 'DRUZHBA''`` where the XML has double quotes) and kept as
published. The weak a.k.a.s live only in the remarks, never in alt.csv. None of the
files carries a publication date, so ``published`` is ``None``.

Mapping to :class:`~exportguard.core.entities.ListEntry`:

- ``id`` is ``"<source>:<ent_num>"`` (``us_ofac_sdn`` for the SDN set, ``us_ofac_cons``
  for cons_*): the same number is the ``uid`` of the XML and the entity ``id`` of the
  Enhanced XML, so all three OFAC formats give one record the same id.
- type: ``individual`` -> person, ``vessel``, ``aircraft``; blank -> organization.
- name: as published, except that a person's ``"SURNAME, Given"`` is put in natural
  order (``"Given SURNAME"``), the way the XML formats build it from their split fields;
  alt.csv names of persons likewise.
- aliases: alt.csv rows (OFAC's strong aliases, kind aka/fka/nka) plus the ``a.k.a.
  'NAME'`` items of the remarks, which in this format are OFAC's *weak* aliases.
- remarks are read for DOB (-> ``birth_dates``, ISO partial, ranges as years), POB,
  nationality/citizenship (-> ``countries``, and apart in ``nationalities`` /
  ``citizenships``) and identifiers (passport, national ID,
  registration numbers, SWIFT/BIC, IMO, digital currency addresses, ...); see
  :func:`~exportguard.sources._ofac_remarks.parse_remarks`. ``remarks`` keeps the full text,
  preceded by the title and the vessel columns when present.
- the vessel call sign is an identifier; the vessel flag and address countries join the
  nationalities in ``countries``.
- ``url`` is the record's page on OFAC's sanctions search.

Bad input: a missing primary file (only add/alt/comments given), an unknown file name,
a row with the wrong number of columns (truncated file, dropped column), a quoted field
still open at the end of the file (a file cut inside the remarks), a non-numeric
or repeated ``ent_num``/``add_num``/``alt_num``, an empty name, an undecodable or empty
file all raise :class:`~exportguard.errors.SourceFormatError` with file, line and field.
Alias/address/comment rows whose entry is missing are tolerated with one warning per file.

Kept in one module (over 500 lines, by ARCHITECTURE.md's exception for one cohesive
parser): every function here reads one part of this one format and maps it to the entry
model; each is tested on the real file, and a split would only scatter the format's
field-by-field mapping over files that no one changes apart.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from exportguard.core.entities import (
    Address,
    Alias,
    AliasQuality,
    EntityType,
    ListEntry,
    ParsedList,
)
from exportguard.core.identifiers import make_identifier
from exportguard.errors import SourceFormatError
from exportguard.sources import _ofac
from exportguard.sources._common import SourceFile, decode_text
from exportguard.sources._ofac_remarks import parse_remarks

NAME = "ofac_csv"

_PRIM, _ADD, _ALT, _COMMENTS = "primary", "add", "alt", "comments"
_ROLE_ORDER = (_PRIM, _ADD, _ALT, _COMMENTS)

#: File name (lower case) -> (list set, role in the set).
_FILES: dict[str, tuple[str, str]] = {
    "sdn.csv": ("sdn", _PRIM),
    "add.csv": ("sdn", _ADD),
    "alt.csv": ("sdn", _ALT),
    "sdn_comments.csv": ("sdn", _COMMENTS),
    "cons_prim.csv": ("cons", _PRIM),
    "cons_add.csv": ("cons", _ADD),
    "cons_alt.csv": ("cons", _ALT),
    "cons_comments.csv": ("cons", _COMMENTS),
}
_FILE_NAMES = {(s, role): name for name, (s, role) in _FILES.items()}
_SOURCES = {"sdn": _ofac.SDN_SOURCE, "cons": _ofac.CONS_SOURCE}

_COLUMNS: dict[str, tuple[str, ...]] = {
    _PRIM: (
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
    _ADD: (
        "ent_num",
        "Add_num",
        "Address",
        "City/State/Province/Postal Code",
        "Country",
        "Add_remarks",
    ),
    _ALT: ("ent_num", "alt_num", "alt_type", "alt_name", "alt_remarks"),
    _COMMENTS: ("ent_num", "Remarks_Extended"),
}

#: OFAC cuts the remarks column at this length and continues it in the comments file.
_REMARKS_LIMIT = 1000


_NULL = "-0- "


def _value(text: str) -> str | None:
    """A field without OFAC's ``-0-`` null and surrounding blanks (inner text untouched)."""
    text = text.strip()
    if not text or text == "-0-":
        return None
    if "  " in text:
        text = " ".join(text.split())
    return text


def _split(name: str) -> tuple[str, str]:
    """(container, file name): the folder, or the zip archive of a member ``a.zip!sdn.csv``."""
    cut = max(name.rfind("/"), name.rfind("\\"), name.rfind("!"))
    return name[: max(cut, 0)], name[cut + 1 :]


def _role(file: SourceFile) -> tuple[str, str] | None:
    return _FILES.get(_split(file.name)[1].lower())


def sniff(file: SourceFile) -> bool:
    """An OFAC legacy CSV: one of the eight file names and a first row of the right shape."""
    role = _role(file)
    if role is None:
        return False
    head = file.head().rstrip(b"\x1a")
    if not head.strip():
        return True  # an empty sdn.csv is still ours: parse() reports it as empty
    first, newline, _ = head.partition(b"\n")
    try:
        row = next(csv.reader([first.decode("latin-1").rstrip("\r")]))
    except (csv.Error, StopIteration):
        return False
    expected = len(_COLUMNS[role[1]])
    if not row or not row[0].strip().isdigit():
        return False
    return len(row) == expected if newline else len(row) <= expected


def group(files: Sequence[SourceFile]) -> list[list[SourceFile]]:
    """Group the files of one set: same folder and same list (sdn* or cons*)."""
    groups: dict[tuple[str, str], list[SourceFile]] = {}
    for file in files:
        role = _role(file)
        if role is None:
            continue
        groups.setdefault((_split(file.name)[0], role[0]), []).append(file)
    out = []
    for key in sorted(groups):
        members = groups[key]
        members.sort(key=lambda f: _ROLE_ORDER.index(_FILES[_split(f.name)[1].lower()][1]))
        out.append(members)
    return out


def unusable(files: Sequence[SourceFile]) -> str | None:
    """Why a group of :func:`group` cannot be imported on its own (its primary file is
    missing: add/alt/comments only add to the primary's entries), or ``None``."""
    roles = {r[1] for f in files if (r := _role(f))}
    if _PRIM in roles or not roles:
        return None
    sets = {r[0] for f in files if (r := _role(f))}
    primary = _FILE_NAMES[(min(sets), _PRIM)]
    return f"the primary file {primary} is missing; the others only add to its entries"


@dataclass(slots=True)
class _Row:
    line: int
    cells: list[str]


def _rows(file: SourceFile, role: str) -> Iterator[_Row]:
    """The file's rows, each checked for its column count and a numeric ent_num."""
    columns = _COLUMNS[role]
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
                    f"{len(cells)}: the file is truncated or not a {_split(file.name)[1]} of the "
                    "OFAC legacy CSV format",
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
            yield _Row(line, cells)
    except csv.Error as exc:
        hint = " (the file is truncated?)" if "end of data" in str(exc) else ""
        raise SourceFormatError(
            f"unreadable CSV row: {exc}{hint}", file=file.name, line=start
        ) from exc


def _assign(files: Sequence[SourceFile]) -> tuple[str, dict[str, SourceFile]]:
    if not files:
        raise SourceFormatError("no files given: an OFAC CSV set needs at least sdn.csv")
    roles: dict[str, SourceFile] = {}
    sets: set[str] = set()
    for file in files:
        role = _role(file)
        if role is None:
            raise SourceFormatError(
                "not a file of an OFAC legacy CSV set; expected one of "
                + ", ".join(sorted(_FILES)),
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
    if _PRIM not in roles:
        primary = _FILE_NAMES[(list_set, _PRIM)]
        given = ", ".join(_split(f.name)[1] for f in files)
        raise SourceFormatError(
            f"the primary file {primary} is missing: {given} only add addresses, aliases and "
            f"remarks to its entries and cannot be imported without {primary}",
            file=files[0].name,
        )
    return list_set, roles


_TYPES = {
    None: EntityType.ORGANIZATION,
    "individual": EntityType.PERSON,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}


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


def _repair_quotes(file: SourceFile, role: str, warnings: list[str]) -> SourceFile:
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
    columns = _COLUMNS[role]
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


def _side_rows(
    file: SourceFile | None, role: str, known: set[str], warnings: list[str]
) -> tuple[dict[str, list[_Row]], int]:
    """Rows of add/alt/comments grouped by ent_num; checks the second-column ids are unique."""
    by_entry: dict[str, list[_Row]] = {}
    if file is None:
        return by_entry, 0
    file = (
        _repair_comments(file, warnings)
        if role == _COMMENTS
        else _repair_quotes(file, role, warnings)
    )
    columns = _COLUMNS[role]
    seen: dict[str, int] = {}
    orphans: list[str] = []
    count = 0
    for row in _rows(file, role):
        count += 1
        ent = row.cells[0].strip()
        if role == _COMMENTS:
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
                f"duplicate {columns[0 if role == _COMMENTS else 1]} {key} (first on line "
                f"{seen[key]})",
                file=file.name,
                line=row.line,
                field=columns[0 if role == _COMMENTS else 1],
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


@dataclass(slots=True)
class _Set:
    """One set being parsed: its files, side rows by ent_num and what to warn about."""

    source: str
    list_name: str
    primary: SourceFile
    comments: dict[str, list[_Row]]
    aliases: dict[str, list[_Row]]
    addresses: dict[str, list[_Row]]
    cut: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)
    unknown_types: dict[str, int] = field(default_factory=dict)


def parse(files: Sequence[SourceFile]) -> ParsedList:
    """Parse one OFAC CSV set (the primary file, optionally with add/alt/comments)."""
    list_set, roles = _assign(files)
    source = _SOURCES[list_set]
    primary = roles[_PRIM]
    warnings: list[str] = []
    prim_rows = _primary_rows(_repair_quotes(primary, _PRIM, warnings))
    known = {row.cells[0].strip() for row in prim_rows}
    comments, n_comments = _side_rows(roles.get(_COMMENTS), _COMMENTS, known, warnings)
    aliases, n_aliases = _side_rows(roles.get(_ALT), _ALT, known, warnings)
    addresses, n_addresses = _side_rows(roles.get(_ADD), _ADD, known, warnings)
    state = _Set(source, _ofac.LIST_NAMES[source], primary, comments, aliases, addresses)
    entries = [_entry(state, row) for row in prim_rows]
    warnings.extend(_warnings(state, list_set, _COMMENTS in roles))
    return ParsedList(
        source=source,
        format=NAME,
        entries=tuple(entries),
        published=None,
        counts={
            "rows": len(prim_rows),
            "alias_rows": n_aliases,
            "address_rows": n_addresses,
            "comment_rows": n_comments,
            "entries": len(entries),
            "names": sum(1 + len(e.aliases) for e in entries),
        },
        warnings=tuple(warnings),
    )


def _primary_rows(primary: SourceFile) -> list[_Row]:
    rows: list[_Row] = []
    seen: dict[str, int] = {}
    for row in _rows(primary, _PRIM):
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


def _warnings(state: _Set, list_set: str, have_comments: bool) -> list[str]:
    out: list[str] = []
    name = state.primary.name
    for raw_type, count in sorted(state.unknown_types.items()):
        out.append(f"{name}: {count} entries of unknown type {raw_type!r}")
    if state.cut:
        comments = _FILE_NAMES[(list_set, _COMMENTS)]
        why = "has none for them" if have_comments else "was not given"
        more = ", ..." if len(state.cut) > 5 else ""
        out.append(
            f"{name}: {len(state.cut)} remarks are cut at {_REMARKS_LIMIT} characters and "
            f"have no continuation ({comments} {why}); their last, cut item is kept in the "
            f"remarks text but never read for identifiers, aliases or dates; ent_num "
            f"{', '.join(state.cut[:5])}{more}"
        )
    if state.unread:
        examples = "; ".join(repr(u) for u in state.unread[:3])
        out.append(
            f"{name}: {len(state.unread)} dates of birth could not be read and stay in the "
            f"remarks only ({examples})"
        )
    return out


def _entity_type(state: _Set, raw: str) -> EntityType:
    value = _value(raw)
    found = _TYPES.get(value.lower() if value else None)
    if found is None:
        state.unknown_types[str(value)] = state.unknown_types.get(str(value), 0) + 1
        return EntityType.UNKNOWN
    return found


def _entry(state: _Set, row: _Row) -> ListEntry:
    c = row.cells
    ent = c[0].strip()
    name = _value(c[1])
    if name is None:
        raise SourceFormatError(
            "the entry has no name", file=state.primary.name, line=row.line, field="SDN_Name"
        )
    entity_type = _entity_type(state, c[2])
    person = entity_type is EntityType.PERSON
    if person:
        name = _ofac.person_name(name)

    remarks_raw = c[11]
    extra = state.comments.get(ent)
    cut = False
    if extra:
        remarks_raw += extra[0].cells[1]
    elif len(remarks_raw) >= _REMARKS_LIMIT:
        state.cut.append(ent)
        cut = True
    remarks = _value(remarks_raw)
    # A remark cut at the limit ends in an item cut anywhere (a crypto address "1Gq", a
    # stray ";"): only the items before its last "; " are read (fault 8 of issue 14).
    # An item followed by its ";" separator is whole: only the text after the last
    # separator is cut ("...; alt. Digital Currency Address - XBT 18yWCu...zGa;" keeps
    # the address).
    readable = remarks
    if cut and remarks:
        body = remarks.rstrip()
        readable = body[:-1] if body.endswith(";") else body.rpartition("; ")[0]
    facts = parse_remarks(readable, person)
    state.unread.extend(facts.unread_dates)

    aliases: list[Alias] = []
    for alt in state.aliases.get(ent, ()):
        alt_name = _value(alt.cells[3])
        if alt_name is not None:
            kind = _ofac.ALIAS_KINDS.get((_value(alt.cells[2]) or "").lower(), "other")
            aliases.append(
                Alias(
                    _ofac.person_name(alt_name) if person else alt_name, AliasQuality.STRONG, kind
                )
            )
    aliases.extend(facts.aliases)

    addresses = [a for add in state.addresses.get(ent, ()) if (a := _address(add.cells))]
    country_codes = facts.countries + [a.country for a in addresses if a.country]

    details = c[4:11]
    if details.count(_NULL) == 7:
        notes = None
    else:
        notes, call_sign, flag = _details(details)
        if call_sign:
            facts.identifiers.insert(0, make_identifier("Call Sign", call_sign))
        if (flag_code := _ofac.country_code(flag)) is not None:
            country_codes.append(flag_code)

    return ListEntry(
        id=f"{state.source}:{ent}",
        source=state.source,
        list_name=state.list_name,
        type=entity_type,
        name=name,
        aliases=_ofac.unique_aliases(name, aliases),
        programs=_ofac.split_programs(_value(c[3])),
        addresses=tuple(addresses),
        countries=tuple(sorted(set(country_codes))),
        nationalities=_ofac.unique(facts.nationalities),
        citizenships=_ofac.unique(facts.citizenships),
        identifiers=tuple(dict.fromkeys(facts.identifiers)),
        birth_dates=_ofac.unique(facts.birth_dates),
        birth_places=_ofac.unique(facts.birth_places),
        remarks=remarks if notes is None else _ofac.join_remarks([*notes, remarks]),
        url=_ofac.DETAILS_URL.format(ent),
    )


_DETAIL_LABELS = ("Title", None, "Vessel Type", "Tonnage", "GRT", "Vessel Flag", "Vessel Owner")


def _details(cells: list[str]) -> tuple[list[str], str | None, str | None]:
    """Title and vessel columns: remark lines, the call sign and the flag."""
    values = [_value(v) for v in cells]
    notes = [
        f"{label}: {v}" for label, v in zip(_DETAIL_LABELS, values, strict=True) if label and v
    ]
    return notes, values[1], values[5]


def _address(cells: list[str]) -> Address | None:
    street, city_line, country = _value(cells[2]), _value(cells[3]), _value(cells[4])
    if street is None and city_line is None and country is None:
        return None  # OFAC's all-empty placeholder rows
    full = ", ".join(p for p in (street, city_line, country) if p)
    # The legacy CSV merges city, state/province and postal code into one column; it is
    # kept whole in ``city`` since the parts cannot be told apart reliably.
    return Address(full=full, street=street, city=city_line, country=_ofac.country_code(country))
