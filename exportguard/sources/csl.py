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

This module reads the file (rows, the header, repeated rows, the ``ids`` layout);
:mod:`~exportguard.sources._csl_row` maps a row to an entry and
:mod:`~exportguard.sources._csl_fields` each cell to its values.
"""

from __future__ import annotations

import csv
import gc
import io
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace

from exportguard.core.entities import ListEntry
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.sources._common import check_unique_ids, decode_text, only_file, unknown_columns
from exportguard.sources._csl_fields import clean_cell
from exportguard.sources._csl_row import COLUMNS, SOURCE, RowMapper

NAME = "csl_csv"

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


class _Parser(RowMapper):
    """Reads one file: its rows, a repeated row, the ``ids`` layout; each row's entry is
    :class:`RowMapper`'s."""

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
                list_name = sources[raw] = clean_cell(raw)
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
                f"{clean_cell(row[self.i_source])!r} (first on line {first_line}) with different "
                "content",
                line,
                "_id",
            )
        if not first[self.i_list_url].strip() and row[self.i_list_url].strip():
            entries[position] = replace(entries[position], url=row[self.i_list_url].strip())
        elif not first[self.i_info_url].strip() and row[self.i_info_url].strip():
            entries[position] = replace(entries[position], url=row[self.i_info_url].strip())
        self.warnings.append(
            f"line {line}: repeats line {first_line} ({clean_cell(row[self.i_source])}, _id "
            f"{row[self.i_id].strip()}); the repeat is dropped"
        )
