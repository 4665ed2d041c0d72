"""List snapshots as records cite them and as two of them compare, in their JSON form
(pure): what ``services.snapshots`` gives; the API's ``SnapshotRef`` and ``ListDiffOut``
(``api.schemas.lists``) describe them field for field, the CLI prints them. Dates are
``YYYY-MM-DD`` strings."""

from __future__ import annotations

from typing import TypedDict


class SnapshotRefJson(TypedDict):
    """A snapshot as a record cites it (a screening, a decision, a monitoring run)."""

    id: int
    source: str
    published: str
    content_hash: str


class FieldChange(TypedDict):
    """One field of an entry that changed: its JSON value ``before`` and ``after`` (None
    where a side lacks the field)."""

    field: str
    before: object
    after: object


class EntryBriefJson(TypedDict):
    """An entry in a diff: enough to recognise it (``type`` an ``EntityType`` value)."""

    id: str
    name: str
    type: str
    programs: list[str]
    list_name: str


class ChangedEntryJson(EntryBriefJson):
    """A changed entry, with its changes field by field."""

    changes: list[FieldChange]


class SnapshotMarkJson(TypedDict):
    """A snapshot compared: its id and publication date."""

    id: int
    published: str


#: Entries added, removed and changed between two snapshots of one list, ``from`` the
#: older ``to`` the newer.
SnapshotDiffJson = TypedDict("SnapshotDiffJson", {
    "source": str, "from": SnapshotMarkJson, "to": SnapshotMarkJson,
    "added": list[EntryBriefJson], "removed": list[EntryBriefJson],
    "changed": list[ChangedEntryJson],
})  # fmt: skip
