"""Monitoring runs: screening the counterparty book and turning what it finds into alerts.

A run is three steps:

1. **Plan.** After a list import, the book was last screened against the snapshots the
   previous whole-book run recorded (``monitoring_runs``: its baseline). What changed
   since, per source: entries added, removed and changed (compared by content digest),
   plus entries whose listing started or ended between that run's day and today. With no
   baseline (the first run), a full run is made; so it is when asked (``full=True``) or
   when counterparties are named (``ids``: one just added, a bulk import).
2. **Screen** (:class:`Screener`; ``core.rescreen``): in an incremental run every
   counterparty is screened against the added, changed and newly in-force entries only
   (as a full screening finds them: the candidate cuts over every name, then narrowed),
   and only those with a hit there, or whose remembered hits point at a removed, changed
   or no longer in-force entry, are screened again in full. This step is pure compute: in
   this process (:class:`LocalScreener`) or on Dask workers (``batch.cluster``, composed
   by the CLI or the API; services never import batch).
3. **Write**, in one transaction, for the counterparties screened in full: the alert
   logic (``new`` and ``changed`` alerts, clearances honoured, ``delisted`` resolution),
   their remembered hits, the webhook outbox, and the audit.

An incremental run raises the alerts a full run raises: a hit on an unchanged entry
scores the same (token weights are shipped, not taken from the lists loaded), so only the
changed entries and the counterparties that remembered them can bring anything new.
Remembered hits on unchanged entries keep the snapshot they were first found in. One
difference is possible in principle: names added or removed shift the candidate cuts
(rarity weights, ranks) for the others, so a full run could newly reach, or lose, an
unchanged entry sitting at a counterparty's cut; an incremental run keeps what it
remembered until that entry or the counterparty changes (``rescreen --full`` re-derives
everything). On the SDN files of 2022-02-17 and 2022-03-31 both give the same alerts and
the same remembered hits (``tests/test_monitoring_scale.py``).

**Audit.** One ``monitoring-run`` record per run over the book: the snapshots, the
baseline and, per source, the counts of the delta with a SHA-256 of its entry ids, how
many counterparties were screened and screened in full, the alerts raised and resolved,
and a SHA-256 over the results (each counterparty screened in full with its hits' entry
ids, digests and scores). Then one ``screening`` record per counterparty whose screening
changed something (an alert raised or resolved, its remembered hits different), and one
for each counterparty screened by name (one just added: its record stands for the run).
A 100,000-party book re-screened daily would otherwise append 100,000 records a day, each
saying "nothing changed"; the run record says it once, and the snapshots' content hashes
plus the delta digests let an auditor re-derive it. (A bulk import's screening is in its
``counterparty-import`` record: ``services.bulk``.)
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from exportguard.core.alerts import AlertKind, AlertStatus, Resolution
from exportguard.core.audit import canonical
from exportguard.core.impact import entry_digest
from exportguard.core.index import Hit
from exportguard.core.monitoring_records import (
    Alert,
    BookRun,
    Counterparty,
    RememberedHit,
    RunMode,
    RunReport,
    SourceDelta,
)
from exportguard.core.rescreen import PartyRow, Plan
from exportguard.core.snapshots import Snapshot
from exportguard.core.thresholds import DEFAULT_THRESHOLD
from exportguard.services.screeners import LocalScreener, Progress, Screener
from exportguard.services.snapshots import entry_changes, snapshot_ref, stored_entries_diff
from exportguard.store import alerts as alert_store
from exportguard.store import clearances as clearance_store
from exportguard.store import counterparties as store
from exportguard.store import lists as list_store
from exportguard.store.engine import writing
from exportguard.store.monitoring import add_run, last_book_run

if TYPE_CHECKING:
    from exportguard.services.monitoring import Monitoring

@dataclass(slots=True)
class Outcome:
    """What the write step did (:meth:`Rescreening.apply`)."""

    alerts: list[Alert] = field(default_factory=list)
    delisted: int = 0
    digest: str = ""


class Rescreening:
    """Monitoring runs (module docstring), reached through ``ExportGuard.monitoring``."""

    def __init__(self, monitoring: Monitoring) -> None:
        self.monitoring = monitoring
        self.ctx = monitoring.ctx
        self.lists = monitoring.lists
        self.audit = monitoring.audit

    # --- the run ---------------------------------------------------------------------------

    def run(
        self,
        ids: Sequence[str] | None = None,
        snapshots: Sequence[Snapshot] | None = None,
        *,
        full: bool = False,
        progress: Progress | None = None,
    ) -> RunReport:
        """Screen the book (or the counterparties ``ids``) against ``snapshots`` (those in
        force by default), incrementally when a baseline allows; store and return what it
        raised. Lapsed clearances raise their alerts first."""
        started = self.ctx.now()
        lapsed = self.monitoring.lapse_clearances()
        snaps = list(snapshots) if snapshots is not None else self.lists.snapshots_in_force()
        if not snaps:
            with writing(self.ctx.engine) as conn:
                self.nothing_in_force(conn, started)
            return RunReport(RunMode.NONE, alerts=tuple(lapsed))
        today = self.ctx.today()
        with self.ctx.engine.connect() as conn:
            parties = store.book(conn, ids)
            baseline = (
                last_book_run(conn) if ids is None and snapshots is None and not full
                else None
            )  # fmt: skip
            planned = self._plan(conn, baseline, snaps, today) if baseline else None
        mode = RunMode.PARTIES if ids is not None else RunMode.FULL
        plan, delta = Plan(as_of=today), dict[str, SourceDelta]()
        if planned is not None:
            mode, (plan, delta) = RunMode.INCREMENTAL, planned
        if plan.incremental and not plan.changed:  # nothing new to find: the forced only
            parties = [p for p in parties if p[0] in plan.forced]
        results = self.screen(snaps, parties, plan, progress)
        with writing(self.ctx.engine) as conn:
            outcome = self.apply(conn, results, snaps, today, audit_each=mode == RunMode.PARTIES)
            counts = {"screened": len(parties), "treated": len(results),
                      "forced": len(plan.forced), "alerts": len(outcome.alerts),
                      "delisted": outcome.delisted}  # fmt: skip
            run_id = add_run(
                conn, mode=mode, as_of=today, counts=counts, started_at=started,
                finished_at=self.ctx.now(), actor=self.ctx.actor,
                snapshots={s.source: (s.id, s.content_hash) for s in snaps},
            )  # fmt: skip
            seq = None
            if mode != RunMode.PARTIES:  # (named counterparties have a record each already)
                seq = self.audit.record(conn, "monitoring-run", f"run {run_id}", {
                    "run": run_id, "mode": mode.value, "as_of": today.isoformat(),
                    "threshold": plan.threshold, "snapshots": [snapshot_ref(s) for s in snaps],
                    "baseline": baseline.id if baseline and planned else None,
                    "delta": delta, **counts, "results_sha256": outcome.digest,
                }).seq  # fmt: skip
        if outcome.alerts:
            self.monitoring.deliver()
        return RunReport(mode, len(parties), len(results), tuple(lapsed + outcome.alerts),
                         outcome.delisted, delta, run_id, seq)  # fmt: skip

    def nothing_in_force(self, conn: Connection, started: str) -> None:
        """Record that counterparties were kept with no list in force to screen against:
        the next run's baseline is then empty, so it screens everyone against everything."""
        add_run(
            conn, mode=RunMode.NONE, as_of=self.ctx.today(), counts={}, snapshots={},
            started_at=started, finished_at=self.ctx.now(), actor=self.ctx.actor,
        )  # fmt: skip

    def screen(
        self,
        snaps: Sequence[Snapshot],
        parties: Sequence[PartyRow],
        plan: Plan,
        progress: Progress | None = None,
    ) -> list[tuple[str, list[Hit]]]:
        """Step 2: the counterparties to write, with their hits (on the configured
        screener for a large enough book, else in process)."""
        screener: Screener = LocalScreener(self.lists)
        configured = self.monitoring.screener
        if configured is not None and len(parties) >= configured.min_parties:
            screener = configured
        results: list[tuple[str, list[Hit]]] = []
        done = 0
        if progress is not None:
            progress(0, len(parties))
        for count, found in screener(snaps, parties, plan):
            results.extend(found)
            done += count
            if progress is not None:
                progress(done, len(parties))
        return results

    def _plan(
        self, conn: Connection, baseline: BookRun, snaps: Sequence[Snapshot], today: date,
    ) -> tuple[Plan, dict[str, SourceDelta]] | None:  # fmt: skip
        """Step 1: the incremental plan from the baseline run, with a summary of the delta
        per source; None when a full run is needed (the baseline's snapshot is gone) or as
        good (no list in force now was in force then)."""
        base = baseline.snapshots
        if not any(s.source in base for s in snaps):
            return None  # every list is new to the book: a full run is the same, and cheaper
        changed: set[tuple[str, str]] = set()
        touched: set[tuple[str, str]] = set()  # remembered hits on these need a full screen
        delta: dict[str, SourceDelta] = {}
        for snap in snaps:
            old = base.get(snap.source)
            if old is not None and old[0] == snap.id:
                continue
            after = list_store.entry_texts(conn, snap.id)
            if old is None:  # a list new to the book: every entry is new to it
                added, removed, edited = sorted(after), [], []
            else:
                previous = list_store.get(conn, int(old[0]))
                if previous is None or previous.content_hash != old[1]:
                    return None
                diff = stored_entries_diff(list_store.entry_texts(conn, previous.id), after)
                added, removed, edited = list(diff.added), list(diff.removed), list(diff.changed)
            keys = {(snap.source, i) for i in added + edited}
            changed |= keys
            touched |= {(snap.source, i) for i in removed + edited}
            delta[snap.source] = {
                "from": old[0] if old else None, "to": snap.id, "added": len(added),
                "removed": len(removed), "changed": len(edited),
                "sha256": _sha({"added": added, "removed": removed, "changed": edited}),
            }  # fmt: skip
        since = baseline.as_of
        if since != today:
            dated = list_store.coming_or_going(
                conn, [s.id for s in snaps], min(since, today), max(since, today)
            )
            changed |= set(dated)
            touched |= set(dated)
            for source, entry_id in dated:
                row = delta.setdefault(source, {"added": 0, "removed": 0, "changed": 0})
                row["dated"] = row.get("dated", 0) + 1
                row.setdefault("dated_ids", []).append(entry_id)
            for row in delta.values():
                if "dated_ids" in row:
                    row["dated_sha256"] = _sha(sorted(row.pop("dated_ids")))
        forced = store.remembering(conn, touched) if touched else set()
        plan = Plan(as_of=today, threshold=DEFAULT_THRESHOLD, changed=frozenset(changed),
                    forced=frozenset(forced))  # fmt: skip
        return plan, delta

    # --- the write step --------------------------------------------------------------------

    def apply(
        self,
        conn: Connection,
        results: Sequence[tuple[str, list[Hit]]],
        snaps: Sequence[Snapshot],
        today: date,
        *,
        audit_each: bool = False,
    ) -> Outcome:
        """Step 3, in the caller's write transaction: alerts, remembered hits, outbox and
        per-counterparty audit for the counterparties screened in full."""
        outcome = Outcome()
        if not results:
            outcome.digest = _sha([])
            return outcome
        ids = [party_id for party_id, _ in results]
        parties = store.counterparties_by_id(conn, ids)
        before = store.hits_of(conn, ids)
        cleared = clearance_store.active_clearances_of(conn, ids, today)
        digests = _digests(conn, [h for _, hits in results for h in hits])
        sources = {s.source for s in snaps}
        current = {s.source: s.id for s in snaps}
        remembered: list[RememberedHit] = []
        summary: list[object] = []
        for party_id, hits in results:
            party = parties.get(party_id)
            if party is None:
                continue
            old_hits = before.get(party_id, {})
            raised: list[Alert] = []
            now: dict[tuple[str, str], str] = {}
            for hit in hits:
                digest = digests[(hit.snapshot_id, hit.entry.id)]
                key = (hit.entry.source, hit.entry.id)
                now[key] = digest
                remembered.append(RememberedHit(
                    counterparty_id=party_id, source=hit.entry.source, entry_id=hit.entry.id,
                    entry_digest=digest, snapshot_id=hit.snapshot_id, score=round(hit.score, 4),
                ))  # fmt: skip
                old = old_hits.get(key)
                kind = (AlertKind.NEW if old is None
                        else AlertKind.CHANGED if old.entry_digest != digest else None)  # fmt: skip
                if kind is None or cleared.get(party_id, {}).get(hit.entry.id) == digest:
                    continue
                raised.append(self._alert(conn, party, hit, digest, kind, old))
            delisted = 0
            for source, entry_id in old_hits:
                if (source, entry_id) not in now and source in current:
                    delisted += self._if_delisted(conn, party_id, current[source], entry_id)
            was = {k: h.entry_digest for k, h in old_hits.items() if k[0] in sources}
            if audit_each or raised or delisted or was != now:
                kept = party.as_dict()
                self.audit.record(conn, "screening", party_id, {
                    "query": {k: kept[k] for k in ("name", "country", "type")},
                    "as_of": today.isoformat(), "threshold": DEFAULT_THRESHOLD,
                    "snapshots": [snapshot_ref(s) for s in snaps],
                    "hits": [_hit(rank, h) for rank, h in enumerate(hits, 1)],
                    "purpose": "monitoring",
                })  # fmt: skip
            outcome.alerts.extend(raised)
            outcome.delisted += delisted
            summary.append([party_id, [[h.entry.id, now[(h.entry.source, h.entry.id)],
                                        round(h.score, 4)] for h in hits]])  # fmt: skip
        store.replace_hits_many(conn, ids, sources, remembered)
        outcome.digest = _sha(summary)
        return outcome

    def _alert(
        self, conn: Connection, party: Counterparty, hit: Hit, digest: str, kind: AlertKind,
        old: RememberedHit | None,
    ) -> Alert:  # fmt: skip
        changes = (entry_changes(conn, old.snapshot_id, hit.snapshot_id, hit.entry.id)
                   if old is not None else [])  # fmt: skip
        data = {"counterparty": party.name, "exporter": party.exporter,
                "listed_name": hit.entry.name, "list_name": hit.entry.list_name,
                "matched_name": hit.matched_name,
                "explanation": [f.detail for f in hit.explanation.features],
                "changes": changes}  # fmt: skip
        return self.monitoring._raise(conn, party.id, hit.snapshot_id, hit.entry.id, digest,
                                      kind, round(hit.score, 4), data, party.exporter,
                                      party.name)  # fmt: skip

    def _if_delisted(self, conn: Connection, cp_id: str, snapshot_id: int, entry_id: str) -> int:
        """A remembered hit is gone: if its entry left the list, resolve its alerts as
        ``delisted`` (audited) and return how many; if the entry is still listed, its
        alerts stay as they are."""
        if next(list_store.load_entries(conn, snapshot_id, [entry_id]), None) is not None:
            return 0
        resolved = 0
        for alert in alert_store.find_alerts(conn, counterparty_id=cp_id):
            if alert.entry_id != entry_id or alert.status == AlertStatus.RESOLVED:
                continue
            reason = f"{entry_id} is no longer on its list (snapshot {snapshot_id})"
            if alert_store.set_alert_status(
                conn, alert.id, expected=alert.status, status=AlertStatus.RESOLVED,
                resolution=Resolution.DELISTED, at=self.ctx.now(), actor=self.ctx.actor,
                reason=reason,
            ):  # fmt: skip
                resolved += 1
                self.audit.record(conn, "alert", str(alert.id), {
                    "status": AlertStatus.RESOLVED.value,
                    "resolution": Resolution.DELISTED.value, "reason": reason})  # fmt: skip
        return resolved


def _digests(conn: Connection, hits: Sequence[Hit]) -> dict[tuple[int, str], str]:
    """The content digest of every hit's entry (loaded per snapshot, in one query each)."""
    by_snapshot: dict[int, set[str]] = {}
    for hit in hits:
        by_snapshot.setdefault(hit.snapshot_id, set()).add(hit.entry.id)
    out: dict[tuple[int, str], str] = {}
    for snapshot_id, entry_ids in by_snapshot.items():
        wanted = sorted(entry_ids)
        for i in range(0, len(wanted), store.CHUNK):
            for entry in list_store.load_entries(conn, snapshot_id, wanted[i : i + store.CHUNK]):
                out[(snapshot_id, entry.id)] = entry_digest(entry)
    return out


def _sha(data: object) -> str:
    return hashlib.sha256(canonical(data).encode()).hexdigest()


def _hit(rank: int, h: Hit) -> dict[str, object]:
    return {
        "rank": rank,
        "score": round(h.score, 4),
        "entity_id": h.entry.id,
        "snapshot_id": h.snapshot_id,
        "name": h.entry.name,
        "list_name": h.entry.list_name,
        "matched_name": h.matched_name,
    }
