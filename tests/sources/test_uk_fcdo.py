"""The FCDO UK Sanctions List XML parser, checked against the real 5-designation extract."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from exportguard.core.entities import Address, Alias, AliasQuality, EntityType, ListEntry
from exportguard.core.identifiers import make_identifier
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources import uk_fcdo
from tests.sources import plain

REAL = "uk_fcdo/sample_2026-09-10/sample_uk_sanctions.xml"


@pytest.fixture(scope="module")
def real_file(source_file: Callable[[str], SourceFile]) -> SourceFile:
    return source_file(REAL)


@pytest.fixture(scope="module")
def parsed(real_file: SourceFile) -> ParsedList:
    return uk_fcdo.parse([real_file])


@pytest.fixture(scope="module")
def by_id(parsed: ParsedList) -> dict[str, ListEntry]:
    return {e.id: e for e in parsed.entries}


def test_counts_and_publication(parsed: ParsedList) -> None:
    assert parsed.source == "uk_fcdo"
    assert parsed.format == "uk_fcdo_xml"
    assert parsed.published == date(2026, 9, 10)
    assert parsed.counts["designations"] == 5
    assert parsed.counts["entries"] == 5
    assert parsed.counts["persons"] == 2
    assert parsed.counts["organizations"] == 2
    assert parsed.counts["vessels"] == 1
    assert parsed.warnings == ()
    assert [e.id for e in parsed.entries] == [
        "uk_fcdo:AFG0001",
        "uk_fcdo:AFG0006",
        "uk_fcdo:BEL0107",
        "uk_fcdo:DPR0075",
        "uk_fcdo:AQD0195",
    ]
    assert {e.list_name for e in parsed.entries} == {"UK Sanctions List (FCDO)"}


def test_entity_with_non_latin_name_and_addresses(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["uk_fcdo:AFG0001"]
    assert entry.type is EntityType.ORGANIZATION
    assert entry.name == "HAJI KHAIRULLAH MONEY EXCHANGE"
    assert entry.aliases == (
        Alias("Haji Alim Hawala"),
        Alias("حاجی خيرالله صرافی", kind="original-script"),
    )
    assert entry.addresses == (
        Address(
            full="Ansari Market, 2nd Floor, Nimroz Province, Afghanistan",
            street="Ansari Market, 2nd Floor",
            city="Nimroz Province",
            country="AF",
        ),
        Address(
            full="Branch Office 14, Dubai, United Arab Emirates",
            street="Branch Office 14",
            city="Dubai",
            country="AE",
        ),
    )
    assert entry.countries == ("AE", "AF")
    assert entry.identifiers == (make_identifier("uk-ofsi-group-id", "12703"),)
    assert entry.programs == ("The Afghanistan (Sanctions) (EU Exit) Regulations 2020",)
    assert entry.listed_from == date(2012, 6, 29)
    assert entry.citation == "UN Ref TAe.010"
    assert entry.remarks is not None
    assert "Afghan Money Service Provider License Number: 044." in entry.remarks
    assert "Phone: 0202-104748" in entry.remarks
    assert "Email: helmand_exchange_msp@yahoo.com" in entry.remarks


def test_individual_with_partial_dates_and_documents(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["uk_fcdo:AFG0006"]
    assert entry.type is EntityType.PERSON
    assert entry.name == "MOHAMMAD HASSAN AKHUND"  # Name1 Name2 then family name Name6
    assert entry.aliases == (
        Alias("Mohammad Akhwand"),  # "Primary Name Variation"
        Alias("محمد حسن آخوند", kind="original-script"),
    )
    assert entry.birth_dates == ("1958-05-12", "1945", "1946")  # 12/05/1958, dd/mm/1945, 1946
    assert entry.birth_places == ("Pashmul village, Panjwai District, Afghanistan",)
    assert entry.countries == ("AF",)
    # The passport is listed twice verbatim: one identifier.
    assert entry.identifiers == (
        make_identifier("uk-ofsi-group-id", "7172"),
        make_identifier("passport", "P04581926"),
        make_identifier("national-id", "2132370"),
    )
    assert entry.listed_from == date(2001, 1, 25)
    assert entry.citation == "UN Ref TAi.002"
    assert entry.remarks is not None
    assert "Titles: Mullah; Haji" in entry.remarks
    assert "Positions: Deputy Minister of Agriculture under the Taliban regime" in entry.remarks
    assert "Mullah" not in entry.name


def test_alias_strength(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["uk_fcdo:BEL0107"]
    assert entry.name == "BNK (UK) Ltd"
    assert entry.aliases == (
        Alias("BNK UK Limited", AliasQuality.STRONG),
        Alias("BNK", AliasQuality.WEAK),
    )
    assert make_identifier("registration", "UK Company no. 06527449") in entry.identifiers
    assert entry.addresses[0].postal_code == "SM2 5DA"
    assert entry.countries == ("GB",)
    assert entry.citation is None
    assert entry.remarks is not None
    assert "UK statement of reasons: BNK (UK) Ltd is controlled by" in entry.remarks
    assert "Parent companies: CJSC Belarusian Oil Company; Belneftekhim" in entry.remarks


def test_ship(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["uk_fcdo:DPR0075"]
    assert entry.type is EntityType.VESSEL
    assert entry.name == "Petrel 8"
    assert entry.aliases == (Alias("Tian Tai 36"),)
    assert plain(entry.identifiers) == plain((make_identifier("IMO", "9562233"),))
    assert entry.countries == ("KM",)  # current believed flag
    assert entry.listed_from == date(2017, 10, 3)
    assert entry.remarks is not None
    assert "Type of ship: Bulk Carrier" in entry.remarks
    assert "Previous flags: India" in entry.remarks


def test_person_with_year_only(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["uk_fcdo:AQD0195"]
    assert entry.name == "Fadhil Harun"
    assert entry.aliases == ()
    assert entry.birth_dates == ("1972",)
    assert entry.birth_places == ("Moroni, Comoros",)
    assert entry.countries == ("KM",)
    assert entry.programs == (
        "Isil (Da'esh) and Al-Qaeda (United Nations Sanctions) (EU Exit) Regulations 2019",
    )


# --- bad input ---------------------------------------------------------------------------


def _error(data: bytes, name: str = "bad/uk_sanctions.xml") -> SourceFormatError:
    with pytest.raises(SourceFormatError) as info:
        uk_fcdo.parse([SourceFile(name, data)])
    assert name in str(info.value)
    return info.value


def test_empty() -> None:
    assert "empty" in _error(b"").message


def test_truncated(real_file: SourceFile) -> None:
    err = _error(real_file.data[: len(real_file.data) // 2])
    assert err.line is not None
    assert "well-formed" in err.message


def test_doctype_refused(real_file: SourceFile) -> None:
    data = real_file.data.replace(
        b"<Designations", b'<!DOCTYPE d [<!ENTITY x "y">]>\n<Designations', 1
    )
    err = _error(data)
    assert err.line == 2
    assert "DOCTYPE" in err.message


def test_wrong_root() -> None:
    err = _error(b"<?xml version='1.0'?>\n<Other/>")
    assert "Designations" in err.message


def test_missing_unique_id(real_file: SourceFile) -> None:
    data = real_file.data.replace(b"<UniqueID>BEL0107</UniqueID>", b"", 1)
    err = _error(data)
    assert (err.line, err.field) == (141, "UniqueID")


def test_duplicate_unique_id(real_file: SourceFile) -> None:
    data = real_file.data.replace(b"<UniqueID>BEL0107</UniqueID>", b"<UniqueID>AFG0006</UniqueID>")
    err = _error(data)
    assert (err.line, err.field) == (141, "UniqueID")
    assert "AFG0006" in err.message


def test_bad_designation_date(real_file: SourceFile) -> None:
    data = real_file.data.replace(b"<DateDesignated>03/10/2017", b"<DateDesignated>2017-10-03")
    err = _error(data)
    assert (err.line, err.field) == (204, "DateDesignated")


def test_bad_generation_date(real_file: SourceFile) -> None:
    data = real_file.data.replace(b"10/09/2026", b"September 2026", 1)
    err = _error(data)
    assert (err.line, err.field) == (3, "DateGenerated")


def test_designation_without_names(real_file: SourceFile) -> None:
    start = real_file.data.index(b"<Names>", real_file.data.index(b"<UniqueID>AQD0195"))
    end = real_file.data.index(b"</Names>", start) + len(b"</Names>")
    err = _error(real_file.data[:start] + real_file.data[end:])
    assert (err.line, err.field) == (254, "Names")


def test_bad_birth_date_is_a_warning(real_file: SourceFile) -> None:
    data = real_file.data.replace(b"<DOB>dd/mm/1972</DOB>", b"<DOB>circa 1972</DOB>")
    result = uk_fcdo.parse([SourceFile("x.xml", data)])
    assert result.warnings == ("AQD0195: unparsable date of birth 'circa 1972' left out",)
    assert result.entries[-1].birth_dates == ()


def test_no_designations() -> None:
    err = _error(b"<Designations><DateGenerated>01/01/2026</DateGenerated></Designations>")
    assert err.field == "Designation"


# --- sniffing ----------------------------------------------------------------------------


def test_sniff_own_file_only(lists_dir: Path) -> None:
    claimed = [
        p.relative_to(lists_dir).as_posix()
        for p in sorted(lists_dir.rglob("*"))
        if p.is_file() and uk_fcdo.sniff(SourceFile(str(p), p.read_bytes()))
    ]
    assert claimed == [REAL]
