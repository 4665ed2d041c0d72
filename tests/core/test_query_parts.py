"""A name screened on each of its parts (core.query_parts)."""

from __future__ import annotations

import pytest

from exportguard.core.query_parts import name_parts


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Russian Direct Investment Fund (RDIF)", ["Russian Direct Investment Fund", "RDIF"]),
        ("VTB Bank, PJSC (VTB)", ["VTB Bank, PJSC", "VTB"]),
        ("Sberbank (PJSC)", ["Sberbank"]),  # a legal form alone is not a name
        ("Acme (Trading)", ["Acme"]),  # nor a generic company word
        ("Ali (Dr.)", ["Ali"]),  # nor a title
        ("Acme Trading a.k.a. Acme Intl", ["Acme Trading", "Acme Intl"]),
        ("Foo Holdings f/k/a Bar Holdings", ["Foo Holdings", "Bar Holdings"]),
        ("Bank Melli / Melli Bank", ["Bank Melli", "Melli Bank"]),
        ("Globex [formerly Initech]", ["Globex", "formerly Initech"]),
        ("Plain Name", []),
        ("", []),
    ],
)
def test_name_parts(name: str, parts: list[str]) -> None:
    assert name_parts(name) == parts
