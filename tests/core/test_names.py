from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exportguard.core.names import analyse, normalise
from exportguard.core.translit import skeletons


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("NSO Group", "nso group"),
        ("N.S.O. Group", "nso group"),
        ("  Candiru,   Ltd. ", "candiru ltd"),
        ("Société Générale", "societe generale"),
        ("O'Brien", "obrien"),
        ("Al-Qaida", "al qaida"),
        ("Позитив Текнолоджиз", "pozitiv teknolodzhiz"),
        ("Ποζιτίβ", "pozitiv"),
        ("קנדירו", "kndirw"),
        ("محمّد", "mhmd"),
        ("习近平", "xi jin ping"),
        ("ＮＳＯ", "nso"),  # full-width letters
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


@given(st.text(max_size=40))
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@settings(deadline=None)  # no time in tests: a loaded machine must not fail it
@given(st.text(max_size=40))
def test_analyse_never_fails_and_tokens_are_ascii(text: str) -> None:
    form = analyse(text)
    for token in form.tokens:
        assert token.text.isascii()
        assert token.text


@pytest.mark.parametrize(
    ("latin", "other"),
    [
        ("Candiru", "קנדירו"),
        ("Candiru", "كانديرو"),
        ("Positive Technologies", "Позитив Текнолоджиз"),
        ("Positive Technologies", "بوزيتيف تكنولوجيز"),
        ("Usama bin Laden", "أسامة بن لادن"),
        ("Mohammed", "محمد"),
        ("David", "דוד"),
        ("Khodorkovsky", "Ходорковский"),
    ],
)
def test_cross_script_names_share_skeletons(latin: str, other: str) -> None:
    a, b = analyse(latin), analyse(other)
    assert len(a.tokens) == len(b.tokens)
    for x, y in zip(a.tokens, b.tokens, strict=True):
        assert x.skeletons & y.skeletons, (x, y)


def test_skeleton_classes_merge_what_transliteration_confuses() -> None:
    assert skeletons("positive") == skeletons("pozitiv") == {"BSTB"}
    assert "TKNLKS" in skeletons("technologies") & skeletons("teknolodzhiz")
    # Arabic/Hebrew waw may be a vowel or a consonant: both variants are kept.
    assert skeletons("dwd", abjad=True) == {"T", "TBT"}
    assert skeletons("dwd") == {"TBT"}


@pytest.mark.parametrize(
    ("name", "tokens", "legal"),
    [
        (
            "Computer Security Initiative Consultancy PTE. LTD.",
            ["computer", "security", "initiative", "consultancy"],
            ("ltd",),
        ),
        ("ООО Ромашка", ["romashka"], ("llc",)),
        ("Aktsionernoe Obshchestvo Pozitiv Teknolodzhiz", ["pozitiv", "teknolodzhiz"], ("jsc",)),
        ("Example Trading Limited Liability Company", ["example", "trading"], ("llc",)),
        # Anywhere in the name, and with a typo in a long word.
        (
            "Tactical Missile Corporation, Joint Stock Company Avangard",
            ["tactical", "missile", "avangard"],
            ("corp", "jsc"),
        ),
        ("Globaltrans Limted", ["globaltrans"], ("ltd",)),
        # Never when it is the whole name.
        ("Limited", ["limited"], ()),
    ],
)
def test_legal_forms_are_kept_apart(name: str, tokens: list[str], legal: tuple[str, ...]) -> None:
    form = analyse(name)
    assert [t.text for t in form.core] == tokens
    assert form.legal_forms == legal


def test_persons_keep_legal_form_lookalikes() -> None:
    assert [t.text for t in analyse("Ao Lin", organisation=False).tokens] == ["ao", "lin"]
