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

Kept in one module (over 500 lines, by ARCHITECTURE.md's exception for one cohesive
parser): every function here reads one part of this one format and maps it to the entry
model; each is tested on the real file, and a split would only scatter the format's
field-by-field mapping over files that no one changes apart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from lxml import etree

from exportguard.core.countries import to_code
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
    SCRIPT_LANGUAGES,
    SourceFile,
    check_unique_ids,
    child,
    child_text,
    children,
    full_dmy,
    only_file,
    parse_xml,
    partial_dmy,
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
_NAME_PARTS = ("Name1", "Name2", "Name3", "Name4", "Name5", "Name6")
_ADDRESS_LINES = ("AddressLine1", "AddressLine2", "AddressLine3", "AddressLine4", "AddressLine5")


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
    name, aliases = _names(file, designation, unique_id)
    type_text = child_text(designation, "IndividualEntityShip") or ""
    etype = _TYPES.get(type_text.lower(), EntityType.UNKNOWN)
    if etype is EntityType.UNKNOWN:
        warnings.append(f"{unique_id}: unknown IndividualEntityShip {type_text!r}")
    individual = _path(designation, "IndividualDetails", "Individual")
    entity = _path(designation, "EntityDetails", "Entity")
    ship = _path(designation, "ShipDetails", "Ship")
    countries: set[str] = set()
    addresses = _addresses(designation)
    countries.update(a.country for a in addresses if a.country)
    identifiers: list[Identifier] = []
    group_id = child_text(designation, "OFSIGroupID")
    if group_id:
        identifiers.append(make_identifier("uk-ofsi-group-id", group_id))
    notes: list[str] = []
    birth_dates: list[str] = []
    birth_places: list[str] = []
    if individual is not None:
        _individual(
            individual,
            unique_id,
            warnings=warnings,
            countries=countries,
            identifiers=identifiers,
            notes=notes,
        )
        birth_dates = _birth_dates(individual, unique_id, warnings)
        birth_places = _birth_places(individual)
    if entity is not None:
        _entity(entity, identifiers, notes)
    if ship is not None:
        _ship(ship, countries, identifiers, notes)
    un_ref = child_text(designation, "UNReferenceNumber")
    regime = child_text(designation, "RegimeName")
    nationalities: tuple[str, ...] = ()
    genders: list[str] = []
    if individual is not None:
        nationalities = tuple(
            dict.fromkeys(
                c for t in _texts(individual, "Nationalities", "Nationality") if (c := _country(t))
            )
        )
        genders = _texts(individual, "Genders", "Gender")
    contacts = tuple(
        f"{label}: {value}"
        for label, outer, inner in _CONTACTS
        for value in _texts(designation, outer, inner)
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
        remarks=_remarks(designation, notes),
        nationalities=nationalities,
        gender="; ".join(genders) or None,
        titles=tuple(_texts(designation, "Titles", "Title")),
        contacts=contacts,
    )


_CONTACTS = (
    ("phone", "PhoneNumbers", "PhoneNumber"),
    ("e-mail", "EmailAddresses", "EmailAddress"),
    ("website", "Websites", "Website"),
)


def _names(
    file: SourceFile, designation: etree._Element, unique_id: str
) -> tuple[str, tuple[Alias, ...]]:
    names = _path(designation, "Names")
    rows: list[tuple[str, str, str]] = []
    for element in children(names, "Name") if names is not None else []:
        text = " ".join(
            " ".join(part for tag in _NAME_PARTS if (part := child_text(element, tag))).split()
        )
        if text:
            name_type = (child_text(element, "NameType") or "").lower()
            strength = (child_text(element, "AliasStrength") or "").lower()
            rows.append((text, name_type, strength))
    if not rows:
        raise SourceFormatError(
            f"{unique_id}: designation without any name",
            file=file.name,
            line=designation.sourceline,
            field="Names",
        )
    primary = next((r[0] for r in rows if r[1] == "primary name"), rows[0][0])
    found: dict[str, Alias] = {}
    for text, name_type, strength in rows:
        if text == primary:
            continue
        kind = "fka" if ("former" in name_type or "previous" in name_type) else "aka"
        quality = AliasQuality.WEAK if "low" in strength else AliasQuality.STRONG
        if text not in found or quality is AliasQuality.STRONG:
            found[text] = Alias(text, quality, kind)
    non_latin = _path(designation, "NonLatinNames")
    for element in children(non_latin, "NonLatinName") if non_latin is not None else []:
        script = child_text(element, "NameNonLatinScript")
        if script and script != primary and script not in found:
            language = (child_text(element, "NonLatinScriptLanguage") or "").lower()
            found[script] = Alias(
                script, kind="original-script", lang=SCRIPT_LANGUAGES.get(language)
            )
    return primary, tuple(found.values())


def _individual(
    individual: etree._Element,
    unique_id: str,
    *,
    warnings: list[str],
    countries: set[str],
    identifiers: list[Identifier],
    notes: list[str],
) -> None:
    for text in _texts(individual, "Nationalities", "Nationality"):
        code = _country(text)
        if code:
            countries.add(code)
        else:
            warnings.append(f"{unique_id}: nationality {text!r} is not a known country")
    positions = _texts(individual, "Positions", "Position")
    if positions:
        notes.append("Positions: " + "; ".join(positions))
    for passport in _items(individual, "PassportDetails", "Passport"):
        number = child_text(passport, "PassportNumber")
        if number:
            identifiers.append(make_identifier("passport", number))
        info = child_text(passport, "PassportAdditionalInformation")
        if info:
            notes.append(f"Passport: {info}")
    for national in _items(individual, "NationalIdentifierDetails", "NationalIdentifier"):
        number = child_text(national, "NationalIdentifierNumber")
        if number:
            identifiers.append(make_identifier("national-id", number))
        info = child_text(national, "NationalIdentifierAdditionalInformation")
        if info:
            notes.append(f"National identifier: {info}")


def _birth_dates(individual: etree._Element, unique_id: str, warnings: list[str]) -> list[str]:
    dates: dict[str, None] = {}
    for text in _texts(individual, "DOBs", "DOB"):
        partial = partial_dmy(text)
        if partial is None:
            warnings.append(f"{unique_id}: unparsable date of birth {text!r} left out")
        else:
            dates.setdefault(partial, None)
    return list(dates)


def _birth_places(individual: etree._Element) -> list[str]:
    places: dict[str, None] = {}
    for location in _items(individual, "BirthDetails", "Location"):
        parts = [child_text(location, t) for t in ("TownOfBirth", "CountryOfBirth")]
        place = ", ".join(p for p in parts if p)
        if place:
            places.setdefault(place, None)
    return list(places)


def _entity(entity: etree._Element, identifiers: list[Identifier], notes: list[str]) -> None:
    for number in _texts(entity, "BusinessRegistrationNumbers", "BusinessRegistrationNumber"):
        identifiers.append(make_identifier("registration", number))
    for label, outer, inner in (
        ("Type of entity", "TypeOfEntities", "TypeOfEntity"),
        ("Parent companies", "ParentCompanies", "ParentCompany"),
        ("Subsidiaries", "Subsidiaries", "Subsidiary"),
    ):
        values = _texts(entity, outer, inner)
        if values:
            notes.append(f"{label}: " + "; ".join(values))


def _ship(
    ship: etree._Element, countries: set[str], identifiers: list[Identifier], notes: list[str]
) -> None:
    for number in _texts(ship, "IMONumbers", "IMONumber"):
        identifiers.append(make_identifier("IMO", number))
    flags = _texts(ship, "CurrentBelievedFlagOfShips", "CurrentBelievedFlagOfShip")
    for flag in flags:
        code = _country(flag)
        if code:
            countries.add(code)
    for label, outer, inner, values in (
        ("Current flag", "", "", flags),
        ("Previous flags", "PreviousFlags", "PreviousFlag", None),
        ("Owner/operator", "CurrentOwnerOperators", "CurrentOwnerOperator", None),
        ("Type of ship", "TypeOfShipDetails", "TypeOfShip", None),
        ("Tonnage", "TonnageOfShipDetails", "TonnageOfShip", None),
        ("Length", "LengthOfShipDetails", "LengthOfShip", None),
        ("Year built", "YearBuiltDetails", "YearBuilt", None),
        (
            "Hull identification number",
            "HullIdentificationNumbers",
            "HullIdentificationNumber",
            None,
        ),
    ):
        found = values if values is not None else _texts(ship, outer, inner)
        if found:
            notes.append(f"{label}: " + "; ".join(found))


def _addresses(designation: etree._Element) -> list[Address]:
    found: dict[str, Address] = {}
    for element in _items(designation, "Addresses", "Address"):
        street_parts = [v for tag in _ADDRESS_LINES if (v := child_text(element, tag))]
        city = child_text(element, "AddressLine6")
        postal = child_text(element, "AddressPostalCode")
        country_text = child_text(element, "AddressCountry")
        parts = [*street_parts, *(p for p in (city, postal, country_text) if p)]
        if not parts:
            continue
        full = ", ".join(parts)
        found.setdefault(
            full,
            Address(
                full=full,
                street=", ".join(street_parts) or None,
                city=city,
                postal_code=postal,
                country=_country(country_text) if country_text else None,
            ),
        )
    return list(found.values())


def _remarks(designation: etree._Element, notes: list[str]) -> str | None:
    lines: list[str] = []
    titles = _texts(designation, "Titles", "Title")
    if titles:
        lines.append("Titles: " + "; ".join(titles))
    for label, tag in (
        ("Designation source", "DesignationSource"),
        ("Sanctions imposed", "SanctionsImposed"),
        ("", "OtherInformation"),
        ("UK statement of reasons", "UKStatementofReasons"),
    ):
        value = child_text(designation, tag)
        if value:
            lines.append(f"{label}: {value}" if label else value)
    lines.extend(notes)
    for label, outer, inner in (
        ("Phone", "PhoneNumbers", "PhoneNumber"),
        ("Email", "EmailAddresses", "EmailAddress"),
        ("Website", "Websites", "Website"),
    ):
        values = _texts(designation, outer, inner)
        if values:
            lines.append(f"{label}: " + "; ".join(values))
    return "\n".join(dict.fromkeys(lines)) or None


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


def _path(element: etree._Element, *tags: str) -> etree._Element | None:
    current: etree._Element | None = element
    for tag in tags:
        if current is None:
            return None
        current = child(current, tag)
    return current


def _items(parent: etree._Element, outer: str, inner: str) -> list[etree._Element]:
    container = child(parent, outer)
    return children(container, inner) if container is not None else []


def _texts(parent: etree._Element, outer: str, inner: str) -> list[str]:
    values: dict[str, None] = {}
    for element in _items(parent, outer, inner):
        text = " ".join((element.text or "").split())
        if text:
            values.setdefault(text, None)
    return list(values)


_NOTE = re.compile(r"\(.*?\)|\(.*$")


@lru_cache(maxsize=1024)
def _country(text: str) -> str | None:
    """ISO code of a country name, ignoring a trailing note in parentheses."""
    return to_code(text) or to_code(_NOTE.sub("", text).strip(" .,"))
