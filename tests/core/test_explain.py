"""A hit's explanation in plain words (issue 13, point 3), on the real screening index (SDN,
CSL, UN, DPL): what the officer reads before the feature table."""

from __future__ import annotations

from exportguard.core.explain import plain_words
from exportguard.core.index import NameIndex, screen
from exportguard.core.queries import build_query

CANDIRU = "us_trade_csl:EL-69ccd443f1811a195a4f451ce2163b5a25b91e4b"


def _said(index: NameIndex, name: str, entity_id: str, birth_date: str | None = None) -> list[str]:
    query = build_query(name, birth_date=birth_date)
    hit = next(h for h in screen([index], query, threshold=0.5) if h.entry.id == entity_id)
    return plain_words(query, hit)


def test_a_hebrew_spelling_sounds_like_the_listed_name(real_index: NameIndex) -> None:
    assert _said(real_index, "קנדירו", CANDIRU) == [
        "the Hebrew spelling 'kndirw' sounds like 'candiru'"
    ]


def test_an_alias_with_a_legal_form(real_index: NameIndex) -> None:
    assert _said(real_index, "Positive Technologies", "us_trade_csl:SDN-31455") == [
        "matched the listed alias 'JSC POSITIVE TECHNOLOGIES' of "
        "'AKTSIONERNOE OBSHCHESTVO POZITIV TEKNOLODZHIZ'",
        "'positive', 'technologies' are spelt as listed",
        "the listed name has the extra legal form 'jsc' (the name screened has not)",
    ]


def test_a_short_given_name_and_a_patronymic(real_index: NameIndex) -> None:
    said = _said(real_index, "Bob Bovda", "us_trade_csl:SDN-23950")
    assert "'bob' is a short form or variant of the given name 'robert'" in said
    assert "the listed name has the extra word 'sergeyevich' (the name screened has not)" in said


def test_dates_of_birth_that_agree_or_differ(real_index: NameIndex) -> None:
    agrees = _said(real_index, "Joseph Kony", "un_sc:CFi.009", birth_date="1964-09-18")
    assert agrees[-1] == "the date of birth given agrees: listed 1964-09-18"
    differs = _said(real_index, "Joseph Kony", "un_sc:CFi.009", birth_date="1980")
    assert differs[-1].startswith(
        "the date of birth given (1980) differs from every one listed: 1959, 1960"
    )
