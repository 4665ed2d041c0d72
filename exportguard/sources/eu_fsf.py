"""EU Financial Sanctions Files (FSF), XML 1.1 export.

Layout
------
Root ``<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate=... globalFileId=...>``
(``generationDate`` is an ISO timestamp with offset; its date is the publication date). One
``<sanctionEntity>`` per listed party, with attributes ``logicalId`` (the FSF's numeric
record id), ``euReferenceNumber`` ("EU.3579.2"), ``unitedNationId`` ("LYi.006" or empty),
``designationDate`` (ISO, sometimes absent) and ``designationDetails``. Children:

* ``remark`` (free text), ``regulation`` (``programme`` code such as ``TERR``/``IRN``,
  ``numberTitle``, ``publicationDate``, ``entryIntoForceDate`` and a ``publicationUrl``
  child), ``subjectType`` (``code`` ``person`` or ``enterprise``);
* ``nameAlias`` (``wholeName``, ``firstName``/``middleName``/``lastName``, ``title``,
  ``function``, ``gender``, ``nameLanguage`` (upper-case ISO 639-1 or empty), ``strong``,
  ``logicalId``, and an optional ``remark`` child);
* ``citizenship``, ``birthdate`` (``birthdate`` ISO or ``year``/``monthOfYear``/``dayOfMonth``
  or ``yearRangeFrom``/``yearRangeTo``, ``calendarType``, ``circa``, ``city``, ``place``,
  ``region``, ``countryIso2Code``), ``address`` (``street``, ``city``, ``zipCode``,
  ``poBox``, ``region``, ``place``, ``countryIso2Code``, ``contactInfo`` children) and
  ``identification`` (``number``/``latinNumber``, ``identificationTypeCode``,
  ``countryIso2Code``, ``issueDate``, ``validTo``, ``knownFalse`` ...).

Every sub-record repeats a ``regulationSummary`` (the act that added it); it is not mapped.
``countryIso2Code="00"`` means unknown.

Quirks seen in the real extract
-------------------------------
* Every ``nameAlias`` says ``strong="true"``, yet several carry ``<remark>low quality
  alias</remark>`` (once misspelt "aliias"): such aliases are taken as **weak**, as is any
  ``strong="false"``.
* The first ``nameAlias`` is often a foreign-language spelling ("Bin Khalid Fahd Bin
  Adballah", French), so document order does not give the primary name.
* A person may have an ``ISLAMIC``-calendar birthdate next to the Gregorian one;
  ``city="-"`` means no city.

Mapping to :class:`ListEntry`
-----------------------------
* ``id`` = ``eu_fsf:<logicalId>``: the stable FSF record id. The EU reference number and
  the UN id are published identifiers of the *listing*, so they go to ``identifiers`` as
  ``eu-reference`` and ``un-reference`` (searchable, shown with the entry); ``citation`` is
  the regulation ("Regulation 2025/206 (L 202500206)") and ``url`` its publication URL.
* Type: ``person`` -> person, ``enterprise`` -> organization (other codes -> unknown, with
  a warning).
* **Primary name rule**: among the Latin-script aliases that are not weak, prefer those in
  the regulation language or without a language, and among these the one with the lowest
  ``logicalId`` (the oldest name record, i.e. the name the party was first listed
  under); without such an alias, the first alias. Every other ``nameAlias`` becomes an
  alias: Latin-script ones ``aka`` with ``lang`` = ``nameLanguage`` (lower-case),
  non-Latin ones (Arabic, Farsi, Cyrillic ...) ``original-script``. A name is built from
  ``firstName``/``middleName``/``lastName`` when ``wholeName`` is empty.
* ``regulation/@programme`` -> programs; ``designationDate`` -> ``listed_from``.
* Birth dates: Gregorian ones only, as ISO strings as precise as published (full date,
  year-month or year; a year range gives every year of the range, up to 15 years, else
  its two ends). Dates in other calendars are described in ``remarks``. Birth places from
  ``city``/``place``/``region`` + country.
* ``citizenship`` and address countries -> ``countries``; citizenships also kept apart
  (``citizenships``). An address ``remark`` -> the address's ``note`` (its ``full`` text when
  the address has no other part); ``contactInfo`` (entity and addresses) -> ``contacts``
  ("phone: ...", "website: ..."); the aliases' ``gender`` (when they agree) -> ``gender``,
  their ``title`` -> ``titles`` (and remarks, as before). Identification remarks and
  ``region`` stay on the identifier (``note``, ``place``).
* ``identification`` -> identifiers with a normalised kind (``passport``, ``national-id``,
  ``registration``, ``tax``, ``IMO``, ``swift-bic``; other codes kept as given).
* Entity and alias remarks, ``designationDetails``, ``function`` and ``title`` -> remarks.

This module reads the file and assembles each ``sanctionEntity``'s entry; its parts
(names and the primary name rule, birth dates and places, addresses, contacts,
identifications, regulations) are read by :mod:`~exportguard.sources._eu_fsf_fields`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from lxml import etree

from exportguard.core.entities import EntityType, ListEntry
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources._common import (
    check_unique_ids,
    child,
    children,
    clean,
    only_file,
    parse_xml,
)
from exportguard.sources._eu_fsf_fields import (
    addresses_of,
    births_of,
    contacts_of,
    country_code,
    element_text,
    gender_of,
    identifiers_of,
    iso_date,
    names_of,
    regulations_of,
)

NAME = "eu_fsf_xml"
SOURCE = "eu_fsf"
LIST_NAME = "EU Consolidated Financial Sanctions List"
NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"

_ROOT = re.compile(
    rb"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(?:\w+:)?export\b[^>]*"
    rb"http://eu\.europa\.ec/fpi/fsd/export",
    re.DOTALL,
)
_TYPES = {"person": EntityType.PERSON, "enterprise": EntityType.ORGANIZATION}


def sniff(file: SourceFile) -> bool:
    """Root ``<export>`` in the FSF namespace."""
    return _ROOT.match(file.head()) is not None


def parse(files: Sequence[SourceFile]) -> ParsedList:
    """Parse one FSF XML 1.1 file."""
    file = only_file(files, NAME)
    root = parse_xml(file, "export", "EU Financial Sanctions Files XML 1.1")
    published = _published(file, root)
    warnings: list[str] = []
    entries: list[ListEntry] = []
    seen: dict[str, int | None] = {}
    aliases = 0
    for element in children(root, "sanctionEntity"):
        entry = _entry(file, element, warnings)
        if entry.id in seen:
            raise SourceFormatError(
                f"duplicate logicalId {entry.id.split(':', 1)[1]!r} (first on line "
                f"{seen[entry.id]})",
                file=file.name,
                line=element.sourceline,
                field="logicalId",
            )
        seen[entry.id] = element.sourceline
        entries.append(entry)
        aliases += len(children(element, "nameAlias"))
    if not entries:
        raise SourceFormatError(
            "no <sanctionEntity> elements",
            file=file.name,
            line=root.sourceline,
            field="sanctionEntity",
        )
    check_unique_ids(entries, file.name)
    return ParsedList(
        source=SOURCE,
        format=NAME,
        entries=tuple(entries),
        published=published,
        counts={
            "sanction_entities": len(entries),
            "entries": len(entries),
            "name_aliases": aliases,
            "names": sum(len(e.names()) for e in entries),
            "persons": sum(e.type is EntityType.PERSON for e in entries),
            "organizations": sum(e.type is EntityType.ORGANIZATION for e in entries),
        },
        warnings=tuple(warnings),
    )


def _published(file: SourceFile, root: etree._Element) -> date | None:
    value = (root.get("generationDate") or "").strip()
    if not value:
        return None
    parsed = iso_date(value)
    if parsed is None:
        raise SourceFormatError(
            f"unparsable generationDate {value!r}",
            file=file.name,
            line=root.sourceline,
            field="generationDate",
        )
    return parsed


def _entry(file: SourceFile, element: etree._Element, warnings: list[str]) -> ListEntry:
    logical_id = (element.get("logicalId") or "").strip()
    if not logical_id:
        raise SourceFormatError(
            "<sanctionEntity> without a logicalId",
            file=file.name,
            line=element.sourceline,
            field="logicalId",
        )
    subject = child(element, "subjectType")
    code = (subject.get("code") or "").strip() if subject is not None else ""
    etype = _TYPES.get(code, EntityType.UNKNOWN)
    if etype is EntityType.UNKNOWN:
        warnings.append(f"sanctionEntity {logical_id}: unknown subjectType code {code!r}")
    name, aliases, name_notes = names_of(file, element, logical_id)
    notes = [r for r in (element_text(x) for x in children(element, "remark")) if r]
    details = clean(element.get("designationDetails"))
    if details:
        notes.append(f"Designation details: {details}")
    notes.extend(name_notes)
    date_notes: list[str] = []
    birth_dates, birth_places = births_of(element, notes, date_notes)
    addresses = addresses_of(element)
    countries = {a.country for a in addresses if a.country}
    citizenships: dict[str, None] = {}
    for citizenship in children(element, "citizenship"):
        country = country_code(citizenship.get("countryIso2Code"))
        if country:
            countries.add(country)
            citizenships.setdefault(country, None)
    programs, citation, url = regulations_of(element)
    return ListEntry(
        id=f"{SOURCE}:{logical_id}",
        source=SOURCE,
        list_name=LIST_NAME,
        type=etype,
        name=name,
        aliases=aliases,
        programs=programs,
        addresses=tuple(addresses),
        countries=tuple(sorted(countries)),
        identifiers=identifiers_of(element),
        birth_dates=tuple(birth_dates),
        birth_places=tuple(birth_places),
        listed_from=_designation_date(file, element),
        citation=citation,
        remarks="\n".join(dict.fromkeys(notes)) or None,
        url=url,
        citizenships=tuple(citizenships),
        gender=gender_of(element),
        titles=tuple(
            dict.fromkeys(t for a in children(element, "nameAlias") if (t := clean(a.get("title"))))
        ),
        contacts=contacts_of(element),
        birth_date_notes=tuple(dict.fromkeys(date_notes)),
    )


def _designation_date(file: SourceFile, element: etree._Element) -> date | None:
    value = (element.get("designationDate") or "").strip()
    if not value:
        return None
    parsed = iso_date(value)
    if parsed is None:
        raise SourceFormatError(
            f"unparsable designationDate {value!r}",
            file=file.name,
            line=element.sourceline,
            field="designationDate",
        )
    return parsed
