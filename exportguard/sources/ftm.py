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

This module reads the file (lines, references, the source id, what Sanction and
Passport/Identification entities say about a party);
:mod:`~exportguard.sources._ftm_fields` maps a party to its entry.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence

from exportguard.core.entities import ListEntry
from exportguard.core.identifiers import identifier_kind, make_identifier
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources._common import check_unique_ids, only_file
from exportguard.sources._ftm_fields import (
    PARTY_TYPES,
    Attached,
    Entity,
    day,
    first_country,
    first_value,
    strings,
    to_entry,
)

NAME = "ftm_json"

_IDENTIFICATION_SCHEMATA = {"Passport": "passport", "Identification": "national-id"}
_FILE_NAME = re.compile(r"(?:^|/)([a-z0-9_]+)(?:\.|/)entities\.ftm\.json$")


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
        for ref in (entity["id"], *strings(entity.get("referents"))):
            refs.setdefault(ref, entity)
    schemata = Counter(str(e["schema"]) for e in entities)
    parties = [e for e in entities if e["schema"] in PARTY_TYPES]
    targets = [e for e in parties if e.get("target", True) is not False]
    warnings: list[str] = []
    source = _source_id(file, entities, targets, warnings)
    attached = _attachments(entities, refs, warnings)
    unresolved: list[str] = []
    entries: list[ListEntry] = []
    for entity in targets:
        entry = to_entry(entity, source, refs=refs, attached=attached, unresolved=unresolved)
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
    last_seen = [d for e in entities if (d := day(e.get("last_seen"))) is not None]
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
        datasets = set(strings(entity.get("datasets")))
        common = datasets if common is None else common & datasets
    if common and len(common) == 1:
        return f"os_{common.pop()}"
    match = _FILE_NAME.search(file.name.replace("\\", "/"))
    if match:
        return f"os_{match.group(1)}"
    counter = Counter(d for e in targets or entities for d in strings(e.get("datasets")))
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


def _attachments(
    entities: list[Entity], refs: dict[str, Entity], warnings: list[str]
) -> dict[str, Attached]:
    attached: dict[str, Attached] = {}
    for entity in entities:
        schema = entity["schema"]
        props = entity["properties"]
        if schema == "Sanction":
            for ref in strings(props.get("entity")):
                party = refs.get(ref)
                if party is None:
                    warnings.append(f"Sanction {entity['id']} points to missing entity {ref}")
                else:
                    attached.setdefault(party["id"], Attached()).sanctions.append(entity)
        elif schema in _IDENTIFICATION_SCHEMATA:
            kind = _IDENTIFICATION_SCHEMATA[schema]
            numbers = strings(props.get("number")) + strings(props.get("passportNumber"))
            country = first_country(props.get("country"))
            issued, expires = first_value(props.get("startDate")), first_value(props.get("endDate"))
            authority, note = first_value(props.get("authority")), first_value(props.get("summary"))
            label = first_value(props.get("type")) or kind
            for ref in strings(props.get("holder")):
                party = refs.get(ref)
                if party is not None:
                    slot = attached.setdefault(party["id"], Attached())
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
