"""How one party of an FtM file maps to a :class:`ListEntry`: its properties (names,
countries, identifiers, dates, addresses and their Address entities, contacts, family and
company facts) and its sanctions (programs, listing dates, citation, reasons, status).

The format, and what each property maps to, is described in
:mod:`~exportguard.sources.ftm`, which reads the file and gathers what other entities say
about each party (:class:`Attached`).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from exportguard.core.countries import to_code
from exportguard.core.entities import (
    Address,
    Alias,
    AliasQuality,
    EntityType,
    Identifier,
    ListEntry,
)
from exportguard.core.identifiers import make_identifier

#: The schemata of listed parties -> their entity types (other schemata are no entries).
PARTY_TYPES = {
    "Person": EntityType.PERSON,
    "Company": EntityType.ORGANIZATION,
    "Organization": EntityType.ORGANIZATION,
    "LegalEntity": EntityType.ORGANIZATION,
    "PublicBody": EntityType.ORGANIZATION,
    "Vessel": EntityType.VESSEL,
    "Airplane": EntityType.AIRCRAFT,
}
_ID_PROPERTIES = {
    "idNumber": "national-id",
    "passportNumber": "passport",
    "registrationNumber": "registration",
    "taxNumber": "tax",
    "vatCode": "vat",
    "innCode": "INN",
    "ogrnCode": "OGRN",
    "kppCode": "KPP",
    "okpoCode": "OKPO",
    "imoNumber": "IMO",
    "mmsi": "MMSI",
    "leiCode": "LEI",
    "swiftBic": "swift-bic",
    "uniqueEntityId": "UEI",
    "dunsCode": "DUNS",
    "permId": "PermID",
    "bikCode": "BIK",
    "npiCode": "NPI",
    "icijId": "ICIJ",
    "registrationNumberOfAircraft": "aircraft-registration",
    "serialNumber": "serial-number",
    "callSign": "call-sign",
}
_COUNTRY_PROPERTIES = ("country", "nationality", "citizenship", "jurisdiction")
_ALIAS_PROPERTIES = (
    ("alias", AliasQuality.STRONG, "aka"),
    ("abbreviation", AliasQuality.STRONG, "aka"),
    ("weakAlias", AliasQuality.WEAK, "aka"),
    ("previousName", AliasQuality.STRONG, "fka"),
)
_PARTIAL_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?")

#: One FtM entity as read from its JSON line.
Entity = dict[str, Any]


class Attached:
    """What other entities say about one party."""

    def __init__(self) -> None:
        self.sanctions: list[Entity] = []
        self.identifiers: list[Identifier] = []


def first_value(values: object) -> str | None:
    """The first non-empty string of a property's values, or ``None``."""
    found = strings(values)
    return found[0] if found else None


def to_entry(
    entity: Entity,
    source: str,
    *,
    refs: dict[str, Entity],
    attached: dict[str, Attached],
    unresolved: list[str],
) -> ListEntry | None:
    """The entry of one party of ``source`` (``None`` when it has no name): ``refs`` are
    the file's entities by id and old ids (``referents``), ``attached`` what other entities
    say of each party; an ``addressEntity`` that resolves to no Address is added to
    ``unresolved``."""
    props: dict[str, list[Any]] = entity["properties"]
    names = strings(props.get("name"))
    caption = entity.get("caption")
    name = caption if isinstance(caption, str) and caption.strip() else None
    name = name if name is not None and (name in names or not names) else None
    name = name or (names[0] if names else None)
    if not name:
        return None
    extra = attached.get(entity["id"], Attached())
    addresses = _addresses(props, refs, unresolved)
    countries = {c for p in _COUNTRY_PROPERTIES for v in strings(props.get(p)) if (c := to_code(v))}
    countries.update(a.country for a in addresses if a.country)
    identifiers: dict[Identifier, None] = {}
    for prop, kind in _ID_PROPERTIES.items():
        for value in strings(props.get(prop)):
            identifiers.setdefault(make_identifier(kind, value), None)
    for ident in extra.identifiers:
        identifiers.setdefault(ident, None)
    sanctions = [s["properties"] for s in extra.sanctions]
    listed_from, listed_until = _listing(props, sanctions)
    return ListEntry(
        id=f"{source}:{entity['id']}",
        source=source,
        list_name=f"OpenSanctions {source.removeprefix('os_')}",
        type=PARTY_TYPES[entity["schema"]],
        name=name,
        aliases=_aliases(props, name),
        programs=_programs(props, sanctions),
        addresses=tuple(addresses),
        countries=tuple(sorted(countries)),
        identifiers=tuple(identifiers),
        birth_dates=tuple(
            dict.fromkeys(d for v in strings(props.get("birthDate")) if (d := _partial(v)))
        ),
        birth_places=tuple(dict.fromkeys(strings(props.get("birthPlace")))),
        listed_from=listed_from,
        listed_until=listed_until,
        citation=_citation(sanctions),
        remarks=_remarks(props, sanctions),
        url=next(iter(strings(props.get("sourceUrl"))), None),
        nationalities=_codes(props.get("nationality")),
        citizenships=_codes(props.get("citizenship")),
        gender="; ".join(strings(props.get("gender"))) or None,
        titles=tuple(dict.fromkeys(strings(props.get("title")))),
        contacts=tuple(
            dict.fromkeys(
                f"{label}: {value}"
                for prop, label in (("phone", "phone"), ("email", "e-mail"), ("website", "website"))
                for value in strings(props.get(prop))
            )
        ),
        status=_status(props, sanctions),
        dissolution_date=next(iter(strings(props.get("dissolutionDate"))), None),
        notes=(*_facts(props), *_summaries(props, sanctions)),
    )


def _codes(values: object) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for v in strings(values) if (c := to_code(v))))


def _status(props: dict[str, list[Any]], sanctions: list[dict[str, list[Any]]]) -> str | None:
    """The party's own ``status`` (a company's "Active", "Liquidated") and each sanction's
    ``status``, distinct, joined with "; "."""
    found = dict.fromkeys(strings(props.get("status")))
    for sanction in sanctions:
        found.update(dict.fromkeys(f"sanction {v}" for v in strings(sanction.get("status"))))
    return "; ".join(found) or None


#: A Slavic patronymic, in Cyrillic or Latin letters ("Александрович", "Nikolayevna",
#: "Vjačeslavovič", "Ігорьович"): the ending of a name derived from the father's.
_PATRONYMIC = re.compile(
    r"(?:ич|[оеєё]вна|ична|vi(?:ch|č)|[oe]vna|ichna)$",
    re.IGNORECASE,
)


def _facts(props: dict[str, list[Any]]) -> tuple[str, ...]:
    """Family and company facts as notes, one per kind: ``fatherName``/``patronymic``
    ("patronymic: Александрович, Aleksandrovich" when every value reads as a Slavic
    patronymic, else "father's name: ..."; spellings that differ only in case once),
    ``incorporationDate`` ("incorporation date: 2005-11-03, 2002-07-31"),
    ``jurisdiction`` ("jurisdiction: RU", ISO codes where known) and ``legalForm``
    ("legal form: société à responsabilité limitée; ...")."""
    out: list[str] = []
    fathers = _distinct(strings(props.get("fatherName")))
    patronymics = _distinct(strings(props.get("patronymic")))
    if fathers and all(_PATRONYMIC.search(v) for v in fathers):
        patronymics = _distinct([*patronymics, *fathers])
        fathers = []
    if fathers:
        out.append("father's name: " + ", ".join(fathers))
    if patronymics:
        out.append("patronymic: " + ", ".join(patronymics))
    for prop, label, joiner in (
        ("incorporationDate", "incorporation date", ", "),
        ("jurisdiction", "jurisdiction", ", "),
        ("legalForm", "legal form", "; "),
    ):
        values = strings(props.get(prop))
        if prop == "jurisdiction":
            values = [to_code(v) or v for v in values]
        if values := _distinct(values):
            out.append(f"{label}: {joiner.join(values)}")
    return tuple(out)


def _distinct(values: list[str]) -> list[str]:
    """Values without repeats that differ only in case, first spelling kept."""
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(value.casefold(), value)
    return list(seen.values())


def _summaries(
    props: dict[str, list[Any]], sanctions: list[dict[str, list[Any]]]
) -> tuple[str, ...]:
    found = dict.fromkeys(f"Summary: {v}" for v in strings(props.get("summary")))
    for sanction in sanctions:
        found.update(
            dict.fromkeys(f"Sanction summary: {v}" for v in strings(sanction.get("summary")))
        )
    return tuple(found)


def _aliases(props: dict[str, list[Any]], primary: str) -> tuple[Alias, ...]:
    found: dict[tuple[str, str], Alias] = {}
    for value in strings(props.get("name")):
        if value != primary:
            found.setdefault((value, "aka"), Alias(value))
    for prop, quality, kind in _ALIAS_PROPERTIES:
        for value in strings(props.get(prop)):
            if value == primary:
                continue
            key = (value, kind)
            current = found.get(key)
            if current is None or (
                current.quality is AliasQuality.WEAK and quality is AliasQuality.STRONG
            ):
                found[key] = Alias(value, quality, kind)
    return tuple(found.values())


def _addresses(
    props: dict[str, list[Any]], refs: dict[str, Entity], unresolved: list[str]
) -> list[Address]:
    found: dict[str, Address] = {}
    for ref in strings(props.get("addressEntity")):
        target = refs.get(ref)
        if target is None or target["schema"] != "Address":
            unresolved.append(ref)
            continue
        address = _address_entity(target["properties"])
        if address is not None:
            found.setdefault(address.full, address)
    for text in strings(props.get("address")):
        found.setdefault(text, Address(full=text))
    return list(found.values())


def _address_entity(props: dict[str, list[Any]]) -> Address | None:
    def first(key: str) -> str | None:
        return next(iter(strings(props.get(key))), None)

    street = first("street")
    city = first("city")
    region = first("region")
    postal = first("postalCode")
    country = first_country(props.get("country"))
    full = first("full") or ", ".join(p for p in (street, city, postal, region) if p)
    if not full:
        return None
    return Address(
        full=full, street=street, city=city, region=region, postal_code=postal, country=country
    )


def _programs(
    props: dict[str, list[Any]], sanctions: list[dict[str, list[Any]]]
) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for key in ("programId", "program", "topics"):
        for value in strings(props.get(key)):
            found.setdefault(value, None)
    for sanction in sanctions:
        for key in ("programId", "program"):
            for value in strings(sanction.get(key)):
                found.setdefault(value, None)
    return tuple(found)


def _listing(
    props: dict[str, list[Any]], sanctions: list[dict[str, list[Any]]]
) -> tuple[date | None, date | None]:
    starts: list[date] = []
    ends: list[date | None] = []
    for sanction in sanctions:
        begun = [d for v in strings(sanction.get("startDate")) if (d := day(v))]
        begun = begun or [d for v in strings(sanction.get("listingDate")) if (d := day(v))]
        starts.extend(begun)
        ended = [d for v in strings(sanction.get("endDate")) if (d := day(v))]
        ends.append(max(ended) if ended else None)
    if not sanctions:
        starts = [d for v in strings(props.get("createdAt")) if (d := day(v))]
    until = None
    if ends and all(e is not None for e in ends):
        until = max(e for e in ends if e is not None)
    return (min(starts) if starts else None), until


def _citation(sanctions: list[dict[str, list[Any]]]) -> str | None:
    found: dict[str, None] = {}
    for sanction in sanctions:
        authority = next(iter(strings(sanction.get("authority"))), None)
        ids = strings(sanction.get("authorityId"))
        label = " ".join(p for p in (authority, ", ".join(ids)) if p)
        if label:
            found.setdefault(label, None)
    return "; ".join(found) or None


def _remarks(props: dict[str, list[Any]], sanctions: list[dict[str, list[Any]]]) -> str | None:
    lines: dict[str, None] = {}
    for value in strings(props.get("notes")):
        lines.setdefault(value, None)
    for value in strings(props.get("position")):
        lines.setdefault(f"Position: {value}", None)
    for sanction in sanctions:
        for value in strings(sanction.get("reason")):
            lines.setdefault(value, None)
    return "\n".join(lines) or None


def strings(values: object) -> list[str]:
    """A property's values that are non-blank strings, stripped (``[]`` for no list)."""
    if not isinstance(values, list):
        return []
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def first_country(values: object) -> str | None:
    """The ISO code of the first of a property's values that names a country."""
    return next((c for v in strings(values) if (c := to_code(v))), None)


def _partial(value: str) -> str | None:
    match = _PARTIAL_DATE.match(value)
    return match.group(0) if match else None


def day(value: object) -> date | None:
    """The date a ``YYYY-MM-DD...`` string starts with (``last_seen``, ``startDate``), or
    ``None``."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
