"""Importing lists into the store and screening against them, on SQLite and PostgreSQL."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest

from exportguard.core.snapshots import SourceFile
from exportguard.errors import InvalidInput, SourceFormatError
from exportguard.services import ExportGuard

SDN_FEB = "us_ofac_sdn/2022-02-17/sdn.csv"
SDN_MAR = "us_ofac_sdn/2022-03-31/sdn.csv"
CSL = "us_trade_csl/2022-05-16/consolidated.csv"


def read(lists_dir: Path, rel: str) -> SourceFile:
    return SourceFile(str(lists_dir / rel), (lists_dir / rel).read_bytes())


def test_demo_import_and_screen_nso(service: ExportGuard) -> None:
    report = service.import_demo()
    (result,) = report.results
    assert result.created
    assert result.snapshot.source == "exportguard_demo"
    assert result.snapshot.counts["entries"] == 6
    hits = service.screen("NSO Group").hits
    assert hits[0].entry.name == "NSO Group"
    assert hits[0].entry.licence_policy == "Presumption of denial."
    assert hits[0].entry.citation == "86 FR 60760"


def test_same_bytes_twice_is_a_no_op(service: ExportGuard) -> None:
    first = service.import_demo().results[0]
    again = service.import_demo().results[0]
    assert not again.created
    assert again.snapshot.id == first.snapshot.id
    assert len(service.snapshots()) == 1


def test_real_csl_import_counts_and_entity_list_hit(service: ExportGuard, lists_dir: Path) -> None:
    (result,) = service.import_files([read(lists_dir, CSL)]).results
    snap = result.snapshot
    assert snap.source == "us_trade_csl"
    assert snap.counts["entries"] == 14159
    assert snap.published == date(2022, 5, 16)  # from the path: the CSL carries no date
    result_ = service.screen("Candiru Ltd", country="IL")
    top = result_.hits[0]
    assert top.entry.list_name == "Entity List (EL) - Bureau of Industry and Security"
    assert top.entry.listed_from == date(2021, 11, 4)
    full = result_.entries[(top.snapshot_id, top.entry.id)]
    assert "Saito Tech Ltd." in {a.name for a in full.aliases}


@pytest.mark.imported(CSL)
def test_cross_script_queries_find_the_entity_list_entries(service: ExportGuard) -> None:
    assert "Positive Technologies" in {
        h.entry.name for h in service.screen("Позитив Текнолоджиз").hits
    }
    assert service.screen("קנדירו").hits[0].entry.name == "Candiru"


def test_as_of_uses_the_snapshot_in_force_and_listing_dates(
    service: ExportGuard, lists_dir: Path
) -> None:
    service.import_files([read(lists_dir, SDN_FEB)], published=date(2022, 2, 17))
    service.import_files([read(lists_dir, SDN_MAR)], published=date(2022, 3, 31))
    # NORD STREAM 2 AG (ent 31926) is in the March file and not in the February one.
    march = {s.published for s in service.snapshots_in_force(date(2022, 3, 31))}
    feb = {s.published for s in service.snapshots_in_force(date(2022, 3, 1))}
    assert march == {date(2022, 3, 31)}
    assert feb == {date(2022, 2, 17)}
    # Before any snapshot: the earliest stands in.
    assert [s.published for s in service.snapshots_in_force(date(2021, 1, 1))] == [
        date(2022, 2, 17)
    ]
    name = "Nord Stream 2 AG"
    march_hits = service.screen(name, as_of=date(2022, 3, 31)).hits
    assert march_hits[0].entry.id == "us_ofac_sdn:31926"
    assert "us_ofac_sdn:31926" not in {
        h.entry.id for h in service.screen(name, as_of=date(2022, 3, 1)).hits
    }
    # The diff of the two: 792 listed, 1 delisted, 33 changed (OFAC's own notices agree).
    feb_id, mar_id = (s.id for s in service.snapshots())
    diff = service.snapshot_diff(feb_id, mar_id)
    assert (len(diff["added"]), len(diff["removed"]), len(diff["changed"])) == (792, 1, 33)
    assert diff["removed"][0]["name"] == "Yani Benjamin ROSENTHAL HIDALGO"
    assert "us_ofac_sdn:31926" in {e["id"] for e in diff["added"]}
    rotenberg = next(e for e in diff["changed"] if e["name"] == "Arkady Romanovich ROTENBERG")
    assert {c["field"] for c in rotenberg["changes"]} >= {"programs"}
    change = next(c for c in rotenberg["changes"] if c["field"] == "programs")
    assert "RUSSIA-EO14024" in change["after"]
    assert "RUSSIA-EO14024" not in change["before"]
    assert service.snapshot_diff(mar_id, mar_id)["changed"] == []
    with pytest.raises(InvalidInput, match="give the older one first"):
        service.snapshot_diff(mar_id, feb_id)


def test_as_of_hides_entries_listed_later(service: ExportGuard) -> None:
    service.import_demo()
    assert service.screen("NSO Group", as_of=date(2021, 10, 1)).hits == ()
    assert service.screen("NSO Group", as_of=date(2021, 11, 4)).hits


def test_failed_import_leaves_previous_data_intact(
    service: ExportGuard, lists_dir: Path, tmp_path: Path
) -> None:
    service.import_demo()
    good = read(lists_dir, "us_bis_dpl/2023-11-30/dpl.txt")
    broken = SourceFile("broken/sdn.csv", read(lists_dir, SDN_FEB).data[:5000])
    with pytest.raises(SourceFormatError) as caught:
        service.import_files([good, broken])
    assert "broken/sdn.csv" in str(caught.value)
    assert [s.source for s in service.snapshots()] == ["exportguard_demo"]
    assert service.screen("NSO Group").hits


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.xml", b"", "empty"),
        (
            "bomb.xml",
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;">]><CONSOLIDATED_LIST>&lol2;'
            b"</CONSOLIDATED_LIST>",
            "DOCTYPE",
        ),
        (
            "xxe.xml",
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b"<sdnList>&e;</sdnList>",
            "DOCTYPE",
        ),
        ("notes.txt", b"just some text\n", "unrecognised list format"),
        ("utf16.csv", "Name\tStreet_Address\n".encode("utf-16"), "unrecognised"),
    ],
)
def test_bad_files_are_refused_with_their_name(
    service: ExportGuard, name: str, data: bytes, message: str
) -> None:
    with pytest.raises(SourceFormatError) as caught:
        service.import_files([SourceFile(name, data)])
    assert name in str(caught.value)
    assert message in str(caught.value)
    assert service.snapshots() == []


def test_zip_bomb_is_refused(service: ExportGuard, tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("CONS_ENHANCED.XML", b"\0" * (50 * 1024 * 1024))
    with pytest.raises(SourceFormatError) as caught:
        service.import_paths([path])
    assert "zip bomb" in str(caught.value)
    assert service.snapshots() == []


def test_zipped_and_plain_enhanced_xml_are_one_snapshot(
    service: ExportGuard, lists_dir: Path
) -> None:
    folder = lists_dir / "us_ofac_cons/2025-01-10_enhanced_xml"
    report = service.import_paths([folder / "CONS_ENHANCED.ZIP", folder / "CONS_ENHANCED.XML"])
    assert [r.created for r in report.results] == [True]
    assert report.results[0].snapshot.published == date(2025, 1, 10)


def test_folder_import_skips_non_list_files(service: ExportGuard, lists_dir: Path) -> None:
    report = service.import_paths([lists_dir / "uk_fcdo", lists_dir / "eu_fsf"])
    assert sorted(r.snapshot.source for r in report.results) == ["eu_fsf", "uk_fcdo"]


def test_sdn_alone_and_the_full_set_import(service: ExportGuard, lists_dir: Path) -> None:
    report = service.import_paths([lists_dir / "us_ofac_sdn/2021-07-07"])
    (result,) = report.results
    assert result.snapshot.format == "ofac_csv"
    assert len(result.snapshot.files) == 4
    assert result.snapshot.counts["entries"] == 8976


def test_add_and_alt_without_sdn_csv_is_an_error(service: ExportGuard, lists_dir: Path) -> None:
    with pytest.raises(SourceFormatError, match=r"sdn\.csv"):
        service.import_paths([lists_dir / "us_ofac_sdn/2025-12-24_add_alt_comments_only"])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x", "country": "Atlantis"}, "country"),
        ({"name": "x", "type": "spaceship"}, "type"),
        ({"name": "x", "birth_date": "1970-13"}, "birth_date"),
        ({"name": "x", "threshold": 1.5}, "threshold"),
        ({"name": "x", "limit": 0}, "limit"),
        ({"name": "...."}, "name"),
    ],
)
def test_bad_screening_input_names_the_field(
    service: ExportGuard, kwargs: dict[str, object], field: str
) -> None:
    options = dict(kwargs)
    name = str(options.pop("name"))
    with pytest.raises(InvalidInput) as caught:
        service.screen(name, **options)  # type: ignore[arg-type]
    assert [e.field for e in caught.value.errors] == [field]


def test_missing_path_is_invalid_input(service: ExportGuard, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no such file"):
        service.import_paths([tmp_path / "nope.csv"])


def test_index_is_persisted_and_reloaded(db_url: str, lists_dir: Path) -> None:
    first = ExportGuard(db_url)
    first.import_files([read(lists_dir, "us_bis_dpl/2023-11-30/dpl.txt")])
    first.close()
    second = ExportGuard(db_url)
    (snap,) = second.snapshots()
    index = second.index(snap.id)
    assert len(index) > 500
    # Listed 2022-08-24 until 2026-01-14: screened on a day in force (today it has ended).
    assert second.screen("Aaron Abraham Villa", limit=1, as_of=date(2025, 1, 1)).hits
    second.close()


SAMPLE = "us_ofac_sdn/sample_small"


def _sample(lists_dir: Path) -> list[SourceFile]:
    folder = lists_dir / SAMPLE
    return [read(lists_dir, f"{SAMPLE}/{p.name}") for p in sorted(folder.iterdir())]


def test_a_newer_undated_import_set_aside_is_said_and_dated_by_importing_it_again(
    service: ExportGuard, lists_dir: Path
) -> None:
    """Review finding (critical): an undated file imported after a dated one of its source
    is not screened, silently. Every screening now says so, and importing the same file
    again with its publication date dates it (audited), after which it is screened."""
    dated = service.import_files([read(lists_dir, SDN_FEB)], published=date(2022, 2, 17))
    undated = service.import_files(_sample(lists_dir)).results[0]
    assert undated.created
    assert undated.snapshot.date_basis.value == "import-date"
    assert "import it again with its publication date" in " ".join(undated.warnings)
    result = service.screen("Banco Nacional de Cuba", record=False)
    (note,) = [w for w in result.warnings() if "NOT screened" in w]
    assert f"snapshot {undated.snapshot.id} of us_ofac_sdn" in note
    assert f"snapshot {dated.results[0].snapshot.id}, published 2022-02-17" in note
    assert note in result.to_dict()["warnings"]
    recorded = service.screen("Banco Nacional de Cuba")
    assert recorded.audit_seq is not None
    certificate = service.audit.certificate(recorded.audit_seq)[0]
    assert "Notes on the lists" in certificate
    assert f"snapshot {undated.snapshot.id} of us_ofac_sdn" in certificate
    # The same bytes with a date: the snapshot takes it, and is the one screened.
    again = service.import_files(_sample(lists_dir), published=date(2026, 11, 1)).results[0]
    assert (again.created, again.redated) == (False, True)
    assert again.snapshot.id == undated.snapshot.id
    assert again.snapshot.published == date(2026, 11, 1)
    assert again.snapshot.date_basis.value == "given"
    assert [s.id for s in service.snapshots_in_force()] == [undated.snapshot.id]
    assert not [w for w in service.screen("Cuba", record=False).warnings() if "NOT" in w]
    kinds = [r.kind for r in service.audit.records()]
    assert kinds.count("list-redate") == 1
    # A date typed by hand can be corrected the same way (audited again) ...
    fixed = service.import_files(_sample(lists_dir), published=date(2026, 11, 2)).results[0]
    assert (fixed.redated, fixed.snapshot.published) == (True, date(2026, 11, 2))
    assert [r.kind for r in service.audit.records()].count("list-redate") == 2
    # ... a date after today is refused even for stored content ...
    with pytest.raises(InvalidInput):
        service.import_files(_sample(lists_dir), published=date(2026, 12, 1))
    # ... and a date the file's folder states is never replaced.
    stated = service.import_paths([lists_dir / SDN_MAR])
    kept = service.import_paths([lists_dir / SDN_MAR], published=date(2022, 3, 1))
    assert kept.results[0].snapshot.published == stated.results[0].snapshot.published
    assert "is not applied" in kept.results[0].warnings[0]


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1979, 12, 31)])
def test_a_publication_date_before_any_list_is_refused_and_nothing_is_stored(
    service: ExportGuard, lists_dir: Path, day: date
) -> None:
    with pytest.raises(InvalidInput) as caught:
        service.import_files(_sample(lists_dir), published=day)
    assert caught.value.errors[0].field == "published"
    assert "before 1980-01-01" in str(caught.value)
    assert service.snapshots() == []
