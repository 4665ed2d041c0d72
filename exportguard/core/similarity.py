"""How alike two tokens are: :func:`token_similarity` (cached), from exact spelling through
transliteration conventions, given-name groups, particles, abbreviations, initials and
joined tokens to phonetic skeletons, each with the word for the detail an explanation
shows; a Latin spelling against an abjad one by their consonants is ``core.abjad``'s. Tokens
only: no query, candidate or weights here."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from rapidfuzz.distance import OSA, Indel, JaroWinkler

from exportguard.core.abjad import (
    consonantal_similarity,
    consonants_close,
    devowel,
    one_consonant_changed,
    spelt_alike,
)
from exportguard.core.name_tokens import Token
from exportguard.core.name_vocab import given_name_groups, particle_class
from exportguard.core.translit import translit_canonical

# --- token similarity --------------------------------------------------------------------

#: Similarity granted when two tokens share a phonetic skeleton, by skeleton length: a long
#: shared skeleton (KNTR) is strong evidence, a one-consonant one (L) is weak.
PHONETIC_SIMILARITY = {1: 0.5, 2: 0.78, 3: 0.85, 4: 0.9, 5: 0.93}
#: Between two Latin-script spellings already alike (spelling >= 0.7), a shared skeleton
#: adds this much ("Mohammed" ~ "Muhammad"): sounding alike is weak evidence when both
#: sides were written in the same alphabet ("Wisla" is not "Fazlullah").
LATIN_PHONETIC_BONUS = 0.05
#: Across an abjad, the least similarity of two tokens' consonants (as spelt, alike
#: letters merged) that counts as a spelling of one name.
CONSONANTAL_FLOOR = 0.85
#: Our romanisation of a syllabic script (Chinese, Japanese, Korean ...) against a Latin
#: spelling: below this spelling similarity they are other syllables ("Jianhua" is not
#: "Xianhua"); the conventions' variants are :func:`romanised` syllables.
SYLLABLE_SPELLING = 0.95
#: Similarity of a token to a longer one it begins ("Tech" ~ "Technologies").
ABBREVIATION_SIMILARITY = 0.8
#: Similarity of two spellings that differ only by transliteration convention.
TRANSLIT_SIMILARITY = 0.95
#: The same, when one side was written in Cyrillic ("Сергей" ~ "Sergey").
CYRILLIC_TRANSLIT_SIMILARITY = 0.99
#: Similarity of two name particles of one class ("bin" ~ "ibn" ~ "bn").
PARTICLE_SIMILARITY = 0.9
#: Similarity of an acronym to the words it abbreviates ("GW" ~ "Golden Warriors").
ACRONYM_SIMILARITY = 0.85
#: Similarity of a given name and its short form ("Bob" ~ "Robert", "Sasha" ~ "Aleksandr"):
#: strong evidence, not exact (vocab/given_names*.csv).
GIVEN_NAME_SIMILARITY = 0.9
#: An initial against a word it begins ("V" ~ "Vasilyevich", "K M" ~ "Khan Mohammad"):
#: just enough to align, weak evidence.
INITIAL_SIMILARITY = 0.8
#: Aligned tokens less similar than this count as unmatched.
MIN_TOKEN_SIMILARITY = 0.78


@lru_cache(maxsize=262_144)
def token_similarity(q: Token, c: Token) -> tuple[float, str]:
    """Similarity of two tokens in [0, 1] and which test gave it (memoised: list tokens
    and query tokens repeat).

    The best of: exact equality; spelling (mean of Jaro-Winkler and optimal-string-
    alignment similarity, so one typo or one swap of neighbours costs little); a shared
    phonetic skeleton, in full when either token was written in an abjad (no vowels) or
    in Cyrillic or Greek (with a skeleton of four or more consonants and a spelling not
    far off: "Текнолоджиз" ~ "Technologies"), else
    only as :data:`LATIN_PHONETIC_BONUS` on an already close spelling; two particles
    of one class; an initial ("J" for "John"); an abbreviation ("Tech" for
    "Technologies"). A legal form only ever matches a legal form.
    """
    if q.text == c.text:
        return (1.0, "exact") if q.legal == c.legal else (0.0, "different")
    if q.legal != c.legal:
        return 0.0, "different"
    if (
        len(q.text) > 1
        and len(c.text) > 1
        and (particle_class(q.text) == "article") != (particle_class(c.text) == "article")
    ):
        # An article ("al", "el") is no name word: "علي" (Ali) is not the "al" of AL-HISN,
        # however alike their consonants.
        return 0.0, "different"
    if _digits(q.text) != _digits(c.text):
        return 0.0, "different number"
    roman_q, roman_c = romanised(q.text), romanised(c.text)
    if (roman_q is not None and roman_q == roman_c) or korean_alike(q.text, c.text):
        return ROMANISATION_SIMILARITY, "romanisation"
    best, how = 0.0, "different"
    spelling = (
        JaroWinkler.normalized_similarity(q.text, c.text)
        + OSA.normalized_similarity(q.text, c.text)
    ) / 2
    if (
        (q.text[0] == c.text[0] or len(q.text) > 2)
        and (spelling >= SYLLABLE_SPELLING or "other" not in (q.script, c.script))
        and not (q.text[0] != c.text[0] and max(len(q.text), len(c.text)) <= 4)
    ):
        # (two short words that begin apart are other words: "Jong" is not "Song",
        # "Tong" not "Jong")
        best, how = spelling, "spelling"
    if len(q.text) > 3 and len(c.text) > 3 and best < TRANSLIT_SIMILARITY:
        a, b = translit_canonical(q.text), translit_canonical(c.text)
        if a == b:
            # Against a name written in Cyrillic, our transliteration is one convention
            # among several: another convention's spelling is as good as exact.
            cyrillic = "cyrillic" in (q.script, c.script)
            best = CYRILLIC_TRANSLIT_SIMILARITY if cyrillic else TRANSLIT_SIMILARITY
            how = "transliteration"
    shared = q.skeletons & c.skeletons
    if shared:
        length = max(len(s) for s in shared)
        if (
            "abjad" in (q.script, c.script)
            and (length > 2 or consonants_close(q, c))
            and not one_consonant_changed(q, c)
        ) or (
            "cyrillic" in (q.script, c.script)
            and length >= 4
            and spelling >= 0.55
            and _vowels_agree(q.text, c.text)
        ):
            phonetic, kind = PHONETIC_SIMILARITY[min(length, 5)], "phonetic"
        elif spelling >= 0.7 and "other" not in (q.script, c.script):
            # (a romanised syllable sounding like another is another: "sang" ~ "song")
            phonetic, kind = min(spelling + LATIN_PHONETIC_BONUS, 0.93), "spelling+sound"
        else:
            phonetic, kind = 0.0, ""
        if phonetic > best:
            best, how = min(phonetic, 0.99), kind
    if (q.script == "abjad") != (c.script == "abjad") and spelt_alike(q, c):
        # An abjad writes long vowels only: compare the consonants as spelt.
        consonantal = consonantal_similarity(q, c)
        # Consonants are what an abjad writes: one of them changed is another name
        # ("Shavit" is not "Shubin"), where a doubled or alike letter is not.
        if consonantal >= CONSONANTAL_FLOOR and consonantal > best:
            best, how = consonantal, "consonants"
    particle = particle_class(q.text)
    if particle is not None and particle == particle_class(c.text) and best < PARTICLE_SIMILARITY:
        best, how = PARTICLE_SIMILARITY, "particle"
    if (
        (len(q.text) == 1 or len(c.text) == 1)
        and q.text[0] == c.text[0]
        and best < INITIAL_SIMILARITY
        and "abjad" not in (q.script, c.script)  # an abjad spelling's first letter is a guess
    ):
        best, how = INITIAL_SIMILARITY, "initial"
    short, long_ = sorted((q.text, c.text), key=len)
    if (
        best < ABBREVIATION_SIMILARITY
        and len(short) >= 3
        and long_.startswith(short)
        and "other" not in (q.script, c.script)  # romanised syllables are not abbreviations
    ):
        best, how = ABBREVIATION_SIMILARITY, "abbreviation"
    if best < GIVEN_NAME_SIMILARITY and q.kind == c.kind == "word":
        q_full, c_full = given_name_groups(q.text), given_name_groups(c.text)
        if q_full & c_full or q.text in c_full or c.text in q_full:
            best, how = GIVEN_NAME_SIMILARITY, "given-name variant"
    return best, how


_NOT_VOWELS = re.compile(r"[^aeiouy]+")


def _vowels_agree(a: str, b: str) -> bool:
    """Cyrillic writes its vowels: two spellings of one name across Latin and Cyrillic keep
    their vowels in order ("Текнолоджиз" ~ "Technologies"), where two names that only
    share consonants do not ("Кандиру" is not "Chandra")."""
    return Indel.normalized_similarity(_NOT_VOWELS.sub("", a), _NOT_VOWELS.sub("", b)) >= 0.6


_NOT_DIGITS = re.compile(r"\D+")


@lru_cache(maxsize=100_000)
def _digits(text: str) -> str:
    """The digits of a token, in order: numbers must agree exactly ("11421" is not
    "11420"), so two tokens whose digits differ never match."""
    return _NOT_DIGITS.sub("", text) if any(ch.isdigit() for ch in text) else ""


#: Syllables that Korean, Chinese and Vietnamese names are romanised with in several
#: ways (McCune-Reischauer, Revised Romanisation, Wade-Giles, pinyin, and the spellings
#: people choose): each group is one syllable. Sources: the romanisation tables of the
#: Korean Revised Romanization (2000) and McCune-Reischauer systems as the OFAC and UN
#: lists apply them to the same persons ("RI, Su Yong" / "Ri Soo Yong").
_SYLLABLES = (
    ("li", "lee", "rhee", "ri", "ree", "rhie", "yi"), ("pak", "park", "bak"),
    ("choe", "choi", "chwe"), ("jong", "jeong", "chong", "chung", "jung", "joung"),
    ("kim", "gim"), ("kang", "gang"), ("cho", "jo", "joe"), ("yun", "yoon"),
    ("sin", "shin"), ("ryu", "yu", "yoo", "ryoo"), ("an", "ahn"), ("kwon", "gwon"),
    ("o", "oh"), ("so", "seo", "suh"), ("su", "soo"), ("yo", "yeo", "yeoh"),
    ("chol", "cheol", "chul"), ("hyok", "hyeok", "hyuk"),
    ("kyong", "kyung", "gyeong", "kyeong", "gyong"), ("myong", "myung", "myeong"),
    ("yong", "yeong", "young"), ("hyon", "hyun", "hyeon"), ("sok", "seok", "suk"),
    ("song", "seong"), ("kwang", "gwang"), ("gil", "kil"), ("dok", "deok", "tok"),
    ("chon", "cheon", "jeon", "chun"), ("hui", "hee", "hi"), ("il", "ill"),
    ("zhang", "chang"), ("zhou", "chou"), ("zhu", "chu"), ("jiang", "chiang"),
    ("un", "eun"), ("ryong", "ryeong"), ("pyong", "byeong", "pyeong", "byong"),
    ("cai", "tsai"), ("cao", "tsao"), ("xu", "hsu"), ("qian", "chien"), ("zheng", "cheng"),
)  # fmt: skip
_SYLLABLE = {spelling: group[0] for group in _SYLLABLES for spelling in group}
#: Similarity of two romanisations of one syllable ("Soo" ~ "Su").
ROMANISATION_SIMILARITY = 0.92


def romanised(text: str) -> str | None:
    """The syllable a short romanised token stands for (``soo`` -> ``su``), or ``None``."""
    return _SYLLABLE.get(text) if len(text) <= 6 else None


_MR_INITIAL = {"g": "k", "d": "t", "b": "p", "j": "ch"}


def korean_alike(a: str, b: str) -> bool:
    """Whether two short tokens, one with the Revised Romanisation's ``eo``, are one Korean
    syllable in the two systems the lists use: RR ``eo``/``eu`` are McCune-Reischauer's
    ``ŏ``/``ŭ``, written ``o``/``u`` without the breve, and RR's voiced initials g, d, b, j
    are MR's k, t, p, ch ("geon" ~ "gon" ~ "kon", 건; "deok" ~ "tok"). Source: the two
    systems' tables (National Institute of Korean Language, 2000; McCune-Reischauer 1939)."""
    if ("eo" not in a and "eo" not in b) or max(len(a), len(b)) > 6:
        return False

    def key(text: str) -> str:
        text = text.replace("eo", "o").replace("eu", "u")
        return _MR_INITIAL.get(text[:1], text[:1]) + text[1:]

    return a.isalpha() and b.isalpha() and key(a) == key(b)


@lru_cache(maxsize=131_072)
def join_tokens(a: Token, b: Token) -> Token:
    script = a.script if a.script == b.script else "other"
    return Token(
        a.text + b.text, frozenset(x + y for x in a.skeletons for y in b.skeletons), script
    )


#: A joined group is an option only at this similarity or above
#: (:func:`~exportguard.core.alignment.align`).
JOIN_SIMILARITY = 0.85


def join_similarity(q: Token, c: Token, particle_join: bool) -> tuple[float, str]:
    """Similarity of token groups of which at least one is joined: spelling evidence
    only, unless a name particle was joined ("bd"+"alrhmn" ~ "abdul"+"rahman"), where the
    sound counts too (joined skeletons of ordinary words match by chance too often).

    Exact at :data:`JOIN_SIMILARITY` and above; below it, which value is given does not
    matter (no option is made). So when spelling cannot reach it, only the tests that do
    not look at spelling are run (:func:`_unspelt_similarity`): two thirds of the joined
    comparisons of a screening, and the most of its time (issue 12)."""
    if not particle_join and "abjad" not in (q.script, c.script):
        short, long_ = sorted((len(q.text), len(c.text)))
        # Spelling (Jaro-Winkler + OSA) / 2 is at most (1 + short / long) / 2, as OSA
        # similarity is at most short / long: below 0.7 it cannot reach 0.85.
        if short < 0.7 * long_:
            return _unspelt_similarity(q, c)
    sim, how = token_similarity(q, c)
    few = (
        how == "consonants"
        and min(
            len(devowel(q.text)),
            len(devowel(c.text)),
        )
        < 4
    )  # three consonants joined from two words match by chance ("علي نور" ~ Leonor)
    if (how in ("phonetic", "spelling+sound", "abbreviation") or few) and not particle_join:
        spelling = (
            JaroWinkler.normalized_similarity(q.text, c.text)
            + OSA.normalized_similarity(q.text, c.text)
        ) / 2
        return spelling, "spelling"
    return sim, how


def _unspelt_similarity(q: Token, c: Token) -> tuple[float, str]:
    """:func:`token_similarity` where spelling cannot reach :data:`JOIN_SIMILARITY`
    (neither side in an abjad, no particle joined): what its other tests give at that
    level or above (romanisation, transliteration, particles, given names), else
    ``(0.0, "different")``. Sound-alike tests are left out: of a joined group they
    count only as spelling (:func:`join_similarity`); initials and abbreviations stay
    below the level."""
    if q.legal != c.legal:
        return 0.0, "different"
    digits_q, roman_q, canon_q, particle_q, given_q = _unspelt_key(q)
    digits_c, roman_c, canon_c, particle_c, given_c = _unspelt_key(c)
    if digits_q != digits_c:
        return 0.0, "different"
    if (roman_q is not None and roman_q == roman_c) or korean_alike(q.text, c.text):
        return ROMANISATION_SIMILARITY, "romanisation"
    if canon_q is not None and canon_q == canon_c:
        cyrillic = "cyrillic" in (q.script, c.script)
        return (
            CYRILLIC_TRANSLIT_SIMILARITY if cyrillic else TRANSLIT_SIMILARITY
        ), "transliteration"
    if particle_q is not None and particle_q == particle_c:
        return PARTICLE_SIMILARITY, "particle"
    if (
        given_q is not None
        and given_c is not None
        and (given_q & given_c or q.text in given_c or c.text in given_q)
    ):
        return GIVEN_NAME_SIMILARITY, "given-name variant"
    return 0.0, "different"


@lru_cache(maxsize=262_144)
def _unspelt_key(
    t: Token,
) -> tuple[str, str | None, str | None, str | None, frozenset[str] | None]:
    """What :func:`_unspelt_similarity` compares of a token, computed once: (digits,
    romanised syllable, transliteration-canonical spelling of a word over three letters,
    particle class, given-name groups of a name word)."""
    text = t.text
    return (
        _digits(text),
        romanised(text),
        translit_canonical(text) if len(text) > 3 else None,
        particle_class(text),
        given_name_groups(text) if t.kind == "word" else None,
    )


def is_particle(token: Token) -> bool:
    return particle_class(token.text) is not None


def joinable(token: Token) -> bool:
    """Legal forms and titles are never fused with a neighbour ("trading llc"): they only
    ever match their own kind, once."""
    return token.kind not in ("legal", "title")


def initials_of(tokens: Sequence[Token]) -> str:
    return "".join(t.text[0] for t in tokens)
