"""Tokens and analysed names: :class:`Token` (one Latin token, its script, kind and
phonetic skeleton variants), :class:`NameForm` (a name as analysed) and
:func:`make_token`, the one cached way tokens are made."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from exportguard.core.translit import (
    skeletons,
)

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


@lru_cache(maxsize=200_000)
def make_token(text: str, script: str, kind: str = "word") -> Token:
    return Token(text, frozenset(skeletons(text, abjad=script == "abjad")), script, kind)


#: A token as analysed, with the word as written (casefolded, any script) it came from.
Raw = tuple[Token, str]
