"""Scoring a query against one listed name, and explaining the score.

The algorithm is a declared list of small feature functions (:data:`FEATURES`). Each
returns a value and a human-readable detail; its contribution is ``weight * value``; the
score is the sum, clipped to [0, 1]. The docstring of each feature is its published
explanation (``exportguard screen --explain`` prints them).

The name feature does the real work: it aligns query tokens with candidate tokens one to
one (order-free, so "Putin Vladimir" finds "Vladimir Putin"), allows one token to match two
adjacent ones joined ("Abd Allah" ~ "Abdullah"), and weighs each token by its rarity in
the index so that "Group", "Trading" or "Mohammed" count for less than "Candiru".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import OSA, JaroWinkler

from exportguard.core.entities import AliasQuality, EntityType
from exportguard.core.names import NameForm, Token, legal_family


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


@dataclass(frozen=True, slots=True)
class Scored:
    """A score with every feature that went into it."""

    score: float
    features: tuple[FeatureResult, ...]
    pairs: tuple[TokenPair, ...]


TokenWeight = Callable[[str], float]

# --- token similarity --------------------------------------------------------------------

#: Similarity granted when two tokens share a phonetic skeleton, by skeleton length: a long
#: shared skeleton (KNTR) is strong evidence, a one-consonant one (L) is weak.
PHONETIC_SIMILARITY = {1: 0.55, 2: 0.8, 3: 0.87, 4: 0.9}


@lru_cache(maxsize=262_144)
def token_similarity(q: Token, c: Token) -> tuple[float, str]:
    """Similarity of two tokens in [0, 1] and which test gave it (memoised: list tokens
    and query tokens repeat).

    The best of: exact equality; spelling (mean of Jaro-Winkler and optimal-string-
    alignment similarity, so one typo or one swap of neighbours costs little); a shared
    phonetic skeleton (cross-script and transliteration variants); an initial ("J" for
    "John").
    """
    if q.text == c.text:
        return 1.0, "exact"
    best, how = 0.0, "different"
    if q.text[0] == c.text[0] or len(q.text) > 2:
        spelling = (
            JaroWinkler.normalized_similarity(q.text, c.text)
            + OSA.normalized_similarity(q.text, c.text)
        ) / 2
        if spelling > best:
            best, how = spelling, "spelling"
    shared = q.skeletons & c.skeletons
    if shared:
        length = max(len(s) for s in shared)
        phonetic = PHONETIC_SIMILARITY[min(length, 4)]
        if phonetic > best:
            best, how = phonetic, "phonetic"
    if (len(q.text) == 1 or len(c.text) == 1) and q.text[0] == c.text[0] and best < 0.7:
        best, how = 0.7, "initial"
    return best, how


def _joined(a: Token, b: Token) -> Token:
    return Token(a.text + b.text, frozenset(x + y for x in a.skeletons for y in b.skeletons))


Alignment = list[tuple[tuple[int, ...], tuple[int, ...], float, str]]
_Option = tuple[float, tuple[int, ...], tuple[int, ...], str]


def _greedy(options: list[_Option]) -> Alignment:
    options.sort(key=lambda o: (-o[0], len(o[1]) + len(o[2])))
    used_q: set[int] = set()
    used_c: set[int] = set()
    chosen: Alignment = []
    for sim, qi, ci, how in options:
        if used_q.isdisjoint(qi) and used_c.isdisjoint(ci):
            used_q.update(qi)
            used_c.update(ci)
            chosen.append((qi, ci, min(sim, 1.0), how))
    return chosen


def align(query: Sequence[Token], cand: Sequence[Token]) -> Alignment:
    """Greedy one-to-one alignment of token groups, best similarity first.

    A group is one token or two adjacent tokens joined (either side), so split and joined
    spellings of a name align ("Abd Allah" ~ "Abdullah"). Joined groups are only tried
    when single tokens leave something unmatched or weakly matched. Returns
    (query indexes, candidate indexes, similarity, how) per aligned group.
    """
    options: list[_Option] = []
    for i, q in enumerate(query):
        for j, c in enumerate(cand):
            sim, how = token_similarity(q, c)
            if sim >= 0.5:
                options.append((sim, (i,), (j,), how))
    chosen = _greedy(options[:])
    weak_q = set(range(len(query))) - {i for qi, _, sim, _ in chosen if sim >= 0.85 for i in qi}
    if not weak_q:
        return chosen  # every query token matched well: joining could not improve it
    strong_c = {j for _, ci, sim, _ in chosen if sim >= 0.85 for j in ci}
    for i in weak_q:
        q = query[i]
        for j in range(len(cand) - 1):
            if j in strong_c and j + 1 in strong_c:
                continue
            sim, how = token_similarity(q, _joined(cand[j], cand[j + 1]))
            if sim >= 0.85:
                options.append((sim + 0.001, (i,), (j, j + 1), "joined " + how))
    for i in range(len(query) - 1):
        if i not in weak_q and i + 1 not in weak_q:
            continue
        joined = _joined(query[i], query[i + 1])
        for j, c in enumerate(cand):
            if j in strong_c:
                continue
            sim, how = token_similarity(joined, c)
            if sim >= 0.85:
                options.append((sim + 0.001, (i, i + 1), (j,), "joined " + how))
    return _greedy(options)


# --- features ----------------------------------------------------------------------------


def name_feature(
    query: Query, cand: Candidate, weight_of: TokenWeight
) -> tuple[float, str, tuple[TokenPair, ...]]:
    """How much of both names is covered by aligned tokens, weighted by token rarity.

    ``query coverage`` is the weighted similarity of aligned tokens over all query tokens
    (an unexplained query token costs a lot: the query says something the list does not);
    ``list coverage`` the same over the candidate's tokens (a dropped middle name or
    patronymic costs less). The value is 0.65 * query coverage + 0.35 * list coverage.
    """
    qt, ct = query.form.tokens, cand.form.tokens
    if not qt or not ct:
        return 0.0, "no comparable tokens", ()
    chosen = align(qt, ct)
    cw = [weight_of(t.text) for t in ct]
    qw = [weight_of(t.text) for t in qt]
    matched_q = 0.0
    matched_c = 0.0
    pairs: list[TokenPair] = []
    used_q: set[int] = set()
    used_c: set[int] = set()
    for qi, ci, sim, how in chosen:
        w = sum(cw[j] for j in ci)
        matched_q += sim * w
        matched_c += sim * w
        used_q.update(qi)
        used_c.update(ci)
        pairs.append(
            TokenPair(
                " ".join(qt[i].text for i in qi),
                " ".join(ct[j].text for j in ci),
                round(sim, 3),
                how,
            )
        )
    aligned_w = sum(cw[j] for j in used_c)
    free_q = sum(qw[i] for i in range(len(qt)) if i not in used_q)
    # Unmatched middle tokens of a person's name (patronymics) weigh half.
    free_c = 0.0
    for j in range(len(ct)):
        if j not in used_c:
            middle = cand.entry_type is EntityType.PERSON and 0 < j < len(ct) - 1
            free_c += cw[j] * (0.5 if middle else 1.0)
    q_cov = matched_q / (aligned_w + free_q) if aligned_w + free_q else 0.0
    c_cov = matched_c / (aligned_w + free_c) if aligned_w + free_c else 0.0
    value = 0.65 * q_cov + 0.35 * c_cov
    detail = ", ".join(f"{p.query}~{p.candidate} ({p.how} {p.similarity:.2f})" for p in pairs)
    unmatched_q = [qt[i].text for i in range(len(qt)) if i not in used_q]
    unmatched_c = [ct[j].text for j in range(len(ct)) if j not in used_c]
    if unmatched_q:
        detail += f"; query only: {' '.join(unmatched_q)}"
    if unmatched_c:
        detail += f"; list only: {' '.join(unmatched_c)}"
    detail += f"; coverage query {q_cov:.2f}, list {c_cov:.2f}"
    return value, detail, tuple(pairs)


def legal_form_feature(query: Query, cand: Candidate) -> tuple[float, str]:
    """Legal forms are a weak signal: the same family (LLC ~ OOO ~ Limited) adds a little,
    different families (JSC vs LLC) take a little; a form on one side only is neutral."""
    ql, cl = query.form.legal_forms, cand.form.legal_forms
    if not ql or not cl:
        return 0.0, "legal form on one side only or none" if (ql or cl) else "no legal forms"
    qf = {legal_family(f) for f in ql}
    cf = {legal_family(f) for f in cl}
    if qf & cf:
        return 1.0, f"same kind of company ({', '.join(ql)} ~ {', '.join(cl)})"
    return -1.0, f"different kinds of company ({', '.join(ql)} vs {', '.join(cl)})"


def weak_alias_feature(query: Query, cand: Candidate) -> tuple[float, str]:
    """A match on an alias the list itself calls weak or low-quality counts for less."""
    if cand.quality is AliasQuality.WEAK:
        return -1.0, "matched a weak alias"
    return 0.0, "matched a strong name"


def country_feature(query: Query, cand: Candidate) -> tuple[float, str]:
    """A given country that the entry has (address, nationality, ...) adds; one it lacks
    takes away. Entries without countries, or queries without one, are neutral."""
    if not query.country or not cand.countries:
        return 0.0, "not compared"
    if query.country in cand.countries:
        return 1.0, f"{query.country} is among the entry's countries"
    return -1.0, f"{query.country} is not among {', '.join(cand.countries)}"


def type_feature(query: Query, cand: Candidate) -> tuple[float, str]:
    """A given entity type that contradicts the entry's type (person vs organisation)
    takes away; an unknown type on either side is neutral."""
    if query.type is None or cand.entry_type is EntityType.UNKNOWN:
        return 0.0, "not compared"
    if query.type is cand.entry_type:
        return 0.0, f"both {query.type.value}"
    return -1.0, f"query is {query.type.value}, entry is {cand.entry_type.value}"


def birth_date_feature(query: Query, cand: Candidate) -> tuple[float, str]:
    """A given date of birth compatible with one of the entry's (same year, month, day as
    far as both give them) adds; one compatible with none takes away."""
    if not query.birth_date or not cand.birth_dates:
        return 0.0, "not compared"
    for listed in cand.birth_dates:
        n = min(len(listed), len(query.birth_date))
        if listed[:n] == query.birth_date[:n]:
            return 1.0, f"born {listed}"
    return -1.0, f"born {', '.join(cand.birth_dates)}, not {query.birth_date}"


def identifier_feature(query: Query, cand: Candidate) -> tuple[float, str]:
    """A given identifier (passport, registration, IMO number ...) that the entry also
    carries is near-certain evidence of identity."""
    if not query.identifiers or not cand.identifiers:
        return 0.0, "not compared"
    common = set(query.identifiers) & set(cand.identifiers)
    if common:
        return 1.0, f"identifier {sorted(common)[0]} matches"
    return 0.0, "no identifier in common"


Feature = Callable[[Query, Candidate], tuple[float, str]]

#: The qualifying features and their weights; the name feature has weight 1.
FEATURES: tuple[tuple[str, Feature, float], ...] = (
    ("legal_form", legal_form_feature, 0.03),
    ("weak_alias", weak_alias_feature, 0.05),
    ("country", country_feature, 0.06),
    ("type", type_feature, 0.15),
    ("birth_date", birth_date_feature, 0.12),
    ("identifier", identifier_feature, 0.3),
)


def score(query: Query, cand: Candidate, weight_of: TokenWeight) -> Scored:
    """Score one candidate name for a query; see :data:`FEATURES` and :func:`name_feature`."""
    value, detail, pairs = name_feature(query, cand, weight_of)
    results = [FeatureResult("name", value, 1.0, detail)]
    total = value
    for label, feature, weight in FEATURES:
        v, d = feature(query, cand)
        if v:
            results.append(FeatureResult(label, v, weight, d))
            total += v * weight
    return Scored(max(0.0, min(1.0, total)), tuple(results), pairs)
