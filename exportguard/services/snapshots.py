"""Reading list snapshots: which are stored and in force, their entries, their name
indexes (cached in an :class:`IndexCache` every composition on one store shares; rebuilt
after an index format change), and the differences between two snapshots of one list."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import Connection

from exportguard.core.entities import ListEntry
from exportguard.core.impact import EntryDiff, diff_entries, entry_digest, field_changes
from exportguard.core.index import FORMAT_VERSION, NameIndex
from exportguard.core.list_records import (
    ChangedEntryJson,
    EntryBriefJson,
    FieldChange,
    SnapshotDiffJson,
    SnapshotRefJson,
)
from exportguard.core.snapshots import Snapshot
from exportguard.errors import InvalidInput, NotFound
from exportguard.services.context import Context
from exportguard.store import lists as list_store


def list_names() -> dict[str, str]:
    """Each list's name by its source id (``us_ofac_sdn`` -> ``OFAC Specially Designated
    Nationals ...``), as the parsers name them: what certificates and pages call a list.
    Imported here, not at start-up: screening needs no parser (~80 ms of imports)."""
    from exportguard.sources.detect import list_names as parsers_names

    return parsers_names()


#: Entries kept decoded, least recently used dropped first (about 2 KB each: a few MB). A
#: screening shows at most a few dozen hits, and an officer's day screens the same names
#: again (a client, its directors): their entries then cost no store read nor JSON decode.
ENTRY_CACHE_SIZE = 4096


@dataclass(slots=True)
class IndexCache:
    """Name indexes loaded: one per snapshot id, and merged ones per set of snapshot ids
    (sorted); and the last :data:`ENTRY_CACHE_SIZE` entries read, by (snapshot id, entry
    id). Snapshots are immutable (their entries are never rewritten), so nothing here goes
    stale; retiring a snapshot clears ``merged``. Shared by every :class:`Snapshots` on one
    store (every actor's), across the API's request threads (``lock`` guards ``entries``)."""

    indexes: dict[int, NameIndex] = field(default_factory=dict)
    merged: dict[tuple[int, ...], NameIndex] = field(default_factory=dict)
    entries: OrderedDict[tuple[int, str], ListEntry] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: Held while an index is loaded or merged: requests that arrive together (a service
    #: just started, 16 in flight) wait for the one being built instead of each building
    #: its own (16 merges of every list's index once took a worker to 985 MiB resident).
    building: threading.RLock = field(default_factory=threading.RLock)

    def known_entries(self, snapshot_id: int, ids: Sequence[str]) -> dict[str, ListEntry]:
        """Those of ``ids`` in the cache, each marked as just used."""
        found = {}
        with self.lock:
            for entry_id in ids:
                entry = self.entries.get((snapshot_id, entry_id))
                if entry is not None:
                    self.entries.move_to_end((snapshot_id, entry_id))
                    found[entry_id] = entry
        return found

    def keep_entries(self, snapshot_id: int, read: Iterable[ListEntry]) -> None:
        """Remember entries just read from the store, dropping the least recently used."""
        with self.lock:
            for entry in read:
                self.entries[(snapshot_id, entry.id)] = entry
            while len(self.entries) > ENTRY_CACHE_SIZE:
                self.entries.popitem(last=False)


class Snapshots:
    """Snapshot reading, reached through :class:`~exportguard.services.ExportGuard`
    (``eg.snapshots()``, ``eg.index(id)`` ...) and given to the use cases that read lists."""

    def __init__(self, ctx: Context, cache: IndexCache) -> None:
        self.ctx = ctx
        self.cache = cache

    def snapshots(self, source: str | None = None) -> list[Snapshot]:
        with self.ctx.engine.connect() as conn:
            return list_store.all_snapshots(conn, source)

    def snapshots_in_force(self, as_of: date | None = None) -> list[Snapshot]:
        with self.ctx.engine.connect() as conn:
            return list_store.in_force(conn, as_of)

    def in_force_and_set_aside(
        self, as_of: date | None = None
    ) -> tuple[list[Snapshot], list[tuple[Snapshot, Snapshot]]]:
        """:meth:`snapshots_in_force`, and the newer imports not screened, each with the
        snapshot screened instead (``store.lists.in_force_and_set_aside``)."""
        with self.ctx.engine.connect() as conn:
            return list_store.in_force_and_set_aside(conn, as_of)

    def snapshot(self, snapshot_id: int) -> Snapshot:
        with self.ctx.engine.connect() as conn:
            found = list_store.get(conn, snapshot_id)
        if found is None:
            raise NotFound(f"no snapshot {snapshot_id}")
        return found

    def snapshot_diff(self, old_id: int, new_id: int) -> SnapshotDiffJson:
        """Entries added, removed and changed between two snapshots of one list; each changed
        entry with its changes field by field (``core.impact.field_changes``).

        Entries are compared by their stored JSON (a digest each), and only the entries that
        differ are decoded: a 14,000-entry list diffs in well under a second."""
        old, new = self.snapshot(old_id), self.snapshot(new_id)
        if old.source != new.source:
            raise InvalidInput(
                f"snapshots {old_id} ({old.source}) and {new_id} ({new.source}) "
                "are of different lists",
                field="snapshots",
            )
        if old.published > new.published:
            raise InvalidInput(
                f"snapshot {old_id} ({old.published}) is newer than {new_id} "
                f"({new.published}): give the older one first",
                field="snapshots",
            )
        before, after, diff = self._delta(old_id, new_id)
        changed = diff.changed

        def brief(text: str) -> EntryBriefJson:
            data = json.loads(text)
            return EntryBriefJson(id=data.get("id"), name=data.get("name"), type=data.get("type"),
                                  programs=data.get("programs"), list_name=data.get("list_name"))

        return {
            "source": new.source, "from": {"id": old.id, "published": old.published.isoformat()},
            "to": {"id": new.id, "published": new.published.isoformat()},
            "added": [brief(after[i]) for i in diff.added],
            "removed": [brief(before[i]) for i in diff.removed],
            "changed": [
                ChangedEntryJson(**brief(after[i]), changes=field_changes(
                    _plain_entry(before[i]), _plain_entry(after[i])))
                for i in changed
            ],
        }  # fmt: skip

    def entry_delta(self, old_id: int | None, new_id: int) -> EntryDiff:
        """Ids of the entries added, removed and changed from snapshot ``old_id`` (None: an
        empty list, so every entry is added) to ``new_id``; no check that both are of one
        source (:meth:`snapshot_diff` makes it)."""
        return self._delta(old_id, new_id)[2]

    def _delta(
        self, old_id: int | None, new_id: int
    ) -> tuple[dict[str, str], dict[str, str], EntryDiff]:
        with self.ctx.engine.connect() as conn:
            before = list_store.entry_texts(conn, old_id) if old_id is not None else {}
            after = list_store.entry_texts(conn, new_id)
        return before, after, stored_entries_diff(before, after)

    def entries(self, snapshot_id: int, ids: Iterable[str] | None = None) -> list[ListEntry]:
        """Entries of a snapshot, in id order: all of them (read from the store), or those
        with these ids (from the cache where it has them: a screening's hits)."""
        if ids is None:
            with self.ctx.engine.connect() as conn:
                return list(list_store.load_entries(conn, snapshot_id))
        wanted = sorted(set(ids))
        found = self.cache.known_entries(snapshot_id, wanted)
        missing = [i for i in wanted if i not in found]
        if missing:
            with self.ctx.engine.connect() as conn:
                read = list(list_store.load_entries(conn, snapshot_id, missing))
            self.cache.keep_entries(snapshot_id, read)
            found.update((e.id, e) for e in read)
        return [found[i] for i in wanted if i in found]

    def index(self, snapshot_id: int) -> NameIndex:
        """The name index of a snapshot: cached, loaded from the store, rebuilt only when
        the stored one was written by another index format version or with other
        vocabulary tables (an upgrade)."""
        cached = self.cache.indexes.get(snapshot_id)
        if cached is not None:
            return cached
        with self.cache.building:
            cached = self.cache.indexes.get(snapshot_id)  # built while this one waited
            return cached if cached is not None else self._load_index(snapshot_id)

    def _load_index(self, snapshot_id: int) -> NameIndex:
        with self.ctx.engine.connect() as conn:
            stored = list_store.index_data(conn, snapshot_id)
        index = None
        if stored is not None and stored[0] == FORMAT_VERSION:
            try:
                index = NameIndex.from_bytes(stored[1])
            except ValueError:  # built with other vocabulary tables: rebuilt below
                index = None
        if index is None:
            index = NameIndex.build(snapshot_id, self.entries(snapshot_id))
            with self.ctx.engine.begin() as conn:
                list_store.replace_index(conn, snapshot_id, FORMAT_VERSION, index.to_bytes())
        self.cache.indexes[snapshot_id] = index
        return index

    def remember(self, snapshot_id: int, index: NameIndex) -> None:
        """Cache the index just built for a snapshot (an import writes both)."""
        self.cache.indexes[snapshot_id] = index

    def forget_merged(self) -> None:
        """Drop the merged indexes (a snapshot retired: a set may hold it)."""
        self.cache.merged.clear()

    def merged_index(self, snapshots: Sequence[Snapshot]) -> NameIndex:
        """One index over several snapshots (merged once per set, then cached)."""
        key = tuple(sorted(s.id for s in snapshots))
        found = self.cache.merged.get(key)
        if found is not None:
            return found
        with self.cache.building:
            found = self.cache.merged.get(key)  # merged while this one waited
            if found is None:
                if len(self.cache.merged) > 8:
                    self.cache.merged.clear()
                found = self.cache.merged[key] = NameIndex.merge([self.index(i) for i in key])
            return found


def _plain_entry(text: str) -> dict[str, object]:
    """An entry's JSON form as the current code writes it (older stored rows normalised)."""
    return ListEntry.from_dict(json.loads(text)).to_dict()


def entry_changes(
    conn: Connection, old_snapshot: int, new_snapshot: int, entry_id: str
) -> list[FieldChange]:
    """What changed in a listed entry between two snapshots, field by field
    (``core.impact.field_changes``; empty if either snapshot lacks it)."""
    before = next(list_store.load_entries(conn, old_snapshot, [entry_id]), None)
    after = next(list_store.load_entries(conn, new_snapshot, [entry_id]), None)
    if before is None or after is None:
        return []
    return field_changes(before.to_dict(), after.to_dict())


def snapshot_ref(s: Snapshot) -> SnapshotRefJson:
    """A snapshot as a record cites it (a screening, a decision, a monitoring run): id,
    source, publication date, content hash."""
    return {"id": s.id, "source": s.source, "published": s.published.isoformat(),
            "content_hash": s.content_hash}  # fmt: skip


def stored_entries_diff(before: Mapping[str, str], after: Mapping[str, str]) -> EntryDiff:
    """Ids of the entries added, removed and changed (sorted) between two snapshots given
    as their stored JSON texts by entry id. Texts can differ where entries do not (stored
    by an older version of a parser, with fewer fields): those are confirmed on the decoded
    entries' digests, what remembered hits carry."""
    diff = diff_entries(_text_digests(before), _text_digests(after))
    changed = tuple(i for i in diff.changed if _entry_digest(before[i]) != _entry_digest(after[i]))
    return replace(diff, changed=changed)


def _entry_digest(text: str) -> str:
    return entry_digest(ListEntry.from_dict(json.loads(text)))


def _text_digests(texts: Mapping[str, str]) -> dict[str, str]:
    return {k: hashlib.blake2b(v.encode(), digest_size=16).hexdigest() for k, v in texts.items()}
