"""Issue 14, the audit's second round: each failure as a kind, on the real files, with the
named record and another of the same kind. Raw values are read with lxml and the
standard library's csv, never ExportGuard code."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from exportguard.core.entities import Alias, IdentifierKind, ListEntry
from exportguard.core.identifiers import identifier_keys, match_form, normalise_identifier
from exportguard.core.index import NameIndex
from exportguard.core.queries import make_query
from exportguard.core.snapshots import SourceFile
from exportguard.errors import SourceFormatError
from exportguard.services import ExportGuard
from exportguard.sources import detect, eu_fsf, ofac_csv, uk_ofsi, un_xml
from exportguard.sources._documents import split_documents, split_number

Reader = Callable[[str], SourceFile]
UN = "un_sc/2026-02-27/consolidated.xml"
OFSI = "uk_ofsi/2018-04-13/sanctionsconlist.csv"
SDN_2024 = "us_ofac_sdn/2024-05-03/sdn.csv"
SDN_2022 = "us_ofac_sdn/2022-03-31/sdn.csv"
EU = "eu_fsf/sample_2026-08-05/sample_eu_fsf.xml"
NO_PRIMARY = "us_ofac_sdn/2025-12-24_add_alt_comments_only"
_ARABIC_OR_CYRILLIC = re.compile(r"[\u0600-\u06ff\u0400-\u04ff]")


@pytest.fixture(scope="module")
def un(source_file: Reader) -> dict[str, ListEntry]:
    return {e.id: e for e in un_xml.parse([source_file(UN)]).entries}


@pytest.fixture(scope="module")
def ofsi(source_file: Reader) -> dict[str, ListEntry]:
    return {e.id: e for e in uk_ofsi.parse([source_file(OFSI)]).entries}


def _hits(entries: list[ListEntry], name: str = "", identifier: str | None = None) -> list[str]:
    index = NameIndex.build(1, entries)
    query = make_query(name, identifiers=[identifier] if identifier else [])
    return [h.entry.id for h in index.screen(query, threshold=0.86)]


def _kind(entry: ListEntry, value: str) -> list[tuple[str, str | None]]:
    return [(i.kind, i.country) for i in entry.identifiers if i.value == value]


# --- 1. a number whose last digit group looks like a year -----------------------------------


def test_number_with_hyphenated_groups_is_whole() -> None:
    found = split_number("SSN 156-92-9858 (United States of America)")
    assert found is not None
    assert found.number == "156-92-9858"
    # Dates are still no numbers; a series joined by "No." is one number.
    assert split_number("issued in 1993, under name X") is None
    found = split_number("Russian passport number 8208 No. 555627")
    assert found is not None
    assert found.number == "8208 No. 555627"


def test_un_ssn_in_note_qdi_037(un: dict[str, ListEntry]) -> None:
    entry = un["un_sc:QDi.037"]
    assert _kind(entry, "156-92-9858") == [("national_id", "US")]
    assert not [i for i in entry.identifiers if i.value == "156-92-"]
    assert _hits(list(un.values()), identifier="156-92-9858") == ["un_sc:QDi.037"]
    # Same kind: SOi.010 writes "Social Security Number 423-31-3021 (US)" as the NUMBER.
    assert _kind(un["un_sc:SOi.010"], "423-31-3021") == [("national_id", "US")]


def test_un_numbers_are_never_cut_anywhere(source_file: Reader, un: dict[str, ListEntry]) -> None:
    # Every digit group of 3+ digits a NUMBER writes (outside a parenthesised note such
    # as "(Expired 25 Jan. 2016)") is in a stored value.
    root = etree.fromstring(source_file(UN).data)
    missing = []
    for person in root.iter("INDIVIDUAL"):
        ref = (person.findtext("REFERENCE_NUMBER") or "").strip()
        values = " ".join(i.value for i in un[f"un_sc:{ref}"].identifiers)
        for document in person.iter("INDIVIDUAL_DOCUMENT"):
            number = re.sub(r"\([^()]*\)", " ", document.findtext("NUMBER") or "")
            for group in re.findall(r"\d{3,}", number):
                if group not in values:
                    missing.append((ref, number))
    assert missing == []


# --- 2. numbers in TYPE_OF_DOCUMENT2 or prose; documents without a number -------------------


def test_un_number_in_type_of_document2(un: dict[str, ListEntry]) -> None:
    (tazkira,) = [i for i in un["un_sc:TAi.071"].identifiers if i.kind == "national_id"]
    assert (tazkira.value, tazkira.country, tazkira.issue_date, tazkira.note) == (
        "545167", "AF", "1974", "issued in 1974",
    )  # fmt: skip
    values = {i.value for i in un["un_sc:TAi.165"].identifiers}
    assert {"57388", "665"} <= values


def test_un_counterfeit_licence_number_qdi_129(un: dict[str, ListEntry]) -> None:
    entry = un["un_sc:QDi.129"]
    (licence,) = [i for i in entry.identifiers if i.value == "20645897"]
    assert licence.kind == IdentifierKind.LICENCE
    assert licence.country == "DK"
    assert licence.invalid
    assert licence.published == "Counterfeit Danish driving licence number 20645897"
    # The birth certificate without a number is kept (with its note), never compared.
    (birth,) = [i for i in entry.identifiers if "Birth certificate" in (i.label or "")]
    assert birth.value == ""
    assert match_form(birth) == ""
    assert birth.country == "DZ"
    assert (birth.note or "").startswith("issued for Djamel Mostefa, born on 25 Sep. 1973")


def test_un_number_out_of_prose_other_records(un: dict[str, ListEntry]) -> None:
    assert _kind(un["un_sc:LYi.009"], "428720") == [("passport", "LY")]
    assert _kind(un["un_sc:SSi.003"], "R00012098") == [("passport", "SS")]
    assert _kind(un["un_sc:QDi.371"], "C00146605") == [("passport", "GB")]
    (expired,) = [i for i in un["un_sc:KPi.021"].identifiers if i.value == "381110042"]
    assert expired.expiry_date == "2016-01-25"


def test_un_passport_without_number_qdi_318(un: dict[str, ListEntry]) -> None:
    passports = [i for i in un["un_sc:QDi.318"].identifiers if i.kind == "passport"]
    assert [p.value for p in passports] == ["6487", "", "388181"]
    blank = passports[1]
    assert (blank.country, blank.issue_date) == ("EG", "1993")
    assert (blank.note or "").endswith("Muhammad Jamal Abd-Al Rahim Ahmad Al-Kashif")
    assert "" not in {match_form(i) for e in un.values() for i in e.identifiers} - {""}


def test_un_document_country_from_adjective_qdi_060(un: dict[str, ListEntry]) -> None:
    # "Tunisian passport number L 191609 ..." names its country.
    assert _kind(un["un_sc:QDi.060"], "L 191609") == [("passport", "TN")]
    assert _kind(un["un_sc:QDi.143"], "L723315") == [("passport", "TN")]


# --- 3. aliases in mixed script, several names in one, names in notes -----------------------


def test_un_mixed_script_alias_qdi_299(un: dict[str, ListEntry]) -> None:
    entry = un["un_sc:QDi.299"]
    names = {a.name: a.kind for a in entry.aliases}
    assert names["أبو بكر البغدادي الحسيني القريشي"] == "original-script"
    assert names["Abu Bakr al-Baghdadi al-Husayni al-Quraishi"] == "aka"
    assert names["Abu Bakr al-Baghdadi"] == "aka"
    assert names["Abu Du’a"] == names["Abu Duaa’"] == "aka"
    assert not [a for a in entry.aliases if "(" in a.name]
    everyone = list(un.values())
    for query in ("Abu Bakr al-Baghdadi", "Abu Duaa"):
        assert "un_sc:QDi.299" in _hits(everyone, query)


def test_un_names_separated_by_semicolons_qdi_309(un: dict[str, ListEntry]) -> None:
    entry = un["un_sc:QDi.309"]
    names = [a.name for a in entry.aliases]
    assert {"Abdul Rehman", "Abd Ur-Rehman", "Abdur Rahman"} <= set(names)
    assert {"Abdul Rehman Sindhi", "Abdurahman Sindhi", "Abdullah Sindhi"} <= set(names)
    assert not [n for n in names if ";" in n]
    assert "un_sc:QDi.309" in _hits(list(un.values()), "Abdul Rehman Sindhi")
    # Same kind: an Iranian alias of three spellings (IRi.010).
    assert {"Halen Bakhtiar", "Haleh Bakhtiari", "Haleh Bakhtiyar"} <= {
        a.name for a in un["un_sc:IRi.010"].aliases
    }


def test_un_latin_and_arabic_side_by_side(un: dict[str, ListEntry]) -> None:
    names = {a.name for a in un["un_sc:TAi.034"].aliases}
    assert {"Akhter Mohmad son of Noor Mohmad", "اختر محمد ولد نور محمد", "Akhter Mohmad"} <= names
    assert "un_sc:TAi.034" in _hits(list(un.values()), "Akhter Mohmad")
    assert {"Djaafar Abou Mohamed", "جعفر ابو محمد"} <= {
        a.name for a in un["un_sc:QDi.280"].aliases
    }
    assert {"Agha Jan Alizai", "اغا جان عالیزی"} <= {a.name for a in un["un_sc:TAi.148"].aliases}
    assert {"Yunis al-Mauritani", "Shaykh Yunis the Mauritanian"} <= {
        a.name for a in un["un_sc:QDi.298"].aliases
    }
    assert {"Hajji Faizullah Khan Noorzai", "Haji Fiazullah"} <= {
        a.name for a in un["un_sc:TAi.153"].aliases
    }


def test_un_no_alias_keeps_two_scripts_or_separators(un: dict[str, ListEntry]) -> None:
    bad = [
        (e.id, a.name)
        for e in un.values()
        for a in e.aliases
        if ";" in a.name
        or a.name.endswith((",", ";"))
        or (
            re.search(r"[A-Za-z]{2}", a.name) and re.search(r"[\u0600-\u06ff\u0400-\u04ff]", a.name)
        )
    ]
    assert bad == []
    # An acronym in parentheses is part of the name.
    assert Alias("Lord’s Resistance Movement (LRM)") in un["un_sc:CFe.002"].aliases


# --- 10. notes on aliases and places of birth; address country from a note ------------------


def test_un_alias_and_place_of_birth_notes(un: dict[str, ListEntry]) -> None:
    assert "Alias Mohamed Ould Ahmed Ould Ali: born in 1976" in un["un_sc:QDi.280"].notes
    assert "Alias Tango Romeo: Call sign" in un["un_sc:CDi.030"].notes
    assert any("nom de guerre" in n for n in un["un_sc:QDi.318"].notes)
    assert any("(now Tanganyika Province)" in n for n in un["un_sc:CDi.035"].notes)
    assert any("bordering Chaman District" in n for n in un["un_sc:TAi.053"].notes)
    (located,) = [a for a in un["un_sc:QDi.003"].addresses if a.full.startswith("Located")]
    assert located.country == "YE"


# --- 4. UK OFSI free-text passport and ID cells ---------------------------------------------


def test_ofsi_one_document_per_number(ofsi: dict[str, ListEntry]) -> None:
    entry = ofsi["uk_ofsi:13351"]
    values = [i.value for i in entry.identifiers if i.kind == "passport"]
    assert values == ["K142736", "G579315"]
    first = entry.identifiers[0]
    assert (first.country, first.issue_date) == ("SA", "2011-07-14")
    assert _hits(list(ofsi.values()), identifier="G579315") == ["uk_ofsi:13351"]
    many = [i for i in ofsi["uk_ofsi:7863"].identifiers if i.kind == "passport"]
    assert len(many) == 14
    assert many[0].value == "A-333602"
    assert many[0].invalid
    assert many[0].country == "IN"
    assert (many[0].note or "").endswith("(subsequently revoked by the Government of India)")


def test_ofsi_numbers_found_by_identifier(source_file: Reader, ofsi: dict[str, ListEntry]) -> None:
    # Every number of 6+ digits (with its letters) in a passport or ID cell, read with the
    # csv module, is found by identifier screening of its entry; before: 170 of 409.
    rows = list(csv.reader(io.StringIO(source_file(OFSI).data.decode("cp1252"))))
    head = next(i for i, r in enumerate(rows) if "Group ID" in r)
    header = rows[head]
    group = header.index("Group ID")
    columns = [header.index(c) for c in ("Passport Details", "NI Number")]
    numbers: set[tuple[str, str]] = set()
    for row in rows[head + 1 :]:
        if len(row) == len(header):
            for c in columns:
                for n in re.findall(r"(?<![\w/.-])(?:[A-Z]{1,3}[ -]?)?\d{6,}(?![\w/.])", row[c]):
                    numbers.add((f"uk_ofsi:{row[group]}", n))
    found = 0
    for entry_id, number in numbers:
        keys = identifier_keys({m for i in ofsi[entry_id].identifiers if (m := match_form(i))})
        found += f"i:{normalise_identifier(number)}" in keys
    assert len(numbers) == 409
    assert found >= 400


def test_split_documents_of_free_text() -> None:
    text = "Passport Number. 290220142. Service passport number: 836220035"
    assert [d.found.number for d in split_documents(text)] == ["290220142", "836220035"]
    text = "(1) 6487 (Egypt). Issued 30 Jan 1986. (2) (Eqypt). Issued 1993. (3) 388181 (Yemen)."
    assert [d.found.number for d in split_documents(text)] == ["6487", "388181"]


# --- 5. EU circa and birthdate remarks -------------------------------------------------------


def test_eu_circa_and_birthdate_remarks(source_file: Reader) -> None:
    by_id = {e.id: e for e in eu_fsf.parse([source_file(EU)]).entries}
    entry = by_id["eu_fsf:521"]
    assert "1953 to 1958: circa; between 1953 and 1958" in entry.birth_date_notes
    assert "1953 to 1958: circa" in entry.birth_date_notes
    assert any("hijri calendar" in n for n in by_id["eu_fsf:6177"].birth_date_notes)
    circa = etree.fromstring(source_file(EU).data).xpath(
        "//*[local-name()='birthdate'][@circa='true']"
    )
    assert sum("circa" in n for e in by_id.values() for n in e.birth_date_notes) == len(circa)


# --- 6. and 7. OFAC remarks: unusual labels, a cut remark's whole items ---------------------


@pytest.mark.parametrize("path", [SDN_2024, SDN_2022])
def test_ofac_remark_documents_with_unusual_labels(source_file: Reader, path: str) -> None:
    by_id = {e.id: e for e in ofac_csv.parse([source_file(path)]).entries}
    (suspension,) = [i for i in by_id["us_ofac_sdn:9593"].identifiers if i.value == "T04338017"]
    assert suspension.kind == IdentifierKind.NATIONAL_ID
    assert suspension.label == "Temporary suspension of deportation"
    assert suspension.expiry_date == "2013-05-08"
    assert suspension.authority == "Alien's Office of the city of Mainz"
    (bare,) = [i for i in by_id["us_ofac_sdn:7885"].identifiers if i.value == "M0018061/104"]
    assert (bare.kind, bare.issue_date) == ("other", "1993-09-12")
    # A phone or fax number is no identifier ("Phone No. 263-4-486946; Fax No. ...").
    if "us_ofac_sdn:10958" in by_id:
        phones = [i for i in by_id["us_ofac_sdn:10958"].identifiers if i.value.startswith("263")]
        assert phones == []


def test_cut_remark_keeps_the_item_before_its_separator(source_file: Reader) -> None:
    file = source_file(SDN_2024)
    rows = [r for r in csv.reader(io.StringIO(file.data.decode("latin-1"))) if len(r) > 11]
    cut = {r[0]: r[11] for r in rows if len(r[11]) >= 1000}
    by_id = {e.id: e for e in ofac_csv.parse([file]).entries}
    crypto = {i.value for i in by_id["us_ofac_sdn:42496"].identifiers if i.kind == "crypto_address"}
    assert cut["42496"].endswith("XBT 18yWCu6agTxYqAerMxiz9sgHrK3ViezzGa;")
    assert "18yWCu6agTxYqAerMxiz9sgHrK3ViezzGa" in crypto
    # Every other cut remark: each address before its last "; " is kept, the cut one not.
    for ent, remark in cut.items():
        whole = remark.rpartition("; ")[0] if not remark.endswith(";") else remark
        addresses = re.findall(r"Digital Currency Address - \w+ (\w+)(?=;)", whole)
        got = {i.value for i in by_id[f"us_ofac_sdn:{ent}"].identifiers}
        assert set(addresses) <= got, ent
    assert not [v for v in crypto if len(v) < 25]


# --- 9. a folder holding a set that cannot be imported alone --------------------------------


def test_folder_import_skips_a_set_without_its_primary(lists_dir: Path) -> None:
    # The whole us_ofac_sdn folder: the add/alt/comments set is skipped, named, with why.
    folder = lists_dir / "us_ofac_sdn"
    files = [SourceFile(str(p), p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()]
    units, skipped = detect.plan(files, skip_unknown=True)
    assert len(units) == 5
    (note,) = [s for s in skipped if NO_PRIMARY.rsplit("/", 1)[1] in s]
    assert "add.csv" in note
    assert "sdn_comments.csv" in note
    assert "cannot be imported alone: the primary file sdn.csv is missing" in note
    # Named directly, the set is refused with the reason.
    mine = [f for f in files if NO_PRIMARY.rsplit("/", 1)[1] in f.name]
    (unit,) = detect.plan(mine)[0]
    with pytest.raises(SourceFormatError, match=r"the primary file sdn\.csv is missing"):
        unit.parse()


def test_import_of_only_the_set_is_refused(service: ExportGuard, lists_dir: Path) -> None:
    with pytest.raises(SourceFormatError, match=r"nothing to import: .*sdn\.csv is missing"):
        service.import_paths([lists_dir / NO_PRIMARY])
    with pytest.raises(SourceFormatError, match=r"sdn\.csv is missing"):
        service.import_paths(
            [lists_dir / NO_PRIMARY / "add.csv", lists_dir / NO_PRIMARY / "alt.csv"]
        )
