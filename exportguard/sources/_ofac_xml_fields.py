"""How one ``sdnEntry`` of OFAC's classic ``sdnList`` XML maps to a :class:`ListEntry`:
its name and aliases, ids, addresses, nationalities, dates and places of birth and vessel
details.

The format, and what each part maps to, is described in
:mod:`~exportguard.sources.ofac_xml`, which reads the file and its header and hands each
entry to :func:`to_entry`.
"""

from __future__ import annotations

from dataclasses import replace

from lxml import etree

from exportguard.core.entities import Address, Alias, AliasQuality, EntityType, ListEntry
from exportguard.core.identifiers import make_identifier
from exportguard.core.snapshots import SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources import _ofac
from exportguard.sources._common import by_tag, clean, local, tag_text
from exportguard.sources._documents import text_date
from exportguard.sources._ofac_ids import is_identifier_label, split_identifier


def grandchildren(
    kids: dict[str, list[etree._Element]], list_name: str, item_name: str
) -> list[etree._Element]:
    """The ``item_name`` elements of every ``list_name`` among ``kids`` (``programList`` ->
    its ``program`` elements), in document order."""
    out: list[etree._Element] = []
    for holder in kids.get(list_name, ()):
        out.extend(c for c in holder if isinstance(c.tag, str) and local(c.tag) == item_name)
    return out


def to_entry(
    file: SourceFile,
    source: str,
    element: etree._Element,
    kids: dict[str, list[etree._Element]],
    unread: list[str],
    warnings: list[str],
) -> ListEntry:
    """One ``<sdnEntry>`` (``kids``: its children by tag) as a :class:`ListEntry` of
    ``source``: a birth date it cannot read goes to ``unread``, an unknown type to
    ``warnings``; ``SourceFormatError`` for an entry without a numeric uid or a lastName."""
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

    facts = _ofac.EntryFacts()
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
            p for e in grandchildren(kids, "programList", "program") if (p := clean(e.text))
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
    for aka in grandchildren(kids, "akaList", "aka"):
        aka_kids = by_tag(aka)
        last, first = tag_text(aka_kids, "lastName"), tag_text(aka_kids, "firstName")
        if last is None and first is None:
            continue
        kind = _ofac.ALIAS_KINDS.get((tag_text(aka_kids, "type") or "").lower(), "other")
        weak = (tag_text(aka_kids, "category") or "").lower() == "weak"
        text = _name(last, first, person) if last else str(first)
        out.append(Alias(text, AliasQuality.WEAK if weak else AliasQuality.STRONG, kind))
    return out


def _read_ids(kids: dict[str, list[etree._Element]], facts: _ofac.EntryFacts) -> None:
    """``idList`` (identifiers or notes), addresses and nationalities."""
    for item in grandchildren(kids, "idList", "id"):
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
    for item in grandchildren(kids, "addressList", "address"):
        address = _address(by_tag(item))
        if address is not None:
            facts.addresses.append(address)
            if address.country:
                facts.countries.append(address.country)
    for holder, item_name, kept in (
        ("nationalityList", "nationality", facts.nationalities),
        ("citizenshipList", "citizenship", facts.citizenships),
    ):
        for item in grandchildren(kids, holder, item_name):
            code = _ofac.country_code(tag_text(by_tag(item), "country"))
            if code:
                facts.countries.append(code)
                kept.append(code)


def _read_places(
    kids: dict[str, list[etree._Element]], facts: _ofac.EntryFacts, unread: list[str]
) -> None:
    """Dates and places of birth."""
    for item in grandchildren(kids, "dateOfBirthList", "dateOfBirthItem"):
        text = tag_text(by_tag(item), "dateOfBirth")
        if text:
            parsed = _ofac.birth_dates(text)
            if parsed is None:
                unread.append(text)
            else:
                facts.dates.extend(parsed)
    for item in grandchildren(kids, "placeOfBirthList", "placeOfBirthItem"):
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


def _read_vessel(kids: dict[str, list[etree._Element]], facts: _ofac.EntryFacts) -> list[str]:
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
