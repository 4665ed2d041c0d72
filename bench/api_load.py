"""Requests per second and latency of the service under concurrent load, on loopback.

Run: ``make bench-api``. Starts ``exportguard serve`` (uvicorn) on 127.0.0.1 with a fresh
store holding every list (the largest snapshot of each, see common.py) and the demo
accounts, then for ``POST /api/v1/screen`` and ``POST /api/v1/decide`` keeps N requests in
flight for a fixed time from an asyncio client (httpx) and reports throughput and p50/p99
latency. Every request is a real one and writes its audit record: screenings take
``--names`` distinct names in turn (three in four built from listed names, one in four
non-listed: ``performance.mixed_queries``), after a warm-up on 300 others, so no timed
screening is scored from the matcher's memo until every name has run once; decisions
draw from 20 cases (a decision's cost does not depend on a memo of names). Loopback
only; bounded in time. After the load, the resident memory (RSS, MiB) of the server and
each worker process (psutil), the index of every list loaded in each.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil
from common import LARGEST, OUT, files, load_all, machine
from performance import mixed_queries

from exportguard.services import ExportGuard

ROOT = Path(__file__).resolve().parents[1]
EXE = ROOT / ".venv" / "bin" / "exportguard"
NAMES = ["NSO Group", "Candiru", "Позитив Текнолоджиз", "COSEINC", "Rosoboronexport",
         "Acme Widgets GmbH", "Nord Stream 2 AG", "Usama bin Laden", "קנדירו",
         "Huawei Technologies", "Globex Corporation", "Mohammed Ali", "Kalashnikov Concern"]
CASES = [{"items": ["4D004"], "to": to, "date": day, "end_user_type": "law-enforcement",
          "end_use": "law-enforcement", "end_user": user}
         for to in ("MA", "FR", "CN", "IN", "AE") for day in ("2021-11-24", "2021-12-01")
         for user in ("National Police", "NSO Group")]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def load(url: str, token: str, path: str, bodies: list[dict[str, object]],
               concurrency: int, seconds: float, distinct: bool = False) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds
    headers = {"Authorization": f"Bearer {token}"}
    rng = random.Random(5)
    turn = iter(range(10**9))

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            body = bodies[next(turn) % len(bodies)] if distinct else rng.choice(bodies)
            response = await client.post(path, json=body, headers=headers)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                errors += 1

    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {"requests": len(latencies), "errors": errors,
            "rps": round(len(latencies) / elapsed, 1),
            "p50_ms": round(1000 * latencies[len(latencies) // 2], 1),
            "p99_ms": round(1000 * latencies[int(0.99 * len(latencies))], 1)}


def resident_mib(pid: int) -> dict[str, object]:
    """Resident set size of the process ``pid`` and of each of its child processes, in
    MiB (the uvicorn supervisor and its workers), and the CPU seconds each used."""
    parent = psutil.Process(pid)
    children = parent.children(recursive=True)
    workers = [round(c.memory_info().rss / 2**20, 1) for c in children]
    own = round(parent.memory_info().rss / 2**20, 1)
    # CPU seconds each process used (user + system): how evenly the workers shared the load.
    cpu = [round(sum(p.cpu_times()[:2]), 1) for p in (parent, *children)]
    return {"supervisor_mib": own, "workers_mib": workers,
            "total_mib": round(own + sum(workers), 1), "cpu_s": cpu}  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    # 1,500: building the mixed query set from the accuracy kinds takes minutes per
    # thousand names on a slow VM, and 15 s at ~20 req/s screens fewer than that.
    parser.add_argument("--names", type=int, default=1500,
                        help="distinct names screened in turn (none repeats unless all ran)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = f"sqlite:///{tmp}/api.db"
        service = ExportGuard(db, actor="bench")
        for paths in LARGEST.values():
            service.import_files(files(paths))
        service.import_demo()
        service.accounts.ensure_demo()
        token = service.accounts.create_token("officer", "bench")[1]
        service.close()
        entries = [e for parsed in load_all().values() for e in parsed.entries]
        names = mixed_queries(entries, args.names, seed=11)
        warm = mixed_queries(entries, 300, seed=12)
        port = free_port()
        env = {**os.environ, "EXPORTGUARD_DATABASE_URL": db}
        server = subprocess.Popen([str(EXE), "serve", "--port", str(port), "--workers",
                                   str(args.workers)], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(600):
                try:
                    if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            # Warm both workers (index caches, rules) on other names than those timed.
            asyncio.run(load(url, token, "/api/v1/screen", [{"name": n} for n in warm],
                             args.concurrency, 5))
            asyncio.run(load(url, token, "/api/v1/decide", list(CASES), args.concurrency, 3))
            results = {
                "machine": machine(),
                "server": f"exportguard serve --workers {args.workers} (uvicorn), SQLite",
                "concurrency": args.concurrency, "seconds": args.seconds,
                "names": len(names),
                "screen": asyncio.run(load(url, token, "/api/v1/screen",
                                           [{"name": n} for n in names], args.concurrency,
                                           args.seconds, distinct=True)),
                "decide": asyncio.run(load(url, token, "/api/v1/decide", list(CASES),
                                           args.concurrency, args.seconds)),
                "memory": resident_mib(server.pid),
            }  # fmt: skip
        finally:
            server.terminate()
            server.wait(30)
    OUT.mkdir(exist_ok=True)
    (OUT / "api_load.json").write_text(json.dumps(results, indent=1))
    json.dump(results, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
