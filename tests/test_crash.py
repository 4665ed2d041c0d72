"""A crash (kill -9) in the middle of an import or a licence transition leaves the store
consistent and the audit chain valid. Each test runs a real subprocess, waits until it is
inside its write transaction (the driver below pauses there and says so), and kills it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from exportguard.core.licensing import Conditions, Event, State
from exportguard.services import ExportGuard
from tests.conftest import FIXED_NOW

DRIVER = textwrap.dedent("""
    import sys, time
    from exportguard.services import ExportGuard
    from exportguard.store import cases, lists

    def pausing(original):
        def wrapper(*args, **kwargs):
            result = original(*args, **kwargs)
            print("IN-TRANSACTION", flush=True)
            time.sleep(60)  # killed here
            return result
        return wrapper

    url, what, arg = sys.argv[1], sys.argv[2], sys.argv[3]
    eg = ExportGuard(url, actor="crasher")
    if what == "import":
        lists.add = pausing(lists.add)
        eg.import_paths([arg])
    else:
        cases.add_event = pausing(cases.add_event)
        eg.licensing.transition(arg, "suspend", reason="crash test")
""")


def run_and_kill(db_url: str, what: str, arg: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    with subprocess.Popen(
        [sys.executable, "-c", DRIVER, db_url, what, arg],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    ) as proc:
        assert proc.stdout is not None
        assert proc.stderr is not None
        line = proc.stdout.readline()
        if "IN-TRANSACTION" not in line:
            proc.kill()
            pytest.fail(f"driver did not reach its transaction: {line!r} {proc.stderr.read()}")
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def test_kill_during_import_leaves_store_and_chain_intact(db_url: str, lists_dir: Path) -> None:
    eg = ExportGuard(db_url, clock=lambda: FIXED_NOW)
    eg.import_demo()
    before = eg.snapshots()
    eg.close()
    run_and_kill(db_url, "import", str(lists_dir / "us_bis_dpl/2023-11-30/dpl.txt"))
    eg = ExportGuard(db_url, clock=lambda: FIXED_NOW)
    assert eg.snapshots() == before  # the half-written snapshot is gone
    assert eg.audit.verify().ok
    assert eg.screen("NSO Group").hits  # the previous data still serves
    (result,) = eg.import_paths([lists_dir / "us_bis_dpl/2023-11-30/dpl.txt"]).results
    assert result.created
    assert len(eg.entries(result.snapshot.id)) == result.snapshot.counts["entries"]
    assert eg.audit.verify().ok
    eg.close()


def test_kill_during_a_licence_transition(db_url: str) -> None:
    eg = ExportGuard(db_url, clock=lambda: FIXED_NOW)
    eg.import_demo()
    lic = eg.licensing.apply(
        exporter="Acme",
        kind="export",
        regime="us-ear",
        items=["4D004"],
        destination="FR",
        end_user="Police",
        end_user_type="government",
        end_use="law-enforcement",
    )
    for event in (Event.SUBMIT, Event.REVIEW):
        eg.licensing.transition(lic.id, event, reason="r")
    eg.licensing.transition(
        lic.id, Event.APPROVE, reason="r", conditions=Conditions(valid_until=None)
    )
    version = eg.licensing.get(lic.id).version
    records = len(eg.audit.records())
    eg.close()
    run_and_kill(db_url, "transition", lic.id)
    eg = ExportGuard(db_url, clock=lambda: FIXED_NOW)
    after = eg.licensing.get(lic.id)
    assert after.state is State.ISSUED
    assert after.version == version
    assert len(eg.licensing.events(lic.id)) == version
    assert len(eg.audit.records()) == records
    assert eg.audit.verify().ok
    assert eg.licensing.transition(lic.id, Event.SUSPEND, reason="now").state is State.SUSPENDED
    assert eg.audit.verify().ok
    eg.close()
