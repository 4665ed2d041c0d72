"""trade.gov Consolidated Screening List CSV (``exportguard.sources.csl``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from exportguard.core.entities import AliasQuality, EntityType, ListEntry
from exportguard.core.identifiers import make_identifier
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.sources import _csl_fields, csl

FULL = "us_trade_csl/2022-05-16/consolidated.csv"
SMALL = "us_trade_csl/sample_small/consolidated.csv"
OWN = {FULL, SMALL}

Reader = Callable[[str], SourceFile]

#: Records per sub-list in the 2022-05-16 file (PROVENANCE.md, section 3).
PROVENANCE_ROWS = {
    "SDN": 10026,
    "EL": 2001,
    "DTC": 727,
    "DPL": 462,
    "SSI": 290,
    "UVL": 201,
    "ISN": 163,
    "PLC": 78,
    "MEU": 71,
    "CMIC": 68,
    "CAP": 53,
    "NS-MBS": 17,
    "FSE": 3,
}
EL_LIST = "Entity List (EL) - Bureau of Industry and Security"


@pytest.fixture(scope="module")
def full(source_file: Reader) -> ParsedList:
    return csl.parse([source_file(FULL)])


@pytest.fixture(scope="module")
def full_by_id(full: ParsedList) -> dict[str, ListEntry]:
    return {e.id: e for e in full.entries}


@pytest.fixture(scope="module")
def small(source_file: Reader) -> ParsedList:
    return csl.parse([source_file(SMALL)])


def by_name(parsed: ParsedList, name: str, list_name: str | None = None) -> ListEntry:
    found = [e for e in parsed.entries if e.name == name and list_name in (None, e.list_name)]
    assert len(found) == 1, f"{name!r}: {len(found)} entries"
    return found[0]


# -- counts ------------------------------------------------------------------------------


def test_full_file_counts(full: ParsedList) -> None:
    assert full.source == "us_trade_csl"
    assert full.format == "csl_csv"
    assert full.published is None
    assert full.counts["rows"] == 14160
    # One CAP row is repeated verbatim (lines 1979-1980): it is dropped, not duplicated.
    assert full.counts["duplicate_rows"] == 1
    assert full.counts["entries"] == len(full.entries) == 14159
    assert full.counts["names"] == sum(len(e.aliases) + 1 for e in full.entries)


@pytest.mark.parametrize(("abbr", "rows"), sorted(PROVENANCE_ROWS.items()))
def test_full_file_rows_per_sub_list(full: ParsedList, abbr: str, rows: int) -> None:
    dropped = 1 if abbr == "CAP" else 0
    assert full.counts[f"entries:{abbr}"] + dropped == rows
    assert sum(1 for e in full.entries if e.id.startswith(f"us_trade_csl:{abbr}-")) == (
        rows - dropped
    )


def test_full_file_ids_are_unique_and_qualified(full: ParsedList) -> None:
    ids = [e.id for e in full.entries]
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("us_trade_csl:") for i in ids)


def test_treasury_party_on_several_sub_lists_gets_one_entry_per_list(
    full_by_id: dict[str, ListEntry],
) -> None:
    # _id 18725 (BANCO VTB AFRICA SA) is on the SDN, SSI and CAP lists with the same _id.
    lists = {full_by_id[f"us_trade_csl:{abbr}-18725"].list_name for abbr in ("SDN", "SSI", "CAP")}
    assert lists == {
        "Specially Designated Nationals (SDN) - Treasury Department",
        "Sectoral Sanctions Identifications List (SSI) - Treasury Department",
        "Capta List (CAP) - Treasury Department",
    }
    assert {full_by_id[f"us_trade_csl:{a}-18725"].name for a in ("SDN", "SSI", "CAP")} == {
        "BANCO VTB AFRICA SA"
    }


def test_repeated_row_is_dropped_with_a_warning(
    full: ParsedList, full_by_id: dict[str, ListEntry]
) -> None:
    assert full.warnings == (
        "line 1980: repeats line 1979 (Capta List (CAP) - Treasury Department, _id 15268); "
        "the repeat is dropped",
    )
    bank = full_by_id["us_trade_csl:CAP-15268"]
    assert bank.name == "BANK OF KUNLUN CO LTD"
    # The first copy has no source_list_url; the repeat's fills it.
    assert bank.url == "http://bit.ly/1QWTIfE"
    assert make_identifier("SWIFT/BIC", "CKLBCNBJ") in bank.identifiers
    assert len(bank.addresses) == 4


def test_small_sample_counts(small: ParsedList) -> None:
    assert small.published is None
    assert small.counts["rows"] == small.counts["entries"] == 13
    assert small.warnings == ()


# -- the 2021-11-04 Entity List additions (86 FR 60760) ----------------------------------

NOV_2021 = [
    (
        "NSO Group",
        "us_trade_csl:EL-9bb32c725b10b9658db3bc6cf92b6c6830195e42",
        (),
        "22 Galgalei Haplada, Herzliya, Tel Aviv-Yafo, 4672222, IL",
        "IL",
    ),
    (
        "Candiru",
        "us_trade_csl:EL-69ccd443f1811a195a4f451ce2163b5a25b91e4b",
        (
            "Candiru Ltd.",
            "DF Associates Ltd.",
            "Grindavik Solutions Ltd.",
            "Taveta Ltd.",
            "Saito Tech Ltd.",
            "Greenwick Solutions",
            "Tabatha Ltd.",
        ),
        "21 Haarbaa, Tel Aviv-Yafo, 6473921, IL",
        "IL",
    ),
    (
        "Positive Technologies",
        "us_trade_csl:EL-8a89657ddfbf23bd4b7cbb5d15ca1a1e4f7468de",
        (),
        "8 Preobrzhenskaya Square, Moscow, 107061, RU",
        "RU",
    ),
    (
        "Computer Security Initiative Consultancy PTE. LTD.",
        "us_trade_csl:EL-b25cb94a6de190b2811e589226e4159b48188789",
        ("COSEINC",),
        "102F Pasir Panjang Rd, #08-02, Citilink Warehouse Complex, 118530, SG",
        "SG",
    ),
]


@pytest.mark.parametrize(("name", "entry_id", "aliases", "address", "country"), NOV_2021)
def test_entity_list_additions_of_2021_11_04(
    full: ParsedList,
    name: str,
    entry_id: str,
    aliases: tuple[str, ...],
    address: str,
    country: str,
) -> None:
    entry = by_name(full, name, EL_LIST)
    assert entry.id == entry_id
    assert entry.source == "us_trade_csl"
    assert entry.list_name == EL_LIST
    assert entry.type is EntityType.ORGANIZATION
    assert tuple(a.name for a in entry.aliases) == aliases
    assert all(a.kind == "aka" and a.quality is AliasQuality.STRONG for a in entry.aliases)
    assert [a.full for a in entry.addresses] == [address]
    assert entry.addresses[0].country == country
    assert entry.countries == (country,)
    assert entry.citation == "86 FR 60760"
    assert entry.listed_from == date(2021, 11, 4)
    assert entry.listed_until is None
    # Verbatim, with the file's own punctuation ("EAR." and "denial."); PROVENANCE.md quotes
    # the same texts without the full stops.
    assert entry.licence_requirement == "All items subject to the EAR. (See §744.11 of the EAR)"
    assert entry.licence_policy == "Presumption of denial."
    assert entry.licence_requirement.replace("EAR.", "EAR") == (
        "All items subject to the EAR (See §744.11 of the EAR)"
    )
    assert entry.licence_policy.rstrip(".") == "Presumption of denial"
    assert entry.programs == ()
    assert entry.url == "http://bit.ly/1L47xrV"
    assert entry.in_force(date(2022, 5, 16))
    assert not entry.in_force(date(2021, 11, 3))


def test_earlier_positive_technologies_listing_is_a_separate_entry(full: ParsedList) -> None:
    entry = by_name(full, "Aktsionernoe Obshchestvo Pozitiv Teknolodzhiz", EL_LIST)
    assert entry.citation == "86 FR 37902"
    assert entry.listed_from == date(2021, 7, 19)
    # "JSC Positive Technologies; and Pozitiv Teknolodzhiz, AO": the enumeration "and" goes.
    assert [a.name for a in entry.aliases] == [
        "JSC Positive Technologies",
        "Pozitiv Teknolodzhiz, AO",
    ]
    assert entry.addresses[0].full == (
        "d. 23A pom. V kom, 30, shosse Shchelkovskoe, Moscow, 107241, RU"
    )


# -- other real entries, field by field ---------------------------------------------------


def test_sdn_person_with_aliases_passport_and_birth_places(
    full_by_id: dict[str, ListEntry],
) -> None:
    entry = full_by_id["us_trade_csl:SDN-9935"]
    assert entry.type is EntityType.PERSON
    assert entry.name == "'ABD AL-RAZZIQ, Abu Sufian al-Salamabi Muhammed Ahmed"
    assert len(entry.aliases) == 14
    assert entry.aliases[0].name == "ABDELRAZIK, Sofian"
    assert entry.aliases[-1].name == "ABDELRAZIK, Abousofian"
    assert entry.programs == ("SDGT",)
    assert entry.birth_dates == ("1962-08-06",)
    assert entry.birth_places == ("Al-Bawgah, Sudan", "Albaouga, Sudan")
    # nationalities "CA; SD"; the 2022 ids layout is "country, number, kind".
    assert entry.countries == ("CA", "SD")
    assert entry.identifiers == (make_identifier("Passport", "BC166787", "CA"),)
    assert entry.addresses == ()


def test_birth_year_lists_and_ranges(full_by_id: dict[str, ListEntry]) -> None:
    assert full_by_id["us_trade_csl:SDN-26095"].birth_dates == ("1967", "1966", "1968")
    # "1969; 1965 to 1967; 1957 to 1960"
    assert full_by_id["us_trade_csl:SDN-12843"].birth_dates == (
        "1969",
        "1965",
        "1966",
        "1967",
        "1957",
        "1958",
        "1959",
        "1960",
    )


def test_vessel_with_call_sign_imo_and_flag(full_by_id: dict[str, ListEntry]) -> None:
    entry = full_by_id["us_trade_csl:SDN-31920"]
    assert entry.type is EntityType.VESSEL
    assert entry.name == "AKADEMIK CHERSKIY"
    assert [a.name for a in entry.aliases] == ["AKADEMIK CHERSKY", "AKADEMIK CZERSKY"]
    assert entry.identifiers == (
        make_identifier("Vessel Registration Identification", "IMO 8770261"),
        make_identifier("Call Sign", "UDQB"),
    )
    assert entry.countries == ("RU",)  # vessel_flag "Russia"
    assert entry.remarks == (
        "(Linked To: SAMARA HEAT AND ENERGY PROPERTY FUND); Vessel type: Pipe-laying Vessel; "
        "Vessel flag: Russia"
    )


def test_aircraft_features_become_identifiers_and_notes_remarks(
    full_by_id: dict[str, ListEntry],
) -> None:
    entry = full_by_id["us_trade_csl:SDN-15445"]
    assert entry.type is EntityType.AIRCRAFT
    assert entry.name == "EK-30064"
    assert make_identifier("Aircraft Model", "A300B4-605R") in entry.identifiers
    assert make_identifier("Aircraft Operator", "MAHAN AIR") in entry.identifiers
    assert entry.remarks is not None
    assert "Additional Sanctions Information: Subject to Secondary Sanctions" in entry.remarks


def test_formerly_known_as_prefixes_and_embedded_aliases(full: ParsedList) -> None:
    center = by_name(full, "Center for Innovation and Technology Cooperation")
    kinds = {a.name: a.kind for a in center.aliases}
    assert kinds["CITC"] == "aka"
    assert kinds["Presidency Office of Scientific and Industrial Studies (POSIS)"] == "fka"
    assert kinds["Office of Scientific and Industrial Studies (OSIS)"] == "fka"
    assert center.type is EntityType.ORGANIZATION  # ISN row, company word "Center"

    fetco = by_name(full, "Far East Trading Company, Inc. (a.k.a. FETCO, Inc.)")
    assert [a.name for a in fetco.aliases] == ["FETCO, Inc.", "Far East Trading Company, Inc."]
    assert fetco.list_name == "ITAR Debarred (DTC) - State Department"


@pytest.mark.parametrize(
    ("name", "list_prefix", "kind"),
    [
        ("I. ASH", "Denied Persons", EntityType.PERSON),  # DPL rule: no company word
        ("Aaron De Leon", "ITAR Debarred", EntityType.UNKNOWN),  # untyped, no company word
        ("A & C International Trade, Inc.", "ITAR Debarred", EntityType.ORGANIZATION),
        ("NSO Group", "Entity List", EntityType.ORGANIZATION),
    ],
)
def test_type_inference_for_untyped_rows(
    full: ParsedList, name: str, list_prefix: str, kind: EntityType
) -> None:
    found = [e for e in full.entries if e.name == name and e.list_name.startswith(list_prefix)]
    assert found
    assert {e.type for e in found} == {kind}


def test_dpl_row_dates_and_standard_order(full: ParsedList) -> None:
    entry = full.entries[0]
    assert entry.id == "us_trade_csl:DPL-deb7a1d5743a85c354ca1a2c7f2664e2104b32d7"
    assert entry.name == "I. ASH"  # the leading space of the source is cleaned
    assert entry.listed_from == date(2003, 6, 19)
    assert entry.listed_until == date(2056, 6, 29)
    assert entry.citation == "68 F.R. 38290 6/27/03 71 F.R. 38843 7/10/06 72 F.R. 4236 1/30/07"
    assert entry.remarks == "FEDERAL REGISTER NOTICE UPDATED; Standard order: Y"
    assert entry.addresses[0].country == "US"


def test_2025_layout_ids_kind_first(small: ParsedList) -> None:
    rim = by_name(small, "RIM, Ryong Nam")
    assert rim.id == "us_trade_csl:SDN-52291"
    assert rim.identifiers == (make_identifier("Passport", "836238033", "KP"),)
    assert rim.gender == "male"
    assert rim.remarks == (
        "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and "
        "510.210; Transactions Prohibited For Persons Owned or Controlled By U.S. Financial "
        "Institutions: North Korea Sanctions Regulations section 510.214"
    )
    assert [a.full for a in rim.addresses] == ["Shenyang, CN", "Pyongyang, KP"]
    assert rim.countries == ("CN", "KP")
    assert rim.birth_dates == ("1978-12-05",)
    assert rim.url == "https://sanctionslist.ofac.treas.gov/Home/SdnList"

    trade = by_name(small, "TNK Trading International S.A.")
    assert make_identifier("V.A.T. Number", "CHE-267.936.404", "CH") in trade.identifiers
    assert trade.programs == ("VENEZUELA-EO13850", "UKRAINE-EO13662")


def test_2025_entity_list_row_with_enumerated_addresses(small: ParsedList) -> None:
    cetc = by_name(
        small, "China Electronics Technology Group Corporation 13th Research Institute (CETC 13)"
    )
    assert cetc.id == "us_trade_csl:EL-99ed1b052fdb09695fae1ba87516d8a0882b0df04652e07aeb5ce7be"
    assert cetc.citation == "83 FR 37423; 87 FR 77505"
    assert cetc.listed_from == date(2018, 8, 1)
    assert [a.full for a in cetc.addresses] == [
        "113 Hezuo Road, Shijiazhuang, Hebei, China",
        "21 Changsheng Street, Shijiazhuang, Hebei, China",
        "21 Changsheng Road, Shijiazhuang, Hebei, China, Shijiazhuang, Hebei Province, CN",
    ]
    assert {a.country for a in cetc.addresses} == {"CN"}
    assert cetc.aliases[-1].name == "CETC Research Institute 13"
    assert cetc.licence_policy is not None
    assert cetc.licence_policy.startswith("Policy of denial for all items subject to the EAR")


def test_2025_non_treasury_rows(small: ParsedList) -> None:
    isn = by_name(
        small,
        "Sinobright Import and Export Company; and any successor, sub-unit, or subsidiary thereof",
    )
    assert isn.citation == "Vol. 88, No. 151, 08/08/2023"
    assert isn.listed_from == date(2023, 7, 19)
    assert isn.programs == ("INKSNA",)
    assert isn.type is EntityType.ORGANIZATION
    uvl = by_name(small, "Atlas Sanatgaran")
    assert uvl.type is EntityType.ORGANIZATION
    assert uvl.addresses[0].country == "AM"
    plc = by_name(small, "Mohammed ABU JHEISHEH")
    assert plc.birth_dates == ("1955",)
    assert plc.birth_places == ("Izna, Hebron",)
    assert plc.remarks == "HAMAS - Hebron"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1962-08-06", ["1962-08-06"]),
        ("1967", ["1967"]),
        ("1961-07", ["1961-07"]),
        ("circa 1960", ["1960"]),
        ("1958 to 1960", ["1958", "1959", "1960"]),
        ("1940 to 1970", ["1940", "1970"]),
        ("sometime", None),
        ("1961-13", None),
        ("2001-02-30", None),
    ],
)
def test_partial_dates(text: str, expected: list[str] | None) -> None:
    assert _csl_fields.partial_dates(text) == expected
