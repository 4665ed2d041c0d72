"""Screening on the real lists (issue 11 and 15): each fault kind, its example and variants.

The index holds the OFAC SDN (2024-05-03), the trade.gov CSL (2022-05-16), the UN list
(2026-02-27) and the BIS DPL (2023-11-30), read from ../shared/data/lists. Every query
here runs at the one default threshold.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from exportguard.core.entities import EntityType, ListEntry
from exportguard.core.index import Hit, NameIndex, group_rows, index_names, make_query, screen
from exportguard.core.names import analyse
from exportguard.core.thresholds import DEFAULT_THRESHOLD


@pytest.fixture
def entries(real_entries: dict[str, list[ListEntry]]) -> dict[str, list[ListEntry]]:
    """The entries of each list (tests/conftest.py's ``SCREENING_LISTS``), by path."""
    return real_entries


@pytest.fixture
def index(real_index: NameIndex) -> NameIndex:
    """One index over those lists, built once per test worker (tests/conftest.py)."""
    return real_index


def hits(index: NameIndex, name: str, **options: object) -> list[Hit]:
    return screen([index], make_query(name, **options), threshold=DEFAULT_THRESHOLD)  # type: ignore[arg-type]


def hit_names(index: NameIndex, name: str, **options: object) -> set[str]:
    return {h.entry.name for h in hits(index, name, **options)}


# --- 1. titles and generic words -----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Ayman al-Zawahiri", "Dr. Ayman AL ZAWAHIRI"),
        ("Adam Khan Achekzai", "Maulawi Adam Khan ACHEKZAI"),
        ("Ahmed Shah Noorzai", "Mullah Ahmed Shah NOORZAI"),
        ("Ali Akbar Tabatabaei", "Sayyid Ali Akbar TABATABAEI"),
        ("Yusuf Aasi", "Sheikh Yusuf AASI"),
        ("Haji Ayman al-Zawahiri", "Dr. Ayman AL ZAWAHIRI"),
    ],
)
def test_a_title_is_not_a_name_word(index: NameIndex, query: str, listed: str) -> None:
    assert listed in hit_names(index, query)


@pytest.mark.parametrize(
    "query",
    ["General Trading", "General Trading LLC", "International Trading Company",
     "Global Services LLC", "Oil Company", "National Police", "Trading Group Ltd"],
)  # fmt: skip
def test_generic_company_words_alone_hit_nothing(index: NameIndex, query: str) -> None:
    assert hits(index, query) == []


def test_a_distinctive_word_with_generic_ones_still_hits(index: NameIndex) -> None:
    assert "ISMAIL GENERAL TRADING" in hit_names(index, "Ismail General Trading")
    assert "ADOON GENERAL TRADING L.L.C." in hit_names(index, "Adoon General Trading LLC")


# --- 2. legal forms and abbreviations ------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("LUKOIL OIL COMP", "LUKOIL OIL COMPANY"),
        ("Lukoil Oil Co.", "LUKOIL OIL COMPANY"),
        ("Rosneft Oil Comp", "OPEN JOINT-STOCK COMPANY ROSNEFT OIL COMPANY"),
        ("Rosneft Oil Company", "Rosneft"),
        ("Adoon General Trdg LLC", "ADOON GENERAL TRADING L.L.C."),
    ],
)
def test_abbreviated_company_words(index: NameIndex, query: str, listed: str) -> None:
    found = hits(index, query)
    assert any(listed in (h.matched_name, h.entry.name) for h in found)


def test_a_legal_form_is_never_fused_with_its_neighbour(index: NameIndex) -> None:
    (first, *_) = hits(index, "Sakan General Trading LLC")
    pairs = first.explanation.pairs
    assert all("llc" not in p.query.split() or p.query == "llc" for p in pairs)


@pytest.mark.parametrize(
    ("name", "form"),
    [
        ("ООО Ромашка", "llc"), ("ТОВ Альфа", "llc"), ("АТ Укрзалізниця", "jsc"),
        ("ЖШС Алма", "llc"), ("АҚ Қазақтелеком", "jsc"), ("ААТ Беларуськалій", "jsc"),
        ('אלביט מערכות בע"מ', "ltd"), ("华为技术有限公司", "ltd"),
        ("شركة ذات مسؤولية محدودة الفا", "llc"), ("شرکت سهامی خاص ایران خودرو", "jsc"),
        ("Aselsan Elektronik Sanayi ve Ticaret Anonim Şirketi", "jsc"),
    ],
)  # fmt: skip
def test_legal_forms_in_the_scripts_lists_use(name: str, form: str) -> None:
    assert form in analyse(name).legal_forms


# --- 3. numbers ------------------------------------------------------------------------------


def test_numbers_must_agree(index: NameIndex) -> None:
    assert "11420 CORP." not in hit_names(index, "11421 Corp")
    assert "11420 CORP." in hit_names(index, "11420 Corp")
    assert "KUM SONG 3" not in hit_names(index, "KUM SONG 5 ")
    assert "KUM SONG 5" in hit_names(index, "Kum Song 5")


# --- 4. romanised syllables ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Ri Soo Yong", "RI, Su Yong"),
        ("Kim Yeo Jong", "KIM, Yo Jong"),
        ("Lee Su Yong", "RI, Su Yong"),
    ],
)
def test_romanised_syllables(index: NameIndex, query: str, listed: str) -> None:
    assert listed in hit_names(index, query)


# --- 5. lineage chains -----------------------------------------------------------------------


def test_an_omitted_nasab_chain_costs_little(index: NameIndex) -> None:
    assert "Usama bin Muhammad bin Awad BIN LADIN" in {
        h.matched_name for h in hits(index, "Usama bin Laden")
    }


def test_omitted_chains_of_real_entries(
    index: NameIndex, entries: dict[str, list[ListEntry]]
) -> None:
    """Every listed person named "X bin Y bin Z [bin] SURNAME" is found as "X bin
    SURNAME": the chain of fathers' names left out."""
    chain = re.compile(r"^(\w+)(?: (?:bin|ibn) [\w'-]+){2,}(?: (?:bin|ibn))? ([\w'-]+)$", re.I)
    chained = [
        (e, n, found.group(1), found.group(2))
        for listed in entries.values() for e in listed if e.type is EntityType.PERSON
        for n in e.names() if (found := chain.match(n.replace(",", " ")))
    ]  # fmt: skip
    assert len(chained) >= 2
    for e, name, first, last in chained:
        query = f"{first} bin {last}"
        assert e.id in {h.entry.id for h in hits(index, query)}, (query, name)


# --- 6. cross-script brand names -------------------------------------------------------------


@pytest.mark.parametrize("query", ["קבוצת NSO", "مجموعة NSO", "NSO группа"])
def test_mixed_script_brand_names(index: NameIndex, query: str) -> None:
    assert "NSO Group" in hit_names(index, query)


# --- 7. retrieval ----------------------------------------------------------------------------


def test_huawei_finds_the_entity_list_entries(index: NameIndex) -> None:
    found = [h for h in hits(index, "Huawei") if "Entity List" in h.entry.list_name]
    assert len(found) >= 35
    assert "Huawei Technologies Co., Ltd. (Huawei)" in {h.entry.name for h in found}


def test_a_parenthesised_short_form_is_an_alias() -> None:
    from tests.factories import party

    names = index_names(party("Huawei Technologies Co., Ltd. (Huawei)"))
    assert names == [
        "Huawei Technologies Co., Ltd. (Huawei)", "Huawei", "Huawei Technologies Co., Ltd.",
    ]  # fmt: skip


# --- 8. identifiers --------------------------------------------------------------------------


def test_an_identifier_is_strong_evidence(index: NameIndex) -> None:
    (first, *_) = hits(index, "KUM SONG 3", identifiers=["8661850"])
    assert first.entry.name == "KUM SONG 3"
    assert any(f.feature == "identifier" for f in first.explanation.features)
    renamed = hits(index, "Golden Star", identifiers=["IMO 8661850"])
    assert "KUM SONG 3" in {h.entry.name for h in renamed}


def test_identifier_only_screening(index: NameIndex) -> None:
    found = hits(index, "", identifiers=["IMO 8661850"])
    assert {h.entry.name for h in found} == {"KUM SONG 3"}
    assert hits(index, "", identifiers=["8661851"]) == []


# --- 9/10. listing dates and rows of one listing ---------------------------------------------


def test_ended_listings_do_not_show_as_of_a_date(index: NameIndex) -> None:
    query = make_query("Al Naser Airlines")
    everything = screen([index], query, threshold=DEFAULT_THRESHOLD)
    today = screen([index], query, threshold=DEFAULT_THRESHOLD, as_of=date(2026, 1, 15))
    assert len(today) < len(everything)
    assert all(h.entry.in_force(date(2026, 1, 15)) for h in today)


def test_rows_of_one_listing_are_one_hit(index: NameIndex) -> None:
    query = make_query("Al Naser Airlines")
    found = index.screen(query, threshold=DEFAULT_THRESHOLD, lists=["Denied Persons"])
    grouped = [h for h in found if h.rows and h.entry.source == "us_trade_csl"]
    assert grouped, "the CSL repeats one DPL order over several rows"
    assert group_rows(found) == found  # grouping twice changes nothing


# --- 13. index decoding ----------------------------------------------------------------------


def test_an_indexed_candidate_analyses_exactly_as_the_name(
    index: NameIndex, entries: dict[str, list[ListEntry]]
) -> None:
    for n in range(0, len(index), 97):
        cand = index.candidate(n)
        org = {EntityType.PERSON: False, EntityType.ORGANIZATION: True}.get(cand.entry_type)
        direct = analyse(cand.name, organisation=org)
        assert cand.form.tokens == direct.tokens, cand.name
        assert cand.form.legal_forms == direct.legal_forms


# --- 14. filters -----------------------------------------------------------------------------


def test_list_filter(index: NameIndex) -> None:
    query = make_query("Huawei")
    found = index.screen(query, threshold=DEFAULT_THRESHOLD, lists=["entity list"])
    assert found
    assert all("Entity List" in h.entry.list_name for h in found)


# --- issue 15: names that differ only in form -------------------------------------------------


def one_entry(entry: ListEntry, query: str) -> float:
    found = screen([NameIndex.build(1, [entry])], make_query(query), threshold=0.0)
    return max((h.score for h in found), default=0.0)


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Bob Smith", "Robert Smith"), ("Bill Jones", "William Jones"),
        ("Sasha Petrov", "Aleksandr Petrov"), ("Саша Петров", "Aleksandr Petrov"),
        ("Misha Ivanov", "Mikhail Ivanov"), ("Liz Taylor", "Elizabeth Taylor"),
        # a short form against another transliteration of the full name
        ("Kolya Petrov", "Nikolai Petrov"), ("Dima Ivanov", "Dmitri Ivanov"),
        ("Lyosha Sokolov", "Alexei Sokolov"), ("Vasya Orlov", "Vasily Orlov"),
        # Spanish, Italian, German short forms
        ("Pepe Garcia", "Jose Garcia"), ("Paco Lopez", "Francisco Lopez"),
        ("Beppe Rossi", "Giuseppe Rossi"), ("Hans Mueller", "Johannes Mueller"),
        ("Sepp Huber", "Josef Huber"),
        # spellings of one Arabic name the lists write for one person
        ("Mohamed Ali Hassan", "Muhammad Ali Hassan"), ("Mohd Yusof Ahmad", "Mohammed Yusof Ahmad"),
        ("Youssef Hamdan", "Yusuf Hamdan"), ("Usman Khalil", "Uthman Khalil"),
    ],
)  # fmt: skip
def test_given_name_variants(query: str, listed: str) -> None:
    from tests.factories import person

    assert one_entry(person(listed), query) >= DEFAULT_THRESHOLD
    assert one_entry(person(listed), query) < 1.0  # strong, not exact


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("John Smith", "Jane Smith"), ("Bob Jones", "Roberta Jones"),
        ("Omar Khalil", "Ammar Khalil"),
    ],
)  # fmt: skip
def test_other_given_names_stay_apart(query: str, listed: str) -> None:
    from tests.factories import person

    assert one_entry(person(listed), query) < DEFAULT_THRESHOLD


def test_given_name_variants_of_real_aliases(index: NameIndex) -> None:
    assert "Alexander Vasilievich BORTNIKOV" in hit_names(index, "Sasha Bortnikov")


@pytest.mark.parametrize(
    ("query", "listed", "hit"),
    [
        ("Twenty-One Century Trading", "21 Century Trading", True),
        ("Twenty First Century Trading", "21st Century Trading", True),
        ("Twenty-Two Century Trading", "21 Century Trading", False),
        ("Один Век", "1 Век", True),
    ],
)
def test_number_words_equal_their_digits(query: str, listed: str, hit: bool) -> None:
    from tests.factories import party

    assert (one_entry(party(listed), query) >= DEFAULT_THRESHOLD) is hit


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("OAO Rosneft", "Rosneft JSC"), ("PAO Rosneft", "Rosneft OJSC"),
        ("OOO Alfa", "Alfa LLC"), ("Alfa Limited Liability Company", "ООО Альфа"),
        ("Siemens mbH", "Siemens GmbH"), ("Rosneft", "Rosneft JSC"),
        ("Alfa LLC", "Alfa Foundation"),
    ],
)  # fmt: skip
def test_legal_form_only_differences(query: str, listed: str) -> None:
    from tests.factories import party

    assert one_entry(party(listed), query) >= DEFAULT_THRESHOLD


def test_different_legal_families_lower_the_score() -> None:
    from tests.factories import party

    same = one_entry(party("Alfa LLC"), "Alfa LLC")
    assert one_entry(party("Alfa Foundation"), "Alfa LLC") < same


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("Sergey Shoygu", "Сергей Кужугетович Шойгу"),
        ("Vladimir Putin", "Владимир Владимирович Путин"),
        ("Aleksey Navalny", "Алексей Анатольевич Навальный"),
    ],
)
def test_full_names_across_scripts(query: str, listed: str) -> None:
    from tests.factories import person

    across = one_entry(person(listed), query)
    assert across >= DEFAULT_THRESHOLD
    # a missing patronymic costs no more across scripts than within one
    short = " ".join(listed.split()[::2])  # the name without its patronymic, same script
    assert 1.0 - across <= one_entry(person(short), query) - across + 0.06


def _scored(entry: ListEntry, query: str, country: str | None = None) -> float:
    found = screen([NameIndex.build(1, [entry])], make_query(query, country=country), threshold=0.0)
    return max((h.score for h in found), default=0.0)


@pytest.mark.parametrize(
    ("query", "country", "listed", "listed_country", "hit"),
    [
        # A name of generic words only (a state body) is told apart by its country ...
        ("Ministry of Defence", "GB", "MINISTRY OF DEFENCE", "MM", False),
        ("General Staff of the Armed Forces", "IT", "ARMED FORCES GENERAL STAFF", "IR", False),
        ("Central Bank", "DE", "CENTRAL BANK OF SYRIA", "SY", False),
        ("Central Bank of Iran", "US", "CENTRAL BANK OF SYRIA", "SY", False),
        ("Policia Nacional", "CO", "POLICIA NACIONAL REVOLUCIONARIA", "CU", False),
        # ... and found in its own country, or when the party's country is not given.
        ("Ministry of Defence", "MM", "MINISTRY OF DEFENCE", "MM", True),
        ("Ministry of Defence", None, "MINISTRY OF DEFENCE", "MM", True),
        ("Armed Forces General Staff", "IR", "ARMED FORCES GENERAL STAFF", "IR", True),
        # A distinctive name stays a hit from another country (a subsidiary abroad).
        ("Huawei Technologies Co Ltd", "FR", "HUAWEI TECHNOLOGIES CO., LTD.", "CN", True),
        # Generic words, a number word alone: no hit.
        ("Trading House", None, "BELARUSIAN OIL TRADE HOUSE", "BY", False),
    ],
)  # fmt: skip
def test_generic_names_are_told_apart_by_country(
    query: str, country: str | None, listed: str, listed_country: str, hit: bool
) -> None:
    from tests.factories import party

    score = _scored(party(listed, country=listed_country), query, country)
    assert (score >= DEFAULT_THRESHOLD) is hit, score


@pytest.mark.parametrize(
    ("query", "listed", "hit"),
    [
        ("Smith", "SMITH Dmitry Vyacheslavovich", False),
        ("Ivanov", "IVANOV Sergey Vladimirovich", False),
        ("Dmitry Smith", "SMITH Dmitry Vyacheslavovich", True),
        ("Sergey Shoygu", "Sergey Kuzhugetovich SHOYGU", True),
        ("Sergey Ivanov", "IVANOV Sergey Vladimirovich", True),
    ],
)
def test_a_surname_alone_is_not_a_person(query: str, listed: str, hit: bool) -> None:
    """In "SURNAME Given Patronymic" the word before the patronymic is the given name, not
    a middle name that may be left out: one shared surname is not a match."""
    from tests.factories import person

    assert (one_entry(person(listed), query) >= DEFAULT_THRESHOLD) is hit


def test_found_among_many_of_one_surname(index: NameIndex) -> None:
    """Retrieval keeps the names sharing the most keys beside the spelling re-rank: a short
    given name ("Bob") among every Bovda, and one listing's names in another word order."""
    assert "Robert Sergeyevich BOVDA" in hit_names(index, "Bob Bovda")
    assert "Maria Aleksandrovna LAVROVA" in hit_names(index, "Masha Lavrova")


@pytest.mark.parametrize(
    ("query", "listed", "hit"),
    [
        # Latin acronyms spelt out letter by letter in another script
        ("Эн-Эс-О Груп", "NSO Group", True),
        ("אן.אס.או גרופ", "NSO Group", True),
        ("إن إس أو جروب", "NSO Group", True),
        ("Би-Эй-И Системс", "BAE Systems", True),
        # company words written out in another script
        ("גרינדוויק סולושנס", "Grindavik Solutions", True),
        ("Грíндавик Солюшнс", "Grindavik Solutions", True),
        ("جولدن ستار للتجارة", "Golden Star Trading", True),
        # Cyrillic в for a foreign w
        ("Хуавэй Текнолоджиз", "Huawei Technologies", True),
        ("Хуавей", "Huawei", True),
        # sounds alike is not enough where Cyrillic's vowels disagree
        ("Кандиру", "Chandra", False),
        ("Кандиру", "Candiru", True),
        ("О Ен Су", "NSO", False),
    ],
)
def test_brand_names_across_scripts(query: str, listed: str, hit: bool) -> None:
    from tests.factories import party

    assert (one_entry(party(listed), query) >= DEFAULT_THRESHOLD) is hit
