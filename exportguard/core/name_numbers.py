"""Numbers in names: number words in English and Russian ("Twenty-One", "двадцать
первый") and digit ordinals ("21st") become digits, Roman numerals become numbers where
the name says so ("Volume II", "XXI century")."""

from __future__ import annotations

import re

from exportguard.core.name_tokens import Raw, Token, make_token

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


def number_words(raw: list[Raw]) -> list[Raw]:
    """Numbers written any way as one digit token: runs of cardinal or ordinal number
    words ("Twenty-One" and "twenty first" -> ``21``; "Сорок шестой" -> ``46``),
    ordinals written with digits ("21st", "46-й", "2-я" -> ``21``, ``46``, ``2``), Roman
    numerals of two letters or more after a name word or before "century" ("Tong San
    II" -> ``2``, "XXI Century" -> ``21``; never single letters, which are initials).
    Words that only announce a number ("No. 2", "Nr 2", "№ 33") are dropped before it."""
    raw = _roman_numerals(_digit_ordinals(raw))
    out: list[Raw] = []
    i = 0
    while i < len(raw):
        token = raw[i][0]
        found = _ORDINAL.match(token.text)
        if found:
            digits = str(int(found.group(1)))
            out.append((make_token(digits, "latin"), digits))
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
        out.append((make_token(digits, "latin"), digits))
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


def _digit_ordinals(raw: list[Raw]) -> list[Raw]:
    """Russian ordinal endings after digits ("46-й" is "46" and "й" once split; "46й")."""
    out: list[Raw] = []
    for token, word in raw:
        if token.script == "cyrillic":
            found = _CYRILLIC_ORDINAL.match(token.text)
            if found and found.group(1):
                digits = str(int(found.group(1)))
                out.append((make_token(digits, "latin"), digits))
                continue
            if found and out and out[-1][0].text.isdigit():
                continue  # the ending of the number before it
        out.append((token, word))
    return out


def _roman_numerals(raw: list[Raw]) -> list[Raw]:
    """Roman numerals in clear positions as digits (see :func:`number_words`)."""
    if not any(_roman_value(t.text) is not None for t, _ in raw):
        return raw
    out: list[Raw] = []
    for k, (token, word) in enumerate(raw):
        value = _roman_value(token.text) if token.latin else None
        if value is not None:
            century = k + 1 < len(raw) and raw[k + 1][0].text in _CENTURY
            after_word = k > 0 and not raw[k - 1][0].text.isdigit()
            clear = century or (after_word and token.text not in _ROMAN_AMBIGUOUS)
            if clear:
                out.append((make_token(str(value), "latin"), str(value)))
                continue
        out.append((token, word))
    return out
