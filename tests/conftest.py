"""Shared fixtures.

- ``lists_dir``: the real government list files in ``../shared/data/lists`` (never copied
  into this repository; see its PROVENANCE.md). Tests read them from there.
- ``source_file(relpath)``: a ``SourceFile`` read from ``lists_dir``.
- ``parsed_list(relpath)``: that file parsed, once per worker; ``real_entries`` and
  ``real_index``: the entries and one name index of four big real lists, once per worker.
- ``db_url``: a fresh, empty store (migrated: a copy of one the application migrated,
  tests/stores.py), once on SQLite and once on PostgreSQL. PostgreSQL is the server at
  ``EXPORTGUARD_TEST_POSTGRES`` (default 127.0.0.1:5432, trust auth); each test session
  gets its own database, dropped at the end. Without a server the PostgreSQL
  half is skipped with a note, unless ``EXPORTGUARD_REQUIRE_POSTGRES=1`` (CI) makes it fail.
- ``audit_key``: an Ed25519 key signing audit checkpoints (one per test session).
- ``service``: an ``ExportGuard`` on ``db_url`` with ``audit_key`` and a fixed clock
  (2026-11-16 12:00 UTC, after every list file in ../shared).

The suite runs in parallel (pytest-xdist, ``-n`` in pyproject.toml): every fixture here is
per worker process (a session is a worker's session), so each worker has its own temporary
folders, PostgreSQL database and data directory (``EXPORTGUARD_DATA_DIR``: commands that
fall back to the user data directory, for the default store or the audit key, never touch
the user's own nor another worker's). A server started by a test listens on a port the
system picks (port 0).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa

from exportguard.core.snapshots import SourceFile
from tests.stores import EMPTY, Stock, StoreTemplates

__all__ = ["EMPTY", "FIXED_NOW", "LISTS_DIR", "Stock", "StoreTemplates", "stock_of"]

if TYPE_CHECKING:
    from exportguard.core.entities import ListEntry
    from exportguard.core.index import NameIndex
    from exportguard.core.snapshots import ParsedList
    from exportguard.services import ExportGuard
    from exportguard.services.audit import AuditKey

LISTS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "lists"
POSTGRES_ADMIN = os.environ.get(
    "EXPORTGUARD_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_POSTGRES = os.environ.get("EXPORTGUARD_REQUIRE_POSTGRES") == "1"
FIXED_NOW = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)  # after every shared list file


#: Test files one worker runs together (pytest-xdist; any other file is a unit of its own,
#: ``--dist loadfile``): what they share is made once per worker and is slow to make.
WORKER_GROUPS = {
    # real_entries, real_index: four real lists parsed and indexed (7 s alone)
    "the real lists' index": (
        "tests/test_screening_lists.py",
        "tests/core/test_entities.py",
        "tests/core/test_explain.py",
        "tests/core/test_profiles.py",
    ),
    # @pytest.mark.imported(CSL): the store template with the real CSL (14,159 entries,
    # 4 to 7 s to import on each backend)
    "the CSL store": (
        "tests/test_lists_service.py",
        "tests/test_screening_forms_service.py",
        "tests/test_screening_titles_scripts.py",
        "tests/test_snapshot_integrity.py",
        "tests/api/test_screen_forms.py",
        "tests/api/test_workbench_review_pages.py",
    ),
}
_GROUP_OF = {path: group for group, paths in WORKER_GROUPS.items() for path in paths}


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadfile`` with the files of a :data:`WORKER_GROUPS` group as one unit."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    missing = [path for path in _GROUP_OF if not (config.rootpath / path).is_file()]
    assert not missing, f"WORKER_GROUPS names files that are not there: {missing}"

    class Grouped(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return _GROUP_OF.get(path, path)

    return Grouped(config, log)


@pytest.fixture(scope="session", autouse=True)
def _private_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EXPORTGUARD_DATA_DIR", str(tmp_path_factory.mktemp("data-dir")))
        yield


@pytest.fixture(scope="session")
def lists_dir() -> Path:
    if not LISTS_DIR.is_dir():
        pytest.fail(f"the shared list files are missing: expected them at {LISTS_DIR}")
    return LISTS_DIR


@pytest.fixture(scope="session")
def source_file(lists_dir: Path) -> Callable[[str], SourceFile]:
    def read(relpath: str) -> SourceFile:
        path = lists_dir / relpath
        return SourceFile(str(path), path.read_bytes())

    return read


@pytest.fixture(scope="session")
def parsed_list(source_file: Callable[[str], SourceFile]) -> Callable[[str], ParsedList]:
    """``parsed_list(relpath)``: the list file as its detected format parses it, parsed once
    per worker and shared (entries are frozen: tests only read them)."""
    from exportguard.sources import detect

    cache: dict[str, ParsedList] = {}

    def parse(relpath: str) -> ParsedList:
        if relpath not in cache:
            units, _ = detect.plan([source_file(relpath)])
            (unit,) = units
            cache[relpath] = unit.parse()
        return cache[relpath]

    return parse


#: The lists of the shared screening index (``real_index``), with their snapshot ids.
SCREENING_LISTS = {
    "us_ofac_sdn/2024-05-03/sdn.csv": 1,
    "us_trade_csl/2022-05-16/consolidated.csv": 2,
    "un_sc/2026-02-27/consolidated.xml": 3,
    "us_bis_dpl/2023-11-30/dpl.txt": 4,
}


@pytest.fixture(scope="session")
def real_entries(parsed_list: Callable[[str], ParsedList]) -> dict[str, list[ListEntry]]:
    """The entries of each of :data:`SCREENING_LISTS`, by path."""
    return {rel: list(parsed_list(rel).entries) for rel in SCREENING_LISTS}


@pytest.fixture(scope="session")
def real_index(real_entries: dict[str, list[ListEntry]]) -> NameIndex:
    """One name index over :data:`SCREENING_LISTS` (built once per worker; read only)."""
    from exportguard.core.index import NameIndex

    return NameIndex.merge(
        [NameIndex.build(SCREENING_LISTS[rel], found) for rel, found in real_entries.items()]
    )


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """URL of a database created for this test session on the PostgreSQL server."""
    admin = sa.create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        message = f"PostgreSQL not reachable at {POSTGRES_ADMIN}: {exc.orig}"
        if REQUIRE_POSTGRES:
            pytest.fail(message)
        pytest.skip(message + " (PostgreSQL tests skipped)")
    name = f"exportguard_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(
            sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
            {"n": name},
        )
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a test's store is, on SQLite and on PostgreSQL; ``db_url`` puts one there."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url: str = request.getfixturevalue("postgres_server")
    return url


def stock_of(request: pytest.FixtureRequest) -> Stock:
    """The lists a test's ``@pytest.mark.imported(...)`` asks for (none: the empty store)."""
    marker = request.node.get_closest_marker("imported")
    return EMPTY if marker is None else Stock(tuple(marker.args), marker.kwargs.get("published"))


@pytest.fixture
def db_url(request: pytest.FixtureRequest, store_url: str, store_templates: StoreTemplates) -> str:
    """A fresh store, migrated; with ``@pytest.mark.imported(...)``, one holding those lists
    already; with ``@pytest.mark.unmigrated``, no store yet (tests/stores.py)."""
    if request.node.get_closest_marker("unmigrated") is not None:
        store_templates.unmigrated(store_url)
    else:
        store_templates.copy_into(store_url, stock_of(request))
    return store_url


@pytest.fixture(scope="session")
def store_templates(
    tmp_path_factory: pytest.TempPathFactory, lists_dir: Path, audit_key: AuditKey
) -> Iterator[StoreTemplates]:
    templates = StoreTemplates(
        tmp_path_factory.mktemp("templates"), lists_dir, audit_key, lambda: FIXED_NOW
    )
    yield templates
    templates.close()


@pytest.fixture(scope="session")
def audit_key() -> AuditKey:
    """A signing key for audit checkpoints, made for this test session."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from exportguard.services.audit import AuditKey

    return AuditKey(private=Ed25519PrivateKey.generate())


@pytest.fixture
def service(db_url: str, audit_key: AuditKey) -> Iterator[ExportGuard]:
    from exportguard.services import ExportGuard

    eg = ExportGuard(db_url, actor="tester", clock=lambda: FIXED_NOW, audit_key=audit_key)
    yield eg
    eg.close()
