"""What the scorer is given and gives: a :class:`Query` (a name and optional qualifiers),
a :class:`Candidate` (one listed name with its entry's facts), and a :class:`Scored`
result (the score, each :class:`FeatureResult`, the aligned :class:`TokenPair` list and
the words left :class:`Unmatched` on either side)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from exportguard.core.entities import AliasQuality, EntityType
from exportguard.core.name_tokens import NameForm, Token


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
