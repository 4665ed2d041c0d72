"""The classic OFAC sdnList XML (SDN.XML, consolidated.xml)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from exportguard.core.entities import Address, Alias, AliasQuality, EntityType, ListEntry
from exportguard.core.identifiers import make_identifier
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources import ofac_xml

CONS_XML = "us_ofac_cons/2018-04-06_xml/consolidated.xml"
CONS_LIST = "OFAC Consolidated Sanctions List (Non-SDN)"

Reader = Callable[[str], SourceFile]


@pytest.fixture(scope="module")
def real(lists_dir: Path) -> SourceFile:
    path = lists_dir / CONS_XML
    return SourceFile(str(path), path.read_bytes())


@pytest.fixture(scope="module")
def parsed(real: SourceFile) -> ParsedList:
    return ofac_xml.parse([real])


@pytest.fixture(scope="module")
def entries(parsed: ParsedList) -> dict[str, ListEntry]:
    return {e.id: e for e in parsed.entries}


def test_real_file_counts_and_date(parsed: ParsedList) -> None:
    assert parsed.source == "us_ofac_cons"
    assert parsed.format == "ofac_sdn_xml"
    assert parsed.published == date(2018, 4, 6)  # Publish_Date 04/06/2018 (MM/DD/YYYY)
    assert parsed.counts["entries"] == len(parsed.entries) == 639  # = Record_Count
    # 1,255 <aka> elements; 3 repeat a name already there (e.g. VTB's "JSC VTB BANK" is
    # both an a.k.a. and an f.k.a.) and are kept once.
    assert parsed.counts["names"] == 639 + 1255 - 3
    assert parsed.warnings == ()
    types = {t: sum(e.type is t for e in parsed.entries) for t in EntityType}
    assert (types[EntityType.ORGANIZATION], types[EntityType.PERSON]) == (471, 94)
    assert types[EntityType.VESSEL] == 74
    weak = sum(a.quality is AliasQuality.WEAK for e in parsed.entries for a in e.aliases)
    # 46 weak <aka>s; one repeats a strong alias of its entry (18769) and gives way to it.
    assert weak == 45
    assert all(e.list_name == CONS_LIST for e in parsed.entries)


def test_organization_field_by_field(entries: dict[str, ListEntry]) -> None:
    assert entries["us_ofac_cons:4632"] == ListEntry(
        id="us_ofac_cons:4632",
        source="us_ofac_cons",
        list_name=CONS_LIST,
        type=EntityType.ORGANIZATION,
        name="BANK MARKAZI JOMHOURI ISLAMI IRAN",
        aliases=(
            Alias("CENTRAL BANK OF THE ISLAMIC REPUBLIC OF IRAN"),
            Alias("BANK MARKAZI IRAN"),
            Alias("CENTRAL BANK OF IRAN"),
        ),
        programs=("IRAN",),
        addresses=(
            Address(
                full="PO Box 15875/7177, 144 Mirdamad Blvd, Tehran, Iran",
                street="PO Box 15875/7177, 144 Mirdamad Blvd",
                city="Tehran",
                country="IR",
            ),
            Address(
                full="213 Ferdowsi Avenue, Tehran 11365, Iran",
                street="213 Ferdowsi Avenue",
                city="Tehran",
                postal_code="11365",
                country="IR",
            ),
        ),
        countries=("IR",),
        remarks="Additional Sanctions Information - Not on the SDN List and Not Subject to "
        "Secondary Sanctions; U.S. Persons Must Continue to Block the Property and Interests "
        "in Property of this Person Pursuant to Executive Order 13599; For more information, "
        "please see: https://www.treasury.gov/resource-center/sanctions/Programs/Documents/"
        "jcpoa_faqs.pdf",
        url="https://sanctionssearch.ofac.treas.gov/Details.aspx?id=4632",
    )


def test_person_field_by_field(entries: dict[str, ListEntry]) -> None:
    person = entries["us_ofac_cons:15961"]
    assert person.type is EntityType.PERSON
    assert person.name == "Seifollah JASHNSAZ"  # firstName lastName
    assert person.aliases == (Alias("Seyfollah JASHNSAZ"), Alias("Seifollah JASHN SAZ"))
    assert person.identifiers == (
        make_identifier("Passport", "R17589399", "IR"),
        make_identifier("Passport", "T23700825", "IR"),
    )
    assert person.birth_dates == ("1958-03-22",)
    assert person.birth_places == ("Behbahan, Iran",)
    assert person.countries == ("IR",)
    assert person.remarks is not None
    assert person.remarks.startswith("Title: Chairman & Director, Naftiran Intertrade Co.")
    assert "Additional Sanctions Information - Not on the SDN List" in person.remarks


def test_vessel_and_weak_alias(entries: dict[str, ListEntry]) -> None:
    vessel = entries["us_ofac_cons:15036"]
    assert vessel.type is EntityType.VESSEL
    assert vessel.name == "SHONA"
    assert vessel.aliases == (
        Alias("ABADAN", AliasQuality.STRONG, "fka"),
        Alias("ALPHA", AliasQuality.STRONG, "fka"),
    )
    assert vessel.countries == ("TZ",)  # the flag
    assert vessel.identifiers == (
        make_identifier("Call Sign", "T2EU4"),
        make_identifier("MMSI", "572469210"),
        make_identifier("Vessel Registration Identification", "IMO 9187629"),
    )
    assert vessel.remarks is not None
    assert vessel.remarks.startswith(
        "Vessel Type: Crude/Oil Products Tanker; Tonnage: 99144; GRT: 56068; "
        "Vessel Flag: Tanzania; (Linked To: NATIONAL IRANIAN TANKER COMPANY); "
        "Former Vessel Flag Malta"
    )
    bim = entries["us_ofac_cons:4637"]
    assert bim.aliases == (
        Alias("BANK SANAD VA MADAN", AliasQuality.STRONG, "aka"),
        Alias("BIM", AliasQuality.WEAK, "aka"),
    )


def test_nationality_of_registration_is_a_country(entries: dict[str, ListEntry]) -> None:
    with_registration = [
        e for e in entries.values() if e.remarks and "Nationality of Registration" in e.remarks
    ]
    assert len(with_registration) == 12
    assert all("RU" in e.countries for e in with_registration)
    assert all(
        i.kind != "Nationality of Registration" for e in entries.values() for i in e.identifiers
    )


# -- which list: the file name, else the content --------------------------------------------


def test_source_from_the_file_name(real: SourceFile) -> None:
    assert ofac_xml.parse([SourceFile("dl/SDN.XML", real.data)]).source == "us_ofac_sdn"
    assert ofac_xml.parse([SourceFile("dl/cons.xml", real.data)]).source == "us_ofac_cons"


def test_source_from_the_content(real: SourceFile) -> None:
    guessed = ofac_xml.parse([SourceFile("dl/list.xml", real.data)])
    assert guessed.source == "us_ofac_cons"  # NS-PLC, FSE-SY and 561List are non-SDN programs
    assert guessed.entries[0].id == "us_ofac_cons:4632"
    assert "non-SDN programs" in guessed.warnings[0]
    sdn_only = re.sub(
        rb"<program>(NS-PLC|FSE-SY|561List)</program>", b"<program>SDGT</program>", real.data
    )
    taken = ofac_xml.parse([SourceFile("dl/list.xml", sdn_only)])
    assert taken.source == "us_ofac_sdn"
    assert (
        taken.entries[0].list_name
        == "OFAC Specially Designated Nationals and Blocked Persons List (SDN)"
    )
    assert "taken as the SDN list" in taken.warnings[0]


# -- sniff ------------------------------------------------------------------------------------


def test_sniff_claims_exactly_the_sdnlist_xml(lists_dir: Path) -> None:
    for path in sorted(p for p in lists_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(lists_dir).as_posix()
        assert ofac_xml.sniff(SourceFile(str(path), path.read_bytes())) is (rel == CONS_XML), rel


# -- bad input --------------------------------------------------------------------------------


def replaced(real: SourceFile, old: bytes, new: bytes, count: int = 1) -> SourceFile:
    assert old in real.data
    return SourceFile(real.name, real.data.replace(old, new, count))


def line_of(data: bytes, needle: bytes) -> int:
    return data[: data.index(needle)].count(b"\n") + 1


def test_empty_file() -> None:
    with pytest.raises(SourceFormatError, match="empty") as err:
        ofac_xml.parse([SourceFile("x/SDN.XML", b"  \n")])
    assert err.value.file == "x/SDN.XML"


def test_truncated_file(real: SourceFile) -> None:
    cut = SourceFile(real.name, real.data[: len(real.data) // 3])
    with pytest.raises(SourceFormatError, match="not well-formed XML") as err:
        ofac_xml.parse([cut])
    assert err.value.file == real.name
    assert err.value.line is not None
    assert err.value.line > 1000


def test_doctype_is_refused(real: SourceFile) -> None:
    evil = real.data.replace(
        b"<sdnList ",
        b'<!DOCTYPE sdnList [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<sdnList ',
        1,
    )
    with pytest.raises(SourceFormatError, match="DOCTYPE") as err:
        ofac_xml.parse([SourceFile(real.name, evil)])
    assert (err.value.file, err.value.line) == (real.name, 2)


def test_other_root_element() -> None:
    with pytest.raises(SourceFormatError, match="expected <sdnList>") as err:
        ofac_xml.parse([SourceFile("x/SDN.XML", b"<?xml version='1.0'?>\n<list><a/></list>")])
    assert err.value.line == 2


def test_unreadable_publish_date(real: SourceFile) -> None:
    bad = replaced(real, b"<Publish_Date>04/06/2018", b"<Publish_Date>2018-13-06")
    with pytest.raises(SourceFormatError, match="MM/DD/YYYY") as err:
        ofac_xml.parse([bad])
    assert (err.value.line, err.value.field) == (4, "Publish_Date")


def test_record_count_must_match(real: SourceFile) -> None:
    start = real.data.index(b"<sdnEntry>")
    end = real.data.index(b"</sdnEntry>") + len(b"</sdnEntry>")
    one_less = SourceFile(real.name, real.data[:start] + real.data[end:])
    with pytest.raises(
        SourceFormatError, match="Record_Count says 639 entries but the file has 638"
    ) as err:
        ofac_xml.parse([one_less])
    assert (err.value.line, err.value.field) == (5, "Record_Count")


def test_duplicate_uid(real: SourceFile) -> None:
    start = real.data.index(b"<sdnEntry>")
    end = real.data.index(b"</sdnEntry>") + len(b"</sdnEntry>")
    first = real.data[start:end]
    doubled = real.data[:end] + b"\n  " + first + real.data[end:]
    doubled = doubled.replace(b"<Record_Count>639<", b"<Record_Count>640<", 1)
    with pytest.raises(SourceFormatError, match="duplicate uid 4632") as err:
        ofac_xml.parse([SourceFile(real.name, doubled)])
    assert err.value.field == "uid"
    assert err.value.line == line_of(real.data, b"</sdnEntry>") + 1


def test_entry_without_name_or_uid(real: SourceFile) -> None:
    line = line_of(real.data, b"<lastName>BANK MARKAZI")
    no_name = replaced(real, b"<lastName>BANK MARKAZI JOMHOURI ISLAMI IRAN</lastName>", b"")
    with pytest.raises(SourceFormatError, match="no name") as err:
        ofac_xml.parse([no_name])
    assert (err.value.line, err.value.field) == (line - 2, "lastName")  # the <sdnEntry> line
    bad_uid = replaced(real, b"<uid>4632</uid>", b"<uid>46x32</uid>")
    with pytest.raises(SourceFormatError, match="uid must be a number") as err:
        ofac_xml.parse([bad_uid])
    assert err.value.field == "uid"


def test_unreadable_birth_date_is_a_warning(real: SourceFile) -> None:
    bad = replaced(
        real, b"<dateOfBirth>22 Mar 1958</dateOfBirth>", b"<dateOfBirth>22 Mxr 1958</dateOfBirth>"
    )
    parsed = ofac_xml.parse([bad])
    person = next(e for e in parsed.entries if e.id == "us_ofac_cons:15961")
    assert person.birth_dates == ()
    assert any("1 dates of birth could not be read" in w for w in parsed.warnings)


def test_more_than_one_file(real: SourceFile) -> None:
    with pytest.raises(SourceFormatError, match="expected one"):
        ofac_xml.parse([real, real])


def test_a_doctype_behind_a_long_comment_is_refused(real: SourceFile) -> None:
    """refuse_dtd reads the first 64 KiB; a DOCTYPE after a longer prolog comment is caught
    after parsing (lxml loaded no DTD and expanded no entity meanwhile)."""
    padding = b"<!--" + b" padding " * 9000 + b"-->\n"
    evil = real.data.replace(
        b"<sdnList ",
        padding + b'<!DOCTYPE sdnList [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<sdnList ',
        1,
    )
    assert evil.index(b"<!DOCTYPE") > 65536
    with pytest.raises(SourceFormatError, match="DOCTYPE"):
        ofac_xml.parse([SourceFile(real.name, evil)])
