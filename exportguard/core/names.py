"""Name analysis: normalise, transliterate, tokenise, find legal forms, phonetic keys.

A name in any script becomes a :class:`NameForm`: lower-case Latin tokens, the legal forms
it carries (kept apart as a weak signal, never silently thrown away), and for every token
a set of *phonetic skeletons*.

Legal forms
    ``vocab/legal_forms.yaml`` maps spellings in many languages (LLC, Limited Liability
    Company, OOO, ООО, GmbH, AO, JSC, PTE ...) to a canonical form and a family. A legal
    form is recognised only at the start or end of an organisation-looking name and never
    when it is the only token, so "Limited" or a person called "Ao" keep their name.

The other steps live beside this module: transliteration and phonetic skeletons in
``core.translit``, tokens and analysed names in ``core.name_tokens``, number words in
``core.name_numbers``, given names and particles in ``core.name_vocab``. This module holds
normalisation, the words of a name, company words, titles and legal forms, and
:func:`analyse`, which runs the steps in order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import cache, lru_cache

from rapidfuzz.distance import OSA

from exportguard.core import vocab
from exportguard.core.name_numbers import number_words
from exportguard.core.name_tokens import NameForm, Raw, Token, make_token
from exportguard.core.translit import (
    ABJAD,
    CJK,
    skeletons,
    translit_word,
)

# --- normalisation and tokens -----------------------------------------------------------

_TWO_INITIALS = re.compile(r"(?<![\w.])([^\W\d_])\.\s*([^\W\d_])\.(?![\w.])")
_ACRONYM = re.compile(r"(?<![\w])((?:\w\.){2,})(?!\w)")
_NO_APOSTROPHES = str.maketrans("", "", "'’‘ʼʻ`´ʹ")
# Word characters: letters and digits of any script, plus the combining marks (Latin
# accents, Hebrew points, Arabic harakat) and the Hebrew geresh that live inside words.
_SPLIT = re.compile(
    r"[^\w\u0300-\u036f\u0591-\u05c7\u05f3\u05f4\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]+"
)


#: Token kinds: ``word`` (a name word), ``number`` (digits: must agree exactly),
#: ``legal`` (a canonical legal form), ``title`` (an honorific or title: "dr", "haji"),
#: ``generic`` (an ordinary company word: "trading", "group"; see vocab/name_words.yaml).


_HEBREW_QUOTE = re.compile('(?<=[\u05d0-\u05ea])"(?=[\u05d0-\u05ea])')
_CYRILLIC_GREEK = re.compile("[\\u0370-\\u052f]")
_NON_LATIN = re.compile("[^\\x00-\\u024f\\u1e00-\\u1eff]")


def _words(name: str) -> list[tuple[str, str]]:
    """Split a raw name into (word, script) pairs before transliteration; script is
    ``latin``, ``abjad`` or ``other`` (see :class:`Token`)."""
    ascii_only = name.isascii()
    text = name.lower() if ascii_only else unicodedata.normalize("NFKC", name).casefold()
    if not ascii_only:
        # Zero-width (non-)joiners shape letters inside a word (Persian خامنه‌ای): no split.
        text = text.replace("\u200c", "").replace("\u200d", "")
    # Dotted acronyms (N.S.O., U.A.E.) become one word; other dots separate words. Two
    # dotted letters beside one word are a person's initials, as Russian writes them
    # ("Putin V.V.", "В.В. Путин", "A.G. Lukashenko"): two letters.
    if "." in text:
        found = _TWO_INITIALS.search(text)
        rest = _TWO_INITIALS.sub(" ", text).split() if found else []
        if found and len(rest) == 1 and len(rest[0]) > 1:
            text = _TWO_INITIALS.sub(lambda m: f" {m.group(1)} {m.group(2)} ", text)
        text = _ACRONYM.sub(lambda m: m.group(1).replace(".", ""), text)
    text = text.translate(_NO_APOSTROPHES)
    if not ascii_only and '"' in text:
        # Hebrew abbreviations written with a plain quote for the gershayim (בע"מ).
        text = _HEBREW_QUOTE.sub("\u05f4", text)
    words: list[tuple[str, str]] = []
    for raw in _SPLIT.split(text):
        if not raw:
            continue
        if ascii_only:
            words.append((raw, "latin"))
            continue
        # Every CJK ideograph is a word of its own; runs of other characters stay whole.
        for piece in CJK.split(raw) if CJK.search(raw) else (raw,):
            if not piece:
                continue
            if ABJAD.search(piece):
                words.append((piece, "abjad"))
            elif _CYRILLIC_GREEK.search(piece):
                words.append((piece, "cyrillic"))
            elif _NON_LATIN.search(piece):
                words.append((piece, "other"))
            else:
                words.append((piece, "latin"))
    return words


def _ascii_fold(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    # Decomposition splits a Hangul syllable into its letters (jamo): compose them back,
    # so the syllable is romanised whole (see _hangul).
    return unicodedata.normalize("NFC", folded) if _JAMO.search(folded) else folded


_JAMO = re.compile("[\u1100-\u11ff]")


def normalise(name: str) -> str:
    """Lower-case Latin form of ``name``: transliterated, no diacritics or punctuation.

    Idempotent: ``normalise(normalise(x)) == normalise(x)``.
    """
    parts = []
    for word, _script in _words(name):
        latin = translit_word(_ascii_fold(word))
        latin = re.sub(r"[^a-z0-9]+", " ", latin.lower()).strip()
        if latin:
            parts.append(latin)
    return " ".join(parts)


@lru_cache(maxsize=65_536)
def analyse(name: str, *, organisation: bool | None = None) -> NameForm:
    """Analyse a name for matching (cached: lists repeat names and queries repeat too).

    ``organisation`` says whether the name belongs to an organisation: ``False`` (a
    person), ``True``, or ``None`` (unknown). In order: number words become digits
    ("Twenty-One" -> ``21``, "21st" -> ``21``); in a name that may be an organisation's,
    abbreviations of company words are expanded ("Intl" -> ``international``) and company
    words written in another script or language become the English word ("קבוצת" ->
    ``group``); legal forms anywhere in a name of two or more tokens become one canonical
    token (``jsc``), matched on the words as written before transliteration; then each
    token gets its kind (:data:`KINDS`): titles in a name that may be a person's, generic
    company words in one that may be an organisation's.
    """
    raw: list[Raw] = []
    for word, script in _words(name):
        text = translit_word(_ascii_fold(word)).lower()
        pieces = [p for p in re.split(r"[^a-z0-9]+", text) if p]
        for piece in pieces:
            raw.append((make_token(piece, script), word if len(pieces) == 1 else piece))
    raw = _spelled_letters(raw)
    raw = number_words(raw)
    if organisation is not False:
        if len(raw) >= 2:
            raw = _canonical_legal_forms(raw)
        raw = _company_words(raw)
    tokens = _classify(tuple(t for t, _ in raw), organisation)
    return NameForm(name, tokens, tuple(t.text for t in tokens if t.legal))


# --- titles, company words, numbers ------------------------------------------------------


@cache
def _letter_names() -> dict[str, str]:
    """Letter name as written (casefolded, apostrophes dropped) -> Latin letter, from
    vocab/letter_names.yaml."""
    table: dict[str, str] = {}
    for letter, spellings in vocab.load("letter_names").items():
        for spelling in vocab.sequence(spellings, f"letter_names.yaml: {letter}"):
            key = unicodedata.normalize("NFKC", str(spelling)).casefold()
            table[key.translate(_NO_APOSTROPHES)] = str(letter)
    return table


def _spelled_letters(raw: list[Raw]) -> list[Raw]:
    """A run of two or more letter names written in another script is the Latin acronym
    they spell: "Эн-Эс-О Груп" -> ``nso group``, "אן אס או" -> ``nso``. Latin words are
    never read as letter names, nor a single word."""
    names = _letter_names()
    out: list[Raw] = []
    i = 0
    while i < len(raw):
        j = i
        while j < len(raw) and raw[j][0].script != "latin" and raw[j][1] in names:
            j += 1
        if j - i >= 2:
            letters = "".join(names[w] for _, w in raw[i:j])
            out.append((make_token(letters, "latin"), letters))
            i = j
        else:
            out.append(raw[i])
            i += 1
    return out


@cache
def _name_words() -> tuple[frozenset[str], frozenset[str], frozenset[str], dict[str, str]]:
    """(titles in any name not an organisation's, titles only in a person's name, generic
    company words, spelling -> English company word) from vocab/name_words.yaml."""
    data = vocab.load("name_words")
    titles = vocab.mapping(data["titles"], "name_words.yaml: titles")
    generic_words = vocab.mapping(data["generic"], "name_words.yaml: generic")

    def words(part: Mapping[object, object], where: str, key: str) -> set[str]:
        spellings = vocab.sequence(part[key], f"name_words.yaml: {where}.{key}")
        return {w for s in spellings for w in normalise(str(s)).split()}

    common = words(titles, "titles", "abbreviated") | words(titles, "titles", "religious")
    military = words(titles, "titles", "military")
    generic = words(generic_words, "generic", "words") | words(generic_words, "generic", "places")
    spelling: dict[str, str] = {}
    translations = vocab.mapping(
        generic_words["translations"], "name_words.yaml: generic.translations"
    )
    for english, spellings in translations.items():
        generic.add(str(english))
        for s in vocab.sequence(spellings, f"name_words.yaml: generic.translations.{english}"):
            spelling[unicodedata.normalize("NFKC", str(s)).casefold()] = str(english)
    abbreviations = vocab.mapping(data["abbreviations"], "name_words.yaml: abbreviations")
    for short, full in abbreviations.items():
        spelling[normalise(str(short)).replace(" ", "")] = str(full)
        generic.update(normalise(str(full)).split())
    return frozenset(common), frozenset(military), frozenset(generic), spelling


def is_rank(text: str) -> bool:
    """Whether a token's text is a full-word rank or title written before a person's name
    ("general", "colonel", "doctor", "senior", "vice": ``titles.military`` of
    vocab/name_words.yaml). Only a person's name reads them as titles: the matcher does
    so against a listed person whatever the query's type (an untyped "General Tohami
    Khaled" is the listed KHALED, Tohami)."""
    return text in _name_words()[1]


def _company_words(raw: list[Raw]) -> list[Raw]:
    """Abbreviated or translated company words as the English word (both sides alike)."""
    spelling = _name_words()[3]
    out: list[Raw] = []
    for token, word in raw:
        english = None if token.legal else spelling.get(word) or spelling.get(token.text)
        out.append((make_token(english, "latin"), english) if english else (token, word))
    return out


def _classify(tokens: tuple[Token, ...], organisation: bool | None) -> tuple[Token, ...]:
    """Give each token its kind; a name is never left without a name word (a person
    called "Haji" or a company called "General Trading" keeps those words as its name)."""
    common, military, generic, _ = _name_words()
    kinds: list[str] = []
    for t in tokens:
        if t.legal:
            kinds.append("legal")
        elif t.text.isdigit():
            kinds.append("number")
        elif organisation is not True and (
            t.text in common or (organisation is False and t.text in military)
        ):
            kinds.append("title")
        elif organisation is not False and t.text in generic:
            kinds.append("generic")
        else:
            kinds.append("word")
    if "title" in kinds and not any(k not in ("title", "legal") for k in kinds):
        kinds = ["word" if k == "title" else k for k in kinds]
    if all(k == kind for k, kind in zip(kinds, (t.kind for t in tokens), strict=True)):
        return tokens
    return tuple(
        t if t.kind == k else Token(t.text, t.skeletons, t.script, k)
        for t, k in zip(tokens, kinds, strict=True)
    )


# --- legal forms -------------------------------------------------------------------------


def _spelling_key(spelling: str) -> tuple[str, ...]:
    """A legal-form spelling as the tuple of words it is compared by: Latin spellings
    normalised, others as written (casefolded), since transliteration would respell them."""
    text = unicodedata.normalize("NFKC", spelling).casefold()
    if not _NON_LATIN.search(text):
        return tuple(normalise(spelling).split())
    return tuple(w for w, _ in _words(text))


@cache
def _legal_table() -> tuple[dict[tuple[str, ...], str], int]:
    """Legal-form spellings (as word tuples) -> canonical form; and the longest one."""
    forms = vocab.mapping(vocab.load("legal_forms")["forms"], "legal_forms.yaml: forms")
    table: dict[tuple[str, ...], str] = {}
    for canonical, given in forms.items():
        spec = vocab.mapping(given, f"legal_forms.yaml: forms.{canonical}")
        where = f"legal_forms.yaml: forms.{canonical}.spellings"
        spellings = vocab.sequence(spec.get("spellings", []), where)
        for spelling in [canonical, *spellings]:
            key = _spelling_key(str(spelling))
            if not key:
                raise ValueError(f"legal_forms.yaml: empty spelling under {canonical!r}")
            table[key] = str(canonical)
            latin = tuple(normalise(str(spelling)).split())
            if latin and latin != key:
                # A transliterated spelling of a non-Latin form, for names lists publish
                # romanised ("OOO", "TOV"), compared exactly.
                table.setdefault(latin, str(canonical))
    return table, max(len(k) for k in table)


@cache
def legal_family(canonical: str) -> str:
    """The family of a canonical legal form (``llc`` and ``ooo`` are both ``limited``)."""
    forms = vocab.mapping(vocab.load("legal_forms")["forms"], "legal_forms.yaml: forms")
    spec = vocab.mapping(forms.get(canonical, {}), f"legal_forms.yaml: forms.{canonical}")
    return str(spec.get("family", canonical))


@cache
def _legal_token(canonical: str) -> Token:
    return Token(canonical, frozenset(skeletons(canonical)), "latin", "legal")


def _canonical_legal_forms(raw: list[Raw]) -> list[Raw]:
    """Replace every legal-form spelling (longest first) by its canonical token; never
    the whole name. A word is compared as written when it is not Latin, else normalised;
    Latin words of six letters or more may carry one typo each ("Limted",
    "Obshchetsvo"), so a misspelt legal form is still recognised."""
    table, longest = _legal_table()
    words = [word if not t.latin else _legal_word(t.text, True) for t, word in raw]
    latin = [t.text for t, _ in raw]
    out: list[Raw] = []
    i = 0
    while i < len(raw):
        for size in range(min(longest, len(raw) - i), 0, -1):
            if size == len(raw):
                continue  # the whole name is never only a legal form
            window = words[i : i + size]
            canonical = None
            if None not in window:
                canonical = table.get(tuple(w for w in window if w is not None))
            if canonical is None:
                canonical = table.get(tuple(latin[i : i + size]))
            if canonical is not None:
                out.append((_legal_token(canonical), canonical))
                i += size
                break
        else:
            out.append(raw[i])
            i += 1
    return out


@cache
def _legal_words() -> tuple[frozenset[str], tuple[str, ...]]:
    table, _ = _legal_table()
    words = frozenset(w for spelling in table for w in spelling)
    return words, tuple(sorted(w for w in words if len(w) >= 6 and w.isascii()))


@lru_cache(maxsize=100_000)
def _legal_word(text: str, fuzzy: bool) -> str | None:
    """The word of a legal-form spelling that ``text`` is, allowing (when ``fuzzy``) one
    typo in words of six letters or more; ``None`` if it is none."""
    words, long_words = _legal_words()
    if text in words:
        return text
    if fuzzy and len(text) >= 6:
        for word in long_words:
            if abs(len(word) - len(text)) <= 1 and OSA.distance(word, text, score_cutoff=1) <= 1:
                return word
    return None
