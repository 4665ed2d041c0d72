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
"""

from __future__ import annotations

import csv
from collections.abc import Sequence

from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.sources import _ofac
from exportguard.sources._ofac_csv_entry import REMARKS_LIMIT, SetState, to_entry
from exportguard.sources._ofac_csv_rows import (
    ADD,
    ALT,
    COLUMNS,
    COMMENTS,
    FILE_NAMES,
    FILES,
    PRIM,
    ROLE_ORDER,
    assign,
    primary_rows,
    repair_quotes,
    role_of,
    side_rows,
    split_path,
)

NAME = "ofac_csv"

_SOURCES = {"sdn": _ofac.SDN_SOURCE, "cons": _ofac.CONS_SOURCE}


def sniff(file: SourceFile) -> bool:
    """An OFAC legacy CSV: one of the eight file names and a first row of the right shape."""
    role = role_of(file)
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
    expected = len(COLUMNS[role[1]])
    if not row or not row[0].strip().isdigit():
        return False
    return len(row) == expected if newline else len(row) <= expected


def group(files: Sequence[SourceFile]) -> list[list[SourceFile]]:
    """Group the files of one set: same folder and same list (sdn* or cons*)."""
    groups: dict[tuple[str, str], list[SourceFile]] = {}
    for file in files:
        role = role_of(file)
        if role is None:
            continue
        groups.setdefault((split_path(file.name)[0], role[0]), []).append(file)
    out = []
    for key in sorted(groups):
        members = groups[key]
        members.sort(key=lambda f: ROLE_ORDER.index(FILES[split_path(f.name)[1].lower()][1]))
        out.append(members)
    return out


def unusable(files: Sequence[SourceFile]) -> str | None:
    """Why a group of :func:`group` cannot be imported on its own (its primary file is
    missing: add/alt/comments only add to the primary's entries), or ``None``."""
    roles = {r[1] for f in files if (r := role_of(f))}
    if PRIM in roles or not roles:
        return None
    sets = {r[0] for f in files if (r := role_of(f))}
    primary = FILE_NAMES[(min(sets), PRIM)]
    return f"the primary file {primary} is missing; the others only add to its entries"


def parse(files: Sequence[SourceFile]) -> ParsedList:
    """Parse one OFAC CSV set (the primary file, optionally with add/alt/comments)."""
    list_set, roles = assign(files)
    source = _SOURCES[list_set]
    primary = roles[PRIM]
    warnings: list[str] = []
    prim_rows = primary_rows(repair_quotes(primary, PRIM, warnings))
    known = {row.cells[0].strip() for row in prim_rows}
    comments, n_comments = side_rows(roles.get(COMMENTS), COMMENTS, known, warnings)
    aliases, n_aliases = side_rows(roles.get(ALT), ALT, known, warnings)
    addresses, n_addresses = side_rows(roles.get(ADD), ADD, known, warnings)
    state = SetState(source, _ofac.LIST_NAMES[source], primary, comments, aliases, addresses)
    entries = [to_entry(state, row) for row in prim_rows]
    warnings.extend(_warnings(state, list_set, COMMENTS in roles))
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


def _warnings(state: SetState, list_set: str, have_comments: bool) -> list[str]:
    out: list[str] = []
    name = state.primary.name
    for raw_type, count in sorted(state.unknown_types.items()):
        out.append(f"{name}: {count} entries of unknown type {raw_type!r}")
    if state.cut:
        comments = FILE_NAMES[(list_set, COMMENTS)]
        why = "has none for them" if have_comments else "was not given"
        more = ", ..." if len(state.cut) > 5 else ""
        out.append(
            f"{name}: {len(state.cut)} remarks are cut at {REMARKS_LIMIT} characters and "
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
