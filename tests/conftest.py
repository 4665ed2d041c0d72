"""Shared fixtures.

- ``lists_dir``: the real government list files in ``../shared/data/lists`` (never copied
  into this repository; see its PROVENANCE.md). Tests read them from there.
- ``source_file(relpath)``: a ``SourceFile`` read from ``lists_dir``.
- ``db_url``: a fresh, empty store, once on SQLite and once on PostgreSQL. PostgreSQL is
  the server at ``EXPORTGUARD_TEST_POSTGRES`` (default 127.0.0.1:5432, trust auth); each
  test session gets its own database, dropped at the end. Without a server the PostgreSQL
  half is skipped with a note, unless ``EXPORTGUARD_REQUIRE_POSTGRES=1`` (CI) makes it fail.
- ``audit_key``: an Ed25519 key signing audit checkpoints (one per test session).
- ``service``: an ``ExportGuard`` on ``db_url`` with ``audit_key`` and a fixed clock
  (2026-11-16 12:00 UTC, after every list file in ../shared).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa

from exportguard.sources._common import SourceFile

if TYPE_CHECKING:
    from exportguard.services import ExportGuard
    from exportguard.services.audit import AuditKey

LISTS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "lists"
POSTGRES_ADMIN = os.environ.get(
    "EXPORTGUARD_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_POSTGRES = os.environ.get("EXPORTGUARD_REQUIRE_POSTGRES") == "1"
FIXED_NOW = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)  # after every shared list file


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
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url: str = request.getfixturevalue("postgres_server")
    _empty_postgres(url)
    return url


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
