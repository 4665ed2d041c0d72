"""Issue 14, faults 1, 4 and 8: documents and identifiers kept whole, in one vocabulary,
never read out of a cut remark. Counts are checked against an independent reader (the
standard library's csv, lxml), never ExportGuard code; named records field by field."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

import pytest
from lxml import etree

from exportguard.core.entities import Identifier, IdentifierKind, ListEntry
from exportguard.core.identifiers import identifier_kind, match_form
from exportguard.core.index import NameIndex
from exportguard.core.queries import make_query
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.sources import csl, eu_fsf, ofac_csv, ofac_enhanced, ofac_xml, uk_fcdo, un_xml

Reader = Callable[[str], SourceFile]
CSL = "us_trade_csl/2022-05-16/consolidated.csv"
UN = "un_sc/2026-02-27/consolidated.xml"
SDN_2024 = "us_ofac_sdn/2024-05-03/sdn.csv"
ENHANCED = "us_ofac_cons/2025-01-10_enhanced_xml/CONS_ENHANCED.XML"
CLASSIC = "us_ofac_cons/2018-04-06_xml/consolidated.xml"
EU = "eu_fsf/sample_2026-08-05/sample_eu_fsf.xml"
UK = "uk_fcdo/sample_2026-09-10/sample_uk_sanctions.xml"
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.fixture(scope="module")
def csl_list(source_file: Reader) -> ParsedList:
    return csl.parse([source_file(CSL)])


@pytest.fixture(scope="module")
def csl_by_id(csl_list: ParsedList) -> dict[str, ListEntry]:
    return {e.id: e for e in csl_list.entries}


@pytest.fixture(scope="module")
def un_by_id(source_file: Reader) -> dict[str, ListEntry]:
    return {e.id: e for e in un_xml.parse([source_file(UN)]).entries}


def _ids(entry: ListEntry, kind: str) -> list[Identifier]:
    return [i for i in entry.identifiers if i.kind == kind]


# --- the CSL's ids: country, expiry, issue date, number, kind ------------------------------


def test_csl_passport_number_and_dates_field_by_field(csl_by_id: dict[str, ListEntry]) -> None:
    # ids: "NI, 2022-03-02, 2012-03-02, C01190809, Passport; NI, 2410310530001B, National
    # ID No.; Male, Gender"
    entry = csl_by_id["us_trade_csl:SDN-33619"]
    (passport,) = _ids(entry, "passport")
    assert passport == Identifier(
        "passport", "C01190809", "NI", label="Passport",
        issue_date="2012-03-02", expiry_date="2022-03-02",
    )  # fmt: skip
    (national,) = _ids(entry, "national_id")
    assert (national.value, national.country, national.label) == (
        "2410310530001B", "NI", "National ID No.",
    )  # fmt: skip
    assert _ids(entry, "fact") == []
    assert entry.gender == "male"  # "Male, Gender" is the gender, not an identifier


def test_csl_counts_against_the_csv_reader(source_file: Reader, csl_list: ParsedList) -> None:
    """Every ``ids`` item with a number becomes one identifier with no date left in its
    number: 246 items with two dates (expiry, issue), 366 with one (kept as stated_date)."""
    text = source_file(CSL).data.decode("utf-8")
    two = one = items = contacts = 0
    for row in csv.DictReader(io.StringIO(text, newline="")):
        for item in filter(None, row["ids"].split("; ")):
            parts = item.split(", ")
            if parts[-1].rstrip().endswith((":", "-")) or len(parts) < 2:
                continue
            if parts[-1] in ("Gender", "Email Address", "Website", "Phone Number"):
                contacts += 1  # the gender and contact details, not identifiers
                continue
            items += 1
            dates = [p for p in parts[:-2] if _ISO.fullmatch(p)]
            two += len(dates) == 2
            one += len(dates) == 1
    got = [i for e in csl_list.entries for i in e.identifiers if i.label != "Call Sign"]
    assert (two, one) == (246, 366)
    assert sum(1 for i in got if i.issue_date and i.expiry_date) == two
    assert sum(1 for i in got if i.stated_date) == one
    # The same item repeated on one row is kept once: at most as many identifiers as items.
    assert items - 50 <= len(got) <= items
    kept = sum(len(e.contacts) + bool(e.gender) for e in csl_list.entries)
    assert contacts - 50 <= kept <= contacts
    assert not [i for i in got if _ISO.match(i.value) and i.kind == "passport"]


def test_identifier_c01190809_finds_the_csl_entry(csl_list: ParsedList) -> None:
    entries = [e for e in csl_list.entries if e.id == "us_trade_csl:SDN-33619"]
    index = NameIndex.build(1, entries)
    found = index.screen(make_query("", identifiers=["C01190809"]), threshold=0.5)
    assert [h.entry.id for h in found] == ["us_trade_csl:SDN-33619"]


# --- the UN: numbers written only in notes --------------------------------------------------


def test_un_numbers_in_document_notes_qdi_060(un_by_id: dict[str, ListEntry]) -> None:
    entry = un_by_id["un_sc:QDi.060"]
    (passport,) = _ids(entry, "passport")
    assert (passport.value, passport.issue_date, passport.expiry_date) == (
        "L 191609", "1996-02-28", "2001-02-27",
    )  # fmt: skip
    assert (passport.note or "").startswith("Tunisian passport number")
    (national,) = _ids(entry, "national_id")
    assert (national.value, national.issue_date) == ("04643632", "1999-06-18")
    (fiscal,) = _ids(entry, "tax_id")
    assert (fiscal.value, fiscal.label) == ("DAOMMD74T11Z352Z", "Italian Fiscal Code")


def test_un_numbers_in_alias_notes(un_by_id: dict[str, ListEntry]) -> None:
    iraq = _ids(un_by_id["un_sc:IQi.081"], "passport")
    assert [(i.value, i.expiry_date) for i in iraq] == [("284158", "2005-08-21")]
    (mali,) = _ids(un_by_id["un_sc:LYi.018"], "passport")
    assert (mali.value, mali.issue_date, mali.expiry_date, mali.place) == (
        "B0515260", "2012-01-10", "2017-01-10", "Bamako",
    )  # fmt: skip
    assert "073/SPICRE" in {i.value for i in un_by_id["un_sc:LYi.018"].identifiers}


def test_un_document_count_against_lxml(
    source_file: Reader, un_by_id: dict[str, ListEntry]
) -> None:
    """Every document with a NUMBER is kept, and the notes add the numbers written only
    there (9 in document notes of this file)."""
    root = etree.fromstring(source_file(UN).data)
    with_number = sum(
        1 for d in root.iter("INDIVIDUAL_DOCUMENT") if (d.findtext("NUMBER") or "").strip()
    )
    docs = [
        i for e in un_by_id.values() for i in e.identifiers
        if i.kind not in ("fact", "imo") and not (i.note or "").startswith("in the note of alias")
    ]  # fmt: skip
    assert len(docs) >= with_number - 10  # repeats of one document in one record are kept once
    from_notes = [
        i for e in un_by_id.values() for i in e.identifiers
        if i.note and i.value.replace(" ", "") in i.note.replace(" ", "")
        and not (i.note or "").startswith("in the note of alias")
    ]  # fmt: skip
    assert len(from_notes) >= 9


# --- one vocabulary: IMO numbers ------------------------------------------------------------


def test_imo_numbers_are_one_kind_of_seven_digits(source_file: Reader) -> None:
    sdn = {e.id: e for e in ofac_csv.parse([source_file(SDN_2024)]).entries}
    ofac_imo = [i for e in sdn.values() for i in e.identifiers if i.kind == "imo"]
    assert ofac_imo
    assert all(re.fullmatch(r"\d{7}", i.value) for i in ofac_imo)
    vessel = next(i for i in ofac_imo if i.published == "IMO 9369710")
    assert (vessel.label, vessel.value) == ("Vessel Registration Identification", "9369710")
    uk = uk_fcdo.parse([source_file(UK)]).entries
    uk_imo = [i for e in uk for i in e.identifiers if i.kind == "imo"]
    assert [i.value for i in uk_imo] == ["9562233"]
    assert identifier_kind("IMO") is identifier_kind("Vessel Registration Identification")


def test_ofac_remarks_with_non_standard_labels(source_file: Reader) -> None:
    sdn = ofac_csv.parse([source_file(SDN_2024)]).entries
    every = [i for e in sdn for i in e.identifiers]
    assert any(
        i.kind == "imo" and i.label == "International Maritime Organization No." for i in every
    )
    fiscal = [i.value for i in every if i.label == "Italian Fiscal Code"]
    assert "DRMTMN54H07Z301T" in fiscal  # written "Italian Fiscal Code: DRMTMN54H07Z301T"


# --- fault 8: a remark cut at 1,000 characters ----------------------------------------------


def test_cut_remarks_give_no_cut_identifiers(source_file: Reader) -> None:
    file = source_file(SDN_2024)
    rows = list(csv.reader(io.StringIO(file.data.decode("latin-1"), newline="")))
    cut = {r[0] for r in rows if len(r) > 11 and len(r[11]) >= 1000}
    assert len(cut) == 18
    parsed = ofac_csv.parse([file])
    crypto = [
        (e.id, i.value) for e in parsed.entries for i in e.identifiers if i.kind == "crypto_address"
    ]
    assert crypto
    assert not [v for _, v in crypto if len(v) < 25 or ";" in v]
    assert any(
        "18 remarks are cut at 1000 characters" in w and "never read" in w for w in parsed.warnings
    )
    # The cut last item stays in the remarks text, so nothing is hidden from an officer.
    by_id = {e.id: e for e in parsed.entries}
    assert by_id["us_ofac_sdn:27307"].remarks is not None


# --- OFAC XML and Enhanced, the EU ----------------------------------------------------------


def test_enhanced_issuing_authority_and_place(source_file: Reader) -> None:
    entries = ofac_enhanced.parse([source_file(ENHANCED)]).entries
    ogrn = [i for e in entries for i in e.identifiers if i.value == "1057803105755"]
    assert [(i.kind, i.authority, i.country) for i in ogrn] == [("registration", "OGRN", "RU")]
    root = etree.fromstring(source_file(ENHANCED).data)
    ns = {"x": root.nsmap[None]}
    with_authority = len(root.findall(".//x:identityDocument/x:issuingAuthority", ns))
    assert sum(1 for e in entries for i in e.identifiers if i.authority) == with_authority


def test_classic_xml_issue_date(source_file: Reader) -> None:
    entries = {e.id: e for e in ofac_xml.parse([source_file(CLASSIC)]).entries}
    (reg,) = [i for i in entries["us_ofac_cons:11208"].identifiers if i.value == "86936"]
    assert (reg.kind, reg.country, reg.issue_date) == ("registration", "IR", "1991-07-10")


def test_eu_known_expired_passport(source_file: Reader) -> None:
    entries = eu_fsf.parse([source_file(EU)]).entries
    (doc,) = [i for e in entries for i in e.identifiers if i.value == "F654645"]
    assert (doc.kind, doc.country, doc.issue_date, doc.expiry_date, doc.known_expired) == (
        "passport", "SA", "2005-04-30", "2010-03-07", True,
    )  # fmt: skip
    (libya,) = [i for e in entries for i in e.identifiers if i.value == "FK117RK0"]
    assert (libya.place, libya.known_expired, libya.label) == (
        "Tripoli",
        False,
        "National passport",
    )


# --- the model -------------------------------------------------------------------------------


def test_an_old_stored_row_reads_and_serialises_as_before() -> None:
    old = {"kind": "Passport", "value": "A123", "country": None}
    ident = Identifier.from_dict(old)
    assert ident.to_dict() == old
    assert match_form(ident) == "a123"
    full = Identifier(
        "passport", "A123", "NI", label="Passport", issue_date="2012-03-02", known_expired=True
    )
    assert Identifier.from_dict(full.to_dict()) == full


def test_every_label_in_the_real_files_has_a_kind() -> None:
    assert {k.value for k in IdentifierKind} >= {
        "imo", "mmsi", "passport", "national_id", "tax_id", "lei", "swift_bic", "registration",
        "crypto_address", "aircraft_serial", "aircraft_tail", "vessel_call_sign", "other",
    }  # fmt: skip
    assert identifier_kind("Italian Fiscal Code") is IdentifierKind.TAX_ID
    assert identifier_kind("Digital Currency Address - XBT") is IdentifierKind.CRYPTO_ADDRESS
    assert identifier_kind("Citizen's Card Number") is IdentifierKind.NATIONAL_ID
    assert identifier_kind("Diplomatic Passport") is IdentifierKind.PASSPORT
