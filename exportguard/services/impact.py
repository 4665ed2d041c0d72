"""Impact of a change: which licences, applications and counterparties it touches.

Two kinds of change:

* a **list** moving from one snapshot to another (``lists``): entries added, removed or
  changed; counterparties whose screening now hits an added or changed entry; licences
  and applications whose decision (same regime, same request, today) changes verdict;
* a **regime** moving between two dates (the list of 102 cut to 37 on 2021-11-25) or two
  revisions (an officer's edit) (``regime``): licences and applications re-decided under
  both, old and new verdicts side by side.

What happens to an affected licence is a policy (``EXPORTGUARD_IMPACT_POLICY``): ``review``
(default) queues it for an officer; ``suspend`` suspends issued licences at once, and
queues them too. ``dry_run`` only reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from exportguard.core.decide import DecisionRequest, Party
from exportguard.core.entities import Snapshot
from exportguard.core.impact import Affected, diff_entries, digests, more_restrictive
from exportguard.core.index import build_query
from exportguard.core.licensing import Event, Licence, State
from exportguard.core.regimes import Regime
from exportguard.core.thresholds import DEFAULT_THRESHOLD
from exportguard.errors import InvalidInput, NotFound
from exportguard.store import cases
from exportguard.store import lists as list_store
from exportguard.store.engine import writing

if TYPE_CHECKING:
    from exportguard.services import ExportGuard

POLICIES = ("review", "suspend")
#: Licences in these states are looked at by an impact analysis.
LIVE = (State.SUBMITTED, State.UNDER_REVIEW, State.ISSUED, State.SUSPENDED, State.DRAFT)


class Impact:
    """Impact analysis, reached as ``ExportGuard.impact``."""

    def __init__(self, app: ExportGuard, policy: str = "review") -> None:
        if policy not in POLICIES:
            raise InvalidInput(f"must be one of {', '.join(POLICIES)}", field="impact_policy")
        self.app = app
        self.policy = policy

    # --- lists --------------------------------------------------------------------------

    def lists(self, old_id: int, new_id: int, *, dry_run: bool = False) -> dict[str, Any]:
        old, new = self.app.snapshot(old_id), self.app.snapshot(new_id)
        if old.source != new.source:
            raise InvalidInput(
                f"snapshots {old_id} ({old.source}) and {new_id} ({new.source}) "
                "are of different lists",
                field="snapshots",
            )
        with self.app.engine.connect() as conn:
            before = digests(list_store.load_entries(conn, old_id))
            after = digests(list_store.load_entries(conn, new_id))
        diff = diff_entries(before, after)
        touched = set(diff.added) | set(diff.changed)
        affected: list[Affected] = []
        today = self.app.clock().date()
        for party in self.app.monitoring.find():
            query = build_query(party["name"], country=party["country"], type=party["type"])
            was = self.app.screen_snapshots(
                query, [old], as_of=today, limit=20, threshold=DEFAULT_THRESHOLD
            )
            now = self.app.screen_snapshots(
                query, [new], as_of=today, limit=20, threshold=DEFAULT_THRESHOLD
            )
            hits_new = [h for h in now if h.entry.id in touched]
            if hits_new:
                h = hits_new[0]
                state = "added" if h.entry.id in diff.added else "changed"
                affected.append(
                    Affected(
                        "counterparty",
                        party["id"],
                        f"{party['name']} ({party['exporter']})",
                        f"{len(was)} hit(s)",
                        f"{len(now)} hit(s)",
                        f"matches {h.entry.name!r} ({h.entry.id}, {state} in snapshot {new_id}, "
                        f"score {h.score:.2f})",
                        "alert",
                    )
                )
        current = {s.source: s for s in self.app.snapshots_in_force()}
        with_old = [s for s in current.values() if s.source != old.source] + [old]
        with_new = [s for s in current.values() if s.source != new.source] + [new]
        for licence in self._live_licences():
            a = self._verdict(licence, today, with_old)
            b = self._verdict(licence, today, with_new)
            if a != b:
                affected.append(
                    self._licence_affected(
                        licence, a, b, f"list {new.source} changed (snapshot {old_id} -> {new_id})"
                    )
                )
        acted = [] if dry_run else self._act(affected, f"list change {old_id}->{new_id}")
        return {
            "kind": "lists",
            "source": new.source,
            "from": old_id,
            "to": new_id,
            "entries": diff.to_dict(),
            "affected": [a.to_dict() for a in affected],
            "policy": self.policy,
            "actions": acted,
        }

    # --- regimes ------------------------------------------------------------------------

    def regime(
        self,
        regime_id: str,
        *,
        since: date | None = None,
        until: date | None = None,
        from_revision: str | None = None,
        to_revision: str | None = None,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        """Re-decide the regime's licences at two dates, or under two revisions."""
        regimes = self.app.decisions.regimes()
        if regime_id not in regimes:
            raise NotFound(f"no regime {regime_id!r}")
        if (since is None) != (until is None) or (since is None and from_revision is None):
            raise InvalidInput(
                "give --from/--to dates, or --from-revision/--to-revision", field="range"
            )
        old_regime = (
            self._revision(regime_id, from_revision) if from_revision else regimes[regime_id]
        )
        new_regime = self._revision(regime_id, to_revision) if to_revision else regimes[regime_id]
        today = self.app.clock().date()
        d0, d1 = since or today, until or today
        affected = []
        for licence in self._live_licences(regime_id):
            a = self._verdict(licence, d0, self.app.snapshots_in_force(d0), old_regime)
            b = self._verdict(licence, d1, self.app.snapshots_in_force(d1), new_regime)
            if a != b:
                what = (
                    f"{regime_id} {d0.isoformat()} -> {d1.isoformat()}"
                    if since
                    else f"{regime_id} revision {old_regime.revision} -> {new_regime.revision}"
                )
                affected.append(self._licence_affected(licence, a, b, what))
        label = (
            f"regime {regime_id} {d0}->{d1}"
            if since
            else f"regime {regime_id} {old_regime.digest}->{new_regime.digest}"
        )
        acted = [] if dry_run else self._act(affected, label)
        return {
            "kind": "regime",
            "regime": regime_id,
            "from": d0.isoformat() if since else old_regime.revision,
            "to": d1.isoformat() if until else new_regime.revision,
            "affected": [a.to_dict() for a in affected],
            "policy": self.policy,
            "actions": acted,
        }

    def _revision(self, regime_id: str, ref: str) -> Regime:
        for row in self.app.decisions.regime_revisions(regime_id):
            if row["digest"].startswith(ref) or row["revision"] == ref:
                with self.app.engine.connect() as conn:
                    from exportguard.store import decisions as decision_store

                    content = decision_store.revision_content(conn, row["digest"])
                assert content is not None
                return self.app.decisions._regime_from(content, f"stored:{regime_id}")
        raise NotFound(f"no stored revision {ref!r} of {regime_id}")

    # --- helpers --------------------------------------------------------------------------

    def _live_licences(self, regime_id: str | None = None) -> list[Licence]:
        return [lic for lic in self.app.licensing.find(regime=regime_id) if lic.state in LIVE]

    def _verdict(
        self,
        licence: Licence,
        on: date,
        snapshots: Sequence[Snapshot],
        regime: Regime | None = None,
    ) -> str:
        chosen = regime or self.app.decisions.regime(licence.regime)
        request = DecisionRequest(
            items=licence.items,
            destination=licence.destination,
            on=on,
            parties=(
                Party("end user", licence.end_user, licence.destination),
                *(Party("intermediary", p) for p in licence.parties),
            ),
            end_user_type=licence.end_user_type,
            end_use=licence.end_use,
            regimes=(licence.regime,),
        )
        return self.app.decisions._decide(request, [chosen], snapshots).verdict.label

    def _licence_affected(self, licence: Licence, old: str, new: str, what: str) -> Affected:
        kind = (
            "application"
            if licence.state in (State.DRAFT, State.SUBMITTED, State.UNDER_REVIEW)
            else "licence"
        )
        worse = more_restrictive(new, old)
        proposal = (
            "suspend"
            if worse and self.policy == "suspend" and licence.state is State.ISSUED
            else "review"
        )
        return Affected(
            kind,
            licence.id,
            f"{licence.exporter}: {', '.join(licence.items)} to "
            f"{licence.destination} ({licence.end_user}), {licence.state.value}",
            old,
            new,
            f"{what}: verdict {old} -> {new}",
            proposal,
        )

    def _act(self, affected: Sequence[Affected], origin: str) -> list[dict[str, Any]]:
        actions: list[dict[str, Any]] = []
        open_reviews = {(r["subject_id"], r["reason"]) for r in self.app.licensing.reviews()}
        for item in affected:
            if item.kind == "counterparty":
                continue  # the list import's monitoring raises the alerts
            reason = f"impact of {origin}: {item.reason}"
            if item.proposal == "suspend":
                self.app.licensing.transition(
                    item.id, Event.SUSPEND, reason=reason, data={"impact": origin}
                )
                actions.append({"id": item.id, "action": "suspended"})
            if (item.id, reason) not in open_reviews:
                with writing(self.app.engine) as conn:
                    review_id = cases.next_id(conn, "review", "V")
                    cases.add_review(
                        conn,
                        review_id=review_id,
                        subject_kind="licence",
                        subject_id=item.id,
                        origin="impact",
                        reason=reason,
                        at=self.app._now(),
                        actor=self.app.actor,
                        data=item.to_dict(),
                    )
                    self.app.audit.record(conn, "review-opened", review_id, item.to_dict())
                actions.append({"id": item.id, "action": "queued for review", "review": review_id})
        return actions
