"""Issue 14, faults 2, 3, 5, 6 and 7: names written only in notes, repeated aliases,
countries from free text, merges and the qualifiers and notes officers need. Counts are
checked against an independent reader (the standard library's csv and json, lxml), never
ExportGuard code; named records field by field."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import date

import pytest
from lxml import etree
from typer.testing import CliRunner

from exportguard.cli import app
from exportguard.core import countries
from exportguard.core.entities import Address, Alias, ListEntry
from exportguard.core.impact import entry_digest
from exportguard.core.index import NameIndex
from exportguard.core.queries import make_query
from exportguard.core.snapshots import SourceFile
from exportguard.services import ExportGuard
from exportguard.sources import bis_dpl, csl, eu_fsf, ftm, uk_fcdo, uk_ofsi, un_xml
from exportguard.sources._ofac import country_code
from exportguard.sources._uk_ofsi_fields import country_reading

Reader = Callable[[str], SourceFile]
UN = "un_sc/2026-02-27/consolidated.xml"
DPL = "us_bis_dpl/2023-11-30/dpl.txt"
OFSI = "uk_ofsi/2018-04-13/sanctionsconlist.csv"
CSL = "us_trade_csl/2022-05-16/consolidated.csv"
EU = "eu_fsf/sample_2026-08-05/sample_eu_fsf.xml"
UK = "uk_fcdo/sample_2026-09-10/sample_uk_sanctions.xml"
ZALA = "opensanctions/yente_fixtures/zala.entities.ftm.json"
OFAC_ADD = (
    "us_ofac_sdn/2021-07-07/add.csv",
    "us_ofac_sdn/2025-12-24_add_alt_comments_only/add.csv",
    "us_ofac_cons/2025-12-19/cons_add.csv",
    "us_ofac_sdn/sample_small/add.csv",
)
KAWTHAR = "شركة الكوثر"


@pytest.fixture(scope="module")
def un_root(source_file: Reader) -> etree._Element:
    return etree.fromstring(source_file(UN).data)


@pytest.fixture(scope="module")
def un_by_id(source_file: Reader) -> dict[str, ListEntry]:
    return {e.id: e for e in un_xml.parse([source_file(UN)]).entries}


@pytest.fixture(scope="module")
def ofsi_rows(source_file: Reader) -> list[dict[str, str]]:
    text = source_file(OFSI).data.decode("cp1252", errors="replace")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return [dict(zip(rows[1], r, strict=False)) for r in rows[2:] if any(r)]


@pytest.fixture(scope="module")
def ofsi_by_id(source_file: Reader) -> dict[str, ListEntry]:
    return {e.id: e for e in uk_ofsi.parse([source_file(OFSI)]).entries}


def _record(root: etree._Element, reference: str) -> etree._Element:
    (found,) = [
        r for r in root.iter("INDIVIDUAL", "ENTITY")
        if (r.findtext("REFERENCE_NUMBER") or "").strip() == reference
    ]  # fmt: skip
    return found


# --- 2. original-script names written only in notes (UN) ------------------------------------

_SCRIPT_NOTE = re.compile(r"(?:in arabic(?: script)?|original script)\s*:\s*([^;:()]+)", re.I)


def _non_latin(text: str) -> bool:
    return any(c.isalpha() and ord(c) > 0x24F for c in text)


def test_un_names_in_notes_are_original_script_aliases(
    un_root: etree._Element, un_by_id: dict[str, ListEntry]
) -> None:
    """Alias NOTEs give 31 names in 12 records; document NOTEs ("name in Arabic script:")
    add 3 in 2 more records (QDi.411's third spelling is its NAME_ORIGINAL_SCRIPT)."""
    expected: set[tuple[str, str]] = set()
    for tag in ("INDIVIDUAL_ALIAS", "ENTITY_ALIAS", "INDIVIDUAL_DOCUMENT"):
        for element in un_root.iter(tag):
            note = " ".join((element.findtext("NOTE") or "").split())
            for found in _SCRIPT_NOTE.finditer(note):
                name = found.group(1).strip(" .,")
                if _non_latin(name):
                    ref = (element.getparent().findtext("REFERENCE_NUMBER") or "").strip()
                    expected.add((ref, name))
    in_alias_notes = {(ref, n) for ref, n in expected if not ref.startswith(("QDi.411", "QDi.412"))}
    assert len(in_alias_notes) == 31
    assert len({ref for ref, _ in in_alias_notes}) == 12
    assert len(expected) == 35
    assert len({ref for ref, _ in expected}) == 14
    for ref, name in expected:
        aliases = {a.name: a for a in un_by_id[f"un_sc:{ref}"].aliases}
        assert aliases[name].kind == "original-script", (ref, name)


def test_un_kawthar_arabic_alias_field_by_field(un_by_id: dict[str, ListEntry]) -> None:
    entry = un_by_id["un_sc:QDe.157"]
    assert Alias(KAWTHAR, kind="original-script", lang="ar") in entry.aliases
    cyrillic = un_by_id["un_sc:QDi.363"].aliases
    assert Alias("Абу Банат", kind="original-script", lang="und-Cyrl") in cyrillic
    assert Alias("Абу аль Банат", kind="original-script", lang="und-Cyrl") in cyrillic


def test_screening_the_arabic_name_finds_al_kawthar(un_by_id: dict[str, ListEntry]) -> None:
    index = NameIndex.build(1, list(un_by_id.values()))
    hits = index.screen(make_query(KAWTHAR), threshold=0.8)
    assert hits
    assert hits[0].entry.id == "un_sc:QDe.157"
    assert hits[0].matched_name == KAWTHAR


# --- 3. repeated alias names (UN) -----------------------------------------------------------


def test_repeated_alias_keeps_its_birth_facts(
    un_root: etree._Element, un_by_id: dict[str, ListEntry]
) -> None:
    entry = un_by_id["un_sc:QDi.092"]
    # "Fabio Fusco" three times: 1968-05-25 Naples, Italy; 1968-12-18 Tunisia; 1968-05-25
    # Algeria.
    assert "1968-12-18" in entry.birth_dates
    assert "Algeria" in entry.birth_places
    assert [a.name for a in entry.aliases].count("Fabio Fusco") == 1
    # Every alias date of birth of the file is a birth date of its entry.
    for element in un_root.iter("INDIVIDUAL_ALIAS"):
        born = (element.findtext("DATE_OF_BIRTH") or "").strip()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", born):
            ref = (element.getparent().findtext("REFERENCE_NUMBER") or "").strip()
            assert born in un_by_id[f"un_sc:{ref}"].birth_dates, ref


def test_aka_and_fka_of_the_same_name_are_both_kept(un_by_id: dict[str, ListEntry]) -> None:
    aliases = un_by_id["un_sc:QDe.168"].aliases
    assert [a.kind for a in aliases if a.name == "JANNAT OSHIKLARI"] == ["aka", "fka"]


# --- 7. qualifiers and notes (UN) ------------------------------------------------------------


def test_un_birth_date_qualifiers_and_notes(
    un_root: etree._Element, un_by_id: dict[str, ListEntry]
) -> None:
    approximately = [
        d for d in un_root.iter("INDIVIDUAL_DATE_OF_BIRTH")
        if (d.findtext("TYPE_OF_DATE") or "").strip() == "APPROXIMATELY"
    ]  # fmt: skip
    assert len(approximately) == 117
    notes = [n for e in un_by_id.values() for n in e.birth_date_notes]
    assert sum(1 for n in notes if "approximately" in n) == 117
    # A NOTE beside a date (DATE, YEAR or a range): 10 in the file, each kept.
    beside = [
        d for d in un_root.iter("INDIVIDUAL_DATE_OF_BIRTH")
        if (d.findtext("NOTE") or "").strip()
        and any((d.findtext(t) or "").strip() for t in ("DATE", "YEAR", "FROM_YEAR"))
    ]  # fmt: skip
    assert len(beside) == 10
    for element in beside:
        ref = element.getparent().findtext("REFERENCE_NUMBER").strip()
        note = (element.findtext("NOTE") or "").strip()
        assert any(note in n for n in un_by_id[f"un_sc:{ref}"].birth_date_notes), ref
    assert un_by_id["un_sc:QDi.295"].birth_date_notes == ("1979-03-03: from false passport",)
    assert un_by_id["un_sc:TAi.002"].birth_date_notes == (
        "1955 to 1958: Approximately",
        "1945 to 1950: Approximately",
    )


def test_un_address_notes(un_root: etree._Element, un_by_id: dict[str, ListEntry]) -> None:
    """An address NOTE beside other parts is the address's note (177 in the file); an
    address of a NOTE alone keeps it as its text, as before."""
    expected = 0
    for element in un_root.iter("INDIVIDUAL_ADDRESS", "ENTITY_ADDRESS"):
        parts = ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")
        if (element.findtext("NOTE") or "").strip() and any(
            (element.findtext(p) or "").strip() for p in parts
        ):
            expected += 1
    assert expected == 177
    kept = sum(1 for e in un_by_id.values() for a in e.addresses if a.note)
    assert kept == expected
    assert un_by_id["un_sc:QDi.411"].addresses[0] == Address(
        "17 Tamoz, Mosul, Iraq", "17 Tamoz", "Mosul", country="IQ", note="previous address"
    )
    assert un_by_id["un_sc:QDi.411"].nationalities == ("IQ",)


# --- 5. countries from free text -------------------------------------------------------------


def _unmapped(values: list[str]) -> list[str]:
    return sorted({v for v in values if v and not countries.known(v)})


@pytest.mark.parametrize("relpath", OFAC_ADD)
def test_ofac_address_countries_all_map(source_file: Reader, relpath: str) -> None:
    text = source_file(relpath).data.decode("cp1252", errors="replace").rstrip("\x1a")
    values = [
        r[4].strip() for r in csv.reader(io.StringIO(text, newline=""))
        if len(r) > 4 and r[4].strip() not in ("", "-0-")
    ]  # fmt: skip
    assert values
    unmapped = sorted({
        v for v in values if not country_code(v) and not countries.known(v.removeprefix("Region: "))
    })  # fmt: skip
    assert unmapped == []


def test_named_country_spellings() -> None:
    assert countries.to_code("Bahamas, The") == "BS"
    assert countries.to_code("Cote d Ivoire") == "CI"
    assert countries.to_code("PRC") == "CN"
    assert countries.to_code("North Macedonia, The Republic of") == "MK"
    assert country_code("Region: Crimea") == "UA"
    assert countries.to_code("undetermined") is None
    assert countries.known("undetermined")
    assert not countries.known("Atlantis")


def test_dpl_csl_un_uk_eu_countries_all_map(source_file: Reader, un_root: etree._Element) -> None:
    text = source_file(DPL).data.decode("utf-8")
    dpl = list(csv.DictReader(io.StringIO(text, newline=""), delimiter="\t"))
    assert _unmapped([r["Country"].strip() for r in dpl]) == []
    (smith,) = [
        e for e in bis_dpl.parse([source_file(DPL)]).entries if e.name == "STEPHEN EDWARD SMITH"
    ]
    assert (smith.addresses[0].region, smith.addresses[0].country) == ("NM", "US")
    rows = list(csv.DictReader(io.StringIO(source_file(CSL).data.decode("utf-8"), newline="")))
    cells = [
        v.strip() for r in rows for col in ("citizenships", "nationalities")
        for v in r[col].split(";")
    ] + [r["vessel_flag"].strip() for r in rows]  # fmt: skip
    assert _unmapped(cells) == []
    un = [
        (v.text or "").strip()
        for tag in ("NATIONALITY", "COUNTRY", "ISSUING_COUNTRY", "COUNTRY_OF_ISSUE")
        for e in un_root.iter(tag)
        for v in ([e] if len(e) == 0 else list(e))
    ]
    assert _unmapped(un) == []
    uk = etree.fromstring(source_file(UK).data)
    uk_values = [
        (e.text or "").strip() for e in uk.iter()
        if isinstance(e.tag, str) and e.tag in ("Nationality", "AddressCountry", "CountryOfBirth")
    ]  # fmt: skip
    assert uk_values
    assert _unmapped(uk_values) == []
    eu = etree.fromstring(source_file(EU).data)
    eu_codes = [
        code for e in eu.iter() if (code := e.get("countryIso2Code")) not in (None, "", "00")
    ]  # fmt: skip
    assert eu_codes
    assert _unmapped(eu_codes) == []


def test_ofsi_free_text_countries_all_map(ofsi_rows: list[dict[str, str]]) -> None:
    unmapped = {
        (col, phrase)
        for r in ofsi_rows
        for col in ("Nationality", "Country", "Country of Birth")
        for phrase in country_reading(r[col])[1]
    }
    assert unmapped == set()


def test_ofsi_nationality_text_keeps_both_countries(
    ofsi_rows: list[dict[str, str]], ofsi_by_id: dict[str, ListEntry]
) -> None:
    text = "United States of America. Also believed to hold Syrian nationality"
    groups = {r["Group ID"] for r in ofsi_rows if r["Nationality"].strip() == text}
    assert groups
    for gid in groups:
        entry = ofsi_by_id[f"uk_ofsi:{gid}"]
        assert entry.nationalities == ("US", "SY")
        assert {"US", "SY"} <= set(entry.countries)
    assert country_reading("Iranian national and US national/citizen")[0] == ("IR", "US")
    assert country_reading("Bosnia and Herzegovina")[0] == ("BA",)


def test_countries_stay_apart_and_union(source_file: Reader) -> None:
    entries = csl.parse([source_file(CSL)]).entries
    both = [e for e in entries if e.citizenships and e.nationalities]
    assert both
    for e in entries:
        assert set(e.nationalities) | set(e.citizenships) <= set(e.countries)
        assert {a.country for a in e.addresses if a.country} <= set(e.countries)


# --- 6. merges keep every distinct value -----------------------------------------------------


def test_dpl_merge_keeps_every_citation_and_action(source_file: Reader) -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(source_file(DPL).data.decode("utf-8"), newline=""), delimiter="\t"
        )
    )
    entries = bis_dpl.parse([source_file(DPL)]).entries
    (alhay,) = [e for e in entries if e.id.startswith("us_bis_dpl:ALI-ABDULLAH-ALHAY:")]
    assert any("87 F.R. 30173" in c for c in alhay.citations)
    assert any("87 F.R. 68123" in c for c in alhay.citations)
    assert alhay.citation is not None
    assert "87 F.R. 68123" not in alhay.citation
    kept_citations = {c for e in entries for c in (e.citation, *e.citations) if c}
    assert {" ".join(r["FR_Citation"].split()) for r in rows if r["FR_Citation"].strip()} <= (
        kept_citations
    )
    first_action = re.compile(r"Action: (.*?)(?:; Last update|$)")
    kept_actions = {a.split(": ", 1)[1] for e in entries for a in e.actions} | {
        m.group(1) for e in entries if e.remarks for m in first_action.finditer(e.remarks)
    }
    assert {" ".join(r["Action"].split()) for r in rows if r["Action"].strip()} <= kept_actions


def test_ofsi_groups_keep_every_listed_on_date(
    ofsi_rows: list[dict[str, str]], ofsi_by_id: dict[str, ListEntry]
) -> None:
    dates: dict[str, set[date]] = {}
    for r in ofsi_rows:
        day, month, year = r["Listed On"].strip().split("/")
        dates.setdefault(r["Group ID"].strip(), set()).add(date(int(year), int(month), int(day)))
    several = {g: d for g, d in dates.items() if len(d) > 1}
    assert several
    assert sum(1 for e in ofsi_by_id.values() if e.listed_dates) == len(several)
    for gid, found in several.items():
        entry = ofsi_by_id[f"uk_ofsi:{gid}"]
        assert entry.listed_dates == tuple(d.isoformat() for d in sorted(found))
        assert entry.listed_from == min(found)  # the earliest is listed_from


# --- 7. EU, UK and OpenSanctions -------------------------------------------------------------


def test_eu_address_remarks_contacts_gender(source_file: Reader) -> None:
    root = etree.fromstring(source_file(EU).data)
    ns = {"x": root.nsmap[None]}
    entries = {e.id: e for e in eu_fsf.parse([source_file(EU)]).entries}
    contact_values = {c.get("value") for c in root.iterfind(".//x:contactInfo", ns)}
    kept = {c.split(": ", 1)[1] for e in entries.values() for c in e.contacts}
    assert contact_values
    assert contact_values <= kept
    noted = [e for e in entries.values() for a in e.addresses if a.note]
    assert any(a.note == "Factory" for e in noted for a in e.addresses)
    with_gender = {
        s.get("logicalId")
        for s in root.iterfind("x:sanctionEntity", ns)
        if any(a.get("gender") for a in s.iterfind("x:nameAlias", ns))
    }
    assert with_gender
    assert {e.id.split(":")[1] for e in entries.values() if e.gender} == with_gender
    assert {e.gender for e in entries.values() if e.gender} == {"male"}


def test_uk_gender_and_contacts(source_file: Reader) -> None:
    root = etree.fromstring(source_file(UK).data)
    entries = uk_fcdo.parse([source_file(UK)]).entries
    assert sum(1 for e in entries if e.gender) == len(root.findall(".//Gender")) == 2
    assert {"phone: 0202-104748", "e-mail: helmand_exchange_msp@yahoo.com"} <= {
        c for e in entries for c in e.contacts
    }
    assert ("Mullah", "Haji") in [e.titles for e in entries]


def test_ftm_title_gender_status_dissolution_contacts(source_file: Reader) -> None:
    lines = [
        json.loads(x) for x in source_file(ZALA).data.decode("utf-8").splitlines() if x.strip()
    ]
    entries = {e.id.split(":", 1)[1]: e for e in ftm.parse([source_file(ZALA)]).entries}
    for record in lines:
        entry = entries.get(record["id"])
        if entry is None:
            continue
        props = record["properties"]
        assert entry.gender == ("; ".join(props["gender"]) if "gender" in props else None)
        assert entry.dissolution_date == (props.get("dissolutionDate") or [None])[0]
        assert set(entry.titles) == set(props.get("title", []))
        for phone in props.get("phone", []):
            assert f"phone: {phone}" in entry.contacts
        for status in props.get("status", []):
            assert entry.status is not None
            assert status in entry.status
    assert any(e.status and "sanction" in e.status for e in entries.values())
    assert any(n.startswith("Sanction summary: ") for e in entries.values() for n in e.notes)


# --- the model and hit details ---------------------------------------------------------------


def test_old_rows_read_and_digest_as_before() -> None:
    old = {
        "id": "x:1", "source": "x", "list_name": "X", "type": "person", "name": "A B",
        "aliases": [], "programs": [], "countries": [], "identifiers": [],
        "addresses": [{"full": "Tehran", "street": None, "city": "Tehran", "region": None,
                       "postal_code": None, "country": "IR"}],
        "birth_dates": [], "birth_places": [], "listed_from": None, "listed_until": None,
        "citation": None, "licence_requirement": None, "licence_policy": None,
        "remarks": None, "url": None,
    }  # fmt: skip
    entry = ListEntry.from_dict(old)
    assert entry.to_dict() == old
    assert entry_digest(entry) == entry_digest(ListEntry.from_dict(json.loads(json.dumps(old))))
    richer = ListEntry.from_dict(
        {
            **old,
            "gender": "male",
            "titles": ["Haji"],
            "addresses": [{**old["addresses"][0], "note": "previous address"}],
        }
    )
    assert richer.gender == "male"
    assert richer.addresses[0].note == "previous address"
    assert ListEntry.from_dict(richer.to_dict()) == richer
    assert ("address", "Tehran (previous address)") in richer.details()


def test_hit_details_in_the_result(service: ExportGuard, source_file: Reader) -> None:
    service.import_files([source_file(UN)])
    result = service.screen(KAWTHAR, record=False).to_dict()
    hit = result["hits"][0]
    assert hit["entity_id"] == "un_sc:QDe.157"
    assert hit["entry"]["aliases"][1]["lang"] == "ar"
    result = service.screen("MEHREZ BEN MAHMOUD BEN SASSI AL-AMDOUNI", record=False).to_dict()
    (hit,) = [h for h in result["hits"] if h["entity_id"] == "un_sc:QDi.092"]
    assert {"label": "nationality", "value": "TN"} in hit["details"]
    result = service.screen("SALIM MUSTAFA MUHAMMAD AL-MANSUR", record=False).to_dict()
    (hit,) = [h for h in result["hits"] if h["entity_id"] == "un_sc:QDi.411"]
    assert {"label": "address", "value": "17 Tamoz, Mosul, Iraq (previous address)"} in hit[
        "details"
    ]


def test_cli_screen_prints_the_details(tmp_path: object, source_file: Reader) -> None:
    db = f"sqlite:///{tmp_path}/cli.db"
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db, "lists", "import", source_file(UN).name]).exit_code == 0
    result = runner.invoke(app, ["--db", db, "screen", "SALIM MUSTAFA MUHAMMAD AL-MANSUR"])
    assert result.exit_code == 0
    assert "address: 17 Tamoz, Mosul, Iraq (previous address)" in result.stdout
    assert "nationality: IQ" in result.stdout


def test_web_hit_shows_the_details() -> None:
    from exportguard.web import templates

    hit = {
        "rank": 1, "score": 0.93, "name": "SALIM MUSTAFA MUHAMMAD AL-MANSUR",
        "entity_id": "un_sc:QDi.411", "list_name": "UN", "matched_name": "x", "citation": None,
        "listed_from": None, "licence_requirement": None, "documents": [], "explanation": [],
        "details": [{"label": "address", "value": "17 Tamoz, Mosul, Iraq (previous address)"}],
    }  # fmt: skip
    result = {"query": {"name": "x"}, "snapshots": [], "as_of": None, "threshold": 0.8,
              "audit_seq": None, "hits": [hit]}  # fmt: skip
    request = type("Request", (), {"url": type("Url", (), {"path": "/screen"})()})()
    html = templates.env.get_template("screen.html").render(
        result=result, form={}, csrf="c", request=request, user=None
    )
    assert "Details, qualifiers and notes" in html
    assert "<th scope=\"row\">address</th><td>17 Tamoz, Mosul, Iraq (previous address)</td>" in html
