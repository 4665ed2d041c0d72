"""Screening on the real lists, review of issue 11: identifiers written with their kind, as
a head-office or branch SWIFT/BIC, without leading zeros; numbers in names written with
"No.", as Roman numerals, as Russian ordinals; a number alone is no evidence.

The index is the one of tests/test_screening_lists.py (OFAC SDN 2024-05-03, trade.gov CSL
2022-05-16, UN 2026-02-27, BIS DPL 2023-11-30, read from ../shared/data/lists); entries of
other lists are screened as one-entry lists. Every query runs at the default threshold.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from exportguard.core.entities import EntityType, ListEntry
from exportguard.core.identifiers import match_form, normalise_identifier
from exportguard.core.index import NameIndex, screen
from exportguard.core.matching import IDENTIFIER_MATCH_SCORE
from exportguard.core.names import analyse
from exportguard.core.queries import make_query
from exportguard.core.snapshots import ParsedList
from exportguard.core.thresholds import DEFAULT_THRESHOLD
from tests.test_screening_lists import entries, hit_names, hits, index

__all__ = ["entries", "index"]  # the fixtures, shared with tests/test_screening_lists.py

SDN = "us_ofac_sdn/2024-05-03/sdn.csv"
HAVIN = "us_ofac_sdn:906"  # SWIFT/BIC HAVIGB2L, Company Number 01074897


def ids_of(index: NameIndex, name: str, **options: object) -> dict[str, float]:
    return {h.entry.id: h.score for h in hits(index, name, **options)}




def one_entry(entry: ListEntry, query: str, **options: object) -> float:
    found = screen([NameIndex.build(1, [entry])], make_query(query, **options), threshold=0.0)  # type: ignore[arg-type]
    return max((h.score for h in found), default=0.0)


# --- A. identifiers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    ["HAVIGB2LXXX", "havigb2l", "HAVI GB 2L", "SWIFT/BIC HAVIGB2L", "SWIFT: HAVIGB2LXXX",
     "Company Number 01074897", "company no. 01074897", "Reg. No. 01074897"],
)  # fmt: skip
def test_an_identifier_written_with_its_kind_or_head_office_is_exact(
    index: NameIndex, written: str
) -> None:
    assert ids_of(index, "", identifiers=[written]).get(HAVIN) == IDENTIFIER_MATCH_SCORE


@pytest.mark.parametrize("written", ["1074897", "HAVIGB2L123", "havigb2lab1"])
def test_leading_zeros_and_a_bank_branch_are_strong_not_exact(
    index: NameIndex, written: str
) -> None:
    score = ids_of(index, "", identifiers=[written]).get(HAVIN)
    assert score is not None
    assert DEFAULT_THRESHOLD <= score < IDENTIFIER_MATCH_SCORE


@pytest.mark.parametrize("written", ["1074898", "01074898", "HAVIGB3LXXX", "HAVIGC2L"])
def test_another_number_or_bank_finds_nothing(index: NameIndex, written: str) -> None:
    assert HAVIN not in ids_of(index, "", identifiers=[written])


@pytest.mark.parametrize(
    "kind",
    ["Passport", "Tax ID No.", "Registration ID", "Company Number", "MMSI",
     "Vessel Registration Identification", "V.A.T. Number", "D-U-N-S Number",
     "Unified Social Credit Code (USCC)", "Trade License No.", "Driver's License No.",
     "National ID No.", "SWIFT/BIC", "Registration Number", "Cedula No.", "NIT #", "C.U.R.P."],
)  # fmt: skip
def test_every_kind_label_the_lists_publish_is_stripped(
    index: NameIndex, entries: dict[str, list[ListEntry]], kind: str
) -> None:
    """The first SDN entry carrying an identifier of this kind is found by that
    identifier written with the list's own kind label in front of it, as a user copies it
    ("Tax ID No. 7707009586", "Passport No. ...", "IMO: ...")."""
    entry, value = next(
        (e, i.value) for e in entries[SDN] for i in e.identifiers
        if (i.label or i.kind) == kind and len(match_form(i)) >= 6
    )  # fmt: skip
    for written in (f"{kind} {value}", f"{kind}: {value}", f"{kind.upper()} {value.lower()}"):
        found = ids_of(index, "", identifiers=[written])
        assert found.get(entry.id) == IDENTIFIER_MATCH_SCORE, written


def test_kind_and_value_of_every_listed_identifier_normalise_alike(
    entries: dict[str, list[ListEntry]],
) -> None:
    """Every identifier of the four lists, written "<label> <value>" (the list's own label,
    as a user copies it), compares as its value."""
    checked = 0
    for listed in entries.values():
        for e in listed:
            for i in e.identifiers:
                value = match_form(i)
                # A crypto address's label ends in a currency code ("... - XBT"), no kind word.
                if not value or not any(ch.isdigit() for ch in value) or i.kind == "crypto_address":
                    continue
                label = i.label or i.kind
                assert normalise_identifier(f"{label} {i.value}") == value, (label, i.value)
                checked += 1
    assert checked > 5000


def test_an_identifier_hit_explains_itself(index: NameIndex) -> None:
    (only,) = [h for h in hits(index, "", identifiers=["HAVIGB2LXXX"]) if h.entry.id == HAVIN]
    features = {f.feature: f for f in only.explanation.features}
    assert sum(f.contribution for f in only.explanation.features) == pytest.approx(only.score)
    assert "decides the score" in features["identifier"].detail
    assert "no name given" in features["name"].detail
    # A name of company words only: the identifier is the evidence, not the missing word.
    (named,) = [
        h for h in hits(index, "General Trading", identifiers=["Company Number 01074897"])
        if h.entry.id == HAVIN
    ]
    name = next(f for f in named.explanation.features if f.feature == "name")
    assert "no distinctive word matched" not in name.detail
    assert sum(f.contribution for f in named.explanation.features) == pytest.approx(named.score)


# --- B. numbers in names ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "options", "listed"),
    [
        ("Yu Jong No. 2", {}, "YU JONG 2"), ("Yu Jong No 2", {}, "YU JONG 2"),
        ("Yu Jong Nr. 2", {}, "YU JONG 2"), ("Yu Jong #2", {}, "YU JONG 2"),
        ("Yu Jong № 2", {}, "YU JONG 2"), ("Yu Jong II", {}, "YU JONG 2"),
        ("Pu Hung No 1", {"type": EntityType.VESSEL}, "PU HUNG 1"),
        ("Kum Song No. 3", {"type": EntityType.VESSEL}, "KUM SONG 3"),
        ("Kum Song III", {}, "KUM SONG 3"),
    ],
)  # fmt: skip
def test_a_number_written_another_way_is_the_number(
    index: NameIndex, query: str, options: dict[str, object], listed: str
) -> None:
    assert listed in hit_names(index, query, **options)


@pytest.mark.parametrize(
    ("query", "listed"),
    [("Yu Jong No. 3", "YU JONG 2"), ("Kum Song IV", "KUM SONG 3"), ("Pu Hung No 2", "PU HUNG 1")],
)
def test_another_number_written_another_way_is_another_number(
    index: NameIndex, query: str, listed: str
) -> None:
    assert listed not in hit_names(index, query)


@pytest.mark.parametrize("query", ["46-й ЦНИИ", "46й ЦНИИ", "Сорок шестой ЦНИИ", "46 ЦНИИ"])
def test_russian_ordinals_are_the_number(index: NameIndex, query: str) -> None:
    assert "46th TSNII Central Scientific Research Institute" in hit_names(index, query)


def test_roman_numerals_of_a_real_uk_entry(parsed_list: Callable[[str], ParsedList]) -> None:
    (tong_san,) = [
        e for e in parsed_list("uk_ofsi/2018-04-13/sanctionsconlist.csv").entries
        if e.name == "TONG SAN 2"
    ]  # fmt: skip
    assert one_entry(tong_san, "Tong San II") >= DEFAULT_THRESHOLD
    assert one_entry(tong_san, "Tong San No. 2") >= DEFAULT_THRESHOLD
    assert one_entry(tong_san, "Tong San III") < DEFAULT_THRESHOLD


def test_centuries_in_roman_and_ordinal_digits(
    parsed_list: Callable[[str], ParsedList],
) -> None:
    (kbe,) = [
        e for e in parsed_list("opensanctions/ua_war_sanctions_2026-03/targets.simple.csv").entries
        if any(a.name == "KBE XXI CENTURY JSC" for a in e.aliases)
    ]  # fmt: skip
    assert one_entry(kbe, "KBE 21st Century JSC") >= DEFAULT_THRESHOLD
    assert one_entry(kbe, "KBE Twenty-First Century JSC") >= DEFAULT_THRESHOLD
    assert one_entry(kbe, "KBE 22nd Century JSC") < DEFAULT_THRESHOLD


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("I V X", ["i", "v", "x"]),  # initials stay letters
        ("Li Xi", ["li", "xi"]),  # a romanised syllable, not 11
        ("Vi Van", ["vi", "van"]),
        ("Kim Il Sung", ["kim", "il", "sung"]),
        ("Mix Civil", ["mix", "civil"]),
        ("NO Kwang Chol", ["no", "kwang", "chol"]),  # the Korean surname No
        ("XXI Century", ["21", "century"]),
        ("Louis XIV", ["louis", "14"]),
        ("Третий Рим", ["3", "rim"]),
        ("Школа № 33", ["shkola", "33"]),
    ],
)
def test_which_words_are_numbers(name: str, tokens: list[str]) -> None:
    assert [t.text for t in analyse(name).tokens] == tokens


@pytest.mark.parametrize("query", ["First Bank", "First Export Bank", "Second Bank", "One Bank"])
def test_a_number_word_alone_is_no_evidence(index: NameIndex, query: str) -> None:
    found = hit_names(index, query)
    assert "FIRST EAST EXPORT BANK, P.L.C." not in found
    assert "CHEIL CREDIT BANK" not in found


def test_a_distinctive_word_beside_a_number_still_hits(index: NameIndex) -> None:
    assert "FIRST EAST EXPORT BANK, P.L.C." in hit_names(index, "First East Export Bank")


@pytest.mark.parametrize(
    ("written", "latin"),
    [("ИНН 7733546058", "INN 7733546058"), ("ОГРН 1057747296166", "OGRN 1057747296166")],
)
def test_cyrillic_kind_labels_are_stripped_too(written: str, latin: str) -> None:
    assert normalise_identifier(written) == normalise_identifier(latin) == latin.split()[1]
