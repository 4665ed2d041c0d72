"""A hit's explanation in plain words, for the officer who rules it in or out.

:func:`plain_words` turns what the scorer recorded (:class:`~exportguard.core.matching.
Scored`: the word pairs and how each matched, the words left unmatched on each side, the
qualifying features) into short sentences: "'kony' and 'joseph' are spelt as listed",
"the Hebrew spelling 'kndirw' sounds like 'candiru'", "the listed name has the extra
legal form 'jsc'", "the date of birth given agrees: listed 1964-09-18". The feature table
(values, weights, contributions) stays the technical detail behind them.
"""

from __future__ import annotations

import unicodedata

from exportguard.core.hits import Hit
from exportguard.core.match_types import FeatureResult, Query, TokenPair, Unmatched

#: How a pair matched (``TokenPair.how``, without a leading "joined ") in words; ``{q}``
#: is the word screened, ``{c}`` the listed word, ``{script}`` "the Hebrew spelling" or
#: "the spelling" and so on.
_HOW = {
    "spelling": "'{q}' is spelt almost like '{c}'",
    "spelling+sound": "'{q}' is spelt and sounds almost like '{c}'",
    "phonetic": "{script} '{q}' sounds like '{c}'",
    "consonants": "{script} '{q}' has the consonants of '{c}'",
    "transliteration": "'{q}' and '{c}' are one name in two transliterations",
    "romanisation": "'{q}' and '{c}' are two romanisations of one syllable",
    "given-name variant": "'{q}' is a short form or variant of the given name '{c}'",
    "initial": "the initial '{q}' stands for '{c}'",
    "abbreviation": "'{q}' abbreviates '{c}'",
    "acronym": "'{q}' is an acronym of '{c}'",
    "particle": "'{q}' and '{c}' are the same name particle",
    "exact": "'{q}' is '{c}'",
}
#: Unmatched words by kind (``name_tokens.KINDS``), on the listed side.
_EXTRA = {
    "legal": "legal form",
    "title": "title",
    "generic": "common word",  # company words ("trading"), "of", "the": weigh little
    "number": "number",
    "word": "word",
}
#: Scripts by the first word of their letters' Unicode names.
_SCRIPTS = {"CJK": "Chinese", "HANGUL": "Korean", "HIRAGANA": "Japanese", "KATAKANA": "Japanese"}


def _script_of(name: str) -> str | None:
    """The first non-Latin script ``name`` is written in ("Hebrew", "Cyrillic" ...)."""
    for ch in name:
        if ch.isalpha() and ord(ch) > 0x24F:
            word = unicodedata.name(ch, "").split(" ")[0]
            return _SCRIPTS.get(word, word.title()) if word else None
    return None


def _quoted(words: tuple[Unmatched, ...]) -> str:
    return ", ".join(f"'{w.text}'" for w in words)


def _pair(pair: TokenPair, script: str | None) -> str:
    how = pair.how.removeprefix("joined ")
    spelling = f"the {script} spelling" if script else "the spelling"
    text = _HOW.get(how, "'{q}' is like '{c}'").format(q=pair.query, c=pair.candidate,
                                                       script=spelling)  # fmt: skip
    if how == "phonetic" and not script:
        text = text[0].upper() + text[1:]
    if pair.how.startswith("joined"):
        text += " (written as one word on one side)"
    return text


def _feature(f: FeatureResult) -> str | None:
    """A qualifying feature in words (``None`` for the name, which the pairs explain)."""
    detail = f.detail
    if f.feature == "country":
        if f.value == 0:
            return detail if detail.startswith("the entry gives no country") else None
        return (f"the country given is the entry's ({detail})" if f.value > 0
                else f"the country given differs: {detail}")  # fmt: skip
    if f.feature == "birth_date":
        if f.value > 0:
            return f"the date of birth given agrees: listed {detail.removeprefix('born ')}"
        listed, _, given = detail.removeprefix("born ").rpartition(", not ")
        return f"the date of birth given ({given}) differs from every one listed: {listed}"
    if f.feature == "type":
        return f"another kind of party: {detail}"
    if f.feature == "identifier":
        return detail.split(":")[0] if f.value >= 1 else detail
    if f.feature == "weak_alias":
        return "the name matched is an alias the list itself calls weak"
    if f.feature == "legal_form":
        return detail[0].upper() + detail[1:] if detail else None
    return None


def plain_words(query: Query, hit: Hit) -> list[str]:
    """Why ``hit`` matched ``query``, one plain sentence a fact: the name matched (an
    alias or the primary name), the words that agree exactly, each approximate word pair
    and how it matched, the words of either name left unmatched (by kind: legal form,
    title, company word), a cap that applied, and each qualifier that counted (country,
    date of birth, kind of party, identifier, weak alias, legal form)."""
    scored = hit.explanation
    out: list[str] = []
    if hit.matched_name != hit.entry.name:
        out.append(f"matched the listed alias '{hit.matched_name}' of '{hit.entry.name}'")
    script = _script_of(query.name)
    exact = [p for p in scored.pairs if p.how == "exact"]
    if exact:
        out.append(f"{', '.join(repr(p.query) for p in exact)} "
                   f"{'is' if len(exact) == 1 else 'are'} spelt as listed")  # fmt: skip
    out += [_pair(p, script) for p in scored.pairs if p.how != "exact"]
    for side, words in (("the name screened", scored.query_only),
                        ("the listed name", scored.list_only)):  # fmt: skip
        kinds: dict[str, list[Unmatched]] = {}
        for word in words:
            kinds.setdefault(word.kind, []).append(word)
        for kind, same in kinds.items():
            label = _EXTRA.get(kind, "word") + ("s" if len(same) > 1 else "")
            other = "the listed name" if side == "the name screened" else "the name screened"
            out.append(f"{side} has the extra {label} {_quoted(tuple(same))} ({other} has not)")
    name = scored.features[0] if scored.features else None
    if name is not None and "no distinctive word matched" in name.detail:
        out.append("only titles, legal forms or company words matched: the score is capped")
    if name is not None and "the numbers differ" in name.detail:
        out.append("the numbers in the names differ: the score is capped")
    if name is not None and name.detail.startswith("no name given"):
        out.append("no name was given: screened on the identifiers only")
    out += [s for f in scored.features[1:] if (s := _feature(f))]
    return out
