"""FCDO UK Sanctions List, XML (root ``<Designations>``).

Layout
------
``<Designations>`` holds a ``<DateGenerated>`` (dd/mm/yyyy, the publication date) and one
``<Designation>`` per listed party. Elements carry no namespace. A designation has:

* ``UniqueID`` (e.g. ``AFG0001``, ``RUS1712``): the stable FCDO reference, used as the id;
  ``OFSIGroupID`` links it to the OFSI Consolidated List (absent for ships);
  ``UNReferenceNumber`` for UN-derived listings;
* ``Names/Name`` with ``Name1``..``Name6`` (given names, family name last) and a
  ``NameType`` of "Primary Name", "Primary Name Variation" or "Alias"; aliases may carry an
  ``AliasStrength`` ("Good quality a.k.a" / "Low quality a.k.a");
* ``NonLatinNames/NonLatinName/NameNonLatinScript`` (an empty ``<NonLatinNames />`` is
  common);
* ``RegimeName``, ``IndividualEntityShip`` (Individual / Entity / Ship),
  ``DateDesignated``, ``LastUpdated``, ``DesignationSource`` (UK, UN, "UK|UN"),
  ``SanctionsImposed`` ("Asset freeze|Travel Ban"), ``OtherInformation``,
  ``UKStatementofReasons`` (often a blank line only), ``Addresses/Address``
  (``AddressLine1``..``6``, ``AddressPostalCode``, ``AddressCountry``), ``PhoneNumbers``,
  ``EmailAddresses``, ``Websites``;
* per type: ``IndividualDetails/Individual`` (``DOBs/DOB``, ``Nationalities``,
  ``Positions``, ``PassportDetails/Passport``, ``NationalIdentifierDetails``,
  ``BirthDetails/Location``), ``EntityDetails/Entity`` (``TypeOfEntities``,
  ``BusinessRegistrationNumbers``, ``ParentCompanies``, ``Subsidiaries``) or
  ``ShipDetails/Ship`` (``IMONumbers``, ``CurrentBelievedFlagOfShips``, ``PreviousFlags``,
  ``CurrentOwnerOperators``, ``TypeOfShipDetails``, tonnage, length).

Quirks seen in the real extract: dates of birth come as ``12/05/1958``, ``dd/mm/1945``
(unknown day and month spelled out) and a bare ``1946``; a passport may be listed twice
verbatim (duplicates are dropped); the IMO number is written ``IMO9562233``.

Mapping to :class:`ListEntry`
-----------------------------
``id`` = ``uk_fcdo:<UniqueID>``. The first "Primary Name" is the name; other names are
``aka`` aliases (a "Low quality" strength -> weak), non-Latin names are
``original-script`` aliases. ``RegimeName`` -> programs; ``DateDesignated`` ->
``listed_from``; ``UNReferenceNumber`` -> ``citation`` ("UN Ref TAe.010"); nationalities,
address countries and a ship's current flag -> ``countries``. Identifiers: ``passport``,
``national-id``, ``registration`` (business registration), ``IMO`` (the 7 digits) and
``uk-ofsi-group-id`` (the OFSI Group ID, so the two UK lists can be joined). Titles,
positions, statement of reasons, other information, sanctions imposed, entity and ship
details and contact data go to ``remarks``. Kept apart as well: ``Nationalities`` ->
``nationalities``, ``Genders`` -> ``gender``, ``Titles`` -> ``titles``, phone numbers,
e-mail addresses and websites -> ``contacts`` ("phone: 0202-104748").

This module reads the file and assembles each designation's entry; its parts (names,
individual, entity and ship details, addresses, remarks) are read by
:mod:`~exportguard.sources._uk_fcdo_fields`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from lxml import etree

from exportguard.core.entities import EntityType, Identifier, ListEntry
from exportguard.core.identifiers import make_identifier
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources._common import (
    check_unique_ids,
    child,
    child_text,
    children,
    full_dmy,
    only_file,
    parse_xml,
)
from exportguard.sources._uk_fcdo_fields import (
    addresses_of,
    birth_dates_of,
    birth_places_of,
    country_code,
    entity_facts,
    individual_facts,
    names_of,
    path,
    remarks_of,
    ship_facts,
    texts,
)

NAME = "uk_fcdo_xml"
SOURCE = "uk_fcdo"
LIST_NAME = "UK Sanctions List (FCDO)"

_ROOT = re.compile(rb"^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<Designations[\s>/]", re.DOTALL)
_TYPES = {
    "individual": EntityType.PERSON,
    "entity": EntityType.ORGANIZATION,
    "ship": EntityType.VESSEL,
}


def sniff(file: SourceFile) -> bool:
    """An XML document whose root element is ``<Designations>``."""
    return _ROOT.match(file.head()) is not None


def parse(files: Sequence[SourceFile]) -> ParsedList:
    """Parse one UK Sanctions List XML file."""
    file = only_file(files, NAME)
    root = parse_xml(file, "Designations", "UK Sanctions List XML")
    published = _published(file, root)
    warnings: list[str] = []
    entries: list[ListEntry] = []
    seen: dict[str, int | None] = {}
    for designation in children(root, "Designation"):
        entry = _entry(file, designation, warnings)
        if entry.id in seen:
            raise SourceFormatError(
                f"duplicate UniqueID {entry.id.split(':', 1)[1]!r} (first on line "
                f"{seen[entry.id]})",
                file=file.name,
                line=designation.sourceline,
                field="UniqueID",
            )
        seen[entry.id] = designation.sourceline
        entries.append(entry)
    if not entries:
        raise SourceFormatError(
            "no <Designation> elements", file=file.name, line=root.sourceline, field="Designation"
        )
    check_unique_ids(entries, file.name)
    by_type = {t.value: 0 for t in EntityType}
    for entry in entries:
        by_type[entry.type.value] += 1
    return ParsedList(
        source=SOURCE,
        format=NAME,
        entries=tuple(entries),
        published=published,
        counts={
            "designations": len(entries),
            "entries": len(entries),
            "names": sum(len(e.names()) for e in entries),
            **{f"{k}s": v for k, v in by_type.items() if v},
        },
        warnings=tuple(warnings),
    )


def _published(file: SourceFile, root: etree._Element) -> date | None:
    element = child(root, "DateGenerated")
    if element is None or not (element.text or "").strip():
        return None
    parsed = full_dmy((element.text or "").strip())
    if parsed is None:
        raise SourceFormatError(
            f"unparsable DateGenerated {element.text!r} (expected dd/mm/yyyy)",
            file=file.name,
            line=element.sourceline,
            field="DateGenerated",
        )
    return parsed


def _entry(file: SourceFile, designation: etree._Element, warnings: list[str]) -> ListEntry:
    unique_id = child_text(designation, "UniqueID")
    if not unique_id:
        raise SourceFormatError(
            "<Designation> without a UniqueID",
            file=file.name,
            line=designation.sourceline,
            field="UniqueID",
        )
    name, aliases = names_of(file, designation, unique_id)
    type_text = child_text(designation, "IndividualEntityShip") or ""
    etype = _TYPES.get(type_text.lower(), EntityType.UNKNOWN)
    if etype is EntityType.UNKNOWN:
        warnings.append(f"{unique_id}: unknown IndividualEntityShip {type_text!r}")
    individual = path(designation, "IndividualDetails", "Individual")
    entity = path(designation, "EntityDetails", "Entity")
    ship = path(designation, "ShipDetails", "Ship")
    countries: set[str] = set()
    addresses = addresses_of(designation)
    countries.update(a.country for a in addresses if a.country)
    identifiers: list[Identifier] = []
    group_id = child_text(designation, "OFSIGroupID")
    if group_id:
        identifiers.append(make_identifier("uk-ofsi-group-id", group_id))
    notes: list[str] = []
    birth_dates: list[str] = []
    birth_places: list[str] = []
    if individual is not None:
        individual_facts(
            individual,
            unique_id,
            warnings=warnings,
            countries=countries,
            identifiers=identifiers,
            notes=notes,
        )
        birth_dates = birth_dates_of(individual, unique_id, warnings)
        birth_places = birth_places_of(individual)
    if entity is not None:
        entity_facts(entity, identifiers, notes)
    if ship is not None:
        ship_facts(ship, countries, identifiers, notes)
    un_ref = child_text(designation, "UNReferenceNumber")
    regime = child_text(designation, "RegimeName")
    nationalities: tuple[str, ...] = ()
    genders: list[str] = []
    if individual is not None:
        nationalities = tuple(
            dict.fromkeys(
                c
                for t in texts(individual, "Nationalities", "Nationality")
                if (c := country_code(t))
            )
        )
        genders = texts(individual, "Genders", "Gender")
    contacts = tuple(
        f"{label}: {value}"
        for label, outer, inner in _CONTACTS
        for value in texts(designation, outer, inner)
    )
    return ListEntry(
        id=f"{SOURCE}:{unique_id}",
        source=SOURCE,
        list_name=LIST_NAME,
        type=etype,
        name=name,
        aliases=aliases,
        programs=(regime,) if regime else (),
        addresses=tuple(addresses),
        countries=tuple(sorted(countries)),
        identifiers=tuple(dict.fromkeys(identifiers)),
        birth_dates=tuple(birth_dates),
        birth_places=tuple(birth_places),
        listed_from=_date_field(file, designation, "DateDesignated"),
        citation=f"UN Ref {un_ref}" if un_ref else None,
        remarks=remarks_of(designation, notes),
        nationalities=nationalities,
        gender="; ".join(genders) or None,
        titles=tuple(texts(designation, "Titles", "Title")),
        contacts=contacts,
    )


_CONTACTS = (
    ("phone", "PhoneNumbers", "PhoneNumber"),
    ("e-mail", "EmailAddresses", "EmailAddress"),
    ("website", "Websites", "Website"),
)


def _date_field(file: SourceFile, parent: etree._Element, tag: str) -> date | None:
    element = child(parent, tag)
    text = (element.text or "").strip() if element is not None else ""
    if element is None or not text:
        return None
    parsed = full_dmy(text)
    if parsed is None:
        raise SourceFormatError(
            f"unparsable date {text!r} (expected dd/mm/yyyy)",
            file=file.name,
            line=element.sourceline,
            field=tag,
        )
    return parsed
