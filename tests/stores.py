"""Test stores made once per worker and copied into each test's store (``db_url``,
tests/conftest.py): :class:`StoreTemplates`.

Every store a test starts from, the empty one included, is a copy of a template made on
first use by the application itself (an empty store: ``ExportGuard`` opening it, which
migrates it to the head revision; a :class:`Stock`: that, then the imports). Copies:

- SQLite: the template's file through SQLite's backup API (a few milliseconds).
- PostgreSQL: every test of a worker uses that worker's one database
  (``postgres_server``), whose ``public`` schema is migrated once. A template is kept as
  a copy of each non-empty table in a schema of its own (``template_N``) with the values
  of the sequences; a test's store is every table emptied (``DELETE``: ``TRUNCATE`` makes
  new files for every table and index, 0.16 s for the 30) and filled again from the
  template, its sequences set as they were there: some milliseconds for the few rows of
  most tests, where dropping the schema and migrating again, or a database made from a
  template database, took 0.25 to 0.35 s a test. Connections a test left open are ended
  first, as ``DROP DATABASE ... WITH (FORCE)`` ended them.

``unmigrated``: a store that is no store yet (SQLite: no file; PostgreSQL: an empty
``public`` schema), for the test of the migration itself; the next copy migrates again.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from exportguard.core.snapshots import SourceFile

if TYPE_CHECKING:
    from exportguard.services.audit import AuditKey


@dataclass(frozen=True)
class Stock:
    """List files (paths under ``lists_dir``) imported one by one, in this order, into an
    empty store by the ``service`` fixture's ExportGuard, with ``published`` if given.
    ``Stock(())`` is the empty store."""

    paths: tuple[str, ...]
    published: date | None = None


EMPTY = Stock(())


@dataclass(frozen=True)
class _Saved:
    schema: str
    tables: tuple[str, ...]  # the non-empty ones, parents before children
    sequences: tuple[tuple[str, int], ...]  # (name, last value) of those used


@dataclass
class _Postgres:
    """The worker's PostgreSQL database and the templates saved in it."""

    url: str
    engine: sa.Engine
    #: the tables of the migrated ``public`` schema, parents before children; None: not
    #: migrated (first use, or after an ``unmigrated`` test)
    tables: tuple[str, ...] | None = None
    sequences: tuple[str, ...] = ()
    saved: dict[Hashable, _Saved] = field(default_factory=dict)

    def migrated(self) -> tuple[str, ...]:
        if self.tables is None:
            from exportguard.store.engine import open_engine

            self.unmigrated()
            open_engine(self.url).dispose()  # the application's own migration
            with self.engine.connect() as conn:
                meta = sa.MetaData()
                meta.reflect(conn)
                self.tables = tuple(t.name for t in meta.sorted_tables)
                self.sequences = tuple(conn.execute(sa.text(
                    "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
                )).scalars())  # fmt: skip
        return self.tables

    def unmigrated(self) -> None:
        with self.engine.begin() as conn:
            _end_other_connections(conn)
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        self.tables = None

    def load(self, saved: _Saved | None) -> None:
        """Empty every table but ``alembic_version``, then fill them from ``saved``, and
        set every sequence as it was there (a fresh one: as new)."""
        tables = self.migrated()
        values = dict(saved.sequences) if saved else {}
        with self.engine.begin() as conn:
            _end_other_connections(conn)
            for table in reversed(tables):
                if table != "alembic_version":
                    conn.execute(sa.text(f"DELETE FROM {_q(table)}"))
            for table in saved.tables if saved else ():
                conn.execute(sa.text(f"INSERT INTO {_q(table)} SELECT * FROM "
                                     f"{_q(saved.schema)}.{_q(table)}"))  # fmt: skip
            conn.execute(sa.text("SELECT " + ", ".join(
                f"setval('{_q(n)}', {values[n]}, true)" if n in values
                else f"setval('{_q(n)}', 1, false)"
                for n in self.sequences
            )))  # fmt: skip

    def save(self, key: Hashable) -> None:
        schema = f"template_{len(self.saved)}"
        tables = []
        with self.engine.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {_q(schema)}"))
            for table in self.migrated():
                if table == "alembic_version":
                    continue
                if conn.execute(sa.text(f"SELECT EXISTS (SELECT FROM {_q(table)})")).scalar():
                    conn.execute(sa.text(f"CREATE TABLE {_q(schema)}.{_q(table)} AS TABLE "
                                         f"public.{_q(table)}"))  # fmt: skip
                    tables.append(table)
            used = ("SELECT sequencename, last_value FROM pg_sequences "
                    "WHERE schemaname = 'public' AND last_value IS NOT NULL")  # fmt: skip
            sequences = conn.execute(sa.text(used)).all()
        self.saved[key] = _Saved(schema, tuple(tables), tuple((n, int(v)) for n, v in sequences))


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _end_other_connections(conn: sa.Connection) -> None:
    conn.execute(sa.text(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    ))  # fmt: skip


class StoreTemplates:
    """Stores made once per worker and copied into a test's store: a test whose subject is
    not the import of the list it needs (screening, monitoring, impact), or the making of
    the demo accounts (the API tests), starts from the state they leave (snapshots,
    indexes, users, audit records) without paying for it again; and every test's empty
    store is a copy of one the application migrated. A :class:`Stock` is imported exactly
    as the test would do it (``ExportGuard.import_files`` on the file's path and bytes,
    the ``service`` fixture's actor, clock and audit key); another maker is given with its
    key, and may start from another template (``copy_into`` on the URL it is given).
    Copies: module docstring."""

    def __init__(self, folder: Path, lists: Path, audit_key: AuditKey, clock: Any) -> None:
        self.folder = folder
        self.lists = lists
        self.audit_key = audit_key
        self.clock = clock
        self.sqlite: dict[Hashable, Path] = {}
        #: what each maker returned, by (backend, key)
        self.made_with: dict[tuple[str, Hashable], Any] = {}
        self.postgres: _Postgres | None = None
        self._numbers = itertools.count()

    def _stock(self, stock: Stock) -> Callable[[str], None]:
        def make(url: str) -> None:
            from exportguard.services import ExportGuard

            eg = ExportGuard(url, actor="tester", clock=self.clock, audit_key=self.audit_key)
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
        given); what ``make`` returned when it made the template. On PostgreSQL ``url``
        is the worker's database (``postgres_server``)."""
        if make is None:
            assert isinstance(key, Stock)
            make = self._stock(key)
        if url.startswith("sqlite:///"):
            return self._sqlite(url.removeprefix("sqlite:///"), key, make)
        pg = self._postgres(url)
        if key not in pg.saved:
            if key != EMPTY:
                self.copy_into(url, EMPTY)
            else:
                pg.load(None)
            self.made_with["postgres", key] = make(url)
            pg.save(key)
        else:
            pg.load(pg.saved[key])
        return self.made_with["postgres", key]

    def _sqlite(self, path: str, key: Hashable, make: Callable[[str], Any]) -> Any:
        template = self.sqlite.get(key)
        if template is None:
            # named before it is made: a maker may make another template first
            template = self.folder / f"template-{next(self._numbers)}.db"
            if key != EMPTY:
                self._sqlite(str(template), EMPTY, self._stock(EMPTY))
            self.made_with["sqlite", key] = make(f"sqlite:///{template}")
            self.sqlite[key] = template
        with sqlite3.connect(template) as source, sqlite3.connect(path) as target:
            source.backup(target)
        source.close()
        target.close()
        return self.made_with["sqlite", key]

    def _postgres(self, url: str) -> _Postgres:
        if self.postgres is None:
            self.postgres = _Postgres(url, sa.create_engine(url))
        assert url == self.postgres.url, "on PostgreSQL a test's store is the worker's database"
        return self.postgres

    def unmigrated(self, url: str) -> None:
        """``url``'s store emptied of everything, schema included (see the module)."""
        if url.startswith("sqlite:///"):
            path = url.removeprefix("sqlite:///")
            for suffix in ("", "-wal", "-shm"):
                Path(path + suffix).unlink(missing_ok=True)
        else:
            self._postgres(url).unmigrated()

    def close(self) -> None:
        if self.postgres is not None:
            self.postgres.engine.dispose()
