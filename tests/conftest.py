"""Shared fixtures.

- ``lists_dir``: the real government list files in ``../shared/data/lists`` (never copied
  into this repository; see its PROVENANCE.md). Tests read them from there.
- ``source_file(relpath)``: a ``SourceFile`` read from ``lists_dir``.
- ``parsed_list(relpath)``: that file parsed, once per worker; ``real_entries`` and
  ``real_index``: the entries and one name index of four big real lists, once per worker.
- ``db_url``: a fresh, empty store, once on SQLite and once on PostgreSQL. PostgreSQL is
  the server at ``EXPORTGUARD_TEST_POSTGRES`` (default 127.0.0.1:5432, trust auth); each
  test session gets its own database, dropped at the end. Without a server the PostgreSQL
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
import sqlite3
import uuid
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa

from exportguard.core.snapshots import SourceFile

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


def _empty_postgres(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh store; with ``@pytest.mark.imported(...)``, one holding those lists already
    (see :class:`StoreTemplates`)."""
    marker = request.node.get_closest_marker("imported")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = request.getfixturevalue("postgres_server")
        if marker is None:
            _empty_postgres(url)
    if marker is not None:
        templates: StoreTemplates = request.getfixturevalue("store_templates")
        templates.copy_into(url, Stock(tuple(marker.args), marker.kwargs.get("published")))
    return url


@dataclass(frozen=True)
class Stock:
    """List files (paths under ``lists_dir``) imported one by one, in this order, into an
    empty store by the ``service`` fixture's ExportGuard, with ``published`` if given."""

    paths: tuple[str, ...]
    published: date | None = None


class StoreTemplates:
    """Stores made once per worker and copied into a test's store: a test whose subject is
    not the import of the list it needs (screening, monitoring, impact), or the making of
    the demo accounts (the API tests), starts from the state they leave (snapshots,
    indexes, users, audit records) without paying for it again. A :class:`Stock` is
    imported exactly as the test would do it (``ExportGuard.import_files`` on the file's
    path and bytes, the ``service`` fixture's actor, clock and audit key); another maker
    is given with its key. Copies: SQLite with its backup API, PostgreSQL as a database
    made from a template database."""

    def __init__(self, folder: Path, lists: Path, audit_key: AuditKey) -> None:
        self.folder = folder
        self.lists = lists
        self.audit_key = audit_key
        self.made: dict[tuple[str, Hashable], str] = {}
        #: what each maker returned, by (backend, key)
        self.made_with: dict[tuple[str, Hashable], Any] = {}
        self.postgres_admin: sa.Engine | None = None

    def _stock(self, stock: Stock) -> Callable[[str], None]:
        def make(url: str) -> None:
            from exportguard.services import ExportGuard

            eg = ExportGuard(url, actor="tester", clock=lambda: FIXED_NOW, audit_key=self.audit_key)
            try:
                for rel in stock.paths:
                    path = self.lists / rel
                    eg.import_files([SourceFile(str(path), path.read_bytes())],
                                    published=stock.published)  # fmt: skip
            finally:
                eg.close()

        return make

    def copy_into(self, url: str, key: Hashable, make: Callable[[str], Any] | None = None) -> Any:
        """Make ``url``'s store a copy of the template of ``key`` (a :class:`Stock`, or
        anything hashable with ``make``, which fills the empty store at the URL it is
        given); what ``make`` returned when it made the template."""
        if make is None:
            assert isinstance(key, Stock)
            make = self._stock(key)
        if url.startswith("sqlite:///"):
            template = self.made.get(("sqlite", key))
            if template is None:
                template = str(self.folder / f"template-{len(self.made)}.db")
                self.made_with["sqlite", key] = make(f"sqlite:///{template}")
                self.made["sqlite", key] = template
            with (
                sqlite3.connect(template) as source,
                sqlite3.connect(url.removeprefix("sqlite:///")) as target,
            ):
                source.backup(target)
            return self.made_with["sqlite", key]
        target = sa.make_url(url)
        if self.postgres_admin is None:
            self.postgres_admin = sa.create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
        template = self.made.get(("postgres", key))
        if template is None:
            template = f"{target.database}_template_{len(self.made)}"
            with self.postgres_admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{template}"'))
            made = make(target.set(database=template).render_as_string(hide_password=False))
            self.made_with["postgres", key] = made
            self.made["postgres", key] = template
        with self.postgres_admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{target.database}" WITH (FORCE)'))
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}" TEMPLATE "{template}"'))
        return self.made_with["postgres", key]

    def close(self) -> None:
        if self.postgres_admin is None:
            return
        with self.postgres_admin.connect() as conn:
            for (kind, _), name in self.made.items():
                if kind == "postgres":
                    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.postgres_admin.dispose()


@pytest.fixture(scope="session")
def store_templates(
    tmp_path_factory: pytest.TempPathFactory, lists_dir: Path, audit_key: AuditKey
) -> Iterator[StoreTemplates]:
    templates = StoreTemplates(tmp_path_factory.mktemp("templates"), lists_dir, audit_key)
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
