"""A screening's answers: the :class:`EntryInfo` an index keeps of each listing, the
:class:`Hit` (a listing that matched, with the name and the explanation), listing rows
grouped into one hit (:func:`group_rows`), and the compact JSON an index stores entries
as (:func:`entry_dict`, :func:`entry_info`)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TypedDict

from exportguard.core.entities import EntityType, ListEntry
from exportguard.core.identifiers import match_form
from exportguard.core.matching import Scored


@dataclass(frozen=True, slots=True)
class EntryInfo:
    """What screening needs to know of an entry, kept in the index (the full entry
    stays in the store)."""

    id: str
    source: str
    list_name: str
    type: EntityType
    name: str
    countries: tuple[str, ...]
    birth_dates: tuple[str, ...]
    identifiers: tuple[str, ...]
    programs: tuple[str, ...]
    listed_from: date | None
    listed_until: date | None
    citation: str | None
    licence_requirement: str | None
    licence_policy: str | None

    def in_force(self, on: date) -> bool:
        if self.listed_from is not None and on < self.listed_from:
            return False
        return not (self.listed_until is not None and on > self.listed_until)


@dataclass(frozen=True, slots=True)
class Hit:
    """One listing that matched a query, with the name that matched and why.

    ``rows`` are the ids of the other entries of the same snapshot that are rows of this
    one listing (the CSL repeats one Denied Persons order once per name and address):
    see :func:`group_rows`.
    """

    entry: EntryInfo
    snapshot_id: int
    matched_name: str
    score: float
    explanation: Scored
    rows: tuple[str, ...] = ()




#: An entry's list name in the stored entry JSON (:func:`entry_dict`, compact separators).
LIST_NAME_FIELD = re.compile(rb'"list_name":"((?:[^"\\]|\\.)*)"')

_NOT_ALNUM = re.compile(r"[\W_]+")


def group_rows(hits: Iterable[Hit]) -> list[Hit]:
    """Hits best first, the rows of one listing as one hit: entries of one snapshot and
    list with the same listing dates and the same primary name but for spaces and
    punctuation ("AL NASER AIRLINES", "AL-NASER AIRLINES", "ALNASER AIRLINES" over several
    addresses: one Denied Persons order). The best-scoring row stands for the listing and
    names the others in ``rows``."""
    ordered = sorted(hits, key=lambda h: (-h.score, h.entry.source, h.entry.id))
    groups: dict[tuple[object, ...], int] = {}
    out: list[Hit] = []
    for hit in ordered:
        e = hit.entry
        key = (
            hit.snapshot_id, e.list_name, e.type, e.listed_from, e.listed_until,
            _NOT_ALNUM.sub("", e.name.casefold()),
        )  # fmt: skip
        at = groups.get(key)
        if at is None:
            groups[key] = len(out)
            out.append(hit)
        else:
            first = out[at]
            out[at] = replace(first, rows=(*first.rows, e.id))
    return out




class EntryInfoJson(TypedDict):
    """What the name index keeps of an entry (JSON; :func:`entry_info` reads it back):
    dates ``YYYY-MM-DD``, ``type`` an ``EntityType`` value, ``identifiers`` in the form
    screening compares."""

    id: str
    source: str
    list_name: str
    type: str
    name: str
    countries: Sequence[str]
    birth_dates: Sequence[str]
    identifiers: list[str]
    programs: Sequence[str]
    listed_from: str | None
    listed_until: str | None
    citation: str | None
    licence_requirement: str | None
    licence_policy: str | None


def entry_dict(entry: ListEntry) -> EntryInfoJson:
    return {
        "id": entry.id, "source": entry.source, "list_name": entry.list_name,
        "type": str(entry.type), "name": entry.name, "countries": entry.countries,
        "birth_dates": entry.birth_dates,
        "identifiers": sorted(
            {v for i in entry.identifiers if (v := match_form(i))}
        ),
        "programs": entry.programs,
        "listed_from": entry.listed_from.isoformat() if entry.listed_from else None,
        "listed_until": entry.listed_until.isoformat() if entry.listed_until else None,
        "citation": entry.citation, "licence_requirement": entry.licence_requirement,
        "licence_policy": entry.licence_policy,
    }  # fmt: skip


def entry_info(d: EntryInfoJson) -> EntryInfo:
    return EntryInfo(
        id=d["id"], source=d["source"], list_name=d["list_name"], type=EntityType(d["type"]),
        name=d["name"], countries=tuple(d["countries"]), birth_dates=tuple(d["birth_dates"]),
        identifiers=tuple(d["identifiers"]), programs=tuple(d["programs"]),
        listed_from=date.fromisoformat(d["listed_from"]) if d["listed_from"] else None,
        listed_until=date.fromisoformat(d["listed_until"]) if d["listed_until"] else None,
        citation=d["citation"], licence_requirement=d["licence_requirement"],
        licence_policy=d["licence_policy"],
    )  # fmt: skip
