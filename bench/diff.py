"""How long a list diff takes: OFAC SDN 2022-02-17 against 2022-03-31 (sdn.csv of each),
the diff behind `exportguard lists diff`, `/api/v1/lists/diff` and the lists page.

Run: ``cd bench && ../.venv/bin/python diff.py``. Imports both files into a temporary
SQLite store, then times ``ExportGuard.snapshot_diff`` (best of five) and prints JSON.
"""

from __future__ import annotations

import json
import tempfile
import time
from datetime import date
from pathlib import Path

from common import machine

from exportguard.core.snapshots import SourceFile
from exportguard.services import ExportGuard

LISTS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "lists"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        eg = ExportGuard(f"sqlite:///{tmp}/diff.db")
        for day in ("2022-02-17", "2022-03-31"):
            path = LISTS / "us_ofac_sdn" / day / "sdn.csv"
            eg.import_files([SourceFile(str(path), path.read_bytes())],
                            published=date.fromisoformat(day))  # fmt: skip
        old, new = (s.id for s in eg.snapshots())
        times = []
        for _ in range(5):
            started = time.perf_counter()
            diff = eg.snapshot_diff(old, new)
            times.append(time.perf_counter() - started)
        eg.close()
    print(json.dumps({
        "machine": machine(), "best_s": round(min(times), 3),
        "added": len(diff["added"]), "removed": len(diff["removed"]),
        "changed": len(diff["changed"]),
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
