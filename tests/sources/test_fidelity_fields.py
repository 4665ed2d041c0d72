"""Details kept in their own fields rather than only in free text or among identifiers:
OFAC nationalities and citizenships, CSL gender and contacts, OpenSanctions company and
family facts, and the remarks of a hit in the CLI's text output. Raw values are read with
the standard library's csv and json and with lxml, never ExportGuard code; named records
field by field."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

from lxml import etree
from typer.testing import CliRunner

from exportguard.cli import app
from exportguard.cli.screening import _shortened
from exportguard.core.entities import ListEntry
from exportguard.core.snapshots import SourceFile
from exportguard.sources import _ftm_fields, csl, ftm, ofac_csv, ofac_enhanced, ofac_xml
from exportguard.sources._ofac import country_code

Reader = Callable[[str], SourceFile]
SDN_2024 = "us_ofac_sdn/2024-05-03/sdn.csv"
CONS_XML = "us_ofac_cons/2018-04-06_xml/consolidated.xml"
CONS_ENHANCED = "us_ofac_cons/2025-01-10_enhanced_xml/CONS_ENHANCED.XML"
CSL = "us_trade_csl/2022-05-16/consolidated.csv"
ZALA = "opensanctions/yente_fixtures/zala.entities.ftm.json"
UN = "un_sc/2026-02-27/consolidated.xml"
#: OFAC's legacy CSV cuts a remark at this many characters (its last item may be cut).
_REMARKS_LIMIT = 1000


# --- 1. OFAC: nationality and citizenship kept apart -----------------------------------------


def _remark_codes(remark: str, word: str) -> set[str]:
    body = remark[:-1] if remark.endswith(".") else remark
    out: set[str] = set()
    for raw in body.split("; "):
        item = raw.removeprefix("alt. ")
        if item.startswith(word + " "):
            code = country_code(item[len(word) + 1 :].strip())
            if code:
                out.add(code)
    return out


def test_ofac_csv_nationality_and_citizenship(source_file: Reader) -> None:
    file = source_file(SDN_2024)
    rows = [r for r in csv.reader(io.StringIO(file.data.decode("latin-1"))) if len(r) > 11]
    by_id = {e.id: e for e in ofac_csv.parse([file]).entries}
    checked = 0
    for row in rows:
        remark = row[11]
        if remark == "-0-" or len(remark) >= _REMARKS_LIMIT:
            continue
        entry = by_id[f"us_ofac_sdn:{row[0]}"]
        assert set(entry.nationalities) == _remark_codes(remark, "nationality"), row[0]
        assert set(entry.citizenships) == _remark_codes(remark, "citizen"), row[0]
        assert set(entry.nationalities) | set(entry.citizenships) <= set(entry.countries)
        checked += bool(entry.nationalities or entry.citizenships)
    assert checked > 4000
    coronel = by_id["us_ofac_sdn:9335"]  # "nationality Mexico; citizen Mexico"
    assert (coronel.nationalities, coronel.citizenships) == (("MX",), ("MX",))
    assert ("nationality", "MX") in coronel.details()
    assert ("citizenship", "MX") in coronel.details()


def test_ofac_xml_nationality_and_citizenship_lists(source_file: Reader) -> None:
    file = source_file(CONS_XML)
    root = etree.fromstring(file.data)
    by_id = {e.id: e for e in ofac_xml.parse([file]).entries}
    raw: dict[str, dict[str, set[str]]] = {}
    for tag in ("nationality", "citizenship"):
        for item in root.iter(f"{{*}}{tag}"):
            uid = item.getparent().getparent().findtext("{*}uid")
            code = country_code(item.findtext("{*}country"))
            assert uid
            assert code
            raw.setdefault(uid, {"nationality": set(), "citizenship": set()})[tag].add(code)
    assert len(raw) == 11
    for entry in by_id.values():
        found = raw.get(entry.id.split(":")[1], {"nationality": set(), "citizenship": set()})
        assert set(entry.nationalities) == found["nationality"]
        assert set(entry.citizenships) == found["citizenship"]
        assert set(entry.nationalities) | set(entry.citizenships) <= set(entry.countries)
    assert by_id["us_ofac_cons:15961"].nationalities == ("IR",)
    assert by_id["us_ofac_cons:16154"].citizenships == ("GB",)


def test_ofac_enhanced_nationality_and_citizenship_features(source_file: Reader) -> None:
    file = source_file(CONS_ENHANCED)
    by_id = {e.id: e for e in ofac_enhanced.parse([file]).entries}
    root = etree.fromstring(file.data)
    kinds = {"Nationality Country": "nationalities", "Citizenship Country": "citizenships"}
    seen = 0
    for feature in root.iter("{*}feature"):
        kind = feature.findtext("{*}type")
        if kind in kinds:
            native = feature.getparent().getparent().get("id")
            entry: ListEntry = by_id[f"us_ofac_cons:{native}"]
            assert getattr(entry, kinds[kind]), native
            seen += 1
    assert seen == 3
    assert by_id["us_ofac_cons:50476"].nationalities == ("HT",)
    assert by_id["us_ofac_cons:26182"].citizenships == ("TR",)
    assert by_id["us_ofac_cons:9647"].nationalities == ("PS",)
    assert by_id["us_ofac_cons:26182"].nationalities == ()


# --- 2. CSL: gender and contact details are no identifiers -----------------------------------

_CSL_CONTACTS = {"Email Address": "e-mail", "Website": "website", "Phone Number": "phone"}


def test_csl_gender_and_contacts(source_file: Reader) -> None:
    file = source_file(CSL)
    entries = csl.parse([file]).entries
    by_id = {e.id: e for e in entries}
    by_row = {(e.list_name, e.id.rsplit("-", 1)[1]): e for e in entries}
    genders = contacts = 0
    for row in csv.DictReader(io.StringIO(file.data.decode("utf-8"), newline="")):
        entry = by_row[" ".join(row["source"].split()), row["_id"].strip()]
        items = [i.split(", ") for i in filter(None, row["ids"].split("; "))]
        gender = {p[0].casefold() for p in items if p[-1] == "Gender"}
        assert set((entry.gender or "").split("; ")) - {""} == gender, row["_id"]
        for parts in items:
            if parts[-1] in _CSL_CONTACTS:
                assert f"{_CSL_CONTACTS[parts[-1]]}: {', '.join(parts[:-1])}" in entry.contacts
                contacts += 1
        genders += bool(gender)
        labels = {i.label for i in entry.identifiers}
        assert not labels & {"Gender", *_CSL_CONTACTS}, row["_id"]
    assert (genders, contacts) == (2404, 1295)
    entry = by_id["us_trade_csl:SDN-33619"]
    assert entry.gender == "male"
    assert ("gender", "male") in entry.details()
    email = [e for e in by_id.values() if "e-mail: me.iraq17@yahoo.com" in e.contacts]
    assert email
    assert ("contact", "e-mail: me.iraq17@yahoo.com") in email[0].details()


# --- 3. OpenSanctions: father's name, incorporation, jurisdiction, legal form ---------------


def test_ftm_family_and_company_facts(source_file: Reader) -> None:
    lines = [
        json.loads(x) for x in source_file(ZALA).data.decode("utf-8").splitlines() if x.strip()
    ]
    entries = {e.id.split(":", 1)[1]: e for e in ftm.parse([source_file(ZALA)]).entries}
    seen = 0
    for record in lines:
        entry = entries.get(record["id"])
        if entry is None:
            continue
        props = record["properties"]
        notes = "\n".join(entry.notes).casefold()  # spellings differing in case kept once
        for prop in ("fatherName", "incorporationDate", "legalForm"):
            for value in props.get(prop, []):
                assert value.casefold() in notes, (record["id"], prop)
                seen += 1
        for value in props.get("jurisdiction", []):
            assert f"jurisdiction: {value.upper()}" in entry.notes
            assert value.upper() in entry.countries
    assert seen > 20
    nikita = entries["NK-JseaPJctnK9o8wrmz8xmoT"]
    assert "patronymic: Александрович, Aleksandrovich" in nikita.notes
    assert ("note", "patronymic: Александрович, Aleksandrovich") in nikita.details()
    kalashnikov = entries["NK-nR5AXM9AVPq4pQaSPSaVam"]
    assert kalashnikov.notes[:3] == (
        "incorporation date: 2011-06-03",
        "jurisdiction: RU",
        "legal form: Непубличные акционерные общества",
    )
    assert ("note", "incorporation date: 2011-06-03") in kalashnikov.details()
    # A father's name that is no patronymic is named as such.
    (other,) = _ftm_fields._facts({"fatherName": ["Ahmed"], "legalForm": ["LLC", "llc"]})[:1]
    assert other == "father's name: Ahmed"


# --- 4. the CLI's text output shows a hit's remarks -----------------------------------------


def test_cli_screen_prints_the_remarks_shortened(tmp_path: Path, source_file: Reader) -> None:
    un = source_file(UN)
    (record,) = [
        r for r in etree.fromstring(un.data).iter("INDIVIDUAL")
        if (r.findtext("REFERENCE_NUMBER") or "").strip() == "QDi.411"
    ]  # fmt: skip
    comments = " ".join((record.findtext("COMMENTS1") or "").split())
    assert len(comments) > 300
    db = f"sqlite:///{tmp_path}/cli.db"
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db, "lists", "import", un.name]).exit_code == 0
    result = runner.invoke(app, ["--db", db, "screen", "SALIM MUSTAFA MUHAMMAD AL-MANSUR"])
    assert result.exit_code == 0
    stdout = " ".join(result.stdout.split())  # the console may wrap long lines
    (line,) = [x for x in result.stdout.split("\n   ") if x.startswith("remarks: ")]
    shown = " ".join(line.split())[len("remarks: ") :]
    assert shown.endswith("…")
    assert len(shown) <= 301
    assert "Finance “emir” for Islamic State in Iraq and the Levant" in stdout
    assert comments[200:290] in shown  # the start of the UN's comments, cut
    assert comments[-60:] not in stdout


def test_short_remarks_are_shown_whole() -> None:
    assert _shortened("Linked To:\n  BANK X.", 300) == "Linked To: BANK X."
    assert _shortened("a" * 301, 300) == "a" * 300 + "…"
