"""A party's name often carries more than one name: "Russian Direct Investment Fund (RDIF)",
"Sberbank (PJSC)", "VTB Bank, PJSC (VTB)", "Acme Trading a.k.a. Acme Intl", "X f/k/a Y".
Screened whole, the extra words count against every listed name, and a listed party can be
missed. So a name is screened as a whole and on each of its parts (pure).

Parts: the name without its parenthesised (or bracketed, braced) text, each such text
(less a leading "formerly" or "ex-"), and the pieces around "a.k.a.", "f.k.a.",
"formerly", "previously known as", "ex-", "also known as", "trading as", "t/a", "d/b/a",
a spaced " / ", " | " or dash, ";" and ": ", and an acronym set off by a comma from a
company's name ("Tactical Missiles Corp., KTRV"). A part with no name word of its own (a
legal form alone, "(PJSC)") is not screened by itself. A hit found through a part says so
in its explanation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from exportguard.core.hits import Hit
from exportguard.core.matching import FeatureResult, Query
from exportguard.core.names import analyse

_PARENTHESISED = re.compile(r"[(\[{]([^()\[\]{}]*)[)\]}]")
_SEPARATORS = re.compile(
    r"\s+(?:a\.?\s?k\.?\s?a\.?|f\.?\s?k\.?\s?a\.?|f/k/a|a/k/a|"
    r"(?:formerly|previously|also|now)(?:\s+known\s+as)?|known as|ex-?|"
    r"trading as|t/a|d/b/a|dba)\s+|\s+[/|\-\u2013\u2014]\s+|;|:\s+",
    re.IGNORECASE,
)
_ACRONYM_LAST = re.compile(r"^(.*\S)\s*,\s*([A-Z0-9]{2,6})\.?$")
_ACRONYM_FIRST = re.compile(r"^([A-Z0-9]{2,6})\s*,\s*(.*\S)$")
_INNER_PREFIX = re.compile(
    r"^(?:formerly|previously|also|now)(?:\s+known\s+as)?\s+|^(?:ex-?|f/k/a|a/k/a|aka|fka)\s*",
    re.IGNORECASE,
)


def _comma_acronym(piece: str) -> list[str]:
    """An acronym set off by a comma at either end of a company's name: "Tactical Missiles
    Corp., KTRV" -> both. The name side must read as a company's (a legal form or company
    word): "SMITH, John" and "CHEN, Wei Ming" are one person's name, never split."""
    for pattern, (a, b) in ((_ACRONYM_LAST, (1, 2)), (_ACRONYM_FIRST, (2, 1))):
        m = pattern.match(piece)
        if m and any(t.kind in ("legal", "generic") for t in analyse(m.group(a)).tokens):
            return [m.group(a), m.group(b)]
    return [piece]


def name_parts(name: str) -> list[str]:
    """The parts of ``name`` worth screening on their own (not the name itself); empty
    when it has none. Order: the name without parentheses first, then the rest."""
    inner = [_INNER_PREFIX.sub("", p.strip(" ,\"'")) for p in _PARENTHESISED.findall(name)]
    outer = " ".join(_PARENTHESISED.sub(" ", name).split()).strip(" ,")
    pieces = [
        " ".join(piece.split()).strip(" ,-")
        for p in _SEPARATORS.split(outer)
        for piece in _comma_acronym(" ".join(p.split()).strip(" ,"))
        if piece
    ]
    found: list[str] = []
    for part in ([outer] if inner else []) + (pieces if len(pieces) > 1 else []) + inner:
        if part and part != name and part not in found and _has_name_words(part):
            found.append(part)
    return found


def _has_name_words(text: str) -> bool:
    """Whether ``text`` holds a word that names something: not only a legal form, a title
    or generic company words. (Analysed after a stand-in word, since a name made of a legal
    form alone is read as a plain word.)"""
    tokens = analyse(f"Zqx {text}").tokens[1:]
    return any(t.kind not in _NOT_NAMES for t in tokens)


_NOT_NAMES = frozenset({"legal", "generic", "title"})


def screen_with_parts(query: Query, screen: Callable[[Query], list[Hit]]) -> list[Hit]:
    """Hits for ``query`` and for each of its name's parts, best first; one hit per listed
    entry (its best score), a part's hit explained as such."""
    best: dict[tuple[int, str], Hit] = {(h.snapshot_id, h.entry.id): h for h in screen(query)}
    for part in name_parts(query.name):
        part_query = replace(query, name=part, form=analyse(part))
        for hit in screen(part_query):
            key = (hit.snapshot_id, hit.entry.id)
            if key in best and best[key].score >= hit.score:
                continue
            note = FeatureResult(
                "name_part", 1.0, 0.0,
                f"screened on the part {part!r} of {query.name!r} (a name it also goes by)",
            )  # fmt: skip
            explanation = replace(hit.explanation, features=(note, *hit.explanation.features))
            best[key] = replace(hit, explanation=explanation)
    return sorted(best.values(), key=lambda h: (-h.score, h.entry.source, h.entry.id))
