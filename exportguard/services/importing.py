"""Importing list files (from paths, bytes, the official feeds or the bundled demo): each
file (or file set) parsed, checked and indexed before one write transaction, dated
(:class:`DateBasis`), audited; then monitoring re-screens the counterparties and the
impact on licences is worked out."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from exportguard.core.impact import ImportImpactJson
from exportguard.core.index import FORMAT_VERSION, NameIndex
from exportguard.core.monitoring_records import Alert
from exportguard.core.snapshots import DateBasis, ParsedList, Snapshot, SourceFile
from exportguard.errors import (
    ExportGuardError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    SourceFormatError,
)
from exportguard.services.publication import check_publication_date, publication_date
from exportguard.services.snapshots import Snapshots
from exportguard.store import lists as list_store
from exportguard.store.engine import writing

if TYPE_CHECKING:
    from exportguard.services.audit import AuditWriter
    from exportguard.services.context import Context
    from exportguard.services.impact import Impact
    from exportguard.services.monitoring import Monitoring
    from exportguard.sources import detect, download


@dataclass(frozen=True, slots=True)
class ImportResult:
    """One snapshot written (or found already there) by an import."""

    snapshot: Snapshot
    created: bool
    warnings: tuple[str, ...] = ()
    #: the same content was stored already, dated by a guess, and took the date given
    redated: bool = False


@dataclass(frozen=True, slots=True)
class ImportReport:
    results: tuple[ImportResult, ...]
    skipped: tuple[str, ...] = ()
    alerts: tuple[Alert, ...] = ()  # counterparty alerts the import raised
    #: per snapshot that became current, the licences and applications it moved
    #: (:meth:`Impact.on_import`)
    impacts: tuple[ImportImpactJson, ...] = ()

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


class ListImports:
    """List import use cases, reached through :class:`~exportguard.services.ExportGuard`
    (``eg.import_paths`` ...): writes snapshots (and their indexes into ``lists``' cache),
    records them with ``audit``; then ``monitoring`` re-screens the counterparties and
    ``impact`` works out what the new lists change for licences."""

    def __init__(
        self,
        ctx: Context,
        *,
        lists: Snapshots,
        audit: AuditWriter,
        monitoring: Monitoring,
        impact: Impact,
    ) -> None:
        self.ctx = ctx
        self.lists = lists
        self.audit = audit
        self.monitoring = monitoring
        self.impact = impact

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
        with self.ctx.engine.connect() as conn:
            known = {u: list_store.by_hash(conn, _content_hash(u)) for u in units}
        prepared = []
        for unit in units:
            if known[unit] is not None:
                continue
            parsed = unit.parse()
            files = ", ".join(f.name for f in unit.files)
            if not parsed.entries:
                raise SourceFormatError("the file holds no entries", file=files)
            texts = [entry.to_json() for entry in parsed.entries]
            self._check_entries(parsed, texts, files)
            when, basis, note = publication_date(
                parsed, unit, published, self.ctx.clock(), dates_from_paths=dates_from_paths
            )
            index = NameIndex.build(0, parsed.entries)
            prepared.append((unit, parsed, texts, index, when, basis, note))
        results = [ImportResult(s, created=False) for s in known.values() if s is not None]
        imported_at = self.ctx.now()
        with writing(self.ctx.engine) as conn:
            list_store.lock_imports(conn)
            was_current = {s.source: s for s in list_store.in_force(conn)}
            if published is not None:
                results = [self._redated(conn, r, published) for r in results]
            for unit, parsed, texts, index, when, basis, note in prepared:
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
                    items_json=texts,
                )  # fmt: skip
                index.assign_snapshot(snapshot.id)
                list_store.replace_index(conn, snapshot.id, FORMAT_VERSION, index.to_bytes())
                self.lists.remember(snapshot.id, index)
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
        if not any(r.created or r.redated for r in results):
            return ImportReport(tuple(results))
        alerts = self.monitoring.rescreen()
        created = {r.snapshot.id for r in results if r.created or r.redated}
        impacts = tuple(
            self.impact.on_import(was_current.get(snap.source), snap)
            for snap in self.lists.snapshots_in_force()
            if snap.id in created
        )
        return ImportReport(tuple(results), alerts=tuple(alerts), impacts=impacts)

    def _redated(self, conn: Connection, result: ImportResult, published: date) -> ImportResult:
        """The same content imported again with its publication date: a snapshot whose
        date was a guess (its import date, its newest listing) or was given by hand takes
        the date given (audited: a typed date can be corrected); one whose file or folder
        states its date keeps it, and the import says so. A date after today or before
        1980 is refused first, whatever the snapshot."""
        snap = result.snapshot
        check_publication_date(published, DateBasis.GIVEN, self.ctx.clock(), snap.files)
        if snap.published == published:
            return result
        if snap.date_basis in (DateBasis.FILE, DateBasis.PATH):
            where = "file" if snap.date_basis is DateBasis.FILE else "folder"
            return replace(result, warnings=(
                f"snapshot {snap.id} ({snap.source}) already holds this content, published "
                f"{snap.published} as its {where} states: the date given, {published}, is "
                "not applied",))  # fmt: skip
        list_store.redate(conn, snap.id, published, DateBasis.GIVEN)
        self.audit.record(conn, "list-redate", f"snapshot {snap.id}", {
            "snapshot": snap.id, "source": snap.source, "published": published.isoformat(),
            "was": snap.published.isoformat(), "was_basis": snap.date_basis.value})  # fmt: skip
        redated = list_store.get(conn, snap.id)
        assert redated is not None
        return ImportResult(redated, created=False, redated=True, warnings=(
            f"snapshot {snap.id} ({snap.source}) held this content dated by its "
            f"{snap.date_basis.value.replace('-', ' ')} ({snap.published}); it is now dated "
            f"{published} as given",))  # fmt: skip

    def _check_entries(self, parsed: ParsedList, texts: Sequence[str], files: str) -> None:
        """Refuse what no store can keep or should believe: a NUL character anywhere in an
        entry (PostgreSQL refuses it; ``texts`` are the entries as stored), and a
        self-written list taking the source id of a list another format brought into this
        store (it would pass for that list)."""
        for entry, text in zip(parsed.entries, texts, strict=True):
            if "\\u0000" in text:
                raise SourceFormatError(
                    f"entry {entry.id}: a NUL character in its text", file=files, field="name"
                )
        from exportguard.sources import native

        if parsed.format == native.NAME:
            taken = {s.source for s in self.lists.snapshots() if s.format != native.NAME}
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
        if self.ctx.principal is not None and self.ctx.principal.role != "admin":
            raise PermissionDenied("only an admin retires a list snapshot")
        if not reason.strip():
            raise InvalidInput("say why the snapshot is retired", field="reason")
        with writing(self.ctx.engine) as conn:
            found = list_store.get(conn, snapshot_id)
            if found is None:
                raise NotFound(f"no snapshot {snapshot_id}")
            if not list_store.retire(
                conn, snapshot_id, at=self.ctx.now(), actor=self.ctx.actor, reason=reason.strip()
            ):
                raise InvalidInput(f"snapshot {snapshot_id} is already retired", field="snapshot")
            self.audit.record(conn, "list-retire", f"snapshot {snapshot_id}", {
                "snapshot": snapshot_id, "source": found.source,
                "content_hash": found.content_hash, "reason": reason.strip()})  # fmt: skip
            retired = list_store.get(conn, snapshot_id)
        self.lists.forget_merged()
        assert retired is not None
        return retired


def _content_hash(unit: detect.ImportUnit) -> str:
    digests = sorted(hashlib.sha256(f.data).hexdigest() for f in unit.files)
    return hashlib.sha256((unit.format + ":" + ",".join(digests)).encode()).hexdigest()
