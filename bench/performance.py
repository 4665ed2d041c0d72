"""Speed and size of screening with every list loaded.

Run: ``make bench-performance`` (or ``.venv/bin/python bench/performance.py``; parts 1
and 2 alone with ``--imports-only`` and ``--latency-only``, 4-6 with ``--service-only``;
to compare two commits, run it from ``bench/`` with ``PYTHONPATH`` set to each
checkout). Measures,
on this machine, with the largest snapshot of every list in ../shared/data/lists:

1. import time per list into a fresh SQLite store (parse, index build, store write),
   and the stored index size;
2. single-query latency in process on one core (p50, p99) over a mixed query set: names
   from the lists with typos, reorderings and other perturbations, cross-script names,
   and non-listed names (the accuracy evaluation's queries);
3. the same queries through the brute-force baseline (rapidfuzz ``cdist`` WRatio over
   every name), for the speed ratio;
4. a recorded screening (``ExportGuard.screen``, its audit record written) beside the
   same screening not recorded and the index match alone, query by query in turn;
5. batch throughput (``screen-batch``): one worker (in process), two and four (a local Dask
   cluster; its start-up and the workers' index loads are included in the time) over
   ``--batch-rows`` distinct names, each on the whole batch and on its first half: the
   difference over the other half's rows is the cost per name once the workers are up;
6. a one-off ``exportguard screen`` command, start to finish (median of 5 runs).

No figure here is asserted by a test; BENCHMARKS.md records them.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from accuracy import Brute, build_cases, negatives
from common import LARGEST, LISTS, OUT, files, load_all, machine

from exportguard.core.entities import ListEntry
from exportguard.core.index import NameIndex
from exportguard.core.queries import make_query
from exportguard.services import ExportGuard

ROOT = Path(__file__).resolve().parents[1]
EXE = ROOT / ".venv" / "bin" / "exportguard"
#: The environment of the commands timed: as a user's, with Python's bytecode cache on
#: (this sandbox sets PYTHONDONTWRITEBYTECODE, which would recompile every module per run).
USER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def mixed_queries(entries: list[ListEntry], count: int, seed: int) -> list[str]:
    """``count`` distinct queries, shuffled: three in four built from listed names (the
    accuracy evaluation's kinds: typos, reorderings, other scripts ...) and one in four
    non-listed names (Faker, 20 locales). Another ``seed`` gives another set, so a warm-up
    never runs the queries then timed (the matcher memoises name scores)."""
    rng = random.Random(seed)
    cases, _, _ = build_cases(entries, count // 10 + 1, seed=seed)
    listed = {n for e in entries for n in e.names()}
    positives = list(dict.fromkeys(c.query for c in cases if c.query))
    rng.shuffle(positives)
    unlisted = negatives(count // 4 + 1, listed, seed=seed)
    picked = positives[: count - count // 4] + unlisted[: count // 4]
    rng.shuffle(picked)
    return picked


def import_times(db_url: str) -> list[dict[str, object]]:
    rows = []
    service = ExportGuard(db_url)
    for name, paths in LARGEST.items():
        data = files(paths)
        started = time.perf_counter()
        report = service.import_files(data)
        elapsed = time.perf_counter() - started
        (result,) = report.results
        index = service.index(result.snapshot.id)
        rows.append({
            "list": name, "entries": result.snapshot.counts.get("entries"),
            "names": len(index), "seconds": round(elapsed, 3),
            "index_mb": round(len(index.to_bytes()) / 2**20, 2),
        })  # fmt: skip
        print(f"  import {name}: {elapsed:.2f}s", file=sys.stderr)
    service.close()
    return rows


def latency(index: NameIndex, queries: list[str], warm: list[str]) -> dict[str, float]:
    """p50, p99 and mean milliseconds of ``index.screen`` per query, after screening the
    ``warm`` queries (others than those timed) the way a running service is warm."""
    made = [make_query(q) for q in queries]
    for q in warm:
        index.screen(make_query(q), threshold=0.8, limit=10)
    gc.collect()
    gc.freeze()
    times = []
    for q in made:
        started = time.perf_counter()
        index.screen(q, threshold=0.8, limit=10)
        times.append(time.perf_counter() - started)
    times.sort()
    return {
        "queries": len(times),
        "p50_ms": round(1000 * times[len(times) // 2], 3),
        "p99_ms": round(1000 * times[int(len(times) * 0.99)], 3),
        "mean_ms": round(1000 * statistics.fmean(times), 3),
    }


def brute_latency(brute: Brute, queries: list[str]) -> dict[str, float]:
    times = []
    for q in queries:
        started = time.perf_counter()
        brute.top(q, 10)
        times.append(time.perf_counter() - started)
    times.sort()
    return {
        "queries": len(times),
        "p50_ms": round(1000 * times[len(times) // 2], 3),
        "p99_ms": round(1000 * times[int(len(times) * 0.99)], 3),
    }


def recorded(
    service: ExportGuard, index: NameIndex, queries: list[str], warm: list[str]
) -> dict[str, float]:
    """Mean milliseconds per query of the index match alone, the service's screening not
    recorded (snapshot choice, entry details, result) and recorded (its audit record
    written in one transaction), taken in turn query by query (each on a third of the
    queries, after ``warm``-up elsewhere) so load falls on all three alike."""
    for text in warm:
        service.screen(text, record=False)
    match: list[float] = []
    plain: list[float] = []
    written: list[float] = []
    for n, text in enumerate(queries):
        # Each mode on its own third of the queries, in turn: every query is screened once,
        # so none is timed with its name scores already memoised by another mode.
        started = time.perf_counter()
        if n % 3 == 0:
            index.screen(make_query(text), threshold=0.86, limit=10)
            match.append(time.perf_counter() - started)
        elif n % 3 == 1:
            service.screen(text, record=False)
            plain.append(time.perf_counter() - started)
        else:
            service.screen(text)
            written.append(time.perf_counter() - started)
    means = {k: 1000 * statistics.fmean(v) for k, v in
             (("match", match), ("screen", plain), ("recorded", written))}  # fmt: skip
    return {
        "queries": len(queries),
        "match_mean_ms": round(means["match"], 3),
        "screen_mean_ms": round(means["screen"], 3),
        "recorded_mean_ms": round(means["recorded"], 3),
        "audit_write_ms": round(means["recorded"] - means["screen"], 3),
    }


def batch_scaling(db_url: str, queries: list[str], workers: int) -> dict[str, float]:
    """:func:`batch` on all ``queries`` and on their first half: the whole run's rows per
    second, and the cost per name once started (the time the second half adds)."""
    whole = batch(db_url, queries, workers)
    half = batch(db_url, queries[: len(queries) // 2], workers)
    extra = whole["seconds"] - half["seconds"]
    rows = len(queries) - len(queries) // 2
    return {
        **whole,
        "half_seconds": half["seconds"],
        "ms_per_name_started": round(1000 * extra / rows, 2) if extra > 0 else float("nan"),
        "names_per_second_started": round(rows / extra, 1) if extra > 0 else float("nan"),
    }


def batch(db_url: str, queries: list[str], workers: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.csv"
        import csv

        with source.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "name"])
            writer.writerows([i, q] for i, q in enumerate(queries))
        started = time.perf_counter()
        subprocess.run(
            [
                str(EXE),
                "--db",
                db_url,
                "screen-batch",
                str(source),
                "-o",
                str(Path(tmp) / "out.csv"),
                "--workers",
                str(workers),
            ],
            check=True,
            capture_output=True,
            env=USER_ENV,
        )
        elapsed = time.perf_counter() - started
    return {
        "rows": len(queries),
        "workers": workers,
        "seconds": round(elapsed, 3),
        "rows_per_second": round(len(queries) / elapsed, 1),
    }


def one_off(db_url: str) -> dict[str, float]:
    """A whole ``exportguard screen`` process, as a user runs it (:data:`USER_ENV`), after
    one untimed run that writes the bytecode cache."""
    env = USER_ENV
    command = [str(EXE), "--db", db_url, "screen", "NSO Group"]
    subprocess.run(command, check=True, capture_output=True, env=env)
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, env=env)
        runs.append(time.perf_counter() - started)
    imports = subprocess.run(
        [
            sys.executable,
            "-c",
            "import time; t=time.perf_counter(); import exportguard.cli; "
            "print(time.perf_counter()-t)",
        ],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return {
        "median_s": round(statistics.median(runs), 3),
        "min_s": round(min(runs), 3),
        "import_s": round(float(imports.stdout), 3),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--batch-rows", type=int, default=5000)
    parser.add_argument(
        "--latency-only",
        action="store_true",
        help="only part 2 (single-query latency), on an index built in memory",
    )
    parser.add_argument(
        "--imports-only",
        action="store_true",
        help="only part 1 (each list's import into a fresh SQLite store)",
    )
    parser.add_argument(
        "--service-only",
        action="store_true",
        help="only parts 4-6 (recorded screening, batch, one-off) on a store of every list",
    )
    parser.add_argument(
        "--no-batch",
        action="store_true",
        help="leave out part 5 (batch throughput: minutes on a slow VM)",
    )
    args = parser.parse_args(argv)
    assert LISTS.is_dir(), LISTS
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if args.latency_only:
        print(json.dumps(latency_only(args.queries), indent=1))
        return
    if args.imports_only:
        with tempfile.TemporaryDirectory() as tmp:
            imports = import_times(f"sqlite:///{tmp}/bench.db")
        print(json.dumps({"machine": machine(), "imports": imports}, indent=1))
        return
    results: dict[str, object] = {"machine": machine()}
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/bench.db"
        results["imports"] = import_times(db_url)
        service = ExportGuard(db_url)
        index = service.merged_index(service.snapshots_in_force())
        lists = load_all()
        entries = [e for parsed in lists.values() for e in parsed.entries]
        queries = mixed_queries(entries, args.queries, seed=7)
        warm = mixed_queries(entries, 200, seed=9)
        results["index"] = {
            "names": len(index),
            "snapshots": len(index.snapshot_ids),
            "memory_mb": round(_index_bytes(index) / 2**20, 1),
        }
        if not args.service_only:
            results["latency"] = latency(index, queries, warm)
            print(f"  latency: {results['latency']}", file=sys.stderr)
            brute = Brute(entries)
            results["brute_force"] = brute_latency(brute, queries[:300])
        results["recorded"] = recorded(service, index, queries[:600], warm)
        print(f"  recorded: {results['recorded']}", file=sys.stderr)
        # Distinct names, none run before (a repeated name is scored from the memo).
        if not args.no_batch:
            rows = mixed_queries(entries, args.batch_rows, seed=8)
            results["batch"] = [batch_scaling(db_url, rows, w) for w in (1, 2, 4)]
            print(f"  batch: {results['batch']}", file=sys.stderr)
        results["one_off"] = one_off(db_url)
        service.close()
    OUT.mkdir(exist_ok=True)
    (OUT / "performance.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(json.dumps(results, indent=1, ensure_ascii=False))


def latency_only(count: int) -> dict[str, object]:
    """Part 2 alone: the same queries as a full run, on every list indexed in memory."""
    lists = load_all()
    entries = [e for parsed in lists.values() for e in parsed.entries]
    index = NameIndex.build(1, entries)
    queries = mixed_queries(entries, count, seed=7)
    warm = mixed_queries(entries, 200, seed=9)
    return {"machine": machine(), "latency": latency(index, queries, warm)}


def _index_bytes(index: NameIndex) -> int:
    total = 0
    for name in index.__slots__:
        value = getattr(index, name, None)
        if isinstance(value, np.ndarray):
            total += value.nbytes
        elif hasattr(value, "data") and hasattr(value, "offsets"):
            total += len(value.data) + value.offsets.nbytes
    return total


if __name__ == "__main__":
    main()
