"""Screening a whole book of counterparties, in full or against what changed (pure).

A monitoring run screens every counterparty of the book. After a list update most of the
book cannot have changed: a counterparty's hits on entries that did not change score the
same (token weights are shipped, not computed from the lists loaded). So an incremental
run looks, for each counterparty, only at the entries added, changed or come into force
since the book was last screened (:attr:`Plan.changed`), and only a counterparty with a
hit there, or one the caller forces (its remembered hits point at a removed or changed
entry), is screened again in full and handed back for the alert logic.

The changed entries are found as a full screening finds them: the candidate cuts
(retrieval and re-ranking, ``core.index``) are made over the names of every snapshot in
force, and only then narrowed to the changed entries (``NameIndex.screen(only=...)``),
so a counterparty has a hit on a changed entry here exactly when a full screening gives
it one. (A separate small index of the changed entries alone would cut differently: with
few names in it, every name sharing a key with the query gets scored, which costs more
and finds what the full screening's cuts would not.)

:func:`screen_book` runs in this process (``services.rescreening``) and on Dask workers
(``batch.cluster``) alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from exportguard.core.hits import Hit
from exportguard.core.index import EntryMask, NameIndex
from exportguard.core.queries import build_query
from exportguard.core.query_parts import screen_with_parts
from exportguard.core.thresholds import DEFAULT_THRESHOLD

#: A counterparty as screened: (id, name, country code or None, entity type or None).
PartyRow = tuple[str, str, str | None, str | None]

#: Hits remembered per counterparty and run (the best first).
HITS_KEPT = 20


@dataclass(frozen=True, slots=True)
class Plan:
    """What a run screens against and how.

    ``as_of``: the day entries must be in force on; ``changed``: (source, entry id) of the
    entries to look at, or None to screen every counterparty in full; ``forced``: ids of
    counterparties screened in full whatever ``changed`` says.
    """

    as_of: date
    threshold: float = DEFAULT_THRESHOLD
    limit: int = HITS_KEPT
    changed: frozenset[tuple[str, str]] | None = None
    forced: frozenset[str] = field(default_factory=frozenset)

    @property
    def incremental(self) -> bool:
        return self.changed is not None

    def mask(self, index: NameIndex) -> EntryMask | None:
        """The index's flags of the changed entries (None in a full run)."""
        return None if self.changed is None else index.entry_mask(self.changed)


def screen_book(
    index: NameIndex, parties: Iterable[PartyRow], plan: Plan, mask: EntryMask | None = None
) -> list[tuple[str, list[Hit]]]:
    """(id, every hit, best first) of the counterparties that need the alert logic: all of
    them in a full run (``mask`` None); in an incremental run, those with a hit on a
    flagged entry and those in ``plan.forced``. Names are screened whole and by their
    parts (``core.query_parts``). Raises :class:`~exportguard.errors.InvalidInput` for a
    row that is no screenable name (stored rows were validated when added)."""
    out: list[tuple[str, list[Hit]]] = []
    threshold, on = plan.threshold, plan.as_of
    for party_id, name, country, entity_type in parties:
        query = build_query(name, country=country, type=entity_type, threshold=threshold)
        if mask is not None and party_id not in plan.forced:
            changed = screen_with_parts(
                query, lambda q: index.screen(q, threshold=threshold, as_of=on, only=mask)
            )
            if not changed:
                continue
        hits = screen_with_parts(query, lambda q: index.screen(q, threshold=threshold, as_of=on))
        out.append((party_id, hits[: plan.limit]))
    return out
