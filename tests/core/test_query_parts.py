"""A name screened on each of its parts (core.query_parts)."""

from __future__ import annotations

import pytest

from exportguard.core.query_parts import name_parts


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Russian Direct Investment Fund (RDIF)", ["Russian Direct Investment Fund", "RDIF"]),
        ("VTB Bank, PJSC (VTB)", ["VTB Bank, PJSC", "VTB Bank", "VTB"]),
        ("Sberbank (PJSC)", ["Sberbank"]),  # a legal form alone is not a name
        ("Acme (Trading)", ["Acme"]),  # nor a generic company word
        ("Ali (Dr.)", ["Ali"]),  # nor a title
        ("Acme Trading a.k.a. Acme Intl", ["Acme Trading", "Acme Intl"]),
        ("Foo Holdings f/k/a Bar Holdings", ["Foo Holdings", "Bar Holdings"]),
        ("Bank Melli / Melli Bank", ["Bank Melli", "Melli Bank"]),
        ("Globex [formerly Initech]", ["Globex", "Initech"]),
        # a fresh review: dashes, commas, colons, bars, braces, former names
        ("KTRV - Tactical Missiles Corp.", ["KTRV", "Tactical Missiles Corp."]),
        ("Russian Direct Investment Fund \u2013 RDIF", ["Russian Direct Investment Fund", "RDIF"]),
        ("Tactical Missiles Corp., KTRV", ["Tactical Missiles Corp.", "KTRV"]),
        ("KTRV, Tactical Missiles Corp.", ["Tactical Missiles Corp.", "KTRV"]),
        ("KTRV: Tactical Missiles Corporation", ["KTRV", "Tactical Missiles Corporation"]),
        ("Tactical Missiles Corp. {KTRV}", ["Tactical Missiles Corp.", "KTRV"]),
        ("Acme Trading | Rosoboronexport", ["Acme Trading", "Rosoboronexport"]),
        ("Acme Trading (ex-Rosoboronexport)", ["Acme Trading", "Rosoboronexport"]),
        ("Acme Trading, previously known as Rosoboronexport", ["Acme Trading", "Rosoboronexport"]),
        # a person's "SURNAME, Given" and a hyphenated name are one name
        ("SMITH, John", []),
        ("CHEN, Wei Ming", []),
        ("Coca-Cola Company", []),
        ("Plain Name", []),
        ("", []),
    ],
)
def test_name_parts(name: str, parts: list[str]) -> None:
    assert name_parts(name) == parts
