from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exportguard.core.entities import AliasQuality, EntityType
from exportguard.core.matching import Candidate, score
from exportguard.core.names import analyse
from exportguard.core.queries import make_query
from exportguard.core.similarity import token_similarity


def cand(
    name: str,
    *,
    type: EntityType = EntityType.ORGANIZATION,
    countries: tuple[str, ...] = (),
    born: tuple[str, ...] = (),
    ids: tuple[str, ...] = (),
    quality: AliasQuality = AliasQuality.STRONG,
) -> Candidate:
    return Candidate(name, analyse(name), quality, type, countries, born, ids)


def flat(_: object) -> float:
    return 1.0


def tok(text: str):  # type: ignore[no-untyped-def]
    return analyse(text).tokens[0]


@pytest.mark.parametrize(
    ("a", "b", "how"),
    [
        ("candiru", "candiru", "exact"),
        ("candriu", "candiru", "spelling+sound"),
        ("cantiru", "candiru", "spelling+sound"),
        ("bolshevik", "bolsheviks", "spelling"),
        ("קנדירו", "candiru", "phonetic"),
        ("j", "john", "initial"),
    ],
)
def test_token_similarity_says_how(a: str, b: str, how: str) -> None:
    sim, found = token_similarity(tok(a), tok(b))
    assert found == how
    assert 0.7 <= sim <= 1.0


def test_unrelated_tokens_are_dissimilar() -> None:
    sim, _ = token_similarity(tok("candiru"), tok("rosneft"))
    assert sim < 0.6


def test_exact_name_scores_one() -> None:
    result = score(make_query("NSO Group"), cand("NSO Group"), flat)
    assert result.score == 1.0
    assert result.features[0].feature == "name"


def test_order_does_not_matter_for_persons() -> None:
    result = score(
        make_query("Putin Vladimir"), cand("Vladimir Putin", type=EntityType.PERSON), flat
    )
    assert result.score == 1.0


def test_dropped_patronymic_costs_little() -> None:
    full = cand("Vladimir Vladimirovich Putin", type=EntityType.PERSON)
    assert score(make_query("Vladimir Putin"), full, flat).score >= 0.85


def test_extra_query_tokens_cost_more_than_missing_list_tokens() -> None:
    extra = score(make_query("Candiru Surveillance Systems"), cand("Candiru"), flat).score
    missing = score(make_query("Candiru"), cand("Candiru Surveillance Systems"), flat).score
    assert extra < missing


def test_joined_and_split_tokens_align() -> None:
    result = score(make_query("Abd Allah"), cand("Abdullah", type=EntityType.PERSON), flat)
    assert result.score >= 0.85
    assert result.pairs[0].how.startswith("joined")


def test_qualifiers_move_the_score_and_explain_it() -> None:
    base = cand("Candiru", countries=("IL",))
    plain = score(make_query("Candiru"), base, flat).score
    same = score(make_query("Candiru", country="IL"), base, flat)
    other = score(make_query("Candiru", country="FR"), base, flat)
    assert other.score < plain <= same.score
    detail = {f.feature: f.detail for f in other.features}
    assert "FR contradicts the entry's IL" in detail["country"]


def test_type_mismatch_penalised() -> None:
    as_person = score(make_query("Candiru", type=EntityType.PERSON), cand("Candiru"), flat)
    assert as_person.score == pytest.approx(0.85)


def test_birth_date_and_identifier() -> None:
    c = cand("Ivan Petrov", type=EntityType.PERSON, born=("1970-05-02",), ids=("ab1234",))
    assert score(make_query("Ivan Petrov", birth_date="1970"), c, flat).score == 1.0
    wrong = score(make_query("Ivan Petrov", birth_date="1981-01-01"), c, flat)
    assert wrong.score < 0.9
    by_id = score(make_query("I. Petrov", identifiers=["AB 1234"]), c, flat)
    assert any(f.feature == "identifier" and f.value == 1.0 for f in by_id.features)


def test_weak_alias_counts_less() -> None:
    strong = score(make_query("Taveta"), cand("Taveta"), flat).score
    weak = score(make_query("Taveta"), cand("Taveta", quality=AliasQuality.WEAK), flat).score
    assert weak < strong


@given(st.text(min_size=1, max_size=30), st.text(min_size=1, max_size=30))
def test_score_is_a_probability_like_number(a: str, b: str) -> None:
    result = score(make_query(a), cand(b), flat)
    assert 0.0 <= result.score <= 1.0
    assert sum(f.contribution for f in result.features) == pytest.approx(result.score) or (
        result.score in (0.0, 1.0)
    )
