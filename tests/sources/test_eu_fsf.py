"""The EU FSF XML 1.1 parser, checked against the real 5-entity extract."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from exportguard.core.entities import Address, Alias, AliasQuality, EntityType, ListEntry
from exportguard.core.identifiers import make_identifier
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources import eu_fsf
from tests.sources import plain

REAL = "eu_fsf/sample_2026-08-05/sample_eu_fsf.xml"


@pytest.fixture(scope="module")
def real_file(source_file: Callable[[str], SourceFile]) -> SourceFile:
    return source_file(REAL)


@pytest.fixture(scope="module")
def parsed(real_file: SourceFile) -> ParsedList:
    return eu_fsf.parse([real_file])


@pytest.fixture(scope="module")
def by_id(parsed: ParsedList) -> dict[str, ListEntry]:
    return {e.id: e for e in parsed.entries}


def test_counts_and_publication(parsed: ParsedList) -> None:
    assert parsed.source == "eu_fsf"
    assert parsed.format == "eu_fsf_xml"
    assert parsed.published == date(2026, 8, 5)
    assert parsed.counts["sanction_entities"] == 5
    assert parsed.counts["name_aliases"] == 45
    assert parsed.counts["names"] == 45  # no alias repeats another in this extract
    assert parsed.counts["persons"] == 4
    assert parsed.counts["organizations"] == 1
    assert parsed.warnings == ()
    assert [e.id for e in parsed.entries] == [
        "eu_fsf:191",
        "eu_fsf:521",
        "eu_fsf:3822",
        "eu_fsf:6106",
        "eu_fsf:6177",
    ]


@pytest.mark.parametrize(
    ("entry_id", "primary"),
    [
        # The first nameAlias is a French spelling; the oldest record is the listed name.
        ("eu_fsf:191", "Khalid Sheikh MOHAMMED"),
        ("eu_fsf:521", "Haji Ahmad Jan"),
        ("eu_fsf:3822", "Parchin Chemical Industries (PCI)"),
        ("eu_fsf:6106", "Abu Zayd Umar DORDA"),
        # The first two aliases are Arabic script; "Abu Saleh" etc. are low quality.
        ("eu_fsf:6177", "Ibrahim Hassan Tali Al-Asiri"),
    ],
)
def test_primary_name_rule(by_id: dict[str, ListEntry], entry_id: str, primary: str) -> None:
    assert by_id[entry_id].name == primary


def test_person_with_two_birth_dates(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["eu_fsf:191"]
    assert entry.type is EntityType.PERSON
    assert Alias("Bin Khalid Fahd Bin Adballah", lang="fr") in entry.aliases
    assert Alias("Ali Salem") in entry.aliases
    assert len(entry.aliases) == 6
    assert entry.birth_dates == ("1965-04-14", "1964-03-01")
    assert entry.birth_places == ("PAKISTAN",)  # city "-" means none
    assert plain(entry.identifiers) == plain(
        (
            make_identifier("eu-reference", "EU.3579.2"),
            make_identifier("passport", "488555"),  # country "00" = unknown
        )
    )
    assert entry.programs == ("TERR",)
    assert entry.citation == "Regulation 2025/206 (L 202500206)"
    assert entry.url == "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=OJ:L_202500206"
    assert entry.listed_from is None  # no designationDate attribute


def test_year_range_birth_date(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["eu_fsf:521"]
    assert entry.birth_dates == ("1953", "1954", "1955", "1956", "1957", "1958")
    assert entry.birth_places == (
        "Tirin Kot District, Uruzgan Province, AFGHANISTAN",
        "Kandahar province, AFGHANISTAN",
    )
    assert entry.countries == ("AF",)
    assert entry.listed_from == date(2001, 1, 25)
    assert entry.programs == ("AFG",)
    assert entry.remarks is not None
    assert entry.remarks.startswith("Believed to be in Afghanistan/ Pakistan border area.")
    assert "Title: Maulavi" in entry.remarks
    assert "Function: Minister of Water and Electricity under the Taliban regime" in entry.remarks


def test_enterprise_multilingual_aliases_and_addresses(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["eu_fsf:3822"]
    assert entry.type is EntityType.ORGANIZATION
    assert len(entry.aliases) == 15
    assert Alias("Parchin-Militärbasis", lang="de") in entry.aliases
    assert Alias("Parcsini Vegyipari Vállalat", lang="hu") in entry.aliases
    assert Alias("صنایع شیمیایی پارچین", kind="original-script", lang="fa") in entry.aliases
    assert len(entry.addresses) == 6
    assert entry.addresses[0] == Address(
        full="Pasdaran Square, P.O. Box 16765/358, Tehran, IRAN (ISLAMIC REPUBLIC OF)",
        street="Pasdaran Square, P.O. Box 16765/358",
        city="Tehran",
        country="IR",
    )
    assert entry.addresses[-1].postal_code == "15765-358"
    assert entry.countries == ("IR",)
    assert plain(entry.identifiers) == plain(
        (
            make_identifier("eu-reference", "EU.3953.70"),
            make_identifier("registration", "892"),
        )
    )
    assert entry.listed_from == date(2008, 6, 23)
    assert entry.remarks is not None
    assert "Designation details: UN designation:24/03/2007 (no longer valid)" in entry.remarks
    assert "PCF: Parchin Chemical Factories" in entry.remarks


def test_un_reference_and_passport_country(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["eu_fsf:6106"]
    assert plain(entry.identifiers) == plain(
        (
            make_identifier("eu-reference", "EU.3886.3"),
            make_identifier("un-reference", "LYi.006"),
            make_identifier("passport", "FK117RK0", "LY"),
        )
    )
    assert entry.birth_dates == ("1944-04-04",)
    assert entry.birth_places == ("Alrhaybat",)
    assert entry.addresses == (
        Address(
            full="LIBYA", country="LY", note="Libya (Believed status/location: residing in Egypt)"
        ),
    )
    assert Alias("ABÚ ZAJD UMAR DÚRDA", lang="cs") in entry.aliases


def test_low_quality_remark_islamic_calendar(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["eu_fsf:6177"]
    weak = {a.name for a in entry.aliases if a.quality is AliasQuality.WEAK}
    assert weak == {"Abu-Salaah", "Abosslah", "Abu Saleh"}  # "low quality aliias" included
    scripts = [a for a in entry.aliases if a.kind == "original-script"]
    assert [a.name for a in scripts] == ["إبراهيم حسن طالع عسيري", "إبراهيم حسن طالع العسيري"]
    assert {a.lang for a in scripts} == {"ar"}
    # Only the Gregorian dates are birth dates; the hijri one goes to remarks.
    assert entry.birth_dates == ("1982-04-18", "1982-04-19")
    assert entry.remarks is not None
    assert "Birth date in the islamic calendar: 24/6/1402" in entry.remarks
    assert entry.countries == ("SA", "YE")
    assert entry.programs == ("TAQA",)
    assert plain(make_identifier("national-id", "1028745097", "SA")) in plain(entry.identifiers)


def test_subject_code_from_attribute_when_names_split() -> None:
    xml = (
        b'<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-01-02">'
        b'<sanctionEntity logicalId="7"><subjectType code="vessel"/>'
        b'<nameAlias firstName="Ann" middleName="B" lastName="Cee" wholeName="" strong="false"'
        b' logicalId="1"/><nameAlias wholeName="Ann Cee" strong="true" logicalId="2"/>'
        b"</sanctionEntity></export>"
    )
    result = eu_fsf.parse([SourceFile("mini.xml", xml)])
    (entry,) = result.entries
    assert entry.type is EntityType.UNKNOWN
    assert result.warnings == ("sanctionEntity 7: unknown subjectType code 'vessel'",)
    assert entry.name == "Ann Cee"
    assert entry.aliases == (Alias("Ann B Cee", AliasQuality.WEAK),)


# --- bad input ---------------------------------------------------------------------------


def _error(data: bytes, name: str = "bad/fsf.xml") -> SourceFormatError:
    with pytest.raises(SourceFormatError) as info:
        eu_fsf.parse([SourceFile(name, data)])
    assert name in str(info.value)
    return info.value


def test_empty() -> None:
    assert "empty" in _error(b"  \n").message


def test_truncated(real_file: SourceFile) -> None:
    err = _error(real_file.data[:20000])
    assert err.line is not None
    assert "well-formed" in err.message


def test_doctype_refused(real_file: SourceFile) -> None:
    data = real_file.data.replace(b"<export", b"<!DOCTYPE export SYSTEM 'x.dtd'>\n<export", 1)
    err = _error(data)
    assert err.line == 2


def test_missing_logical_id(real_file: SourceFile) -> None:
    data = real_file.data.replace(b' euReferenceNumber="EU.3886.3" logicalId="6106"', b"")
    err = _error(data)
    assert (err.line, err.field) == (171, "logicalId")


def test_duplicate_logical_id(real_file: SourceFile) -> None:
    data = real_file.data.replace(b'"EU.3886.3" logicalId="6106"', b'"EU.3886.3" logicalId="521"')
    err = _error(data)
    assert (err.line, err.field) == (171, "logicalId")


def test_bad_designation_date(real_file: SourceFile) -> None:
    data = real_file.data.replace(b'designationDate="2011-02-26"', b'designationDate="26/02/2011"')
    err = _error(data)
    assert (err.line, err.field) == (171, "designationDate")


def test_bad_generation_date(real_file: SourceFile) -> None:
    data = real_file.data.replace(b"2026-08-05T16:47:04.449+02:00", b"yesterday", 1)
    err = _error(data)
    assert (err.line, err.field) == (2, "generationDate")


def test_entity_without_names(real_file: SourceFile) -> None:
    first = real_file.data.index(b"<sanctionEntity")
    start = real_file.data.index(b"<sanctionEntity", first + 10)
    end = real_file.data.index(b"<sanctionEntity", start + 10)
    block = real_file.data[start:end]
    stripped = block
    while b"<nameAlias" in stripped:
        a = stripped.index(b"<nameAlias")
        b = stripped.index(b"</nameAlias>", a) + len(b"</nameAlias>")
        stripped = stripped[:a] + stripped[b:]
    err = _error(real_file.data[:start] + stripped + real_file.data[end:])
    assert (err.line, err.field) == (39, "nameAlias")


def test_wrong_root() -> None:
    err = _error(b"<export/>".replace(b"export", b"exports"))
    assert "expected <export>" in err.message


# --- sniffing ----------------------------------------------------------------------------


def test_sniff_own_file_only(lists_dir: Path) -> None:
    claimed = [
        p.relative_to(lists_dir).as_posix()
        for p in sorted(lists_dir.rglob("*"))
        if p.is_file() and eu_fsf.sniff(SourceFile(str(p), p.read_bytes()))
    ]
    assert claimed == [REAL]
