"""Screening through the service, the CLI and the API on real lists (issue 11, kinds 9, 10,
14): as of today by default, listing dates in every output, rows of one listing grouped,
"N hits, M shown", and --source/--list filters."""

from __future__ import annotations

import inspect
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from exportguard.cli import app
from exportguard.errors import InvalidInput
from exportguard.services import ExportGuard
from exportguard.services.screening import Screening, ScreenOptions
from tests.conftest import FIXED_NOW, Stock, StoreTemplates

DPL = "us_bis_dpl/2023-11-30/dpl.txt"
CSL = "us_trade_csl/2022-05-16/consolidated.csv"


@pytest.fixture
def loaded(service: ExportGuard) -> ExportGuard:
    """The DPL, then the CSL, imported (``imported`` marks: tests/conftest.py)."""
    return service


#: The stores of this module's tests start with the DPL, then the CSL, imported.
pytestmark = pytest.mark.imported(DPL, CSL)


def test_screening_without_a_date_is_as_of_today(loaded: ExportGuard) -> None:
    # The DPL of 2023-11-30 lists Al Naser Airlines under orders that expire 2024-10-30.
    today = loaded.screen("Al Naser Airlines", limit=None, sources=["us_bis_dpl"])
    assert today.as_of == FIXED_NOW.date()  # the service's clock
    assert today.hits == ()
    then = loaded.screen(
        "Al Naser Airlines", limit=None, sources=["us_bis_dpl"], as_of=date(2024, 1, 1)
    )
    assert then.hits
    assert all(h.entry.in_force(date(2024, 1, 1)) for h in then.hits)
    for hit in then.to_dict()["hits"]:
        assert hit["listed_from"] == "2023-10-31"
        assert hit["listed_until"] == "2024-10-30"


def test_rows_of_one_listing_are_one_hit_and_the_cut_is_said(loaded: ExportGuard) -> None:
    result = loaded.screen(
        "Al Naser Airlines", limit=1, lists=["Denied Persons"], as_of=date(2022, 5, 16)
    )
    data = result.to_dict()
    assert data["total_hits"] > data["shown"] == 1
    grouped = [h for h in data["hits"] if len(h["rows"]) > 1]
    assert grouped
    assert all(h["rows"][0] == h["entity_id"] for h in data["hits"])


def test_source_and_list_filters(loaded: ExportGuard) -> None:
    only_dpl = loaded.screen("Al Naser Airlines", sources=["us_bis_dpl"], as_of=date(2024, 1, 1))
    assert {h.entry.source for h in only_dpl.hits} == {"us_bis_dpl"}
    entity_list = loaded.screen("Huawei", lists=["entity list"], limit=None)
    assert entity_list.hits
    assert all("Entity List" in h.entry.list_name for h in entity_list.hits)
    with pytest.raises(InvalidInput) as caught:
        loaded.screen("Huawei", sources=["no_such_list"])
    assert caught.value.errors[0].field == "sources"


def test_cli_filters_dates_and_the_cut(tmp_path: Path, store_templates: StoreTemplates) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    store_templates.copy_into(db, Stock((DPL, CSL)))  # as `lists import` of each leaves it
    runner = CliRunner()
    result = runner.invoke(
        app, ["--db", db, "screen", "Huawei", "--list", "Entity List", "--limit", "3"]
    )
    assert result.exit_code == 0, result.stdout
    assert "hits, 3 shown" in result.stdout
    assert "listed from" in result.stdout
    result = runner.invoke(
        app, ["--db", db, "screen", "Huawei", "--source", "us_trade_csl", "--json"]
    )
    data = json.loads(result.stdout)
    assert data["sources"] == ["us_trade_csl"]
    assert data["as_of"]


def test_an_as_of_date_before_the_stored_lists_is_said(loaded: ExportGuard) -> None:
    """Review of issue 11: screening as of 2021 against lists published in 2022 and 2023
    used them silently; the answer now says so (service, --json, CLI text)."""
    early = loaded.screen("Al Naser Airlines", as_of=date(2021, 1, 1))
    warnings = early.to_dict()["warnings"]
    assert {w.split()[1] for w in warnings} == {"us_bis_dpl", "us_trade_csl"}
    assert all("after the as-of date 2021-01-01" in w for w in warnings)
    assert loaded.screen("Al Naser Airlines").to_dict()["warnings"] == []


def test_cli_says_an_as_of_date_is_before_the_lists(
    tmp_path: Path, store_templates: StoreTemplates
) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    store_templates.copy_into(db, Stock((DPL, CSL)))
    out = CliRunner().invoke(app, ["--db", db, "screen", "Al Naser", "--as-of", "2021-01-01"])
    assert out.exit_code == 0, out.output
    said = " ".join(out.output.split())
    assert "published on 2022-05-16, after the as-of date 2021-01-01" in said


def test_the_one_off_screen_takes_the_service_options_typed() -> None:
    """``exportguard.screen(name, **options)``: its options (``ScreenOptions``) are
    ``ExportGuard.screen``'s keyword parameters, each with the same type."""
    keywords = {
        name: param.annotation
        for name, param in inspect.signature(Screening.screen).parameters.items()
        if param.kind is param.KEYWORD_ONLY
    }
    declared = {name: ref.__forward_arg__ for name, ref in ScreenOptions.__annotations__.items()}
    assert declared == keywords


def test_the_one_off_screen_passes_its_options_on(loaded: ExportGuard, db_url: str) -> None:
    import exportguard

    then = exportguard.screen(
        "Al Naser Airlines", database_url=db_url, sources=["us_bis_dpl"],
        as_of=date(2024, 1, 1), limit=None, record=False,
    )  # fmt: skip
    assert then.hits
    assert {h.entry.source for h in then.hits} == {"us_bis_dpl"}


def test_a_screening_again_shows_the_same_entries_from_the_entry_cache(
    loaded: ExportGuard,
) -> None:
    # The second screening reads its hits' entries from the cache, not the store: the
    # entries are the very objects the first read, and the hits show the same details.
    first = loaded.screen("Al Naser Airlines", limit=None, as_of=date(2024, 1, 1))
    assert first.entries, "the DPL lists Al Naser Airlines on 2024-01-01"
    again = loaded.screen("Al Naser Airlines", limit=None, as_of=date(2024, 1, 1))
    assert again.entries.keys() == first.entries.keys()
    assert all(again.entries[k] is first.entries[k] for k in first.entries)
    assert again.to_dict()["hits"] == first.to_dict()["hits"]


def test_the_entry_cache_keeps_the_most_recently_used(loaded: ExportGuard) -> None:
    from exportguard.services.snapshots import ENTRY_CACHE_SIZE, IndexCache

    (dpl,) = [s for s in loaded.snapshots() if s.source == "us_bis_dpl"]
    stored = loaded.entries(dpl.id)
    cache = IndexCache()
    cache.keep_entries(dpl.id, stored[:2])
    assert cache.known_entries(dpl.id, [stored[0].id])  # now the most recently used
    # Fill it to the brim with made-up keys: the entry used last survives, the other goes.
    cache.keep_entries(dpl.id + 1, [replace(stored[2], id=f"x{n}")
                                    for n in range(ENTRY_CACHE_SIZE - 1)])  # fmt: skip
    assert len(cache.entries) == ENTRY_CACHE_SIZE
    kept = cache.known_entries(dpl.id, [stored[0].id, stored[1].id])
    assert list(kept) == [stored[0].id]


def test_requests_arriving_together_share_one_merged_index(loaded: ExportGuard) -> None:
    # A service just started meets 16 requests at once: one merges every list's index, the
    # others wait for it (each merging its own once took a worker to 985 MiB resident).
    import threading

    snapshots = loaded.snapshots_in_force()
    loaded.lists.cache.indexes.clear()
    loaded.lists.cache.merged.clear()
    barrier = threading.Barrier(8)
    got: list[object] = []

    def merge() -> None:
        barrier.wait()
        got.append(loaded.lists.merged_index(snapshots))

    threads = [threading.Thread(target=merge) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(got) == 8
    assert all(index is got[0] for index in got)
