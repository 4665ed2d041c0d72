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
from rapidfuzz.distance import OSA

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

_ABJAD = re.compile("[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\ufb1d-\ufdff\ufe70-\ufeff]")
_CJK = re.compile("([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7a3])")


def _translit_word(word: str) -> str:
    """Transliterate one word (no spaces) to lower-case ASCII letters and digits."""
    if word.isascii():
        return word
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
        elif "\uac00" <= ch <= "\ud7a3":
            out.append(_hangul(anyascii(ch).lower()))
        else:
            out.append(anyascii(ch).lower())
        i += 1
    return "".join(out)


_HANGUL_FINAL = str.maketrans("gdb", "ktp")


def _hangul(syllable: str) -> str:
    """A Hangul syllable as anyascii romanises it, with a final stop and an initial ㄹ as
    the Revised Romanization and McCune-Reischauer write them in names: 박 "bag" -> "bak",
    혁 "hyeog" -> "hyeok", 룡 "lyong" -> "ryong" (the lists' PAK, HYOK, RYONG)."""
    if syllable.startswith("l"):
        syllable = "r" + syllable[1:]
    if syllable[-1:] in ("g", "d", "b") and not syllable.endswith("ng"):
        syllable = syllable[:-1] + syllable[-1].translate(_HANGUL_FINAL)
    return syllable


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
KINDS = ("word", "number", "legal", "title", "generic")
#: Kinds that are evidence of identity when matched (titles, legal forms and generic words
#: are not: "General Trading" is not ISMAIL GENERAL TRADING; nor is a number on its own:
#: "First Bank" is not FIRST CREDIT BANK). A listed name without any name word (a number
#: and company words: "SCHOOL No 33") must then be matched in all its words.
DISTINCTIVE = frozenset({"word"})


class Token:
    """One Latin token and the phonetic skeleton variants it can stand for.

    ``script`` is where the token was written: ``latin``; ``abjad`` (Arabic, Persian,
    Hebrew: consonants only, so its Latin spelling is one guess among many and phonetic
    evidence counts in full); ``cyrillic`` (Cyrillic or Greek: transliterated with its
    vowels, but by conventions that differ from English ones: kh/h, ts/z, zh/j); or
    ``other`` (CJK, Hangul, Devanagari ...: romanised by anyascii, vowels included).
    ``kind`` is one of :data:`KINDS`; ``legal`` marks a canonical legal form ("llc",
    "jsc") kept among the tokens as a weak signal. Immutable; its hash is computed once
    (tokens are dictionary keys on the hot path).
    """

    __slots__ = ("_hash", "kind", "script", "skeletons", "text")

    def __init__(
        self, text: str, skeletons: frozenset[str], script: str = "latin", kind: str = "word"
    ) -> None:
        self.text = text
        self.skeletons = skeletons
        self.script = script
        self.kind = kind
        self._hash = hash((text, skeletons, script, kind))

    @property
    def latin(self) -> bool:
        return self.script == "latin"

    @property
    def legal(self) -> bool:
        return self.kind == "legal"

    @property
    def distinctive(self) -> bool:
        """Whether matching this token is evidence of identity (see :data:`DISTINCTIVE`)."""
        return self.kind in DISTINCTIVE

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Token)
            and self._hash == other._hash
            and self.text == other.text
            and self.skeletons == other.skeletons
            and self.script == other.script
            and self.kind == other.kind
        )

    def __repr__(self) -> str:
        return f"Token({self.text!r}, {sorted(self.skeletons)!r}, {self.script!r}, {self.kind!r})"

    def __reduce__(self) -> tuple[type[Token], tuple[str, frozenset[str], str, str]]:
        return Token, (self.text, self.skeletons, self.script, self.kind)


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name analysed for matching.

    ``tokens`` are the tokens in published order, legal forms among them as canonical
    tokens (``llc``, ``jsc`` ...); ``legal_forms`` lists those canonical forms;
    ``original`` is the name as given.
    """

    original: str
    tokens: tuple[Token, ...]
    legal_forms: tuple[str, ...]

    @property
    def text(self) -> str:
        """The tokens joined by spaces."""
        return " ".join(t.text for t in self.tokens)

    @property
    def core(self) -> tuple[Token, ...]:
        """The tokens that are not legal forms."""
        return tuple(t for t in self.tokens if not t.legal)


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
        for piece in _CJK.split(raw) if _CJK.search(raw) else (raw,):
            if not piece:
                continue
            if _ABJAD.search(piece):
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
        latin = _translit_word(_ascii_fold(word))
        latin = re.sub(r"[^a-z0-9]+", " ", latin.lower()).strip()
        if latin:
            parts.append(latin)
    return " ".join(parts)


@lru_cache(maxsize=200_000)
def _token(text: str, script: str, kind: str = "word") -> Token:
    return Token(text, frozenset(skeletons(text, abjad=script == "abjad")), script, kind)


#: A token as analysed, with the word as written (casefolded, any script) it came from.
_Raw = tuple[Token, str]


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
    raw: list[_Raw] = []
    for word, script in _words(name):
        text = _translit_word(_ascii_fold(word)).lower()
        pieces = [p for p in re.split(r"[^a-z0-9]+", text) if p]
        for piece in pieces:
            raw.append((_token(piece, script), word if len(pieces) == 1 else piece))
    raw = _spelled_letters(raw)
    raw = _number_words(raw)
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
        for spelling in spellings:
            key = unicodedata.normalize("NFKC", str(spelling)).casefold()
            table[key.translate(_NO_APOSTROPHES)] = str(letter)
    return table


def _spelled_letters(raw: list[_Raw]) -> list[_Raw]:
    """A run of two or more letter names written in another script is the Latin acronym
    they spell: "Эн-Эс-О Груп" -> ``nso group``, "אן אס או" -> ``nso``. Latin words are
    never read as letter names, nor a single word."""
    names = _letter_names()
    out: list[_Raw] = []
    i = 0
    while i < len(raw):
        j = i
        while j < len(raw) and raw[j][0].script != "latin" and raw[j][1] in names:
            j += 1
        if j - i >= 2:
            letters = "".join(names[w] for _, w in raw[i:j])
            out.append((_token(letters, "latin"), letters))
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
    titles = data["titles"]

    def words(spellings: list[str]) -> set[str]:
        return {w for s in spellings for w in normalise(str(s)).split()}

    common = words(titles["abbreviated"]) | words(titles["religious"])
    military = words(titles["military"])
    generic = words(data["generic"]["words"]) | words(data["generic"]["places"])
    spelling: dict[str, str] = {}
    for english, spellings in data["generic"]["translations"].items():
        generic.add(str(english))
        for s in spellings:
            spelling[unicodedata.normalize("NFKC", str(s)).casefold()] = str(english)
    for short, full in data["abbreviations"].items():
        spelling[normalise(str(short)).replace(" ", "")] = str(full)
        generic.update(normalise(str(full)).split())
    return frozenset(common), frozenset(military), frozenset(generic), spelling


def _company_words(raw: list[_Raw]) -> list[_Raw]:
    """Abbreviated or translated company words as the English word (both sides alike)."""
    spelling = _name_words()[3]
    out: list[_Raw] = []
    for token, word in raw:
        english = None if token.legal else spelling.get(word) or spelling.get(token.text)
        out.append((_token(english, "latin"), english) if english else (token, word))
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


_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5,
    "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11,
    "twelfth": 12, "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16,
    "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "twentieth": 20, "thirtieth": 30, "fortieth": 40,
    "fiftieth": 50, "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "hundredth": 100, "thousand": 1000, "thousandth": 1000}
#: Russian number words as this module transliterates them (Cyrillic tokens only):
#: cardinals, and ordinals in every gender and case (:func:`_russian_ordinals`).
_RUSSIAN_CARDINALS = {
    "odin": 1, "odna": 1, "odno": 1, "dva": 2, "dve": 2, "tri": 3, "chetyre": 4, "pyat": 5,
    "shest": 6, "sem": 7, "vosem": 8, "devyat": 9, "desyat": 10, "odinnadtsat": 11,
    "dvenadtsat": 12, "trinadtsat": 13, "chetyrnadtsat": 14, "pyatnadtsat": 15,
    "shestnadtsat": 16, "semnadtsat": 17, "vosemnadtsat": 18, "devyatnadtsat": 19,
    "dvadtsat": 20, "tridtsat": 30, "sorok": 40, "pyatdesyat": 50, "shestdesyat": 60,
    "semdesyat": 70, "vosemdesyat": 80, "devyanosto": 90, "sto": 100,
}  # fmt: skip
#: Stems of Russian ordinals: adjectives in -yy (stressed ending -oy for a few).
_RUSSIAN_ORDINAL_STEMS = {
    "perv": 1, "vtor": 2, "chetvert": 4, "pyat": 5, "shest": 6, "sedm": 7, "vosm": 8,
    "devyat": 9, "desyat": 10, "odinnadtsat": 11, "dvenadtsat": 12, "trinadtsat": 13,
    "chetyrnadtsat": 14, "pyatnadtsat": 15, "shestnadtsat": 16, "semnadtsat": 17,
    "vosemnadtsat": 18, "devyatnadtsat": 19, "dvadtsat": 20, "tridtsat": 30,
    "sorokov": 40, "pyatidesyat": 50, "shestidesyat": 60, "semidesyat": 70,
    "vosmidesyat": 80, "devyanost": 90, "sot": 100,
}  # fmt: skip
_ADJECTIVE_ENDINGS = (
    "yy", "yi", "iy", "oy", "aya", "oe", "oye", "ogo", "omu", "ym", "om", "uyu", "ye", "ykh",
    "ymi", "oj", "ij", "yj", "oi", "ii",
)  # fmt: skip


def _russian_ordinals() -> dict[str, int]:
    """Russian ordinals in every gender and case, as transliterated ("шестой",
    "шестая", "шестого" -> 6; "третий", "третьей" -> 3)."""
    out: dict[str, int] = {}
    for stem, value in _RUSSIAN_ORDINAL_STEMS.items():
        for ending in _ADJECTIVE_ENDINGS:
            out[stem + ending] = value
    for form in ("tretiy", "tretii", "tretya", "trete", "tretego", "tretemu", "tretim",
                 "tretem", "tretey", "tretyu", "treti", "tretikh", "tretimi", "tretye"):
        out[form] = 3
    return out


_RUSSIAN = {**_russian_ordinals(), **_RUSSIAN_CARDINALS}
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th|oe|ya|yy|iy|y)$")
#: Russian ordinal endings written after digits ("46-й", "2-я", "3-го", "5-ым"), as
#: transliterated (a lone "й" folds to "i"); only on Cyrillic tokens ("3M" is no ordinal).
_CYRILLIC_ORDINAL = re.compile(
    r"^(\d+)?(?:y|i|ya|e|yy|yi|ii|iy|oy|oi|go|ogo|mu|omu|m|ym|yu|uyu|ye|kh|ykh|aya|oe)$"
)
#: Words that only announce a number ("No. 2", "Nr 2", "№ 33" -> "no 33", "N° 5"): not
#: name words, dropped when a number follows.
_NUMBER_MARKERS = frozenset({"no", "nr", "nro", "num", "n", "numero", "nomer"})
#: Roman numerals read as numbers (letters I, V and X only: L, C, D and M read as words
#: too often, "Mil", "Civ"); see :func:`_roman_value`.
_ROMAN = re.compile(r"^x{0,3}(?:ix|iv|v?i{0,3})$")
#: Numerals that are also romanised syllables ("Xi", "Vi"): numbers only before "century"
#: (a name is analysed alike whatever the party's type, or "Li Xi" would not find LI Xi).
_ROMAN_AMBIGUOUS = frozenset({"xi", "vi"})
_CENTURY = frozenset({"century", "vek", "veka", "siecle", "jahrhundert"})


def _roman_value(text: str) -> int | None:
    """The value of a Roman numeral of two letters or more (I, V, X), else ``None``."""
    if len(text) < 2 or not _ROMAN.match(text):
        return None
    values = {"i": 1, "v": 5, "x": 10}
    total = 0
    for a, b in zip(text, [*text[1:], ""], strict=True):
        v = values[a]
        total += -v if b and values[b] > v else v
    return total


def _number_value(token: Token) -> tuple[int, str] | None:
    """(value, role) of a number word: role ``unit``, ``ten`` or ``scale``."""
    if token.script == "cyrillic":
        value = _RUSSIAN.get(token.text)
        if value is None:
            return None
        return value, "scale" if value == 100 else "ten" if value >= 20 else "unit"
    if not token.latin:
        return None
    if token.text in _UNITS:
        return _UNITS[token.text], "unit"
    if token.text in _TENS:
        return _TENS[token.text], "ten"
    if token.text in _SCALES:
        return _SCALES[token.text], "scale"
    return None


def _number_words(raw: list[_Raw]) -> list[_Raw]:
    """Numbers written any way as one digit token: runs of cardinal or ordinal number
    words ("Twenty-One" and "twenty first" -> ``21``; "Сорок шестой" -> ``46``),
    ordinals written with digits ("21st", "46-й", "2-я" -> ``21``, ``46``, ``2``), Roman
    numerals of two letters or more after a name word or before "century" ("Tong San
    II" -> ``2``, "XXI Century" -> ``21``; never single letters, which are initials).
    Words that only announce a number ("No. 2", "Nr 2", "№ 33") are dropped before it."""
    raw = _roman_numerals(_digit_ordinals(raw))
    out: list[_Raw] = []
    i = 0
    while i < len(raw):
        token = raw[i][0]
        found = _ORDINAL.match(token.text)
        if found:
            digits = str(int(found.group(1)))
            out.append((_token(digits, "latin"), digits))
            i += 1
            continue
        total, current, j = 0, 0, i
        last = ""
        while j < len(raw):
            number = _number_value(raw[j][0])
            if number is None:
                break
            value, role = number
            if role == "scale":
                current = max(current, 1) * value
                if value >= 1000:
                    total, current = total + current, 0
            elif role == "ten":
                if last in ("unit", "ten"):
                    break
                current += value
            else:
                if last == "unit" or (last == "ten" and value >= 10):
                    break
                current += value
            last = role
            j += 1
        if j == i:
            out.append(raw[i])
            i += 1
            continue
        digits = str(total + current)
        out.append((_token(digits, "latin"), digits))
        i = j
    return [
        r
        for k, r in enumerate(out)
        if not (
            r[0].text in _NUMBER_MARKERS
            and k + 1 < len(out)
            and out[k + 1][0].text.isdigit()
            and any(not o[0].text.isdigit() for o in out if o is not r)
        )
    ]


def _digit_ordinals(raw: list[_Raw]) -> list[_Raw]:
    """Russian ordinal endings after digits ("46-й" is "46" and "й" once split; "46й")."""
    out: list[_Raw] = []
    for token, word in raw:
        if token.script == "cyrillic":
            found = _CYRILLIC_ORDINAL.match(token.text)
            if found and found.group(1):
                digits = str(int(found.group(1)))
                out.append((_token(digits, "latin"), digits))
                continue
            if found and out and out[-1][0].text.isdigit():
                continue  # the ending of the number before it
        out.append((token, word))
    return out


def _roman_numerals(raw: list[_Raw]) -> list[_Raw]:
    """Roman numerals in clear positions as digits (see :func:`_number_words`)."""
    if not any(_roman_value(t.text) is not None for t, _ in raw):
        return raw
    out: list[_Raw] = []
    for k, (token, word) in enumerate(raw):
        value = _roman_value(token.text) if token.latin else None
        if value is not None:
            century = k + 1 < len(raw) and raw[k + 1][0].text in _CENTURY
            after_word = k > 0 and not raw[k - 1][0].text.isdigit()
            clear = century or (after_word and token.text not in _ROMAN_AMBIGUOUS)
            if clear:
                out.append((_token(str(value), "latin"), str(value)))
                continue
        out.append((token, word))
    return out


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
    data = vocab.load("legal_forms")
    table: dict[tuple[str, ...], str] = {}
    for canonical, spec in data["forms"].items():
        for spelling in [canonical, *spec.get("spellings", [])]:
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
    spec = vocab.load("legal_forms")["forms"].get(canonical, {})
    return str(spec.get("family", canonical))


@cache
def _legal_token(canonical: str) -> Token:
    return Token(canonical, frozenset(skeletons(canonical)), "latin", "legal")


def _canonical_legal_forms(raw: list[_Raw]) -> list[_Raw]:
    """Replace every legal-form spelling (longest first) by its canonical token; never
    the whole name. A word is compared as written when it is not Latin, else normalised;
    Latin words of six letters or more may carry one typo each ("Limted",
    "Obshchetsvo"), so a misspelt legal form is still recognised."""
    table, longest = _legal_table()
    words = [
        word if not t.latin else _legal_word(t.text, True) for t, word in raw
    ]
    latin = [t.text for t, _ in raw]
    out: list[_Raw] = []
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


# --- transliteration conventions ------------------------------------------------------

#: Spellings that transliteration conventions vary on (BGN/PCGN, ISO 9, passport and
#: English press usage of Russian and Ukrainian names), rewritten to one form before a
#: spelling comparison: Alexey ~ Aleksei, Yury ~ Yurii, Mikhail ~ Mihail, Evgeny ~ Yevgeny,
#: Fyodor ~ Fedor.
_TRANSLIT_VARIANTS = (
    (re.compile(r"x"), "ks"),
    (re.compile(r"(?:iy|ii|yy|yi|ij|y)$"), "y"),
    (re.compile(r"(?<=[aeiou])(?:i|j)$"), "y"),
    (re.compile(r"^ye"), "e"),
    (re.compile(r"(?<=[aeiou])ye"), "e"),
    # Ё and ьe after a consonant: Russian prints ё as е, English writes "yo" (Fyodor ~
    # Фёдор/Федор ~ Fedor, Pyotr ~ Petr, Solovyov ~ Solovyev ~ Соловьев ~ Solovev).
    (re.compile(r"(?<=[^aeiouy])y[oe]"), "e"),
    # Й before a consonant: Aleynik ~ Alejnik ~ Aleinik (Алейник).
    (re.compile(r"(?<=[aeiou])[yj](?=[^aeiouy])"), "i"),
    (re.compile(r"dzh"), "j"),  # Джихад ~ Jihad, Джамал ~ Jamal
    (re.compile(r"kh"), "h"),
    (re.compile(r"iya"), "ya"),  # Mariya ~ Maria, Anastasiya ~ Anastasia
    (re.compile(r"w"), "v"),  # Cyrillic writes a foreign w as в: Хуавэй ~ Huawei
    (re.compile(r"(?:iu|ju)"), "yu"),
    (re.compile(r"(?:ia|ja)"), "ya"),
    (re.compile(r"tz"), "ts"),
    (re.compile(r"(.)\1"), r"\1"),
)


@lru_cache(maxsize=100_000)
@lru_cache(maxsize=131_072)
def translit_canonical(text: str) -> str:
    """``text`` with transliteration-convention variants rewritten to one form."""
    for pattern, replacement in _TRANSLIT_VARIANTS:
        text = pattern.sub(replacement, text)
    return text



# --- given names -------------------------------------------------------------------------

#: The given-name tables (vocab/*.csv, each with its source in its header).
GIVEN_NAME_TABLES = ("given_names", "given_names_ru", "given_names_eu", "given_names_ar")


@cache
def _given_names() -> dict[str, frozenset[str]]:
    rows: list[tuple[str, str, str]] = []
    for table in GIVEN_NAME_TABLES:
        for row in vocab.load_rows(table):
            if len(row) != 3 or row[1] not in ("has_nickname", "has_variant"):
                raise ValueError(
                    f"{table}.csv: expected name1,has_nickname|has_variant,name2, got {row!r}"
                )
            # Keyed and grouped by the transliteration-canonical spelling: "Nikolai",
            # "Nikolay" and "Nikolaj" are one full name, "Aleksei" and "Alexey" too.
            full, other = translit_canonical(row[0].lower()), translit_canonical(row[2].lower())
            rows.append((full, row[1], other))
    full_names = {full for full, _, _ in rows}
    distinct = {
        frozenset(translit_canonical(n) for n in row)
        for row in vocab.load_rows("given_names_distinct")
    }
    groups: dict[str, set[str]] = {}
    for full, relation, other in rows:
        groups.setdefault(full, {full})
        if frozenset((full, other)) in distinct:
            continue
        if relation == "has_nickname" and other in full_names and len(other) >= len(full):
            # Not a short form but a full name of its own as long (the data set gives
            # John as a form of Ivan and of Ian, Michael of Miguel): another name.
            continue
        groups.setdefault(other, {other}).add(full)  # a name is itself, and its full name
    return {name: frozenset(found) for name, found in groups.items()}


@lru_cache(maxsize=131_072)
def given_name_groups(text: str) -> frozenset[str]:
    """The full given names a (lower-case Latin) token is, or is a short form or a
    spelling variant of, in their transliteration-canonical spelling: "bob" ->
    {"robert"}, "kolya" and "nikolai" -> {"nikolay"}, "mohamed" -> {"muhamad"}; empty
    for a word of fewer than three letters, a name particle, and any other word. Two
    tokens are one given name when their groups meet."""
    if len(text) < 3 or particle_class(text) is not None:
        return frozenset()
    return _given_names().get(translit_canonical(text), frozenset())


# --- particles ---------------------------------------------------------------------------


@cache
def _particles() -> dict[str, str]:
    data = vocab.load("particles")
    table: dict[str, str] = {}
    for cls, spellings in data["classes"].items():
        for spelling in spellings:
            table[str(spelling)] = str(cls)
    return table


def particle_class(text: str) -> str | None:
    """The class of a name particle ("bin", "ibn" -> "son-of"), or ``None``."""
    return _particles().get(text)


# --- phonetic skeletons -------------------------------------------------------------------

# Sounds, longest spelling first, and their consonant classes. A value with "|" is
# ambiguous and yields one variant per alternative ("" drops the sound).
_SOUNDS = {
    "shch": "S", "dzh": "K", "tch": "S", "sch": "S", "kh": "K|", "gh": "K|", "ch": "K|S",
    "sh": "S", "zh": "S", "ts": "S", "tz": "S", "th": "T", "dh": "T", "ph": "B", "dj": "K",
    "ck": "K", "qu": "K", "ce": "S", "ci": "S", "cy": "S", "c": "K", "b": "B", "p": "B",
    "f": "B", "v": "B", "w": "B", "k": "K", "q": "K", "g": "K", "j": "K", "t": "T",
    "d": "T", "s": "S", "z": "S", "l": "L", "m": "M", "n": "N", "r": "R", "x": "KS",
}  # fmt: skip
_SOUND = re.compile("|".join(sorted(_SOUNDS, key=len, reverse=True)) + "|[0-9]")


def skeletons(token: str, *, abjad: bool = False) -> set[str]:
    """Phonetic skeleton variants of a lower-case Latin token (see module docstring).

    ``abjad`` marks a token transliterated from Hebrew or Arabic script, whose ``w`` may
    be a vowel. Digits are kept as they are (a vessel or company number is no sound).
    A soft ``c`` (before e, i, y) is an S; the vowel after it is then read on its own.
    """
    options: list[str] = []
    for match in _SOUND.finditer(token):
        sound = match.group()
        if sound[0] == "c" and len(sound) == 2 and sound[1] in "eiy":
            options.append("S")
            continue
        value = _SOUNDS.get(sound, sound)
        if sound == "w" and abjad:
            value = "B|"
        options.append(value)
    variants = [""]
    for value in options:
        if "|" not in value:
            variants = [v + value for v in variants]
            continue
        choices = value.split("|")
        if len(variants) * len(choices) > MAX_VARIANTS:
            variants = [v + choices[0] for v in variants]
        else:
            variants = [v + c for v in variants for c in choices]
    found = {_collapse(v) for v in variants} - {""}
    if abjad and token.startswith("al") and len(token) > 4:
        # The Arabic article is written joined ("القذافي"); lists often drop it.
        found |= skeletons(token[2:], abjad=True)
    return found


def _collapse(skeleton: str) -> str:
    """``skeleton`` with each run of one letter as one letter."""
    return _RUNS.sub(r"\1", skeleton)


_RUNS = re.compile(r"(.)\1+")
