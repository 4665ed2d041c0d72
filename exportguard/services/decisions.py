"""Use cases of export decisions: regimes (bundled or installed), decide, replay, diff.

A decision screens every end user, consignee and intermediary as of its date (against the
list snapshots in force then, with the party's country), applies each regime's current
revision, and is stored under its own id with the acting user, the regime digests,
snapshot ids and engine versions (package, index format, matcher thresholds, vocabulary
digest) it used; ``replay`` re-runs it against exactly those, so it reproduces the same
answer even after lists and regimes have moved on.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import date, timedelta
from functools import cache
from importlib import resources
from importlib.metadata import version as package_version
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from exportguard import regimes as regime_files
from exportguard.core import countries, vocab
from exportguard.core.decide import (
    Decision,
    DecisionRequest,
    LoadedList,
    PartyScreening,
    decide,
    decide_regime,
)
from exportguard.core.decision_records import EngineVersions, RegimeRevision, StoredDecision
from exportguard.core.index import FORMAT_VERSION as INDEX_FORMAT
from exportguard.core.index import build_query
from exportguard.core.regime_records import (
    CountrySetChangeJson,
    CountrySetJson,
    EligibilityMapJson,
    RegimeDiffJson,
    RegimeViewJson,
)
from exportguard.core.regimes import Regime, Rule
from exportguard.core.snapshots import Snapshot
from exportguard.core.thresholds import DEFAULT_THRESHOLD, POSSIBLE_MATCH_THRESHOLD
from exportguard.errors import FieldError, InvalidInput, NotFound
from exportguard.services.decision_input import DecisionInput, build_request, item_errors
from exportguard.services.snapshots import snapshot_ref
from exportguard.store import decisions as decision_store
from exportguard.store import lists as list_store
from exportguard.store.engine import writing

if TYPE_CHECKING:
    from exportguard.services.audit import AuditWriter
    from exportguard.services.context import Context
    from exportguard.services.screening import Screening
    from exportguard.services.snapshots import Snapshots

#: Screening hits at or above this score reach the listed-party rules (which decide
#: themselves what is a sure match: at least DEFAULT_THRESHOLD; below it, a possible one).
DECISION_SCREENING_THRESHOLD = POSSIBLE_MATCH_THRESHOLD

#: How far ahead an export may be decided: a year. The rules and lists of a later day are
#: not known, and a confident answer for 2099 would be a guess presented as a decision.
MAX_DAYS_AHEAD = 366


class Decisions:
    """Decision use cases, reached as ``ExportGuard.decisions``."""

    def __init__(
        self,
        ctx: Context,
        *,
        audit: AuditWriter,
        lists: Snapshots,
        screening: Screening,
        cache: dict[str, Regime] | None = None,
    ) -> None:
        self.ctx = ctx
        self.audit = audit
        self.lists = lists
        #: screens the parties of a question (``screen_snapshots``)
        self.screening = screening
        self._regime_cache: dict[str, Regime] = {} if cache is None else cache

    # --- regimes --------------------------------------------------------------------------

    def regimes(self) -> dict[str, Regime]:
        """The current revision of every regime: installed if any, else bundled."""
        found = dict(regime_files.bundled())
        with self.ctx.engine.connect() as conn:
            installed = decision_store.current(conn)
            for regime_id, digest in installed.items():
                content = decision_store.revision_content(conn, digest)
                if content is not None:
                    found[regime_id] = self.regime_from_text(content, f"installed:{regime_id}")
        return found

    def regime_from_text(self, content: str, name: str) -> Regime:
        """A regime from its YAML text (``name`` says where it was read, for errors);
        parsed once per text (a cache every composition on the store shares)."""
        cached = self._regime_cache.get(content)
        if cached is None:
            cached = self._regime_cache[content] = regime_files.parse_text(content, name)
        return cached

    def regime(self, regime_id: str) -> Regime:
        found = self.regimes().get(regime_id)
        if found is None:
            raise NotFound(f"no regime {regime_id!r}; known: {', '.join(sorted(self.regimes()))}")
        return found

    def install_regime(self, path: Path) -> Regime:
        """Validate a regime file and make it the current revision of its regime."""
        regime = regime_files.load_file(path)
        content = path.read_text(encoding="utf-8")
        with writing(self.ctx.engine) as conn:
            decision_store.record_revision(
                conn,
                digest=regime.digest,
                regime_id=regime.id,
                revision=regime.revision,
                content=content,
                origin="installed",
                at=self.ctx.now(),
                by=self.ctx.actor,
            )
            decision_store.set_current(conn, regime.id, regime.digest)
            self.audit.record(conn, "regime-install", regime.id, {
                "revision": regime.revision, "digest": regime.digest,
                "file": path.name})  # fmt: skip
        return regime

    def regime_revisions(self, regime_id: str | None = None) -> list[RegimeRevision]:
        with self.ctx.engine.connect() as conn:
            return decision_store.revisions(conn, regime_id)

    def _record_used(self, conn: Connection, chosen: Sequence[Regime]) -> None:
        """Store each bundled regime revision a decision used (content-addressed: a known
        one is left as it is), inside the decision's own transaction."""
        for regime in chosen:
            if regime.id in regime_files.bundled_ids() and regime.source.startswith("exportguard/"):
                decision_store.record_revision(
                    conn,
                    digest=regime.digest,
                    regime_id=regime.id,
                    revision=regime.revision,
                    content=regime_files.bundled_text(regime.id),
                    origin="bundled",
                    at=self.ctx.now(),
                    by=self.ctx.actor,
                )

    def item_errors(self, items: Sequence[str], regime: str) -> list[FieldError]:
        """Problems with control entries under one regime (a licence's): none given, one
        no regime knows, one this regime does not model (an unknown ``regime`` is the
        caller's own error: its items are checked against every regime's vocabulary)."""
        return item_errors(self.regimes(), items, [regime])

    # --- deciding -------------------------------------------------------------------------

    def decide(self, given: DecisionInput, *, record: bool = True) -> Decision:
        """Decide one export question (:class:`DecisionInput`); every bad field is
        reported at once (:class:`InvalidInput`). Stored, audited, unless ``record`` is
        false."""
        latest = self.ctx.today() + timedelta(days=MAX_DAYS_AHEAD)
        if given.on > latest:
            raise InvalidInput(
                f"{given.on} is more than a year ahead (after {latest}): the rules and lists "
                "of that day are not known; decide nearer the export",
                field="date",
            )
        available = self.regimes()
        request = build_request(available, given)
        chosen = [available[r] for r in request.regimes]
        snapshots = self.lists.snapshots_in_force(request.on)
        decision = self.decide_on(request, chosen, snapshots, uuid.uuid4().hex)
        if record:
            with writing(self.ctx.engine) as conn:  # one write transaction per decision
                self._record_used(conn, chosen)
                self._store_decision(conn, decision)
        return decision

    def decide_on(
        self,
        request: DecisionRequest,
        chosen: Sequence[Regime],
        snapshots: Sequence[Snapshot],
        decision_id: str = "",
    ) -> Decision:
        """The decision on ``request`` under exactly the regimes ``chosen`` and the
        ``snapshots`` (its parties screened on them), not recorded: :meth:`decide` and
        :meth:`replay` record or compare it; an impact analysis compares two."""
        screenings = []
        for party in request.parties:
            query = build_query(
                party.name,
                country=party.country,
                threshold=DECISION_SCREENING_THRESHOLD,
                limit=10,
            )
            hits = self.screening.screen_snapshots(
                query, snapshots, as_of=request.on, limit=10, threshold=DECISION_SCREENING_THRESHOLD
            )
            screenings.append(PartyScreening(party.role, party.name, tuple(hits), party.country))
        versions = {
            "snapshots": [snapshot_ref(s) for s in snapshots],
            **engine_versions(),
        }  # fmt: skip
        lists = [LoadedList(s.id, s.source, s.published) for s in snapshots]
        return decide(request, chosen, screenings, versions, lists=lists, decision_id=decision_id)

    def _store_decision(self, conn: Connection, decision: Decision) -> None:
        self.audit.record(conn, "decision", decision.decision_id, decision.to_dict())
        decision_store.add_decision(
            conn,
            decision_id=decision.decision_id,
            decided_at=self.ctx.now(),
            actor=self.ctx.actor,
            verdict=decision.verdict.label,
            request=decision.request.to_dict(),
            result=decision.to_dict(),
        )

    def stored(self, decision_id: str) -> StoredDecision:
        """A stored decision; :class:`NotFound` if there is none, or if an exporter user
        acts and another user made it (an exporter's decisions are its own)."""
        with self.ctx.engine.connect() as conn:
            found = decision_store.stored_decision(conn, decision_id)
        p = self.ctx.principal
        if found is None or (p is not None and p.is_exporter and found.actor != p.username):
            raise NotFound(f"no decision {decision_id!r}")
        return found

    def replay(self, decision_id: str) -> Decision:
        """Re-run a stored decision with the regime revisions and snapshots it used."""
        stored = self.stored(decision_id)
        chosen = []
        with self.ctx.engine.connect() as conn:
            for regime_id, digest in stored.regime_digests().items():
                content = decision_store.revision_content(conn, digest)
                if content is None:
                    raise NotFound(f"regime revision {regime_id} {digest} is not in the store")
                chosen.append(self.regime_from_text(content, f"stored:{regime_id}"))
            snapshots = []
            for snapshot_id in stored.snapshot_ids():
                found = list_store.get(conn, snapshot_id)
                if found is None:
                    raise NotFound(f"list snapshot {snapshot_id} is not in the store")
                snapshots.append(found)
        asked = stored.result.get("request")
        request = DecisionRequest.from_dict(asked if isinstance(asked, dict) else {})
        return self.decide_on(request, chosen, snapshots, stored.decision_id)

    # --- reading regimes -----------------------------------------------------------------

    def regime_view(self, regime_id: str, as_of: date | None = None) -> RegimeViewJson:
        """A regime as it stood on ``as_of`` (default: today): sets, rules, facts."""
        regime = self.regime(regime_id)
        on = as_of or self.ctx.today()
        sets: dict[str, CountrySetJson | None] = {}
        for name, cset in regime.country_sets.items():
            version = cset.version(on)
            sets[name] = None if version is None else {
                "version": version.name, "since": version.since.isoformat(),
                "until": version.until.isoformat() if version.until else None,
                "complete": version.complete, "count": version.count,
                "members": sorted(cset.members_on(on)),
                "certainty": regime.certainty(version.facts),
            }  # fmt: skip
        return {
            "id": regime.id, "name": regime.name, "revision": regime.revision,
            "digest": regime.digest, "as_of": on.isoformat(),
            "covers_from": regime.covers_from.isoformat(),
            "items": dict(regime.items), "country_sets": sets,
            "rules": [{"id": r.id, "kind": r.kind, "since": _iso(r.since), "until": _iso(r.until),
                       "text": r.outcome.text if r.outcome else _rule_text(r),
                       "facts": list(r.outcome.facts) if r.outcome else []}
                      for r in regime.rules if r.on(on)],
            "facts": [{"id": f.id, "text": f.text, "source": f.source, "certainty": f.certainty}
                      for f in regime.facts.values()],
        }  # fmt: skip

    def eligibility_map(self, regime_id: str, as_of: date | None = None) -> EligibilityMapJson:
        """Per country, the regime's verdict on its cyber items for a government end user
        and law enforcement on ``as_of``, parties and the exporter's country left aside
        (the regime taken to apply; Ukraine outside its embargoed regions): what the
        eligibility world map colours."""
        regime = self.regime(regime_id)
        on = as_of or self.ctx.today()
        item = next(iter(sorted(regime.items)), "EAR99")
        for preferred in ("4D004", "4A005"):
            if preferred in regime.items:
                item = preferred
                break
        verdicts: dict[str, str] = {}
        for code in countries.all_codes():
            request = DecisionRequest(
                items=(item,),
                destination=code,
                on=on,
                end_user_type="law-enforcement",
                end_use="law-enforcement",
                regimes=(regime.id,),
                region="other",
            )
            verdicts[code] = decide_regime(request, regime, [], parties=False).verdict.label
        return {
            "regime": regime.id,
            "revision": regime.revision,
            "as_of": on.isoformat(),
            "item": item,
            "end_user_type": "law-enforcement",
            "countries": verdicts,
        }

    def change_dates(self, regime_id: str) -> list[date]:
        """The days a regime's rules, country sets, their members or its "treated as"
        aliases start or stop applying (the day after an ``until``), from its
        ``covers_from`` on, in order: the dated changes the eligibility map can jump to."""
        regime = self.regime(regime_id)
        spans: list[tuple[date | None, date | None]] = [(r.since, r.until) for r in regime.rules]
        spans += [(a.since, a.until) for a in regime.treated_as]
        for cset in regime.country_sets.values():
            for version in cset.versions:
                spans.append((version.since, version.until))
                spans += [(m.since, m.until) for m in version.members]
        days = {d for since, _ in spans if (d := since) is not None}
        days |= {until + timedelta(days=1) for _, until in spans if until is not None}
        return sorted(d for d in days if d >= regime.covers_from)

    def regime_diff(self, regime_id: str, since: date, until: date) -> RegimeDiffJson:
        """What changed in a regime between two dates: set members and rules in force."""
        if until < since:
            raise InvalidInput("must not be before --from", field="to")
        regime = self.regime(regime_id)
        sets: dict[str, CountrySetChangeJson] = {}
        for name, cset in regime.country_sets.items():
            before, after = cset.version(since), cset.version(until)
            a, b = cset.members_on(since), cset.members_on(until)
            entry: CountrySetChangeJson = {
                "from_version": before.name if before else None,
                "to_version": after.name if after else None,
                "added": sorted(b - a),
                "removed": sorted(a - b),
                "kept": sorted(a & b),
            }
            if before is not None and not before.complete:
                entry["note"] = (
                    f"the {before.name} is known only in part "
                    f"({len(a)} of {before.count or '?'} members known)"
                )
            if entry["added"] or entry["removed"] or before is not after:
                sets[name] = entry
        rules_before = {r.id for r in regime.rules if r.on(since)}
        rules_after = {r.id for r in regime.rules if r.on(until)}
        return {
            "regime": regime.id, "revision": regime.revision, "from": since.isoformat(),
            "to": until.isoformat(), "country_sets": sets,
            "rules": {"added": sorted(rules_after - rules_before),
                      "removed": sorted(rules_before - rules_after)},
        }  # fmt: skip


@cache
def engine_versions() -> EngineVersions:
    """Every version besides regimes and lists that can change a decision's answer: the
    package, the screening index format, the matcher's thresholds and the vocabularies
    names are normalised with (digest of the packaged files)."""
    digest = hashlib.sha256()
    folder = resources.files(vocab)
    for name in sorted(p.name for p in folder.iterdir() if p.name.endswith((".yaml", ".json"))):
        digest.update(name.encode())
        digest.update(folder.joinpath(name).read_bytes())
    return {
        "exportguard": package_version("exportguard"),
        "index_format": INDEX_FORMAT,
        "matcher_threshold": DEFAULT_THRESHOLD,
        "screening_threshold": DECISION_SCREENING_THRESHOLD,
        "vocabulary": digest.hexdigest()[:16],
    }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _rule_text(rule: Rule) -> str:
    if rule.kind == "country-list":
        return f"membership of {rule.country_set} decides"
    return str(rule.kind)
