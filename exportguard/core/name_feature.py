"""The name feature: aligning a query's tokens with a listed name's one to one
(:func:`~exportguard.core.alignment.align`, order-free, a token may match two adjacent ones
joined), then the costs of what is left unmatched (middle names, chains of particles,
company words, legal forms), weighted by token rarity, into one value with its detail
(:func:`name_feature`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from exportguard.core.alignment import align
from exportguard.core.entities import EntityType
from exportguard.core.match_types import (
    Candidate,
    Query,
    TokenPair,
    TokenWeight,
    Unmatched,
)
from exportguard.core.name_tokens import Token
from exportguard.core.name_vocab import particle_class
from exportguard.core.names import is_rank

#: How much of the name value stands when none of the listed name is covered, by entry
#: type: a person is not identified by one of their names ("Castro" is not "Jorge
#: CASTRO"), while organisations are routinely named by a part of their name ("Spectrum
#: Holding" for "Spectrum Investment Group Holding SAL").
LIST_COVERAGE_FLOOR = {EntityType.PERSON: 0.45, EntityType.ORGANIZATION: 0.7}
#: A match needs at least one token pair this similar, or its value is discounted.
STRONG_PAIR = 0.9
#: Weight of a legal-form token ("llc", "jsc") or a title ("dr", "haji"): present, but a
#: weak signal.
LEGAL_WEIGHT = 0.1
#: What an unmatched token costs, relative to its weight, by what it is: a person's middle
#: name or patronymic; a link of a lineage chain ("bin Muhammad bin Awad", "ould X",
#: "abu X"), which lists and people write or leave out at will; a generic company word.
MIDDLE_COST = 0.35
CHAIN_COST = 0.15
GENERIC_COST = 0.3
#: A generic company word weighs at most this, however rare ("Petrochemical").
GENERIC_WEIGHT = 0.25
#: A legal form or title on one side only ("OAO Rosneft" for "Rosneft"): nearly free.
FORM_COST = 0.3
#: The least similarity of each word pair of a listed name made of company words only
#: (no distinctive word): one letter off in such a word is another name.
WORDS_ONLY_SIMILARITY = 0.9
#: The name value is at most this when no distinctive word of the listed name was matched
#: (only titles, legal forms, particles or generic company words): "General Trading LLC"
#: is no evidence of ADOON GENERAL TRADING L.L.C.
NON_DISTINCTIVE_CAP = 0.5
_CHAIN_PARTICLES = frozenset({"son-of", "daughter-of", "family-of", "father-of"})
#: East Slavic and Turkic patronymics as transliterated: -ovich, -evich, -avich (Belarusian),
#: -ovna, -evna, -avna, -ichna, -ogly/-oglu, -kyzy ("Sergey Kuzhugetovich Shoygu", "Ilham
#: Heydar oglu Aliyev").
_PATRONYMIC = re.compile(r"(?:[oea]vich|[oea]vna|ichna|ovych|ivna|o[gh]l[yu]|kyzy|qizi)$")
#: The short -ich patronymics of given names in -a/-ya (Ilya, Kuzma, Luka, Foma, Nikita,
#: Savva): "AIBABIN Alexander Ilyich". Only in a name of three or more words, as Serbian
#: and Croatian surnames are written alike (Ilić, Lukić).
_SHORT_PATRONYMIC = re.compile(r"^(?:il+y?ich|kuzmich|lukich|fomich|nikitich|savvich)$")


def _patronymic(tokens: Sequence[Token], i: int) -> bool:
    """Whether token ``i`` of a person's name is a patronymic."""
    text = tokens[i].text
    return bool(_PATRONYMIC.search(text)) or (
        len(tokens) >= 3 and bool(_SHORT_PATRONYMIC.match(text))
    )


def _costs(
    tokens: Sequence[Token],
    used: set[int],
    person: bool,
    against: EntityType,
    *,
    listed: bool = False,
    syllabic: bool = False,
) -> list[float]:
    """Cost factor of each unmatched token (see :data:`MIDDLE_COST`); 0 for matched ones.
    ``person``: the tokens are a person's name; ``against``: the listed entry's type (a
    query's company words are not cheap against a person, nor its titles against an
    organisation); ``listed``: the tokens are the listed name's (a middle word in any
    position); ``syllabic``: a name in a syllabic script, where no syllable is a middle
    name."""
    out = [0.0] * len(tokens)
    chain = False
    for i, t in enumerate(tokens):
        cls = particle_class(t.text)
        if i in used:
            chain = cls in _CHAIN_PARTICLES
            continue
        if person and cls in _CHAIN_PARTICLES and i < len(tokens) - 1:
            out[i], chain = CHAIN_COST, True
            continue
        if person and chain and cls == "article":  # "bin Al Falih": the chain goes on
            out[i] = CHAIN_COST
            continue
        if person and chain and cls is None:
            out[i], chain = CHAIN_COST, False
            continue
        chain = False
        if cls == "article":
            # "al", "el", "ad" ...: written apart, joined ("Al Tikriti" ~ "Altikriti") or
            # left out at will; it says nothing of who the party is.
            out[i] = CHAIN_COST
        elif t.kind == "legal" or (t.kind == "title" and against is not EntityType.ORGANIZATION):
            out[i] = FORM_COST
        elif person and is_rank(t.text) and _ranked(tokens):
            out[i] = FORM_COST  # "General", "Colonel" before a person's name: a title
        elif person and i > 0 and _patronymic(tokens, i):
            out[i] = CHAIN_COST  # a patronymic ("Kuzhugetovich"), like a lineage link
        elif person and i + 1 < len(tokens) and _patronymic(tokens, i + 1):
            # The given name before its patronymic, in either order ("Sergey Kuzhugetovich
            # SHOYGU", "SMITH Dmitry Vyacheslavovich"): a given name, never a middle name.
            out[i] = 1.0
        elif t.kind == "generic" and against is not EntityType.PERSON:
            out[i] = GENERIC_COST
        elif person and not syllabic and (0 < i < len(tokens) - 1 or (listed and len(tokens) > 2)):
            # A middle name or a second surname; in the listed name wherever the list
            # writes it: "GUZMAN LOERA, Joaquin", "MUGABE, Robert Gabriel", "Joaquin
            # GUZMAN LOERA" alike (a query's own words at its ends are what it says).
            out[i] = MIDDLE_COST
        else:
            out[i] = 1.0
    return out


def _ranked(tokens: Sequence[Token]) -> bool:
    """Whether a name holds a full-word rank or title (:func:`~exportguard.core.names.is_rank`)
    beside two name words or more, so the rank reads as a title."""
    ranks = sum(1 for t in tokens if is_rank(t.text))
    words = sum(1 for t in tokens if t.kind in ("word", "generic") and not is_rank(t.text))
    return ranks > 0 and words >= 2


def _rank_weights(tokens: Sequence[Token], weights: list[float], person: bool) -> list[float]:
    """``weights`` with a rank or title in full ("General", "Doctor") at
    :data:`LEGAL_WEIGHT` when the name is :func:`_ranked`, against a ``person``, typed or not
    ("Major Tom" stays two words)."""
    if not person or not _ranked(tokens):
        return weights
    return [LEGAL_WEIGHT if is_rank(t.text) else w for t, w in zip(tokens, weights, strict=True)]


def _syllables_alike(tokens: Sequence[Token], weights: list[float]) -> list[float]:
    """``weights`` with every name word at 1.0 (legal forms and titles keep theirs)."""
    return [1.0 if t.kind == "word" else w for t, w in zip(tokens, weights, strict=True)]


def _unmatched(
    tokens: Sequence[Token],
    weights: list[float],
    used: set[int],
    against: EntityType,
    *,
    syllabic: bool,
    listed: bool,
) -> float:
    """The weight the unmatched tokens cost (:func:`_costs`); in a syllabic name no
    syllable is a middle name."""
    costs = _costs(
        tokens, used, against is EntityType.PERSON, against, listed=listed, syllabic=syllabic
    )
    return sum(w * f for w, f in zip(weights, costs, strict=True))


def _weight(t: Token, weight_of: TokenWeight) -> float:
    if t.kind in ("legal", "title"):
        return LEGAL_WEIGHT
    if t.kind == "generic":
        return min(GENERIC_WEIGHT, weight_of(t))
    return weight_of(t)


#: What a name feature detail ends with when only non-distinctive words matched.
NO_DISTINCTIVE = "; no distinctive word matched (only titles, legal forms or company words)"

NameResult = tuple[float, str, tuple[TokenPair, ...], tuple[tuple[Unmatched, ...], ...]]


def name_feature(query: Query, cand: Candidate, weight_of: TokenWeight) -> NameResult:
    """How much of both names is covered by aligned tokens, weighted by token rarity.

    ``query coverage`` is the weighted similarity of aligned tokens over all query tokens
    (an unexplained query token costs a lot: the query says something the list does not);
    ``list coverage`` is the share of the candidate's token weight that is aligned. An
    unmatched token costs its weight times a factor: a person's middle names
    :data:`MIDDLE_COST`, the links of a lineage chain ("bin Muhammad bin Awad") and
    patronymics ("Kuzhugetovich", in any script) :data:`CHAIN_COST`, generic company
    words :data:`GENERIC_COST` (not against a person), legal forms and titles (which weigh
    :data:`LEGAL_WEIGHT`; titles not against an organisation) :data:`FORM_COST`; a generic word
    weighs at most :data:`GENERIC_WEIGHT`. The value is query coverage x (f + (1 - f) x
    list coverage), f from :data:`LIST_COVERAGE_FLOOR`: the query must be explained, and
    for a person most of the listed name too, so one shared surname ("Castro" for "Jorge
    CASTRO") is not a match. When the whole query is one approximate token match
    ("Rogner" ~ "Ragnar"), or no token pair reaches :data:`STRONG_PAIR`, the value is
    multiplied by the best pair's similarity once more. When no distinctive word of the
    listed name matched, the value is at most :data:`NON_DISTINCTIVE_CAP` (and when the
    listed name has none, when any of its words is unmatched).

    Returns the value, the detail, the aligned pairs and the unmatched words of the
    query and of the listed name.
    """
    return _name_value(query.form.tokens, cand.form.tokens, cand.entry_type, weight_of)


@lru_cache(maxsize=16_384)
def _name_value(
    qt: tuple[Token, ...], ct: tuple[Token, ...], entry_type: EntityType, weight_of: TokenWeight
) -> NameResult:
    """:func:`name_feature` on the tokens alone (memoised: one listed name is often on
    several lists, or several rows of one, and a batch repeats names)."""
    if not qt or not ct:
        return 0.0, "no comparable tokens", (), ((), ())
    chosen = align(qt, ct)
    cw = [_weight(t, weight_of) for t in ct]
    qw = [_weight(t, weight_of) for t in qt]
    person = entry_type is EntityType.PERSON
    # A person's name in a syllabic script (Chinese, Korean ...): every syllable is the
    # name, however common ("马丽丽", Ma Lili, is not MA LI; Wei Guiying is not WEI Hsueh
    # Ying), so each weighs alike and none is a middle name.
    syllabic = person and any(t.script == "other" for t in qt)
    if syllabic:
        cw, qw = _syllables_alike(ct, cw), _syllables_alike(qt, qw)
    cw, qw = _rank_weights(ct, cw, person), _rank_weights(qt, qw, person)
    matched = 0.0
    pairs: list[TokenPair] = []
    used_q: set[int] = set()
    used_c: set[int] = set()
    for qi, ci, sim, how in chosen:
        matched += sim * sum(cw[j] for j in ci)
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
    free_q = _unmatched(qt, qw, used_q, entry_type, syllabic=syllabic, listed=False)
    free_c = _unmatched(ct, cw, used_c, entry_type, syllabic=syllabic, listed=True)
    q_cov = matched / (aligned_w + free_q) if aligned_w + free_q else 0.0
    c_cov = aligned_w / (aligned_w + free_c) if aligned_w + free_c else 0.0
    floor = LIST_COVERAGE_FLOOR.get(entry_type, 0.5)
    value = q_cov * (floor + (1 - floor) * c_cov)
    best_pair = max((a[2] for a in chosen), default=0.0)
    # Pairs of name words (not legal forms or titles), and the query's name words.
    core = [a for a in chosen if any(qt[i].kind not in ("legal", "title") for i in a[0])]
    core_q = sum(1 for t in qt if t.kind not in ("legal", "title"))
    if (
        len(core) == 1
        and len(core[0][0]) == core_q
        and core[0][2] < 1.0
        and not (core[0][3] == "phonetic" and core[0][2] >= STRONG_PAIR)
    ):
        # The whole evidence is one approximate token match (legal forms and titles
        # aside): it counts twice against (a long skeleton shared across scripts,
        # "קנדירו" ~ "Candiru", is strong enough).
        value *= core[0][2]
    elif best_pair < STRONG_PAIR:
        # No token matched strongly (only sounds-alike): weak evidence counts twice.
        value *= best_pair
    detail = ", ".join(f"{p.query}~{p.candidate} ({p.how} {p.similarity:.2f})" for p in pairs)
    if any(distinctive_word(t) for t in ct):
        if not any(distinctive_word(ct[j]) for _, ci, _, _ in chosen for j in ci):
            value = min(value, NON_DISTINCTIVE_CAP)
            detail += NO_DISTINCTIVE
    elif any(not t.legal and j not in used_c for j, t in enumerate(ct)) or any(
        sim < WORDS_ONLY_SIMILARITY for _, _, sim, _ in chosen
    ):
        # A listed name of company words only ("Asia International Trading Company") is
        # distinguished by all of them: each must be matched, and closely ("Irak Air" is
        # not IRAN AIR).
        value = min(value, NON_DISTINCTIVE_CAP)
        detail += "; a listed name of company words only, not all of them matched"
    if chosen and all(len(qt[i].text) == 1 for qi, _, _, _ in chosen for i in qi):
        # Only single letters of the query matched ("x" ~ "E. X. Co", "K M" ~ "K. M.
        # Trading"): an initial says who a party is only beside a name.
        value = min(value, NON_DISTINCTIVE_CAP)
        detail += "; only single letters matched"
    if any(qt[i].kind == "number" for i in range(len(qt)) if i not in used_q) and any(
        ct[j].kind == "number" for j in range(len(ct)) if j not in used_c
    ):
        # Numbers must agree: "SCHOOL № 33" is not "SCHOOL № 32", however long the rest.
        value = min(value, NON_DISTINCTIVE_CAP)
        detail += "; the numbers differ"
    free = (
        tuple(Unmatched(qt[i].text, qt[i].kind) for i in range(len(qt)) if i not in used_q),
        tuple(Unmatched(ct[j].text, ct[j].kind) for j in range(len(ct)) if j not in used_c),
    )
    for side, words in zip(("query", "list"), free, strict=True):
        if words:
            detail += f"; {side} only: {' '.join(w.text for w in words)}"
    detail += f"; coverage query {q_cov:.2f}, list {c_cov:.2f}"
    return value, detail, tuple(pairs), free


def distinctive_word(t: Token) -> bool:
    return t.distinctive and particle_class(t.text) is None
