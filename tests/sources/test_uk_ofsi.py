"""The OFSI Consolidated List CSV parser, checked against the real 2018 ConList."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from exportguard.core.entities import Address, Alias, AliasQuality, EntityType, ListEntry
from exportguard.core.identifiers import make_identifier
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.sources import uk_ofsi

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
    # The free-text cell gives its number, with the text as note and published.
    cell = "Passport No: 592667 (Qatari passport issued on 3 May 2007)."
    assert entry.identifiers == (
        make_identifier(
            "passport", "592667", "QA", published=cell, issue_date="2007-05-03", note=cell
        ),
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
    assert vessel.identifiers == (make_identifier("IMO", "8937675"),)
    assert vessel.listed_from == date(2017, 10, 19)
    nadine = by_id["uk_ofsi:13519"]
    assert nadine.type is EntityType.VESSEL
    assert nadine.identifiers == (make_identifier("IMO", "8900878"),)
    # A shipping company keeps its IMO company number but stays an organization.
    company = by_id["uk_ofsi:13340"]
    assert company.type is EntityType.ORGANIZATION
    assert company.name == "CHONG-CHONGANG SHIPPING COMPANY"
    assert company.identifiers == (make_identifier("IMO", "5342883"),)
    assert [a.country for a in company.addresses] == ["KP", "KP"]


def test_windows_1252_text_decoded(by_id: dict[str, ListEntry]) -> None:
    remarks = by_id["uk_ofsi:13458"].remarks
    assert remarks is not None
    assert "\u2018PK5\u2019" in remarks


def test_links_to_fcdo_group_ids(by_id: dict[str, ListEntry]) -> None:
    # The FCDO sample names OFSI groups 12703 and 7172: both exist here.
    assert by_id["uk_ofsi:12703"].name == "HAJI KHAIRULLAH HAJI SATTAR MONEY EXCHANGE"
    assert len(by_id["uk_ofsi:12703"].addresses) == 27
