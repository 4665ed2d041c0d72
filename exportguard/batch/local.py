"""Screen a CSV of parties: in this process, or on Dask workers (``batch.cluster``).

The CSV format is ``core.screening_csv``. Input rows are validated up front: a bad row
stops the run before anything is written, with its line number; the output is written to
a temporary file and moved into place.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from exportguard.core.hits import Hit
from exportguard.core.screening_csv import Row, parse_input, write_rows
from exportguard.errors import InvalidInput, SourceFormatError

if TYPE_CHECKING:
    from exportguard.services import ExportGuard

CHUNK = 256


def read_input(path: Path) -> list[Row]:
    """Read and validate the input CSV file; every bad row is reported with its line."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}", field="input") from exc
    except UnicodeDecodeError as exc:
        raise SourceFormatError("not UTF-8 text", file=str(path), line=1) from exc
    return parse_input(text, str(path))


def run(
    service: ExportGuard,
    rows: Sequence[Row],
    output: Path,
    *,
    threshold: float,
    limit: int,
    as_of: date | None,
    workers: int = 1,
    scheduler: str | None = None,
    progress: bool = False,
) -> int:
    """Screen ``rows`` and write the output CSV atomically; returns lines written.

    One worker and no scheduler: in this process. Otherwise on Dask (see ``cluster``).
    """
    if workers < 1:
        raise InvalidInput("must be at least 1", field="workers")
    results: Iterable[list[Hit]]
    if workers == 1 and scheduler is None:
        results = _screen_local(service, rows, threshold, limit, as_of)
    else:
        from exportguard.batch import cluster

        results = cluster.screen(
            service.database_url,
            [r.query for r in rows],
            threshold=threshold,
            limit=limit,
            as_of=as_of,
            workers=workers,
            scheduler=scheduler,
        )
    if progress:
        from rich.progress import track

        results = track(results, total=len(rows), description="screening", transient=True)
    return write_output(output, zip(rows, results, strict=True))


def write_output(output: Path, pairs: Iterable[tuple[Row, list[Hit]]]) -> int:
    """Write hits as CSV to a temporary file, then move it into place."""
    output.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    fd, tmp = tempfile.mkstemp(dir=output.parent, prefix=".screen-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            written = write_rows(csv.writer(handle), pairs)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return written


def _screen_local(
    service: ExportGuard, rows: Sequence[Row], threshold: float, limit: int, as_of: date | None
) -> Iterator[list[Hit]]:
    for _, hits in service.screen_many(
        ((r.id, r.query) for r in rows), as_of=as_of, limit=limit, threshold=threshold
    ):
        yield hits
