"""How one ``entity`` of OFAC's Enhanced XML maps to a :class:`ListEntry`: its names and
their translations, addresses, identity documents, features, relationships and lists.

The format, and what each part maps to, is described in
:mod:`~exportguard.sources.ofac_enhanced`, which reads the file and its lookup tables
(:class:`Refs`) and hands each entity to :func:`to_entry`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from lxml import etree

from exportguard.core.entities import Address, Alias, AliasQuality, EntityType, ListEntry
from exportguard.core.identifiers import make_identifier
from exportguard.core.snapshots import SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources import _ofac
from exportguard.sources._common import by_tag, child, clean, parse_date, tag_text
from exportguard.sources._documents import text_date
from exportguard.sources._ofac_ids import DIGITAL_CURRENCY, IDENTIFIER_LABELS, split_identifier

#: Features whose (COUNTRY) value is a country the party belongs to.
_COUNTRY_FEATURES = frozenset(
    {"Nationality Country", "Citizenship Country", "Nationality of Registration", "Vessel Flag"}
)
#: Features that are identifiers under another name.
_RENAMED_IDENTIFIERS = {"Vessel Call Sign": "Call Sign"}
_PERSON_PARTS = ("First Name", "Middle Name", "Patronymic", "Matronymic", "Last Name")


@dataclass(slots=True)
class Refs:
    """The lookup tables of one file: a reference value's id -> its ISO country code
    (``isoCode``), a feature type's id -> its detail type (``DATE``, ``COUNTRY`` ...)."""

    iso: dict[str, str] = field(default_factory=dict)
    feature_kinds: dict[str, str] = field(default_factory=dict)


def _first(kids: dict[str, list[etree._Element]], name: str) -> etree._Element | None:
    found = kids.get(name)
    return found[0] if found else None


def _items(kids: dict[str, list[etree._Element]], holder: str) -> list[etree._Element]:
    out: list[etree._Element] = []
    for h in kids.get(holder, ()):
        out.extend(c for c in h if isinstance(c.tag, str))
    return out


def _true(text: str | None) -> bool:
    return (text or "").strip().lower() == "true"


def _raw_text(element: etree._Element, name: str) -> str | None:
    """Text of the first child called ``name`` (uncleaned), or ``None``."""
    found = child(element, name)
    return found.text if found is not None else None


def _country(element: etree._Element | None, refs: Refs) -> str | None:
    if element is None:
        return None
    ref = element.get("refId")
    if ref and ref in refs.iso:
        return refs.iso[ref]
    return _ofac.country_code(clean(element.text))


def read_date(
    file: SourceFile, element: etree._Element, text: str | None, name: str
) -> date | None:
    """``YYYY-MM-DD`` (a time part is dropped) as a date, ``None`` when empty; any other
    text is a ``SourceFormatError`` naming the file, the element's line and ``name``."""
    try:
        return parse_date(text, ("%Y-%m-%d",))
    except ValueError as exc:
        raise SourceFormatError(
            f"unreadable date: {exc} (expected YYYY-MM-DD)",
            file=file.name,
            line=_ofac.line_of(element),
            field=name,
        ) from exc


def to_entry(
    file: SourceFile,
    source: str,
    element: etree._Element,
    refs: Refs,
    unread: list[str],
    warnings: list[str],
) -> ListEntry:
    """One ``<entity>`` as a :class:`ListEntry` of ``source``: a birth date it cannot read
    goes to ``unread``, an unknown entity type to ``warnings``; ``SourceFormatError`` for an
    entity without a numeric id or without any name."""
    native = (element.get("id") or "").strip()
    if not native.isdigit():
        raise SourceFormatError(
            f"the entity id must be a number, found {native!r}",
            file=file.name,
            line=_ofac.line_of(element),
            field="id",
        )
    kids = by_tag(element)
    general = _first(kids, "generalInfo")
    general_kids = by_tag(general) if general is not None else {}
    raw_type = tag_text(general_kids, "entityType")
    entity_type = _ofac.ENTITY_TYPES.get((raw_type or "").lower())
    if entity_type is None:
        entity_type = EntityType.UNKNOWN
        warnings.append(f"{file.name}: entity {native} has unknown entityType {raw_type!r}")
    name, aliases = _names(file, element, kids, entity_type is EntityType.PERSON)

    facts = _ofac.EntryFacts()
    _read_addresses(kids, refs, facts)
    _read_documents(kids, refs, facts)
    _read_features(kids, refs, facts, unread)
    _read_relationships(kids, facts)
    listed = _listed(file, kids)
    authorities = [t for item in _items(kids, "legalAuthorities") if (t := clean(item.text))]
    return ListEntry(
        id=f"{source}:{native}",
        source=source,
        list_name=_ofac.LIST_NAMES[source],
        type=entity_type,
        name=name,
        aliases=aliases,
        programs=_ofac.unique(
            p for item in _items(kids, "sanctionsPrograms") if (p := clean(item.text))
        ),
        addresses=tuple(facts.addresses),
        countries=tuple(sorted(set(facts.countries))),
        nationalities=_ofac.unique(facts.nationalities),
        citizenships=_ofac.unique(facts.citizenships),
        identifiers=tuple(dict.fromkeys(facts.identifiers)),
        birth_dates=_ofac.unique(facts.dates),
        birth_places=_ofac.unique(facts.places),
        listed_from=min(listed) if listed else None,
        citation="; ".join(_ofac.unique(authorities)) or None,
        remarks=_ofac.join_remarks([tag_text(general_kids, "remarks"), *facts.notes]),
        url=_ofac.DETAILS_URL.format(native),
    )


def _listed(file: SourceFile, kids: dict[str, list[etree._Element]]) -> list[date]:
    """The ``datePublished`` of every list the entity is on."""
    out: list[date] = []
    for item in _items(kids, "sanctionsLists"):
        when = item.get("datePublished")
        day = read_date(file, item, when, "datePublished") if when else None
        if day is not None:
            out.append(day)
    return out


def _read_addresses(
    kids: dict[str, list[etree._Element]], refs: Refs, facts: _ofac.EntryFacts
) -> None:
    for item in _items(kids, "addresses"):
        for address in _addresses(item, refs):
            if address not in facts.addresses:
                facts.addresses.append(address)
                if address.country:
                    facts.countries.append(address.country)


def _read_documents(
    kids: dict[str, list[etree._Element]], refs: Refs, facts: _ofac.EntryFacts
) -> None:
    for item in _items(kids, "identityDocuments"):
        doc = by_tag(item)
        kind, number = tag_text(doc, "type"), tag_text(doc, "documentNumber")
        if kind and number:
            # A few numbers carry their country in the text ("1026303117642 (Russia)").
            ident = split_identifier(kind, number)
            issuer = _country(_first(doc, "issuingCountry"), refs) or ident.country
            issued, expires = tag_text(doc, "issueDate"), tag_text(doc, "expirationDate")
            under = tag_text(doc, "name")
            facts.identifiers.append(
                replace(
                    ident,
                    country=issuer,
                    authority=tag_text(doc, "issuingAuthority"),
                    place=tag_text(doc, "issuingLocation"),
                    issue_date=(text_date(issued[:10]) if issued else None) or ident.issue_date,
                    expiry_date=(text_date(expires[:10]) if expires else None) or ident.expiry_date,
                    note=f"issued under name {under}" if under else None,
                    invalid=(tag_text(doc, "isValid") or "").casefold() == "false",
                )
            )


def _read_features(
    kids: dict[str, list[etree._Element]], refs: Refs, facts: _ofac.EntryFacts, unread: list[str]
) -> None:
    for item in _items(kids, "features"):
        feature = by_tag(item)
        type_element = _first(feature, "type")
        value = tag_text(feature, "value")
        if type_element is None or not value:
            continue
        kind = clean(type_element.text) or ""
        detail = refs.feature_kinds.get(type_element.get("featureTypeId") or "", "")
        if kind == "Birthdate":
            parsed = _ofac.birth_dates(value)
            if parsed is None:
                unread.append(value)
            else:
                facts.dates.extend(parsed)
        elif kind == "Place of Birth":
            facts.places.append(value)
        elif kind in _COUNTRY_FEATURES or detail == "COUNTRY":
            code = refs.iso.get(tag_text(feature, "valueRefId") or "") or _ofac.country_code(value)
            if kind in _COUNTRY_FEATURES and code:
                facts.countries.append(code)
                if kind == "Nationality Country":
                    facts.nationalities.append(code)
                elif kind == "Citizenship Country":
                    facts.citizenships.append(code)
            facts.notes.append(f"{kind} {value}")
        elif kind in _RENAMED_IDENTIFIERS:
            facts.identifiers.append(make_identifier(_RENAMED_IDENTIFIERS[kind], value))
        elif kind in IDENTIFIER_LABELS or kind.startswith(DIGITAL_CURRENCY):
            facts.identifiers.append(make_identifier(kind, value))
        else:
            facts.notes.append(f"{kind} {value}")


def _read_relationships(kids: dict[str, list[etree._Element]], facts: _ofac.EntryFacts) -> None:
    for item in _items(kids, "relationships"):
        rel = by_tag(item)
        related = _first(rel, "relatedEntity")
        kind = tag_text(rel, "type")
        if related is not None and kind:
            target = clean(related.text) or f"entity {related.get('entityId')}"
            facts.notes.append(f"{kind}: {target}")


def _translation_name(translation: etree._Element, person: bool) -> str | None:
    kids = by_tag(translation)
    last, first = tag_text(kids, "formattedLastName"), tag_text(kids, "formattedFirstName")
    if person and (last or first):
        return _ofac.natural_name(last, first)
    full = tag_text(kids, "formattedFullName")
    if full:
        return full
    parts: dict[str, list[str]] = {}
    for part in _items(kids, "nameParts"):
        p = by_tag(part)
        kind, value = tag_text(p, "type"), tag_text(p, "value")
        if kind and value:
            parts.setdefault(kind, []).append(value)
    if person:
        ordered = [v for k in _PERSON_PARTS for v in parts.get(k, ())]
        if ordered:
            return " ".join(ordered)
    return " ".join(v for values in parts.values() for v in values) or None


def _names(
    file: SourceFile, element: etree._Element, kids: dict[str, list[etree._Element]], person: bool
) -> tuple[str, tuple[Alias, ...]]:
    primary: str | None = None
    aliases: list[Alias] = []
    for name_element in _items(kids, "names"):
        name_kids = by_tag(name_element)
        is_primary = _true(tag_text(name_kids, "isPrimary"))
        weak = _true(tag_text(name_kids, "isLowQuality"))
        quality = AliasQuality.WEAK if weak else AliasQuality.STRONG
        kind = _ofac.ALIAS_KINDS.get(
            (tag_text(name_kids, "aliasType") or "a.k.a.").lower(), "other"
        )
        translations = _items(name_kids, "translations")
        # The primary translation first, so that it names the entry.
        translations.sort(key=lambda t: not _true(_raw_text(t, "isPrimary")))
        for index, translation in enumerate(translations):
            text = _translation_name(translation, person)
            if not text:
                continue
            script = (_raw_text(translation, "script") or "Latin").strip()
            if index == 0 and is_primary and primary is None:
                primary = text
            elif index == 0 and script == "Latin":
                aliases.append(Alias(text, quality, kind))
            else:
                aliases.append(Alias(text, quality, "original-script"))
    if primary is None:
        if not aliases:
            raise SourceFormatError(
                "the entity has no name", file=file.name, line=_ofac.line_of(element), field="names"
            )
        primary = aliases.pop(0).name
    return primary, _ofac.unique_aliases(primary, aliases)


_ADDRESS_PARTS = {
    "ADDRESS1": "street",
    "ADDRESS2": "street",
    "ADDRESS3": "street",
    "CITY": "city",
    "STATE/PROVINCE": "region",
    "REGION": "area",
    "POSTAL CODE": "postal",
}


def _addresses(element: etree._Element, refs: Refs) -> list[Address]:
    kids = by_tag(element)
    country_element = _first(kids, "country")
    country_name = clean(country_element.text) if country_element is not None else None
    country = _country(country_element, refs)
    out: list[Address] = []
    translations: list[etree._Element | None] = [*_items(kids, "translations")] or [None]
    for translation in translations:
        parts: dict[str, list[str]] = {}
        holders = _items(by_tag(translation), "addressParts") if translation is not None else []
        for part in holders:
            p = by_tag(part)
            kind, value = tag_text(p, "type"), tag_text(p, "value")
            if kind and value:
                parts.setdefault(_ADDRESS_PARTS.get(kind.upper(), "street"), []).append(value)
        street = ", ".join(parts.get("street", ())) or None
        city = ", ".join(parts.get("city", ())) or None
        region = ", ".join(parts.get("region", ())) or None
        area = ", ".join(parts.get("area", ())) or None
        postal = ", ".join(parts.get("postal", ())) or None
        shown_country = country_name
        if area and shown_country is None:
            # A REGION without a country ("Gaza") is what the CSV shows as "Region: Gaza".
            shown_country = f"Region: {area}"
        elif area:
            region = ", ".join(p for p in (region, area) if p)
        if not (street or city or region or postal or shown_country):
            continue
        city_line = " ".join(p for p in (", ".join(p for p in (city, region) if p), postal) if p)
        out.append(
            Address(
                full=", ".join(p for p in (street, city_line, shown_country) if p),
                street=street,
                city=city,
                region=region or area,
                postal_code=postal,
                country=country or _ofac.country_code(shown_country),
            )
        )
    return out
