"""Batch screening on Dask: a running cluster reached by address, on SQLite and PostgreSQL,
gives the same output as screening in this process; misconfigurations fail clearly."""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from distributed import LocalCluster
from typer.testing import CliRunner

from exportguard.batch import cluster, local
from exportguard.cli import app
from exportguard.core.thresholds import DEFAULT_THRESHOLD
from exportguard.errors import InvalidInput
from exportguard.services import ExportGuard

runner = CliRunner()


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A real two-process Dask cluster, as a user would run with ``dask scheduler``."""
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address="127.0.0.1:0",
        silence_logs=logging.ERROR,
    ) as running:
        yield running.scheduler_address


@pytest.fixture
def dpl_names(lists_dir: Path) -> list[str]:
    """Names from the real Denied Persons List, some perturbed, plus non-listed ones."""
    (path,) = (lists_dir / "us_bis_dpl").rglob("dpl.txt")
    with path.open(encoding="utf-8", newline="") as handle:
        names = sorted({row["Name"].strip() for row in csv.DictReader(handle, delimiter="\t")})
    perturbed = [n.lower().replace("a", "e", 1) for n in names[::5]]
    return names + perturbed + ["Maria Gonzalez Ruiz", "Northwind Traders", "Иван Петров"]


def write_input(path: Path, names: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "name"])
        out.writerows([i, n] for i, n in enumerate(names))
    return path


def test_cluster_output_equals_in_process(
    db_url: str, tmp_path: Path, lists_dir: Path, scheduler: str, dpl_names: list[str]
) -> None:
    service = ExportGuard(db_url)
    service.import_paths([lists_dir / "us_bis_dpl"])
    rows = local.read_input(write_input(tmp_path / "in.csv", dpl_names))
    assert len(rows) > 2 * cluster.CHUNK  # several chunks, spread over both workers
    here, there = tmp_path / "here.csv", tmp_path / "there.csv"
    # As of the list's own date: screening without one is as of today, when many of these
    # Denied Persons orders have expired.
    common = {"threshold": DEFAULT_THRESHOLD, "limit": 5, "as_of": date(2023, 11, 30)}
    written = local.run(service, rows, here, **common)  # type: ignore[arg-type]
    assert local.run(service, rows, there, scheduler=scheduler, **common) == written  # type: ignore[arg-type]
    assert here.read_bytes() == there.read_bytes()
    hits = list(csv.DictReader(there.read_text(encoding="utf-8").splitlines()))
    listed = {r["id"] for r in hits if r["source"] == "us_bis_dpl"}
    assert len(listed) >= len(dpl_names) - 3 - len(dpl_names) // 10
    service.close()


def test_cli_scheduler_option(tmp_path: Path, scheduler: str) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["--db", db, "lists", "import", "--demo"]).exit_code == 0
    source = write_input(tmp_path / "in.csv", ["NSO Group", "Candiru Ltd", "Nobody Inc"])
    target = tmp_path / "out.csv"
    result = runner.invoke(
        app, ["--db", db, "screen-batch", str(source), "-o", str(target), "--scheduler", scheduler]
    )
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(target.read_text(encoding="utf-8").splitlines()))
    assert rows[0]["entity_id"] == "exportguard_demo:el-nso-group"
    assert rows[-1]["id"] == "2"
    assert rows[-1]["entity_id"] == ""


def test_unreachable_scheduler_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", "1s")
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner.invoke(app, ["--db", db, "lists", "import", "--demo"])
    source = write_input(tmp_path / "in.csv", ["NSO Group"])
    target = tmp_path / "out.csv"
    args = ["screen-batch", str(source), "-o", str(target), "--scheduler", "tcp://127.0.0.1:9"]
    result = runner.invoke(app, ["--db", db, *args])
    assert result.exit_code == 2
    assert "scheduler: cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr
    assert not target.exists()


def test_worker_seeing_another_store_fails_instead_of_missing_hits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker whose database lacks the snapshots (a SQLite file on another machine)
    must not quietly report 'no hit'."""
    url = f"sqlite:///{tmp_path / 'driver.db'}"
    driver = ExportGuard(url)
    driver.import_demo()
    elsewhere = ExportGuard(f"sqlite:///{tmp_path / 'worker.db'}")  # empty
    monkeypatch.setitem(cluster._SERVICES, url, elsewhere)
    rows = local.read_input(write_input(tmp_path / "in.csv", ["NSO Group"]))
    target = tmp_path / "out.csv"
    # A worker in this process (threads), so it sees the patched service.
    threads = LocalCluster(
        n_workers=1, processes=False, dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR
    )
    with threads, pytest.raises(InvalidInput, match="does not see the same list") as info:
        local.run(
            driver, rows, target, threshold=0.86, limit=5, as_of=None,
            scheduler=threads.scheduler_address,
        )  # fmt: skip
    assert info.value.errors[0].field == "database"
    assert not target.exists()
    driver.close()
    elsewhere.close()
