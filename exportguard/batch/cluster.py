"""Batch screening on Dask: a local cluster of worker processes, or a running cluster.

``exportguard screen-batch --workers N`` starts a ``LocalCluster`` of N single-threaded
worker processes on this machine; ``--scheduler tcp://host:8786`` sends the same work to
an existing Dask cluster instead, so a large customer file scales out across machines
with no other change. Dask (rather than a hand-made process pool) gives both from one
code path, plus worker restarts and task retries on a real cluster.

How the work runs:

* The driver resolves which list snapshots are in force (``--as-of``) and sends their ids
  and content hashes with every chunk of ``CHUNK`` queries.
* Each worker process opens the store once (cached per database URL), checks that it
  sees exactly those snapshots, and loads their persisted indexes: milliseconds, not a
  rebuild. A worker that sees another store (a SQLite path that is not on a shared file
  system, an empty in-memory database) fails the run with a clear error instead of
  silently screening against nothing. A cluster on other machines therefore needs a
  database every worker can reach: PostgreSQL.
* Results come back in input order, so the output file is the same whatever the number
  of workers.

:class:`BookScreener` runs the screening step of a monitoring run the same way
(``services.rescreening``): the counterparties in chunks of :data:`BOOK_CHUNK`, the plan
(the changed entries of an incremental run) sent once to every worker, each worker
flagging those entries in its merged index once per plan. Workers only compute: the
service writes the alerts, hits and audit afterwards, in its own transaction.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from exportguard.core.hits import Hit
from exportguard.core.index import EntryMask
from exportguard.core.matching import Query
from exportguard.core.query_parts import screen_with_parts
from exportguard.core.rescreen import PartyRow, Plan, screen_book
from exportguard.core.snapshots import Snapshot
from exportguard.errors import ExportGuardError, InvalidInput, StoreMismatch

if TYPE_CHECKING:
    from exportguard.services import ExportGuard

CHUNK = 256
#: Counterparties per task of a monitoring run.
BOOK_CHUNK = 1000
#: Books smaller than this are screened in the service's process (a local cluster takes
#: seconds to start; 20,000 counterparties screen incrementally in about ten).
MIN_BOOK = 20_000
CONNECT_TIMEOUT = "10s"  # to reach a running scheduler
Expected = tuple[tuple[int, str], ...]  # (snapshot id, content hash) in force


def screen(
    database_url: str,
    queries: Sequence[Query],
    *,
    threshold: float,
    limit: int,
    as_of: date | None,
    workers: int,
    scheduler: str | None,
) -> Iterator[list[Hit]]:
    """Yield the hits of every query, in order, computed on Dask workers."""
    from exportguard.services import ExportGuard

    driver = ExportGuard(database_url)
    try:
        expected: Expected = tuple((s.id, s.content_hash) for s in driver.snapshots_in_force(as_of))
        on = as_of or driver.clock().date()  # entries in force today unless a date is given
    finally:
        driver.close()
    chunks = [list(queries[i : i + CHUNK]) for i in range(0, len(queries), CHUNK)]
    with _client(workers, scheduler) as client:
        futures = [
            client.submit(
                _screen_chunk,
                database_url,
                expected,
                chunk,
                threshold,
                limit,
                as_of,
                on,
                pure=False,
            )
            for chunk in chunks
        ]
        for future in futures:
            try:
                result: list[list[Hit]] = future.result()
            except StoreMismatch as exc:
                raise InvalidInput(str(exc), field="database") from None
            yield from result


def _client(workers: int, scheduler: str | None) -> Any:
    """A Dask client: to ``scheduler``, or to a new local cluster of ``workers`` processes."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            return Client(scheduler, timeout=CONNECT_TIMEOUT)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError) as exc:
            raise InvalidInput(
                f"cannot reach the Dask scheduler at {scheduler}: {exc}", field="scheduler"
            ) from None
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address="127.0.0.1:0",
        silence_logs=logging.ERROR,
    )
    return _Owned(Client(cluster), cluster)  # type: ignore[no-untyped-call]


class _Owned:
    """A client and the local cluster it owns, closed together."""

    def __init__(self, client: Any, cluster: Any) -> None:
        self.client, self.cluster = client, cluster

    def __enter__(self) -> Any:
        return self.client

    def __exit__(self, *exc: object) -> None:
        self.client.close()
        self.cluster.close()


class BookScreener:
    """The screening step of monitoring runs on Dask (``services.screeners.Screener``):
    ``workers`` local processes, or a running cluster at ``scheduler``; books under
    ``min_parties`` stay in the service's process."""

    def __init__(
        self,
        database_url: str,
        *,
        workers: int = 2,
        scheduler: str | None = None,
        min_parties: int = MIN_BOOK,
    ) -> None:
        if workers < 1:
            raise InvalidInput("must be at least 1", field="workers")
        self.database_url = database_url
        self.workers = workers
        self.scheduler = scheduler
        self.min_parties = min_parties

    def __call__(
        self, snapshots: Sequence[Snapshot], parties: Sequence[PartyRow], plan: Plan
    ) -> Iterator[tuple[int, list[tuple[str, list[Hit]]]]]:
        expected: Expected = tuple((s.id, s.content_hash) for s in snapshots)
        chunks = [list(parties[i : i + BOOK_CHUNK]) for i in range(0, len(parties), BOOK_CHUNK)]
        with _client(self.workers, self.scheduler) as client:
            shared = client.scatter(plan, broadcast=True)
            futures = [
                client.submit(_book_chunk, self.database_url, expected, shared, chunk, pure=False)
                for chunk in chunks
            ]
            for chunk, future in zip(chunks, futures, strict=True):
                try:
                    found: list[tuple[str, list[Hit]]] = future.result()
                except StoreMismatch as exc:
                    raise InvalidInput(str(exc), field="database") from None
                yield len(chunk), found


# --- on the worker -------------------------------------------------------------------------

_SERVICES: dict[str, ExportGuard] = {}
_LOCK = threading.Lock()


def _service(database_url: str) -> ExportGuard:
    """The worker's service for this store, opened once per process."""
    with _LOCK:
        found = _SERVICES.get(database_url)
        if found is None:
            from exportguard.services import ExportGuard

            found = _SERVICES[database_url] = ExportGuard(database_url)
        return found


def _screen_chunk(
    database_url: str,
    expected: Expected,
    queries: list[Query],
    threshold: float,
    limit: int,
    as_of: date | None,
    on: date,
) -> list[list[Hit]]:
    service = _service(database_url)
    snapshots = service.snapshots_in_force(as_of)
    seen = tuple((s.id, s.content_hash) for s in snapshots)
    if seen != expected:
        raise StoreMismatch(
            "a Dask worker does not see the same list snapshots as this process "
            f"(it sees {len(seen)}, expected {len(expected)}): every worker must reach "
            "the same database (use PostgreSQL for a cluster on other machines)"
        )
    index = service.merged_index(snapshots)

    def one(query: Query) -> list[Hit]:
        hits = screen_with_parts(
            query, lambda q: index.screen(q, threshold=threshold, limit=None, as_of=on)
        )
        return hits[:limit]

    return [one(q) for q in queries]


_MASKS: dict[tuple[tuple[int, ...], frozenset[tuple[str, str]]], EntryMask] = {}


def _book_chunk(
    database_url: str, expected: Expected, plan: Plan, parties: list[PartyRow]
) -> list[tuple[str, list[Hit]]]:
    service = _service(database_url)
    snapshots = []
    for snapshot_id, content_hash in expected:
        try:
            found = service.snapshot(snapshot_id)
        except ExportGuardError:
            found = None
        if found is None or found.content_hash != content_hash:
            raise StoreMismatch(
                f"a Dask worker does not see snapshot {snapshot_id} as this process does: "
                "every worker must reach the same database (use PostgreSQL for a cluster "
                "on other machines)"
            )
        snapshots.append(found)
    index = service.merged_index(snapshots)
    mask = None
    if plan.changed is not None:
        key = (tuple(sorted(s.id for s in snapshots)), plan.changed)
        with _LOCK:
            mask = _MASKS.get(key)
            if mask is None:
                if len(_MASKS) >= 2:
                    _MASKS.clear()
                mask = _MASKS[key] = index.entry_mask(plan.changed)
    return screen_book(index, parties, plan, mask)
