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
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from exportguard.core.index import Hit
from exportguard.core.matching import Query
from exportguard.core.query_parts import screen_with_parts
from exportguard.errors import InvalidInput, StoreMismatch

if TYPE_CHECKING:
    from exportguard.services import ExportGuard

CHUNK = 256
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
