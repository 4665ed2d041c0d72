"""The FollowTheMoney JSON-lines parser, checked against the two real yente fixtures."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from exportguard.core.entities import Address, Alias, AliasQuality, EntityType, ListEntry
from exportguard.core.identifiers import make_identifier
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources import ftm

ZALA = "opensanctions/yente_fixtures/zala.entities.ftm.json"
T1 = "opensanctions/yente_fixtures/t1_eu_fsf.entities.ftm.json"


@pytest.fixture(scope="module")
def zala_file(source_file: Callable[[str], SourceFile]) -> SourceFile:
    return source_file(ZALA)


@pytest.fixture(scope="module")
def zala(zala_file: SourceFile) -> ParsedList:
    return ftm.parse([zala_file])


@pytest.fixture(scope="module")
def t1(source_file: Callable[[str], SourceFile]) -> ParsedList:
    return ftm.parse([source_file(T1)])


def _by_id(parsed: ParsedList) -> dict[str, ListEntry]:
    return {e.id.split(":", 1)[1]: e for e in parsed.entries}


def test_zala_counts(zala: ParsedList) -> None:
    assert zala.source == "os_zala"  # mixed datasets: the collection name from the file name
    assert zala.format == "ftm_json"
    assert zala.published == date(2026, 4, 29)
    counts = zala.counts
    assert counts["lines"] == 91
    assert counts["schema:Sanction"] == 41
    assert counts["schema:Ownership"] == 14
    assert counts["schema:Company"] == 11
    assert counts["schema:Address"] == 11
    assert counts["schema:Person"] == 6
    assert counts["schema:Family"] == 4
    assert counts["schema:Directorship"] == 3
    assert counts["schema:Passport"] == 1
    # 6 persons + 8 target companies; 3 register-only companies are context, not entries.
    assert counts["entries"] == 14
    assert counts["non_targets"] == 3
    assert counts["unresolved_refs"] == 16
    types = [e.type for e in zala.entries]
    assert types.count(EntityType.PERSON) == 6
    assert types.count(EntityType.ORGANIZATION) == 8
    assert len(zala.warnings) == 1
    assert "16 addressEntity reference(s)" in zala.warnings[0]
    assert "os_zala:ru-inn-5920040846" not in {e.id for e in zala.entries}


def test_zala_sanctioned_person(zala: ParsedList) -> None:
    entry = _by_id(zala)["NK-aU5ybkbRFJucf8YMwsJvDw"]
    assert entry.type is EntityType.PERSON
    assert entry.name == "Alexander Vyacheslavovich ZAKHAROV"  # the caption
    assert entry.list_name == "OpenSanctions zala"
    assert Alias("Aleksandr Vyacheslavovich Zakharov") in entry.aliases
    assert Alias("Александр Вячеславович Захаров") in entry.aliases
    assert entry.birth_dates == ("1965-09-21",)
    assert "Izhevsk, Russia" in entry.birth_places
    assert entry.countries == ("RU",)
    assert make_identifier("INN", "183111242406") in entry.identifiers
    assert make_identifier("tax", "183111242406") in entry.identifiers
    # Programs from the party and from its 14 Sanction records.
    assert entry.programs[:6] == (
        "UA-SA1644",
        "US-RUSHAR",
        "NZ-RSA2022",
        "SECO-UKRAINE",
        "GB-RUS",
        "EU-UKR",
    )
    assert "RUSSIA-EO14024" in entry.programs
    assert "The Russia (Sanctions) (EU Exit) Regulations 2019" in entry.programs
    assert entry.listed_from == date(2023, 7, 1)  # earliest Sanction startDate (Ukraine NSDC)
    assert entry.listed_until is None  # most sanctions have no end date
    assert entry.citation is not None
    assert "Office of Foreign Assets Control 45937" in entry.citation
    assert "Foreign, Commonwealth & Development Office 16271, RUS2051" in entry.citation
    # An addressEntity resolved through the Address entity's id, plus the address texts.
    assert entry.addresses[0] == Address(
        full="272 Pushkinskaya Street, Apt 41, Izhevsk, 426008",
        street="272 Pushkinskaya Street, Apt 41",
        city="Izhevsk",
        postal_code="426008",
        country="RU",
    )
    assert entry.remarks is not None
    assert "Function: Owner of LLC CST" in entry.remarks


def test_zala_company_referent_address_and_sanctions(zala: ParsedList) -> None:
    entry = _by_id(zala)["NK-abdzbEBkqyT29GyREbiURZ"]
    assert entry.type is EntityType.ORGANIZATION
    assert entry.name == "LLC CST"
    assert Alias("Zala Aero") in entry.aliases
    assert make_identifier("OGRN", "1101841007938") in entry.identifiers
    assert "US-BIS-EL" in entry.programs
    assert "export.control" in entry.programs  # topics are kept among the programs
    assert entry.listed_from == date(2021, 10, 30)
    # "addr-80f656..." is a referent of the Address entity NK-oPoYieLmcZgkCCnJGPRhBN.
    assert (
        Address(
            full="P.O. Box 9050, Izhevsk, Russian Federation, 426011",
            street="UR",
            city="UR, Izhevsk",
            region="Udmurt Republic",
            postal_code="426011",
            country="RU",
        )
        in entry.addresses
    )


def test_zala_weak_and_previous_names(zala: ParsedList) -> None:
    weak = [
        (e.name, a)
        for e in zala.entries
        for a in e.aliases
        if a.quality is AliasQuality.WEAK or a.kind == "fka"
    ]
    assert {a.kind for _name, a in weak} == {"aka", "fka"}
    lavrentiy = _by_id(zala)["NK-hUAjuiA3vTKXF6v2X6MYnS"]
    assert make_identifier("passport", "089132114") in lavrentiy.identifiers
    assert lavrentiy.countries == ("GB", "RU")
    assert lavrentiy.birth_dates == ("1999-02-26",)


def test_t1_eu_fsf(t1: ParsedList) -> None:
    assert t1.source == "os_eu_fsf"  # the one dataset every entity belongs to
    assert t1.published == date(2024, 6, 1)
    assert t1.counts["lines"] == 7
    assert t1.counts["schema:Person"] == 4
    assert t1.counts["schema:Organization"] == 2
    assert t1.counts["schema:Address"] == 1
    assert t1.counts["entries"] == 6
    entries = _by_id(t1)
    tobacco = entries["NK-2GdmHtZTeNXjNVrBGEXZNj"]
    assert tobacco.type is EntityType.ORGANIZATION
    assert tobacco.name == "RAB „Inter Tobacco“"
    assert Alias("Общество с ограниченной ответственностью “Интер Тобако”") in tobacco.aliases
    assert len(tobacco.aliases) == 11
    assert tobacco.countries == ("BY",)
    assert tobacco.identifiers == (make_identifier("registration", "808000714"),)
    assert tobacco.listed_from == date(2022, 6, 3)  # createdAt: no Sanction records here
    assert tobacco.programs == ("sanction",)
    assert tobacco.remarks == "Belarus (Minsk Free Economic Zone)"
    person = entries["NK-2KeUB68qUJtykm3BuAcazG"]
    assert person.name == "Tatiana Vladimirovna ZJURAVLEVA"
    assert person.birth_dates == ("1967-12-19",)
    assert person.remarks is not None
    assert person.remarks.startswith("Position: Member of the so-called")


# --- synthetic edge cases ------------------------------------------------------------------


def _line(entity_id: str, schema: str, props: dict[str, list[str]], **extra: object) -> bytes:
    record = {"id": entity_id, "schema": schema, "properties": props, **extra}
    return json.dumps(record, ensure_ascii=False).encode() + b"\n"


def test_no_target_field_and_mixed_datasets() -> None:
    data = (
        _line("p1", "Person", {"name": ["A B"], "weakAlias": ["AB"]}, datasets=["x", "y"])
        + _line("v1", "Vessel", {"name": ["SEA"], "imoNumber": ["9999999"]}, datasets=["y"])
        + _line(
            "s1",
            "Sanction",
            {"entity": ["v1"], "startDate": ["2020-01-02"], "endDate": ["2021-01-01"]},
            datasets=["y"],
        )
        + _line("s2", "Sanction", {"entity": ["gone"]}, datasets=["y"])
        + _line("pp", "Passport", {"holder": ["p1"], "number": ["X1"], "country": ["de"]})
    )
    result = ftm.parse([SourceFile("export.json", data)])
    assert result.source == "os_y"
    assert result.published is None
    person, vessel = result.entries
    assert person.aliases == (Alias("AB", AliasQuality.WEAK),)
    assert person.identifiers == (make_identifier("passport", "X1", "DE"),)
    assert vessel.type is EntityType.VESSEL
    assert vessel.identifiers == (make_identifier("IMO", "9999999"),)
    assert vessel.listed_from == date(2020, 1, 2)
    assert vessel.listed_until == date(2021, 1, 1)
    assert any("most frequent" in w for w in result.warnings)
    assert any("missing entity gone" in w for w in result.warnings)


# --- bad input ---------------------------------------------------------------------------


def _error(data: bytes, name: str = "bad/entities.ftm.json") -> SourceFormatError:
    with pytest.raises(SourceFormatError) as info:
        ftm.parse([SourceFile(name, data)])
    assert name in str(info.value)
    return info.value


def test_empty() -> None:
    assert "empty" in _error(b"\n\n").message


def test_truncated(zala_file: SourceFile) -> None:
    data = zala_file.data[: len(zala_file.data) - 500]
    err = _error(data)
    assert err.line == 91
    assert "truncated" in err.message


def test_not_utf8(zala_file: SourceFile) -> None:
    lines = zala_file.data.split(b"\n")
    lines[4] = lines[4].replace(b'"caption": "', b'"caption": "\xe4', 1)
    err = _error(b"\n".join(lines))
    assert err.line == 5


def test_duplicate_id(zala_file: SourceFile) -> None:
    lines = zala_file.data.split(b"\n")
    data = b"\n".join([*lines[:10], lines[3], *lines[10:]])
    err = _error(data)
    assert (err.line, err.field) == (11, "id")


@pytest.mark.parametrize(
    ("line", "field"),
    [
        (b'{"id": "a", "properties": {}}', "schema"),
        (b'{"schema": "Person", "properties": {}}', "id"),
        (b'{"id": "a", "schema": "Person"}', "properties"),
        (b'{"id": "a", "schema": "Person", "properties": {"name": "A"}}', "properties.name"),
    ],
)
def test_missing_or_invalid_keys(zala_file: SourceFile, line: bytes, field: str) -> None:
    lines = zala_file.data.split(b"\n")
    err = _error(b"\n".join([*lines[:2], line, *lines[2:]]))
    assert (err.line, err.field) == (3, field)


def test_not_an_object() -> None:
    err = _error(b'{"id": "a", "schema": "Person", "properties": {}}\n[1, 2]\n')
    assert err.line == 2


# --- sniffing ----------------------------------------------------------------------------


def test_sniff_own_files_only(lists_dir: Path) -> None:
    claimed = [
        p.relative_to(lists_dir).as_posix()
        for p in sorted(lists_dir.rglob("*"))
        if p.is_file() and ftm.sniff(SourceFile(str(p), p.read_bytes()))
    ]
    assert claimed == [T1, ZALA]
