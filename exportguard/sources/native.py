"""ExportGuard's own list format (``exportguard-list/1``): YAML a person can write.

Used for the bundled demo list and for lists an exporter keeps itself (its own denied
parties, a regulator's circular not yet in any feed). Layout::

    format: exportguard-list/1
    source: acme_internal            # list family id: [a-z0-9_]+
    list_name: ACME denied parties
    published: 2024-01-31
    entries:
      - id: p-001                    # unique within the file; stored as "<source>:<id>"
        type: organization           # person | organization | vessel | aircraft | unknown
        name: Example Trading LLC
        aliases: [Example Trading, {name: "Ексампл", kind: original-script}]
        countries: [AE]
        ...                          # any other ListEntry field (see core/entities.py)

Errors name the file, the line of the entry and the field.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

import yaml

from exportguard.core import countries
from exportguard.core.entities import Address, Alias, AliasQuality, EntityType, ListEntry
from exportguard.core.identifiers import make_identifier
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources._common import decode_text

NAME = "exportguard_yaml"
MAGIC = "exportguard-list/1"

_FIELDS = {
    "id", "list_name", "type", "name", "aliases", "programs", "addresses", "countries",
    "identifiers", "birth_dates", "birth_places", "listed_from", "listed_until", "citation",
    "licence_requirement", "licence_policy", "remarks", "url",
}  # fmt: skip


def sniff(file: SourceFile) -> bool:
    head = file.head(2048).decode("utf-8", errors="replace")
    return bool(re.search(r"^format:\s*[\"']?exportguard-list/1", head, re.MULTILINE))


def parse(files: Sequence[SourceFile]) -> ParsedList:
    (file,) = files
    text = decode_text(file)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise SourceFormatError(f"not valid YAML: {exc}", file=file.name, line=line) from exc
    if not isinstance(data, dict) or data.get("format") != MAGIC:
        raise SourceFormatError(
            f"expected 'format: {MAGIC}' at the top", file=file.name, line=1, field="format"
        )
    lines = _entry_lines(root)
    source = _required_str(data, "source", file.name, 1)
    if not re.fullmatch(r"[a-z0-9_]+", source):
        raise SourceFormatError(
            "source must be lower-case letters, digits and _",
            file=file.name,
            line=1,
            field="source",
        )
    list_name = _required_str(data, "list_name", file.name, 1)
    published = _date(data.get("published"), file.name, 1, "published")
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list) or not raw_entries:
        raise SourceFormatError(
            "'entries' must be a non-empty list", file=file.name, field="entries"
        )
    out: list[ListEntry] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_entries):
        line = lines[i] if i < len(lines) else None
        entry = _entry(raw, source, list_name, file.name, line)
        if entry.id in seen:
            raise SourceFormatError(
                f"duplicate entry id {entry.id!r}", file=file.name, line=line, field="id"
            )
        seen.add(entry.id)
        out.append(entry)
    names = sum(len(e.names()) for e in out)
    return ParsedList(source, NAME, tuple(out), published, {"entries": len(out), "names": names})


def _entry_lines(root: yaml.Node | None) -> list[int]:
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "entries" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _entry(raw: Any, source: str, list_name: str, file: str, line: int | None) -> ListEntry:
    if not isinstance(raw, dict):
        raise SourceFormatError("an entry must be a mapping", file=file, line=line)
    unknown = set(raw) - _FIELDS
    if unknown:
        raise SourceFormatError(
            f"unknown field(s): {', '.join(sorted(map(str, unknown)))}",
            file=file,
            line=line,
            field=sorted(map(str, unknown))[0],
        )
    native_id = _required_str(raw, "id", file, line)
    name = _required_str(raw, "name", file, line)
    try:
        entity_type = EntityType(raw.get("type", "unknown"))
    except ValueError:
        raise SourceFormatError(
            f"type must be one of {', '.join(t.value for t in EntityType)}",
            file=file,
            line=line,
            field="type",
        ) from None
    try:
        aliases = tuple(_alias(a) for a in raw.get("aliases") or ())
        addresses = tuple(_address(a) for a in raw.get("addresses") or ())
        identifiers = tuple(
            make_identifier(str(i["kind"]), str(i["value"]), i.get("country"))
            for i in raw.get("identifiers") or ()
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise SourceFormatError(f"malformed value: {exc}", file=file, line=line) from exc
    codes = []
    for value in raw.get("countries") or ():
        code = countries.to_code(str(value))
        if code is None:
            raise SourceFormatError(
                f"unknown country {value!r}", file=file, line=line, field="countries"
            )
        codes.append(code)
    return ListEntry(
        id=f"{source}:{native_id}",
        source=source,
        list_name=str(raw.get("list_name") or list_name),
        type=entity_type,
        name=name,
        aliases=aliases,
        programs=tuple(str(p) for p in raw.get("programs") or ()),
        addresses=addresses,
        countries=tuple(sorted(set(codes))),
        identifiers=identifiers,
        birth_dates=tuple(str(d) for d in raw.get("birth_dates") or ()),
        birth_places=tuple(str(p) for p in raw.get("birth_places") or ()),
        listed_from=_date(raw.get("listed_from"), file, line, "listed_from"),
        listed_until=_date(raw.get("listed_until"), file, line, "listed_until"),
        citation=_optional_str(raw, "citation"),
        licence_requirement=_optional_str(raw, "licence_requirement"),
        licence_policy=_optional_str(raw, "licence_policy"),
        remarks=_optional_str(raw, "remarks"),
        url=_optional_str(raw, "url"),
    )


def _alias(raw: Any) -> Alias:
    if isinstance(raw, str):
        return Alias(raw)
    return Alias(
        str(raw["name"]),
        AliasQuality(raw.get("quality", "strong")),
        str(raw.get("kind", "aka")),
        raw.get("lang"),
    )


def _address(raw: Any) -> Address:
    if isinstance(raw, str):
        return Address(raw)
    country = raw.get("country")
    return Address(
        str(raw["full"]),
        raw.get("street"),
        raw.get("city"),
        raw.get("region"),
        None if raw.get("postal_code") is None else str(raw["postal_code"]),
        countries.to_code(str(country)) if country else None,
    )


def _required_str(data: dict[str, Any], key: str, file: str, line: int | None) -> str:
    value = data.get(key)
    if value is None or not str(value).strip():
        raise SourceFormatError(f"'{key}' is required", file=file, line=line, field=key)
    return str(value).strip()


def _optional_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return None if value is None else " ".join(str(value).split())


def _date(value: Any, file: str, line: int | None, field: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise SourceFormatError(
            f"not a date (YYYY-MM-DD): {value!r}", file=file, line=line, field=field
        ) from None
