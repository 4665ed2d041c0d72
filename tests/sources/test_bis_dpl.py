"""BIS Denied Persons List text file (``exportguard.sources.bis_dpl``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from exportguard.core.entities import Address, Alias, EntityType, ListEntry
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources import bis_dpl
from exportguard.sources._bis_dpl_names import looks_like_organization

DPL = "us_bis_dpl/2023-11-30/dpl.txt"
Reader = Callable[[str], SourceFile]


@pytest.fixture(scope="module")
def parsed(source_file: Reader) -> ParsedList:
    return bis_dpl.parse([source_file(DPL)])


@pytest.fixture(scope="module")
def by_id(parsed: ParsedList) -> dict[str, ListEntry]:
    return {e.id: e for e in parsed.entries}


def test_counts(parsed: ParsedList) -> None:
    assert parsed.source == "us_bis_dpl"
    assert parsed.format == "bis_dpl_txt"
    assert parsed.published is None
    assert parsed.counts["rows"] == 665  # PROVENANCE.md, section 4
    assert parsed.counts["entries"] == len(parsed.entries) == 546
    assert parsed.counts["merged_rows"] == 665 - 546
    assert parsed.counts["names"] == sum(len(e.names()) for e in parsed.entries)
    assert len({e.id for e in parsed.entries}) == 546
    assert {e.list_name for e in parsed.entries} == {"BIS Denied Persons List"}


def test_warnings_report_date_typos_and_newest_date(parsed: ParsedList) -> None:
    assert parsed.warnings == (
        "line 26, field 'Last_Update': implausible date 1023-11-01 (a typo in the source?) ignored",
        "line 218, field 'Last_Update': implausible date 1023-11-01 (a typo in the source?) "
        "ignored",
        "line 316, field 'Last_Update': implausible date 3033-09-30 (a typo in the source?) "
        "ignored",
        "lines 293, 294: merged lines of 'JESUS ADRIAN RAMIREZ' disagree on "
        "Effective_Date/Expiration_Date; using the earliest effective and the latest "
        "expiration date",
        "lines 376, 377, 378: merged lines of 'MAHMOUD AMINI' disagree on "
        "Effective_Date/Expiration_Date; using the earliest effective and the latest "
        "expiration date",
        "the file carries no publication date; its newest Effective_Date/Last_Update is 2023-11-28",
    )


def test_person_field_by_field(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["us_bis_dpl:AARON-ABRAHAM-VILLA:87FR52741"]
    assert entry.source == "us_bis_dpl"
    assert entry.type is EntityType.PERSON
    assert entry.name == "AARON ABRAHAM VILLA"
    assert entry.aliases == ()
    assert entry.addresses == (
        Address(
            full="3415 RIVERA AVENUE, EL PASO, TX, 79905",
            street="3415 RIVERA AVENUE",
            city="EL PASO",
            region="TX",
            postal_code="79905",
            country=None,  # the Country column is empty; not guessed
        ),
    )
    assert entry.countries == ()
    assert entry.listed_from == date(2022, 8, 24)
    assert entry.listed_until == date(2026, 1, 14)
    assert entry.citation == "87 F.R. 52741 8/29/2022"
    assert entry.licence_requirement is None
    assert entry.remarks == "Standard order: Y; Action: F.R. NOTICE ADDED; Last update: 2022-08-29"
    assert entry.in_force(date(2023, 11, 30))
    assert not entry.in_force(date(2026, 1, 15))


def test_company_with_four_address_lines_is_one_entry(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["us_bis_dpl:AIR-FREIGHT-LTD:80FR30435"]
    assert entry.type is EntityType.ORGANIZATION
    assert [a.full for a in entry.addresses] == [
        "AL AMIRAT STREET, SECTION 309, ST. 3/H.20, AL MANSOUR, BAGHDAD, IQ",
        "HOME 46, AL-KARRADA, BABIL REGION, DISTRICT 929, ST 21, BESIDE AL JADIRYA PRIVATE "
        "HOSPITAL, BAGHDAD, IQ",
        "P.O. BOX 28360, DUBAI, AE",
        "P.O. BOX 911399, AMMAN, 11191, JO",
    ]
    assert entry.countries == ("AE", "IQ", "JO")
    # A temporary denial order renewed: effective 2023-10-31, one year.
    assert entry.listed_from == date(2023, 10, 31)
    assert entry.listed_until == date(2024, 10, 30)
    assert entry.citation is not None
    assert entry.citation.startswith("80 F.R. 30435 5/28/15, 80 F.R. 44930 7/28/15")


def test_exact_duplicate_lines_merge(by_id: dict[str, ListEntry]) -> None:
    # Lines 153 and 154 are byte-identical in the source.
    entry = by_id["us_bis_dpl:DAQING-ZHOU:71FR65775"]
    assert len(entry.addresses) == 1
    assert entry.addresses[0].country == "CN"
    assert entry.addresses[0].postal_code == "101300"
    assert entry.listed_until == date(2026, 11, 9)


def test_same_person_under_two_orders_stays_two_entries(by_id: dict[str, ListEntry]) -> None:
    first = by_id["us_bis_dpl:I-ASH:67FR10890"]
    second = by_id["us_bis_dpl:I-ASH:68FR38290"]
    assert first.listed_from == date(2002, 3, 4)
    assert second.listed_from == date(2003, 6, 19)
    assert len(first.addresses) == 2
    assert second.addresses[0].city == "SEAGOVILLE"


def test_disagreeing_lines_take_latest_expiration(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["us_bis_dpl:JESUS-ADRIAN-RAMIREZ:88FR17793"]
    assert entry.listed_until == date(2030, 12, 16)
    assert len(entry.addresses) == 2


def test_spelling_variants_of_merged_lines_become_aliases(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["us_bis_dpl:AL-NASER-AIRLINES:80FR30435"]
    assert entry.name == "AL NASER AIRLINES"
    assert entry.aliases == (Alias("AL-NASER AIRLINES"),)  # "AL-NASER  AIRLINES" cleaned


def test_typo_last_update_row_is_kept(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["us_bis_dpl:JOSE-ERNESTO-GARCIA:87FR59396"]
    assert entry.listed_from == date(2022, 9, 26)
    assert entry.remarks is not None
    assert "Last update: 3033-09-30" in entry.remarks


@pytest.mark.parametrize(
    ("entry_id", "aliases"),
    [
        ("us_bis_dpl:FUYI-SUN-A-K-A-FRANK-SUN:83FR29542", ["FUYI SUN", "FRANK SUN"]),
        ("us_bis_dpl:PEARL-A-K-A-NEI-CHIEN-CHU-LI:71FR38363", ["PEARL LI", "NEI-CHIEN CHU"]),
        (
            "us_bis_dpl:SIBERIAN-AIRLINES-D-B-A-S7-AIRLINES:87FR38709",
            ["SIBERIAN AIRLINES", "S7 AIRLINES"],
        ),
    ],
)
def test_names_with_embedded_aliases(
    by_id: dict[str, ListEntry], entry_id: str, aliases: list[str]
) -> None:
    assert [a.name for a in by_id[entry_id].aliases] == aliases


def test_quoted_nickname_is_unescaped(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["us_bis_dpl:IHSAN-MEDHAT-SAMMY-ELASHI:66FR47630"]
    assert entry.name == 'IHSAN MEDHAT "SAMMY" ELASHI'


@pytest.mark.parametrize(
    ("name", "organisation"),
    [
        ("AARON ABRAHAM VILLA", False),
        ("ABEL HERNANDEZ, JR.", False),
        ("GE SONG TAO (GE)", False),
        ("ARROWTRONIC, LLC", True),
        ("COTRICOM S.A.", True),
        ("ELECMAT, INC.", True),
        ("GHARE SABZ CO.", True),
        ("YARRA ANSTALT A.G.", True),
        ("BELAVIA BELARUSIAN AIRLINES", True),
        ("ELECTROCOM", True),
        ("SUNTRONIC F.Z.E.", True),
    ],
)
def test_type_rule(name: str, organisation: bool) -> None:
    assert looks_like_organization(name) is organisation


def test_type_counts(parsed: ParsedList) -> None:
    kinds = [e.type for e in parsed.entries]
    assert kinds.count(EntityType.ORGANIZATION) == 104
    assert kinds.count(EntityType.PERSON) == 442


def test_sniff_claims_only_the_dpl(lists_dir: Path) -> None:
    for path in sorted(p for p in lists_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(lists_dir).as_posix()
        assert bis_dpl.sniff(SourceFile(str(path), path.read_bytes())) == (rel == DPL), rel


# -- bad input ----------------------------------------------------------------------------


def _lines(source_file: Reader) -> list[bytes]:
    return source_file(DPL).data.splitlines(keepends=True)


def _parse(data: bytes) -> ParsedList:
    return bis_dpl.parse([SourceFile("dpl-bad.txt", data)])


def test_empty_file() -> None:
    with pytest.raises(SourceFormatError, match="empty") as info:
        _parse(b"  \n")
    assert info.value.file == "dpl-bad.txt"


def test_header_without_rows(source_file: Reader) -> None:
    with pytest.raises(SourceFormatError, match="no rows") as info:
        _parse(_lines(source_file)[0])
    assert info.value.line == 1


def test_missing_column(source_file: Reader) -> None:
    lines = _lines(source_file)
    lines[0] = lines[0].replace(b'"FR_Citation"', b'"Citation"')
    with pytest.raises(SourceFormatError, match="missing required column") as info:
        _parse(b"".join(lines))
    assert (info.value.file, info.value.line, info.value.field) == (
        "dpl-bad.txt",
        1,
        "FR_Citation",
    )


def test_truncated_file(source_file: Reader) -> None:
    data = source_file(DPL).data
    cut = data[: data.index(b'"ABDUL MAJID SAIDI"') + 40]
    with pytest.raises(SourceFormatError) as info:
        _parse(cut)
    assert info.value.file == "dpl-bad.txt"
    assert info.value.line == 5


def test_corrupt_effective_date(source_file: Reader) -> None:
    lines = _lines(source_file)
    lines[2] = lines[2].replace(b'"08/24/2022"', b'"2022-08-24"')
    with pytest.raises(SourceFormatError, match="unparsable date '2022-08-24'") as info:
        _parse(b"".join(lines))
    assert (info.value.line, info.value.field) == (3, "Effective_Date")


def test_missing_effective_date(source_file: Reader) -> None:
    lines = _lines(source_file)
    lines[2] = lines[2].replace(b'"08/24/2022"', b'""')
    with pytest.raises(SourceFormatError, match="date is missing") as info:
        _parse(b"".join(lines))
    assert (info.value.line, info.value.field) == (3, "Effective_Date")


def test_corrupt_expiration_date(source_file: Reader) -> None:
    lines = _lines(source_file)
    lines[2] = lines[2].replace(b'"01/14/2026"', b'"01/44/2026"')
    with pytest.raises(SourceFormatError) as info:
        _parse(b"".join(lines))
    assert (info.value.line, info.value.field) == (3, "Expiration_Date")


def test_empty_name(source_file: Reader) -> None:
    lines = _lines(source_file)
    lines[2] = lines[2].replace(b'"AARON ABRAHAM VILLA"', b'"  "')
    with pytest.raises(SourceFormatError, match="name is empty") as info:
        _parse(b"".join(lines))
    assert (info.value.line, info.value.field) == (3, "Name")


def test_duplicated_line_merges_as_in_the_real_file(source_file: Reader) -> None:
    # The real file repeats lines (DAQING ZHOU), so a repeated line is merged, not refused.
    lines = _lines(source_file)
    parsed = _parse(b"".join([*lines[:3], lines[2]]))
    assert parsed.counts == {"rows": 3, "entries": 2, "merged_rows": 1, "names": 2}


def test_utf16_is_refused(source_file: Reader) -> None:
    with pytest.raises(SourceFormatError, match="NUL bytes") as info:
        _parse(source_file(DPL).data.decode("ascii").encode("utf-16-le"))
    assert info.value.file == "dpl-bad.txt"


def test_unterminated_quote(source_file: Reader) -> None:
    lines = _lines(source_file)
    with pytest.raises(SourceFormatError) as info:
        _parse(b"".join([*lines[:3], b'"BROKEN\t"X"\n']))
    assert info.value.file == "dpl-bad.txt"
    assert info.value.line == 4
