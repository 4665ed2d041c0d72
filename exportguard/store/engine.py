"""Engines for SQLite (the embedded default) and PostgreSQL, migrated on open.

SQLite runs in WAL mode with foreign keys on and a busy timeout: many readers, one writer.
PostgreSQL URLs use the psycopg 3 driver whatever the user wrote
(``postgresql://`` or ``postgres://`` become ``postgresql+psycopg://``).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

from exportguard.errors import InvalidInput

if TYPE_CHECKING:
    from alembic.config import Config

#: The newest migration; ``tests/store/test_migrations.py`` checks it against the scripts.
HEAD_REVISION = "0013"


def normalise_url(url: str) -> str:
    """The SQLAlchemy URL to use for ``url`` (driver made explicit)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def open_engine(url: str, *, migrate: bool = True) -> Engine:
    """An engine for ``url``, with the schema migrated to :data:`HEAD_REVISION`."""
    try:
        parsed = make_url(normalise_url(url))
    except Exception as exc:  # sqlalchemy raises ArgumentError; keep the user's words
        raise InvalidInput(f"not a database URL: {url!r} ({exc})", field="database_url") from exc
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite(parsed.database)
    elif parsed.get_backend_name() == "postgresql":
        engine = create_engine(parsed, pool_pre_ping=True, future=True)
    else:
        raise InvalidInput(
            f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql",
            field="database_url",
        )
    if migrate:
        upgrade(engine)
    return engine


def _sqlite(database: str | None) -> Engine:
    if database and database != ":memory:":
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{database or ':memory:'}", future=True)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # SQLAlchemy, not pysqlite, starts transactions (so writes can BEGIN IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("immediate_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction that holds the write lock from its first statement.

    On SQLite that is ``BEGIN IMMEDIATE``: a transaction that reads, then writes (the
    audit chain's head, a counter) cannot be overtaken by another writer in between. On
    PostgreSQL the repositories lock the rows they read for update.
    """
    with ExitStack() as stack:
        if engine.dialect.name == "sqlite":
            stack.enter_context(_write_lock(engine))
        conn = stack.enter_context(engine.connect().execution_options(immediate_write=True))
        stack.enter_context(conn.begin())
        yield conn


#: One lock per SQLite engine: the threads of one process (the API's request threads) take
#: turns at the write lock here, handed over at once, instead of in SQLite's busy handler,
#: which sleeps 1, 2, 5 ... 100 ms between tries (sqlite3.c, sqliteDefaultBusyCallback):
#: with 16 requests in flight that sleeping, not the writes, set the service's latency.
#: Other processes still meet at SQLite's lock (busy_timeout).
_WRITE_LOCKS: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()
_LOCKS_LOCK = threading.Lock()


def _write_lock(engine: Engine) -> threading.RLock:
    with _LOCKS_LOCK:
        lock = _WRITE_LOCKS.get(engine)
        if lock is None:
            lock = _WRITE_LOCKS[engine] = threading.RLock()
        return lock


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or ``None`` for an empty database."""
    with engine.connect() as conn:
        return _revision(conn)


def _revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return str(row[0]) if row else None


def upgrade(engine: Engine) -> None:
    """Run pending migrations (a no-op, one query, when the schema is current).

    Processes that open a new store together (``serve --workers 2`` on a fresh file) take
    turns: the migration holds the write lock from its first statement (SQLite's ``BEGIN
    IMMEDIATE``, PostgreSQL's advisory lock) and looks at the revision again under it, so
    the second finds the schema made instead of failing on a locked database or on tables
    that already exist."""
    if current_revision(engine) == HEAD_REVISION:
        return
    from alembic import command

    config = alembic_config()
    with writing(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7202611272)")
        if _revision(conn) == HEAD_REVISION:
            return  # another process migrated it while this one waited
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def alembic_config() -> Config:
    """Alembic configuration pointing at the packaged migration scripts."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "exportguard.store:migrations")
    return config
