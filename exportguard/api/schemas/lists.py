"""List snapshots, imports and diffs; list entries as answers show them."""

from __future__ import annotations

import datetime
from typing import Any

from pydantic import Field

from exportguard.api.schemas.common import Model, Out, Timestamp
from exportguard.api.schemas.impact import ImportImpactOut
from exportguard.core.entities import AliasQuality, EntityType
from exportguard.core.snapshots import DateBasis


class RetireRequest(Model):
    reason: str = Field(min_length=1, max_length=2000)



class AliasOut(Out):
    """Another name of a listed party: ``quality`` (a weak alias is a nickname or a loose
    transliteration), ``kind`` (aka, fka, nka, original-script ...), ``lang``."""

    name: str
    quality: AliasQuality
    kind: str | None
    lang: str | None


class AddressOut(Out):
    """A postal address as published; ``country`` is ISO 3166-1 alpha-2 when known."""

    full: str
    street: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str | None
    note: str | None = None


class IdentifierOut(Out):
    """A document or register number (``Identifier.to_dict``): ``kind``, ``value`` and the
    issuing ``country`` always, the other fields only when the list gives them."""

    kind: str
    value: str
    country: str | None
    label: str | None = None
    published: str | None = None
    issue_date: str | None = Field(default=None, description="As published, maybe partial.")
    expiry_date: str | None = None
    stated_date: str | None = None
    authority: str | None = None
    place: str | None = None
    note: str | None = None
    known_expired: bool = False
    invalid: bool = False


class DocumentOut(IdentifierOut):
    """An identifier with ``normalised``: the form screening compares (empty for a fact
    such as a gender)."""

    normalised: str


class ListEntryOut(Out):
    """One listed party, every field the list gives (``ListEntry.to_dict``): the fields
    with defaults are written only when the list states them."""

    id: str = Field(description="Source-qualified and stable across snapshots.")
    source: str
    list_name: str
    type: EntityType
    name: str
    aliases: list[AliasOut]
    programs: list[str]
    addresses: list[AddressOut]
    countries: list[str]
    identifiers: list[IdentifierOut]
    birth_dates: list[str]
    birth_places: list[str]
    listed_from: datetime.date | None
    listed_until: datetime.date | None
    citation: str | None
    licence_requirement: str | None
    licence_policy: str | None
    remarks: str | None
    url: str | None
    nationalities: list[str] = Field(default_factory=list)
    citizenships: list[str] = Field(default_factory=list)
    residences: list[str] = Field(default_factory=list)
    gender: str | None = None
    titles: list[str] = Field(default_factory=list)
    birth_date_notes: list[str] = Field(default_factory=list)
    citations: list[str] = Field(default_factory=list)
    listed_dates: list[str] = Field(default_factory=list)
    actions: list[str] = Field(default_factory=list)
    contacts: list[str] = Field(default_factory=list)
    status: str | None = None
    dissolution_date: str | None = None
    notes: list[str] = Field(default_factory=list)


class SnapshotRef(Out):
    """A snapshot as a record cites it: id, source, publication date, content hash."""

    id: int
    source: str
    published: datetime.date
    content_hash: str


class SnapshotOut(Out):
    """A stored list snapshot (``Snapshot.to_dict``); ``current`` in listings: whether it
    is the one in force for its list."""

    id: int
    source: str
    format: str
    published: datetime.date
    date_basis: DateBasis = Field(description="Where the publication date came from.")
    imported_at: Timestamp
    content_hash: str
    files: list[str]
    counts: dict[str, int] = Field(description="Record counts: entries, names, ...")
    retired_at: Timestamp | None
    retired_by: str | None
    retired_reason: str | None
    current: bool = False


class ImportedSnapshot(Out):
    """One snapshot an import made (or found already stored: ``created`` false;
    ``redated``: it was stored dated by a guess and took the publication date given)."""

    id: int
    source: str
    published: datetime.date
    created: bool
    redated: bool
    counts: dict[str, int]
    warnings: list[str]


class ImportSummary(Out):
    """What an import set off."""

    alerts_raised: int
    licences_affected: int
    applications_affected: int
    reviews_queued: int
    licences_suspended: int


class ListImportOut(Out):
    snapshots: list[ImportedSnapshot]
    alerts: int = Field(description="Counterparty alerts raised.")
    summary: ImportSummary
    impacts: list[ImportImpactOut]


class EntryBrief(Out):
    """An entry in a diff: enough to recognise it."""

    id: str
    name: str
    type: EntityType
    programs: list[str]
    list_name: str


class FieldChange(Out):
    """One field of an entry that changed: its JSON value before and after (None where a
    side lacks the field)."""

    field: str
    before: Any
    after: Any


class ChangedEntry(EntryBrief):
    changes: list[FieldChange]


class SnapshotMark(Out):
    id: int
    published: datetime.date


class ListDiffOut(Out):
    """Entries added, removed and changed between two snapshots of one list."""

    source: str
    from_: SnapshotMark = Field(alias="from")
    to: SnapshotMark
    added: list[EntryBrief]
    removed: list[EntryBrief]
    changed: list[ChangedEntry]
