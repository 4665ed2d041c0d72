"""Use cases: where core, store and sources meet. The CLI, the API and batch call these.

:class:`ExportGuard` holds one store (SQLite or PostgreSQL) and a cache of loaded name
indexes. Snapshots are immutable, so a cached index never goes stale; several processes
(API instances behind a load balancer, batch workers) can share one database.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from exportguard.core.entities import DateBasis, EntityType, ListEntry, ParsedList, Snapshot
from exportguard.core.identifiers import match_form
from exportguard.core.index import FORMAT_VERSION, Hit, NameIndex, build_query, screen
from exportguard.core.matching import Query
from exportguard.core.permissions import Actor
from exportguard.core.query_parts import screen_with_parts
from exportguard.core.thresholds import DEFAULT_THRESHOLD
from exportguard.errors import (
    ExportGuardError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    SourceFormatError,
)
from exportguard.services.accounts import Accounts
from exportguard.services.audit import Audit, AuditKey
from exportguard.services.decisions import Decisions
from exportguard.services.impact import Impact
from exportguard.services.jobs import Jobs
from exportguard.services.licensing import Licensing
from exportguard.services.monitoring import Monitoring, Notifier
from exportguard.services.rescreening import Screener
from exportguard.sources._common import SourceFile
from exportguard.store import engine as store_engine
from exportguard.store import lists as list_store
from exportguard.store.engine import writing

if TYPE_CHECKING:
    from exportguard.core.impact import EntryDiff
    from exportguard.sources import detect, download

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class ImportResult:
    """One snapshot written (or found already there) by an import."""

    snapshot: Snapshot
    created: bool
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportReport:
    results: tuple[ImportResult, ...]
    skipped: tuple[str, ...] = ()
    alerts: tuple[dict[str, Any], ...] = ()  # counterparty alerts the import raised
    #: per snapshot that became current, the licences and applications it moved
    #: (:meth:`Impact.on_import`)
    impacts: tuple[dict[str, Any], ...] = ()

    def summary(self) -> dict[str, int]:
        """What the import set off: counterparty alerts raised, licences and applications
        affected, reviews queued and licences suspended (by the impact policy)."""
        affected = [a for i in self.impacts for a in i["affected"]]
        actions = [a for i in self.impacts for a in i["actions"]]
        return {
            "alerts_raised": len(self.alerts),
            "licences_affected": sum(a["kind"] == "licence" for a in affected),
            "applications_affected": sum(a["kind"] == "application" for a in affected),
            "reviews_queued": sum("review" in a for a in actions),
            "licences_suspended": sum(a["action"] == "suspended" for a in actions),
        }


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """What updating one official feed did: its import report, or why it failed."""

    feed: download.Feed
    report: ImportReport | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """The answer to one screening: hits best first, and what they were found in.

    ``as_of`` is the date the entries were in force on (the day of screening unless one
    was given); ``total_hits`` counts every hit at the threshold, of which ``hits`` are
    the first ``limit``; ``sources`` and ``lists`` are the filters applied, if any.
    """

    query: Query
    as_of: date
    threshold: float
    screened_at: str
    snapshots: tuple[Snapshot, ...]
    hits: tuple[Hit, ...]
    entries: dict[tuple[int, str], ListEntry] = field(default_factory=dict)
    audit_seq: int | None = None
    total_hits: int = 0
    sources: tuple[str, ...] | None = None
    lists: tuple[str, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the CLI's ``--json`` and the API's body)."""
        return {
            "query": {
                "name": self.query.name,
                "country": self.query.country,
                "type": self.query.type.value if self.query.type else None,
                "birth_date": self.query.birth_date,
                "identifiers": list(self.query.identifiers),
                "normalised": self.query.form.text,
            },
            "as_of": self.as_of.isoformat(),
            "threshold": self.threshold,
            "sources": list(self.sources) if self.sources is not None else None,
            "lists": list(self.lists) if self.lists is not None else None,
            "total_hits": self.total_hits,
            "shown": len(self.hits),
            "screened_at": self.screened_at,
            "audit_seq": self.audit_seq,
            "snapshots": [
                {"id": s.id, "source": s.source, "published": s.published.isoformat(),
                 "content_hash": s.content_hash}
                for s in self.snapshots
            ],
            "hits": [self._hit(rank, hit) for rank, hit in enumerate(self.hits, 1)],
        }  # fmt: skip

    def _hit(self, rank: int, hit: Hit) -> dict[str, Any]:
        info = hit.entry
        full = self.entries.get((hit.snapshot_id, info.id))
        return {
            "rank": rank,
            "score": round(hit.score, 4),
            "entity_id": info.id,
            "snapshot_id": hit.snapshot_id,
            "source": info.source,
            "list_name": info.list_name,
            "type": info.type.value,
            "name": info.name,
            "matched_name": hit.matched_name,
            "programs": list(info.programs),
            "countries": list(info.countries),
            "listed_from": info.listed_from.isoformat() if info.listed_from else None,
            "listed_until": info.listed_until.isoformat() if info.listed_until else None,
            "rows": [info.id, *hit.rows],
            "citation": info.citation,
            "licence_requirement": info.licence_requirement,
            "licence_policy": info.licence_policy,
            "explanation": [
                {"feature": f.feature, "value": round(f.value, 4), "weight": f.weight,
                 "contribution": round(f.contribution, 4), "detail": f.detail}
                for f in hit.explanation.features
            ],
            "documents": _documents(full) if full else [],
            "details": [{"label": k, "value": v} for k, v in full.details()] if full else [],
            "entry": full.to_dict() if full else None,
        }  # fmt: skip


def _documents(entry: ListEntry) -> list[dict[str, Any]]:
    """The entry's identifiers as hit details show them: every field set
    (:meth:`Identifier.to_dict`) and ``normalised``, the form screening compares (empty for
    a fact such as a gender)."""
    return [{**i.to_dict(), "normalised": match_form(i)} for i in entry.identifiers]


_PATH_DATE = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")


class ExportGuard:
    """The application: one store, its list snapshots, screening, and decisions."""

    def __init__(
        self,
        database_url: str,
        *,
        actor: str = "system",
        clock: Clock = utc_now,
        impact_policy: str = "review",
        notifier: Notifier | None = None,
        audit_key: AuditKey | None = None,
        screener: Screener | None = None,
    ) -> None:
        self.database_url = database_url
        #: Screens a large counterparty book elsewhere (Dask); None: in this process.
        self._screener = screener
        self._audit_key = audit_key
        self.actor = actor
        #: The signed-in principal (role and company) when a service acts for one (API, web);
        #: None for the local operator of the CLI and for system work. Use cases that
        #: depend on the role check it themselves, whatever edge called them.
        self.principal: Actor | None = None
        self.clock = clock
        self.engine: Engine = store_engine.open_engine(database_url)
        self._indexes: dict[int, NameIndex] = {}
        self._merged: dict[tuple[int, ...], NameIndex] = {}
        self._notifier = notifier
        self._impact_policy = impact_policy
        self._regime_cache: dict[str, Any] = {}
        self._bind()

    def _bind(self) -> None:
        self.decisions = Decisions(self, self._regime_cache)
        self.audit = Audit(self, self._audit_key)
        self.licensing = Licensing(self)
        self.monitoring = Monitoring(self, self._notifier, self._screener)
        self.impact = Impact(self, self._impact_policy)
        self.accounts = Accounts(self)
        self.jobs = Jobs(self)

    def for_actor(self, actor: str | Actor) -> ExportGuard:
        """The same application acting as ``actor`` (shares the engine and every cache):
        what the API does per request, so the audit trail names who acted. Given an
        :class:`Actor`, use cases also check its role (``principal``)."""
        clone = object.__new__(ExportGuard)
        clone.__dict__.update(self.__dict__)
        if isinstance(actor, Actor):
            clone.actor = actor.username
            clone.principal = actor
        else:
            clone.actor = actor
            clone.principal = None
        clone._bind()
        return clone

    def _now(self) -> str:
        return self.clock().isoformat(timespec="seconds")

    def close(self) -> None:
        self.engine.dispose()

    # --- importing ----------------------------------------------------------------------

    def import_paths(
        self, paths: Sequence[str | Path], *, published: date | None = None
    ) -> ImportReport:
        """Import list files and folders (folders recursively; unknown files there skipped,
        and so is a file set that cannot be imported alone, such as OFAC's add.csv and
        alt.csv without sdn.csv, named in ``skipped``). Raises ``SourceFormatError`` when
        the paths hold nothing but such a set."""
        from exportguard.sources import detect

        files: list[SourceFile] = []
        folder_files: list[SourceFile] = []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                for child in sorted(p for p in path.rglob("*") if p.is_file()):
                    if not any(part.startswith(".") for part in child.relative_to(path).parts):
                        folder_files.append(SourceFile(str(child), child.read_bytes()))
            elif path.is_file():
                files.append(SourceFile(str(path), path.read_bytes()))
            else:
                raise InvalidInput(f"no such file or folder: {raw}", field="path")
        units, _ = detect.plan(files) if files else ([], [])
        folder_units, skipped = detect.plan(folder_files, skip_unknown=True)
        unusable = [s for s in skipped if detect.UNUSABLE in s]
        if unusable and not units and not folder_units:
            # Only a set that cannot be imported alone: naming it is an error, not a no-op.
            raise SourceFormatError("nothing to import: " + "; ".join(unusable), file=str(paths[0]))
        report = self._import_units(units + folder_units, published, dates_from_paths=True)
        return replace(report, skipped=tuple(skipped))

    def import_files(
        self,
        files: Sequence[SourceFile],
        *,
        published: date | None = None,
        dates_from_paths: bool = True,
    ) -> ImportReport:
        """Import files given as bytes (read from disk, downloaded or uploaded).

        ``dates_from_paths=False`` for uploads: an uploaded file's name is whatever the
        uploader typed, so it never dates a snapshot (give ``published`` instead)."""
        from exportguard.sources import detect

        units, _ = detect.plan(files)
        return self._import_units(units, published, dates_from_paths=dates_from_paths)

    def update_lists(
        self, feeds: Sequence[download.Feed], transport: download.Transport
    ) -> list[FeedOutcome]:
        """Download each official feed and import it; a failure is recorded, not raised (one
        feed failing does not stop the others; each feed imports atomically)."""
        from exportguard.sources import download

        outcomes: list[FeedOutcome] = []
        for feed in feeds:
            try:
                outcomes.append(FeedOutcome(feed, report=self.import_files(
                    download.fetch(feed, transport))))  # fmt: skip
            except ExportGuardError as exc:
                outcomes.append(FeedOutcome(feed, error=str(exc)))
        return outcomes

    def import_demo(self) -> ImportReport:
        """Import the bundled demo list (public facts; see exportguard/data/demo)."""
        folder = resources.files("exportguard.data").joinpath("demo")
        files = [
            SourceFile(f"exportguard/data/demo/{p.name}", p.read_bytes())
            for p in sorted(folder.iterdir(), key=lambda p: p.name)
            if p.name.endswith(".yaml")
        ]
        return self.import_files(files)

    def _import_units(
        self,
        units: Sequence[detect.ImportUnit],
        published: date | None,
        *,
        dates_from_paths: bool = False,
    ) -> ImportReport:
        # Parse and index everything first: a bad file fails the import before any write,
        # and the write transaction stays short.
        with self.engine.connect() as conn:
            known = {u: list_store.by_hash(conn, _content_hash(u)) for u in units}
        prepared = []
        for unit in units:
            if known[unit] is not None:
                continue
            parsed = unit.parse()
            files = ", ".join(f.name for f in unit.files)
            if not parsed.entries:
                raise SourceFormatError("the file holds no entries", file=files)
            self._check_entries(parsed, files)
            when, basis, note = _publication_date(
                parsed, unit, published, self.clock(), dates_from_paths=dates_from_paths
            )
            prepared.append((unit, parsed, NameIndex.build(0, parsed.entries), when, basis, note))
        results = [ImportResult(s, created=False) for s in known.values() if s is not None]
        imported_at = self.clock().isoformat(timespec="seconds")
        with writing(self.engine) as conn:
            list_store.lock_imports(conn)
            was_current = {s.source: s for s in list_store.in_force(conn)}
            for unit, parsed, index, when, basis, note in prepared:
                content_hash = _content_hash(unit)
                existing = list_store.by_hash(conn, content_hash)
                if existing is not None:  # imported meanwhile, or twice in this import
                    if all(r.snapshot.id != existing.id for r in results):
                        results.append(ImportResult(existing, created=False))
                    continue
                warnings = tuple(parsed.warnings) + ((note,) if note else ())
                snapshot = list_store.add(
                    conn, source=parsed.source, format=parsed.format, published=when,
                    date_basis=basis, imported_at=imported_at,
                    content_hash=content_hash, files=[f.name for f in unit.files],
                    counts=dict(parsed.counts), warnings=warnings, items=parsed.entries,
                )  # fmt: skip
                index.assign_snapshot(snapshot.id)
                list_store.replace_index(conn, snapshot.id, FORMAT_VERSION, index.to_bytes())
                self._indexes[snapshot.id] = index
                self.audit.record(
                    conn,
                    "list-import",
                    f"snapshot {snapshot.id}",
                    {
                        "snapshot": snapshot.id,
                        "source": snapshot.source,
                        "format": snapshot.format,
                        "published": snapshot.published.isoformat(),
                        "content_hash": snapshot.content_hash,
                        "files": list(snapshot.files),
                        "counts": dict(snapshot.counts),
                        "warnings": list(warnings),
                    },
                )
                results.append(ImportResult(snapshot, created=True, warnings=warnings))
        if not any(r.created for r in results):
            return ImportReport(tuple(results))
        alerts = self.monitoring.rescreen()
        created = {r.snapshot.id for r in results if r.created}
        impacts = tuple(
            self.impact.on_import(was_current.get(snap.source), snap)
            for snap in self.snapshots_in_force()
            if snap.id in created
        )
        return ImportReport(tuple(results), alerts=tuple(alerts), impacts=impacts)

    def _check_entries(self, parsed: ParsedList, files: str) -> None:
        """Refuse what no store can keep or should believe: a NUL character anywhere in an
        entry (PostgreSQL refuses it), and a self-written list taking the source id of a list
        another format brought into this store (it would pass for that list)."""
        for entry in parsed.entries:
            if "\\u0000" in json.dumps(entry.to_dict()):
                raise SourceFormatError(
                    f"entry {entry.id}: a NUL character in its text", file=files, field="name"
                )
        from exportguard.sources import native

        if parsed.format == native.NAME:
            taken = {s.source for s in self.snapshots() if s.format != native.NAME}
            if parsed.source in taken:
                raise SourceFormatError(
                    f"source {parsed.source!r} is the id of a list imported from its own "
                    "format; a list you write yourself names its own source",
                    file=files,
                    field="source",
                )

    def retire_snapshot(self, snapshot_id: int, *, reason: str) -> Snapshot:
        """Stop screening against a snapshot (audited); it stays stored for replays.

        Raises :class:`NotFound`, :class:`InvalidInput` (no reason, already retired) and
        :class:`PermissionDenied` unless the acting user is an admin.
        """
        if self.principal is not None and self.principal.role != "admin":
            raise PermissionDenied("only an admin retires a list snapshot")
        if not reason.strip():
            raise InvalidInput("say why the snapshot is retired", field="reason")
        with writing(self.engine) as conn:
            found = list_store.get(conn, snapshot_id)
            if found is None:
                raise NotFound(f"no snapshot {snapshot_id}")
            if not list_store.retire(
                conn, snapshot_id, at=self._now(), actor=self.actor, reason=reason.strip()
            ):
                raise InvalidInput(f"snapshot {snapshot_id} is already retired", field="snapshot")
            self.audit.record(conn, "list-retire", f"snapshot {snapshot_id}", {
                "snapshot": snapshot_id, "source": found.source,
                "content_hash": found.content_hash, "reason": reason.strip()})  # fmt: skip
            retired = list_store.get(conn, snapshot_id)
        self._merged.clear()
        assert retired is not None
        return retired

    # --- reading ------------------------------------------------------------------------

    def snapshots(self, source: str | None = None) -> list[Snapshot]:
        with self.engine.connect() as conn:
            return list_store.all_snapshots(conn, source)

    def snapshots_in_force(self, as_of: date | None = None) -> list[Snapshot]:
        with self.engine.connect() as conn:
            return list_store.in_force(conn, as_of)

    def snapshot(self, snapshot_id: int) -> Snapshot:
        with self.engine.connect() as conn:
            found = list_store.get(conn, snapshot_id)
        if found is None:
            raise NotFound(f"no snapshot {snapshot_id}")
        return found

    def snapshot_diff(self, old_id: int, new_id: int) -> dict[str, Any]:
        """Entries added, removed and changed between two snapshots of one list; each changed
        entry with its changes field by field (``core.impact.field_changes``).

        Entries are compared by their stored JSON (a digest each), and only the entries that
        differ are decoded: a 14,000-entry list diffs in well under a second."""
        from exportguard.core.impact import field_changes

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

        def brief(text: str) -> dict[str, Any]:
            data = json.loads(text)
            return {key: data.get(key) for key in ("id", "name", "type", "programs", "list_name")}

        return {
            "source": new.source, "from": {"id": old.id, "published": old.published.isoformat()},
            "to": {"id": new.id, "published": new.published.isoformat()},
            "added": [brief(after[i]) for i in diff.added],
            "removed": [brief(before[i]) for i in diff.removed],
            "changed": [
                brief(after[i]) | {"changes": field_changes(_plain_entry(before[i]),
                                                             _plain_entry(after[i]))}
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
        from exportguard.core.impact import diff_entries

        with self.engine.connect() as conn:
            before = list_store.entry_texts(conn, old_id) if old_id is not None else {}
            after = list_store.entry_texts(conn, new_id)
        diff = diff_entries(_text_digests(before), _text_digests(after))
        # Texts can differ where entries do not (stored by an older version of a parser,
        # with fewer fields): those are confirmed on the decoded entries.
        changed = tuple(
            i for i in diff.changed if _entry_digest(before[i]) != _entry_digest(after[i])
        )
        return before, after, replace(diff, changed=changed)

    def entries(self, snapshot_id: int, ids: Iterable[str] | None = None) -> list[ListEntry]:
        with self.engine.connect() as conn:
            return list(list_store.load_entries(conn, snapshot_id, ids))

    def index(self, snapshot_id: int) -> NameIndex:
        """The name index of a snapshot: cached, loaded from the store, rebuilt only when
        the stored one was written by another index format version or with other
        vocabulary tables (an upgrade)."""
        cached = self._indexes.get(snapshot_id)
        if cached is not None:
            return cached
        with self.engine.connect() as conn:
            stored = list_store.index_data(conn, snapshot_id)
        index = None
        if stored is not None and stored[0] == FORMAT_VERSION:
            try:
                index = NameIndex.from_bytes(stored[1])
            except ValueError:  # built with other vocabulary tables: rebuilt below
                index = None
        if index is None:
            index = NameIndex.build(snapshot_id, self.entries(snapshot_id))
            with self.engine.begin() as conn:
                list_store.replace_index(conn, snapshot_id, FORMAT_VERSION, index.to_bytes())
        self._indexes[snapshot_id] = index
        return index

    def merged_index(self, snapshots: Sequence[Snapshot]) -> NameIndex:
        """One index over several snapshots (merged once per set, then cached)."""
        key = tuple(sorted(s.id for s in snapshots))
        found = self._merged.get(key)
        if found is None:
            if len(self._merged) > 8:
                self._merged.clear()
            found = self._merged[key] = NameIndex.merge([self.index(i) for i in key])
        return found

    # --- screening ----------------------------------------------------------------------

    def screen(
        self,
        name: str,
        *,
        country: str | None = None,
        type: EntityType | str | None = None,
        birth_date: str | None = None,
        identifiers: Sequence[str] = (),
        as_of: date | None = None,
        limit: int | None = 10,
        threshold: float = DEFAULT_THRESHOLD,
        sources: Sequence[str] | None = None,
        lists: Sequence[str] | None = None,
        record: bool = True,
    ) -> ScreeningResult:
        """Screen one party against every list snapshot in force as of ``as_of`` (today
        when not given: an entry whose listing has ended does not show); recorded in the
        audit trail unless ``record`` is false.

        ``sources`` keeps only snapshots of these sources (``us_ofac_sdn`` ...,
        case-insensitive; an unknown one is an error naming those available); ``lists``
        only entries whose list name contains one of these texts, case-insensitive
        ("Entity List"; a text no list name of those snapshots contains is an error
        naming the list names, :class:`InvalidInput` on field ``lists``). ``limit`` cuts the
        hits shown; ``total_hits`` says how many there were.
        """
        query = build_query(
            name,
            country=country,
            type=type,
            birth_date=birth_date,
            identifiers=identifiers,
            threshold=threshold,
            limit=limit,
        )
        snaps = self.snapshots_in_force(as_of)
        on = as_of or self.clock().date()
        if sources:
            known = {s.source.casefold(): s.source for s in snaps}
            unknown = sorted(s for s in sources if s.strip().casefold() not in known)
            if unknown:
                raise InvalidInput(
                    f"no list snapshot of {', '.join(unknown)} in force; "
                    f"sources: {', '.join(sorted(known.values())) or 'none imported'}",
                    field="sources",
                )
            sources = sorted({known[s.strip().casefold()] for s in sources})
            snaps = [s for s in snaps if s.source in set(sources)]
        wanted = [w.strip() for w in lists or () if w.strip()] or None
        if wanted and snaps:
            names = self.merged_index(snaps).list_names()
            missing = [
                w for w in wanted if not any(w.casefold() in n.casefold() for n in names)
            ]
            if missing:
                raise InvalidInput(
                    f"no list name in the lists screened contains "
                    f"{' or '.join(repr(w) for w in missing)}; list names: "
                    f"{'; '.join(sorted(names))}",
                    field="lists",
                )
        every = self.screen_snapshots(
            query, snaps, as_of=on, limit=None, threshold=threshold, lists=wanted
        )
        hits = every[:limit] if limit is not None else every
        entries: dict[tuple[int, str], ListEntry] = {}
        by_snapshot: dict[int, list[str]] = {}
        for hit in hits:
            by_snapshot.setdefault(hit.snapshot_id, []).append(hit.entry.id)
        for snapshot_id, ids in by_snapshot.items():
            for entry in self.entries(snapshot_id, ids):
                entries[(snapshot_id, entry.id)] = entry
        result = ScreeningResult(
            query,
            on,
            threshold,
            self._now(),
            tuple(snaps),
            tuple(hits),
            entries,
            total_hits=len(every),
            sources=tuple(sources) if sources else None,
            lists=tuple(wanted) if wanted else None,
        )
        if record:
            payload = result.to_dict()
            for hit in payload["hits"]:
                hit.pop("entry", None)
            with writing(self.engine) as conn:
                audit_record = self.audit.record(conn, "screening", query.name, payload)
            result = replace(result, audit_seq=audit_record.seq)
        return result

    def screen_snapshots(
        self,
        query: Query,
        snapshots: Sequence[Snapshot],
        *,
        as_of: date | None,
        limit: int | None,
        threshold: float,
        lists: Sequence[str] | None = None,
    ) -> list[Hit]:
        """Hits for ``query`` in exactly these snapshots (the name and each of its parts:
        ``core.query_parts``)."""
        if not snapshots:
            return []
        index = self.merged_index(snapshots)
        hits = screen_with_parts(query, lambda q: screen(
            [index], q, threshold=threshold, limit=None, as_of=as_of, lists=lists))  # fmt: skip
        return hits[:limit] if limit is not None else hits

    def screen_many(
        self,
        queries: Iterable[tuple[str, Query]],
        *,
        as_of: date | None = None,
        limit: int | None = 10,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> Iterator[tuple[str, list[Hit]]]:
        """Screen many (id, query) pairs in this process, yielding hits per id (as of
        today when no date is given)."""
        index = self.merged_index(self.snapshots_in_force(as_of))
        on = as_of or self.clock().date()
        for key, query in queries:
            hits = screen_with_parts(
                query, lambda q: index.screen(q, threshold=threshold, limit=None, as_of=on)
            )
            yield key, hits[:limit] if limit is not None else hits


def _content_hash(unit: detect.ImportUnit) -> str:
    digests = sorted(hashlib.sha256(f.data).hexdigest() for f in unit.files)
    return hashlib.sha256((unit.format + ":" + ",".join(digests)).encode()).hexdigest()


def _plain_entry(text: str) -> dict[str, Any]:
    """An entry's JSON form as the current code writes it (older stored rows normalised)."""
    return ListEntry.from_dict(json.loads(text)).to_dict()


def _entry_digest(text: str) -> str:
    from exportguard.core.impact import entry_digest

    return entry_digest(ListEntry.from_dict(json.loads(text)))


def _text_digests(texts: dict[str, str]) -> dict[str, str]:
    return {k: hashlib.blake2b(v.encode(), digest_size=16).hexdigest() for k, v in texts.items()}


def _publication_date(
    parsed: ParsedList,
    unit: detect.ImportUnit,
    given: date | None,
    now: datetime,
    *,
    dates_from_paths: bool,
) -> tuple[date, DateBasis, str | None]:
    """The snapshot's publication date and where it came from (:class:`DateBasis`): the
    file's own, else the one given, else a date in the file's path (``.../2022-02-17/
    sdn.csv``; local imports only: an uploaded file's name is whatever the uploader typed),
    else the newest listing date in it, else the import date. The note says how a date
    was guessed. A date after today is refused (:class:`InvalidInput`): a list cannot be
    published in the future, and such a snapshot would shadow the real one."""
    found_date, basis, note = _date_and_basis(parsed, unit, given, now, dates_from_paths)
    if found_date > now.date():
        files = ", ".join(f.name for f in unit.files)
        raise InvalidInput(
            f"{files}: publication date {found_date} ({basis.value}) is after today "
            f"({now.date()}); a list cannot be published in the future",
            field="published",
        )
    return found_date, basis, note


def _date_and_basis(
    parsed: ParsedList,
    unit: detect.ImportUnit,
    given: date | None,
    now: datetime,
    dates_from_paths: bool,
) -> tuple[date, DateBasis, str | None]:
    if parsed.published is not None:
        return parsed.published, DateBasis.FILE, None
    if given is not None:
        return given, DateBasis.GIVEN, None
    for file in unit.files if dates_from_paths else ():
        found = _PATH_DATE.findall(file.name)
        if found:
            try:
                day = date.fromisoformat(found[-1])
            except ValueError:
                continue
            return day, DateBasis.PATH, f"publication date {day} taken from the file path"
    newest = max((e.listed_from for e in parsed.entries if e.listed_from), default=None)
    if newest is not None:
        return (newest, DateBasis.NEWEST_LISTING,
                f"publication date {newest} is the newest listing date in the file")  # fmt: skip
    today = now.date()
    return (
        today,
        DateBasis.IMPORT_DATE,
        (
            f"the file has no publication date: dated with the import date {today}; it is used "
            "only while its source has no dated snapshot (give --published to date it)"
        ),
    )
