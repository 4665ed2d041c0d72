"""The conventions the three OFAC parsers share (exportguard.sources._ofac, _ofac_ids,
_ofac_remarks)."""

from __future__ import annotations

import pytest

from exportguard.core.entities import Alias, AliasQuality, Identifier
from exportguard.core.identifiers import make_identifier
from exportguard.sources import _ofac, _ofac_ids, _ofac_remarks
from tests.sources import plain


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10 Dec 1948", ("1948-12-10",)),
        ("01 Jan 1961", ("1961-01-01",)),
        ("Sep 1938", ("1938-09",)),
        ("1946", ("1946",)),
        ("circa 1951", ("1951",)),
        ("circa 07 Jul 1966", ("1966-07-07",)),
        ("1951 to 1953", ("1951", "1952", "1953")),
        ("01 Jan 1961 to 31 Dec 1962", ("1961", "1962")),
        ("Mar 1962 to Feb 1963", ("1962", "1963")),
        ("circa 1979-1982", ("1979", "1980", "1981", "1982")),
        ("1940 to 1970", ("1940", "1970")),  # wider than 12 years: the ends only
        ("1962-01-01", ("1962-01-01",)),
        ("1962.", ("1962",)),
    ],
)
def test_birth_dates(text: str, expected: tuple[str, ...]) -> None:
    assert _ofac.birth_dates(text) == expected


@pytest.mark.parametrize(
    "text", ["", "unknown", "31 Foo 1963", "45 Jan 1960", "1960 to", "12 1960"]
)
def test_birth_dates_unreadable(text: str) -> None:
    assert _ofac.birth_dates(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("SDGT] [IFSR", ("SDGT", "IFSR")),
        ("[SDGT] [IFSR]", ("SDGT", "IFSR")),
        ("NPWMD] [IFSR] [IRAN-CON-ARMS-EO", ("NPWMD", "IFSR", "IRAN-CON-ARMS-EO")),
        ("CAATSA - RUSSIA", ("CAATSA - RUSSIA",)),
        ("SDGT] [SDGT", ("SDGT",)),
        (None, ()),
    ],
)
def test_split_programs(text: str | None, expected: tuple[str, ...]) -> None:
    assert _ofac.split_programs(text) == expected


@pytest.mark.parametrize(
    ("published", "natural"),
    [
        ("LOGAN MOREY, Elvis Angus", "Elvis Angus LOGAN MOREY"),
        ("DELOS REYES, Feliciano Semborio, Jr.", "Feliciano Semborio, Jr. DELOS REYES"),
        ("KHUN SA", "KHUN SA"),
        ("ABU, ", "ABU, "),
    ],
)
def test_person_name(published: str, natural: str) -> None:
    assert _ofac.person_name(published) == natural


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("Passport", "P0017003 (Belize)", make_identifier("Passport", "P0017003", "BZ")),
        ("Tax ID No.", "AABA 670850 Y", make_identifier("Tax ID No.", "AABA 670850 Y")),
        (
            "Identification Number",
            "AO 2879097 (Italy) expires 30 Oct 2012",
            make_identifier("Identification Number", "AO 2879097", "IT"),
        ),
        (
            "C.U.R.P.",
            "AIMM67125HCHRRG06 (Mexico) issued 1968",
            make_identifier("C.U.R.P.", "AIMM67125HCHRRG06", "MX"),
        ),
        (
            "Business Registration Number",
            "0582030 (Connecticut) (United States)",
            make_identifier("Business Registration Number", "0582030 (Connecticut)", "US"),
        ),
        (
            "Registration ID",
            "12345 (not a country)",
            make_identifier("Registration ID", "12345 (not a country)"),
        ),
    ],
)
def test_split_identifier(kind: str, text: str, expected: Identifier) -> None:
    assert plain(_ofac_ids.split_identifier(kind, text)) == plain(expected)


def test_parse_remarks_reads_the_facts() -> None:
    facts = _ofac_remarks.parse_remarks(
        "DOB 28 Jul 1963; alt. DOB 1965; POB Toledo District, Belize; nationality Belize; "
        "alt. citizen Mexico; Passport P0017003 (Belize); SSN 561-77-9011 (United States); "
        "Vessel Registration Identification IMO 9263643; Digital Currency Address - XBT "
        "1B64QRxf; Nationality of Registration Panama; Gender Male; Linked To: X LTD.; "
        "a.k.a. 'MORENO, Daniel'; f.k.a. 'OLD NAME'; DOB sometime.",
        person=True,
    )
    assert facts.birth_dates == ["1963-07-28", "1965"]
    assert facts.birth_places == ["Toledo District, Belize"]
    assert facts.countries == ["BZ", "MX", "PA"]
    assert plain(facts.identifiers) == plain(
        [
            make_identifier("Passport", "P0017003", "BZ"),
            make_identifier("SSN", "561-77-9011", "US"),
            make_identifier("Vessel Registration Identification", "IMO 9263643"),
            make_identifier("Digital Currency Address - XBT", "1B64QRxf"),
        ]
    )
    assert facts.aliases == [
        Alias("Daniel MORENO", AliasQuality.WEAK, "aka"),
        Alias("OLD NAME", AliasQuality.WEAK, "fka"),
    ]
    assert facts.unread_dates == ["sometime"]


def test_parse_remarks_ignores_a_cut_alias() -> None:
    # A remark cut at 1,000 characters can end inside an a.k.a.: nothing half-read is kept.
    facts = _ofac_remarks.parse_remarks("a.k.a. 'snowsjo")
    assert facts.aliases == []
    assert _ofac_remarks.parse_remarks(None).identifiers == []


@pytest.mark.parametrize(
    ("label", "identifier"),
    [
        ("Passport", True),
        ("SWIFT/BIC", True),
        ("Digital Currency Address - ETH", True),
        ("Some New Document Type", True),
        ("Website", False),
        ("Additional Sanctions Information -", False),
        ("Secondary sanctions risk:", False),
        ("Listing Date (EO 14024 Directive 2):", False),
        ("Executive Order 13662 Directive Determination -", False),
        ("Nationality of Registration", False),
    ],
)
def test_is_identifier_label(label: str, identifier: bool) -> None:
    assert _ofac_ids.is_identifier_label(label) is identifier


@pytest.mark.parametrize(
    ("name", "code"),
    [("Russia", "RU"), ("Region: Gaza", "PS"), ("Korea, North", "KP"), ("undetermined", None)],
)
def test_country_code(name: str, code: str | None) -> None:
    assert _ofac.country_code(name) == code


def test_file_name() -> None:
    assert _ofac.file_name("dir/CONS_ENHANCED.ZIP!CONS_ENHANCED.XML") == "CONS_ENHANCED.XML"
    assert _ofac.file_name("C:\\lists\\sdn.csv") == "sdn.csv"
