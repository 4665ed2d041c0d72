"""Name analysis: normalise, transliterate, tokenise, find legal forms, phonetic keys.

A name in any script becomes a :class:`NameForm`: lower-case Latin tokens, the legal forms
it carries (kept apart as a weak signal, never silently thrown away), and for every token
a set of *phonetic skeletons*.

Transliteration
    Cyrillic, Hebrew and Arabic/Persian letters go through our own tables (below), chosen
    to produce the spellings English-language lists use (``Текнолоджиз`` -> ``teknolodzhiz``,
    ``محمد`` -> ``mhmd``). Every other script (Greek, CJK, Devanagari, ...) goes through
    ``anyascii``. Each CJK ideograph becomes its own token, since lists write Chinese names
    with or without spaces between syllables and the matcher re-joins split tokens.

Phonetic skeletons (why off-the-shelf transliteration is not enough)
    Hebrew and Arabic write few or no vowels, and their letters map to several Latin ones
    (``ו`` is v, o or u; ``ב`` is b or v; ``פ`` is p or f). Comparing ``kndyrw`` with
    ``candiru`` as strings fails. A skeleton keeps only consonant *classes*, drops vowels,
    ``h``, ``y`` and apostrophes, and collapses repeats::

        candiru -> KNTR      קנדירו -> kndirw -> KNTR
        positive technologies -> BSTB TKNLKS    Позитив Текнолоджиз -> BSTB TKNLKS

    Classes merge letters that scripts and transliteration conventions confuse:
    B = b p f v w, K = k q c(hard) g j x(k) kh gh, S = s z c(soft) x(s) ts sh zh,
    T = t d th dh; l m n r stay themselves. Letters that are ambiguous in the source
    (Arabic/Hebrew waw is a vowel or a consonant; Latin ``ch`` is k or tsh; ``kh`` may be
    written ``h``) yield several skeleton variants, at most :data:`MAX_VARIANTS` a token.

Legal forms
    ``vocab/legal_forms.yaml`` maps spellings in many languages (LLC, Limited Liability
    Company, OOO, ООО, GmbH, AO, JSC, PTE ...) to a canonical form and a family. A legal
    form is recognised only at the start or end of an organisation-looking name and never
    when it is the only token, so "Limited" or a person called "Ao" keep their name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from anyascii import anyascii

from exportguard.core import vocab

MAX_VARIANTS = 4

# --- transliteration tables -------------------------------------------------------------

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g", "ў": "u", "ђ": "dj", "ј": "j",
    "љ": "lj", "њ": "nj", "ћ": "c", "џ": "dz", "ѓ": "gj", "ќ": "kj", "ѕ": "dz",
    "ә": "a", "ғ": "gh", "қ": "q", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h",
}  # fmt: skip

# Hebrew: "w" marks waw, whose skeleton is ambiguous (vowel or v); aleph and ayin vanish.
_HEBREW = {
    "א": "a", "ב": "b", "ג": "g", "ד": "d", "ה": "h", "ו": "w", "ז": "z", "ח": "kh",
    "ט": "t", "י": "i", "כ": "k", "ך": "k", "ל": "l", "מ": "m", "ם": "m", "נ": "n",
    "ן": "n", "ס": "s", "ע": "a", "פ": "p", "ף": "f", "צ": "ts", "ץ": "ts", "ק": "k",
    "ר": "r", "ש": "sh", "ת": "t", "׳": "", "״": "", "'": "",
}  # fmt: skip
# Geresh after these letters makes a foreign sound (ג׳ = j, ז׳ = zh, צ׳ = ch).
_HEBREW_GERESH = {"ג": "j", "ז": "zh", "צ": "ch"}

# Arabic and Persian: "w" marks waw (vowel or w); alif and hamza carriers are vowels.
_ARABIC = {
    "ا": "a", "أ": "a", "إ": "i", "آ": "a", "ٱ": "a", "ء": "", "ؤ": "w", "ئ": "y",
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh",
    "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
    "ع": "", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n",
    "ه": "h", "ة": "a", "و": "w", "ي": "y", "ى": "a", "پ": "p", "چ": "ch", "ژ": "zh",
    "گ": "g", "ک": "k", "ی": "y", "ۀ": "h", "ە": "e", "ڤ": "v", "ڨ": "g", "ـ": "",
}  # fmt: skip

_ABJAD_RANGES = ((0x0590, 0x05FF), (0x0600, 0x06FF), (0x0750, 0x077F), (0xFB1D, 0xFDFF),
                 (0xFE70, 0xFEFF))  # fmt: skip


def _is_abjad(ch: str) -> bool:
    o = ord(ch)
    return any(lo <= o <= hi for lo, hi in _ABJAD_RANGES)


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF


def _translit_word(word: str) -> str:
    """Transliterate one word (no spaces) to lower-case ASCII letters and digits."""
    out: list[str] = []
    i = 0
    n = len(word)
    while i < n:
        ch = word[i]
        if ch.isascii():
            out.append(ch)
        elif ch in _CYRILLIC:
            out.append(_CYRILLIC[ch])
        elif ch in _HEBREW:
            if i + 1 < n and word[i + 1] in "׳'" and ch in _HEBREW_GERESH:
                out.append(_HEBREW_GERESH[ch])
                i += 1
            else:
                out.append(_HEBREW[ch])
        elif ch in _ARABIC:
            out.append(_ARABIC[ch])
        elif unicodedata.combining(ch):
            pass
        else:
            out.append(anyascii(ch).lower())
        i += 1
    return "".join(out)


# --- normalisation and tokens -----------------------------------------------------------

_ACRONYM = re.compile(r"(?<![\w])((?:\w\.){2,})(?!\w)")
_APOSTROPHES = "'’‘ʼʻ`´ʹ"
# Word characters: letters and digits of any script, plus the combining marks (Latin
# accents, Hebrew points, Arabic harakat) and the Hebrew geresh that live inside words.
_SPLIT = re.compile(
    r"[^\w\u0300-\u036f\u0591-\u05c7\u05f3\u05f4\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]+"
)


@dataclass(frozen=True, slots=True)
class Token:
    """One Latin token and the phonetic skeleton variants it can stand for."""

    text: str
    skeletons: frozenset[str]


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name analysed for matching.

    ``tokens`` are the core tokens in published order; ``legal_forms`` the canonical legal
    forms found at either end (``llc``, ``jsc`` ...); ``original`` the name as given.
    """

    original: str
    tokens: tuple[Token, ...]
    legal_forms: tuple[str, ...]

    @property
    def text(self) -> str:
        """The core tokens joined by spaces."""
        return " ".join(t.text for t in self.tokens)


def _words(name: str) -> list[tuple[str, bool]]:
    """Split a raw name into (word, from_abjad) pairs before transliteration."""
    text = unicodedata.normalize("NFKC", name).casefold()
    # Dotted acronyms (N.S.O., U.A.E.) become one word; other dots separate words.
    text = _ACRONYM.sub(lambda m: m.group(1).replace(".", ""), text)
    for apostrophe in _APOSTROPHES:
        text = text.replace(apostrophe, "")
    words: list[tuple[str, bool]] = []
    for raw in _SPLIT.split(text):
        if not raw:
            continue
        # Every CJK ideograph is a word of its own; runs of other characters stay whole.
        buffer = ""
        for ch in raw:
            if _is_cjk(ch):
                if buffer:
                    words.append((buffer, any(_is_abjad(c) for c in buffer)))
                    buffer = ""
                words.append((ch, False))
            else:
                buffer += ch
        if buffer:
            words.append((buffer, any(_is_abjad(c) for c in buffer)))
    return words


def _ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise(name: str) -> str:
    """Lower-case Latin form of ``name``: transliterated, no diacritics or punctuation.

    Idempotent: ``normalise(normalise(x)) == normalise(x)``.
    """
    parts = []
    for word, _abjad in _words(name):
        latin = _translit_word(_ascii_fold(word))
        latin = re.sub(r"[^a-z0-9]+", " ", latin.lower()).strip()
        if latin:
            parts.append(latin)
    return " ".join(parts)


@lru_cache(maxsize=200_000)
def _token(text: str, abjad: bool) -> Token:
    return Token(text, frozenset(skeletons(text, abjad=abjad)))


@lru_cache(maxsize=65_536)
def analyse(name: str, *, organisation: bool | None = None) -> NameForm:
    """Analyse a name for matching (cached: lists repeat names and queries repeat too).

    ``organisation`` says whether the name belongs to an organisation: ``True`` looks for
    legal forms, ``False`` never does, ``None`` looks for them only when one is present.
    """
    raw_tokens: list[tuple[str, bool]] = []
    for word, abjad in _words(name):
        latin = _translit_word(_ascii_fold(word)).lower()
        for piece in re.split(r"[^a-z0-9]+", latin):
            if piece:
                raw_tokens.append((piece, abjad))
    texts = [t for t, _ in raw_tokens]
    legal: list[str] = []
    start, end = 0, len(texts)
    if organisation is not False and len(texts) > 1:
        start, end, legal = _strip_legal_forms(texts)
    tokens = tuple(_token(t, a) for t, a in raw_tokens[start:end])
    return NameForm(name, tokens, tuple(legal))


# --- legal forms -------------------------------------------------------------------------


@cache
def _legal_table() -> tuple[dict[tuple[str, ...], str], int]:
    """Legal-form spellings (as token tuples) -> canonical form; and the longest spelling."""
    data = vocab.load("legal_forms")
    table: dict[tuple[str, ...], str] = {}
    for canonical, spec in data["forms"].items():
        for spelling in [canonical, *spec.get("spellings", [])]:
            key = tuple(normalise(str(spelling)).split())
            if not key:
                raise ValueError(f"legal_forms.yaml: empty spelling under {canonical!r}")
            table[key] = str(canonical)
    longest = max(len(k) for k in table)
    return table, longest


@cache
def legal_family(canonical: str) -> str:
    """The family of a canonical legal form (``llc`` and ``ooo`` are both ``limited``)."""
    spec = vocab.load("legal_forms")["forms"].get(canonical, {})
    return str(spec.get("family", canonical))


def _strip_legal_forms(texts: list[str]) -> tuple[int, int, list[str]]:
    table, longest = _legal_table()
    found: list[str] = []
    start, end = 0, len(texts)
    changed = True
    while changed and end - start > 1:
        changed = False
        for size in range(min(longest, end - start - 1), 0, -1):
            tail = tuple(texts[end - size : end])
            if tail in table:
                found.insert(0, table[tail])
                end -= size
                changed = True
                break
            head = tuple(texts[start : start + size])
            if head in table:
                found.append(table[head])
                start += size
                changed = True
                break
    return start, end, found


# --- phonetic skeletons -------------------------------------------------------------------

# Digraphs first (longest first), then single letters. A value with "|" is ambiguous and
# yields one variant per alternative ("" drops the sound).
_DIGRAPHS = (
    ("shch", "S"), ("dzh", "K"), ("tch", "S"), ("sch", "S"), ("kh", "K|"), ("gh", "K|"),
    ("ch", "K|S"), ("sh", "S"), ("zh", "S"), ("ts", "S"), ("tz", "S"), ("th", "T"),
    ("dh", "T"), ("ph", "B"), ("dj", "K"), ("ck", "K"), ("qu", "K"),
)  # fmt: skip
_LETTERS = {
    "b": "B", "p": "B", "f": "B", "v": "B", "w": "B", "k": "K", "q": "K", "g": "K",
    "j": "K", "t": "T", "d": "T", "s": "S", "z": "S", "l": "L", "m": "M", "n": "N",
    "r": "R", "x": "KS",
}  # fmt: skip
_SOFT_C = frozenset("eiy")


def skeletons(token: str, *, abjad: bool = False) -> set[str]:
    """Phonetic skeleton variants of a lower-case Latin token (see module docstring).

    ``abjad`` marks a token transliterated from Hebrew or Arabic script, whose ``w`` may
    be a vowel. Digits are kept as they are (a vessel or company number is no sound).
    """
    options: list[tuple[str, ...]] = []
    i, n = 0, len(token)
    while i < n:
        for graph, value in _DIGRAPHS:
            if token.startswith(graph, i):
                options.append(tuple(value.split("|")))
                i += len(graph)
                break
        else:
            ch = token[i]
            if ch == "c":
                options.append(("S",) if i + 1 < n and token[i + 1] in _SOFT_C else ("K",))
            elif ch == "w" and abjad:
                options.append(("B", ""))
            elif ch in _LETTERS:
                options.append((_LETTERS[ch],))
            elif ch.isdigit():
                options.append((ch,))
            i += 1
    variants = {""}
    for choice in options:
        if len(choice) == 1 or len(variants) * len(choice) > MAX_VARIANTS:
            variants = {v + choice[0] for v in variants}
        else:
            variants = {v + c for v in variants for c in choice}
    found = {_collapse(v) for v in variants} - {""}
    if abjad and token.startswith("al") and len(token) > 4:
        # The Arabic article is written joined ("القذافي"); lists often drop it.
        found |= skeletons(token[2:], abjad=True)
    return found


def _collapse(skeleton: str) -> str:
    out: list[str] = []
    for ch in skeleton:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)
