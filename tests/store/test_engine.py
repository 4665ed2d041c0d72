from __future__ import annotations

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from exportguard.errors import InvalidInput
from exportguard.settings import load
from exportguard.store import engine


def test_head_revision_constant_matches_the_scripts() -> None:
    script = ScriptDirectory.from_config(engine.alembic_config())
    assert script.get_current_head() == engine.HEAD_REVISION


@pytest.mark.unmigrated
def test_open_migrates_an_empty_database(db_url: str) -> None:
    eng = engine.open_engine(db_url)
    assert engine.current_revision(eng) == engine.HEAD_REVISION
    assert {"snapshots", "entries", "snapshot_indexes"} <= set(inspect(eng).get_table_names())
    engine.upgrade(eng)  # idempotent
    eng.dispose()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_urls_get_the_psycopg_driver(given: str, expected: str) -> None:
    assert engine.normalise_url(given) == expected


@pytest.mark.parametrize("url", ["mysql://u@h/db", "not a url"])
def test_unsupported_urls_are_invalid_input(url: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        engine.open_engine(url)
    assert caught.value.errors[0].field == "database_url"


def test_settings_defaults_and_overrides(tmp_path: object) -> None:
    default = load({"HOME": "/home/x", "USER": "alice"})
    assert default.database_url.startswith("sqlite:///")
    assert default.database_url.endswith("exportguard.db")
    assert default.actor == "alice"
    custom = load({"EXPORTGUARD_DATA_DIR": "/data", "EXPORTGUARD_ACTOR": "bob"})
    assert custom.database_url == "sqlite:////data/exportguard.db"
    assert custom.actor == "bob"


def test_concurrent_writers_in_one_process_all_land_in_one_chain(db_url: str) -> None:
    # The API's request threads write at once: every write lands, in one unbroken chain
    # (on SQLite they take turns at the process's write lock, on PostgreSQL at the rows').
    import threading

    from exportguard.core.audit import verify
    from exportguard.store import audit as audit_store

    eng = engine.open_engine(db_url)
    barrier = threading.Barrier(8)
    failures: list[BaseException] = []

    def write(worker: int) -> None:
        barrier.wait()
        try:
            for n in range(15):
                with engine.writing(eng) as conn:
                    audit_store.append(conn, at="2026-11-16T12:00:00+00:00", actor=f"w{worker}",
                                       kind="test", subject=str(n), payload={"n": n})  # fmt: skip
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with eng.connect() as conn:
        records = list(audit_store.records(conn))
    assert [r.seq for r in records] == list(range(1, 121))
    assert verify(records) == []  # each record links to the one before
    assert {r.actor for r in records} == {f"w{w}" for w in range(8)}
    eng.dispose()


def test_processes_opening_a_new_store_together_take_turns_at_the_migration(
    tmp_path: object,
) -> None:
    # `serve --workers 2` on a fresh SQLite file: both workers open and migrate it at once
    # (one died with "database is locked" before the migration took the write lock).
    import threading
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    barrier = threading.Barrier(4)
    failures: list[BaseException] = []

    def open_store() -> None:
        barrier.wait()
        try:
            engine.open_engine(url).dispose()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    migrated = engine.open_engine(url)
    assert engine.current_revision(migrated) == engine.HEAD_REVISION
    migrated.dispose()
