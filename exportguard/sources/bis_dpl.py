"""BIS Denied Persons List: the tab-delimited text file (``dpl.txt``).

Layout
    One header line and one line per (party, address); tab-separated, every field wrapped
    in double quotes (quotes inside a value are doubled, as in ``IHSAN MEDHAT ""SAMMY""
    ELASHI``). The twelve columns are ``Name Street_Address City State Country Postal_Code
    Effective_Date Expiration_Date Standard_Order Last_Update Action FR_Citation``.
    ``Effective_Date``/``Expiration_Date`` are ``MM/DD/YYYY``, ``Last_Update`` is ISO.
    The file has no type column, no aliases column, no native id and no publication date.

Identity and merging
    A party with several addresses appears once per address, and the copies are typed
    separately: their ``FR_Citation`` and ``Action`` texts differ by typos
    (``88 F.R.30078``, ``81.F.R.``), ``Last_Update`` or even ``Expiration_Date`` may differ,
    and a few lines are exact duplicates (``DAQING ZHOU``, ``NEI-CHIEN CHU`` in the
    2023-11-30 file). A renewal of a temporary denial order appends a new citation and
    moves ``Effective_Date``. So the stable identity of a listing is

        normalised name (upper case, letter/digit runs joined by ``-``)
        + the *earliest* Federal Register reference in ``FR_Citation`` (``67FR10890``),
          or the ``Effective_Date`` when the text holds no ``<vol> F.R. <page>`` reference,

    and the id is ``us_bis_dpl:<NAME-SLUG>:<ref>`` (``us_bis_dpl:I-ASH:67FR10890``).
    Lines with the same identity are merged into one entry, deterministically, in file
    order: name, citation, action and standard order come from the first line (the
    ``citation``, ``remarks``); every distinct ``FR_Citation`` of the merged lines is kept in
    ``citations`` and every line's ``Action`` (with its effective date) in ``actions``, the
    distinct effective dates in ``listed_dates``; addresses are the union; ``listed_from``
    is the earliest effective date; ``listed_until`` the latest expiration date (or
    ``None`` when one line has none: an open-ended denial).
    Spellings of the name that differ after white-space cleaning
    (``AL-NASER  AIRLINES``/``AL NASER AIRLINES``) become aliases. Because the real file
    repeats lines, a repeated line is not an error here; disagreeing dates across merged
    lines are reported as warnings. The same person under two different orders (``I.
    ASH``, 2002 and 2003) stays two entries.

Field mapping
    name as published (white space collapsed); names that embed another name
    (``FUYI SUN A/K/A FRANK SUN``, ``SIBERIAN AIRLINES D/B/A S7 AIRLINES``,
    ``PEARL (A.K.A. NEI-CHIEN CHU) LI``) keep it and gain both parts as aliases.
    Address parts -> :class:`Address` (``State`` -> region); ``Country`` is an ISO code or
    a name (``PRC``, in the country vocabulary) mapped with ``countries.to_code``. US
    addresses often leave ``Country`` empty; it is not guessed. A US state code written in
    ``Country`` with ``State`` empty (``NM``) is read as that state of the US.
    ``Effective_Date`` -> ``listed_from`` (required),
    ``Expiration_Date`` -> ``listed_until``, ``FR_Citation`` -> ``citation``.
    ``Standard_Order``, ``Action`` and ``Last_Update`` go to ``remarks``. The licence
    requirement of a denial order is not in the file, so ``licence_requirement`` is
    ``None``.

Type
    The DPL mixes people and companies without saying which. An entry is an organisation
    when its name carries a legal form or a company word (``INC``, ``LTD``, ``LLC``,
    ``CORP``, ``CO.``, ``GMBH``, ``S.A.``, ``AIRLINES``, ``TRADING``, ...; see
    :data:`~exportguard.sources._bis_dpl_names.ORG_WORDS`) or a company-like stem
    (``TECH``, ``ELECTR``, ``AVIA``, ...); otherwise it is a person. A few bare brand
    names (``EMTRASUR``, ``KZ RESULTS``) are therefore typed as persons.

Dates
    ``Last_Update`` is informational and has typos in the real data (``3033-09-30``,
    ``1023-11-01``): a value outside 1970 .. (latest ``Effective_Date`` + 1 year) or an
    unparsable one is ignored with a warning. The file carries no publication date, so
    ``published`` is ``None``; the newest sane ``Effective_Date``/``Last_Update`` is
    reported in a warning for the importer.

The name rules (the type, names inside a name, the id's name part) are in
:mod:`~exportguard.sources._bis_dpl_names`, which the CSL applies to its rows too.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from exportguard.core import countries
from exportguard.core.entities import Address, Alias, EntityType, ListEntry
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources._bis_dpl_names import embedded_aliases, looks_like_organization, name_slug
from exportguard.sources._common import (
    check_unique_ids,
    clean,
    decode_text,
    header_columns,
    only_file,
    unknown_columns,
)

NAME = "bis_dpl_txt"
SOURCE = "us_bis_dpl"
LIST_NAME = "BIS Denied Persons List"

COLUMNS = (
    "Name",
    "Street_Address",
    "City",
    "State",
    "Country",
    "Postal_Code",
    "Effective_Date",
    "Expiration_Date",
    "Standard_Order",
    "Last_Update",
    "Action",
    "FR_Citation",
)

_FR_REF = re.compile(r"(\d+)\s*\.?\s*F\.?\s*R\.?\s*(\d+)", re.IGNORECASE)
_DATE_US = "%m/%d/%Y"


def sniff(file: SourceFile) -> bool:
    """The header line of the DPL text file (quoted or not)."""
    first = file.head(512).split(b"\n", 1)[0].replace(b'"', b"").strip()
    return first.startswith(b"Name\tStreet_Address\tCity\tState\tCountry\tPostal_Code\t")


@dataclass(slots=True)
class _Group:
    """Lines of one listing, merged in file order."""

    line: int
    name: str
    names: list[str]
    addresses: list[Address]
    effective: list[date]
    expirations: list[date | None]
    citation: str | None
    remarks: str | None
    lines: list[int] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)


def parse(files: Sequence[SourceFile]) -> ParsedList:
    """Parse one ``dpl.txt`` file into entries (one per listing, addresses merged)."""
    file = only_file(files, NAME)
    text = decode_text(file)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quotechar='"', strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise SourceFormatError("the file is empty", file=file.name)
        index = {n: i for i, n in enumerate(header_columns(file, header, COLUMNS))}
        rows: list[tuple[int, list[str]]] = []
        for row in reader:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != len(header):
                raise SourceFormatError(
                    f"the line has {len(row)} fields but the header has {len(header)} "
                    "(truncated or broken line?)",
                    file=file.name,
                    line=reader.line_num,
                )
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise SourceFormatError(
            f"unreadable tab-delimited text: {exc}", file=file.name, line=reader.line_num
        ) from exc
    if not rows:
        raise SourceFormatError("the file has a header but no rows", file=file.name, line=1)
    parsed = _build(file.name, index, rows)
    extra = unknown_columns(file, header, COLUMNS)
    return replace(parsed, warnings=(*extra, *parsed.warnings)) if extra else parsed


def _us_date(value: str, file: str, line: int, column: str, required: bool) -> date | None:
    text = value.strip()
    if not text:
        if required:
            raise SourceFormatError("the date is missing", file=file, line=line, field=column)
        return None
    try:
        return datetime.strptime(text, _DATE_US).date()
    except ValueError:
        raise SourceFormatError(
            f"unparsable date {text!r} (expected MM/DD/YYYY)", file=file, line=line, field=column
        ) from None


def _fr_key(citation: str) -> str | None:
    refs = [(int(v), int(p)) for v, p in _FR_REF.findall(citation)]
    if not refs:
        return None
    volume, page = min(refs)
    return f"{volume}FR{page}"


def _build(file: str, index: dict[str, int], rows: list[tuple[int, list[str]]]) -> ParsedList:
    i_name, i_street, i_city = index["Name"], index["Street_Address"], index["City"]
    i_state, i_country, i_postal = index["State"], index["Country"], index["Postal_Code"]
    i_eff, i_exp, i_std = index["Effective_Date"], index["Expiration_Date"], index["Standard_Order"]
    i_upd, i_action, i_cite = index["Last_Update"], index["Action"], index["FR_Citation"]

    warnings: list[str] = []
    groups: dict[str, _Group] = {}
    updates: list[tuple[int, str]] = []
    for line, row in rows:
        name = clean(row[i_name])
        if name is None:
            raise SourceFormatError("the name is empty", file=file, line=line, field="Name")
        effective = _us_date(row[i_eff], file, line, "Effective_Date", required=True)
        assert effective is not None
        expiration = _us_date(row[i_exp], file, line, "Expiration_Date", required=False)
        citation = clean(row[i_cite])
        ref = (_fr_key(citation) if citation else None) or effective.isoformat()
        native = f"{name_slug(name)}:{ref}"
        address = _address(row[i_street], row[i_city], row[i_state], row[i_postal], row[i_country])
        update = clean(row[i_upd])
        if update:
            updates.append((line, update))
        action = clean(row[i_action])
        action = f"{effective.isoformat()}: {action}" if action else None
        group = groups.get(native)
        if group is None:
            remarks = (
                ("Standard order", clean(row[i_std])),
                ("Action", clean(row[i_action])),
                ("Last update", update),
            )
            groups[native] = _Group(
                line=line,
                name=name,
                names=[name],
                addresses=[address] if address else [],
                effective=[effective],
                expirations=[expiration],
                citation=citation,
                remarks="; ".join(f"{k}: {v}" for k, v in remarks if v) or None,
                lines=[line],
                citations=[citation] if citation else [],
                actions=[action] if action else [],
            )
            continue
        group.lines.append(line)
        if citation and citation not in group.citations:
            group.citations.append(citation)
        if action and action not in group.actions:
            group.actions.append(action)
        if name not in group.names:
            group.names.append(name)
        if address and address not in group.addresses:
            group.addresses.append(address)
        group.effective.append(effective)
        group.expirations.append(expiration)

    latest_effective = max(d for g in groups.values() for d in g.effective)
    latest = _latest_update(updates, latest_effective, warnings)

    entries: list[ListEntry] = []
    merged_rows = 0
    for native, group in groups.items():
        if len(group.lines) > 1:
            merged_rows += len(group.lines) - 1
            if len(set(group.effective)) > 1 or len(set(group.expirations)) > 1:
                warnings.append(
                    f"lines {', '.join(map(str, group.lines))}: merged lines of {group.name!r} "
                    "disagree on Effective_Date/Expiration_Date; using the earliest effective "
                    "and the latest expiration date"
                )
        entries.append(_entry(native, group))
    check_unique_ids(entries, file)
    warnings.append(
        "the file carries no publication date; its newest Effective_Date/Last_Update is "
        f"{latest.isoformat()}"
    )
    return ParsedList(
        source=SOURCE,
        format=NAME,
        entries=tuple(entries),
        published=None,
        counts={
            "rows": len(rows),
            "entries": len(entries),
            "merged_rows": merged_rows,
            "names": sum(len(e.names()) for e in entries),
        },
        warnings=tuple(warnings),
    )


def _latest_update(
    updates: list[tuple[int, str]], latest_effective: date, warnings: list[str]
) -> date:
    """The newest sane date of the file; implausible ``Last_Update`` values are warned about."""
    latest = latest_effective
    for line, value in updates:
        try:
            when = date.fromisoformat(value)
        except ValueError:
            warnings.append(f"line {line}, field 'Last_Update': unparsable date {value!r} ignored")
            continue
        if when.year < 1970 or (when - latest_effective).days > 366:
            warnings.append(
                f"line {line}, field 'Last_Update': implausible date {value} "
                "(a typo in the source?) ignored"
            )
            continue
        latest = max(latest, when)
    return latest


def _address(street: str, city: str, state: str, postal: str, country: str) -> Address | None:
    s, c, r, p, k = clean(street), clean(city), clean(state), clean(postal), clean(country)
    code = countries.to_code(k) if k else None
    if k and code is None and r is None and countries.us_state(k):
        # A US state code in the Country column, State empty ("NM"): a US address.
        r, k, code = k.upper(), None, "US"
    parts = [x for x in (s, c, r, p, k) if x]
    if not parts:
        return None
    return Address(
        full=", ".join(parts),
        street=s,
        city=c,
        region=r,
        postal_code=p,
        country=code,
    )


def _entry(native: str, group: _Group) -> ListEntry:
    aliases: dict[str, Alias] = {}
    for spelling in group.names:
        if spelling != group.name:
            aliases.setdefault(spelling, Alias(spelling))
        for alias in embedded_aliases(spelling):
            if alias.name != group.name:
                aliases.setdefault(alias.name, alias)
    expirations = group.expirations
    until = None if any(e is None for e in expirations) else max(e for e in expirations if e)
    kind = EntityType.ORGANIZATION if looks_like_organization(group.name) else EntityType.PERSON
    codes = sorted({a.country for a in group.addresses if a.country})
    return ListEntry(
        id=f"{SOURCE}:{native}",
        source=SOURCE,
        list_name=LIST_NAME,
        type=kind,
        name=group.name,
        aliases=tuple(aliases.values()),
        addresses=tuple(group.addresses),
        countries=tuple(codes),
        listed_from=min(group.effective),
        listed_until=until,
        citation=group.citation,
        remarks=group.remarks,
        citations=tuple(group.citations) if len(group.citations) > 1 else (),
        actions=tuple(group.actions) if len(group.lines) > 1 else (),
        listed_dates=(
            tuple(d.isoformat() for d in sorted(set(group.effective)))
            if len(set(group.effective)) > 1
            else ()
        ),
    )
