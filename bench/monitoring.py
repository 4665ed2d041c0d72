"""Monitoring at scale (issue 16, fault 7): bulk import of a counterparty book, and the
re-screen of the whole book after a daily list update, in process and on Dask.

For each book size: a fresh SQLite store; the OFAC SDN file of 2022-02-17 imported; the
book imported from CSV (timed); then the SDN file of 2022-03-31 imported (792 added, 1
removed, 33 changed), timing the monitoring run it triggers, once in process and once per
Dask worker count (a local cluster started for the run, its start-up included), each from
a copy of the same store. The book: Faker names (persons and companies, 12 locales, seed
16) with ~1% real listed names (half listed in February, half added in March, so alerts
fire), spread over 20 exporters, each row with its own reference.

The baseline: the full re-screen of a 2,000-party sample, with this code (``full=True``)
and with the code at ``--before`` (a checkout of the code before this change, run in a
subprocess: counterparties added one by one, the March import's re-screen timed).

    cd bench && PYTHONPATH=.. ../.venv/bin/python monitoring.py --sizes 10000 100000

Results are printed as Markdown and written to ``bench/out/monitoring.json``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
LISTS = HERE.parent.parent / "shared" / "data" / "lists"
SDN_FEB = LISTS / "us_ofac_sdn/2022-02-17/sdn.csv"
SDN_MAR = LISTS / "us_ofac_sdn/2022-03-31/sdn.csv"
NOW = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)
LOCALES = ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "pl_PL", "nl_NL", "tr_TR",
           "ru_RU", "zh_CN", "ja_JP"]  # fmt: skip
COUNTRIES = ["US", "GB", "DE", "FR", "ES", "IT", "PL", "NL", "TR", "RU", "CN", "JP", "AE", "IN"]


def clock() -> datetime:
    return NOW


def sdn(path: Path) -> Any:
    from exportguard.core.snapshots import SourceFile

    return SourceFile(str(path), path.read_bytes())


def book(size: int, seed: int = 16) -> list[dict[str, str]]:
    """``size`` rows: Faker names with ~1% real listed names (module docstring)."""
    from faker import Faker

    from exportguard.core.impact import diff_entries, digests
    from exportguard.sources import detect

    def entries(path: Path) -> list[Any]:
        units, _ = detect.plan([sdn(path)])
        return list(units[0].parse().entries)

    feb, mar = entries(SDN_FEB), entries(SDN_MAR)
    diff = diff_entries(digests(feb), digests(mar))
    by_id = {e.id: e for e in mar}
    rng = random.Random(seed)
    listed = [e for e in feb if e.type.value in ("person", "organization")]
    added = [by_id[i] for i in diff.added if by_id[i].type.value in ("person", "organization")]
    fake = Faker(LOCALES)
    Faker.seed(seed)
    rows: list[dict[str, str]] = []
    for i in range(size):
        roll = rng.random()
        if roll < 0.005:
            e = rng.choice(listed)
            name, kind = e.name, e.type.value
        elif roll < 0.01:
            e = rng.choice(added)
            name, kind = e.name, e.type.value
        elif roll < 0.55:
            name, kind = fake.name(), "person"
        else:
            name, kind = fake.company(), "organization"
        rows.append({
            "name": " ".join(name.split()), "exporter": f"Exporter {i % 20:02d}",
            "country": rng.choice(COUNTRIES) if rng.random() < 0.5 else "",
            "type": kind if rng.random() < 0.7 else "", "reference": f"R-{i:07d}",
        })  # fmt: skip
    return rows


def to_csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def timed_rescreen(service: Any) -> list[float]:
    """Wrap ``service.monitoring.rescreen`` to record how long each call takes."""
    times: list[float] = []
    original = service.monitoring.rescreen

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            times.append(time.perf_counter() - started)

    service.monitoring.rescreen = wrapper
    return times


def prepare(size: int, path: Path, bulk_workers: int) -> dict[str, Any]:
    """A store with SDN February and a book of ``size`` imported; the timings."""
    from exportguard.batch.cluster import BookScreener
    from exportguard.services import ExportGuard

    path.unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    screener = BookScreener(url, workers=bulk_workers, min_parties=0) if bulk_workers > 1 else None
    service = ExportGuard(url, clock=clock, screener=screener)
    started = time.perf_counter()
    service.import_files([sdn(SDN_FEB)])
    feb = time.perf_counter() - started
    data = to_csv(book(size))
    started = time.perf_counter()
    summary = service.monitoring.import_csv(data, file=f"book-{size}.csv")
    bulk = time.perf_counter() - started
    service.close()
    return {"size": size, "feb_import_s": round(feb, 2), "bulk_import_s": round(bulk, 2),
            "bulk_workers": bulk_workers, "bulk_per_party_ms": round(1000 * bulk / size, 3),
            "created": len(summary.created), "bulk_alerts": len(summary.alerts)}  # fmt: skip


def march(path: Path, workers: int | None) -> dict[str, Any]:
    """Import SDN March into a copy of the prepared store; time the monitoring run."""
    from exportguard.batch.cluster import BookScreener
    from exportguard.services import ExportGuard

    copy = path.with_suffix(f".{workers or 0}.db")
    shutil.copyfile(path, copy)
    for suffix in ("-wal", "-shm"):
        Path(str(copy) + suffix).unlink(missing_ok=True)
    url = f"sqlite:///{copy}"
    screener = BookScreener(url, workers=workers, min_parties=0) if workers else None
    service = ExportGuard(url, clock=clock, screener=screener)
    times = timed_rescreen(service)
    started, cpu = time.perf_counter(), time.process_time()
    report = service.import_files([sdn(SDN_MAR)])
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    run = list(service.audit.records(kind="monitoring-run"))[-1].payload
    service.close()
    copy.unlink()
    return {"mode": f"dask {workers}" if workers else "in process",
            "rescreen_s": round(times[0], 2), "import_total_s": round(total, 2),
            "driver_cpu_s": round(cpu, 2), "load": round(os.getloadavg()[0], 2),
            "screened": run["screened"], "treated": run["treated"],
            "alerts": len(report.alerts), "delisted": run["delisted"]}  # fmt: skip


def full_after(sample: int) -> dict[str, Any]:
    """This code's full re-screen of a ``sample``-party book after the March import."""
    from exportguard.services import ExportGuard

    path = OUT / "monitoring-full.db"
    prepare(sample, path, bulk_workers=1)
    service = ExportGuard(f"sqlite:///{path}", clock=clock)
    service.import_files([sdn(SDN_MAR)])
    started = time.perf_counter()
    report = service.monitoring.run(full=True)
    took = time.perf_counter() - started
    service.close()
    return {"sample": sample, "full_s": round(took, 2),
            "per_party_ms": round(1000 * took / sample, 2), "treated": report.treated}


def before(sample: int) -> dict[str, Any]:
    """The code before this change (run with PYTHONPATH at that checkout): parties added
    one by one, then the March import's full re-screen."""
    from exportguard.services import ExportGuard

    path = OUT / "monitoring-before.db"
    path.unlink(missing_ok=True)
    service = ExportGuard(f"sqlite:///{path}", clock=clock)
    service.import_files([sdn(SDN_FEB)])
    rows = book(sample)
    started = time.perf_counter()
    for row in rows:
        service.monitoring.add(exporter=row["exporter"], name=row["name"],
                               country=row["country"] or None, type=row["type"] or None)
    added = time.perf_counter() - started
    times = timed_rescreen(service)
    service.import_files([sdn(SDN_MAR)])
    service.close()
    return {"sample": sample, "add_per_party_ms": round(1000 * added / sample, 2),
            "rescreen_s": round(times[0], 2),
            "per_party_ms": round(1000 * times[0] / sample, 2)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--bulk-workers", type=int, default=2,
                        help="Dask workers for the bulk import of books of 20,000 or more")
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--before", type=Path, default=HERE.parent.parent / "main",
                        help="a checkout of the code before this change (skip: --no-before)")
    parser.add_argument("--no-before", action="store_true")
    parser.add_argument("--no-full", action="store_true", help="skip the full re-screen")
    parser.add_argument("--reuse", action="store_true",
                        help="keep a book store already prepared in bench/out (its bulk "
                             "import figures from the last monitoring.json)")
    parser.add_argument("--before-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    if args.before_only:
        print(json.dumps(before(args.sample)))
        return
    from common import machine

    results: dict[str, Any] = {"machine": machine(), "sizes": []}
    last = OUT / "monitoring.json"
    earlier = json.loads(last.read_text()) if args.reuse and last.exists() else {}
    for size in args.sizes:
        path = OUT / f"monitoring-{size}.db"
        kept = [s for s in earlier.get("sizes", []) if s["size"] == size]
        if kept and path.exists():
            prepared = {k: v for k, v in kept[0].items() if k != "runs"}
        else:
            prepared = prepare(size, path, args.bulk_workers if size >= 20_000 else 1)
        prepared["runs"] = [march(path, None)] + [march(path, w) for w in args.workers]
        results["sizes"].append(prepared)
        print(json.dumps(prepared), flush=True)
    if not args.no_full:
        results["full_after"] = full_after(args.sample)
        print(json.dumps(results["full_after"]), flush=True)
    elif "full_after" in earlier:
        results["full_after"] = earlier["full_after"]
    if args.no_before and "before" in earlier:
        results["before"] = earlier["before"]
    if not args.no_before:
        env = {**os.environ, "PYTHONPATH": str(args.before)}
        done = subprocess.run(
            [sys.executable, __file__, "--before-only", "--sample", str(args.sample)],
            env=env, capture_output=True, text=True, check=True, cwd=HERE,
        )  # fmt: skip
        results["before"] = json.loads(done.stdout.strip().splitlines()[-1])
        print(json.dumps(results["before"]), flush=True)
    (OUT / "monitoring.json").write_text(json.dumps(results, indent=2))
    print(markdown(results))


def markdown(results: dict[str, Any]) -> str:
    lines = [f"Machine: {results['machine']}", "",
             "| book | bulk import (ms/party) | run | re-screen after the update (s) | "
             "driver CPU (s) | load | screened in full | alerts |",
             "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for size in results["sizes"]:
        for run in size["runs"]:
            lines.append(
                f"| {size['size']:,} | {size['bulk_import_s']} s ({size['bulk_per_party_ms']}"
                f", {size['bulk_workers']} worker(s)) | {run['mode']} | {run['rescreen_s']} | "
                f"{run.get('driver_cpu_s', '')} | {run.get('load', '')} | {run['treated']:,} | "
                f"{run['alerts']} |"
            )
    full = results.get("full_after")
    if full:
        lines += ["", f"Full re-screen of {full['sample']:,}, this code: {full['full_s']} s "
                  f"({full['per_party_ms']} ms each)."]  # fmt: skip
    if "before" in results:
        b = results["before"]
        lines.append(f"Before: {b['rescreen_s']} s ({b['per_party_ms']} ms each); adding one "
                     f"by one {b['add_per_party_ms']} ms each.")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    main()
