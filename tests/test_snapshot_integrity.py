"""A list snapshot cannot shadow the real list: no future dates, no dates from uploaded file
names, no official source ids in self-written files, undated files ranked below dated ones,
and snapshots an admin retires (audited). On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from exportguard.core.permissions import Actor
from exportguard.core.snapshots import DateBasis, SourceFile
from exportguard.errors import InvalidInput, PermissionDenied, SourceFormatError
from exportguard.services import ExportGuard


def native(source: str, name: str, published: str | None = None) -> bytes:
    head = f"format: exportguard-list/1\nsource: {source}\nlist_name: Test list\n"
    if published:
        head += f"published: {published}\n"
    return (head + f"entries:\n  - id: e1\n    type: organization\n    name: {name}\n").encode()


def names_found(eg: ExportGuard, name: str) -> list[str]:
    return [h.entry.name for h in eg.screen(name).hits]


@pytest.fixture
def eg(service: ExportGuard) -> ExportGuard:
    service.import_demo()
    return service


def test_a_publication_date_in_the_future_is_refused(eg: ExportGuard) -> None:
    shadow = SourceFile("shadow.yaml", native("exportguard_demo", "Someone Else", "2099-12-31"))
    with pytest.raises(InvalidInput, match="after today"):
        eg.import_files([shadow])
    with pytest.raises(InvalidInput, match="after today"):
        eg.import_files([SourceFile("x.yaml", native("acme_internal", "X"))],
                        published=date(2099, 12, 31))  # fmt: skip
    assert names_found(eg, "NSO Group")[0] == "NSO Group"
    assert len(eg.snapshots()) == 1


def test_an_uploaded_file_name_does_not_date_a_snapshot(eg: ExportGuard) -> None:
    upload = SourceFile("exportguard_demo_2026-11-14.yaml", native("acme_internal", "Zeta Ltd"))
    (result,) = eg.import_files([upload], dates_from_paths=False).results
    assert result.snapshot.date_basis is DateBasis.IMPORT_DATE
    assert result.snapshot.published == date(2026, 11, 16)  # the fixed clock's day
    assert any("no publication date" in w for w in result.warnings)


def test_a_self_written_file_cannot_claim_an_official_source(eg: ExportGuard) -> None:
    for official in ("us_ofac_sdn", "us_trade_csl", "un_sc"):
        fake = SourceFile("mine.yaml", native(official, "Nobody", "2022-01-01"))
        with pytest.raises(SourceFormatError, match="official list"):
            eg.import_files([fake])


def test_an_undated_snapshot_never_replaces_a_dated_one(eg: ExportGuard) -> None:
    dated = SourceFile("a.yaml", native("acme_internal", "Alpha Trading", "2025-06-01"))
    undated = SourceFile("b.yaml", native("acme_internal", "Beta Trading"))
    eg.import_files([dated])
    (later,) = eg.import_files([undated]).results
    assert not later.snapshot.dated
    current = {s.source: s for s in eg.snapshots_in_force()}
    assert current["acme_internal"].published == date(2025, 6, 1)
    assert names_found(eg, "Alpha Trading") == ["Alpha Trading"]
    assert names_found(eg, "Beta Trading") == []


def test_the_undated_sdn_sample_stands_only_alone(
    service: ExportGuard, source_file: Callable[[str], SourceFile]
) -> None:
    sample = [source_file(f"us_ofac_sdn/sample_small/{n}") for n in ("sdn.csv",)]
    (result,) = service.import_files(sample).results
    assert result.snapshot.source == "us_ofac_sdn"
    assert result.snapshot.date_basis in (DateBasis.IMPORT_DATE, DateBasis.NEWEST_LISTING)
    assert [s.id for s in service.snapshots_in_force()] == [result.snapshot.id]


def test_an_admin_retires_a_snapshot_and_it_is_no_longer_screened(eg: ExportGuard) -> None:
    (demo,) = eg.snapshots()
    officer = eg.for_actor(Actor("officer", "officer"))
    with pytest.raises(PermissionDenied):
        officer.retire_snapshot(demo.id, reason="looks wrong")
    admin = eg.for_actor(Actor("admin", "admin"))
    retired = admin.retire_snapshot(demo.id, reason="self-written copy")
    assert retired.retired
    assert retired.retired_by == "admin"
    assert eg.snapshots_in_force() == []
    assert names_found(eg, "NSO Group") == []
    with pytest.raises(InvalidInput, match="already retired"):
        admin.retire_snapshot(demo.id, reason="again")
    record = [r for r in eg.audit.records() if r.kind == "list-retire"]
    assert record[0].payload["reason"] == "self-written copy"
    assert record[0].actor == "admin"
    assert eg.audit.verify().ok


def test_the_same_file_imported_twice_at_once_is_one_snapshot(service: ExportGuard) -> None:
    import threading

    file = SourceFile("mine.yaml", native("acme_internal", "Gamma Holdings", "2025-01-01"))
    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def run() -> None:
        barrier.wait()
        try:
            outcomes.append(service.import_files([file]).results[0].created)
        except Exception as exc:  # what the loser got before the fix: an IntegrityError
            outcomes.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(map(str, outcomes)) == ["False", "True"]
    assert len(service.snapshots()) == 1


@pytest.mark.imported("us_trade_csl/2022-05-16/consolidated.csv")
def test_a_sample_dated_by_its_newest_listing_never_replaces_the_full_list(
    service: ExportGuard, lists_dir: Path
) -> None:
    """A fresh review: the 13-row CSL sample carries no date, its newest listing is
    2023-07-19, later than the full CSL's 2022-05-16, and it had become the CSL screened
    against ("NSO Group": no hit). An inferred date never outranks a stated one, in
    either order of import. The store holds the full CSL (``imported``)."""
    (full,) = service.snapshots()
    sample = service.import_paths(
        [lists_dir / "us_trade_csl" / "sample_small" / "consolidated.csv"]
    ).results[0]
    assert sample.snapshot.date_basis is DateBasis.NEWEST_LISTING
    assert sample.snapshot.published > full.published
    assert [s.id for s in service.snapshots_in_force()] == [full.id]
    assert service.screen("NSO Group", record=False).hits
    assert sample.snapshot.date_rank < full.date_rank
