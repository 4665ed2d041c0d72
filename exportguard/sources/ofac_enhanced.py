"""OFAC Sanctions List Service "Enhanced XML" (SDN_ENHANCED.XML, CONS_ENHANCED.XML).

The Sanctions List Service publishes each list as one XML file (also zipped) in the
namespace ``https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/
ENHANCED_XML``::

    <sanctionsData>
      <publicationInfo><dataAsOf>2025-01-10T00:00:00</dataAsOf>
        <filters><sanctionsLists><sanctionsList refId=..>Consolidated List</...>
      <referenceValues><referenceValue refId=".."><type>COUNTRY</type><value>Russia</value>
                       <isoCode>RU</isoCode></referenceValue>*    (a lookup table)
      <featureTypes><featureType featureTypeId=".."><type>Birthdate</type>
                    <detailType>DATE|TEXT|LOOKUP|COUNTRY</detailType></featureType>*
      <entities>
        <entity id="17013">
          <generalInfo><identityId/><entityType>Individual|Entity|Vessel|Aircraft</...>
                       <remarks/>?</generalInfo>
          <sanctionsLists><sanctionsList datePublished="2014-07-29">...</...>*
          <sanctionsPrograms>/<sanctionsTypes>/<legalAuthorities>
          <names><name id=".."><isPrimary/><aliasType>A.K.A.|F.K.A.|N.K.A.</aliasType>?
                 <isLowQuality/><translations><translation><isPrimary/><script>Latin|..</script>
                 <formattedFirstName/>?<formattedLastName/><formattedFullName/>
                 <nameParts><namePart><type>Last Name|First Name|Entity Name|..</type>...
          <addresses><address><country refId/>?<translations><translation><addressParts>
                     <addressPart><type>ADDRESS1|CITY|STATE/PROVINCE|POSTAL CODE|REGION|..
          <features><feature><type featureTypeId/><value/><valueRefId/>?<valueDate/>?
          <identityDocuments><identityDocument><type/><documentNumber/><issuingCountry refId/>
          <relationships><relationship><type/><relatedEntity entityId="..">NAME</...>
        </entity>*
      </entities>
    </sanctionsData>

Values point into ``referenceValues``/``featureTypes`` by id; the parser resolves them (a
country's ISO code comes from its reference value's ``isoCode``, else from
:func:`~exportguard.core.countries.to_code` on the name).

Quirks of the real file (CONS_ENHANCED.XML of 2025-01-10): ``formattedFullName`` is
upper-cased ("VTB BANK PAO") while ``nameParts`` keep mixed case ("VTB Bank PAO"); the
formatted forms are used, as they match the CSV. Address translations without parts are
common (skipped when there is no country either). A REGION part without a country
("Gaza") is what the CSV prints as the country "Region: Gaza". A few document numbers
carry their country in the text ("1026303117642 (Russia)"); it is split off. Entities
that are also on the SDN list (VTB: SSI 2014, SDN 2022) stay in the consolidated file
and keep its source.

Mapping to :class:`~exportguard.core.entities.ListEntry`, aligned with the legacy CSV and
the classic XML so the three OFAC formats agree on one record:

- ``id`` is ``"<source>:<entity id>"``: the entity id is the CSV ``ent_num`` and the XML
  ``uid``. ``published`` is ``dataAsOf``.
- source: the publication filter decides ("Consolidated List" -> ``us_ofac_cons``, "SDN
  List" -> ``us_ofac_sdn``); without one, the file name (CONS_ENHANCED / SDN_ENHANCED).
- name: the primary name's primary translation (Latin); for a person "first last" from
  ``formattedFirstName``/``formattedLastName``, else ``formattedFullName``. Every other
  name is an alias (kind from ``aliasType``; ``isLowQuality`` -> weak). Translations in
  other scripts (Cyrillic, Arabic, Chinese, ...) of any name are aliases of kind
  ``original-script``.
- features: Birthdate -> ``birth_dates`` (ISO partial, ranges as years), Place of Birth ->
  ``birth_places``, Nationality/Citizenship Country, Nationality of Registration and
  Vessel Flag -> ``countries`` (Nationality Country also in ``nationalities``,
  Citizenship Country in ``citizenships``); identifying features (SWIFT/BIC, BIK, ISIN, Vessel Call
  Sign, digital currency addresses) -> identifiers; the rest ("Secondary sanctions risk:",
  directives, Website, Target Type, ...) go into ``remarks`` as "type value", after the
  entity's own remarks and followed by its relationships ("Owned or Controlled By: X").
- ``identityDocuments`` -> identifiers (type, number, issuing country ISO code).
- addresses: every translation of an address becomes an :class:`Address` with street
  (ADDRESS1-3), city, region (STATE/PROVINCE or REGION), postal code and country; ``full``
  is composed like the CSV's address ("street, City, State Postal, Country").
- ``programs`` from ``sanctionsPrograms``; ``citation`` is the legal authorities
  (e.g. "Executive Order 14024 (Russia)"); ``listed_from`` is the earliest
  ``datePublished`` of the entity's lists. ``url`` is the record's OFAC search page.

Bad input (SourceFormatError with file, element line and field): not XML or a DOCTYPE,
another root element, an entity without a numeric id or without any name, a repeated
entity id, an unreadable ``dataAsOf`` or ``datePublished``, a file that says neither by
filter nor by name which list it is. A zip archive given to :func:`parse` is opened with
:func:`~exportguard.sources._common.unzip` and its one XML member parsed.

Kept in one module (over 500 lines, by ARCHITECTURE.md's exception for one cohesive
parser): every function here reads one part of this one format and maps it to the entry
model; each is tested on the real file, and a split would only scatter the format's
field-by-field mapping over files that no one changes apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from lxml import etree

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
from exportguard.sources import _ofac
from exportguard.sources._common import (
    SourceFile,
    by_tag,
    child,
    children,
    clean,
    local,
    parse_date,
    parse_xml,
    tag_text,
    unzip,
)
from exportguard.sources._documents import text_date
from exportguard.sources._ofac_ids import DIGITAL_CURRENCY, IDENTIFIER_LABELS, split_identifier

NAME = "ofac_enhanced_xml"

_NAMESPACE = b"sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML"

#: Features whose (COUNTRY) value is a country the party belongs to.
_COUNTRY_FEATURES = frozenset(
    {"Nationality Country", "Citizenship Country", "Nationality of Registration", "Vessel Flag"}
)
#: Features that are identifiers under another name.
_RENAMED_IDENTIFIERS = {"Vessel Call Sign": "Call Sign"}
_PERSON_PARTS = ("First Name", "Middle Name", "Patronymic", "Matronymic", "Last Name")


def sniff(file: SourceFile) -> bool:
    """The Enhanced XML: a ``sanctionsData`` root in the ENHANCED_XML namespace."""
    head = file.head()
    return b"<sanctionsData" in head and _NAMESPACE in head


@dataclass(slots=True)
class _Refs:
    """The lookup tables of one file."""

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


def _open(files: Sequence[SourceFile]) -> SourceFile:
    if len(files) != 1:
        raise SourceFormatError(f"expected one Enhanced XML file, got {len(files)}")
    file = files[0]
    if file.data[:4] != b"PK\x03\x04":
        return file
    members = [m for m in unzip(file) if _ofac.file_name(m.name).lower().endswith(".xml")]
    if len(members) != 1:
        raise SourceFormatError(
            f"expected one XML file in the archive, found {len(members)}", file=file.name
        )
    return members[0]


def _refs(root: etree._Element) -> _Refs:
    refs = _Refs()
    holder = child(root, "referenceValues")
    if holder is not None:
        for value in holder:
            if not isinstance(value.tag, str):
                continue
            iso = child(value, "isoCode")
            ref = value.get("refId")
            if ref and iso is not None and iso.text and iso.text.strip():
                refs.iso[ref] = iso.text.strip()
    types = child(root, "featureTypes")
    if types is not None:
        for feature_type in types:
            if not isinstance(feature_type.tag, str):
                continue
            detail = child(feature_type, "detailType")
            ref = feature_type.get("featureTypeId")
            if ref and detail is not None and detail.text:
                refs.feature_kinds[ref] = detail.text.strip().upper()
    return refs


def _country(element: etree._Element | None, refs: _Refs) -> str | None:
    if element is None:
        return None
    ref = element.get("refId")
    if ref and ref in refs.iso:
        return refs.iso[ref]
    return _ofac.country_code(clean(element.text))


def _source(file: SourceFile, root: etree._Element, info: etree._Element | None) -> str:
    if info is not None:
        for element in info.iter():
            if isinstance(element.tag, str) and local(element.tag) == "sanctionsList":
                text = (element.text or "").strip().lower()
                if text == "consolidated list":
                    return _ofac.CONS_SOURCE
                if text == "sdn list":
                    return _ofac.SDN_SOURCE
    name = _ofac.file_name(file.name).upper()
    if "CONS" in name:
        return _ofac.CONS_SOURCE
    if "SDN" in name:
        return _ofac.SDN_SOURCE
    raise SourceFormatError(
        "cannot tell which OFAC list this is: the publication filter names neither the SDN "
        "nor the Consolidated List, and the file name says neither SDN nor CONS",
        file=file.name,
        line=_ofac.line_of(root),
        field="publicationInfo",
    )


def _date(file: SourceFile, element: etree._Element, text: str | None, name: str) -> date | None:
    try:
        return parse_date(text, ("%Y-%m-%d",))
    except ValueError as exc:
        raise SourceFormatError(
            f"unreadable date: {exc} (expected YYYY-MM-DD)",
            file=file.name,
            line=_ofac.line_of(element),
            field=name,
        ) from exc


def parse(files: Sequence[SourceFile]) -> ParsedList:
    """Parse one SDN_ENHANCED or CONS_ENHANCED XML file (or its zip)."""
    file = _open(files)
    root = parse_xml(file, "sanctionsData", "OFAC Enhanced XML")
    warnings: list[str] = []
    info = child(root, "publicationInfo")
    published = None
    as_of = child(info, "dataAsOf") if info is not None else None
    if as_of is None:
        warnings.append(f"{file.name}: no publicationInfo/dataAsOf; no publication date")
    else:
        published = _date(file, as_of, as_of.text, "dataAsOf")
    source = _source(file, root, info)
    refs = _refs(root)
    holder = child(root, "entities")
    if holder is None:
        raise SourceFormatError(
            "no <entities> element (cut file?)",
            file=file.name,
            line=_ofac.line_of(root),
            field="entities",
        )
    entities = children(holder, "entity")
    if not entities:
        raise SourceFormatError(
            "the file has no entities", file=file.name, line=_ofac.line_of(holder), field="entity"
        )
    entries: list[ListEntry] = []
    seen: dict[str, int] = {}
    unread: list[str] = []
    counts = {"names": 0, "addresses": 0, "identifiers": 0}
    for element in entities:
        entry = _entry(file, source, element, refs, unread, warnings)
        if entry.id in seen:
            raise SourceFormatError(
                f"duplicate entity id {entry.id.split(':', 1)[1]} (first on line {seen[entry.id]})",
                file=file.name,
                line=_ofac.line_of(element),
                field="id",
            )
        seen[entry.id] = _ofac.line_of(element) or 0
        counts["names"] += 1 + len(entry.aliases)
        counts["addresses"] += len(entry.addresses)
        counts["identifiers"] += len(entry.identifiers)
        entries.append(entry)
    if unread:
        warnings.append(
            f"{file.name}: {len(unread)} dates of birth could not be read and stay out of "
            f"birth_dates ({'; '.join(repr(u) for u in unread[:3])})"
        )
    return ParsedList(
        source=source,
        format=NAME,
        entries=tuple(entries),
        published=published,
        counts={"entries": len(entries), **counts},
        warnings=tuple(warnings),
    )


@dataclass(slots=True)
class _Facts:
    """What the addresses, documents, features and relationships of one entity add up to."""

    countries: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    citizenships: list[str] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _entry(
    file: SourceFile,
    source: str,
    element: etree._Element,
    refs: _Refs,
    unread: list[str],
    warnings: list[str],
) -> ListEntry:
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

    facts = _Facts()
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
        day = _date(file, item, when, "datePublished") if when else None
        if day is not None:
            out.append(day)
    return out


def _read_addresses(kids: dict[str, list[etree._Element]], refs: _Refs, facts: _Facts) -> None:
    for item in _items(kids, "addresses"):
        for address in _addresses(item, refs):
            if address not in facts.addresses:
                facts.addresses.append(address)
                if address.country:
                    facts.countries.append(address.country)


def _read_documents(kids: dict[str, list[etree._Element]], refs: _Refs, facts: _Facts) -> None:
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
    kids: dict[str, list[etree._Element]], refs: _Refs, facts: _Facts, unread: list[str]
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


def _read_relationships(kids: dict[str, list[etree._Element]], facts: _Facts) -> None:
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


def _raw_text(element: etree._Element, name: str) -> str | None:
    """Text of the first child called ``name`` (uncleaned), or ``None``."""
    found = child(element, name)
    return found.text if found is not None else None


_ADDRESS_PARTS = {
    "ADDRESS1": "street",
    "ADDRESS2": "street",
    "ADDRESS3": "street",
    "CITY": "city",
    "STATE/PROVINCE": "region",
    "REGION": "area",
    "POSTAL CODE": "postal",
}


def _addresses(element: etree._Element, refs: _Refs) -> list[Address]:
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
