"""The OpenSanctions targets.simple.csv parser, checked against the real 2026-03 export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from exportguard.core.entities import Address, Alias, EntityType, ListEntry
from exportguard.core.identifiers import make_identifier
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.sources import os_targets

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
    imo = [i for e in parsed.entries for i in e.identifiers if i.kind == "imo"]
    assert len(imo) == 2852


def test_vessel_with_former_names_and_flags(by_id: dict[str, ListEntry]) -> None:
    entry = by_id["NK-24cf2zYe7LEKhr2zFck73j"]
    assert entry.type is EntityType.VESSEL
    assert entry.name == "ROSALIN"
    assert entry.aliases == (Alias("Ceram Sea"), Alias("Gold Sun"), Alias("Nurkez"))
    assert entry.countries == ("LR", "PA", "SG", "ST")
    assert entry.identifiers == (make_identifier("IMO", "9253325"),)
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
    assert entry.identifiers == (make_identifier("id", "773006863179"),)
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
        make_identifier("id", "1027739263056"),
        make_identifier("id", "7705313252"),
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
