"""Comparing a Latin spelling with an abjad one (Arabic, Persian, Hebrew ... script, which
writes consonants and long vowels only) by their consonants as spelt: whether the two can be
one name spelt two ways (:func:`spelt_alike`), how alike their consonants are
(:func:`consonantal_similarity`, :func:`consonants_close`), and whether exactly one consonant
differs (:func:`one_consonant_changed`). Tokens only; the similarity they feed is
:func:`exportguard.core.similarity.token_similarity`'s."""

from __future__ import annotations

import re

from rapidfuzz.distance import OSA, JaroWinkler

from exportguard.core.name_tokens import Token
from exportguard.core.translit import collapse_runs


def consonantal_similarity(q: Token, c: Token) -> float:
    """Similarity in [0, 1] of a Latin token and an abjad one by their consonants as spelt
    (:func:`devowel`): 0.95 for the same consonants (0.85 for two or fewer), else their
    spelling similarity with alike letters merged (:func:`_alike`), at most 0.9 (0.8 when
    either has two consonants or fewer). Only asked of tokens :func:`spelt_alike`."""
    a = devowel(q.text)
    b = devowel(c.text)
    if a == b and a:  # the same consonants: as close as an abjad spelling gets
        return 0.95 if len(a) > 2 else 0.85
    return min(
        _spelling(_alike(a), _alike(b)),
        0.9 if min(len(a), len(b)) > 2 else 0.8,
    )


def spelt_alike(q: Token, c: Token) -> bool:
    """Whether a Latin word and an abjad one can be one name spelt two ways, before their
    consonants are compared: the Latin one has a vowel (one of none, "skhz", "jsc", is an
    acronym, not a word whose vowels the abjad leaves out), and a Latin word ends in i or y
    (the long -i of Mahmoudi, Mahdi, Tikriti) exactly when the abjad word ends in the ي or
    י an abjad writes it with (محمد is not Mahmoudi, مهدی is not "Mohd")."""
    latin, abjad = (c.text, q.text) if q.script == "abjad" else (q.text, c.text)
    if len(latin) > 1 and not _HAS_VOWEL.search(latin):
        return False
    return (len(latin) <= 2 or len(abjad) <= 2
            or (latin[-1] in "iy") == (abjad[-1] in "iy"))  # fmt: skip


_HAS_VOWEL = re.compile(r"[aeiouy]")


def consonants_close(q: Token, c: Token) -> bool:
    """Whether two tokens' consonants as spelt are alike (spelling >= 0.6, an article and
    the letters one abjad letter stands for aside). A skeleton of one or two consonant
    classes is no evidence alone across an abjad: ف is f and never b ("Fida" is not
    "Abd"), ه and ح are consonants ("Maedeh" is not "Muhammad")."""
    a = devowel(_ARTICLE.sub("", q.text))
    b = devowel(_ARTICLE.sub("", c.text))
    return _spelling(_alike(a), _alike(b)) >= 0.6


def one_consonant_changed(q: Token, c: Token) -> bool:
    """Whether two tokens' consonants as spelt (an article, vowels and the letters one
    abjad letter stands for aside) differ in exactly one consonant, in place: another
    name, however alike they sound ("Kontur" is not קנדירו, Kandiru: an abjad writes d and t
    with letters of their own). The sound classes merge such pairs; the letters do not."""
    a, b = (
        _alike(devowel(_SOFT_C.sub("s", _ARTICLE.sub("", t.text)).replace("ch", "C")))
        for t in (q, c)
    )
    if len(a) != len(b) or len(a) <= 2:
        return False
    changed = [frozenset((x, y)) for x, y in zip(a, b, strict=True) if x != y]
    return len(changed) == 1 and changed[0] not in _SPELT_EITHER_WAY


#: A soft c (before e, i, y) is an s ("Lounici" ~ لونيسي); "ch" is a letter of its own
#: (written C), never a k ("Chandra" is not קנדירו).
_SOFT_C = re.compile(r"c(?=[eiy])")
#: Consonant pairs (as :func:`_alike` writes them) that Latin spellings of one abjad
#: letter use either way, so neither is a changed consonant: ك and ق as k, kh or gh in
#: French and Maghrebi spellings ("Makhtab" for مكتب, "Ghedeir" for قدير), خ and ح as kh or
#: h (and German-style ch for خ), ذ and ض as z or d.
_SPELT_EITHER_WAY = frozenset({frozenset("kx"), frozenset("kG"), frozenset("xh"),
                               frozenset("Cx"), frozenset("Ch"), frozenset("zd")})  # fmt: skip


def _alike(consonants: str) -> str:
    """Consonants with the letters one abjad letter is written as merged and doubled
    letters single (an abjad writes a doubled consonant once: "Hammid" ~ حامد)."""
    digraphs = consonants.replace("kh", "x").replace("gh", "G")  # خ and غ: letters of their own
    # ذ (our "dh") is z in Persian and Urdu and most Latin spellings ("Zakir" ~ ذاکر)
    digraphs = digraphs.replace("dh", "z")
    return collapse_runs(digraphs.translate(_ABJAD_ALIKE))


#: An Arabic article joined to its word ("al-Tayyib" written الطيب), left out here.
_ARTICLE = re.compile(r"^[ae]l(?=\w{3})")
#: Latin letters one abjad letter is written as (ک/گ/ق/ج as k, g, q, j; پ/ب as p, b;
#: و as w, v); ف stays f, and س, ز, د are letters of their own ("Hazan" is not "Hassan").
_ABJAD_ALIKE = str.maketrans("gqjcpv", "kkkkbw")


def _spelling(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return (JaroWinkler.normalized_similarity(a, b) + OSA.normalized_similarity(a, b)) / 2


_VOWELS = str.maketrans("", "", "aeiou")
_ABJAD_VOWELS = str.maketrans("", "", "aeiouwy")


def devowel(text: str) -> str:
    """Consonants as spelt, without w and y after the first letter: an abjad writes its
    long vowels and its consonants w and y with the same two letters (و, ي), so which of
    them a word's و or ي is cannot be told from the letters, and a Latin spelling's w or y
    is left out like theirs ("Ayyub" ~ ایوب, "Huwaysh" ~ حويش). An abjad token's first
    letter stays (يوسف, Yusuf)."""
    if len(text) > 1:
        return text[0].translate(_VOWELS) + text[1:].translate(_ABJAD_VOWELS)
    return text.translate(_VOWELS)
