"""The screening step of monitoring runs, a declared seam: a :class:`Screener` screens the
counterparty book as a run's plan says (``core.rescreen``), in this process
(:class:`LocalScreener`) or on Dask workers (``batch.cluster.BookScreener``, composed by
the CLI and the API from the settings: services never import batch)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from exportguard.core.index import Hit, NameIndex
from exportguard.core.rescreen import PartyRow, Plan, screen_book
from exportguard.core.snapshots import Snapshot

#: Counterparties per screening chunk (and progress step).
CHUNK = 500
#: What a screener yields per chunk: how many it screened, and the ones screened in full.
Screened = tuple[int, list[tuple[str, list[Hit]]]]
#: A progress callback: (counterparties screened so far, of how many).
Progress = Callable[[int, int], None]


class Screener(Protocol):
    """Screens a book against snapshots as a :class:`~exportguard.core.rescreen.Plan` says,
    yielding per chunk (how many were screened, [(id, hits) of those to write]).
    ``min_parties``: below this many counterparties the service screens in process
    instead (starting workers costs seconds)."""

    min_parties: int

    def __call__(
        self, snapshots: Sequence[Snapshot], parties: Sequence[PartyRow], plan: Plan
    ) -> Iterator[Screened]: ...


class Indexes(Protocol):
    """Where a :class:`LocalScreener` gets its index (``services.snapshots.Snapshots``)."""

    def merged_index(self, snapshots: Sequence[Snapshot]) -> NameIndex: ...


class LocalScreener:
    """:class:`Screener` in this process, on the service's cached indexes."""

    min_parties = 0

    def __init__(self, lists: Indexes) -> None:
        self.lists = lists

    def __call__(
        self, snapshots: Sequence[Snapshot], parties: Sequence[PartyRow], plan: Plan
    ) -> Iterator[Screened]:
        index = self.lists.merged_index(snapshots)
        mask = plan.mask(index)
        for i in range(0, len(parties), CHUNK):
            chunk = parties[i : i + CHUNK]
            yield len(chunk), screen_book(index, chunk, plan, mask)
