"""The parts of one FSF ``sanctionEntity``: its name aliases (and the primary name rule),
birth dates and places, addresses, contact details, gender, identifications and
regulations, with the FSF's date, country-code and text conventions.

The format, and what each element maps to, is described in
:mod:`~exportguard.sources.eu_fsf`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from lxml import etree

from exportguard.core.countries import is_code
from exportguard.core.entities import Address, Alias, AliasQuality, Identifier
from exportguard.core.identifiers import identifier_kind, make_identifier
from exportguard.core.snapshots import SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources._common import child, children, clean

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
    remark = " ".join(element_text(r) or "" for r in children(element, "remark")).lower()
    raw_id = (element.get("logicalId") or "").strip()
    return _Name(
        text=text,
        lang=lang,
        weak=(element.get("strong") or "").strip().lower() == "false" or "low quality" in remark,
        script=not _is_latin(text),
        logical_id=int(raw_id) if raw_id.isdigit() else 2**62,
        preferred=lang in (None, reg_lang),
    )


def names_of(
    file: SourceFile, element: etree._Element, logical_id: str
) -> tuple[str, tuple[Alias, ...], list[str]]:
    """The primary name (by the rule in :mod:`~exportguard.sources.eu_fsf`), the other
    names as aliases, and the aliases' titles, functions and remarks as notes;
    ``SourceFormatError`` when no ``nameAlias`` has a name."""
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
            value = element_text(remark)
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


def births_of(
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
        said += [r for r in (element_text(x) for x in children(birth, "remark")) if r]
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
    if iso_date(full) is not None:
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


def addresses_of(element: etree._Element) -> list[Address]:
    """The entity's distinct addresses; a ``remark`` is the address's note (its ``full``
    text when it has no other part)."""
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
        note = " ".join(element_text(r) or "" for r in children(address, "remark")).strip()
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
                country=country_code(address.get("countryIso2Code")),
                note=(note or None) if has_parts else None,
            ),
        )
    return list(found.values())


_CONTACT_KEYS = {"PHONE": "phone", "FAX": "fax", "EMAIL": "e-mail", "WEB": "website"}


def contacts_of(element: etree._Element) -> tuple[str, ...]:
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


def gender_of(element: etree._Element) -> str | None:
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


def identifiers_of(element: etree._Element) -> tuple[Identifier, ...]:
    """The EU reference number, the UN id and every ``identification`` (kind, number,
    country, dates, issuer, place; its remarks, the name on it and its flags as note)."""
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
                country_code(ident.get("countryIso2Code")),
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


def regulations_of(element: etree._Element) -> tuple[tuple[str, ...], str | None, str | None]:
    """(programmes, the regulations as citation, the first publication URL)."""
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


def iso_date(value: str) -> date | None:
    """The date a ``YYYY-MM-DD...`` text starts with, or ``None``."""
    match = _ISO_DATE.match(value)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def country_code(code: str | None) -> str | None:
    """A ``countryIso2Code`` that is a known ISO code (upper case), else ``None`` (``00``)."""
    text = (code or "").strip().upper()
    return text if is_code(text) else None


def element_text(element: etree._Element) -> str | None:
    """All the text inside an element, white space collapsed, or ``None``."""
    return clean("".join(element.itertext()))


@lru_cache(maxsize=8192)
def _is_latin(text: str) -> bool:
    """Whether every letter of ``text`` is a Latin letter (accents allowed)."""
    for char in text:
        if char.isalpha() and not unicodedata.name(char, "").startswith("LATIN"):
            return False
    return True
