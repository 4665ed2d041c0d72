"""The three OFAC formats give one record the same id and, where the data agrees, the same
fields: ``ent_num`` (CSV) = ``uid`` (sdnList XML) = ``entity/@id`` (Enhanced XML).

The real files are of different dates (consolidated.xml 2018-04-06, CONS_ENHANCED.XML
2025-01-10, cons_*.csv ≤ 2025-12-19), so the numbers below include OFAC's own changes
between them (renames, new aliases and addresses, added programs).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from exportguard.core.entities import ListEntry
from exportguard.core.snapshots import SourceFile
from exportguard.sources import ofac_csv, ofac_enhanced, ofac_xml

_NON_LATIN = re.compile(r"[^\x00-\u024f]")


def read(lists_dir: Path, rel: str) -> SourceFile:
    return SourceFile(str(lists_dir / rel), (lists_dir / rel).read_bytes())


@pytest.fixture(scope="module")
def csv_entries(lists_dir: Path) -> dict[str, ListEntry]:
    files = [read(lists_dir, f"us_ofac_cons/2025-12-19/{n}") for n in ofac_csv_files()]
    return {e.id: e for e in ofac_csv.parse(files).entries}


@pytest.fixture(scope="module")
def enhanced_entries(lists_dir: Path) -> dict[str, ListEntry]:
    file = read(lists_dir, "us_ofac_cons/2025-01-10_enhanced_xml/CONS_ENHANCED.XML")
    return {e.id: e for e in ofac_enhanced.parse([file]).entries}


@pytest.fixture(scope="module")
def xml_entries(lists_dir: Path) -> dict[str, ListEntry]:
    file = read(lists_dir, "us_ofac_cons/2018-04-06_xml/consolidated.xml")
    return {e.id: e for e in ofac_xml.parse([file]).entries}


def ofac_csv_files() -> list[str]:
    return ["cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"]


def latin_aliases(entry: ListEntry) -> set[tuple[str, str, str]]:
    return {(a.name, a.quality, a.kind) for a in entry.aliases if a.kind != "original-script"}


def latin_addresses(entry: ListEntry) -> set[str]:
    return {a.full for a in entry.addresses if not _NON_LATIN.search(a.full)}


def test_csv_and_enhanced_agree(
    csv_entries: dict[str, ListEntry], enhanced_entries: dict[str, ListEntry]
) -> None:
    common = csv_entries.keys() & enhanced_entries.keys()
    assert len(csv_entries) == 442
    assert len(enhanced_entries) == 443
    assert len(common) == 442  # every CSV record is in the enhanced file, under the same id

    def differing(check: str) -> list[str]:
        out = []
        for key in sorted(common):
            a, b = csv_entries[key], enhanced_entries[key]
            values = {
                "name": (a.name, b.name),
                "type": (a.type, b.type),
                "births": ((a.birth_dates, a.birth_places), (b.birth_dates, b.birth_places)),
                "countries": (a.countries, b.countries),
                "aliases": (latin_aliases(a), latin_aliases(b)),
                "addresses": (latin_addresses(a), latin_addresses(b)),
                "programs": (set(a.programs), set(b.programs)),
            }[check]
            if values[0] != values[1]:
                out.append(key)
        return out

    assert differing("type") == []
    assert differing("births") == []
    assert differing("countries") == []
    # Renamed between January and December 2025.
    assert differing("name") == ["us_ofac_cons:18284"]
    assert csv_entries["us_ofac_cons:18284"].name == "RN KOMSOMOLSKIY REFINERY LLC"
    assert enhanced_entries["us_ofac_cons:18284"].name == "RN-KOMSOMOLSKY REFINERY LLC"
    # Aliases (names, strong/weak, aka/fka) agree but for 6 records OFAC changed.
    assert len(differing("aliases")) == 6
    # Address text is composed the same way ("street, City, State Postal, Country").
    assert len(differing("addresses")) == 5
    # Rosneft subsidiaries etc. got RUSSIA-EO14024 (and one SYRIA) during 2025.
    assert len(differing("programs")) == 12


def test_one_record_in_all_three_formats(
    csv_entries: dict[str, ListEntry],
    enhanced_entries: dict[str, ListEntry],
    xml_entries: dict[str, ListEntry],
) -> None:
    key = "us_ofac_cons:9639"
    a, b, c = csv_entries[key], enhanced_entries[key], xml_entries[key]
    assert a.name == b.name == c.name == "Ismail Abdul Salah HANIYA"
    assert a.aliases == b.aliases == c.aliases
    assert a.birth_dates == b.birth_dates == c.birth_dates == ("1962",)
    assert a.birth_places == b.birth_places == c.birth_places == ("Shati",)
    assert a.programs == b.programs == c.programs == ("NS-PLC",)
    assert a.url == b.url == c.url
    assert a.list_name == b.list_name == c.list_name


def test_classic_xml_ids_match_the_newer_formats(
    csv_entries: dict[str, ListEntry], xml_entries: dict[str, ListEntry]
) -> None:
    common = csv_entries.keys() & xml_entries.keys()
    assert len(xml_entries) == 639
    assert len(common) == 364  # still listed seven years later, under the same number
    assert all(csv_entries[k].type is xml_entries[k].type for k in common)
    same_name = sum(csv_entries[k].name == xml_entries[k].name for k in common)
    assert same_name == 311  # the rest were renamed by OFAC since 2018 (e.g. VTB BANK OAO)
    assert xml_entries["us_ofac_cons:17013"].name == "VTB BANK OAO"
    assert csv_entries["us_ofac_cons:17013"].name == "VTB BANK PUBLIC JOINT STOCK COMPANY"
    # A renamed record keeps its old name among the aliases of the new one.
    assert "VTB BANK OAO" in {a.name for a in csv_entries["us_ofac_cons:17013"].aliases}
