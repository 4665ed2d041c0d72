"""Transliteration to Latin and phonetic skeletons: how a word in any script becomes
lower-case ASCII, which spelling conventions are one, and the consonant classes a token
can stand for.

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
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

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

ABJAD = re.compile("[\u0590-\u05ff\u0600-\u06ff\u0750-\u077f\ufb1d-\ufdff\ufe70-\ufeff]")
CJK = re.compile("([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7a3])")


def translit_word(word: str) -> str:
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
    found = {collapse_runs(v) for v in variants} - {""}
    if abjad and token.startswith("al") and len(token) > 4:
        # The Arabic article is written joined ("القذافي"); lists often drop it.
        found |= skeletons(token[2:], abjad=True)
    return found


def collapse_runs(text: str) -> str:
    """``text`` with each run of one letter as one letter ("Hammid" -> "Hamid")."""
    return _RUNS.sub(_first_group, text)


_RUNS = re.compile(r"(.)\1+")


def _first_group(match: re.Match[str]) -> str:
    # A function, not the template r"\1": Python 3.11 parses a template on every call
    # (about 5x slower on this hot path, where most tokens are scored).
    return match[1]
