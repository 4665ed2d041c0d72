"""The audit trail at size: one page of records, and a screening certificate.

Run: ``cd bench && ../.venv/bin/python audit.py [--records 100000]``. Builds a fresh
SQLite store (or ``--db URL``) with the demo list, one recorded screening, then
``--records`` audit records appended in one transaction (signed every
``CHECKPOINT_EVERY`` records, as the service signs them), and times, best of
``--repeat`` each:

1. ``Audit.page(limit=50)`` at the start, the middle and the end of the trail, and the
   newest page filtered by kind (the web's and the API's audit page);
2. ``Audit.certificate(seq)`` of the screening, the first record (checked from it to the
   next checkpoint, not the whole chain);
3. ``Audit.verify()`` of the whole chain, for scale.

No figure here is asserted by a test; BENCHMARKS.md records them.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from common import machine
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from exportguard.services import ExportGuard
from exportguard.services.audit import AuditKey
from exportguard.store.engine import writing


def best(action: Callable[[], object], repeat: int) -> float:
    """The best of ``repeat`` runs of ``action``, in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return round(1000 * min(times), 2)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--db", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'audit.db'}"
        key = AuditKey(private=Ed25519PrivateKey.generate())
        service = ExportGuard(url, audit_key=key)
        service.import_demo()
        screened = service.screen("NSO Group")
        assert screened.audit_seq is not None
        started = time.perf_counter()
        with writing(service.engine) as conn:
            for i in range(args.records):
                service.audit.record(conn, "bench", f"record {i}", {"i": i, "note": "x" * 40})
        filled = time.perf_counter() - started
        total = service.audit.page(limit=1)[1]
        results = {
            "machine": machine(),
            "records": total,
            "append_per_record_us": round(1e6 * filled / args.records, 1),
            "page_50_first_ms": best(lambda: service.audit.page(limit=50), args.repeat),
            "page_50_middle_ms": best(
                lambda: service.audit.page(limit=50, offset=total // 2), args.repeat
            ),
            "page_50_newest_ms": best(
                lambda: service.audit.page(limit=50, newest_first=True), args.repeat
            ),
            "page_50_newest_of_kind_ms": best(
                lambda: service.audit.page(limit=50, kind="screening", newest_first=True),
                args.repeat,
            ),
            "certificate_ms": best(
                lambda: service.audit.certificate(screened.audit_seq or 0), args.repeat
            ),
            "verify_whole_chain_ms": best(service.audit.verify, 3),
        }
        service.close()
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
