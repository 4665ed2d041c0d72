"""The OFSI Consolidated List CSV parser, checked against the real 2018 ConList."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from exportguard.core.entities import (
    Address,
    Alias,
    AliasQuality,
    EntityType,
    Identifier,
    ListEntry,
    ParsedList,
)
from exportguard.errors import SourceFormatError
from exportguard.sources import uk_ofsi
from exportguard.sources._common import SourceFile

REAL = "uk_ofsi/2018-04-13/sanctionsconlist.csv"


@pytest.fixture(scope="module")
def real_file(source_file: Callable[[str], SourceFile]) -> SourceFile:
    return source_file(REAL)


@pytest.fixture(scope="module")
def parsed(real_file: SourceFile) -> ParsedList:
    return uk_ofsi.parse([real_file])


@pytest.fixture(scope="module")
def by_id(parsed: ParsedList) -> dict[str, ListEntry]:
    return {e.id: e for e in parsed.entries}


def test_counts_match_provenance(parsed: ParsedList) -> None:
    assert parsed.source == "uk_ofsi"
    assert parsed.format == "uk_ofsi_csv"
    assert parsed.published == date(2018, 4, 13)
    assert parsed.counts["rows"] == 9487
    assert parsed.counts["entries"] == 2106
    assert parsed.counts["individual_rows"] == 6857
    assert parsed.counts["entity_rows"] == 2630
    assert parsed.counts["ship_rows"] == 0
    assert len(parsed.entries) == 2106
    assert parsed.warnings == ()
    types = [e.type for e in parsed.entries]
    assert types.count(EntityType.PERSON) == 1426
    assert types.count(EntityType.ORGANIZATION) == 655
    assert types.count(EntityType.VESSEL) == 25
    assert all(e.list_name == uk_ofsi.LIST_NAME for e in parsed.entries)


def test_person_with_aliases_two_birth_years(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["uk_ofsi:13349"]
    assert entry.type is EntityType.PERSON
    assert entry.name == "Nayef Salam Muhammad Ujaym AL-HABABI"
    # Title "Sheikh" is Name 1 here (the list's own split), so it stays in the alias.
    assert Alias("Sheikh Farooq AL-QAHTANI") in entry.aliases
    assert Alias("Imran Farouk SHAYKH") in entry.aliases
    assert len(entry.aliases) == 7
    assert entry.birth_dates == ("1980", "1981")
    assert entry.birth_places == ("Saudi Arabia",)
    assert entry.countries == ("AF", "QA", "SA")
    assert entry.identifiers == (
        Identifier("passport", "Passport No: 592667 (Qatari passport issued on 3 May 2007)."),
    )
    assert entry.addresses == (Address(full="Afghanistan (since 2009)", country="AF"),)
    assert entry.programs == ("The ISIL (Da'esh) and Al-Qaida organisations",)
    assert entry.listed_from == date(2016, 4, 1)
    assert entry.citation == "UN Ref QDe.004"
    assert entry.remarks is not None
    assert entry.remarks.startswith("UN Ref QDe.004. Emir for the eastern zone")


def test_person_under_three_regimes(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["uk_ofsi:9062"]
    assert entry.name == "Qasem SOLEIMANI"
    assert entry.programs == (
        "Syria",
        "Terrorism and Terrorist Financing",
        "Iran (nuclear proliferation)",
    )
    assert entry.listed_from == date(2007, 3, 24)  # the earliest "Listed On" of the group
    assert entry.birth_dates == ("1957-03-11",)
    assert entry.birth_places == ("Qom, Iran",)
    assert entry.countries == ("IR",)
    assert Alias("Ghasem SOLEYMANI") in entry.aliases
    assert entry.citation == "UN Ref IRi.039"
    assert entry.remarks is not None
    assert "Title: Brigadier General" in entry.remarks
    assert "Position: Commander of Iranian Revolutionary Guard Corps, IRGC - Qods" in entry.remarks
    assert "Brigadier" not in entry.name


def test_partial_birth_dates_and_place(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["uk_ofsi:7172"]
    assert entry.name == "Mohammad Hassan AKHUND"
    assert entry.birth_dates == (
        "1945", "1946", "1947", "1948", "1949", "1950", "1955", "1956", "1957", "1958"
    )  # fmt: skip
    assert entry.birth_places == (
        "Pashmul village, Panjwai District, Kandahar Province, Afghanistan",
    )
    assert entry.citation == "UN Ref TI.H.2.01"


def test_organization_with_address(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["uk_ofsi:12871"]
    assert entry.type is EntityType.ORGANIZATION
    assert entry.name == "SECOND ACADEMY OF NATURAL SCIENCES"
    assert Alias("2ND ACADEMY OF NATURAL SCIENCES") in entry.aliases
    assert entry.addresses == (Address(full="Pyongyang, DPRK", city="Pyongyang", country="KP"),)
    assert entry.countries == ("KP",)
    assert entry.listed_from == date(2013, 4, 23)
    assert entry.citation == "UN Ref KPe.018"


def test_formerly_known_as(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["uk_ofsi:7247"]
    assert entry.name == "THE ORGANIZATION OF AL-QAIDA IN THE ISLAMIC MAGHREB"
    fka = [a for a in entry.aliases if a.kind == "fka"]
    assert Alias("SALAFIST GROUP FOR CALL AND COMBAT", AliasQuality.STRONG, "fka") in fka
    assert len(fka) == 2


def test_ship_rows_typed_vessel_with_imo(by_id: dict[str, ListEntry]) -> None:
    vessel = by_id["uk_ofsi:13556"]
    assert vessel.type is EntityType.VESSEL
    assert vessel.name == "TONG SAN 2"  # leading space of the cell dropped
    assert vessel.identifiers == (Identifier("IMO", "8937675"),)
    assert vessel.listed_from == date(2017, 10, 19)
    nadine = by_id["uk_ofsi:13519"]
    assert nadine.type is EntityType.VESSEL
    assert nadine.identifiers == (Identifier("IMO", "8900878"),)
    # A shipping company keeps its IMO company number but stays an organization.
    company = by_id["uk_ofsi:13340"]
    assert company.type is EntityType.ORGANIZATION
    assert company.name == "CHONG-CHONGANG SHIPPING COMPANY"
    assert company.identifiers == (Identifier("IMO", "5342883"),)
    assert [a.country for a in company.addresses] == ["KP", "KP"]


def test_windows_1252_text_decoded(by_id: dict[str, ListEntry]) -> None:
    remarks = by_id["uk_ofsi:13458"].remarks
    assert remarks is not None
    assert "\u2018PK5\u2019" in remarks


def test_links_to_fcdo_group_ids(by_id: dict[str, ListEntry]) -> None:
    # The FCDO sample names OFSI groups 12703 and 7172: both exist here.
    assert by_id["uk_ofsi:12703"].name == "HAJI KHAIRULLAH HAJI SATTAR MONEY EXCHANGE"
    assert len(by_id["uk_ofsi:12703"].addresses) == 27


def test_parse_time(real_file: SourceFile) -> None:
    best = min(_timed(lambda: uk_ofsi.parse([real_file])) for _ in range(3))
    assert best < 1.0  # ~0.25 s on an idle machine


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# --- newer layout ------------------------------------------------------------------------

NEW_LAYOUT = (
    "Last Updated,01/02/2023\n"
    "Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Title,Name Non-Latin Script,"
    "Non-Latin Script Type,Non-Latin Script Language,DOB,Town of Birth,Country of Birth,"
    "Nationality,Passport Number,Passport Details,National Identification Number,"
    "National Identification Details,Position,Address 1,Address 2,Address 3,Address 4,"
    "Address 5,Address 6,Post/Zip Code,Country,Other Information,Group Type,Alias Type,"
    "Alias Quality,Regime,Listed On,UK Sanctions List Date Designated,Last Updated,Group ID\n"
    "PETROV,Ivan,Ivanovich,,,,Mr,Иван Петров,Cyrillic,Russian,dd/mm/1970,Moscow,Russia,"
    "Russian,123456,issued 2010,,,,1 Red Square,,,,,Moscow,101000,Russia,Some info,"
    "Individual,Primary Name,,Russia,15/03/2022,15/03/2022,16/03/2022,15000\n"
    "PETROFF,Ivan,,,,,,,,,,,,,,,,,,,,,,,,,,,Individual,Alias,Low quality,Russia,"
    "15/03/2022,15/03/2022,16/03/2022,15000\n"
    "SEA STAR,,,,,,,,,,,,,,,,,,,,,,,,,,,IMO 9999999,Ship,Primary Name,,Russia,"
    "01/04/2022,01/04/2022,01/04/2022,15001\n"
)


def test_newer_conlist_layout_by_column_name() -> None:
    file = SourceFile("ConList.csv", NEW_LAYOUT.encode())
    assert uk_ofsi.sniff(file)
    result = uk_ofsi.parse([file])
    assert result.published == date(2023, 2, 1)
    person, ship = result.entries
    assert person.id == "uk_ofsi:15000"
    assert person.name == "Ivan Ivanovich PETROV"
    assert person.aliases == (
        Alias("Иван Петров", kind="original-script", lang="ru"),
        Alias("Ivan PETROFF", AliasQuality.WEAK, "aka"),
    )
    assert person.birth_dates == ("1970",)
    assert person.countries == ("RU",)
    assert person.identifiers == (Identifier("passport", "123456"),)
    assert person.addresses == (
        Address(
            full="1 Red Square, Moscow, 101000, Russia",
            street="1 Red Square",
            city="Moscow",
            postal_code="101000",
            country="RU",
        ),
    )
    assert ship.type is EntityType.VESSEL
    assert ship.name == "SEA STAR"
    assert ship.listed_from == date(2022, 4, 1)


# --- bad input ---------------------------------------------------------------------------


def _error(data: bytes, name: str = "bad/conlist.csv") -> SourceFormatError:
    with pytest.raises(SourceFormatError) as info:
        uk_ofsi.parse([SourceFile(name, data)])
    assert name in str(info.value)
    return info.value


def _line_of(data: bytes, needle: bytes) -> int:
    return data[: data.index(needle)].count(b"\n") + 1


def test_empty_file() -> None:
    err = _error(b"")
    assert "empty" in err.message


def test_utf16_file(real_file: SourceFile) -> None:
    data = real_file.data[:2000].decode("cp1252").encode("utf-16")
    err = _error(data)
    assert err.line == 1


def test_truncated_inside_a_quoted_field(real_file: SourceFile) -> None:
    data = real_file.data
    cut = data.index(b'"Annex XIII. UN listing. UN Ref KPe.018.') + 30
    err = _error(data[:cut])
    assert err.line == _line_of(data, b"2ND ACADEMY OF NATURAL SCIENCES")
    assert "truncated" in err.message


def test_truncated_mid_row(real_file: SourceFile) -> None:
    data = real_file.data
    cut = data.index(b" TONG SAN 2,") + 40
    err = _error(data[:cut])
    assert err.line == 8
    assert "fields" in err.message


def test_missing_required_column(real_file: SourceFile) -> None:
    data = real_file.data.replace(b",Group ID\n", b",Group\n", 1)
    err = _error(data)
    assert err.line == 2
    assert err.field == "Group ID"


def test_missing_banner(real_file: SourceFile) -> None:
    data = real_file.data.split(b"\n", 1)[1]
    err = _error(data)
    assert err.line == 1
    assert err.field == "Last Updated"


def test_bad_publication_date(real_file: SourceFile) -> None:
    data = real_file.data.replace(b"13/04/2018", b"31/13/2018", 1)
    err = _error(data)
    assert (err.line, err.field) == (1, "Last Updated")


def test_bad_listing_date(real_file: SourceFile) -> None:
    data = real_file.data.replace(b"19/10/2017,19/10/2017,13556", b"2017-19-10,19/10/2017,13556")
    err = _error(data)
    assert (err.line, err.field) == (8, "Listed On")
    assert "2017-19-10" in err.message


def test_empty_group_id(real_file: SourceFile) -> None:
    data = real_file.data.replace(b"19/10/2017,19/10/2017,13556", b"19/10/2017,19/10/2017,")
    err = _error(data)
    assert (err.line, err.field) == (8, "Group ID")


def test_bad_birth_date_is_a_warning(real_file: SourceFile) -> None:
    data = real_file.data.replace(b",01/08/1979,", b",1979-08-01,", 1)
    result = uk_ofsi.parse([SourceFile("x.csv", data)])
    assert len(result.warnings) == 1
    assert "1979-08-01" in result.warnings[0]
    assert "line 6" in result.warnings[0]


def test_duplicated_row_changes_nothing(real_file: SourceFile, parsed: ParsedList) -> None:
    # Group IDs repeat by design (one row per name/DOB/address), so a repeated row is
    # merged, not an error.
    lines = real_file.data.split(b"\n")
    data = b"\n".join([*lines[:8], lines[7], *lines[8:]])
    again = uk_ofsi.parse([SourceFile("dup.csv", data)])
    assert again.counts["rows"] == parsed.counts["rows"] + 1
    assert again.entries == parsed.entries


def test_header_only() -> None:
    err = _error(b"Last Updated,13/04/2018\nName 6,Name 1,Name 2,Name 3,Name 4,Name 5,"
                 b"Group Type,Alias Type,Group ID\n")  # fmt: skip
    assert "no name rows" in err.message


def test_requires_one_file(real_file: SourceFile) -> None:
    with pytest.raises(SourceFormatError):
        uk_ofsi.parse([real_file, real_file])


# --- sniffing ----------------------------------------------------------------------------


def _all_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_sniff_own_file_only(lists_dir: Path) -> None:
    claimed = [
        p.relative_to(lists_dir).as_posix()
        for p in _all_files(lists_dir)
        if uk_ofsi.sniff(SourceFile(str(p), p.read_bytes()))
    ]
    assert claimed == [REAL]
