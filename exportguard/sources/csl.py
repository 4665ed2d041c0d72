"""trade.gov Consolidated Screening List (CSL), CSV download.

Layout
    One header line with 29 columns (``_id,source,entity_number,type,programs,name,title,
    addresses,federal_register_notice,start_date,end_date,standard_order,
    license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,
    gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,
    citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids``)
    and one row per listed party per sub-list. The CSL merges 13 US lists; ``source`` names
    the sub-list (``Entity List (EL) - Bureau of Industry and Security``) and becomes the
    entry's ``list_name``. Multi-valued cells use ``"; "`` as separator. Every column is
    required in the header; extra columns are ignored.

Ids
    ``_id`` is the OFAC entity number for Treasury rows and a hash for the others (40 hex
    in 2022, 56 hex in 2025). It is *not* unique in a file: a Treasury party on several
    Treasury lists (SDN + SSI + CAP ...) appears once per list with the same ``_id`` (71
    such ids in the 2022-05-16 file). The entry id therefore qualifies it with the
    sub-list's abbreviation, the first word in parentheses of ``source``:
    ``us_trade_csl:EL-9bb32c72...``, ``us_trade_csl:SDN-21944``, ``us_trade_csl:SSI-18741``.
    The 2022-05-16 file also repeats one row on the same sub-list (CAP ``15268``, lines
    1979-1980, identical except that one copy lacks ``source_list_url``): a repeat whose
    content matches is dropped with a warning (its list URL fills a missing one); a repeat
    with different content is an error.

Type
    ``Individual``/``Entity``/``Vessel``/``Aircraft`` map to person/organisation/vessel/
    aircraft. Only Treasury rows fill ``type``. An empty type is inferred: organisation for
    the BIS Entity List, Unverified List and Military End User list (lists of companies
    and institutions); for the Denied Persons List the DPL parser's rule (organisation
    when the name carries a legal form/company word, else person); for the others (ITAR
    debarred, ISN nonproliferation) organisation on a company word, else unknown.

Field mapping
    ``alt_names`` -> aliases (split on ``;``, a leading ``and`` of the last item of BIS
    enumerations dropped, ``f.k.a.``/``a.k.a.``/``n.k.a.`` prefixes -> alias kind, non-Latin
    names -> ``original-script``); names that embed another (``X (f.k.a. Y)``) also get
    their parts as aliases. ``addresses`` -> one :class:`Address` per ``"; "`` item; the
    CSL flattens the parts to ``street, city, state, postal, country`` with empty parts
    dropped, so only the country (the last part, ISO code or name, via
    ``countries.to_code``) is recovered; the rest stays in ``full``. ``programs`` ->
    programs. ``nationalities`` and ``citizenships`` are also kept apart on the entry;
    they, address countries and ``vessel_flag``
    -> ``countries``. ``dates_of_birth`` -> ISO strings: ``1962-08-06``, ``1967``,
    ``circa 1960`` -> ``1960``, ``1958 to 1960`` -> each year (ranges over 10 years keep
    their ends). ``start_date``/``end_date`` -> listed_from/until,
    ``federal_register_notice`` -> citation, ``license_requirement``/``license_policy``
    verbatim (white space collapsed), ``source_list_url`` (else
    ``source_information_url``) -> url.

    ``ids`` holds OFAC's identification features, ``"; "``-separated, each a
    comma-separated item in one of two layouts: 2022 files write
    ``[country, ][expiry date, ][issue date, ]number, kind`` (``NI, 2022-03-02,
    2012-03-02, C01190809, Passport``; with one date the CSL does not say whether it is of
    issue or expiry: it is kept as ``stated_date``), 2025 files ``kind, number[, country]``
    (``Passport, 836238033, KP``). The layout is detected once per file from well-known
    kinds. Items whose kind ends in ``:`` or ``-`` (OFAC's informational features:
    ``Secondary sanctions risk:``, ``Additional Sanctions Information -``) go to remarks;
    all others become :class:`Identifier` of the one kind vocabulary
    (:func:`~exportguard.core.identifiers.identifier_kind`), the CSL's kind kept as the
    label; ``Gender`` -> ``gender`` (lower case: ``male``), ``Email Address``,
    ``Website``, ``Phone Number`` (and ``Fax``) -> ``contacts`` (``"e-mail: x@y.ru"``,
    ``"website: ..."``, ``"phone: ..."``), never identifiers. ``call_sign`` is
    an identifier too. ``title``, ``standard_order`` and the vessel details go to remarks.

Publication date
    The CSV carries none: ``published`` is ``None``.

Kept in one module (over 500 lines, by ARCHITECTURE.md's exception for one cohesive
parser): every function here reads one part of this one format and maps it to the entry
model; each is tested on the real file, and a split would only scatter the format's
field-by-field mapping over files that no one changes apart.
"""

from __future__ import annotations

import csv
import gc
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import NoReturn

from exportguard.core import countries
from exportguard.core.entities import (
    Address,
    Alias,
    AliasQuality,
    EntityType,
    Identifier,
    ListEntry,
    ParsedList,
)
from exportguard.core.identifiers import make_identifier
from exportguard.errors import SourceFormatError
from exportguard.sources._common import (
    SourceFile,
    check_unique_ids,
    decode_text,
    header_columns,
    non_latin,
    only_file,
    unknown_columns,
    year_range,
)
from exportguard.sources.bis_dpl import embedded_aliases, looks_like_organization

NAME = "csl_csv"
SOURCE = "us_trade_csl"

COLUMNS = (
    "_id", "source", "entity_number", "type", "programs", "name", "title", "addresses",
    "federal_register_notice", "start_date", "end_date", "standard_order", "license_requirement",
    "license_policy", "call_sign", "vessel_type", "gross_tonnage", "gross_registered_tonnage",
    "vessel_flag", "vessel_owner", "remarks", "source_list_url", "alt_names", "citizenships",
    "dates_of_birth", "nationalities", "places_of_birth", "source_information_url", "ids"
)  # fmt: skip
_URL_COLUMNS = frozenset({"source_list_url", "source_information_url"})

_TYPES = {
    "individual": EntityType.PERSON,
    "entity": EntityType.ORGANIZATION,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}
_TYPES_EXACT = {k.capitalize(): v for k, v in _TYPES.items()}
#: Sub-lists whose untyped rows are organisations.
_ORG_LISTS = frozenset({"EL", "UVL", "MEU"})
#: ``ids`` kinds that are contact details or the gender (kind casefolded -> label).
_CONTACT_KINDS = {
    "gender": "gender",
    "email address": "e-mail",
    "email": "e-mail",
    "website": "website",
    "phone number": "phone",
    "telephone": "phone",
    "fax": "fax",
}
_GENDER = "gender: "


def _gender(contacts: list[str]) -> str | None:
    """The gender among an entry's contact lines (``"gender: male"`` -> ``"male"``)."""
    found = dict.fromkeys(c[len(_GENDER) :] for c in contacts if c.startswith(_GENDER))
    return "; ".join(found) or None


#: Identification kinds used to tell the two ``ids`` layouts apart.
_KNOWN_KINDS = frozenset(
    {
        "Gender",
        "Passport",
        "Website",
        "Email Address",
        "Tax ID No.",
        "National ID No.",
        "Registration Number",
        "Registration ID",
        "SWIFT/BIC",
        "Secondary sanctions risk:",
        "Additional Sanctions Information -",
        "Vessel Registration Identification",
        "Cedula No.",
        "Organization Established Date",
    }
)
_ALIAS_PREFIX = re.compile(r"(?i)^(?:([afn])\.\s?k\.\s?a\.?|formerly known as)[,:]?\s+")
_STRONG = AliasQuality.STRONG
_PREFIX_LETTERS = frozenset("aAfFnN")
_EMBED_HINT = re.compile(r"(?i)[afn][./] ?k[./] ?a|d[./] ?b[./] ?a")
_HAS_DIGIT = re.compile(r"\d")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_PARTIAL = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_YEAR_RANGE = re.compile(r"^(\d{4})\s*(?:to|-)\s*(\d{4})$")
_CIRCA = re.compile(r"(?i)^(?:circa|ca\.?|approx(?:imately|\.)?)\s+(\d{4}(?:-\d{2}){0,2})$")
_MAX_RANGE_YEARS = 10


def sniff(file: SourceFile) -> bool:
    """The CSL header: the line starts with ``_id,source,entity_number,type,programs,name``."""
    first = file.head(2048).split(b"\n", 1)[0].replace(b'"', b"").strip()
    return first.startswith(b"_id,source,entity_number,type,programs,name,")


def parse(files: Sequence[SourceFile]) -> ParsedList:
    """Parse one CSL CSV into one entry per (sub-list, party)."""
    with _gc_paused():
        return _Parser(only_file(files, NAME)).run()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a big list is built.

    A parse allocates some 100k long-lived, acyclic objects; each allocation burst triggers
    collections that re-scan everything built so far, which costs about a quarter of the
    parse time of the 14k-row CSL. The previous state is restored afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _abbreviation(list_name: str) -> str:
    """``Entity List (EL) - Bureau ...`` -> ``EL``; ``... (NS-MBS List) ...`` -> ``NS-MBS``."""
    start = list_name.find("(")
    end = list_name.find(")", start + 1)
    if start >= 0 and end > start + 1:
        word = list_name[start + 1 : end].split()
        if word:
            return word[0]
    return "-".join(re.findall(r"[^\W_]+", list_name)) or "CSL"


def partial_dates(text: str) -> list[str] | None:
    """ISO (partial) dates of one birth-date item, or ``None`` if it is not understood."""
    if _ISO_PARTIAL.match(text):
        return [text] if _valid_partial(text) else None
    found = _CIRCA.match(text)
    if found:
        return [found.group(1)] if _valid_partial(found.group(1)) else None
    found = _YEAR_RANGE.match(text)
    if found:
        return year_range(int(found.group(1)), int(found.group(2)), _MAX_RANGE_YEARS)
    return None


def _valid_partial(text: str) -> bool:
    """Whether ``YYYY``/``YYYY-MM``/``YYYY-MM-DD`` names a real year, month or day."""
    if len(text) == 10:
        try:
            date.fromisoformat(text)
        except ValueError:
            return False
        return True
    return len(text) == 4 or 1 <= int(text[5:7]) <= 12


class _Parser:
    def __init__(self, file: SourceFile) -> None:
        self.file = file
        self.warnings: list[str] = []
        self.kind_first = True
        self.country_cache: dict[str, str | None] = {}
        self.list_cache: dict[str, str] = {}
        self.address_cache: dict[str, Address | None] = {}
        self.id_cache: dict[str, tuple[Identifier | None, str | None, str | None]] = {}
        self.codes_cache: dict[str, tuple[str, ...]] = {}
        self.split_cache: dict[str, tuple[str, ...]] = {}
        self.dob_cache: dict[str, tuple[str, ...]] = {}
        self.date_cache: dict[str, date] = {}

    def error(self, message: str, line: int | None = None, field: str | None = None) -> NoReturn:
        raise SourceFormatError(message, file=self.file.name, line=line, field=field)

    def run(self) -> ParsedList:
        rows = self.read()
        self.kind_first = self.detect_id_layout(rows)
        entries: list[ListEntry] = []
        seen: dict[tuple[str, str], tuple[int, list[str], int]] = {}
        counts: dict[str, int] = {}
        duplicates = 0
        i_id, i_source = self.i_id, self.i_source
        entry = self.row_parser()
        sources: dict[str, str | None] = {}
        for line, row in rows:
            native = row[i_id].strip()
            if not native:
                self.error("the _id is empty", line, "_id")
            raw = row[i_source]
            list_name = sources.get(raw)
            if list_name is None:
                list_name = sources[raw] = _clean(raw)
            if list_name is None:
                self.error("the source (sub-list name) is empty", line, "source")
            key = (list_name, native)
            previous = seen.get(key)
            if previous is not None:
                self.repeat(previous, line, row, entries)
                duplicates += 1
                continue
            seen[key] = (line, row, len(entries))
            entries.append(entry(line, row, native, list_name))
        for list_name, count in Counter(e.list_name for e in entries).items():
            counts[f"entries:{self.list_cache[list_name]}"] = count
        check_unique_ids(entries, self.file.name)
        return ParsedList(
            source=SOURCE,
            format=NAME,
            entries=tuple(entries),
            published=None,
            counts={
                "rows": len(rows),
                "entries": len(entries),
                "duplicate_rows": duplicates,
                "names": sum(1 + len(e.aliases) for e in entries),
                **dict(sorted(counts.items())),
            },
            warnings=tuple(self.warnings),
        )

    # -- reading -------------------------------------------------------------------------

    def read(self) -> list[tuple[int, list[str]]]:
        text = decode_text(self.file)
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        rows: list[tuple[int, list[str]]] = []
        try:
            header = next(reader, None)
            if header is None:
                self.error("the file is empty")
            self.index_header(header)
            self.warnings.extend(unknown_columns(self.file, header, COLUMNS))
            width = len(header)
            for row in reader:
                if len(row) != width:
                    if not row or (len(row) == 1 and not row[0].strip()):
                        continue
                    self.error(
                        f"the row has {len(row)} fields but the header has {width} "
                        "(truncated or broken row?)",
                        reader.line_num,
                    )
                rows.append((reader.line_num, row))
        except csv.Error as exc:
            self.error(f"unreadable CSV: {exc}", reader.line_num)
        if not rows:
            self.error("the file has a header but no rows", 1)
        return rows

    def index_header(self, header: list[str]) -> None:
        index = {n: i for i, n in enumerate(header_columns(self.file, header, COLUMNS))}
        (
            self.i_id,
            self.i_source,
            _,
            self.i_type,
            self.i_programs,
            self.i_name,
            self.i_title,
            self.i_addresses,
            self.i_frn,
            self.i_start,
            self.i_end,
            self.i_std,
            self.i_lic_req,
            self.i_lic_pol,
            self.i_call,
            self.i_vtype,
            self.i_gt,
            self.i_grt,
            self.i_flag,
            self.i_owner,
            self.i_remarks,
            self.i_list_url,
            self.i_alt,
            self.i_citizen,
            self.i_dob,
            self.i_nation,
            self.i_pob,
            self.i_info_url,
            self.i_ids,
        ) = (index[c] for c in COLUMNS)
        self.compare = [index[c] for c in COLUMNS if c not in _URL_COLUMNS]
        self.details = tuple(
            (label, index[column])
            for label, column in (
                ("Title", "title"),
                ("Standard order", "standard_order"),
                ("Vessel type", "vessel_type"),
                ("Gross tonnage", "gross_tonnage"),
                ("Gross registered tonnage", "gross_registered_tonnage"),
                ("Vessel flag", "vessel_flag"),
                ("Vessel owner", "vessel_owner"),
            )
        )

    def detect_id_layout(self, rows: list[tuple[int, list[str]]]) -> bool:
        """True for ``kind, value[, country]`` (2025), False for ``..., value, kind`` (2022)."""
        i_ids = self.i_ids
        for _, row in rows:
            cell = row[i_ids]
            if not cell:
                continue
            for item in cell.split("; "):
                parts = item.split(", ")
                if len(parts) < 2:
                    continue
                if parts[0].strip() in _KNOWN_KINDS:
                    return True
                if parts[-1].strip() in _KNOWN_KINDS:
                    return False
        return True

    def repeat(
        self,
        previous: tuple[int, list[str], int],
        line: int,
        row: list[str],
        entries: list[ListEntry],
    ) -> None:
        first_line, first, position = previous
        if any(first[i].strip() != row[i].strip() for i in self.compare):
            self.error(
                f"duplicate _id {row[self.i_id].strip()!r} on sub-list "
                f"{_clean(row[self.i_source])!r} (first on line {first_line}) with different "
                "content",
                line,
                "_id",
            )
        if not first[self.i_list_url].strip() and row[self.i_list_url].strip():
            entries[position] = replace(entries[position], url=row[self.i_list_url].strip())
        elif not first[self.i_info_url].strip() and row[self.i_info_url].strip():
            entries[position] = replace(entries[position], url=row[self.i_info_url].strip())
        self.warnings.append(
            f"line {line}: repeats line {first_line} ({_clean(row[self.i_source])}, _id "
            f"{row[self.i_id].strip()}); the repeat is dropped"
        )

    # -- one row -------------------------------------------------------------------------

    def row_parser(self) -> Callable[[int, list[str], str, str], ListEntry]:
        """A closure turning one row into an entry (column indexes bound as locals: the
        hot path of the 14k-row file)."""
        (
            i_name, i_remarks, i_ids, i_call, i_title, i_std, i_vtype, i_gt, i_grt, i_flag,
            i_owner, i_nation, i_citizen, i_addr, i_alt, i_start, i_end, i_type, i_programs,
            i_dob, i_pob, i_frn, i_req, i_pol, i_list_url, i_info_url,
        ) = (
            self.i_name, self.i_remarks, self.i_ids, self.i_call, self.i_title, self.i_std,
            self.i_vtype, self.i_gt, self.i_grt, self.i_flag, self.i_owner, self.i_nation,
            self.i_citizen, self.i_addresses, self.i_alt, self.i_start, self.i_end, self.i_type,
            self.i_programs, self.i_dob, self.i_pob, self.i_frn, self.i_lic_req, self.i_lic_pol,
            self.i_list_url, self.i_info_url,
        )  # fmt: skip
        details, list_cache, types = self.details, self.list_cache, _TYPES_EXACT
        identifiers_of, codes_of, country_of = self.identifiers, self.codes, self.country
        addresses_of, aliases_of, split_of = self.addresses, self.aliases, self.split
        dates_of, date_of, type_of = self.birth_dates, self.date, self.entity_type

        def entry(line: int, row: list[str], native: str, list_name: str) -> ListEntry:
            abbr = list_cache.get(list_name)
            if abbr is None:
                abbr = list_cache[list_name] = _abbreviation(list_name)
            name = " ".join(row[i_name].split())
            if not name:
                self.error("the name is empty", line, "name")
            remarks: list[str] = []
            cell = row[i_remarks]
            if cell and (cell := " ".join(cell.split())):
                remarks.append(cell)
            cell = row[i_ids]
            contacts: list[str] = []
            identifiers = identifiers_of(cell, remarks, contacts) if cell else []
            cell = row[i_call]
            if cell and (cell := " ".join(cell.split())):
                identifiers.append(make_identifier("Call Sign", cell))
            if (
                row[i_title]
                or row[i_std]
                or row[i_vtype]
                or row[i_gt]
                or row[i_grt]
                or (row[i_flag] or row[i_owner])
            ):
                for label, index in details:
                    cell = row[index]
                    if cell and (cell := " ".join(cell.split())):
                        remarks.append(f"{label}: {cell}")
            cell = row[i_nation]
            nationalities = codes = codes_of(cell) if cell else ()
            cell = row[i_citizen]
            citizenships = codes_of(cell) if cell else ()
            codes += citizenships
            cell = row[i_flag]
            if cell and (code := country_of(" ".join(cell.split()))):
                codes += (code,)
            cell = row[i_addr]
            addresses = addresses_of(cell) if cell else ()
            if addresses:
                codes += tuple(a.country for a in addresses if a.country)
            if len(codes) > 1:
                codes = tuple(sorted(set(codes)))
            kind = types.get(row[i_type])
            if kind is None:
                kind = type_of(row[i_type], abbr, name, line)
            start, end, dob = row[i_start], row[i_end], row[i_dob]
            frn, requirement, policy = row[i_frn], row[i_req], row[i_pol]
            return ListEntry(
                id=f"{SOURCE}:{abbr}-{native}",
                source=SOURCE,
                list_name=list_name,
                type=kind,
                name=name,
                aliases=aliases_of(name, row[i_alt]),
                programs=split_of(row[i_programs]),
                addresses=addresses,
                countries=codes,
                identifiers=tuple(identifiers),
                birth_dates=dates_of(dob, line) if dob else (),
                birth_places=split_of(row[i_pob]),
                listed_from=date_of(start, line, "start_date") if start else None,
                listed_until=date_of(end, line, "end_date") if end else None,
                citation=(" ".join(frn.split()) or None) if frn else None,
                licence_requirement=(
                    (" ".join(requirement.split()) or None) if requirement else None
                ),
                licence_policy=(" ".join(policy.split()) or None) if policy else None,
                remarks="; ".join(remarks) or None,
                url=row[i_list_url].strip() or row[i_info_url].strip() or None,
                nationalities=nationalities,
                citizenships=citizenships,
                gender=_gender(contacts) if contacts else None,
                contacts=tuple(dict.fromkeys(c for c in contacts if not c.startswith(_GENDER))),
            )

        return entry

    def entity_type(self, value: str, abbr: str, name: str, line: int) -> EntityType:
        if value:
            kind = _TYPES.get(value.strip().lower())
            if kind is not None:
                return kind
            if value.strip():
                self.warnings.append(f"line {line}, field 'type': unknown type {value!r}")
                return EntityType.UNKNOWN
        if abbr in _ORG_LISTS:
            return EntityType.ORGANIZATION
        if looks_like_organization(name):
            return EntityType.ORGANIZATION
        return EntityType.PERSON if abbr == "DPL" else EntityType.UNKNOWN

    def aliases(self, name: str, cell: str) -> tuple[Alias, ...]:
        out: dict[str, Alias] = {}
        if cell:
            for raw in cell.split(";"):
                text = raw.strip()
                if not text:
                    continue
                if text[:4] == "and ":
                    text = text[4:].lstrip()
                kind = "aka"
                if text[:1] in _PREFIX_LETTERS and (found := _ALIAS_PREFIX.match(text)):
                    letter = (found.group(1) or "f").lower()
                    kind = {"f": "fka", "n": "nka"}.get(letter, "aka")
                    text = text[found.end() :]
                alias_name = " ".join(text.split())
                if not alias_name or alias_name == name or alias_name in out:
                    continue
                if not alias_name.isascii() and non_latin(alias_name) and kind == "aka":
                    kind = "original-script"
                out[alias_name] = Alias(alias_name, _STRONG, kind)
        if _EMBED_HINT.search(name):
            for alias in embedded_aliases(name):
                if alias.name != name:
                    out.setdefault(alias.name, alias)
        return tuple(out.values()) if out else ()

    def addresses(self, cell: str) -> tuple[Address, ...]:
        cache = self.address_cache
        items = cell.split("; ")
        if len(items) > 1:
            items = list(dict.fromkeys(items))
        out: list[Address] = []
        for item in items:
            address = cache.get(item)
            if address is None:
                address = cache[item] = self.address(item)
            if address is not None:
                out.append(address)
        if len(out) > 1:
            unique = {a.full: a for a in out}
            if len(unique) < len(out):
                return tuple(unique.values())
        return tuple(out)

    def address(self, item: str) -> Address | None:
        """One ``"; "`` item of ``addresses``: the text cleaned, the last part's country."""
        text = " ".join(item.split())
        if text[:4] == "and ":
            text = text[4:]
        if " ," in text or ",," in text or text[:1] == "," or text[-1:] == ",":
            text = ", ".join(p for p in (x.strip() for x in text.split(",")) if p)
        if not text:
            return None
        last = text.rpartition(", ")[2]
        code = None if _HAS_DIGIT.search(last) else self.country(last)
        return Address(text, None, None, None, None, code)

    def identifiers(self, cell: str, remarks: list[str], contacts: list[str]) -> list[Identifier]:
        """The identifiers of an ``ids`` cell; its notes are added to ``remarks``, its
        contacts and gender to ``contacts`` (the gender as ``"gender: <value>"``)."""
        cache = self.id_cache
        out: list[Identifier] = []
        for item in cell.split("; "):
            known = cache.get(item)
            if known is None:
                known = cache[item] = self.identifier(item)
            identifier, note, contact = known
            if identifier is not None:
                out.append(identifier)
            elif note is not None:
                remarks.append(note)
            elif contact is not None:
                contacts.append(contact)
        return out

    def identifier(self, item: str) -> tuple[Identifier | None, str | None, str | None]:
        """One ``ids`` item: an identifier, or a note for remarks, or a contact line
        (``"e-mail: x@example.org"``, ``"website: ..."``, ``"phone: ..."``,
        ``"gender: male"``), or none of these.

        2022 layout: ``[country, ][expiry date, ][issue date, ]number, kind`` (both dates:
        expiry first; one date: the CSL does not say which, kept as ``stated_date``).
        2025 layout: ``kind, number[, country][, date]``.
        """
        parts = [p for p in (x.strip() for x in item.split(", ")) if p]
        if not parts:
            return None, None, None
        country: str | None = None
        dates: list[str] = []
        rest: list[str]
        if len(parts) == 1:
            kind, rest = parts[0], []
        elif self.kind_first:
            kind, rest = parts[0], parts[1:]
            while len(rest) >= 2 and _ISO_DAY.match(rest[-1]):
                dates.insert(0, rest.pop())
            if len(rest) >= 2 and len(rest[-1]) == 2 and countries.is_code(rest[-1]):
                country = rest.pop()
        else:
            kind, rest = parts[-1], parts[:-1]
            if len(rest) >= 2 and len(rest[0]) == 2 and countries.is_code(rest[0]):
                country = rest.pop(0)
            while len(rest) >= 2 and len(dates) < 2 and _ISO_DAY.match(rest[0]):
                dates.append(rest.pop(0))
        value = " ".join(", ".join(rest).split())
        if kind.endswith((":", "-")):
            note = kind.rstrip(" :-")
            return None, (f"{note}: {value}" if value else note), None
        if not value:
            return None, None, None
        contact = _CONTACT_KINDS.get(kind.casefold())
        if contact is not None:
            if contact == "gender":
                value = value.casefold()
            return None, None, f"{contact}: {value}"
        expiry = issued = stated = None
        if len(dates) == 2:
            expiry, issued = dates
        elif dates:
            stated = dates[0]
        return (
            make_identifier(
                kind, value, country, issue_date=issued, expiry_date=expiry, stated_date=stated
            ),
            None,
            None,
        )

    def codes(self, cell: str) -> tuple[str, ...]:
        if not cell:
            return ()
        found = self.codes_cache.get(cell)
        if found is None:
            codes = (self.country(part.strip()) for part in cell.split(";"))
            found = self.codes_cache[cell] = tuple(c for c in codes if c)
        return found

    def split(self, cell: str) -> tuple[str, ...]:
        if not cell:
            return ()
        found = self.split_cache.get(cell)
        if found is None:
            found = self.split_cache[cell] = tuple(_split(cell))
        return found

    def birth_dates(self, cell: str, line: int) -> tuple[str, ...]:
        if not cell:
            return ()
        found = self.dob_cache.get(cell)
        if found is not None:
            return found
        out: list[str] = []
        for item in cell.split(";"):
            text = item.strip()
            if not text:
                continue
            dates = partial_dates(text)
            if dates is None:
                self.warnings.append(
                    f"line {line}, field 'dates_of_birth': unrecognised date {text!r} ignored"
                )
                continue
            out.extend(d for d in dates if d not in out)
        found = self.dob_cache[cell] = tuple(out)
        return found

    def date(self, value: str, line: int, field: str) -> date | None:
        found = self.date_cache.get(value)
        if found is not None:
            return found
        text = value.strip()
        if not text:
            return None
        if _ISO_DAY.match(text[:10]):
            try:
                found = self.date_cache[value] = date.fromisoformat(text[:10])
                return found
            except ValueError:
                pass
        self.error(f"unparsable date {text!r} (expected YYYY-MM-DD)", line, field)

    def country(self, value: str) -> str | None:
        cache = self.country_cache
        if value in cache:
            return cache[value]
        code = countries.to_code(value) if value else None
        cache[value] = code
        return code


def _clean(value: str) -> str | None:
    """:func:`clean` without a regex: collapse white space, ``None`` when empty."""
    if not value:
        return None
    text = " ".join(value.split())
    return text if text and text != "-0-" else None


def _split(cell: str) -> list[str]:
    if not cell:
        return []
    return [c for part in cell.split(";") if (c := _clean(part))]
