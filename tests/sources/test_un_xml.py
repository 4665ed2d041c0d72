"""UN Security Council Consolidated List XML (``exportguard.sources.un_xml``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from exportguard.core.entities import Address, Alias, AliasQuality, EntityType, ListEntry
from exportguard.core.identifiers import make_identifier
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources import un_xml
from tests.sources import plain

UN = "un_sc/2026-02-27/consolidated.xml"
Reader = Callable[[str], SourceFile]


@pytest.fixture(scope="module")
def parsed(source_file: Reader) -> ParsedList:
    return un_xml.parse([source_file(UN)])


@pytest.fixture(scope="module")
def by_id(parsed: ParsedList) -> dict[str, ListEntry]:
    return {e.id: e for e in parsed.entries}


def test_counts_and_publication_date(parsed: ParsedList) -> None:
    assert parsed.source == "un_sc"
    assert parsed.format == "un_sc_xml"
    assert parsed.published == date(2026, 2, 27)
    assert parsed.counts["records"] == 1003  # PROVENANCE.md, section 5
    assert parsed.counts["individuals"] == 730
    assert parsed.counts["entities"] == 273
    assert parsed.counts["entries"] == len(parsed.entries) == 1003
    assert parsed.counts["names"] == sum(len(e.names()) for e in parsed.entries)
    kinds = [e.type for e in parsed.entries]
    assert kinds.count(EntityType.PERSON) == 730
    assert kinds.count(EntityType.ORGANIZATION) == 273
    # "former Soviet Union" is a known non-country (vocab/countries.yaml), not a warning.
    assert parsed.warnings == ()


def test_ids_are_reference_numbers(parsed: ParsedList, by_id: dict[str, ListEntry]) -> None:
    assert len(by_id) == 1003
    assert all(e.id == f"un_sc:{e.citation}" for e in parsed.entries)
    # "KPe.023 " has a trailing space in the source.
    assert by_id["un_sc:KPe.023"].citation == "KPe.023"


def test_original_script_name_and_weak_alias(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["un_sc:IQi.001"]
    assert entry.type is EntityType.PERSON
    assert entry.name == "SADDAM HUSSEIN AL-TIKRITI"
    assert entry.aliases == (
        Alias("صدام حسين التكريتي", AliasQuality.STRONG, "original-script"),
        Alias("Abu Ali", AliasQuality.WEAK, "aka"),
    )
    assert entry.programs == ("Iraq",)
    assert entry.countries == ("IQ",)
    assert entry.birth_dates == ("1937-04-28",)
    assert entry.birth_places == ("al-Awja, near Tikrit, Iraq",)
    assert entry.listed_from == date(2003, 6, 27)
    assert entry.citation == "IQi.001"


def test_cyrillic_original_script_and_passport(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["un_sc:QDi.290"]
    assert entry.name == "DOKU KHAMATOVICH UMAROV"
    assert entry.aliases[0] == Alias("Умаров Доку Хаматович", kind="original-script")
    assert plain(entry.identifiers) == plain((make_identifier("Passport", "96 03 464086", "RU"),))
    assert entry.birth_dates == ("1955", "1964-04-13", "1965-04-13", "1964-05-12")
    assert entry.countries == ("RU",)


def test_chinese_alias_is_original_script(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["un_sc:KPi.035"]
    # "Jin Tiesan (金铁三)": the Latin name and its Chinese spelling are two aliases.
    assert entry.aliases == (Alias("Jin Tiesan"), Alias("金铁三", kind="original-script"))
    assert entry.identifiers == (make_identifier("Passport", "645120378", "KP"),)
    assert entry.remarks is not None
    assert entry.remarks.endswith("Designation: Representative for Daedong Credit Bank (DCB)")


def test_individual_field_by_field(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["un_sc:CDi.003"]
    assert entry.name == "GASTON IYAMUREMYE"
    assert [(a.name, a.quality) for a in entry.aliases] == [
        ("Rumuli", AliasQuality.WEAK),
        ("Byiringiro Victor Rumuli", AliasQuality.STRONG),
        ("Victor Rumuri", AliasQuality.STRONG),
        ("Michel Byiringiro", AliasQuality.STRONG),
    ]
    assert entry.addresses == (
        Address(
            full="North Kivu Province, Democratic Republic of the Congo",
            region="North Kivu Province",
            country="CD",
            note="as of June 2016",
        ),
    )
    assert entry.countries == ("CD", "RW")  # address CD, nationality Rwanda
    assert entry.birth_dates == ("1948",)
    assert entry.birth_places == (
        "Musanze District, Northern Province, Rwanda",
        "Ruhengeri, Rwanda",
    )
    assert entry.identifiers == (make_identifier("Gender", "Male"),)
    assert entry.programs == ("DRC",)
    assert entry.listed_from == date(2010, 12, 1)
    assert entry.remarks is not None
    assert entry.remarks.endswith(
        "Designation: FDLR Interim President; FDLR-FOCA 1st Vice-President; FDLR-FOCA Major General"
    )


@pytest.mark.parametrize(
    ("entry_id", "birth_dates"),
    [
        ("un_sc:CDi.004", ("1973-11",)),  # NOTE "Nov. 1973 " only
        ("un_sc:CDi.030", ("1973", "1974")),  # BETWEEN 1973 and 1974
        ("un_sc:QDi.001", ("1963-04-11", "1960-04-11")),
    ],
)
def test_birth_dates(
    by_id: dict[str, ListEntry], entry_id: str, birth_dates: tuple[str, ...]
) -> None:
    assert by_id[entry_id].birth_dates == birth_dates


def test_entity_with_fka_aliases(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["un_sc:CDe.001"]
    assert entry.type is EntityType.ORGANIZATION
    assert entry.name == "ADF"
    assert [(a.name, a.kind) for a in entry.aliases] == [
        ("Allied Democratic Forces", "aka"),
        ("Forces Démocratiques Alliées-Armée Nationale de Libération de l’Ouganda", "fka"),
        ("ADF/NALU", "fka"),
        ("NALU", "fka"),
    ]
    assert entry.addresses[0].country == "CD"
    assert entry.listed_from == date(2014, 6, 30)


def test_entity_imo_number_from_comments(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["un_sc:KPe.056"]
    assert entry.name == "CHONMYONG SHIPPING CO"
    assert entry.identifiers == (make_identifier("IMO", "5571322"),)
    assert [a.full for a in entry.addresses] == [
        "Kalrimgil 2-dong, Mangyongdae-guyok, Pyongyang, Democratic People's Republic of Korea",
        "Saemaul 2-dong, Pyongchon-guyok, Pyongyang, Democratic People's Republic of Korea",
    ]
    assert entry.countries == ("KP",)


def test_listed_on_with_zone_suffix(parsed: ParsedList) -> None:
    # LISTED_ON "2015-04-07-04:00" in the source.
    assert any(e.listed_from == date(2015, 4, 7) for e in parsed.entries)
    assert all(e.listed_from is not None for e in parsed.entries)


def test_original_script_aliases_are_common(parsed: ParsedList) -> None:
    kinds = [a.kind for e in parsed.entries for a in e.aliases]
    assert kinds.count("original-script") >= 378  # one per NAME_ORIGINAL_SCRIPT at least


def test_sniff_claims_only_the_un_list(lists_dir: Path) -> None:
    for path in sorted(p for p in lists_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(lists_dir).as_posix()
        assert un_xml.sniff(SourceFile(str(path), path.read_bytes())) == (rel == UN), rel


# -- bad input ----------------------------------------------------------------------------


def _parse(data: bytes) -> ParsedList:
    return un_xml.parse([SourceFile("un-bad.xml", data)])


def _line_of(data: bytes, needle: bytes) -> int:
    return data.count(b"\n", 0, data.index(needle)) + 1


def test_empty_file() -> None:
    with pytest.raises(SourceFormatError, match="empty") as info:
        _parse(b"")
    assert info.value.file == "un-bad.xml"


def test_truncated_file(source_file: Reader) -> None:
    data = source_file(UN).data
    with pytest.raises(SourceFormatError, match="not well-formed") as info:
        _parse(data[: len(data) // 2])
    assert info.value.file == "un-bad.xml"
    assert info.value.line is not None


def test_doctype_is_refused(source_file: Reader) -> None:
    data = source_file(UN).data.replace(
        b"<CONSOLIDATED_LIST", b'<!DOCTYPE x [<!ENTITY a "b">]>\n<CONSOLIDATED_LIST', 1
    )
    with pytest.raises(SourceFormatError, match="DOCTYPE") as info:
        _parse(data)
    assert (info.value.file, info.value.line) == ("un-bad.xml", 2)


def test_wrong_root() -> None:
    with pytest.raises(SourceFormatError, match="expected <CONSOLIDATED_LIST>") as info:
        _parse(b"<?xml version='1.0'?>\n<sdnList><sdnEntry/></sdnList>")
    assert info.value.line == 2


def test_no_record_containers() -> None:
    with pytest.raises(SourceFormatError, match="INDIVIDUALS") as info:
        _parse(b"<CONSOLIDATED_LIST dateGenerated='2026-01-01'>\n</CONSOLIDATED_LIST>")
    assert info.value.field == "INDIVIDUALS"


def test_missing_listing_date(source_file: Reader) -> None:
    data = source_file(UN).data.replace(b"<LISTED_ON>2012-12-31</LISTED_ON>", b"", 1)
    with pytest.raises(SourceFormatError, match="listing date is missing") as info:
        _parse(data)
    assert info.value.field == "LISTED_ON"
    assert info.value.line == _line_of(data, b"<DATAID>6907993") - 1  # the <INDIVIDUAL> line


def test_corrupt_listing_date(source_file: Reader) -> None:
    data = source_file(UN).data.replace(
        b"<LISTED_ON>2012-12-31</LISTED_ON>", b"<LISTED_ON>31/12/2012</LISTED_ON>", 1
    )
    with pytest.raises(SourceFormatError, match="unparsable date '31/12/2012'") as info:
        _parse(data)
    assert (info.value.line, info.value.field) == (_line_of(data, b"31/12/2012"), "LISTED_ON")


def test_missing_name(source_file: Reader) -> None:
    data = (
        source_file(UN)
        .data.replace(b"<FIRST_NAME>ERIC</FIRST_NAME>", b"", 1)
        .replace(b"<SECOND_NAME>BADEGE</SECOND_NAME>", b"", 1)
    )
    with pytest.raises(SourceFormatError, match="no name") as info:
        _parse(data)
    assert info.value.field == "FIRST_NAME"
    assert info.value.line == _line_of(data, b"<DATAID>6907993") - 1


def test_duplicate_reference_number(source_file: Reader) -> None:
    data = source_file(UN).data
    start = data.index(b"<INDIVIDUAL>")
    end = data.index(b"</INDIVIDUAL>") + len(b"</INDIVIDUAL>")
    doubled = data[:end] + data[start:end] + data[end:]
    with pytest.raises(SourceFormatError, match=r"duplicate entry id 'un_sc:CDi\.001'") as info:
        _parse(doubled)
    assert info.value.file == "un-bad.xml"


def test_record_without_reference_falls_back_to_dataid(source_file: Reader) -> None:
    data = source_file(UN).data.replace(b"<REFERENCE_NUMBER>CDi.001</REFERENCE_NUMBER>", b"", 1)
    parsed = _parse(data)
    assert "un_sc:DATAID-6907993" in {e.id for e in parsed.entries}
    assert any("id from DATAID 6907993" in w for w in parsed.warnings)


def test_bad_generation_date_is_a_warning(source_file: Reader) -> None:
    data = source_file(UN).data.replace(
        b'dateGenerated="2026-02-27T00:00:09.554Z"', b'dateGenerated="yesterday"', 1
    )
    parsed = _parse(data)
    assert parsed.published is None
    assert "unparsable dateGenerated 'yesterday' ignored" in parsed.warnings
