"""A party's name often carries more than one name: "Russian Direct Investment Fund (RDIF)",
"Sberbank (PJSC)", "VTB Bank, PJSC (VTB)", "Acme Trading a.k.a. Acme Intl", "X f/k/a Y".
Screened whole, the extra words count against every listed name, and a listed party can be
missed. So a name is screened as a whole and on each of its parts (pure).

Parts: the name without its parenthesised text, each parenthesised text, and the pieces
around "a.k.a.", "f.k.a.", "formerly", "also known as", "trading as", "t/a", "d/b/a" and
" / ". A part with no name word of its own (a legal form alone, "(PJSC)") is not screened
by itself. A hit found through a part says so in its explanation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from exportguard.core.index import Hit
from exportguard.core.matching import FeatureResult, Query
from exportguard.core.names import analyse

_PARENTHESISED = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
_SEPARATORS = re.compile(
    r"\s+(?:a\.?\s?k\.?\s?a\.?|f\.?\s?k\.?\s?a\.?|f/k/a|a/k/a|formerly|also known as|"
    r"trading as|t/a|d/b/a|dba)\s+|\s+/\s+|;",
    re.IGNORECASE,
)


def name_parts(name: str) -> list[str]:
    """The parts of ``name`` worth screening on their own (not the name itself); empty
    when it has none. Order: the name without parentheses first, then the rest."""
    inner = [p.strip(" ,") for p in _PARENTHESISED.findall(name)]
    outer = " ".join(_PARENTHESISED.sub(" ", name).split()).strip(" ,")
    pieces = [" ".join(p.split()).strip(" ,") for p in _SEPARATORS.split(outer)]
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
