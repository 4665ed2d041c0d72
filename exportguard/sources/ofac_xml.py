"""OFAC's classic ``sdnList`` XML: SDN.XML and the consolidated (non-SDN) consolidated.xml.

Both files follow the schema ``http://tempuri.org/sdnList.xsd`` (default namespace)::

    <sdnList>
      <publshInformation>             (sic: OFAC's own typo, kept in every release)
        <Publish_Date>04/06/2018</Publish_Date>     (MM/DD/YYYY)
        <Record_Count>639</Record_Count>
      </publshInformation>
      <sdnEntry>
        <uid/> <firstName/>? <lastName/> <title/>? <sdnType/> <remarks/>?
        <programList><program/>*</programList>
        <idList><id><uid/><idType/><idNumber/><idCountry/>?<issueDate/>?<expirationDate/>?</id>*
        <akaList><aka><uid/><type/><category/><lastName/><firstName/>?</aka>*
        <addressList><address><uid/><address1/>..<address3/><city/><stateOrProvince/>
                              <postalCode/><country/></address>*
        <nationalityList>/<citizenshipList> <.../country/>
        <dateOfBirthList><dateOfBirthItem><dateOfBirth/>   ("10 Dec 1948", "1962", "circa 1951")
        <placeOfBirthList><placeOfBirthItem><placeOfBirth/>
        <vesselInfo><callSign/><vesselType/><vesselFlag/><vesselOwner/><tonnage/>
                    <grossRegisteredTonnage/></vesselInfo>
      </sdnEntry>*
    </sdnList>

Mapping to :class:`~exportguard.core.entities.ListEntry` (aligned with the legacy CSV so
one record looks the same whichever OFAC format it came from):

- ``id`` is ``"<source>:<uid>"``; the uid is the CSV ``ent_num`` and the Enhanced XML
  entity id. ``published`` is ``Publish_Date``; ``Record_Count`` must equal the number of
  ``sdnEntry`` elements (a cheap integrity check against cut or edited files).
- source: the file name decides (``SDN.XML`` / a name containing "sdn" -> ``us_ofac_sdn``;
  ``consolidated.xml`` / a name containing "cons" -> ``us_ofac_cons``). When the name says
  neither, the content decides: programs that exist only on OFAC's non-SDN lists (``NS-*``
  such as NS-PLC, ``FSE-*``, ``561List``, ``CMIC-*``, ``CAPTA``) make it the consolidated
  list, otherwise it is taken as the SDN list (a warning records the guess).
- type: ``Individual`` -> person, ``Entity`` -> organization, ``Vessel``, ``Aircraft``.
- names: a person's name is built "firstName lastName"; other entries keep OFAC's
  "lastName, firstName" form. ``akaList`` gives the aliases: ``type`` a.k.a./f.k.a./n.k.a.
  -> kind aka/fka/nka, ``category`` strong/weak -> :class:`AliasQuality`.
- ``idList``: document and registration numbers (passport, registration ID, IMO, MMSI,
  SWIFT/BIC, digital currency addresses, ...) become identifiers (with ``idCountry`` as
  ISO code); informational items (Website, Email Address, "Additional Sanctions
  Information -", "Secondary sanctions risk:", directive determinations, ...) go into
  ``remarks`` as "type value", the way the CSV prints them; ``Nationality of
  Registration`` is a country.
- ``countries``: nationalities, citizenships, address countries and the vessel flag;
  nationalities and citizenships also kept apart (``nationalities``, ``citizenships``).
- dates of birth as ISO partial dates (a range as its years), places of birth as written.
- the vessel call sign is an identifier; title and vessel type/flag/owner/tonnage open
  the remarks. ``url`` is the record's page on OFAC's sanctions search.

Bad input (SourceFormatError with file, element line and field): not XML or a DOCTYPE
(refused by :func:`~exportguard.sources._common.parse_xml`), another root element, an
entry without uid or lastName, a non-numeric or repeated uid, an unreadable Publish_Date,
a Record_Count that disagrees with the entries.
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
    clean,
    local,
    parse_date,
    parse_xml,
    tag_text,
)
from exportguard.sources._documents import text_date
from exportguard.sources._ofac_ids import is_identifier_label, split_identifier

NAME = "ofac_sdn_xml"

_NAMESPACE = b"tempuri.org/sdnList.xsd"

#: Program codes that only OFAC's non-SDN lists use (prefixes).
_NON_SDN_PROGRAMS = ("NS-", "FSE-", "561LIST", "CMIC", "CAPTA")


def sniff(file: SourceFile) -> bool:
    """The classic OFAC XML: an ``sdnList`` root in the sdnList.xsd namespace."""
    head = file.head()
    return b"<sdnList" in head and (_NAMESPACE in head or b"<publshInformation" in head)


def _grandchildren(
    kids: dict[str, list[etree._Element]], list_name: str, item_name: str
) -> list[etree._Element]:
    out: list[etree._Element] = []
    for holder in kids.get(list_name, ()):
        out.extend(c for c in holder if isinstance(c.tag, str) and local(c.tag) == item_name)
    return out


def _source(file: SourceFile, programs: set[str], warnings: list[str]) -> str:
    name = _ofac.file_name(file.name).lower()
    if "cons" in name:
        return _ofac.CONS_SOURCE
    if "sdn" in name:
        return _ofac.SDN_SOURCE
    non_sdn = sorted(p for p in programs if p.upper().startswith(_NON_SDN_PROGRAMS))
    if non_sdn:
        warnings.append(
            f"{file.name}: the file name does not say which OFAC list this is; taken as the "
            f"consolidated (non-SDN) list because of non-SDN programs ({', '.join(non_sdn[:3])})"
        )
        return _ofac.CONS_SOURCE
    warnings.append(
        f"{file.name}: the file name does not say which OFAC list this is; taken as the SDN "
        "list (no non-SDN program found)"
    )
    return _ofac.SDN_SOURCE


@dataclass(slots=True)
class _Header:
    published: date | None = None
    record_count: int | None = None
    count_line: int | None = None


def _header(file: SourceFile, root: etree._Element, warnings: list[str]) -> _Header:
    """``publshInformation``: the publication date and the declared record count."""
    header = _Header()
    info = next(
        (
            c
            for c in root
            if isinstance(c.tag, str)
            and local(c.tag) in ("publshInformation", "publishInformation")
        ),
        None,
    )
    kids = by_tag(info) if info is not None else {}
    if "Record_Count" in kids:
        element = kids["Record_Count"][0]
        text = clean(element.text) or ""
        if not text.isdigit():
            raise SourceFormatError(
                f"Record_Count must be a whole number, found {text!r}",
                file=file.name,
                line=_ofac.line_of(element),
                field="Record_Count",
            )
        header.record_count, header.count_line = int(text), _ofac.line_of(element)
    if "Publish_Date" not in kids:
        warnings.append(f"{file.name}: no publshInformation/Publish_Date; no publication date")
        return header
    element = kids["Publish_Date"][0]
    try:
        header.published = parse_date(element.text, ("%m/%d/%Y",))
    except ValueError as exc:
        raise SourceFormatError(
            f"unreadable publication date: {exc} (expected MM/DD/YYYY)",
            file=file.name,
            line=_ofac.line_of(element),
            field="Publish_Date",
        ) from exc
    return header


def parse(files: Sequence[SourceFile]) -> ParsedList:
    """Parse one SDN.XML or consolidated.xml file."""
    if len(files) != 1:
        raise SourceFormatError(f"expected one sdnList XML file, got {len(files)}")
    file = files[0]
    root = parse_xml(file, "sdnList", "OFAC sdnList.xsd")
    warnings: list[str] = []
    header = _header(file, root, warnings)
    raw = [
        (element, by_tag(element))
        for element in root
        if isinstance(element.tag, str) and local(element.tag) == "sdnEntry"
    ]
    if header.record_count is not None and header.record_count != len(raw):
        raise SourceFormatError(
            f"Record_Count says {header.record_count} entries but the file has {len(raw)} "
            "(cut or edited file?)",
            file=file.name,
            line=header.count_line,
            field="Record_Count",
        )
    if not raw:
        raise SourceFormatError("the file has no sdnEntry elements", file=file.name)
    programs = {
        p
        for _, kids in raw
        for e in _grandchildren(kids, "programList", "program")
        if (p := clean(e.text))
    }
    source = _source(file, programs, warnings)

    entries: list[ListEntry] = []
    seen: dict[str, int | None] = {}
    unread: list[str] = []
    for element, kids in raw:
        entry = _entry(file, source, element, kids, unread, warnings)
        if entry.id in seen:
            raise SourceFormatError(
                f"duplicate uid {entry.id.split(':', 1)[1]} (first on line {seen[entry.id]})",
                file=file.name,
                line=_ofac.line_of(element),
                field="uid",
            )
        seen[entry.id] = _ofac.line_of(element)
        entries.append(entry)
    if unread:
        warnings.append(
            f"{file.name}: {len(unread)} dates of birth could not be read "
            f"({'; '.join(repr(u) for u in unread[:3])})"
        )
    return ParsedList(
        source=source,
        format=NAME,
        entries=tuple(entries),
        published=header.published,
        counts={"entries": len(entries), "names": sum(1 + len(e.aliases) for e in entries)},
        warnings=tuple(warnings),
    )


@dataclass(slots=True)
class _Facts:
    """What the lists of one sdnEntry add up to."""

    countries: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    citizenships: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)


def _entry(
    file: SourceFile,
    source: str,
    element: etree._Element,
    kids: dict[str, list[etree._Element]],
    unread: list[str],
    warnings: list[str],
) -> ListEntry:
    uid = tag_text(kids, "uid")
    if uid is None or not uid.isdigit():
        raise SourceFormatError(
            "the entry has no uid" if uid is None else f"uid must be a number, found {uid!r}",
            file=file.name,
            line=_ofac.line_of(element),
            field="uid",
        )
    last = tag_text(kids, "lastName")
    if last is None:
        raise SourceFormatError(
            "the entry has no name (lastName)",
            file=file.name,
            line=_ofac.line_of(element),
            field="lastName",
        )
    raw_type = tag_text(kids, "sdnType")
    entity_type = _ofac.ENTITY_TYPES.get((raw_type or "").lower())
    if entity_type is None:
        entity_type = EntityType.UNKNOWN
        warnings.append(f"{file.name}: uid {uid} has unknown sdnType {raw_type!r}")
    person = entity_type is EntityType.PERSON
    name = _name(last, tag_text(kids, "firstName"), person)

    facts = _Facts()
    _read_ids(kids, facts)
    _read_places(kids, facts, unread)
    vessel_notes = _read_vessel(kids, facts)
    title = tag_text(kids, "title")
    return ListEntry(
        id=f"{source}:{uid}",
        source=source,
        list_name=_ofac.LIST_NAMES[source],
        type=entity_type,
        name=name,
        aliases=_ofac.unique_aliases(name, _aliases(kids, person)),
        programs=_ofac.unique(
            p for e in _grandchildren(kids, "programList", "program") if (p := clean(e.text))
        ),
        addresses=tuple(facts.addresses),
        countries=tuple(sorted(set(facts.countries))),
        nationalities=_ofac.unique(facts.nationalities),
        citizenships=_ofac.unique(facts.citizenships),
        identifiers=tuple(dict.fromkeys(facts.identifiers)),
        birth_dates=_ofac.unique(facts.dates),
        birth_places=_ofac.unique(facts.places),
        remarks=_ofac.join_remarks(
            [
                f"Title: {title}" if title else None,
                *vessel_notes,
                tag_text(kids, "remarks"),
                *facts.notes,
            ]
        ),
        url=_ofac.DETAILS_URL.format(uid),
    )


def _aliases(kids: dict[str, list[etree._Element]], person: bool) -> list[Alias]:
    out: list[Alias] = []
    for aka in _grandchildren(kids, "akaList", "aka"):
        aka_kids = by_tag(aka)
        last, first = tag_text(aka_kids, "lastName"), tag_text(aka_kids, "firstName")
        if last is None and first is None:
            continue
        kind = _ofac.ALIAS_KINDS.get((tag_text(aka_kids, "type") or "").lower(), "other")
        weak = (tag_text(aka_kids, "category") or "").lower() == "weak"
        text = _name(last, first, person) if last else str(first)
        out.append(Alias(text, AliasQuality.WEAK if weak else AliasQuality.STRONG, kind))
    return out


def _read_ids(kids: dict[str, list[etree._Element]], facts: _Facts) -> None:
    """``idList`` (identifiers or notes), addresses and nationalities."""
    for item in _grandchildren(kids, "idList", "id"):
        id_kids = by_tag(item)
        id_type, number = tag_text(id_kids, "idType"), tag_text(id_kids, "idNumber")
        id_country = tag_text(id_kids, "idCountry")
        if id_type is None or number is None:
            continue
        if id_type != "Nationality of Registration" and is_identifier_label(id_type):
            ident = split_identifier(id_type, number)
            issuer = _ofac.country_code(id_country) or ident.country
            issued, expires = tag_text(id_kids, "issueDate"), tag_text(id_kids, "expirationDate")
            facts.identifiers.append(
                replace(
                    ident,
                    country=issuer,
                    issue_date=(text_date(issued) if issued else None) or ident.issue_date,
                    expiry_date=(text_date(expires) if expires else None) or ident.expiry_date,
                )
            )
            continue
        if id_type == "Nationality of Registration":
            code = _ofac.country_code(id_country or number)
            if code:
                facts.countries.append(code)
        facts.notes.append(f"{id_type} {number}" + (f" ({id_country})" if id_country else ""))
    for item in _grandchildren(kids, "addressList", "address"):
        address = _address(by_tag(item))
        if address is not None:
            facts.addresses.append(address)
            if address.country:
                facts.countries.append(address.country)
    for holder, item_name, kept in (
        ("nationalityList", "nationality", facts.nationalities),
        ("citizenshipList", "citizenship", facts.citizenships),
    ):
        for item in _grandchildren(kids, holder, item_name):
            code = _ofac.country_code(tag_text(by_tag(item), "country"))
            if code:
                facts.countries.append(code)
                kept.append(code)


def _read_places(kids: dict[str, list[etree._Element]], facts: _Facts, unread: list[str]) -> None:
    """Dates and places of birth."""
    for item in _grandchildren(kids, "dateOfBirthList", "dateOfBirthItem"):
        text = tag_text(by_tag(item), "dateOfBirth")
        if text:
            parsed = _ofac.birth_dates(text)
            if parsed is None:
                unread.append(text)
            else:
                facts.dates.extend(parsed)
    for item in _grandchildren(kids, "placeOfBirthList", "placeOfBirthItem"):
        place = tag_text(by_tag(item), "placeOfBirth")
        if place:
            facts.places.append(place)


_VESSEL_NOTES = (
    ("Vessel Type", "vesselType"),
    ("Tonnage", "tonnage"),
    ("GRT", "grossRegisteredTonnage"),
    ("Vessel Flag", "vesselFlag"),
    ("Vessel Owner", "vesselOwner"),
)


def _read_vessel(kids: dict[str, list[etree._Element]], facts: _Facts) -> list[str]:
    """``vesselInfo``: the call sign and flag as facts, the rest as remark lines."""
    notes: list[str] = []
    for vessel in kids.get("vesselInfo", ()):
        v = by_tag(vessel)
        call_sign = tag_text(v, "callSign")
        if call_sign:
            facts.identifiers.insert(0, make_identifier("Call Sign", call_sign))
        flag_code = _ofac.country_code(tag_text(v, "vesselFlag"))
        if flag_code:
            facts.countries.append(flag_code)
        notes.extend(
            f"{label}: {value}" for label, tag in _VESSEL_NOTES if (value := tag_text(v, tag))
        )
    return notes


def _name(last: str, first: str | None, person: bool) -> str:
    """A person's name in natural order; other names keep OFAC's "last, first" form."""
    if person:
        return _ofac.natural_name(last, first) or last
    return f"{last}, {first}" if first else last


def _address(kids: dict[str, list[etree._Element]]) -> Address | None:
    lines = [t for tag in ("address1", "address2", "address3") if (t := tag_text(kids, tag))]
    street = ", ".join(lines) or None
    city, region = tag_text(kids, "city"), tag_text(kids, "stateOrProvince")
    postal, country = tag_text(kids, "postalCode"), tag_text(kids, "country")
    if not (street or city or region or postal or country):
        return None
    # The same composition as the CSV's "City, State/Province Postal Code" column.
    city_line = " ".join(p for p in (", ".join(p for p in (city, region) if p), postal) if p)
    full = ", ".join(p for p in (street, city_line, country) if p)
    return Address(
        full=full,
        street=street,
        city=city,
        region=region,
        postal_code=postal,
        country=_ofac.country_code(country),
    )
