"""OFAC legacy CSV sets (sdn.csv + add.csv + alt.csv + sdn_comments.csv, cons_*.csv)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from exportguard.core.entities import Address, Alias, AliasQuality, EntityType, ListEntry
from exportguard.core.identifiers import make_identifier
from exportguard.core.snapshots import ParsedList, SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources import ofac_csv
from tests.sources import plain

SDN_LIST = "OFAC Specially Designated Nationals and Blocked Persons List (SDN)"
CONS_LIST = "OFAC Consolidated Sanctions List (Non-SDN)"
SDN_FILES = ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
CONS_FILES = ("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv")

Reader = Callable[[str], SourceFile]


def read_set(lists_dir: Path, folder: str) -> list[SourceFile]:
    return [
        SourceFile(str(p), p.read_bytes())
        for p in sorted((lists_dir / folder).iterdir())
        if p.suffix == ".csv"
    ]


def parse_folder(lists_dir: Path, folder: str) -> ParsedList:
    groups = ofac_csv.group(read_set(lists_dir, folder))
    assert len(groups) == 1
    return ofac_csv.parse(groups[0])


def by_id(parsed: ParsedList) -> dict[str, ListEntry]:
    return {e.id: e for e in parsed.entries}


# -- record counts of every real file set (PROVENANCE.md) ----------------------------------

# PROVENANCE.md gives 9,057 and 9,848 rows for the two 2022 sdn.csv files: it counted the
# trailing 0x1A end-of-file byte as a row there. The files hold 9,056 and 9,847 records
# (9,056 CRLF-terminated lines each way), 791 apart as PROVENANCE.md says.
COUNTS = [
    # folder, source, rows, address rows, alias rows, comment rows, entries
    ("us_ofac_sdn/2021-07-07", "us_ofac_sdn", 8976, 13837, 11910, 5),
    ("us_ofac_sdn/2022-02-17", "us_ofac_sdn", 9056, 0, 0, 0),
    ("us_ofac_sdn/2022-03-31", "us_ofac_sdn", 9847, 0, 0, 0),
    ("us_ofac_sdn/2024-05-03", "us_ofac_sdn", 14965, 0, 0, 0),
    ("us_ofac_sdn/sample_small", "us_ofac_sdn", 17, 28, 18, 1),
    ("us_ofac_cons/2025-12-19", "us_ofac_cons", 442, 574, 1073, 10),
]


@pytest.mark.parametrize(("folder", "source", "rows", "adds", "alts", "comments"), COUNTS)
def test_real_sets_parse_with_provenance_counts(
    lists_dir: Path, folder: str, source: str, rows: int, adds: int, alts: int, comments: int
) -> None:
    parsed = parse_folder(lists_dir, folder)
    assert parsed.source == source
    assert parsed.format == "ofac_csv"
    assert parsed.published is None  # the legacy CSV carries no date
    assert parsed.counts["rows"] == rows
    assert parsed.counts["entries"] == rows == len(parsed.entries)
    assert parsed.counts["address_rows"] == adds
    assert parsed.counts["alias_rows"] == alts
    assert parsed.counts["comment_rows"] == comments
    assert parsed.counts["names"] == sum(1 + len(e.aliases) for e in parsed.entries)
    assert len({e.id for e in parsed.entries}) == rows
    list_name = SDN_LIST if source == "us_ofac_sdn" else CONS_LIST
    assert all(e.list_name == list_name and e.source == source for e in parsed.entries)
    assert all(e.id.startswith(f"{source}:") for e in parsed.entries)


def test_the_2022_pair_brackets_the_russia_designations(lists_dir: Path) -> None:
    before = by_id(parse_folder(lists_dir, "us_ofac_sdn/2022-02-17"))
    after = by_id(parse_folder(lists_dir, "us_ofac_sdn/2022-03-31"))
    added = set(after) - set(before)
    assert len(after) - len(before) == 791
    assert sum("RUSSIA-EO14024" in after[i].programs for i in added) > 500


def test_add_alt_comments_without_sdn_csv_is_refused(lists_dir: Path) -> None:
    files = read_set(lists_dir, "us_ofac_sdn/2025-12-24_add_alt_comments_only")
    assert sorted(Path(f.name).name for f in files) == ["add.csv", "alt.csv", "sdn_comments.csv"]
    groups = ofac_csv.group(files)
    assert len(groups) == 1
    with pytest.raises(SourceFormatError, match=r"primary file sdn\.csv is missing") as err:
        ofac_csv.parse(groups[0])
    assert "add.csv" in str(err.value)


def test_sdn_csv_alone_imports_with_weak_aliases_from_remarks(source_file: Reader) -> None:
    parsed = ofac_csv.parse([source_file("us_ofac_sdn/2024-05-03/sdn.csv")])
    entries = by_id(parsed)
    belan = entries["us_ofac_sdn:21324"]
    assert belan.name == "Aleksey Alekseyevich BELAN"
    assert belan.type is EntityType.PERSON
    assert belan.programs == ("CYBER2",)
    assert [a.name for a in belan.aliases][:3] == ["Abyrvaig", "Abyrvalg", "Fedyunya"]
    assert len(belan.aliases) == 10
    assert all(a.quality is AliasQuality.WEAK and a.kind == "aka" for a in belan.aliases)
    assert belan.birth_dates == ("1987-06-27",)
    assert belan.birth_places == ("Riga, Latvia",)
    assert belan.countries == ("LV",)
    assert plain(belan.identifiers) == plain(
        (
            make_identifier("Passport", "RU0313455106", "RU"),
            make_identifier("Passport", "0307609477", "RU"),
        )
    )
    assert belan.addresses == ()
    # Positive Technologies (the SDN twin of the Entity List entry), per PROVENANCE.md.
    pt = entries["us_ofac_sdn:31455"]
    assert pt.name == "AKTSIONERNOE OBSHCHESTVO POZITIV TEKNOLODZHIZ"
    assert pt.type is EntityType.ORGANIZATION
    assert pt.programs == ("NPWMD", "CYBER2", "CAATSA - RUSSIA", "RUSSIA-EO14024")
    assert plain(pt.identifiers) == plain((make_identifier("Tax ID No.", "7718668887", "RU"),))
    # A DOB range becomes its years; "circa" is dropped.
    assert entries["us_ofac_sdn:15496"].birth_dates == ("1929", "1930")
    assert entries["us_ofac_sdn:7782"].birth_dates == ("1951",)
    # Remarks cut at 1,000 characters without sdn_comments.csv are reported.
    assert any("18 remarks are cut at 1000 characters" in w for w in parsed.warnings)
    types = {e.type for e in parsed.entries}
    assert types == {
        EntityType.PERSON,
        EntityType.ORGANIZATION,
        EntityType.VESSEL,
        EntityType.AIRCRAFT,
    }


def test_sample_person_field_by_field(lists_dir: Path) -> None:
    entry = by_id(parse_folder(lists_dir, "us_ofac_sdn/sample_small"))["us_ofac_sdn:10278"]
    assert plain(entry) == plain(
        ListEntry(
            id="us_ofac_sdn:10278",
            source="us_ofac_sdn",
            list_name=SDN_LIST,
            type=EntityType.PERSON,
            name="Elvis Angus LOGAN MOREY",
            aliases=(Alias("BURTON BURGESS", AliasQuality.WEAK, "aka"),),
            programs=("SDNT",),
            addresses=(),  # its only add.csv row is an all-empty placeholder
            countries=(),
            identifiers=(
                make_identifier("Passport", "P0017003", "BZ"),
                make_identifier("SSN", "561-77-9011", "US"),
            ),
            birth_dates=("1963-07-28",),
            birth_places=("Toledo District, Belize",),
            remarks="DOB 28 Jul 1963; POB Toledo District, Belize; Passport P0017003 (Belize); "
            "SSN 561-77-9011 (United States); a.k.a. 'BURTON BURGESS'.",
            url="https://sanctionssearch.ofac.treas.gov/Details.aspx?id=10278",
        )
    )


def test_sample_organization_with_strong_and_weak_aliases(lists_dir: Path) -> None:
    parsed = parse_folder(lists_dir, "us_ofac_sdn/sample_small")
    entry = by_id(parsed)["us_ofac_sdn:11195"]
    assert entry.type is EntityType.ORGANIZATION
    assert entry.name == "IRAN AIRCRAFT MANUFACTURING INDUSTRIAL COMPANY"
    assert entry.programs == ("NPWMD", "IFSR", "IRAN-CON-ARMS-EO")
    strong = [a.name for a in entry.aliases if a.quality is AliasQuality.STRONG]
    weak = [a.name for a in entry.aliases if a.quality is AliasQuality.WEAK]
    assert strong == [
        "HESA TRADE CENTER",
        "IRAN AIRCRAFT MANUFACTURING INDUSTRIES",
        "IRAN AIRCRAFT MANUFACTURING COMPANY",
        "KARKHANEJATE SANAYE HAVAPAYMAIE IRAN",
    ]
    assert weak[:3] == ["HESA", "HTC", "IAMI"]
    assert len(weak) == 9
    assert entry.addresses[1] == Address(
        full="P.O. Box 14155-5568, No. 27 Shahamat Ave, Vallie Asr Sqr, Tehran 15946, Iran",
        street="P.O. Box 14155-5568, No. 27 Shahamat Ave, Vallie Asr Sqr",
        city="Tehran 15946",
        country="IR",
    )
    assert len(entry.addresses) == 5
    assert entry.countries == ("IR",)
    assert plain(entry.identifiers) == plain(
        (
            make_identifier("National ID No.", "10100722073", "IR"),
            make_identifier("Registration Number", "26740", "IR"),
        )
    )
    assert entry.remarks is not None
    assert "Linked To: ISLAMIC REVOLUTIONARY GUARD CORPS." in entry.remarks
    # Rows of add.csv/alt.csv whose entry is not in this (hand-picked) sdn.csv.
    assert any("alt.csv: 5 rows refer to entries missing" in w for w in parsed.warnings)
    assert any("add.csv: 4 rows refer to entries missing" in w for w in parsed.warnings)


def test_sample_vessel_aircraft_and_crypto(lists_dir: Path) -> None:
    entries = by_id(parse_folder(lists_dir, "us_ofac_sdn/sample_small"))
    vessel = entries["us_ofac_sdn:52327"]
    assert vessel.type is EntityType.VESSEL
    assert vessel.name == "TASCA"
    assert vessel.programs == ("IRAN-EO13846",)
    assert vessel.countries == ("PA",)  # the flag
    assert vessel.identifiers == (
        make_identifier("Call Sign", "3E2647"),
        make_identifier("Vessel Registration Identification", "IMO 9313149"),
        make_identifier("MMSI", "352002494"),
    )
    assert vessel.remarks == (
        "Vessel Type: Crude Oil Tanker; Vessel Flag: Panama; Vessel Registration "
        "Identification IMO 9313149; MMSI 352002494; Linked To: BRECALIN HONG KONG CO LTD."
    )
    aircraft = entries["us_ofac_sdn:48727"]
    assert aircraft.type is EntityType.AIRCRAFT
    assert aircraft.name == "EP-PUS"
    assert aircraft.identifiers == (
        make_identifier("Aircraft Mode S Transponder Code", "7342B3"),
        make_identifier("Aircraft Manufacturer's Serial Number (MSN)", "1023409321"),
    )
    suex = entries["us_ofac_sdn:33151"]
    crypto = [i for i in suex.identifiers if i.kind == "crypto_address"]
    # 14 + 4 + 7 addresses; the last ones are only in sdn_comments.csv (the continuation).
    assert len(crypto) == 25
    assert plain(make_identifier("Legal Entity Number", "5299007NTWCC3U23WM81", "CZ")) in plain(
        suex.identifiers
    )
    assert suex.aliases == (Alias("SUCCESSFUL EXCHANGE", AliasQuality.WEAK, "aka"),)
    assert suex.countries == ("CZ", "RU")


def test_comments_continue_the_remarks(lists_dir: Path) -> None:
    entries = by_id(parse_folder(lists_dir, "us_ofac_sdn/2021-07-07"))
    remarks = entries["us_ofac_sdn:12300"].remarks
    assert remarks is not None
    # The cut fell inside "PROMO RAIZ": the continuation is glued on as is.
    assert "Linked To: PROMO RAIZ S.A.S.; Linked To: RED MUNDIAL INMOBILIARIA" in remarks
    lazarus = entries["us_ofac_sdn:28263"]
    assert Alias("snowsjohn", AliasQuality.WEAK, "aka") in lazarus.aliases


def test_consolidated_set_field_by_field(lists_dir: Path) -> None:
    entries = by_id(parse_folder(lists_dir, "us_ofac_cons/2025-12-19"))
    haniya = entries["us_ofac_cons:9639"]
    assert haniya == ListEntry(
        id="us_ofac_cons:9639",
        source="us_ofac_cons",
        list_name=CONS_LIST,
        type=EntityType.PERSON,
        name="Ismail Abdul Salah HANIYA",
        aliases=(
            Alias("Ismail HANIYA", AliasQuality.STRONG, "aka"),
            Alias("Ismaeel HANIYYA", AliasQuality.STRONG, "aka"),
        ),
        programs=("NS-PLC",),
        birth_dates=("1962",),
        birth_places=("Shati",),
        remarks="DOB 1962; POB Shati.",
        url="https://sanctionssearch.ofac.treas.gov/Details.aspx?id=9639",
    )
    vtb = entries["us_ofac_cons:17013"]
    assert vtb.name == "VTB BANK PUBLIC JOINT STOCK COMPANY"
    assert vtb.programs == ("UKRAINE-EO13662", "RUSSIA-EO14024")
    assert len(vtb.addresses) == 12
    assert vtb.countries == ("CN", "IN", "RU")
    assert Alias("JSC VTB BANK", AliasQuality.STRONG, "fka") in vtb.aliases
    assert Alias("VTB BANK PAO", AliasQuality.STRONG, "aka") in vtb.aliases
    # The last weak alias sits in cons_comments.csv, after the 1,000-character cut.
    assert vtb.aliases[-1] == Alias("JSC VTB BANK NEW DELHI BRANCH", AliasQuality.WEAK, "aka")
    assert plain(make_identifier("SWIFT/BIC", "VTBRRUMM")) in plain(vtb.identifiers)
    assert plain(make_identifier("Legal Entity Number", "253400V1H6ART1UQ0N98")) in plain(
        vtb.identifiers
    )
    # An address whose country column reads "Region: Gaza".
    hammad = entries["us_ofac_cons:9659"]
    assert hammad.addresses == (
        Address(full="Jabaliya, Region: Gaza", city="Jabaliya", country="PS"),
    )
    assert hammad.programs == ("SDGT", "NS-PLC")
    assert hammad.countries == ("PS",)
    assert hammad.birth_places == ("Jabaliya, Gaza Strip",)


# -- sniff and group ------------------------------------------------------------------------


def test_sniff_claims_exactly_the_ofac_csv_files(lists_dir: Path) -> None:
    for path in sorted(p for p in lists_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(lists_dir).as_posix()
        mine = rel.startswith(("us_ofac_sdn/", "us_ofac_cons/2025-12-19/")) and rel.endswith(".csv")
        assert ofac_csv.sniff(SourceFile(str(path), path.read_bytes())) is mine, rel


def test_sniff_checks_the_first_row() -> None:
    assert ofac_csv.sniff(SourceFile("x/sdn.csv", b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA"'))
    assert not ofac_csv.sniff(SourceFile("x/sdn.csv", b"name,type,program\r\nA,B,C\r\n"))
    assert not ofac_csv.sniff(SourceFile("x/alt.csv", b'36,12,"aka"\r\n'))  # 3 columns, not 5
    assert not ofac_csv.sniff(SourceFile("x/other.csv", b'36,12,"aka","NAME",-0- \r\n'))
    assert ofac_csv.sniff(SourceFile("x/ALT.CSV", b'36,12,"aka","NAME",-0- \r\n'))


def test_group_by_folder_and_set(lists_dir: Path) -> None:
    files = read_set(lists_dir, "us_ofac_sdn/2021-07-07") + read_set(
        lists_dir, "us_ofac_cons/2025-12-19"
    )
    groups = ofac_csv.group(files)
    names = sorted([Path(f.name).name for f in g] for g in groups)
    assert names == [list(CONS_FILES), list(SDN_FILES)]


def test_group_zip_members_by_archive() -> None:
    row = b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'
    files = [
        SourceFile("d/a.zip!sdn.csv", row),
        SourceFile("d/b.zip!sdn.csv", row),
        SourceFile("d/a.zip!alt.csv", b'36,12,"aka","AEROCARIBBEAN",-0- \r\n'),
    ]
    groups = ofac_csv.group(files)
    assert [[f.name for f in g] for g in groups] == [
        ["d/a.zip!sdn.csv", "d/a.zip!alt.csv"],
        ["d/b.zip!sdn.csv"],
    ]
    parsed = ofac_csv.parse(groups[0])
    assert parsed.entries[0].aliases == (Alias("AEROCARIBBEAN"),)


# -- bad input --------------------------------------------------------------------------------

PRIMARY = "us_ofac_sdn/sample_small/sdn.csv"


def lines_of(file: SourceFile) -> list[bytes]:
    return file.data.split(b"\r\n")


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(SourceFormatError, match="empty") as err:
        ofac_csv.parse([SourceFile(str(tmp_path / "sdn.csv"), b"")])
    assert err.value.file == str(tmp_path / "sdn.csv")


def test_file_cut_inside_a_quoted_field(source_file: Reader) -> None:
    real = source_file(PRIMARY)
    at = real.data.index(b"Website suex.io")  # inside the remarks of line 9
    cut = SourceFile(real.name, real.data[:at])
    with pytest.raises(SourceFormatError, match=r"truncated") as err:
        ofac_csv.parse([cut])
    assert err.value.file == real.name
    assert err.value.line == 9
    assert f"{real.name}, line 9" in str(err.value)


def test_file_cut_between_columns(source_file: Reader) -> None:
    real = source_file(PRIMARY)
    at = real.data.index(b'"SUEX OTC, S.R.O.",-0- ,') + 24  # line 9 stops after 3 columns
    cut = SourceFile(real.name, real.data[:at])
    with pytest.raises(SourceFormatError, match="expected 12 columns") as err:
        ofac_csv.parse([cut])
    # The field named is the first one missing.
    assert (err.value.file, err.value.line, err.value.field) == (real.name, 9, "Title")


def test_dropped_column(source_file: Reader) -> None:
    real = source_file(PRIMARY)
    lines = lines_of(real)
    lines[2] = lines[2].replace(b"-0- ,", b"", 1)  # line 3 loses its Title column
    with pytest.raises(SourceFormatError, match="found 11") as err:
        ofac_csv.parse([SourceFile(real.name, b"\r\n".join(lines))])
    assert (err.value.line, err.value.field) == (3, "Remarks")


def test_duplicated_row(source_file: Reader) -> None:
    real = source_file(PRIMARY)
    lines = lines_of(real)
    lines.insert(5, lines[1])
    with pytest.raises(SourceFormatError, match="duplicate ent_num 11195") as err:
        ofac_csv.parse([SourceFile(real.name, b"\r\n".join(lines))])
    assert (err.value.line, err.value.field) == (6, "ent_num")
    assert "first on line 2" in str(err.value)


def test_duplicated_alias_row(lists_dir: Path) -> None:
    files = read_set(lists_dir, "us_ofac_sdn/sample_small")
    alt = next(f for f in files if f.name.endswith("alt.csv"))
    doubled = SourceFile(alt.name, alt.data + lines_of(alt)[3] + b"\r\n")
    files = [doubled if f is alt else f for f in files]
    with pytest.raises(SourceFormatError, match="duplicate alt_num") as err:
        ofac_csv.parse(files)
    assert (err.value.file, err.value.line, err.value.field) == (alt.name, 19, "alt_num")


def test_non_numeric_ent_num(source_file: Reader) -> None:
    real = source_file(PRIMARY)
    bad = SourceFile(real.name, real.data.replace(b"12685,", b"12685A,", 1))
    with pytest.raises(SourceFormatError, match="whole number") as err:
        ofac_csv.parse([bad])
    assert (err.value.line, err.value.field) == (3, "ent_num")


def test_entry_without_name(source_file: Reader) -> None:
    real = source_file(PRIMARY)
    bad = SourceFile(real.name, real.data.replace(b'"MORENO, Daniel"', b"-0- ", 1))
    with pytest.raises(SourceFormatError, match="no name") as err:
        ofac_csv.parse([bad])
    assert (err.value.line, err.value.field) == (4, "SDN_Name")


def test_utf16_is_refused(source_file: Reader) -> None:
    real = source_file(PRIMARY)
    text = real.data.decode("utf-8")
    with pytest.raises(SourceFormatError, match="UTF-16") as err:
        ofac_csv.parse([SourceFile(real.name, text.encode("utf-16"))])
    assert err.value.file == real.name


def test_windows_1252_bytes_are_read(source_file: Reader) -> None:
    real = source_file(PRIMARY)
    # Old OFAC files are Windows-1252: 0xE9 is "é", 0x92 a right single quote.
    data = real.data.replace(b"MORENO, Daniel", b"MOR\xc9NO, Dani\x92el", 1)
    entry = by_id(ofac_csv.parse([SourceFile(real.name, data)]))["us_ofac_sdn:15102"]
    assert entry.name == "Dani\u2019el MOR\u00c9NO"


def test_unreadable_date_of_birth_is_a_warning(source_file: Reader) -> None:
    real = source_file(PRIMARY)
    data = real.data.replace(b"DOB 28 Jul 1963", b"DOB 28 Jux 1963", 1)
    parsed = ofac_csv.parse([SourceFile(real.name, data)])
    entry = by_id(parsed)["us_ofac_sdn:10278"]
    assert entry.birth_dates == ()
    assert entry.remarks is not None
    assert "DOB 28 Jux 1963" in entry.remarks
    assert any("1 dates of birth could not be read" in w for w in parsed.warnings)


def test_unknown_sdn_type_is_a_warning(source_file: Reader) -> None:
    real = source_file(PRIMARY)
    data = real.data.replace(b'"individual"', b'"ghost"', 1)
    parsed = ofac_csv.parse([SourceFile(real.name, data)])
    assert by_id(parsed)["us_ofac_sdn:10278"].type is EntityType.UNKNOWN
    assert any("unknown type 'ghost'" in w for w in parsed.warnings)


def test_file_set_mistakes(lists_dir: Path) -> None:
    sdn = {Path(f.name).name: f for f in read_set(lists_dir, "us_ofac_sdn/sample_small")}
    cons = {Path(f.name).name: f for f in read_set(lists_dir, "us_ofac_cons/2025-12-19")}
    with pytest.raises(SourceFormatError, match="cannot be parsed as one set"):
        ofac_csv.parse([sdn["sdn.csv"], cons["cons_alt.csv"]])
    with pytest.raises(SourceFormatError, match="two primary files"):
        ofac_csv.parse([sdn["sdn.csv"], SourceFile("other/sdn.csv", sdn["sdn.csv"].data)])
    with pytest.raises(SourceFormatError, match="not a file of an OFAC legacy CSV set"):
        ofac_csv.parse([SourceFile("x/list.csv", sdn["sdn.csv"].data)])
    with pytest.raises(SourceFormatError, match="no files given"):
        ofac_csv.parse([])
    with pytest.raises(SourceFormatError, match=r"primary file cons_prim\.csv is missing"):
        ofac_csv.parse([cons["cons_alt.csv"]])


def test_dates_are_not_invented(lists_dir: Path) -> None:
    parsed = parse_folder(lists_dir, "us_ofac_cons/2025-12-19")
    assert all(e.listed_from is None and e.listed_until is None for e in parsed.entries)


def test_lf_line_ends_and_eof_byte(lists_dir: Path) -> None:
    files = read_set(lists_dir, "us_ofac_sdn/sample_small")
    reference = ofac_csv.parse(ofac_csv.group(files)[0]).entries
    variant = [SourceFile(f.name, f.data.replace(b"\r\n", b"\n") + b"\x1a") for f in files]
    assert ofac_csv.parse(ofac_csv.group(variant)[0]).entries == reference


# -- publisher quirks ---------------------------------------------------------------------------


def _with_comments(lists_dir: Path, folder: str, comments: bytes) -> list[SourceFile]:
    files = [f for f in read_set(lists_dir, folder) if not f.name.endswith("sdn_comments.csv")]
    return [*files, SourceFile(str(lists_dir / folder / "sdn_comments.csv"), comments)]


def test_unescaped_quotes_in_sdn_comments_are_tolerated_with_a_warning(lists_dir: Path) -> None:
    """OFAC once published sdn_comments.csv with quotes inside the remarks not doubled;
    the set imports, the remark keeps its quote, and the warning names file, line, field."""
    folder = "us_ofac_sdn/2021-07-07"
    real = (lists_dir / folder / "sdn_comments.csv").read_bytes()
    lines = real.split(b"\n")
    first = next(i for i, line in enumerate(lines) if line[:1].isdigit())
    ent, rest = lines[first].split(b",", 1)
    quirk = rest[:1] + b'the "quoted" words ' + rest[1:]  # inner quotes, not doubled
    lines[first] = ent + b"," + quirk
    parsed = ofac_csv.parse(_with_comments(lists_dir, folder, b"\n".join(lines)))
    (warning,) = [w for w in parsed.warnings if "unescaped quote" in w]
    assert f"sdn_comments.csv line {first + 1} field remarks" in warning
    entry = by_id(parsed)[f"us_ofac_sdn:{ent.decode()}"]
    assert 'the "quoted" words' in (entry.remarks or "")


def test_a_cut_comments_file_is_still_refused(lists_dir: Path) -> None:
    folder = "us_ofac_sdn/2021-07-07"
    real = (lists_dir / folder / "sdn_comments.csv").read_bytes()
    cut = real[: real.index(b'"') + 40]  # ends inside a quoted field
    with pytest.raises(SourceFormatError, match=r"sdn_comments\.csv"):
        ofac_csv.parse(_with_comments(lists_dir, folder, cut))


def _with_file(lists_dir: Path, folder: str, name: str, data: bytes) -> list[SourceFile]:
    files = [f for f in read_set(lists_dir, folder) if not f.name.endswith("/" + name)]
    return [*files, SourceFile(str(lists_dir / folder / name), data)]


@pytest.mark.parametrize(
    ("name", "old", "new", "field", "entry", "where"),
    [
        ("alt.csv", b'"NATIONAL BANK OF CUBA"', b'"THE "RED" NATIONAL BANK"', "alt_name",
         "us_ofac_sdn:306", "aliases"),
        ("add.csv", b'"Zweierstrasse 35"', b'"The "Red" House, Zweierstrasse 35"', "Address",
         "us_ofac_sdn:306", "addresses"),
        ("sdn.csv", b'"BANCO NACIONAL DE CUBA"', b'"BANCO "NACIONAL" DE CUBA"', "SDN_Name",
         "us_ofac_sdn:306", "name"),
        ("sdn.csv", b"\"a.k.a. 'BNC'.\"", b'"a.k.a. "BNC"."', "Remarks", "us_ofac_sdn:306",
         "remarks"),
    ],
)  # fmt: skip
def test_unescaped_quotes_in_any_file_of_the_set_are_tolerated_with_a_warning(
    lists_dir: Path, name: str, old: bytes, new: bytes, field: str, entry: str, where: str
) -> None:
    """OFAC's quirk of undoubled inner quotes ("THE "RED" GROUP") in sdn.csv, add.csv
    and alt.csv: the set imports, the text keeps its quotes, and the warning names file,
    line and field."""
    folder = "us_ofac_sdn/2021-07-07"
    real = (lists_dir / folder / name).read_bytes()
    line = real[: real.index(old)].count(b"\n") + 1
    parsed = ofac_csv.parse(_with_file(lists_dir, folder, name, real.replace(old, new, 1)))
    (warning,) = [w for w in parsed.warnings if "unescaped quote" in w]
    assert f"{name} line {line} field {field}" in warning
    found = by_id(parsed)[entry]
    text = new.decode()[1:-1]
    if where == "aliases":
        assert text in {a.name for a in found.aliases}
    elif where == "addresses":
        assert text in {a.street for a in found.addresses}
    elif where == "name":
        assert found.name == text
    else:
        assert text in (found.remarks or "")
    reference = parse_folder(lists_dir, folder)
    assert len(parsed.entries) == len(reference.entries)  # nothing lost


@pytest.mark.parametrize(
    ("name", "old", "new"),
    [
        # an inner quote and a column lost: corruption, not the quirk
        ("alt.csv", b'"aka","NATIONAL BANK OF CUBA",-0- ', b'"aka","THE "RED" BANK"'),
        # a quote opened and never closed: a cut row
        ("alt.csv", b'"NATIONAL BANK OF CUBA",-0- ', b'"NATIONAL "BANK OF CUBA,-0- '),
    ],
)
def test_real_corruption_with_quotes_is_still_refused(
    lists_dir: Path, name: str, old: bytes, new: bytes
) -> None:
    folder = "us_ofac_sdn/2021-07-07"
    real = (lists_dir / folder / name).read_bytes()
    assert old in real
    with pytest.raises(SourceFormatError, match=name.replace(".", r"\.")):
        ofac_csv.parse(_with_file(lists_dir, folder, name, real.replace(old, new, 1)))
