"""Scoring a query against one listed name, and explaining the score.

The algorithm is a declared list of small feature functions (:data:`FEATURES`). Each
returns a value and a human-readable detail; its contribution is ``weight * value``; the
score is the sum, clipped to [0, 1]. The docstring of each feature is its published
explanation (``exportguard screen --explain`` prints them).

The name feature does the real work: it aligns query tokens with candidate tokens one to
one (order-free, so "Putin Vladimir" finds "Vladimir Putin"), allows one token to match two
adjacent ones joined ("Abd Allah" ~ "Abdullah"), and weighs each token by its rarity in
the index so that "Group", "Trading" or "Mohammed" count for less than "Candiru".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import OSA, Indel, JaroWinkler

from exportguard.core.entities import AliasQuality, EntityType
from exportguard.core.identifiers import identifier_variants
from exportguard.core.name_tokens import NameForm, Token
from exportguard.core.name_vocab import given_name_groups, particle_class
from exportguard.core.names import legal_family
from exportguard.core.translit import translit_canonical


@dataclass(frozen=True, slots=True)
class Query:
    """What is being screened: a name and optional qualifiers."""

    name: str
    form: NameForm
    country: str | None = None
    type: EntityType | None = None
    birth_date: str | None = None
    identifiers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Candidate:
    """One listed name of one entry, with what the features need of the entry."""

    name: str
    form: NameForm
    quality: AliasQuality
    entry_type: EntityType
    countries: tuple[str, ...]
    birth_dates: tuple[str, ...]
    identifiers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FeatureResult:
    """One feature's verdict on one (query, candidate) pair."""

    feature: str
    value: float
    weight: float
    detail: str

    @property
    def contribution(self) -> float:
        return self.weight * self.value


class TokenPair(NamedTuple):
    """Query token(s) aligned with candidate token(s), and how they matched."""

    query: str
    candidate: str
    similarity: float
    how: str


class Unmatched(NamedTuple):
    """A word of one name that no word of the other matched, with its kind
    (:data:`exportguard.core.name_tokens.KINDS`)."""

    text: str
    kind: str


@dataclass(frozen=True, slots=True)
class Scored:
    """A score with every feature that went into it; ``query_only`` and ``list_only``
    are the words of the name screened and of the listed name left unmatched,
    for explanations in plain words (``core.explain``)."""

    score: float
    features: tuple[FeatureResult, ...]
    pairs: tuple[TokenPair, ...]
    query_only: tuple[Unmatched, ...] = ()
    list_only: tuple[Unmatched, ...] = ()


TokenWeight = Callable[[Token], float]

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
    if _digits(q.text) != _digits(c.text):
        return 0.0, "different number"
    roman_q, roman_c = romanised(q.text), romanised(c.text)
    if roman_q is not None and roman_q == roman_c:
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
            and (length > 2 or _consonants_close(q, c))
            and not _one_consonant_changed(q, c)
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
    if (q.script == "abjad") != (c.script == "abjad"):
        # An abjad writes long vowels only: compare the consonants as spelt.
        a = _devowel(q.text, abjad=q.script == "abjad")
        b = _devowel(c.text, abjad=c.script == "abjad")
        if a == b and a:  # the same consonants: as close as an abjad spelling gets
            consonantal = 0.95 if len(a) > 2 else 0.85
        else:
            consonantal = min(
                _spelling(_alike(a), _alike(b)),
                0.9 if min(len(a), len(b)) > 2 else 0.8,
            )
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


def _consonants_close(q: Token, c: Token) -> bool:
    """Whether two tokens' consonants as spelt are alike (spelling >= 0.6, an article and
    the letters one abjad letter stands for aside). A skeleton of one or two consonant
    classes is no evidence alone across an abjad: ف is f and never b ("Fida" is not
    "Abd"), ه and ح are consonants ("Maedeh" is not "Muhammad")."""
    a = _devowel(_ARTICLE.sub("", q.text), abjad=q.script == "abjad")
    b = _devowel(_ARTICLE.sub("", c.text), abjad=c.script == "abjad")
    return _spelling(_alike(a), _alike(b)) >= 0.6


def _one_consonant_changed(q: Token, c: Token) -> bool:
    """Whether two tokens' consonants as spelt (an article, vowels and the letters one
    abjad letter stands for aside) differ in exactly one consonant, in place: another
    name, however alike they sound ("Kontur" is not קנדירו, Kandiru: an abjad writes d and t
    with letters of their own). The sound classes merge such pairs; the letters do not."""
    a, b = (
        _alike(_devowel(
            _SOFT_C.sub("s", _ARTICLE.sub("", t.text)).replace("ch", "C"),
            abjad=t.script == "abjad"))
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
    return _DOUBLED.sub(r"\1", digraphs.translate(_ABJAD_ALIKE))


_DOUBLED = re.compile(r"(.)\1+")
#: An Arabic article joined to its word ("al-Tayyib" written الطيب), left out here.
_ARTICLE = re.compile(r"^[ae]l(?=\w{3})")
#: Latin letters one abjad letter is written as (ک/گ/ق/ج as k, g, q, j; پ/ب as p, b;
#: و as w, v); ف stays f, and س, ز, د are letters of their own ("Hazan" is not "Hassan").
_ABJAD_ALIKE = str.maketrans("gqjcpv", "kkkkbw")


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
    ("li", "lee", "rhee", "ri", "ree", "rhie"), ("pak", "park", "bak"),
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


def _spelling(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return (JaroWinkler.normalized_similarity(a, b) + OSA.normalized_similarity(a, b)) / 2


_VOWELS = str.maketrans("", "", "aeiou")
_ABJAD_VOWELS = str.maketrans("", "", "aeiouwy")


def _devowel(text: str, *, abjad: bool = False) -> str:
    """Consonants as spelt; for an abjad token its vowel letters (alif, waw, ya) go too,
    except a first letter."""
    if abjad and len(text) > 1:
        return text[0].translate(_VOWELS) + text[1:].translate(_ABJAD_VOWELS)
    return text.translate(_VOWELS)


@lru_cache(maxsize=131_072)
def _joined(a: Token, b: Token) -> Token:
    script = a.script if a.script == b.script else "other"
    return Token(
        a.text + b.text, frozenset(x + y for x in a.skeletons for y in b.skeletons), script
    )


#: A joined group is an option only at this similarity or above (:func:`align`).
JOIN_SIMILARITY = 0.85


def _join_similarity(q: Token, c: Token, particle_join: bool) -> tuple[float, str]:
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
    if how in ("phonetic", "spelling+sound", "abbreviation") and not particle_join:
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
    count only as spelling (:func:`_join_similarity`); initials and abbreviations stay
    below the level."""
    if q.legal != c.legal:
        return 0.0, "different"
    digits_q, roman_q, canon_q, particle_q, given_q = _unspelt_key(q)
    digits_c, roman_c, canon_c, particle_c, given_c = _unspelt_key(c)
    if digits_q != digits_c:
        return 0.0, "different"
    if roman_q is not None and roman_q == roman_c:
        return ROMANISATION_SIMILARITY, "romanisation"
    if canon_q is not None and canon_q == canon_c:
        cyrillic = "cyrillic" in (q.script, c.script)
        return (
            CYRILLIC_TRANSLIT_SIMILARITY if cyrillic else TRANSLIT_SIMILARITY
        ), "transliteration"
    if particle_q is not None and particle_q == particle_c:
        return PARTICLE_SIMILARITY, "particle"
    if given_q is not None and given_c is not None and (
        given_q & given_c or q.text in given_c or c.text in given_q
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


def _is_particle(token: Token) -> bool:
    return particle_class(token.text) is not None


def _joinable(token: Token) -> bool:
    """Legal forms and titles are never fused with a neighbour ("trading llc"): they only
    ever match their own kind, once."""
    return token.kind not in ("legal", "title")


def _initials(tokens: Sequence[Token]) -> str:
    return "".join(t.text[0] for t in tokens)


Alignment = list[tuple[tuple[int, ...], tuple[int, ...], float, str]]
_Option = tuple[float, tuple[int, ...], tuple[int, ...], str]


def _greedy(options: list[_Option]) -> Alignment:
    options.sort(key=lambda o: (-o[0], len(o[1]) + len(o[2])))
    used_q: set[int] = set()
    used_c: set[int] = set()
    chosen: Alignment = []
    for sim, qi, ci, how in options:
        if used_q.isdisjoint(qi) and used_c.isdisjoint(ci):
            used_q.update(qi)
            used_c.update(ci)
            chosen.append((qi, ci, min(sim, 1.0), how))
    return chosen


def align(query: Sequence[Token], cand: Sequence[Token]) -> Alignment:
    """Greedy one-to-one alignment of token groups, best similarity first.

    A group is one token, two adjacent tokens joined (either side or both: "Abd Allah" ~
    "Abdullah"), or the run of words an acronym stands for ("GW" ~ "Golden Warriors").
    Groups are only tried when single tokens leave a query token unmatched or weakly
    matched. Returns (query indexes, candidate indexes, similarity, how) per group.
    """
    options: list[_Option] = []
    for i, q in enumerate(query):
        for j, c in enumerate(cand):
            sim, how = token_similarity(q, c)
            short = min(len(q.text), len(c.text)) <= 3
            romanised = "other" in (q.script, c.script)  # pinyin, romaji: one letter off
            if sim >= MIN_TOKEN_SIMILARITY and not (  # is another syllable, another name
                how == "spelling" and ((sim < 0.85 and short) or (sim < 0.9 and romanised))
            ):  # one letter off in a short word ("Lin" ~ "Li") is another word
                options.append((sim, (i,), (j,), how))
    chosen = _greedy(options[:])
    weak_q = set(range(len(query))) - {i for qi, _, sim, _ in chosen if sim >= 0.85 for i in qi}
    if not weak_q:
        return chosen  # every query token matched well: grouping could not improve it
    strong_c = {j for _, ci, sim, _ in chosen if sim >= 0.85 for j in ci}
    c_pairs = [(j, _joined(cand[j], cand[j + 1]), _is_particle(cand[j]) or
                _is_particle(cand[j + 1])) for j in range(len(cand) - 1)
               if not (j in strong_c and j + 1 in strong_c)
               and _joinable(cand[j]) and _joinable(cand[j + 1])]  # fmt: skip
    for i in weak_q:
        q = query[i]
        for j, joined_c, particle in c_pairs:
            sim, how = _join_similarity(q, joined_c, particle)
            if sim >= JOIN_SIMILARITY:
                options.append((sim + 0.001, (i,), (j, j + 1), "joined " + how))
        if q.latin and 3 <= len(q.text) <= 6 and q.text.isalpha():
            for j in range(len(cand) - len(q.text) + 1):
                run = cand[j : j + len(q.text)]
                if _initials(run) == q.text and not strong_c.intersection(range(j, j + len(run))):
                    options.append(
                        (ACRONYM_SIMILARITY, (i,), tuple(range(j, j + len(run))), "acronym")
                    )
    for i in range(len(query) - 1):
        if i not in weak_q and i + 1 not in weak_q:
            continue
        if not (_joinable(query[i]) and _joinable(query[i + 1])):
            continue
        joined = _joined(query[i], query[i + 1])
        q_particle = _is_particle(query[i]) or _is_particle(query[i + 1])
        for j, c in enumerate(cand):
            if j in strong_c:
                continue
            sim, how = _join_similarity(joined, c, q_particle)
            if sim >= JOIN_SIMILARITY:
                options.append((sim + 0.001, (i, i + 1), (j,), "joined " + how))
        for j, joined_c, c_particle in c_pairs:
            sim, how = _join_similarity(joined, joined_c, q_particle and c_particle)
            if sim >= JOIN_SIMILARITY:
                options.append((sim + 0.002, (i, i + 1), (j, j + 1), "joined " + how))
    for j, c in enumerate(cand):  # an acronym in the list for words in the query
        if j in strong_c or not (3 <= len(c.text) <= 6 and c.text.isalpha() and c.latin):
            continue
        for i in range(len(query) - len(c.text) + 1):
            run = query[i : i + len(c.text)]
            if _initials(run) == c.text and weak_q.issuperset(range(i, i + len(run))):
                options.append((ACRONYM_SIMILARITY, tuple(range(i, i + len(run))), (j,), "acronym"))
    return _greedy(options)


#: How much of the name value stands when none of the listed name is covered, by entry
#: type: a person is not identified by one of their names ("Castro" is not "Jorge
#: CASTRO"), while organisations are routinely named by a part of their name ("Spectrum
#: Holding" for "Spectrum Investment Group Holding SAL").
LIST_COVERAGE_FLOOR = {EntityType.PERSON: 0.45, EntityType.ORGANIZATION: 0.7}
#: A match needs at least one token pair this similar, or its value is discounted.
STRONG_PAIR = 0.9
#: Weight of a legal-form token ("llc", "jsc") or a title ("dr", "haji"): present, but a
#: weak signal.
LEGAL_WEIGHT = 0.1
#: What an unmatched token costs, relative to its weight, by what it is: a person's middle
#: name or patronymic; a link of a lineage chain ("bin Muhammad bin Awad", "ould X",
#: "abu X"), which lists and people write or leave out at will; a generic company word.
MIDDLE_COST = 0.35
CHAIN_COST = 0.15
GENERIC_COST = 0.3
#: A generic company word weighs at most this, however rare ("Petrochemical").
GENERIC_WEIGHT = 0.25
#: A legal form or title on one side only ("OAO Rosneft" for "Rosneft"): nearly free.
FORM_COST = 0.3
#: The name value is at most this when no distinctive word of the listed name was matched
#: (only titles, legal forms, particles or generic company words): "General Trading LLC"
#: is no evidence of ADOON GENERAL TRADING L.L.C.
NON_DISTINCTIVE_CAP = 0.5
_CHAIN_PARTICLES = frozenset({"son-of", "daughter-of", "family-of", "father-of"})
#: East Slavic and Turkic patronymics as transliterated: -ovich, -evich, -avich (Belarusian),
#: -ovna, -evna, -avna, -ichna, -ogly/-oglu, -kyzy ("Sergey Kuzhugetovich Shoygu", "Ilham
#: Heydar oglu Aliyev").
_PATRONYMIC = re.compile(r"(?:[oea]vich|[oea]vna|ichna|ovych|ivna|o[gh]l[yu]|kyzy|qizi)$")
#: The short -ich patronymics of given names in -a/-ya (Ilya, Kuzma, Luka, Foma, Nikita,
#: Savva): "AIBABIN Alexander Ilyich". Only in a name of three or more words, as Serbian
#: and Croatian surnames are written alike (Ilić, Lukić).
_SHORT_PATRONYMIC = re.compile(r"^(?:il+y?ich|kuzmich|lukich|fomich|nikitich|savvich)$")


def _patronymic(tokens: Sequence[Token], i: int) -> bool:
    """Whether token ``i`` of a person's name is a patronymic."""
    text = tokens[i].text
    return bool(_PATRONYMIC.search(text)) or (
        len(tokens) >= 3 and bool(_SHORT_PATRONYMIC.match(text))
    )


def _costs(
    tokens: Sequence[Token],
    used: set[int],
    person: bool,
    against: EntityType,
    *,
    listed: bool = False,
    syllabic: bool = False,
) -> list[float]:
    """Cost factor of each unmatched token (see :data:`MIDDLE_COST`); 0 for matched ones.
    ``person``: the tokens are a person's name; ``against``: the listed entry's type (a
    query's company words are not cheap against a person, nor its titles against an
    organisation); ``listed``: the tokens are the listed name's (a middle word in any
    position); ``syllabic``: a name in a syllabic script, where no syllable is a middle
    name."""
    out = [0.0] * len(tokens)
    chain = False
    for i, t in enumerate(tokens):
        cls = particle_class(t.text)
        if i in used:
            chain = cls in _CHAIN_PARTICLES
            continue
        if person and cls in _CHAIN_PARTICLES and i < len(tokens) - 1:
            out[i], chain = CHAIN_COST, True
            continue
        if person and chain and cls == "article":  # "bin Al Falih": the chain goes on
            out[i] = CHAIN_COST
            continue
        if person and chain and cls is None:
            out[i], chain = CHAIN_COST, False
            continue
        chain = False
        if cls == "article":
            # "al", "el", "ad" ...: written apart, joined ("Al Tikriti" ~ "Altikriti") or
            # left out at will; it says nothing of who the party is.
            out[i] = CHAIN_COST
        elif t.kind == "legal" or (t.kind == "title" and against is not EntityType.ORGANIZATION):
            out[i] = FORM_COST
        elif person and i > 0 and _patronymic(tokens, i):
            out[i] = CHAIN_COST  # a patronymic ("Kuzhugetovich"), like a lineage link
        elif person and i + 1 < len(tokens) and _patronymic(tokens, i + 1):
            # The given name before its patronymic, in either order ("Sergey Kuzhugetovich
            # SHOYGU", "SMITH Dmitry Vyacheslavovich"): a given name, never a middle name.
            out[i] = 1.0
        elif t.kind == "generic" and against is not EntityType.PERSON:
            out[i] = GENERIC_COST
        elif person and not syllabic and (0 < i < len(tokens) - 1 or (listed and len(tokens) > 2)):
            # A middle name or a second surname; in the listed name wherever the list
            # writes it: "GUZMAN LOERA, Joaquin", "MUGABE, Robert Gabriel", "Joaquin
            # GUZMAN LOERA" alike (a query's own words at its ends are what it says).
            out[i] = MIDDLE_COST
        else:
            out[i] = 1.0
    return out


def _syllables_alike(tokens: Sequence[Token], weights: list[float]) -> list[float]:
    """``weights`` with every name word at 1.0 (legal forms and titles keep theirs)."""
    return [1.0 if t.kind == "word" else w for t, w in zip(tokens, weights, strict=True)]


def _unmatched(
    tokens: Sequence[Token],
    weights: list[float],
    used: set[int],
    against: EntityType,
    *,
    syllabic: bool,
    listed: bool,
) -> float:
    """The weight the unmatched tokens cost (:func:`_costs`); in a syllabic name no
    syllable is a middle name."""
    costs = _costs(
        tokens, used, against is EntityType.PERSON, against, listed=listed, syllabic=syllabic
    )
    return sum(w * f for w, f in zip(weights, costs, strict=True))


def _weight(t: Token, weight_of: TokenWeight) -> float:
    if t.kind in ("legal", "title"):
        return LEGAL_WEIGHT
    if t.kind == "generic":
        return min(GENERIC_WEIGHT, weight_of(t))
    return weight_of(t)


NameResult = tuple[float, str, tuple[TokenPair, ...], tuple[tuple[Unmatched, ...], ...]]


def name_feature(query: Query, cand: Candidate, weight_of: TokenWeight) -> NameResult:
    """How much of both names is covered by aligned tokens, weighted by token rarity.

    ``query coverage`` is the weighted similarity of aligned tokens over all query tokens
    (an unexplained query token costs a lot: the query says something the list does not);
    ``list coverage`` is the share of the candidate's token weight that is aligned. An
    unmatched token costs its weight times a factor: a person's middle names
    :data:`MIDDLE_COST`, the links of a lineage chain ("bin Muhammad bin Awad") and
    patronymics ("Kuzhugetovich", in any script) :data:`CHAIN_COST`, generic company
    words :data:`GENERIC_COST` (not against a person), legal forms and titles (which weigh
    :data:`LEGAL_WEIGHT`; titles not against an organisation) :data:`FORM_COST`; a generic word
    weighs at most :data:`GENERIC_WEIGHT`. The value is query coverage x (f + (1 - f) x
    list coverage), f from :data:`LIST_COVERAGE_FLOOR`: the query must be explained, and
    for a person most of the listed name too, so one shared surname ("Castro" for "Jorge
    CASTRO") is not a match. When the whole query is one approximate token match
    ("Rogner" ~ "Ragnar"), or no token pair reaches :data:`STRONG_PAIR`, the value is
    multiplied by the best pair's similarity once more. When no distinctive word of the
    listed name matched, the value is at most :data:`NON_DISTINCTIVE_CAP` (and when the
    listed name has none, when any of its words is unmatched).

    Returns the value, the detail, the aligned pairs and the unmatched words of the
    query and of the listed name.
    """
    return _name_value(query.form.tokens, cand.form.tokens, cand.entry_type, weight_of)


@lru_cache(maxsize=16_384)
def _name_value(
    qt: tuple[Token, ...], ct: tuple[Token, ...], entry_type: EntityType, weight_of: TokenWeight
) -> NameResult:
    """:func:`name_feature` on the tokens alone (memoised: one listed name is often on
    several lists, or several rows of one, and a batch repeats names)."""
    if not qt or not ct:
        return 0.0, "no comparable tokens", (), ((), ())
    chosen = align(qt, ct)
    cw = [_weight(t, weight_of) for t in ct]
    qw = [_weight(t, weight_of) for t in qt]
    person = entry_type is EntityType.PERSON
    # A person's name in a syllabic script (Chinese, Korean ...): every syllable is the
    # name, however common ("马丽丽", Ma Lili, is not MA LI; Wei Guiying is not WEI Hsueh
    # Ying), so each weighs alike and none is a middle name.
    syllabic = person and any(t.script == "other" for t in qt)
    if syllabic:
        cw, qw = _syllables_alike(ct, cw), _syllables_alike(qt, qw)
    matched = 0.0
    pairs: list[TokenPair] = []
    used_q: set[int] = set()
    used_c: set[int] = set()
    for qi, ci, sim, how in chosen:
        matched += sim * sum(cw[j] for j in ci)
        used_q.update(qi)
        used_c.update(ci)
        pairs.append(
            TokenPair(
                " ".join(qt[i].text for i in qi),
                " ".join(ct[j].text for j in ci),
                round(sim, 3),
                how,
            )
        )
    aligned_w = sum(cw[j] for j in used_c)
    free_q = _unmatched(qt, qw, used_q, entry_type, syllabic=syllabic, listed=False)
    free_c = _unmatched(ct, cw, used_c, entry_type, syllabic=syllabic, listed=True)
    q_cov = matched / (aligned_w + free_q) if aligned_w + free_q else 0.0
    c_cov = aligned_w / (aligned_w + free_c) if aligned_w + free_c else 0.0
    floor = LIST_COVERAGE_FLOOR.get(entry_type, 0.5)
    value = q_cov * (floor + (1 - floor) * c_cov)
    best_pair = max((a[2] for a in chosen), default=0.0)
    # Pairs of name words (not legal forms or titles), and the query's name words.
    core = [a for a in chosen if any(qt[i].kind not in ("legal", "title") for i in a[0])]
    core_q = sum(1 for t in qt if t.kind not in ("legal", "title"))
    if (
        len(core) == 1
        and len(core[0][0]) == core_q
        and core[0][2] < 1.0
        and not (core[0][3] == "phonetic" and core[0][2] >= STRONG_PAIR)
    ):
        # The whole evidence is one approximate token match (legal forms and titles
        # aside): it counts twice against (a long skeleton shared across scripts,
        # "קנדירו" ~ "Candiru", is strong enough).
        value *= core[0][2]
    elif best_pair < STRONG_PAIR:
        # No token matched strongly (only sounds-alike): weak evidence counts twice.
        value *= best_pair
    detail = ", ".join(f"{p.query}~{p.candidate} ({p.how} {p.similarity:.2f})" for p in pairs)
    if any(_distinctive(t) for t in ct):
        if not any(_distinctive(ct[j]) for _, ci, _, _ in chosen for j in ci):
            value = min(value, NON_DISTINCTIVE_CAP)
            detail += _NO_DISTINCTIVE
    elif any(not t.legal and j not in used_c for j, t in enumerate(ct)):
        # A listed name of company words only ("Asia International Trading Company") is
        # distinguished by all of them: each must be matched.
        value = min(value, NON_DISTINCTIVE_CAP)
        detail += "; a listed name of company words only, not all of them matched"
    if chosen and all(len(qt[i].text) == 1 for qi, _, _, _ in chosen for i in qi):
        # Only single letters of the query matched ("x" ~ "E. X. Co", "K M" ~ "K. M.
        # Trading"): an initial says who a party is only beside a name.
        value = min(value, NON_DISTINCTIVE_CAP)
        detail += "; only single letters matched"
    if any(qt[i].kind == "number" for i in range(len(qt)) if i not in used_q) and any(
        ct[j].kind == "number" for j in range(len(ct)) if j not in used_c
    ):
        # Numbers must agree: "SCHOOL № 33" is not "SCHOOL № 32", however long the rest.
        value = min(value, NON_DISTINCTIVE_CAP)
        detail += "; the numbers differ"
    free = (
        tuple(Unmatched(qt[i].text, qt[i].kind) for i in range(len(qt)) if i not in used_q),
        tuple(Unmatched(ct[j].text, ct[j].kind) for j in range(len(ct)) if j not in used_c),
    )
    for side, words in zip(("query", "list"), free, strict=True):
        if words:
            detail += f"; {side} only: {' '.join(w.text for w in words)}"
    detail += f"; coverage query {q_cov:.2f}, list {c_cov:.2f}"
    return value, detail, tuple(pairs), free


def _distinctive(t: Token) -> bool:
    return t.distinctive and particle_class(t.text) is None


def legal_form_feature(query: Query, cand: Candidate) -> tuple[float, str]:
    """Legal forms are a weak signal: the same family (LLC ~ OOO ~ Limited) adds a little,
    different families (JSC vs LLC) take a little; a form on one side only is neutral."""
    ql, cl = query.form.legal_forms, cand.form.legal_forms
    if not ql or not cl:
        return 0.0, "legal form on one side only or none" if (ql or cl) else "no legal forms"
    qf = {legal_family(f) for f in ql}
    cf = {legal_family(f) for f in cl}
    if qf & cf:
        return 1.0, f"same kind of company ({', '.join(ql)} ~ {', '.join(cl)})"
    return -1.0, f"different kinds of company ({', '.join(ql)} vs {', '.join(cl)})"


def weak_alias_feature(query: Query, cand: Candidate) -> tuple[float, str]:
    """A match on an alias the list itself calls weak or low-quality counts for less."""
    if cand.quality is AliasQuality.WEAK:
        return -1.0, "matched a weak alias"
    return 0.0, "matched a strong name"


def country_feature(query: Query, cand: Candidate) -> tuple[float, str]:
    """A given country that the entry has (address, nationality, ...) adds a little; one
    that contradicts every country of the entry takes away twice as much (a French
    "Police nationale" is not the NICARAGUAN NATIONAL POLICE). Entries without
    countries, or queries without one, are neutral."""
    if not query.country or not cand.countries:
        return 0.0, "not compared"
    if query.country in cand.countries:
        return 0.5, f"{query.country} is among the entry's countries"
    return -1.0, f"{query.country} contradicts the entry's {', '.join(cand.countries)}"


def type_feature(query: Query, cand: Candidate) -> tuple[float, str]:
    """A given entity type that contradicts the entry's type (person vs organisation)
    takes away; an unknown type on either side is neutral."""
    if query.type is None or cand.entry_type is EntityType.UNKNOWN:
        return 0.0, "not compared"
    if query.type is cand.entry_type:
        return 0.0, f"both {query.type.value}"
    return -1.0, f"query is {query.type.value}, entry is {cand.entry_type.value}"


def birth_date_feature(query: Query, cand: Candidate) -> tuple[float, str]:
    """A given date of birth compatible with one of the entry's (same year, month, day as
    far as both give them) adds; one compatible with none takes away."""
    if not query.birth_date or not cand.birth_dates:
        return 0.0, "not compared"
    for listed in cand.birth_dates:
        n = min(len(listed), len(query.birth_date))
        if listed[:n] == query.birth_date[:n]:
            return 1.0, f"born {listed}"
    return -1.0, f"born {', '.join(cand.birth_dates)}, not {query.birth_date}"


#: The score of a candidate that carries an identifier of the query, exactly (compared as
#: :func:`exportguard.core.identifiers.normalise_identifier` writes them), whatever its name.
IDENTIFIER_MATCH_SCORE = 0.95
#: The score of a candidate that carries the query's identifier written another way that
#: is not proof of it (:func:`exportguard.core.identifiers.identifier_variants`: leading
#: zeros of a registration number, another branch of the same bank's SWIFT/BIC).
IDENTIFIER_VARIANT_SCORE = 0.9
#: Feature value of such a variant match (an exact match is 1).
IDENTIFIER_VARIANT_VALUE = 0.8


def identifier_feature(query: Query, cand: Candidate) -> tuple[float, str]:
    """A given identifier (passport, registration, IMO number ...) that the entry also
    carries exactly is near-certain evidence of identity: the score is then at least
    :data:`IDENTIFIER_MATCH_SCORE`, even when the names differ (a renamed vessel) or no
    name was given. The same identifier written another way (leading zeros, a bank
    branch's SWIFT/BIC) is strong evidence: at least :data:`IDENTIFIER_VARIANT_SCORE`."""
    if not query.identifiers or not cand.identifiers:
        return 0.0, "not compared"
    listed = set(cand.identifiers)
    common = set(query.identifiers) & listed
    if common:
        return 1.0, (
            f"identifier {sorted(common)[0]} matches exactly: an exact identifier match "
            f"decides the score (at least {IDENTIFIER_MATCH_SCORE:.2f}), whatever the name"
        )
    listed_variants = {v: c for c in listed for v in identifier_variants(c)}
    for q in query.identifiers:
        forms = {q} | identifier_variants(q)
        for f in sorted(forms):
            other = f if f in listed else listed_variants.get(f)
            if other is not None:
                how = (
                    "the same number but for leading zeros"
                    if q.isdigit() and other.isdigit()
                    else "the same bank's SWIFT/BIC, another branch"
                )
                return IDENTIFIER_VARIANT_VALUE, (
                    f"identifier {q} ~ listed {other}: {how}, strong evidence (score at "
                    f"least {IDENTIFIER_VARIANT_SCORE:.2f}), not an exact match"
                )
    return 0.0, "no identifier in common"


Feature = Callable[[Query, Candidate], tuple[float, str]]

#: The qualifying features and their weights; the name feature has weight 1.
FEATURES: tuple[tuple[str, Feature, float], ...] = (
    ("legal_form", legal_form_feature, 0.03),
    ("weak_alias", weak_alias_feature, 0.05),
    ("country", country_feature, 0.12),
    ("type", type_feature, 0.15),
    ("birth_date", birth_date_feature, 0.12),
    ("identifier", identifier_feature, 0.3),
)


_NO_DISTINCTIVE = "; no distinctive word matched (only titles, legal forms or company words)"


def score(query: Query, cand: Candidate, weight_of: TokenWeight) -> Scored:
    """Score one candidate name for a query; see :data:`FEATURES` and :func:`name_feature`.

    An identifier match sets a floor (:data:`IDENTIFIER_MATCH_SCORE`,
    :data:`IDENTIFIER_VARIANT_SCORE`): its contribution in the explanation is then what
    it actually added, so the contributions add up to the score (before clipping to 1).
    """
    value, detail, pairs, (query_only, list_only) = name_feature(query, cand, weight_of)
    if not query.form.tokens and not query.form.legal_forms:
        detail = "no name given: screened on the identifiers only"
    results = [FeatureResult("name", value, 1.0, detail)]
    total = value
    identifier: FeatureResult | None = None
    for label, feature, weight in FEATURES:
        v, d = feature(query, cand)
        if not v:
            continue
        if label == "identifier" and v > 0:
            identifier = FeatureResult(label, v, weight, d)
            continue
        if label == "country" and v < 0 and _named_by_country(cand):
            total = min(total, NON_DISTINCTIVE_CAP)
            d += (
                "; a name of generic words only (a state body, a 'Central Bank') is "
                "told apart by its country"
            )
        results.append(FeatureResult(label, v, weight, d))
        total += v * weight
    if identifier is not None:
        floor = IDENTIFIER_MATCH_SCORE if identifier.value >= 1.0 else IDENTIFIER_VARIANT_SCORE
        added = max(identifier.contribution, floor - total)
        results.append(replace(identifier, weight=added / identifier.value))
        total += added
        if _NO_DISTINCTIVE in results[0].detail:  # the identifier is the evidence
            results[0] = replace(results[0], detail=results[0].detail.replace(_NO_DISTINCTIVE, ""))
    return Scored(max(0.0, min(1.0, total)), tuple(results), pairs, query_only, list_only)


def _named_by_country(cand: Candidate) -> bool:
    """An organisation whose listed name has no distinctive word ("MINISTRY OF DEFENCE",
    "ARMED FORCES GENERAL STAFF"): every country has one, so a party of another country
    is another body, however exactly the words agree."""
    return cand.entry_type is not EntityType.PERSON and not any(
        _distinctive(t) for t in cand.form.tokens
    )
