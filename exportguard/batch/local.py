"""Screen a CSV of parties: in this process, or on Dask workers (``batch.cluster``).

Input: a header with ``id`` and ``name``, optionally ``country`` and ``type``. Output: a
header, then one row per hit (``id, rank, score, entity_id, source, list_name,
matched_name`` and more); a row with no hit appears once with empty hit columns. Input
rows are validated up front: a bad row stops the run before anything is written, with its
line number.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exportguard.core.index import Hit, build_query
from exportguard.core.matching import Query
from exportguard.errors import FieldError, InvalidInput, SourceFormatError

if TYPE_CHECKING:
    from exportguard.services import ExportGuard

OUTPUT_COLUMNS = ("id", "query_name", "rank", "score", "entity_id", "source", "list_name",
                  "matched_name", "name", "type", "programs", "snapshot_id", "listed_from",
                  "listed_until")  # fmt: skip
CHUNK = 256


@dataclass(frozen=True, slots=True)
class Row:
    id: str
    name: str
    query: Query


def read_input(path: Path) -> list[Row]:
    """Read and validate the input CSV file; every bad row is reported with its line."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}", field="input") from exc
    except UnicodeDecodeError as exc:
        raise SourceFormatError("not UTF-8 text", file=str(path), line=1) from exc
    return parse_input(text, str(path))


#: The longest name a row may give (as the API's screening request).
MAX_NAME = 500


def _records(reader: csv.DictReader[str], name: str) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows with their line numbers; a CSV the csv module cannot read (a field over its
    131,072-character limit, a broken quote) is a :class:`SourceFormatError` at its line."""
    try:
        for record in reader:
            yield reader.line_num, record
    except csv.Error as exc:
        raise SourceFormatError(str(exc), file=name, line=reader.line_num) from None


def parse_input(text: str, name: str) -> list[Row]:
    """Validate CSV text with ``id,name[,country,type]``; all bad rows at once."""

    reader = csv.DictReader(text.removeprefix("\ufeff").splitlines())
    header = reader.fieldnames or []
    missing = [c for c in ("id", "name") if c not in header]
    if missing:
        raise SourceFormatError(
            f"missing column(s): {', '.join(missing)} (header: {','.join(header)})",
            file=name,
            line=1,
            field=missing[0],
        )
    rows: list[Row] = []
    problems: list[FieldError] = []
    seen: set[str] = set()
    for line, record in _records(reader, name):
        values = [v for v in record.values() if isinstance(v, str)]
        if any("\x00" in v for v in values):
            problems.append(FieldError(f"line {line}", "must not contain NUL characters"))
            continue
        if len(record.get("name") or "") > MAX_NAME:
            problems.append(FieldError(f"line {line}: name", f"longer than {MAX_NAME} characters"))
            continue
        key = (record.get("id") or "").strip()
        if not key:
            problems.append(FieldError(f"line {line}: id", "must not be empty"))
            continue
        if key in seen:
            problems.append(FieldError(f"line {line}: id", f"duplicate id {key!r}"))
            continue
        seen.add(key)
        try:
            query = build_query(
                record.get("name") or "",
                country=record.get("country") or None,
                type=(record.get("type") or None),
            )
        except InvalidInput as exc:
            problems.extend(FieldError(f"line {line}: {e.field}", e.message) for e in exc.errors)
            continue
        rows.append(Row(key, record["name"], query))
    if problems:
        raise InvalidInput(problems[:50])
    if not rows:
        raise SourceFormatError("no rows to screen", file=name, line=2)
    return rows


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


def write_rows(writer: Any, pairs: Iterable[tuple[Row, list[Hit]]]) -> int:
    """The header, then one row per hit (a query with none appears once, hit columns empty)."""
    writer.writerow(OUTPUT_COLUMNS)
    written = 0
    for row, hits in pairs:
        if not hits:
            writer.writerow([row.id, row.name] + [""] * (len(OUTPUT_COLUMNS) - 2))
            written += 1
        for rank, hit in enumerate(hits, 1):
            e = hit.entry
            writer.writerow(
                [
                    row.id,
                    row.name,
                    rank,
                    f"{hit.score:.4f}",
                    e.id,
                    e.source,
                    e.list_name,
                    hit.matched_name,
                    e.name,
                    e.type.value,
                    "; ".join(e.programs),
                    hit.snapshot_id,
                    e.listed_from.isoformat() if e.listed_from else "",
                    e.listed_until.isoformat() if e.listed_until else "",
                ]
            )
            written += 1
    return written


def _screen_local(
    service: ExportGuard, rows: Sequence[Row], threshold: float, limit: int, as_of: date | None
) -> Iterator[list[Hit]]:
    for _, hits in service.screen_many(
        ((r.id, r.query) for r in rows), as_of=as_of, limit=limit, threshold=threshold
    ):
        yield hits
