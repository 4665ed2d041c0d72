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
from typing import TYPE_CHECKING

from exportguard.core.decide import DecisionRequest, Party
from exportguard.core.impact import (
    Affected,
    EntryDiff,
    ImpactAction,
    ImportImpactJson,
    ListImpactJson,
    RegimeImpactJson,
    more_restrictive,
)
from exportguard.core.index import build_query
from exportguard.core.licensing import Event, Licence, State
from exportguard.core.regimes import Regime
from exportguard.core.review_records import ReviewOrigin, SubjectKind
from exportguard.core.snapshots import Snapshot
from exportguard.core.thresholds import DEFAULT_THRESHOLD
from exportguard.errors import InvalidInput, NotFound
from exportguard.store import cases
from exportguard.store import reviews as review_store
from exportguard.store.engine import writing

if TYPE_CHECKING:
    from exportguard.services.audit import AuditWriter
    from exportguard.services.context import Context
    from exportguard.services.decisions import Decisions
    from exportguard.services.licensing import Licensing
    from exportguard.services.monitoring import Monitoring
    from exportguard.services.screening import Screening
    from exportguard.services.snapshots import Snapshots

POLICIES = ("review", "suspend")
#: Licences in these states are looked at by an impact analysis.
LIVE = (State.SUBMITTED, State.UNDER_REVIEW, State.ISSUED, State.SUSPENDED, State.DRAFT)


class Impact:
    """Impact analysis, reached as ``ExportGuard.impact``."""

    def __init__(
        self,
        ctx: Context,
        *,
        audit: AuditWriter,
        snapshots: Snapshots,
        screening: Screening,
        decisions: Decisions,
        licensing: Licensing,
        monitoring: Monitoring,
        policy: str = "review",
    ) -> None:
        if policy not in POLICIES:
            raise InvalidInput(f"must be one of {', '.join(POLICIES)}", field="impact_policy")
        self.ctx = ctx
        self.audit = audit
        self.snapshots = snapshots
        self.screening = screening
        self.decisions = decisions
        #: licences to look at, and to suspend or put under review (``policy``)
        self.licensing = licensing
        #: the counterparties a list change may hit
        self.monitoring = monitoring
        self.policy = policy

    # --- lists --------------------------------------------------------------------------

    def lists(self, old_id: int, new_id: int, *, dry_run: bool = False) -> ListImpactJson:
        """What moving one list from snapshot ``old_id`` to ``new_id`` touches: counterparties
        that now hit an added or changed entry, or whose hit was removed (delisted: the
        import resolves its alert), and live licences and applications
        (:meth:`_licences`). Raises :class:`NotFound`, and :class:`InvalidInput` for
        snapshots of two lists."""
        old, new = self.snapshots.snapshot(old_id), self.snapshots.snapshot(new_id)
        if old.source != new.source:
            raise InvalidInput(
                f"snapshots {old_id} ({old.source}) and {new_id} ({new.source}) "
                "are of different lists",
                field="snapshots",
            )
        diff = self.snapshots.entry_delta(old_id, new_id)
        touched = set(diff.added) | set(diff.changed)
        removed = set(diff.removed)
        affected: list[Affected] = []
        today = self.ctx.today()
        for party in self.monitoring.find():
            query = build_query(party.name, country=party.country, type=party.type)
            was = self.screening.screen_snapshots(
                query, [old], as_of=today, limit=20, threshold=DEFAULT_THRESHOLD
            )
            now = self.screening.screen_snapshots(
                query, [new], as_of=today, limit=20, threshold=DEFAULT_THRESHOLD
            )
            hits_new = [h for h in now if h.entry.id in touched]
            gone = [h for h in was if h.entry.id in removed]
            if gone and not hits_new:
                h = gone[0]
                affected.append(
                    Affected(
                        "counterparty", party.id, f"{party.name} ({party.exporter})",
                        f"{len(was)} hit(s)", f"{len(now)} hit(s)",
                        f"its hit {h.entry.name!r} ({h.entry.id}) is no longer on the list "
                        f"in snapshot {new_id}: delisted",
                        "delisted",
                    )
                )  # fmt: skip
            if hits_new:
                h = hits_new[0]
                state = "added" if h.entry.id in diff.added else "changed"
                affected.append(
                    Affected(
                        "counterparty",
                        party.id,
                        f"{party.name} ({party.exporter})",
                        f"{len(was)} hit(s)",
                        f"{len(now)} hit(s)",
                        f"matches {h.entry.name!r} ({h.entry.id}, {state} in snapshot {new_id}, "
                        f"score {h.score:.2f})",
                        "alert",
                    )
                )
        affected += self._licences(old, new, diff)
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

    def on_import(self, previous: Snapshot | None, new: Snapshot) -> ImportImpactJson:
        """Run by every import, for each snapshot that became the one in force for its
        list: the live licences and applications it moves (:meth:`_licences`), acted on
        under the policy. ``previous`` is the snapshot in force before (None: the list is
        new to the store, and every entry counts as added). Counterparties are re-screened
        by the import itself (``Monitoring.rescreen``). Returns the same shape as
        :meth:`lists`."""
        diff = self.snapshots.entry_delta(previous.id if previous else None, new.id)
        affected = self._licences(previous, new, diff)
        origin = f"list import {previous.id if previous else 'none'}->{new.id} ({new.source})"
        acted = self._act(affected, origin)
        return {
            "kind": "lists",
            "source": new.source,
            "from": previous.id if previous else None,
            "to": new.id,
            "entries": {k: len(v) for k, v in diff.to_dict().items()},
            "affected": [a.to_dict() for a in affected],
            "policy": self.policy,
            "actions": acted,
        }

    def _licences(self, old: Snapshot | None, new: Snapshot, diff: EntryDiff) -> list[Affected]:
        """Live licences and applications (expired ones excluded) that the list's move from
        ``old`` to ``new`` touches: the decision of today changes verdict, or a party (end
        user, intermediary) now matches an entry added or changed in ``new`` at the default
        threshold, even where the verdict stays (it may already be "refer")."""
        today = self.ctx.today()
        current = [s for s in self.snapshots.snapshots_in_force() if s.source != new.source]
        with_old = current + ([old] if old is not None else [])
        with_new = [*current, new]
        touched = set(diff.added) | set(diff.changed)
        what = (
            f"list {new.source} changed (snapshot {old.id} -> {new.id})"
            if old is not None
            else f"list {new.source} imported (snapshot {new.id})"
        )
        affected = []
        for licence, state in self._live_licences():
            a = self._verdict(licence, today, with_old)
            b = self._verdict(licence, today, with_new)
            matches = self._new_matches(licence, new, diff, touched, today) if touched else []
            if a != b or matches:
                affected.append(self._licence_affected(licence, state, a, b, what, matches))
        return affected

    def _new_matches(
        self, licence: Licence, new: Snapshot, diff: EntryDiff, touched: set[str], today: date
    ) -> list[str]:
        """The licence's parties that match an added or changed entry of ``new``, in words."""
        parties: list[tuple[str, str, str | None]] = [
            ("end user", licence.end_user, licence.destination)
        ]
        parties += [("intermediary", name, None) for name in licence.parties]
        found = []
        for role, name, country in parties:
            query = build_query(name, country=country)
            hits = self.screening.screen_snapshots(
                query, [new], as_of=today, limit=None, threshold=DEFAULT_THRESHOLD
            )
            for h in hits:
                if h.entry.id in touched:
                    how = "added" if h.entry.id in diff.added else "changed"
                    found.append(
                        f"{role} {name!r} matches {h.entry.name!r} ({h.entry.source} "
                        f"{h.entry.id}, {how} in snapshot {new.id}, score {h.score:.2f})"
                    )
                    break
        return found

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
    ) -> RegimeImpactJson:
        """Re-decide the regime's licences at two dates, or under two revisions."""
        regimes = self.decisions.regimes()
        if regime_id not in regimes:
            raise NotFound(f"no regime {regime_id!r}")
        if (since is None) != (until is None) or (since is None and from_revision is None):
            raise InvalidInput(
                "give --from/--to dates, or --from-revision/--to-revision", field="range"
            )
        if since is not None and until is not None and until < since:
            raise InvalidInput(
                f"to {until} is before from {since}: the later date comes second", field="to"
            )
        old_regime = (
            self._revision(regime_id, from_revision) if from_revision else regimes[regime_id]
        )
        new_regime = self._revision(regime_id, to_revision) if to_revision else regimes[regime_id]
        today = self.ctx.today()
        d0, d1 = since or today, until or today
        affected = []
        for licence, state in self._live_licences(regime_id):
            a = self._verdict(licence, d0, self.snapshots.snapshots_in_force(d0), old_regime)
            b = self._verdict(licence, d1, self.snapshots.snapshots_in_force(d1), new_regime)
            if a != b:
                what = (
                    f"{regime_id} {d0.isoformat()} -> {d1.isoformat()}"
                    if since
                    else f"{regime_id} revision {old_regime.revision} -> {new_regime.revision}"
                )
                affected.append(self._licence_affected(licence, state, a, b, what))
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
        for row in self.decisions.regime_revisions(regime_id):
            if row.digest.startswith(ref) or row.revision == ref:
                with self.ctx.engine.connect() as conn:
                    from exportguard.store import decisions as decision_store

                    content = decision_store.revision_content(conn, row.digest)
                assert content is not None
                return self.decisions.regime_from_text(content, f"stored:{regime_id}")
        raise NotFound(f"no stored revision {ref!r} of {regime_id}")

    # --- helpers --------------------------------------------------------------------------

    def _live_licences(self, regime_id: str | None = None) -> list[tuple[Licence, State]]:
        """Licences and applications live today, each with its state today: a licence
        past its validity is expired, whatever its last event says, and is left out."""
        today = self.ctx.today()
        live = []
        for licence in self.licensing.find(regime=regime_id):
            if licence.state not in LIVE:
                continue
            state = self.licensing.state_on(licence.id, today)
            if state in LIVE:
                live.append((licence, state))
        return live

    def _verdict(
        self,
        licence: Licence,
        on: date,
        snapshots: Sequence[Snapshot],
        regime: Regime | None = None,
    ) -> str:
        chosen = regime or self.decisions.regime(licence.regime)
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
        return self.decisions.decide_on(request, [chosen], snapshots).verdict.label

    def _licence_affected(
        self,
        licence: Licence,
        state: State,
        old: str,
        new: str,
        what: str,
        matches: Sequence[str] = (),
    ) -> Affected:
        kind = (
            "application"
            if state in (State.DRAFT, State.SUBMITTED, State.UNDER_REVIEW)
            else "licence"
        )
        worse = more_restrictive(new, old) or bool(matches)
        proposal = (
            "suspend" if worse and self.policy == "suspend" and state is State.ISSUED else "review"
        )
        reasons = ([f"verdict {old} -> {new}"] if old != new else []) + list(matches)
        return Affected(
            kind,
            licence.id,
            f"{licence.exporter}: {', '.join(licence.items)} to "
            f"{licence.destination} ({licence.end_user}), {state.value}",
            old,
            new,
            f"{what}: {'; '.join(reasons)}",
            proposal,
        )

    def _act(self, affected: Sequence[Affected], origin: str) -> list[ImpactAction]:
        actions: list[ImpactAction] = []
        open_reviews = {(r.subject_id, r.reason) for r in self.licensing.reviews()}
        for item in affected:
            if item.kind == "counterparty":
                continue  # the list import's monitoring raises the alerts
            reason = f"impact of {origin}: {item.reason}"
            if item.proposal == "suspend":
                self.licensing.transition(
                    item.id, Event.SUSPEND, reason=reason, data={"impact": origin}
                )
                actions.append({"id": item.id, "action": "suspended"})
            if (item.id, reason) not in open_reviews:
                with writing(self.ctx.engine) as conn:
                    review_id = cases.next_id(conn, "review", "V")
                    review_store.add_review(
                        conn,
                        review_id=review_id,
                        subject_kind=SubjectKind.LICENCE,
                        subject_id=item.id,
                        origin=ReviewOrigin.IMPACT,
                        reason=reason,
                        at=self.ctx.now(),
                        actor=self.ctx.actor,
                        data=item.to_dict(),
                    )
                    self.audit.record(conn, "review-opened", review_id, item.to_dict())
                actions.append({"id": item.id, "action": "queued for review", "review": review_id})
        return actions
