"""Canada's Consolidated Autonomous Sanctions List XML (``exportguard.sources.ca_sema``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from exportguard.core.entities import Alias, EntityType, ListEntry
from exportguard.core.identifiers import make_identifier
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources import ca_sema

SEMA = "ca_sema/2020-04/sema-lmes.xml"
Reader = Callable[[str], SourceFile]


@pytest.fixture(scope="module")
def parsed(source_file: Reader) -> ParsedList:
    return ca_sema.parse([source_file(SEMA)])


@pytest.fixture(scope="module")
def by_id(parsed: ParsedList) -> dict[str, ListEntry]:
    return {e.id: e for e in parsed.entries}


def test_counts(parsed: ParsedList) -> None:
    assert parsed.source == "ca_sema"
    assert parsed.format == "ca_sema_xml"
    assert parsed.published is None
    assert parsed.counts["records"] == 1369  # PROVENANCE.md, section 9
    assert parsed.counts["entries"] == len(parsed.entries) == 1369
    assert parsed.counts["persons"] == 985
    assert parsed.counts["organizations"] == 384
    assert parsed.counts["vessels"] == 0
    assert parsed.counts["names"] == sum(len(e.names()) for e in parsed.entries)
    assert parsed.warnings == ()
    assert len({e.id for e in parsed.entries}) == 1369
    assert {e.list_name for e in parsed.entries} == {
        "Canada Consolidated Autonomous Sanctions List (SEMA)"
    }


def test_programs_per_regime(parsed: ParsedList) -> None:
    programs = {p for e in parsed.entries for p in e.programs}
    assert programs == {
        "Burma",
        "Iran",
        "Justice for Victims of Corrupt Foreign Officials Regulations (JVCFOR)",
        "Nicaragua",
        "Russia",
        "South Sudan",
        "Syria",
        "Ukraine",
        "Venezuela",
        "Zimbabwe",
    }


def test_organisation_with_aliases(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["ca_sema:Burma:1:1"]
    assert entry.type is EntityType.ORGANIZATION
    assert entry.name == "Air Bagan"
    assert entry.aliases == (Alias("Air Bagan Holdings Pte. Ltd."), Alias("Air Bagan Limited"))
    assert entry.programs == ("Burma",)
    assert entry.citation == "Special Economic Measures (Burma) Regulations, Schedule 1, item 1"
    assert entry.countries == ()
    assert entry.listed_from is None  # the 2020 file has no DateOfListing


def test_person_with_birth_date(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["ca_sema:Burma:2:4"]
    assert entry.type is EntityType.PERSON
    assert entry.name == "Aung Thet Mann"  # GivenName LastName
    assert entry.aliases == (Alias("Shwe Mann Ko Ko"),)
    assert entry.birth_dates == ("1977-06-19",)


def test_bilingual_organisation_name(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["ca_sema:Syria:1:42"]
    assert entry.name == (
        "General Organization of Radio and TV/Organisme général de la radio et de la télévision"
    )
    assert entry.aliases == (
        Alias("General Organization of Radio and TV"),
        Alias("Organisme général de la radio et de la télévision", kind="translation", lang="fr"),
        Alias("GORT"),
        Alias("ORTAS"),
    )
    # A slash inside brackets is not a language split.
    assert by_id["ca_sema:Burma:1:16"].aliases == ()


@pytest.mark.parametrize(
    ("entry_id", "name", "aliases"),
    [
        (
            "ca_sema:Russia:1:112",
            "Aleksey Mikhailovich SALYAEV",
            [
                "Aleksei Mikhailovich SALYAEV",
                "Oleksii SALYAYEV",
                "Aleksey Mikhailovich SALIAIEV",
            ],
        ),
        (
            "ca_sema:Russia:1:107",
            "Aleksandr Aleksandrovich ZHAROV",
            ["Alexander Alexandrovich ZHAROV"],
        ),
        ("ca_sema:Ukraine:1:83", "Arseny PAVLOV", ["Motorola"]),
        (
            "ca_sema:Ukraine:1:121",
            "Natalya Aleksandrovna PASHCHENKO",
            ["Natalya Aleksandrovna PASHENKO"],
        ),
        ("ca_sema:Russia:1:43", "Igor GIRKIN", ["Igor STRELKOV"]),
        ("ca_sema:Iran:2:27", "Amir Ali Haji Zadeh", ["Amir Ali Hajizadeh"]),
    ],
)
def test_partial_person_aliases_are_completed(
    by_id: dict[str, ListEntry], entry_id: str, name: str, aliases: list[str]
) -> None:
    entry = by_id[entry_id]
    assert entry.name == name
    assert [a.name for a in entry.aliases] == aliases


def test_schedule_na_and_missing_share_one_numbering(by_id: dict[str, ListEntry]) -> None:
    maduro = by_id["ca_sema:Venezuela:NA:1"]  # Schedule "N/A"
    assert maduro.name == "Nicolás MADURO MOROS"
    assert maduro.citation == "Special Economic Measures (Venezuela) Regulations, item 1"
    bernal = by_id["ca_sema:Venezuela:NA:55"]  # no Schedule element
    assert bernal.name == "Manuel Gregorio BERNAL MARTÍNEZ"


def test_regulation_regime_and_two_birth_dates(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["ca_sema:JVCFOR:1:54"]
    assert entry.name == "Mansour Othman ABAHUSSAIN"
    assert entry.birth_dates == ("1972-08-10", "1972-08-11")  # "1972-08-10 or 1972-08-11"
    assert entry.citation == (
        "Justice for Victims of Corrupt Foreign Officials Regulations, Schedule 1, item 54"
    )


def test_schedule_with_part_and_title(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["ca_sema:Russia:1-Part-2:43"]
    assert entry.name == "OAO Wysokototschnye Kompletski"
    assert entry.citation == (
        "Special Economic Measures (Russia) Regulations, Schedule 1, Part 2, item 43"
    )
    titled = [e for e in by_id.values() if e.remarks == "Title: Major General/major-général"]
    assert len(titled) == 13


def test_stray_no_break_spaces_are_cleaned(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["ca_sema:Burma:2:15"]  # "Chan\xa0" + "Nyein"
    assert entry.name == "Chan Nyein"


@pytest.mark.parametrize(
    ("given", "last", "text", "expected"),
    [
        ("Andrey Igorevich", "AKIMOV", " Andrei ", ["Andrei Igorevich AKIMOV"]),
        ("Pavel", "DREMOV", "Batya, Kazak", ["Batya", "Kazak"]),
        ("Vladimir Anatolyevich", "BIDYOVKA", "BIDEVKA, BIDIOVKA", [
            "Vladimir Anatolyevich BIDEVKA", "Vladimir Anatolyevich BIDIOVKA"]),
        ("Bushra", "Al Assad", "Bushra Shawkat", ["Bushra Shawkat"]),
    ],
)  # fmt: skip
def test_person_alias_rule(given: str, last: str, text: str, expected: list[str]) -> None:
    assert ca_sema.person_aliases(given, last, text) == expected


def test_newer_layout_with_ships_and_listing_dates() -> None:
    """The 2021+ layout (``EntityOrShip``, ``ShipIMONumber``, ``DateOfListing``)."""
    data = """<?xml version="1.0" encoding="UTF-8"?>
<data-set>
  <record>
    <Country>Russia / Russie</Country>
    <EntityOrShip>Example Tanker</EntityOrShip>
    <TitleOrShip>Oil tanker</TitleOrShip>
    <ShipIMONumber>9123456</ShipIMONumber>
    <Aliases>Пример, Example Tanker II</Aliases>
    <Schedule>1, Part 3</Schedule>
    <Item>2</Item>
    <DateOfListing>2023-06-01</DateOfListing>
  </record>
  <record>
    <Country>Belarus / Bélarus</Country>
    <LastName>Example</LastName>
    <GivenName>Person</GivenName>
    <DateOfBirthOrShipBuildDate>1965-04-29</DateOfBirthOrShipBuildDate>
    <Schedule>1, Part 1</Schedule>
    <Item>1</Item>
    <DateOfListing>2020-09-28</DateOfListing>
  </record>
</data-set>
""".encode()
    parsed = ca_sema.parse([SourceFile("new.xml", data)])
    ship, person = parsed.entries
    assert ship.id == "ca_sema:Russia:1-Part-3:2"
    assert ship.type is EntityType.VESSEL
    assert ship.identifiers == (make_identifier("IMO", "9123456"),)
    assert ship.aliases == (Alias("Пример", kind="original-script"), Alias("Example Tanker II"))
    assert ship.listed_from == date(2023, 6, 1)
    assert ship.remarks == "Ship: Oil tanker"
    assert person.id == "ca_sema:Belarus:1-Part-1:1"
    assert person.birth_dates == ("1965-04-29",)
    assert person.listed_from == date(2020, 9, 28)
    assert person.programs == ("Belarus",)
    assert parsed.counts["vessels"] == 1


def test_sniff_claims_only_the_sema_file(lists_dir: Path) -> None:
    for path in sorted(p for p in lists_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(lists_dir).as_posix()
        assert ca_sema.sniff(SourceFile(str(path), path.read_bytes())) == (rel == SEMA), rel


# -- bad input ----------------------------------------------------------------------------


def _parse(data: bytes) -> ParsedList:
    return ca_sema.parse([SourceFile("sema-bad.xml", data)])


def test_empty_file() -> None:
    with pytest.raises(SourceFormatError, match="empty") as info:
        _parse(b"\n")
    assert info.value.file == "sema-bad.xml"


def test_truncated_file(source_file: Reader) -> None:
    data = source_file(SEMA).data
    with pytest.raises(SourceFormatError, match="not well-formed") as info:
        _parse(data[:-30])
    assert info.value.file == "sema-bad.xml"
    assert info.value.line is not None


def test_doctype_is_refused(source_file: Reader) -> None:
    data = source_file(SEMA).data.replace(
        b"<data-set", b"<!DOCTYPE data-set SYSTEM 'x'>\n<data-set", 1
    )
    with pytest.raises(SourceFormatError, match="DOCTYPE") as info:
        _parse(data)
    assert info.value.line == 2


def test_wrong_root_and_no_records() -> None:
    with pytest.raises(SourceFormatError, match="expected <data-set>"):
        _parse(b"<records><record/></records>")
    with pytest.raises(SourceFormatError, match="no <record>") as info:
        _parse(b"<data-set>\n</data-set>")
    assert info.value.field == "record"


def test_missing_item(source_file: Reader) -> None:
    data = source_file(SEMA).data.replace(b"<Item>1</Item>", b"", 1)
    with pytest.raises(SourceFormatError, match="no Item") as info:
        _parse(data)
    assert (info.value.line, info.value.field) == (3, "Item")  # the first <record>


def test_missing_name(source_file: Reader) -> None:
    data = source_file(SEMA).data.replace(b"<Entity>Air Bagan</Entity>", b"", 1)
    with pytest.raises(SourceFormatError, match="no LastName/GivenName") as info:
        _parse(data)
    assert (info.value.line, info.value.field) == (3, "LastName")


def test_duplicate_record(source_file: Reader) -> None:
    data = source_file(SEMA).data
    start = data.index(b"<record>")
    end = data.index(b"</record>") + len(b"</record>")
    with pytest.raises(SourceFormatError, match="duplicate entry id") as info:
        _parse(data[:end] + data[start:end] + data[end:])
    assert info.value.file == "sema-bad.xml"


def test_corrupt_listing_date(source_file: Reader) -> None:
    data = source_file(SEMA).data.replace(
        b"<Item>1</Item>", b"<Item>1</Item><DateOfListing>2020-02-30</DateOfListing>", 1
    )
    with pytest.raises(SourceFormatError, match="unparsable date '2020-02-30'") as info:
        _parse(data)
    assert (info.value.line, info.value.field) == (3, "DateOfListing")


def test_odd_birth_date_is_a_warning(source_file: Reader) -> None:
    data = source_file(SEMA).data.replace(
        b"<DateOfBirth>1977-06-19</DateOfBirth>", b"<DateOfBirth>circa 1977</DateOfBirth>", 1
    )
    parsed = _parse(data)
    record_line = data.count(b"\n", 0, data.rfind(b"<record>", 0, data.index(b"circa"))) + 1
    assert parsed.warnings == (
        f"line {record_line}, field 'DateOfBirth': unrecognised date 'circa 1977' ignored",
    )
    assert len(parsed.entries) == 1369
