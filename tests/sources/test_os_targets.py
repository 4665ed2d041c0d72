"""The OpenSanctions targets.simple.csv parser, checked against the real 2026-03 export."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from exportguard.core.entities import Address, Alias, EntityType, Identifier, ListEntry, ParsedList
from exportguard.errors import SourceFormatError
from exportguard.sources import os_targets
from exportguard.sources._common import SourceFile

REAL = "opensanctions/ua_war_sanctions_2026-03/targets.simple.csv"
PREFIX = "os_ua_war_sanctions:"


@pytest.fixture(scope="module")
def real_file(source_file: Callable[[str], SourceFile]) -> SourceFile:
    return source_file(REAL)


@pytest.fixture(scope="module")
def parsed(real_file: SourceFile) -> ParsedList:
    return os_targets.parse([real_file])


@pytest.fixture(scope="module")
def by_id(parsed: ParsedList) -> dict[str, ListEntry]:
    return {e.id.removeprefix(PREFIX): e for e in parsed.entries}


def test_counts_match_provenance(parsed: ParsedList) -> None:
    assert parsed.source == "os_ua_war_sanctions"
    assert parsed.format == "os_targets_csv"
    assert parsed.published == date(2026, 3, 13)
    assert parsed.counts["rows"] == 5600
    assert parsed.counts["entries"] == 5600
    assert parsed.counts["schema:Person"] == 1543
    assert parsed.counts["schema:Company"] == 1524
    assert parsed.counts["schema:Vessel"] == 1340
    assert parsed.counts["schema:LegalEntity"] == 1193
    assert parsed.warnings == ()
    types = [e.type for e in parsed.entries]
    assert types.count(EntityType.PERSON) == 1543
    assert types.count(EntityType.VESSEL) == 1340
    assert types.count(EntityType.ORGANIZATION) == 1524 + 1193
    assert {e.list_name for e in parsed.entries} == {"Ukraine War and Sanctions"}
    imo = [i for e in parsed.entries for i in e.identifiers if i.kind == "IMO"]
    assert len(imo) == 2852


def test_vessel_with_former_names_and_flags(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["NK-24cf2zYe7LEKhr2zFck73j"]
    assert entry.type is EntityType.VESSEL
    assert entry.name == "ROSALIN"
    assert entry.aliases == (Alias("Ceram Sea"), Alias("Gold Sun"), Alias("Nurkez"))
    assert entry.countries == ("LR", "PA", "SG", "ST")
    assert entry.identifiers == (Identifier("IMO", "9253325"),)
    assert entry.programs == ("UA-WS-MARE",)
    assert entry.remarks is None  # the sanctions cell holds one empty quoted value
    assert entry.listed_from is None


def test_person_with_cyrillic_aliases(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["NK-29dGPcB5CxPwUQt4N3ZVEj"]
    assert entry.type is EntityType.PERSON
    assert entry.name == "USPENSKAYA Olesya Igorevna"
    assert entry.aliases == (
        Alias("УСПЕНСКАЯ Олеся Игоревна", kind="aka", lang=None),
        Alias("УСПЕНСЬКА Олеся Ігорівна", kind="aka", lang=None),
    )
    assert entry.birth_dates == ("1987-09-14",)
    assert entry.identifiers == (Identifier("id", "773006863179"),)
    assert entry.programs == ("UA-WS-STEALERS",)
    assert entry.remarks == (
        "Carried out an illegal cultural and chronological determination of the "
        "archaeological material of the Prymorsky Northwest settlement"
    )


def test_two_birth_dates(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["NK-kZjqDJTdUY8C8SabCkBFEq"]
    assert entry.name == "ZAVALISHINA Oksana Pavlovna"
    assert entry.birth_dates == ("1973-06-23", "1974-06-23")


def test_company_with_addresses_and_numbers(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["NK-TgdqZc3m5ouUkoMx585vJ8"]
    assert entry.name == "JSC TUPOLEV"
    assert entry.addresses == (
        Address(full="105005, Moscow, Akademika Tupoleva embankment, b. 17"),
        Address(full="105005, Moscow, Moscow, Akademika Tupoleva embankment, b. 17"),
        Address(full="420036, russian federation, Republic of Tatarstan, Kazan, st. Dementieva, 1"),
    )
    assert entry.identifiers == (
        Identifier("id", "1027739263056"),
        Identifier("id", "7705313252"),
    )


def test_quoted_values_inside_cells(by_id: dict[str, ListEntry]) -> None:
    nikea = by_id["NK-2JjbBAi4RKwEY5JEyFMzXn"]
    assert nikea.type is EntityType.ORGANIZATION
    assert nikea.name == 'ANO CENTER "NIKEA"'
    assert nikea.aliases == (
        Alias(
            'AUTONOMOUS NON-PROFIT ORGANIZATION "CENTER FOR PROMOTION OF THE DEVELOPMENT OF '
            'EDUCATIONAL AND SOCIAL INITIATIVES "NIKEA"'
        ),
    )
    # Two sanction texts, the first one quoted (it spans lines), joined as two remarks lines.
    krylia = by_id["NK-65wCrdkg2yjGRKrjzAav5T"]
    assert krylia.name == "TIKHIYE KRYLIA LLC"
    assert krylia.remarks is not None
    first, second = krylia.remarks.split("\n")
    assert first.startswith("A russian manufacturer of unmanned aerial systems.")
    assert first.endswith("a holding company of the russian state corporation Rostec.")
    assert (
        second == "Developer of the Legioner and Alfa-E UAVs. It is part of the Kalashnikov Group."
    )


def test_parse_time(real_file: SourceFile) -> None:
    best = min(_timed(lambda: os_targets.parse([real_file])) for _ in range(3))
    assert best < 1.0  # ~0.2 s on an idle machine


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


HEADER = (
    b"id,schema,name,aliases,birth_date,countries,addresses,identifiers,sanctions,phones,"
    b"emails,dataset,first_seen,last_seen,last_change\n"
)


def test_older_header_and_unknown_title() -> None:
    data = HEADER + (
        b"a1,Airplane,RA-123,,,ru,,,,+7 1,x@y.z,Some List;Other List,2024-01-01,"
        b"2024-02-03T10:00:00,\n"
        b"a2,Thing,Zed,Zed;Zee,1970-05,,,,,,,Some List,,2024-02-04T10:00:00,\n"
    )
    result = os_targets.parse([SourceFile("t.csv", data)])
    assert result.source == "os_some_list"  # the title common to every row, slugified
    assert result.published == date(2024, 2, 4)
    plane, thing = result.entries
    assert plane.type is EntityType.AIRCRAFT
    assert plane.list_name == "Some List / Other List"
    assert plane.remarks == "Phone: +7 1\nEmail: x@y.z"
    assert plane.programs == ()
    assert thing.type is EntityType.UNKNOWN
    assert thing.aliases == (Alias("Zee"),)
    assert thing.birth_dates == ("1970-05",)
    assert result.warnings == ("line 3: unknown schema 'Thing'",)


# --- bad input ---------------------------------------------------------------------------


def _error(data: bytes, name: str = "bad/targets.simple.csv") -> SourceFormatError:
    with pytest.raises(SourceFormatError) as info:
        os_targets.parse([SourceFile(name, data)])
    assert name in str(info.value)
    return info.value


def test_empty() -> None:
    assert "empty" in _error(b"").message


def test_header_only() -> None:
    assert _error(HEADER).line == 1


def test_truncated_in_quoted_cell(real_file: SourceFile) -> None:
    data = real_file.data
    cut = data.index(b'"A russian developer of pyrotechnic products.') + 50
    err = _error(data[:cut])
    assert err.line == 9  # the KRASNOZAVODSKY CHEMICAL PLANT row
    assert "truncated" in err.message


def test_row_missing_cells() -> None:
    err = _error(HEADER + b"a1,Person,Ann,,,,,,,,\n")
    assert err.line == 2
    assert "fields" in err.message


def test_truncated_mid_row(real_file: SourceFile) -> None:
    cut = real_file.data.index(b'"NK-24triv8hGuc3x6NaoF4Z7b"') + 40
    err = _error(real_file.data[:cut])
    assert err.line == 4
    assert "truncated" in err.message  # every cell is quoted: the cut is inside quotes


def test_missing_column(real_file: SourceFile) -> None:
    data = real_file.data.replace(b'"dataset",', b'"data_set",', 1)
    err = _error(data)
    assert (err.line, err.field) == (1, "dataset")


def test_duplicate_row(real_file: SourceFile) -> None:
    lines = real_file.data.split(b"\n")
    data = b"\n".join([*lines[:3], lines[2], *lines[3:]])
    err = _error(data)
    assert (err.line, err.field) == (4, "id")
    assert "NK-24cf2zYe7LEKhr2zFck73j" in err.message


def test_not_utf8(real_file: SourceFile) -> None:
    data = real_file.data.replace(b"ROSALIN", b"ROS\xc0LIN", 1)
    err = _error(data)
    assert err.line == 3


def test_empty_name(real_file: SourceFile) -> None:
    data = real_file.data.replace(b'"Vessel","ROSALIN"', b'"Vessel",""', 1)
    err = _error(data)
    assert (err.line, err.field) == (3, "name")


def test_bad_birth_date_is_a_warning(real_file: SourceFile) -> None:
    data = real_file.data.replace(b'"1987-09-14"', b'"14.09.1987"', 1)
    result = os_targets.parse([SourceFile("x.csv", data)])
    assert result.warnings == ("line 11: unparsable birth_date '14.09.1987' left out",)


# --- sniffing ----------------------------------------------------------------------------


def test_sniff_own_file_only(lists_dir: Path) -> None:
    claimed = [
        p.relative_to(lists_dir).as_posix()
        for p in sorted(lists_dir.rglob("*"))
        if p.is_file() and os_targets.sniff(SourceFile(str(p), p.read_bytes()))
    ]
    assert claimed == [REAL]
