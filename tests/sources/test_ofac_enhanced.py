"""OFAC Sanctions List Service "Enhanced XML" (CONS_ENHANCED.XML and its zip)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from exportguard.core.entities import Address, Alias, AliasQuality, EntityType, ListEntry
from exportguard.core.identifiers import make_identifier
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources import ofac_enhanced
from exportguard.sources._common import unzip
from tests.sources import plain

FOLDER = "us_ofac_cons/2025-01-10_enhanced_xml"
XML = f"{FOLDER}/CONS_ENHANCED.XML"
ZIP = f"{FOLDER}/CONS_ENHANCED.ZIP"
CONS_LIST = "OFAC Consolidated Sanctions List (Non-SDN)"


@pytest.fixture(scope="module")
def real(lists_dir: Path) -> SourceFile:
    path = lists_dir / XML
    return SourceFile(str(path), path.read_bytes())


@pytest.fixture(scope="module")
def parsed(real: SourceFile) -> ParsedList:
    return ofac_enhanced.parse([real])


@pytest.fixture(scope="module")
def entries(parsed: ParsedList) -> dict[str, ListEntry]:
    return {e.id: e for e in parsed.entries}


def test_real_file_counts_and_date(parsed: ParsedList) -> None:
    assert parsed.source == "us_ofac_cons"
    assert parsed.format == "ofac_enhanced_xml"
    assert parsed.published == date(2025, 1, 10)  # dataAsOf 2025-01-10T00:00:00
    assert len(parsed.entries) == parsed.counts["entries"] == 443
    assert parsed.counts["names"] == sum(1 + len(e.aliases) for e in parsed.entries) == 1623
    assert parsed.warnings == ()
    assert all(e.list_name == CONS_LIST for e in parsed.entries)
    assert sum(e.type is EntityType.PERSON for e in parsed.entries) == 80
    assert sum(e.type is EntityType.ORGANIZATION for e in parsed.entries) == 363
    kinds = [a.kind for e in parsed.entries for a in e.aliases]
    assert (kinds.count("aka"), kinds.count("fka"), kinds.count("original-script")) == (
        991,
        144,
        45,
    )
    weak = sum(a.quality is AliasQuality.WEAK for e in parsed.entries for a in e.aliases)
    assert weak == 71
    assert all(e.listed_from is not None for e in parsed.entries)


def test_zip_gives_the_same_entries(lists_dir: Path, parsed: ParsedList) -> None:
    path = lists_dir / ZIP
    archive = SourceFile(str(path), path.read_bytes())
    members = unzip(archive)
    assert [m.name.rsplit("!", 1)[1] for m in members] == ["CONS_ENHANCED.XML"]
    assert ofac_enhanced.sniff(members[0])
    from_zip = ofac_enhanced.parse(members)
    assert from_zip.entries == parsed.entries
    assert (from_zip.source, from_zip.published) == (parsed.source, parsed.published)
    # parse() also opens the archive itself.
    assert ofac_enhanced.parse([archive]).entries == parsed.entries
    assert not ofac_enhanced.sniff(archive)  # the importer unzips; members are sniffed


def test_person_field_by_field(entries: dict[str, ListEntry]) -> None:
    assert entries["us_ofac_cons:9639"] == ListEntry(
        id="us_ofac_cons:9639",
        source="us_ofac_cons",
        list_name=CONS_LIST,
        type=EntityType.PERSON,
        name="Ismail Abdul Salah HANIYA",
        aliases=(Alias("Ismail HANIYA"), Alias("Ismaeel HANIYYA")),
        programs=("NS-PLC",),
        birth_dates=("1962",),
        birth_places=("Shati",),
        listed_from=date(2006, 4, 12),  # Non-SDN Palestinian Legislative Council List
        citation="General License 4 Under EO 13224 (Terrorism)",
        url="https://sanctionssearch.ofac.treas.gov/Details.aspx?id=9639",
    )
    martelly = entries["us_ofac_cons:50476"]
    assert martelly.name == "Michel Joseph MARTELLY"
    assert martelly.aliases == (
        Alias("Michael MARTELLY"),
        Alias("Sweet Micky", AliasQuality.WEAK, "aka"),  # isLowQuality
    )
    assert martelly.birth_dates == ("1961-02-12",)
    assert martelly.birth_places == ("Port-au-Prince, Haiti",)
    assert martelly.countries == ("DO", "HT", "US")  # nationality Haiti and addresses
    assert plain(martelly.identifiers) == plain(
        (
            make_identifier("National ID No.", "0032768386", "HT"),
            make_identifier("Driver's License No.", "M634550610520", "US"),
        )
    )
    assert martelly.addresses[0] == Address(
        full="Miami, FL, United States", city="Miami", region="FL", country="US"
    )
    assert martelly.listed_from == date(2024, 8, 20)
    assert martelly.citation == "Executive Order 14059 (Illicit Drugs)"
    assert martelly.remarks is not None
    assert martelly.remarks.startswith("Gender Male; Nationality Country Haiti; Executive Order")


def test_organization_with_scripts_documents_and_features(entries: dict[str, ListEntry]) -> None:
    vtb = entries["us_ofac_cons:17013"]
    assert vtb.type is EntityType.ORGANIZATION
    assert vtb.name == "VTB BANK PUBLIC JOINT STOCK COMPANY"
    assert vtb.aliases[0] == Alias(
        "БАНК ВТБ ПУБЛИЧНОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО", AliasQuality.STRONG, "original-script"
    )
    assert Alias("JSC VTB BANK", AliasQuality.STRONG, "fka") in vtb.aliases
    assert Alias("БАНК ВТБ ПАО", AliasQuality.STRONG, "original-script") in vtb.aliases
    assert Alias("JSC VTB BANK NEW DELHI BRANCH", AliasQuality.WEAK, "aka") in vtb.aliases
    assert len(vtb.aliases) == 30
    assert vtb.programs == ("UKRAINE-EO13662", "RUSSIA-EO14024")
    assert plain(vtb.identifiers) == plain(
        (
            make_identifier("Registration ID", "1027739609391", "RU"),
            make_identifier("Government Gazette Number", "00032520", "RU"),
            make_identifier("Tax ID No.", "7702070139", "RU"),
            make_identifier("License", "1000", "RU"),
            make_identifier("Legal Entity Number", "253400V1H6ART1UQ0N98", "RU"),
            make_identifier("SWIFT/BIC", "VTBRRUMM"),
            make_identifier("BIK (RU)", "044030707"),
            make_identifier("BIK (RU)", "044525187"),
        )
    )
    assert vtb.addresses[0] == Address(
        full="29, Bolshaya Morskaya str., St. Petersburg 190000, Russia",
        street="29, Bolshaya Morskaya str.",
        city="St. Petersburg",
        postal_code="190000",
        country="RU",
    )
    assert len(vtb.addresses) == 12
    assert vtb.countries == ("CN", "IN", "RU")
    assert vtb.listed_from == date(2014, 7, 29)  # the SSI list, before the SDN listing
    assert vtb.citation == "Executive Order 13662 (Ukraine); Executive Order 14024 (Russia)"
    assert vtb.remarks is not None
    assert "Website www.vtb.com" in vtb.remarks
    assert "Target Type Financial Institution" in vtb.remarks
    # A relationship becomes a remark line.
    assert "Owned or Controlled By: VTB BANK PUBLIC JOINT STOCK COMPANY" in "; ".join(
        e.remarks or "" for e in entries.values()
    )


def test_address_translations_and_regions(entries: dict[str, ListEntry]) -> None:
    vnesheconom = entries["us_ofac_cons:17015"]
    fulls = [a.full for a in vnesheconom.addresses]
    assert "Pr-kt, Akademika Sakharova, D. 9, Moscow 107078, Russia" in fulls
    assert "Пр-Кт Академика Сахарова, Д. 9, Город Москва 107078, Russia" in fulls
    # A REGION part without a country is what the CSV writes as "Region: Gaza".
    hammad = entries["us_ofac_cons:9659"]
    assert hammad.addresses == (
        Address(full="Jabaliya, Region: Gaza", city="Jabaliya", region="Gaza", country="PS"),
    )


# -- which list -------------------------------------------------------------------------------


def test_source_from_the_publication_filter(real: SourceFile) -> None:
    # The filter wins over the file name.
    renamed = ofac_enhanced.parse([SourceFile("dl/SDN_ENHANCED.XML", real.data)])
    assert renamed.source == "us_ofac_cons"
    sdn = real.data.replace(
        b'<sanctionsList refId="91512">Consolidated List</sanctionsList>',
        b'<sanctionsList refId="1550">SDN List</sanctionsList>',
        1,
    )
    parsed = ofac_enhanced.parse([SourceFile("dl/export.xml", sdn)])
    assert parsed.source == "us_ofac_sdn"
    assert parsed.entries[0].id == "us_ofac_sdn:9639"
    assert parsed.entries[0].list_name.startswith("OFAC Specially Designated Nationals")


def test_source_from_the_file_name_without_filter(real: SourceFile) -> None:
    start = real.data.index(b"<filters>")
    end = real.data.index(b"</filters>") + len(b"</filters>")
    unfiltered = real.data[:start] + real.data[end:]
    assert ofac_enhanced.parse([SourceFile("x/SDN_ENHANCED.XML", unfiltered)]).source == (
        "us_ofac_sdn"
    )
    assert ofac_enhanced.parse([SourceFile("x/CONS_ENHANCED.XML", unfiltered)]).source == (
        "us_ofac_cons"
    )
    with pytest.raises(SourceFormatError, match="cannot tell which OFAC list") as err:
        ofac_enhanced.parse([SourceFile("x/export.xml", unfiltered)])
    assert err.value.field == "publicationInfo"


# -- sniff ------------------------------------------------------------------------------------


def test_sniff_claims_exactly_the_enhanced_xml(lists_dir: Path) -> None:
    for path in sorted(p for p in lists_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(lists_dir).as_posix()
        assert ofac_enhanced.sniff(SourceFile(str(path), path.read_bytes())) is (rel == XML), rel


# -- bad input --------------------------------------------------------------------------------


def line_of(data: bytes, needle: bytes) -> int:
    return data[: data.index(needle)].count(b"\n") + 1


def first_entity(data: bytes) -> tuple[int, int]:
    start = data.index(b'<entity id="9639">')
    return start, data.index(b"</entity>", start) + len(b"</entity>")


def test_empty_file() -> None:
    with pytest.raises(SourceFormatError, match="empty") as err:
        ofac_enhanced.parse([SourceFile("x/CONS_ENHANCED.XML", b"")])
    assert err.value.file == "x/CONS_ENHANCED.XML"


def test_truncated_file(real: SourceFile) -> None:
    cut = SourceFile(real.name, real.data[: len(real.data) // 2])
    with pytest.raises(SourceFormatError, match="not well-formed XML") as err:
        ofac_enhanced.parse([cut])
    assert err.value.file == real.name
    assert err.value.line is not None
    assert err.value.line > 3636


def test_doctype_is_refused(real: SourceFile) -> None:
    evil = real.data.replace(
        b"<sanctionsData ",
        b"<!DOCTYPE lol [<!ENTITY a 'aaaaaaaa'><!ENTITY b '&a;&a;&a;&a;'>]>\n<sanctionsData ",
        1,
    )
    with pytest.raises(SourceFormatError, match="DOCTYPE") as err:
        ofac_enhanced.parse([SourceFile(real.name, evil)])
    assert (err.value.file, err.value.line) == (real.name, 2)


def test_other_root_element() -> None:
    with pytest.raises(SourceFormatError, match="expected <sanctionsData>") as err:
        ofac_enhanced.parse([SourceFile("x/CONS_ENHANCED.XML", b"<sdnList><sdnEntry/></sdnList>")])
    assert err.value.line == 1


def test_duplicate_entity_id(real: SourceFile) -> None:
    start, end = first_entity(real.data)
    doubled = real.data[:end] + b"\n    " + real.data[start:end] + real.data[end:]
    with pytest.raises(SourceFormatError, match="duplicate entity id 9639") as err:
        ofac_enhanced.parse([SourceFile(real.name, doubled)])
    assert err.value.field == "id"
    assert err.value.line == line_of(real.data, b"</entity>") + 1


def test_non_numeric_entity_id(real: SourceFile) -> None:
    bad = real.data.replace(b'<entity id="9640">', b'<entity id="x9640">', 1)
    with pytest.raises(SourceFormatError, match="must be a number") as err:
        ofac_enhanced.parse([SourceFile(real.name, bad)])
    assert (err.value.line, err.value.field) == (line_of(real.data, b'<entity id="9640">'), "id")


def test_unreadable_dates(real: SourceFile) -> None:
    bad = real.data.replace(b"<dataAsOf>2025-01-10T00:00:00", b"<dataAsOf>10/01/2025", 1)
    with pytest.raises(SourceFormatError, match="YYYY-MM-DD") as err:
        ofac_enhanced.parse([SourceFile(real.name, bad)])
    assert (err.value.line, err.value.field) == (4, "dataAsOf")
    bad = real.data.replace(b'datePublished="2006-04-12"', b'datePublished="2006-04-31"', 1)
    with pytest.raises(SourceFormatError, match="unreadable date") as err:
        ofac_enhanced.parse([SourceFile(real.name, bad)])
    assert err.value.field == "datePublished"
    assert err.value.line == line_of(real.data, b'datePublished="2006-04-12"')


def test_entity_without_names(real: SourceFile) -> None:
    start, _ = first_entity(real.data)
    names_start = real.data.index(b"<names>", start)
    names_end = real.data.index(b"</names>", start) + len(b"</names>")
    nameless = real.data[:names_start] + real.data[names_end:]
    with pytest.raises(SourceFormatError, match="no name") as err:
        ofac_enhanced.parse([SourceFile(real.name, nameless)])
    assert (err.value.line, err.value.field) == (line_of(real.data, b'<entity id="9639">'), "names")


def test_no_entities(real: SourceFile) -> None:
    start = real.data.index(b"<entities>")
    empty = real.data[:start] + b"<entities></entities></sanctionsData>"
    with pytest.raises(SourceFormatError, match="no entities") as err:
        ofac_enhanced.parse([SourceFile(real.name, empty)])
    assert err.value.field == "entity"


def test_zip_without_xml(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "CONS_ENHANCED.ZIP"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("README.txt", "nothing here")
    with pytest.raises(SourceFormatError, match="expected one XML file in the archive"):
        ofac_enhanced.parse([SourceFile(str(path), path.read_bytes())])
