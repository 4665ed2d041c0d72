"""Canada: Consolidated Canadian Autonomous Sanctions List, XML (``sema-lmes.xml``).

Layout
    ``<data-set>`` holds flat ``<record>`` elements, one per listed party:
    ``Country`` (the *sanctions regime*, bilingual: ``Syria / Syrie``, ``Russia / Russie``,
    or a regulation such as ``Justice for Victims of Corrupt Foreign Officials Regulations
    (JVCFOR) / ...``), a person's ``LastName`` + ``GivenName`` (and ``Title``) or an
    organisation's ``Entity`` (``EntityOrShip`` in files from 2021 on), ``Aliases`` (one
    free-text string), ``DateOfBirth`` (``DateOfBirthOrShipBuildDate`` later: ``1955``,
    ``1964-03``, ``1972-08-10 or 1972-08-11``), ``Schedule`` (``1``, ``2``, ``1, Part 2``,
    ``N/A`` or absent), ``Item`` and, in newer files, ``DateOfListing``, ``ShipIMONumber``
    and ``TitleOrShip``. Values often carry stray no-break spaces; they are cleaned.
    The 2020-04 file has no listing dates, no ships and no publication date.

Ids
    The file has no native id. A listing is fixed by its regulation, schedule and item
    number (Canadian regulations keep item numbers; repealed items are not renumbered), so
    the id is ``ca_sema:<regime>:<schedule>:<item>`` with the regime taken from the English
    part of ``Country`` (its parenthesised abbreviation if it has one: ``JVCFOR``) and
    every run of other characters turned into ``-``: ``ca_sema:Syria:2:23``,
    ``ca_sema:Russia:1-Part-2:43``, ``ca_sema:South-Sudan:NA:1``. A missing schedule and
    ``N/A`` both mean the regulation's only schedule and become ``NA`` (the 2020-04
    Venezuela records use both for one numbering). A repeated id is an error.

Field mapping
    Person name: ``GivenName LastName``; organisation/ship: ``Entity``/``EntityOrShip``.
    Type: person when ``LastName``/``GivenName`` is given; vessel when there is a
    ``ShipIMONumber`` or (``EntityOrShip`` records) a ``TitleOrShip`` or build date; else
    organisation. ``Aliases`` is split on ``,`` and ``;`` (and ``/`` between an English and
    a French name, for organisations; ``(Rosselkhozbank)`` loses its brackets). An
    organisation name written ``English/French`` is kept whole and gains its halves as
    aliases (the French one of kind ``translation``). Canada writes person aliases
    partially, so each
    part is completed against the record's name: a part that is a spelling variant of the
    given name(s) (``Andrei`` for ``Andrey Igorevich``) replaces them, one that is a
    variant of the last name (``PASHENKO`` for ``PASHCHENKO``) replaces it, and any other
    part (``Motorola``, ``Igor STRELKOV``) is taken as a complete alias. Variants are
    judged with a string similarity of 0.6 or more. Non-Latin aliases become
    ``original-script``. ``DateOfBirth`` -> ISO (partial) birth dates (a ship's build date
    goes to remarks), ``DateOfListing`` -> ``listed_from``, ``ShipIMONumber`` ->
    identifier ``IMO``. The regime -> ``programs``; the legal basis
    (``Special Economic Measures (Syria) Regulations, Schedule 2, item 23``) ->
    ``citation``; ``Title``/``TitleOrShip`` -> remarks. ``Country`` is a regime, not a
    nationality, so ``countries`` stays empty.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from difflib import SequenceMatcher
from typing import NoReturn

from lxml import etree

from exportguard.core.entities import Alias, EntityType, ListEntry
from exportguard.core.identifiers import make_identifier
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources._common import (
    check_unique_ids,
    clean,
    local,
    non_latin,
    only_file,
    parse_xml,
)

NAME = "ca_sema_xml"
SOURCE = "ca_sema"
LIST_NAME = "Canada Consolidated Autonomous Sanctions List (SEMA)"

_SLUG = re.compile(r"[^\W_]+")
_ABBR = re.compile(r"\(([A-Z][A-Z0-9-]{1,15})\)\s*$")
_PARTIAL = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_ALIAS_SPLIT = re.compile(r"[,;]")
_SIMILAR = 0.6


def sniff(file: SourceFile) -> bool:
    """A ``<data-set>`` root whose records carry ``Country`` and ``Item``-style fields."""
    head = file.head()
    return (
        b"<data-set" in head
        and b"<record" in head
        and b"<Country>" in head
        and (b"<Item>" in head or b"<Schedule>" in head)
    )


def parse(files: Sequence[SourceFile]) -> ParsedList:
    """Parse one ``sema-lmes.xml`` file."""
    return _Parser(only_file(files, NAME)).run()


def _similar(a: str, b: str) -> bool:
    return SequenceMatcher(None, a.casefold(), b.casefold()).ratio() >= _SIMILAR


def _slug(text: str) -> str:
    return "-".join(_SLUG.findall(text))


def regime(country: str) -> tuple[str, str, str]:
    """(program label, id key, legal basis) of a ``Country`` value.

    ``Syria / Syrie`` -> ("Syria", "Syria", "Special Economic Measures (Syria)
    Regulations"); ``Justice for ... Regulations (JVCFOR) / ...`` -> (its English name,
    "JVCFOR", its English name without the abbreviation).
    """
    english = country.split(" / ", 1)[0].strip()
    found = _ABBR.search(english)
    if found:
        basis = english[: found.start()].strip()
        return english, found.group(1), basis
    if "regulation" in english.casefold():
        return english, _slug(english), english
    return english, _slug(english), f"Special Economic Measures ({english}) Regulations"


def person_aliases(given: str | None, last: str | None, text: str) -> list[str]:
    """Complete the partial alias strings Canada publishes for a person (see the module doc)."""
    out: list[str] = []
    given_words = given.split() if given else []
    for raw in _ALIAS_SPLIT.split(text):
        part = clean(raw)
        if not part:
            continue
        words = part.split()
        candidate = part
        if last and len(words) == 1 and _similar(part, last) and part.isupper() == last.isupper():
            candidate = " ".join([*given_words, part])
        elif (
            last
            and given_words
            and len(words) == len(given_words)
            and last.casefold() not in part.casefold()
            and all(_similar(a, b) for a, b in zip(words, given_words, strict=True))
        ):
            candidate = f"{part} {last}"
        elif last and given_words and len(words) == 1 and _similar(part, given_words[0]):
            candidate = " ".join([part, *given_words[1:], last])
        if candidate not in out:
            out.append(candidate)
    return out


def _alias(name: str, kind: str = "aka", lang: str | None = None) -> Alias:
    return Alias(name, kind="original-script" if non_latin(name) else kind, lang=lang)


def _top_level_split(text: str, separator: str) -> list[str]:
    """Split on ``separator`` outside brackets (``Mills (Hmaw Bi/Pyi)`` stays whole)."""
    parts: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def organisation_aliases(name: str, text: str, *, vessel: bool) -> list[Alias]:
    """Aliases of an organisation or ship: the ``Aliases`` parts, plus the halves of a
    bilingual ``English/French`` name (the French half as a ``translation``)."""
    out: list[Alias] = []
    if "/" in name and not vessel:
        halves = [h for p in _top_level_split(name, "/") if (h := clean(p)) and len(h) > 2]
        if len(halves) > 1:
            out.append(_alias(halves[0]))
            out += [_alias(h, "translation", "fr") for h in halves[1:]]
    pattern = r"[,;]" if vessel else r"[,;/]"
    for part in re.split(pattern, text):
        alias = clean(part)
        if not alias:
            continue
        if alias[0] == "(" and alias[-1] == ")":
            alias = alias[1:-1].strip()
        if alias:
            out.append(_alias(alias))
    return out


def _partial_dates(text: str) -> list[str] | None:
    out: list[str] = []
    for part in re.split(r"\s+or\s+|;|,", text):
        value = part.strip()
        if not value:
            continue
        if not _PARTIAL.match(value):
            return None
        out.append(value)
    return out


class _Parser:
    def __init__(self, file: SourceFile) -> None:
        self.file = file
        self.warnings: list[str] = []
        self.regimes: dict[str, tuple[str, str, str]] = {}

    def error(self, message: str, element: etree._Element, field: str | None = None) -> NoReturn:
        raise SourceFormatError(message, file=self.file.name, line=element.sourceline, field=field)

    def run(self) -> ParsedList:
        root = parse_xml(self.file, "data-set", "Canada SEMA XML")
        records = [r for r in root if isinstance(r.tag, str) and local(r.tag) == "record"]
        if not records:
            self.error("the file has no <record> elements", root, "record")
        entries = [self.entry(r) for r in records]
        check_unique_ids(entries, self.file.name)
        kinds = {k: sum(1 for e in entries if e.type is k) for k in EntityType}
        return ParsedList(
            source=SOURCE,
            format=NAME,
            entries=tuple(entries),
            published=None,
            counts={
                "records": len(records),
                "entries": len(entries),
                "persons": kinds[EntityType.PERSON],
                "organizations": kinds[EntityType.ORGANIZATION],
                "vessels": kinds[EntityType.VESSEL],
                "names": sum(len(e.names()) for e in entries),
            },
            warnings=tuple(self.warnings),
        )

    def entry(self, record: etree._Element) -> ListEntry:
        fields: dict[str, str] = {}
        for c in record:
            if isinstance(c.tag, str) and (text := clean(c.text)):
                fields.setdefault(local(c.tag), text)
        native, program, citation = self.listing(fields, record)
        last, given = fields.get("LastName"), fields.get("GivenName")
        organisation = fields.get("EntityOrShip") or fields.get("Entity")
        remarks: list[str] = []
        birth_dates: tuple[str, ...] = ()
        born = fields.get("DateOfBirthOrShipBuildDate") or fields.get("DateOfBirth")
        title = fields.get("TitleOrShip") or fields.get("Title")
        imo = fields.get("ShipIMONumber")
        if last or given:
            kind = EntityType.PERSON
            name = " ".join(p for p in (given, last) if p)
            aliases = [_alias(a) for a in person_aliases(given, last, fields.get("Aliases", ""))]
            if title:
                remarks.append(f"Title: {title}")
            if born:
                birth_dates = self.birth_dates(born, record)
        elif organisation:
            name = organisation
            ship = bool(imo) or ("EntityOrShip" in fields and bool(title or born))
            kind = EntityType.VESSEL if ship else EntityType.ORGANIZATION
            aliases = organisation_aliases(name, fields.get("Aliases", ""), vessel=ship)
            if title:
                remarks.append(f"{'Ship' if ship else 'Title'}: {title}")
            if born:
                remarks.append(f"{'Build date' if ship else 'Date'}: {born}")
        else:
            self.error("the record has no LastName/GivenName and no Entity", record, "LastName")
        unique: dict[str, Alias] = {}
        for alias in aliases:
            if alias.name != name:
                unique.setdefault(alias.name, alias)
        return ListEntry(
            id=f"{SOURCE}:{native}",
            source=SOURCE,
            list_name=LIST_NAME,
            type=kind,
            name=name,
            aliases=tuple(unique.values()),
            programs=(program,),
            identifiers=(make_identifier("IMO", imo),) if imo else (),
            birth_dates=birth_dates,
            listed_from=self.listing_date(fields.get("DateOfListing"), record),
            citation=citation,
            remarks="; ".join(remarks) or None,
        )

    def listing(self, fields: dict[str, str], record: etree._Element) -> tuple[str, str, str]:
        """(native id, program, legal basis) of a record from its regime, schedule and item."""
        country = fields.get("Country")
        if not country:
            self.error("the record has no Country (regime)", record, "Country")
        item = fields.get("Item")
        if not item:
            self.error("the record has no Item number", record, "Item")
        found = self.regimes.get(country)
        if found is None:
            found = self.regimes[country] = regime(country)
        program, regime_key, basis = found
        schedule = fields.get("Schedule")
        if schedule is None or schedule == "N/A":
            return f"{regime_key}:NA:{_slug(item)}", program, f"{basis}, item {item}"
        native = f"{regime_key}:{_slug(schedule)}:{_slug(item)}"
        return native, program, f"{basis}, Schedule {schedule}, item {item}"

    def birth_dates(self, value: str, record: etree._Element) -> tuple[str, ...]:
        found = _partial_dates(value)
        if found is None:
            self.warnings.append(
                f"line {record.sourceline}, field 'DateOfBirth': unrecognised date "
                f"{value!r} ignored"
            )
            return ()
        return tuple(found)

    def listing_date(self, value: str | None, record: etree._Element) -> date | None:
        if not value:
            return None
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            self.error(f"unparsable date {value!r} (expected YYYY-MM-DD)", record, "DateOfListing")
