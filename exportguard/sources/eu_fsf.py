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

Kept in one module (over 500 lines, by ARCHITECTURE.md's exception for one cohesive
parser): every function here reads one part of this one format and maps it to the entry
model; each is tested on the real file, and a split would only scatter the format's
field-by-field mapping over files that no one changes apart.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from lxml import etree

from exportguard.core.countries import is_code
from exportguard.core.entities import (
    Address,
    Alias,
    AliasQuality,
    EntityType,
    Identifier,
    ListEntry,
    ParsedList,
)
from exportguard.core.identifiers import identifier_kind, make_identifier
from exportguard.errors import SourceFormatError
from exportguard.sources._common import (
    SourceFile,
    check_unique_ids,
    child,
    children,
    clean,
    only_file,
    parse_xml,
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
_ID_KINDS = {
    "passport": "passport",
    "id": "national-id",
    "regnumber": "registration",
    "fiscalcode": "tax",
    "tin": "tax",
    "imo": "IMO",
    "swiftbic": "swift-bic",
}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MAX_RANGE = 15
_QUALITY_NOTE = re.compile(r"^(good|low|high|strong|weak) quality a\w*$", re.IGNORECASE)


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
    parsed = _iso_date(value)
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
    name, aliases, name_notes = _names(file, element, logical_id)
    notes = [r for r in (_text(x) for x in children(element, "remark")) if r]
    details = clean(element.get("designationDetails"))
    if details:
        notes.append(f"Designation details: {details}")
    notes.extend(name_notes)
    date_notes: list[str] = []
    birth_dates, birth_places = _births(element, notes, date_notes)
    addresses = _addresses(element)
    countries = {a.country for a in addresses if a.country}
    citizenships: dict[str, None] = {}
    for citizenship in children(element, "citizenship"):
        country = _country(citizenship.get("countryIso2Code"))
        if country:
            countries.add(country)
            citizenships.setdefault(country, None)
    programs, citation, url = _regulations(element)
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
        identifiers=_identifiers(element),
        birth_dates=tuple(birth_dates),
        birth_places=tuple(birth_places),
        listed_from=_designation_date(file, element),
        citation=citation,
        remarks="\n".join(dict.fromkeys(notes)) or None,
        url=url,
        citizenships=tuple(citizenships),
        gender=_gender(element),
        titles=tuple(
            dict.fromkeys(t for a in children(element, "nameAlias") if (t := clean(a.get("title"))))
        ),
        contacts=_contacts(element),
        birth_date_notes=tuple(dict.fromkeys(date_notes)),
    )


def _designation_date(file: SourceFile, element: etree._Element) -> date | None:
    value = (element.get("designationDate") or "").strip()
    if not value:
        return None
    parsed = _iso_date(value)
    if parsed is None:
        raise SourceFormatError(
            f"unparsable designationDate {value!r}",
            file=file.name,
            line=element.sourceline,
            field="designationDate",
        )
    return parsed


@dataclass(frozen=True, slots=True)
class _Name:
    text: str
    lang: str | None
    weak: bool
    script: bool
    logical_id: int
    preferred: bool


def _name(text: str, element: etree._Element) -> _Name:
    lang = (element.get("nameLanguage") or "").strip().lower() or None
    reg_lang = (element.get("regulationLanguage") or "en").strip().lower()
    remark = " ".join(_text(r) or "" for r in children(element, "remark")).lower()
    raw_id = (element.get("logicalId") or "").strip()
    return _Name(
        text=text,
        lang=lang,
        weak=(element.get("strong") or "").strip().lower() == "false" or "low quality" in remark,
        script=not _is_latin(text),
        logical_id=int(raw_id) if raw_id.isdigit() else 2**62,
        preferred=lang in (None, reg_lang),
    )


def _names(
    file: SourceFile, element: etree._Element, logical_id: str
) -> tuple[str, tuple[Alias, ...], list[str]]:
    names: list[_Name] = []
    notes: list[str] = []
    for alias in children(element, "nameAlias"):
        text = clean(alias.get("wholeName")) or " ".join(
            p for p in (clean(alias.get(k)) for k in ("firstName", "middleName", "lastName")) if p
        )
        if text:
            names.append(_name(text, alias))
        for label, attribute in (("Title", "title"), ("Function", "function")):
            value = clean(alias.get(attribute))
            if value:
                notes.append(f"{label}: {value}")
        for remark in children(alias, "remark"):
            value = _text(remark)
            if value and not _QUALITY_NOTE.match(value):
                notes.append(f"{text}: {value}" if text else value)
    if not names:
        raise SourceFormatError(
            f"sanctionEntity {logical_id} has no nameAlias with a name",
            file=file.name,
            line=element.sourceline,
            field="nameAlias",
        )
    candidates = [n for n in names if not n.weak and not n.script]
    primary = (
        min(candidates, key=lambda n: (not n.preferred, n.logical_id)) if candidates else names[0]
    )
    found: dict[str, Alias] = {}
    for name in names:
        if name.text == primary.text:
            continue
        quality = AliasQuality.WEAK if name.weak else AliasQuality.STRONG
        kind = "original-script" if name.script else "aka"
        if name.text not in found or quality is AliasQuality.STRONG:
            found[name.text] = Alias(name.text, quality, kind, name.lang)
    return primary.text, tuple(found.values()), notes


def _births(
    element: etree._Element, notes: list[str], date_notes: list[str]
) -> tuple[list[str], list[str]]:
    """Birth dates and places; ``circa="true"`` and a birthdate's ``remark`` go to
    ``date_notes`` ("1953 to 1958: circa; between 1953 and 1958", "1402-6-24 (islamic
    calendar): hijri calendar")."""
    dates: dict[str, None] = {}
    places: dict[str, None] = {}
    for birth in children(element, "birthdate"):
        calendar = (birth.get("calendarType") or "GREGORIAN").strip().upper()
        said = ["circa"] if (birth.get("circa") or "").strip().lower() == "true" else []
        said += [r for r in (_text(x) for x in children(birth, "remark")) if r]
        if calendar != "GREGORIAN":
            day, month, year = (birth.get(k) or "?" for k in ("dayOfMonth", "monthOfYear", "year"))
            notes.append(f"Birth date in the {calendar.lower()} calendar: {day}/{month}/{year}")
            shown = f"{year}-{month}-{day} ({calendar.lower()} calendar)"
        else:
            values = _birth_values(birth)
            for value in values:
                dates.setdefault(value, None)
            shown = (
                f"{values[0]} to {values[-1]}" if len(values) > 1 else (values or ["undated"])[0]
            )
        if said:
            date_notes.append(f"{shown}: {'; '.join(said)}")
        parts = [v for k in ("city", "place", "region") if (v := clean(birth.get(k))) and v != "-"]
        country = clean(birth.get("countryDescription"))
        if country and country.upper() != "UNKNOWN":
            parts.append(country)
        if parts:
            places.setdefault(", ".join(parts), None)
    return list(dates), list(places)


def _birth_values(birth: etree._Element) -> list[str]:
    full = (birth.get("birthdate") or "").strip()
    if _iso_date(full) is not None:
        return [full[:10]]
    year, month = (birth.get("year") or "").strip(), (birth.get("monthOfYear") or "").strip()
    if year.isdigit() and len(year) == 4:
        if month.isdigit() and 1 <= int(month) <= 12:
            return [f"{year}-{int(month):02d}"]
        return [year]
    start, end = (
        (birth.get("yearRangeFrom") or "").strip(),
        (birth.get("yearRangeTo") or "").strip(),
    )
    if start.isdigit() and end.isdigit() and int(start) <= int(end):
        if int(end) - int(start) <= _MAX_RANGE:
            return [str(y) for y in range(int(start), int(end) + 1)]
        return [start, end]
    return [y for y in (start, end) if y.isdigit() and len(y) == 4]


def _addresses(element: etree._Element) -> list[Address]:
    found: dict[str, Address] = {}
    for address in children(element, "address"):
        street = clean(address.get("street"))
        po_box = clean(address.get("poBox"))
        city = clean(address.get("city"))
        zip_code = clean(address.get("zipCode"))
        region = clean(address.get("region"))
        place = clean(address.get("place"))
        country_text = clean(address.get("countryDescription"))
        if country_text and country_text.upper() == "UNKNOWN":
            country_text = None
        street_parts = [p for p in (street, f"P.O. Box {po_box}" if po_box else None) if p]
        parts = [*street_parts, *(p for p in (city, zip_code, region, place, country_text) if p)]
        note = " ".join(_text(r) or "" for r in children(address, "remark")).strip()
        has_parts = bool(parts)
        if not parts and note:
            parts = [note]
        if not parts:
            continue
        full = ", ".join(parts)
        found.setdefault(
            full,
            Address(
                full=full,
                street=", ".join(street_parts) or None,
                city=city,
                region=region,
                postal_code=zip_code,
                country=_country(address.get("countryIso2Code")),
                note=(note or None) if has_parts else None,
            ),
        )
    return list(found.values())


_CONTACT_KEYS = {"PHONE": "phone", "FAX": "fax", "EMAIL": "e-mail", "WEB": "website"}


def _contacts(element: etree._Element) -> tuple[str, ...]:
    """``contactInfo`` of the entity and of its addresses: "phone: +98 21 ...",
    "website: http://..." (the FSF's key lower-cased when not one of the four above)."""
    found: dict[str, None] = {}
    holders = [element, *children(element, "address")]
    for holder in holders:
        for info in children(holder, "contactInfo"):
            value = clean(info.get("value"))
            if value:
                key = (info.get("key") or "").strip().upper()
                found.setdefault(
                    f"{_CONTACT_KEYS.get(key, key.lower() or 'contact')}: {value}", None
                )
    return tuple(found)


_GENDERS = {"M": "male", "F": "female"}


def _gender(element: etree._Element) -> str | None:
    """The ``gender`` of the entity's name aliases (``M``/``F``), when they agree."""
    found = {
        _GENDERS.get(g, g.lower())
        for a in children(element, "nameAlias")
        if (g := (a.get("gender") or "").strip().upper())
    }
    return found.pop() if len(found) == 1 else None


#: The FSF's flags that a document is not valid, and how a note says so.
_DOCUMENT_FLAGS = (
    ("knownFalse", "known to be false"),
    ("reportedLost", "reported lost"),
    ("revokedByIssuer", "revoked by the issuer"),
)


def _identifiers(element: etree._Element) -> tuple[Identifier, ...]:
    found: dict[Identifier, None] = {}
    for reference, kind in (
        ("euReferenceNumber", "eu-reference"),
        ("unitedNationId", "un-reference"),
    ):
        value = clean(element.get(reference))
        if value:
            found.setdefault(make_identifier(kind, value), None)
    for ident in children(element, "identification"):
        number = clean(ident.get("number")) or clean(ident.get("latinNumber"))
        if not number:
            continue
        code = (ident.get("identificationTypeCode") or "").strip().lower()
        kind = identifier_kind(_ID_KINDS.get(code, code or "other"))
        label = clean(ident.get("identificationTypeDescription")) or code or kind.value
        notes = [" ".join(r.text.split()) for r in children(ident, "remark") if r.text]
        under = clean(ident.get("nameOnDocument"))
        if under:
            notes.append(f"issued under name {under}")
        flags = [w for a, w in _DOCUMENT_FLAGS if ident.get(a) == "true"]
        notes.extend(flags)
        found.setdefault(
            make_identifier(
                label,
                number,
                _country(ident.get("countryIso2Code")),
                kind=kind,
                issue_date=clean(ident.get("issueDate")),
                expiry_date=clean(ident.get("validTo")),
                authority=clean(ident.get("issuedBy")),
                place=clean(ident.get("region")),
                note="; ".join(notes) or None,
                known_expired=ident.get("knownExpired") == "true",
                invalid=bool(flags),
            ),
            None,
        )
    return tuple(found)


def _regulations(element: etree._Element) -> tuple[tuple[str, ...], str | None, str | None]:
    programs: dict[str, None] = {}
    citations: dict[str, None] = {}
    url: str | None = None
    for regulation in children(element, "regulation"):
        programme = clean(regulation.get("programme"))
        if programme:
            programs.setdefault(programme, None)
        number = clean(regulation.get("numberTitle"))
        if number:
            citations.setdefault(f"Regulation {number}", None)
        link = child(regulation, "publicationUrl")
        if url is None and link is not None:
            url = clean(link.text)
    return tuple(programs), "; ".join(citations) or None, url


def _iso_date(value: str) -> date | None:
    match = _ISO_DATE.match(value)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _country(code: str | None) -> str | None:
    text = (code or "").strip().upper()
    return text if is_code(text) else None


def _text(element: etree._Element) -> str | None:
    return clean("".join(element.itertext()))


@lru_cache(maxsize=8192)
def _is_latin(text: str) -> bool:
    """Whether every letter of ``text`` is a Latin letter (accents allowed)."""
    for char in text:
        if char.isalpha() and not unicodedata.name(char, "").startswith("LATIN"):
            return False
    return True
