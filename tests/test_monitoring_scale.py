"""Monitoring at scale (issue 16, fault 7): bulk import of counterparties from CSV, and the
incremental re-screen after a list update, which must raise exactly the alerts a full
re-screen raises. On the real SDN files of 2022-02-17 and 2022-03-31 (792 added, 1
removed, 33 changed), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from exportguard.core.entities import ListEntry
from exportguard.core.impact import diff_entries, digests
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.errors import InvalidInput, SourceFormatError
from exportguard.services import ExportGuard
from tests.conftest import FIXED_NOW, LISTS_DIR, Stock, StoreTemplates

SDN_FEB = "us_ofac_sdn/2022-02-17/sdn.csv"
SDN_MAR = "us_ofac_sdn/2022-03-31/sdn.csv"


def read(rel: str) -> SourceFile:
    return SourceFile(str(LISTS_DIR / rel), (LISTS_DIR / rel).read_bytes())


def book_csv(rows: list[dict[str, str]], header: tuple[str, ...] = ("name", "exporter", "country",
             "type", "reference")) -> bytes:  # fmt: skip
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


# --- bulk import -------------------------------------------------------------------------------


@pytest.mark.imported(SDN_FEB)
def test_bulk_import_screens_every_new_party_and_is_idempotent(service: ExportGuard) -> None:
    data = book_csv([
        {"name": "Gennady Timchenko", "exporter": "Acme", "type": "person", "reference": "A-1"},
        {"name": "Globex Trading GmbH", "exporter": "Acme", "country": "Germany"},
        {"name": "Aerocaribbean Airlines", "exporter": "Acme", "country": "CU"},
        {"name": "Globex Trading GmbH", "exporter": "Initech", "country": "DE"},
    ])  # fmt: skip
    first = service.monitoring.import_csv(data, file="book.csv")
    assert (len(first.created), len(first.updated), first.unchanged) == (4, 0, 0)
    flagged = {(a.data["counterparty"], a.kind) for a in first.alerts}
    assert flagged == {("Gennady Timchenko", "new"), ("Aerocaribbean Airlines", "new")}
    parties = {p.id: p for p in service.monitoring.find()}
    assert parties[first.created[1]].country == "DE"
    assert parties[first.created[0]].reference == "A-1"
    assert all(service.monitoring.get(i).hits for i in (first.created[0], first.created[2]))
    # The same file again: nothing added, nothing raised.
    again = service.monitoring.import_csv(data, file="book.csv")
    assert (len(again.created), len(again.updated), again.unchanged, again.alerts) == (0, 0, 4, ())
    assert len(service.monitoring.find()) == 4
    # A reference names a kept counterparty: its row updates it (and screens it again).
    renamed = book_csv([{"name": "Gennady Nikolayevich Timchenko", "exporter": "Acme",
                         "type": "person", "reference": "A-1"}])  # fmt: skip
    moved = service.monitoring.import_csv(renamed, file="book2.csv")
    assert moved.updated == (first.created[0],)
    assert not moved.created
    assert service.monitoring.get(first.created[0]).name == "Gennady Nikolayevich Timchenko"
    records = [r for r in service.audit.records() if r.kind == "counterparty-import"]
    assert [r.payload["created_count"] for r in records] == [4, 0, 0]
    assert records[0].payload["rows"] == 4
    assert len(records[0].payload["sha256"]) == 64
    screened = {r.subject for r in service.audit.records() if r.kind == "screening"}
    assert first.created[1] not in screened  # a clean party: the import record covers it
    assert service.audit.verify().ok


@pytest.mark.imported(SDN_FEB)
def test_a_bad_file_adds_nothing_and_names_file_line_and_field(service: ExportGuard) -> None:
    data = book_csv([
        {"name": "Nord Stream 2 AG", "exporter": "Acme", "country": "CH"},
        {"name": "Globex Trading", "exporter": "Acme", "country": "Narnia"},
        {"name": "", "exporter": "Acme"},
        {"name": "Initech", "exporter": "Acme", "type": "company"},
        {"name": "nord  stream 2 ag", "exporter": "Acme", "country": "Switzerland"},
    ])  # fmt: skip
    with pytest.raises(InvalidInput) as caught:
        service.monitoring.import_csv(data, file="customers.csv")
    fields = [e.field for e in caught.value.errors]
    assert fields == ["customers.csv, line 3, country", "customers.csv, line 4, name",
                      "customers.csv, line 5, type", "customers.csv, line 6, name"]
    assert "unknown country 'Narnia'" in str(caught.value)
    assert "the same counterparty as line 2" in str(caught.value)
    assert service.monitoring.find() == []
    assert not [r for r in service.audit.records() if r.kind == "counterparty-import"]
    with pytest.raises(SourceFormatError, match="unknown column 'contry'") as header:
        service.monitoring.import_csv(b"name,exporter,contry\nX,Acme,DE\n", file="c.csv")
    assert (header.value.file, header.value.line, header.value.field) == ("c.csv", 1, "contry")
    with pytest.raises(SourceFormatError, match="not UTF-8") as encoding:
        service.monitoring.import_csv(b"name,exporter\nOK,Acme\nM\xfcller,Acme\n", file="l.csv")
    assert encoding.value.line == 3
    with pytest.raises(SourceFormatError, match="no 'exporter' column"):
        service.monitoring.import_csv(b"name\nX\n", file="n.csv")
    assert service.monitoring.find() == []


@pytest.mark.imported(SDN_FEB)
def test_a_bom_semicolons_and_a_default_exporter_are_read(service: ExportGuard) -> None:
    """Excel's "CSV UTF-8" starts with a byte-order mark; some locales separate with ";"."""
    data = "\ufeffName;Country;Role;External ID\r\nNord Stream 2 AG;CH;distributor;N-1\r\n"
    found = service.monitoring.import_csv(data.encode("utf-8"), file="excel.csv",
                                          exporter="Acme")  # fmt: skip
    (party,) = service.monitoring.find()
    assert found.created == (party.id,)
    assert (party.name, party.country, party.role, party.reference, party.exporter
            ) == ("Nord Stream 2 AG", "CH", "distributor", "N-1", "Acme")  # fmt: skip


def test_an_exporter_imports_its_own_counterparties_only(service: ExportGuard) -> None:
    from exportguard.core.permissions import Actor

    mine = service.for_actor(Actor("exporter", "exporter", "Acme Cyber"))
    with pytest.raises(InvalidInput, match="is not your company") as caught:
        mine.monitoring.import_csv(book_csv([{"name": "X Ltd", "exporter": "Globex"}]),
                                   file="b.csv")  # fmt: skip
    assert caught.value.errors[0].field == "b.csv, line 2, exporter"
    found = mine.monitoring.import_csv(b"name\nX Ltd\n", file="b.csv", exporter="Globex")
    assert service.monitoring.get(found.created[0]).exporter == "Acme Cyber"


@pytest.mark.imported(SDN_FEB)
def test_parties_kept_with_no_list_in_force_are_screened_by_the_next_run(
    service: ExportGuard,
) -> None:
    """Every snapshot retired, a book imported (nothing to screen against): the next list
    import screens the whole book, not only against what changed since the last run."""
    (feb,) = service.snapshots()
    service.retire_snapshot(feb.id, reason="a test of an empty store")
    found = service.monitoring.import_csv(b"name,exporter,type\nGennady Timchenko,Acme,person\n",
                                          file="b.csv")  # fmt: skip
    assert found.alerts == ()
    report = service.import_files([read(SDN_MAR)])
    assert [(a.counterparty_id, a.kind) for a in report.alerts] == [(found.created[0], "new")]
    runs = [r.payload["mode"] for r in service.audit.records() if r.kind == "monitoring-run"]
    assert runs[-1] == "full"


class Flaky:
    """A webhook that is down until ``up`` is set."""

    def __init__(self) -> None:
        self.up = False
        self.posted: list[bytes] = []

    def post(self, body: bytes, headers: Any) -> None:
        from exportguard.errors import DownloadError

        if not self.up:
            raise DownloadError("webhook: connection refused")
        self.posted.append(body)


def test_each_alert_shows_its_webhook_delivery_and_undelivered_counts_per_exporter(
    db_url: str,
) -> None:
    from datetime import timedelta

    from exportguard.core.permissions import Actor

    now = [FIXED_NOW]
    hook = Flaky()
    eg = ExportGuard(db_url, clock=lambda: now[0], notifier=hook)  # type: ignore[arg-type]
    eg.import_demo()
    found = eg.monitoring.import_csv(b"name,exporter,country\nCandiru Ltd,Acme,IL\n"
                                     b"NSO Group,Globex,IL\n", file="b.csv")  # fmt: skip
    assert len(found.alerts) == 2
    (acme,) = eg.monitoring.alerts(exporter="Acme")
    assert acme.delivery.status == "pending"
    assert acme.delivery.attempts == 1
    assert "connection refused" in acme.delivery.last_error
    assert (eg.monitoring.undelivered(), eg.monitoring.undelivered("Acme")) == (2, 1)
    mine = eg.for_actor(Actor("globex", "exporter", "Globex"))
    assert mine.monitoring.undelivered() == 1  # its own company's, whatever it asks
    hook.up = True
    now[0] = FIXED_NOW + timedelta(minutes=2)
    assert eg.monitoring.deliver()["undelivered"] == 0
    assert [a.delivery.status for a in eg.monitoring.alerts()] == ["delivered"] * 2
    eg.close()


# --- incremental == full ---------------------------------------------------------------------


@dataclass(frozen=True)
class Book:
    csv: bytes
    added: set[str]  # names of parties newly listed in March
    changed: set[str]  # names of entries changed in March
    removed: str
    unchanged: set[str]
    clean: set[str]


@pytest.fixture(scope="module")
def sdn_pair(parsed_list: Callable[[str], ParsedList]) -> tuple[list[ListEntry], list[ListEntry]]:
    return list(parsed_list(SDN_FEB).entries), list(parsed_list(SDN_MAR).entries)


def test_screening_only_changed_entries_finds_what_a_full_screening_finds_there(
    sdn_pair: tuple[list[ListEntry], list[ListEntry]],
) -> None:
    """``NameIndex.screen(only=...)`` makes the candidate cuts over every name: its hits are
    exactly a full screening's hits on the flagged entries, names and parts alike."""
    from exportguard.core.index import NameIndex
    from exportguard.core.queries import build_query
    from exportguard.core.query_parts import screen_with_parts

    feb, mar = sdn_pair
    diff = diff_entries(digests(feb), digests(mar))
    index = NameIndex.build(2, mar)
    flagged = {("us_ofac_sdn", i) for i in diff.added + diff.changed}
    mask = index.entry_mask(flagged)
    assert int(mask.sum()) == 825
    queries = [e.name for e in mar[::40]] + [e.name.lower().replace("a", "o", 1) for e in mar[::97]]
    queries += ["Sberbank (PJSC)", "Bank Rossiya", "Alexander Smith", "Victoria Trading LLC"]
    on = FIXED_NOW.date()
    reached = 0
    for name in queries:
        query = build_query(name)
        full = screen_with_parts(query, lambda q: index.screen(q, threshold=0.86, as_of=on))
        only = screen_with_parts(
            query, lambda q: index.screen(q, threshold=0.86, as_of=on, only=mask))
        expected = [(h.entry.id, round(h.score, 6)) for h in full
                    if ("us_ofac_sdn", h.entry.id) in flagged]  # fmt: skip
        assert [(h.entry.id, round(h.score, 6)) for h in only] == expected, name
        reached += bool(expected)
    assert reached >= 25  # queries that do reach a changed entry (29 here)


@pytest.fixture(scope="module")
def sdn_book(sdn_pair: tuple[list[ListEntry], list[ListEntry]]) -> Book:
    """~200 counterparties: newly listed, changed, delisted, unchanged, clean, acronym."""
    feb, mar = sdn_pair
    diff = diff_entries(digests(feb), digests(mar))
    assert (len(diff.added), len(diff.removed), len(diff.changed)) == (792, 1, 33)
    by_id = {e.id: e for e in feb} | {e.id: e for e in mar}
    rows: list[dict[str, str]] = []

    def add(entry_id: str) -> str:
        e = by_id[entry_id]
        kind = e.type.value if e.type.value in ("person", "organization") else ""
        rows.append({"name": e.name, "exporter": "Acme", "type": kind})
        return e.name

    added = {add(i) for i in sorted(diff.added)[::20]}
    changed = {add(i) for i in diff.changed}
    (removed,) = [add(i) for i in diff.removed]
    kept = sorted(set(digests(feb)) - set(diff.changed) - set(diff.removed))
    unchanged = {add(i) for i in kept[::300]}
    clean = {f"{a} {b}" for a in ("Nordwind", "Helvetia Kestrel", "Marigold", "Quillon",
                                  "Tessaract", "Brightwater")
             for b in ("Logistik GmbH", "Trading Ltd", "Systems Inc", "Freight BV",
                       "Components SRL", "Optics AB")}  # fmt: skip
    rows += [{"name": n, "exporter": "Acme", "country": "DE"} for n in sorted(clean)]
    rows.append({"name": "Russian Direct Investment Fund (RDIF)", "exporter": "Acme"})
    for i, row in enumerate(rows):
        row["reference"] = f"R-{i:04d}"
    return Book(book_csv(rows), added, changed, removed, unchanged, clean)


def _state(eg: ExportGuard) -> dict[str, Any]:
    alerts = eg.monitoring.alerts(status=None)
    with eg.engine.connect() as conn:
        hits = conn.execute(sa.text(
            "SELECT counterparty_id, source, entry_id, entry_digest, score FROM counterparty_hits"
        )).all()  # fmt: skip
    return {
        "alerts": {(a.counterparty_id, a.entry_id, a.kind, a.score, a.status,
                    a.resolution) for a in alerts},
        "hits": {tuple(h) for h in hits},
    }


@pytest.fixture
def full_store(tmp_path: Path, store_templates: StoreTemplates) -> Iterator[ExportGuard]:
    """A second store with the SDN of February imported."""
    url = f"sqlite:///{tmp_path / 'full.db'}"
    store_templates.copy_into(url, Stock((SDN_FEB,)))
    eg = ExportGuard(url, clock=lambda: FIXED_NOW)
    yield eg
    eg.close()


@pytest.mark.imported(SDN_FEB)
def test_incremental_rescreen_raises_what_a_full_one_does(
    service: ExportGuard, full_store: ExportGuard, sdn_book: Book
) -> None:
    for eg in (service, full_store):
        eg.monitoring.import_csv(sdn_book.csv, file="book.csv")
    with full_store.engine.begin() as conn:  # no baseline: the March import screens in full
        conn.execute(sa.text("DELETE FROM monitoring_runs"))
    incremental = service.import_files([read(SDN_MAR)])
    full = full_store.import_files([read(SDN_MAR)])
    runs = [r for r in service.audit.records() if r.kind == "monitoring-run"]
    assert runs[-1].payload["mode"] == "incremental"
    assert runs[-1].payload["delta"]["us_ofac_sdn"] | {"sha256": ""} == {
        "from": 1, "to": 2, "added": 792, "removed": 1, "changed": 33, "sha256": ""}
    # Screened again in full: the parties of the changed entries (and a few near them) only.
    expected = len(sdn_book.added) + len(sdn_book.changed) + 2
    assert expected <= runs[-1].payload["treated"] <= expected + 5
    assert runs[-1].payload["screened"] == len(service.monitoring.find())
    assert [r for r in full_store.audit.records() if r.kind == "monitoring-run"][-1].payload[
        "mode"] == "full"  # fmt: skip

    def raised(report: Any) -> set[tuple[str, str, str, float]]:
        return {(a.counterparty_id, a.entry_id, a.kind, a.score)
                for a in report.alerts}  # fmt: skip

    assert raised(incremental) == raised(full)
    assert _state(service) == _state(full_store)
    # And the alerts are the right ones: newly listed and changed raise; unchanged, clean
    # do not; the delisted entry's alert resolves itself.
    by_party = {}
    for a in incremental.alerts:
        by_party.setdefault(a.data["counterparty"], set()).add(a.kind)
    assert sum(1 for n in sdn_book.added if "new" in by_party.get(n, ())) >= 0.9 * len(
        sdn_book.added)  # fmt: skip
    assert sum(1 for n in sdn_book.changed if "changed" in by_party.get(n, ())) >= 25
    assert not set(by_party) & (sdn_book.unchanged | sdn_book.clean)
    assert "new" in by_party["Russian Direct Investment Fund (RDIF)"]
    delisted = [a for a in service.monitoring.alerts(status="resolved")
                if a.resolution == "delisted"]  # fmt: skip
    assert [a.data["counterparty"] for a in delisted] == [sdn_book.removed]
    assert service.audit.verify().ok
    # Nothing changed since: a run now screens no one and raises nothing.
    again = service.monitoring.run()
    assert (again.mode, again.treated, again.alerts) == ("incremental", 0, ())


def test_incremental_on_dask_equals_in_process(
    tmp_path: Path, sdn_book: Book, store_templates: StoreTemplates
) -> None:
    """The screening step on a local Dask cluster (the worker opens the same SQLite file)."""
    from distributed import LocalCluster

    from exportguard.batch.cluster import BookScreener

    stores = {}
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                      dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR) as running:
        for name in ("local", "dask"):
            url = f"sqlite:///{tmp_path / name}.db"
            store_templates.copy_into(url, Stock((SDN_FEB,)))  # the SDN of February imported
            screener = (BookScreener(url, scheduler=running.scheduler_address, min_parties=0)
                        if name == "dask" else None)  # fmt: skip
            eg = ExportGuard(url, clock=lambda: FIXED_NOW, screener=screener)
            eg.monitoring.import_csv(sdn_book.csv, file="book.csv")
            eg.import_files([read(SDN_MAR)])
            stores[name] = _state(eg)
            eg.close()
    assert stores["dask"] == stores["local"]
    assert any(kind == "changed" for _, _, kind, *_ in stores["dask"]["alerts"])


def test_a_line_repeated_or_a_row_without_its_reference_adds_one_counterparty(
    service: ExportGuard,
) -> None:
    """A fresh review: a row without a reference matching a referenced row (same exporter,
    name, country) was created twice, and an exact repeated line refused the whole file."""
    data = book_csv([
        {"name": "Globex Trading", "exporter": "Acme", "country": "DE", "reference": "G-1"},
        {"name": "Globex Trading", "exporter": "Acme", "country": "DE"},
        {"name": "Initech", "exporter": "Acme", "country": "US"},
        {"name": "Initech", "exporter": "Acme", "country": "US"},
    ])  # fmt: skip
    result = service.monitoring.import_csv(data, file="book.csv")
    assert len(result.created) == 2
    assert sorted(p.name for p in service.monitoring.find()) == ["Globex Trading", "Initech"]
