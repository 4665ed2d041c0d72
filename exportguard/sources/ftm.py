"""OpenSanctions FollowTheMoney (FtM) entities, JSON lines (``entities.ftm.json``).

Layout
------
One JSON object per line: ``{"id", "caption", "schema", "properties": {name: [values]},
"datasets": [...], "referents": [...], "first_seen", "last_seen", "last_change",
"target"}``. Every property value is a list of strings. The file mixes schemata:

* *things* that can be listed parties: Person, Company, Organization, LegalEntity,
  PublicBody, Vessel, Airplane (and the abstract Asset/Thing kinds are ignored);
* ``Sanction`` records pointing at their party through ``entity`` (program, programId,
  startDate, endDate, listingDate, authority, authorityId, sourceUrl, reason ...);
* ``Address`` entities referenced from a party's ``addressEntity``;
* ``Passport``/``Identification`` entities pointing at their ``holder``;
* relations (Ownership, Family, Directorship, Associate, Membership, ...), counted only.

Quirks of the real files
------------------------
* References may use an entity's *old* id: ``addressEntity`` values such as
  ``addr-2aa8...`` are listed in the address's ``referents``, not its ``id``. References are
  resolved through ids and referents; references to entities missing from the file (16 in
  the zala fixture, which is a cut of the full data) are counted in
  ``counts["unresolved_refs"]`` and reported in one warning. The party's own ``address``
  strings still give those addresses.
* ``target`` marks the listed parties. The zala fixture also carries three non-target
  Company records from the Russian company register (``ext_ru_egrul``) that only serve as
  context for ownership relations; they are **not** entries (``counts["non_targets"]``),
  since screening against them would report parties nobody listed. Files without a
  ``target`` field take every party schema as a target.
* ``name`` holds all spellings merged from many lists; ``caption`` is the display name
  OpenSanctions chose.

Source id
---------
``os_<dataset>``. If one dataset is common to every entity (``t1``: ``eu_fsf``), that is the
dataset. Otherwise the file is a merged collection (zala: 27 datasets, the most frequent
being the Russian company register ``ext_ru_egrul``, which is no list at all): the
collection name is taken from the file name, ``<name>.entities.ftm.json`` or
``<name>/entities.ftm.json`` as OpenSanctions publishes it (zala -> ``os_zala``); failing
that, the dataset most frequent among the entries (ties broken alphabetically) with a
warning, since that choice may change between releases.

Mapping to :class:`ListEntry`
-----------------------------
``id`` = ``<source>:<ftm id>``. ``name`` = ``caption`` (or the first ``name``); other
``name`` values and ``alias``/``abbreviation`` -> ``aka``, ``weakAlias`` -> weak ``aka``,
``previousName`` -> ``fka`` (lang unknown; non-Latin spellings are kept as they are).
Countries from ``country``, ``nationality``, ``citizenship``, ``jurisdiction`` and address
countries; ``birthDate`` (ISO, partial allowed), ``birthPlace``; identifiers from the
number properties (``idNumber`` -> ``national-id``, ``passportNumber`` -> ``passport``,
``registrationNumber`` -> ``registration``, ``taxNumber`` -> ``tax``, ``innCode`` ->
``INN``, ``ogrnCode`` -> ``OGRN``, ``kppCode`` -> ``KPP``, ``imoNumber`` -> ``IMO``,
``leiCode`` -> ``LEI``, ...). Programs: the party's ``programId`` and ``topics`` plus each
Sanction's ``programId`` and ``program``. ``listed_from`` = earliest Sanction ``startDate``
(else ``listingDate``; without sanctions, the party's earliest ``createdAt``);
``listed_until`` = latest Sanction ``endDate`` only when every sanction has one.
``citation`` = the sanctions' authorities with their references; ``url`` = the first
``sourceUrl``; ``notes``, ``position`` and the sanctions' ``reason`` -> remarks. Kept apart
as well: ``nationality``/``citizenship`` -> ``nationalities``/``citizenships``, ``gender``,
``title`` -> ``titles``, ``phone``/``email``/``website`` -> ``contacts``, the party's and
its sanctions' ``status`` -> ``status`` ("Active; sanction active"), ``dissolutionDate``
-> ``dissolution_date``, the party's and its sanctions' ``summary`` -> ``notes``, after
the family and company facts: ``fatherName``/``patronymic`` ("patronymic: Александрович"
or "father's name: ..."), ``incorporationDate`` ("incorporation date: 2011-06-03"),
``jurisdiction`` ("jurisdiction: RU", also in ``countries``) and ``legalForm``
("legal form: ...").
``published`` = the latest ``last_seen`` date (``None`` if no entity has one).

Kept in one module (over 500 lines, by ARCHITECTURE.md's exception for one cohesive
parser): every function here reads one part of this one format and maps it to the entry
model; each is tested on the real file, and a split would only scatter the format's
field-by-field mapping over files that no one changes apart.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
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
    ParsedList,
)
from exportguard.core.identifiers import identifier_kind, make_identifier
from exportguard.errors import SourceFormatError
from exportguard.sources._common import SourceFile, check_unique_ids, only_file

NAME = "ftm_json"

_PARTY_TYPES = {
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
_IDENTIFICATION_SCHEMATA = {"Passport": "passport", "Identification": "national-id"}
_PARTIAL_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?")
_FILE_NAME = re.compile(r"(?:^|/)([a-z0-9_]+)(?:\.|/)entities\.ftm\.json$")

Entity = dict[str, Any]


def sniff(file: SourceFile) -> bool:
    """JSON lines whose first object has FtM's ``schema`` and ``properties`` keys."""
    head = file.head().lstrip()
    if not head.startswith(b"{"):
        return False
    first = head.split(b"\n", 1)[0]
    return b'"schema"' in first and b'"properties"' in first


def parse(files: Sequence[SourceFile]) -> ParsedList:
    """Parse one FtM JSON-lines file."""
    file = only_file(files, NAME)
    entities = _read(file)
    refs: dict[str, Entity] = {}
    for entity in entities:
        for ref in (entity["id"], *_strings(entity.get("referents"))):
            refs.setdefault(ref, entity)
    schemata = Counter(str(e["schema"]) for e in entities)
    parties = [e for e in entities if e["schema"] in _PARTY_TYPES]
    targets = [e for e in parties if e.get("target", True) is not False]
    warnings: list[str] = []
    source = _source_id(file, entities, targets, warnings)
    attached = _attachments(entities, refs, warnings)
    unresolved: list[str] = []
    entries: list[ListEntry] = []
    for entity in targets:
        entry = _entry(entity, source, refs=refs, attached=attached, unresolved=unresolved)
        if entry is None:
            warnings.append(f"entity {entity['id']} ({entity['schema']}) has no name; skipped")
        else:
            entries.append(entry)
    if unresolved:
        warnings.append(
            f"{len(unresolved)} addressEntity reference(s) point to entities missing from the "
            f"file (e.g. {unresolved[0]}); the party's address text is used instead"
        )
    check_unique_ids(entries, file.name)
    last_seen = [d for e in entities if (d := _day(e.get("last_seen"))) is not None]
    counts: dict[str, int] = {
        "lines": len(entities),
        "entries": len(entries),
        "names": sum(len(e.names()) for e in entries),
        "non_targets": len(parties) - len(targets),
        "unresolved_refs": len(unresolved),
    }
    counts.update({f"schema:{k}": v for k, v in sorted(schemata.items())})
    return ParsedList(
        source=source,
        format=NAME,
        entries=tuple(entries),
        published=max(last_seen) if last_seen else None,
        counts=counts,
        warnings=tuple(warnings),
    )


def _read(file: SourceFile) -> list[Entity]:
    if not file.data.strip():
        raise SourceFormatError("the file is empty", file=file.name)
    try:
        text = file.data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceFormatError(
            f"not UTF-8 (byte {file.data[exc.start]:#x}); FtM JSON is always UTF-8",
            file=file.name,
            line=file.data.count(b"\n", 0, exc.start) + 1,
        ) from exc
    entities: list[Entity] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            entity = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SourceFormatError(
                f"invalid JSON ({exc.msg} at column {exc.colno}); truncated file?",
                file=file.name,
                line=number,
            ) from exc
        _check(file, number, entity)
        if entity["id"] in seen:
            raise SourceFormatError(
                f"duplicate entity id {entity['id']!r} (first on line {seen[entity['id']]})",
                file=file.name,
                line=number,
                field="id",
            )
        seen[entity["id"]] = number
        entities.append(entity)
    return entities


def _check(file: SourceFile, number: int, entity: object) -> None:
    if not isinstance(entity, dict):
        raise SourceFormatError("a line is not a JSON object", file=file.name, line=number)
    for key, kind in (("id", str), ("schema", str), ("properties", dict)):
        value = entity.get(key)
        if not isinstance(value, kind) or (kind is str and not value):
            raise SourceFormatError(
                f"missing or invalid {key!r}", file=file.name, line=number, field=key
            )
    for prop, values in entity["properties"].items():
        if not isinstance(values, list):
            raise SourceFormatError(
                f"property {prop!r} is not a list of values",
                file=file.name,
                line=number,
                field=f"properties.{prop}",
            )


def _source_id(
    file: SourceFile, entities: list[Entity], targets: list[Entity], warnings: list[str]
) -> str:
    common: set[str] | None = None
    for entity in entities:
        datasets = set(_strings(entity.get("datasets")))
        common = datasets if common is None else common & datasets
    if common and len(common) == 1:
        return f"os_{common.pop()}"
    match = _FILE_NAME.search(file.name.replace("\\", "/"))
    if match:
        return f"os_{match.group(1)}"
    counter = Counter(d for e in targets or entities for d in _strings(e.get("datasets")))
    if not counter:
        raise SourceFormatError(
            "no entity names its dataset; cannot tell which list this is",
            file=file.name,
            field="datasets",
        )
    best = min(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    warnings.append(
        f"the file mixes {len(counter)} datasets; source id taken from the most frequent "
        f"one ({best!r}), which may change between releases"
    )
    return f"os_{best}"


class _Attached:
    """What other entities say about one party."""

    def __init__(self) -> None:
        self.sanctions: list[Entity] = []
        self.identifiers: list[Identifier] = []


def _attachments(
    entities: list[Entity], refs: dict[str, Entity], warnings: list[str]
) -> dict[str, _Attached]:
    attached: dict[str, _Attached] = {}
    for entity in entities:
        schema = entity["schema"]
        props = entity["properties"]
        if schema == "Sanction":
            for ref in _strings(props.get("entity")):
                party = refs.get(ref)
                if party is None:
                    warnings.append(f"Sanction {entity['id']} points to missing entity {ref}")
                else:
                    attached.setdefault(party["id"], _Attached()).sanctions.append(entity)
        elif schema in _IDENTIFICATION_SCHEMATA:
            kind = _IDENTIFICATION_SCHEMATA[schema]
            numbers = _strings(props.get("number")) + _strings(props.get("passportNumber"))
            country = _first_country(props.get("country"))
            issued, expires = _first(props.get("startDate")), _first(props.get("endDate"))
            authority, note = _first(props.get("authority")), _first(props.get("summary"))
            label = _first(props.get("type")) or kind
            for ref in _strings(props.get("holder")):
                party = refs.get(ref)
                if party is not None:
                    slot = attached.setdefault(party["id"], _Attached())
                    slot.identifiers.extend(
                        make_identifier(
                            label,
                            n,
                            country,
                            kind=identifier_kind(kind),
                            issue_date=issued,
                            expiry_date=expires,
                            authority=authority,
                            note=note,
                        )
                        for n in numbers
                    )
    return attached


def _first(values: object) -> str | None:
    """The first non-empty string of a property's values, or ``None``."""
    found = _strings(values)
    return found[0] if found else None


def _entry(
    entity: Entity,
    source: str,
    *,
    refs: dict[str, Entity],
    attached: dict[str, _Attached],
    unresolved: list[str],
) -> ListEntry | None:
    props: dict[str, list[Any]] = entity["properties"]
    names = _strings(props.get("name"))
    caption = entity.get("caption")
    name = caption if isinstance(caption, str) and caption.strip() else None
    name = name if name is not None and (name in names or not names) else None
    name = name or (names[0] if names else None)
    if not name:
        return None
    extra = attached.get(entity["id"], _Attached())
    addresses = _addresses(props, refs, unresolved)
    countries = {
        c for p in _COUNTRY_PROPERTIES for v in _strings(props.get(p)) if (c := to_code(v))
    }
    countries.update(a.country for a in addresses if a.country)
    identifiers: dict[Identifier, None] = {}
    for prop, kind in _ID_PROPERTIES.items():
        for value in _strings(props.get(prop)):
            identifiers.setdefault(make_identifier(kind, value), None)
    for ident in extra.identifiers:
        identifiers.setdefault(ident, None)
    sanctions = [s["properties"] for s in extra.sanctions]
    listed_from, listed_until = _listing(props, sanctions)
    return ListEntry(
        id=f"{source}:{entity['id']}",
        source=source,
        list_name=f"OpenSanctions {source.removeprefix('os_')}",
        type=_PARTY_TYPES[entity["schema"]],
        name=name,
        aliases=_aliases(props, name),
        programs=_programs(props, sanctions),
        addresses=tuple(addresses),
        countries=tuple(sorted(countries)),
        identifiers=tuple(identifiers),
        birth_dates=tuple(
            dict.fromkeys(d for v in _strings(props.get("birthDate")) if (d := _partial(v)))
        ),
        birth_places=tuple(dict.fromkeys(_strings(props.get("birthPlace")))),
        listed_from=listed_from,
        listed_until=listed_until,
        citation=_citation(sanctions),
        remarks=_remarks(props, sanctions),
        url=next(iter(_strings(props.get("sourceUrl"))), None),
        nationalities=_codes(props.get("nationality")),
        citizenships=_codes(props.get("citizenship")),
        gender="; ".join(_strings(props.get("gender"))) or None,
        titles=tuple(dict.fromkeys(_strings(props.get("title")))),
        contacts=tuple(
            dict.fromkeys(
                f"{label}: {value}"
                for prop, label in (("phone", "phone"), ("email", "e-mail"), ("website", "website"))
                for value in _strings(props.get(prop))
            )
        ),
        status=_status(props, sanctions),
        dissolution_date=next(iter(_strings(props.get("dissolutionDate"))), None),
        notes=(*_facts(props), *_summaries(props, sanctions)),
    )


def _codes(values: object) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for v in _strings(values) if (c := to_code(v))))


def _status(props: dict[str, list[Any]], sanctions: list[dict[str, list[Any]]]) -> str | None:
    """The party's own ``status`` (a company's "Active", "Liquidated") and each sanction's
    ``status``, distinct, joined with "; "."""
    found = dict.fromkeys(_strings(props.get("status")))
    for sanction in sanctions:
        found.update(dict.fromkeys(f"sanction {v}" for v in _strings(sanction.get("status"))))
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
    fathers = _distinct(_strings(props.get("fatherName")))
    patronymics = _distinct(_strings(props.get("patronymic")))
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
        values = _strings(props.get(prop))
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
    found = dict.fromkeys(f"Summary: {v}" for v in _strings(props.get("summary")))
    for sanction in sanctions:
        found.update(
            dict.fromkeys(f"Sanction summary: {v}" for v in _strings(sanction.get("summary")))
        )
    return tuple(found)


def _aliases(props: dict[str, list[Any]], primary: str) -> tuple[Alias, ...]:
    found: dict[tuple[str, str], Alias] = {}
    for value in _strings(props.get("name")):
        if value != primary:
            found.setdefault((value, "aka"), Alias(value))
    for prop, quality, kind in _ALIAS_PROPERTIES:
        for value in _strings(props.get(prop)):
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
    for ref in _strings(props.get("addressEntity")):
        target = refs.get(ref)
        if target is None or target["schema"] != "Address":
            unresolved.append(ref)
            continue
        address = _address_entity(target["properties"])
        if address is not None:
            found.setdefault(address.full, address)
    for text in _strings(props.get("address")):
        found.setdefault(text, Address(full=text))
    return list(found.values())


def _address_entity(props: dict[str, list[Any]]) -> Address | None:
    def first(key: str) -> str | None:
        return next(iter(_strings(props.get(key))), None)

    street = first("street")
    city = first("city")
    region = first("region")
    postal = first("postalCode")
    country = _first_country(props.get("country"))
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
        for value in _strings(props.get(key)):
            found.setdefault(value, None)
    for sanction in sanctions:
        for key in ("programId", "program"):
            for value in _strings(sanction.get(key)):
                found.setdefault(value, None)
    return tuple(found)


def _listing(
    props: dict[str, list[Any]], sanctions: list[dict[str, list[Any]]]
) -> tuple[date | None, date | None]:
    starts: list[date] = []
    ends: list[date | None] = []
    for sanction in sanctions:
        begun = [d for v in _strings(sanction.get("startDate")) if (d := _day(v))]
        begun = begun or [d for v in _strings(sanction.get("listingDate")) if (d := _day(v))]
        starts.extend(begun)
        ended = [d for v in _strings(sanction.get("endDate")) if (d := _day(v))]
        ends.append(max(ended) if ended else None)
    if not sanctions:
        starts = [d for v in _strings(props.get("createdAt")) if (d := _day(v))]
    until = None
    if ends and all(e is not None for e in ends):
        until = max(e for e in ends if e is not None)
    return (min(starts) if starts else None), until


def _citation(sanctions: list[dict[str, list[Any]]]) -> str | None:
    found: dict[str, None] = {}
    for sanction in sanctions:
        authority = next(iter(_strings(sanction.get("authority"))), None)
        ids = _strings(sanction.get("authorityId"))
        label = " ".join(p for p in (authority, ", ".join(ids)) if p)
        if label:
            found.setdefault(label, None)
    return "; ".join(found) or None


def _remarks(props: dict[str, list[Any]], sanctions: list[dict[str, list[Any]]]) -> str | None:
    lines: dict[str, None] = {}
    for value in _strings(props.get("notes")):
        lines.setdefault(value, None)
    for value in _strings(props.get("position")):
        lines.setdefault(f"Position: {value}", None)
    for sanction in sanctions:
        for value in _strings(sanction.get("reason")):
            lines.setdefault(value, None)
    return "\n".join(lines) or None


def _strings(values: object) -> list[str]:
    if not isinstance(values, list):
        return []
    return [v.strip() for v in values if isinstance(v, str) and v.strip()]


def _first_country(values: object) -> str | None:
    return next((c for v in _strings(values) if (c := to_code(v))), None)


def _partial(value: str) -> str | None:
    match = _PARTIAL_DATE.match(value)
    return match.group(0) if match else None


def _day(value: object) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
