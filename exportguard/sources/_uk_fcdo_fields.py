"""The parts of one FCDO designation: names (and non-Latin names), an individual's,
entity's or ship's details, addresses and the remarks, with the small XML paths they sit
on.

The format, and what each element maps to, is described in
:mod:`~exportguard.sources.uk_fcdo`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from exportguard.core.countries import to_code
from exportguard.core.entities import Address, Alias, AliasQuality, Identifier
from exportguard.core.identifiers import make_identifier
from exportguard.core.snapshots import SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources._common import SCRIPT_LANGUAGES, child, child_text, children, partial_dmy

_NAME_PARTS = ("Name1", "Name2", "Name3", "Name4", "Name5", "Name6")
_ADDRESS_LINES = ("AddressLine1", "AddressLine2", "AddressLine3", "AddressLine4", "AddressLine5")


def names_of(
    file: SourceFile, designation: etree._Element, unique_id: str
) -> tuple[str, tuple[Alias, ...]]:
    """The name (the first "Primary Name") and the aliases of a designation, non-Latin
    names included; ``SourceFormatError`` when it has no name."""
    names = path(designation, "Names")
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
    non_latin = path(designation, "NonLatinNames")
    for element in children(non_latin, "NonLatinName") if non_latin is not None else []:
        script = child_text(element, "NameNonLatinScript")
        if script and script != primary and script not in found:
            language = (child_text(element, "NonLatinScriptLanguage") or "").lower()
            found[script] = Alias(
                script, kind="original-script", lang=SCRIPT_LANGUAGES.get(language)
            )
    return primary, tuple(found.values())


def individual_facts(
    individual: etree._Element,
    unique_id: str,
    *,
    warnings: list[str],
    countries: set[str],
    identifiers: list[Identifier],
    notes: list[str],
) -> None:
    """An individual's nationalities (to ``countries``; a name that is no country to
    ``warnings``), passports and national ids (to ``identifiers``), positions and the
    documents' additional information (to ``notes``)."""
    for text in texts(individual, "Nationalities", "Nationality"):
        code = country_code(text)
        if code:
            countries.add(code)
        else:
            warnings.append(f"{unique_id}: nationality {text!r} is not a known country")
    positions = texts(individual, "Positions", "Position")
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


def birth_dates_of(individual: etree._Element, unique_id: str, warnings: list[str]) -> list[str]:
    """An individual's ``DOB`` values as ISO (partial) dates; one it cannot read is left
    out with a warning."""
    dates: dict[str, None] = {}
    for text in texts(individual, "DOBs", "DOB"):
        partial = partial_dmy(text)
        if partial is None:
            warnings.append(f"{unique_id}: unparsable date of birth {text!r} left out")
        else:
            dates.setdefault(partial, None)
    return list(dates)


def birth_places_of(individual: etree._Element) -> list[str]:
    """An individual's places of birth: "town, country"."""
    places: dict[str, None] = {}
    for location in _items(individual, "BirthDetails", "Location"):
        parts = [child_text(location, t) for t in ("TownOfBirth", "CountryOfBirth")]
        place = ", ".join(p for p in parts if p)
        if place:
            places.setdefault(place, None)
    return list(places)


def entity_facts(entity: etree._Element, identifiers: list[Identifier], notes: list[str]) -> None:
    """An entity's business registration numbers (to ``identifiers``), its type, parent
    companies and subsidiaries (to ``notes``)."""
    for number in texts(entity, "BusinessRegistrationNumbers", "BusinessRegistrationNumber"):
        identifiers.append(make_identifier("registration", number))
    for label, outer, inner in (
        ("Type of entity", "TypeOfEntities", "TypeOfEntity"),
        ("Parent companies", "ParentCompanies", "ParentCompany"),
        ("Subsidiaries", "Subsidiaries", "Subsidiary"),
    ):
        values = texts(entity, outer, inner)
        if values:
            notes.append(f"{label}: " + "; ".join(values))


def ship_facts(
    ship: etree._Element, countries: set[str], identifiers: list[Identifier], notes: list[str]
) -> None:
    """A ship's IMO numbers (to ``identifiers``), its current flag (to ``countries``) and
    its flags, owners, type, tonnage, length, year and hull number (to ``notes``)."""
    for number in texts(ship, "IMONumbers", "IMONumber"):
        identifiers.append(make_identifier("IMO", number))
    flags = texts(ship, "CurrentBelievedFlagOfShips", "CurrentBelievedFlagOfShip")
    for flag in flags:
        code = country_code(flag)
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
        found = values if values is not None else texts(ship, outer, inner)
        if found:
            notes.append(f"{label}: " + "; ".join(found))


def addresses_of(designation: etree._Element) -> list[Address]:
    """A designation's distinct addresses (lines 1-5 as street, line 6 as city)."""
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
                country=country_code(country_text) if country_text else None,
            ),
        )
    return list(found.values())


def remarks_of(designation: etree._Element, notes: list[str]) -> str | None:
    """The remarks text: titles, designation source, sanctions imposed, other
    information, the statement of reasons, ``notes``, then contact details."""
    lines: list[str] = []
    titles = texts(designation, "Titles", "Title")
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
        values = texts(designation, outer, inner)
        if values:
            lines.append(f"{label}: " + "; ".join(values))
    return "\n".join(dict.fromkeys(lines)) or None


def path(element: etree._Element, *tags: str) -> etree._Element | None:
    """The element down ``tags`` (first child of each), or ``None``."""
    current: etree._Element | None = element
    for tag in tags:
        if current is None:
            return None
        current = child(current, tag)
    return current


def _items(parent: etree._Element, outer: str, inner: str) -> list[etree._Element]:
    container = child(parent, outer)
    return children(container, inner) if container is not None else []


def texts(parent: etree._Element, outer: str, inner: str) -> list[str]:
    """The distinct texts (white space collapsed) of the ``inner`` children of ``outer``."""
    values: dict[str, None] = {}
    for element in _items(parent, outer, inner):
        text = " ".join((element.text or "").split())
        if text:
            values.setdefault(text, None)
    return list(values)


_NOTE = re.compile(r"\(.*?\)|\(.*$")


@lru_cache(maxsize=1024)
def country_code(text: str) -> str | None:
    """ISO code of a country name, ignoring a trailing note in parentheses."""
    return to_code(text) or to_code(_NOTE.sub("", text).strip(" .,"))
