"""Aligning a query's tokens with a listed name's one to one (:func:`align`): order-free,
best similarity first, a token matching two adjacent ones joined, three with an article in
the middle, or the run of words an acronym stands for. Tokens only: what the alignment is
worth is the name feature's (:mod:`exportguard.core.name_feature`)."""

from __future__ import annotations

from collections.abc import Sequence

from exportguard.core.name_tokens import Token
from exportguard.core.name_vocab import particle_class
from exportguard.core.similarity import (
    ACRONYM_SIMILARITY,
    JOIN_SIMILARITY,
    MIN_TOKEN_SIMILARITY,
    initials_of,
    is_particle,
    join_similarity,
    join_tokens,
    joinable,
    token_similarity,
)

#: (query indexes, candidate indexes, similarity, how) of each aligned group.
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


def _article_triples(tokens: Sequence[Token], strong: set[int]) -> list[tuple[int, Token]]:
    """Three words with an article in the middle, joined: "Abd al-Latif" as written one
    word ("Abdullatif", "Abdulrahman"); none of them already matched well."""
    return [
        (j, join_tokens(join_tokens(tokens[j], tokens[j + 1]), tokens[j + 2]))
        for j in range(len(tokens) - 2)
        if particle_class(tokens[j + 1].text) == "article"
        and strong.isdisjoint((j, j + 1, j + 2))
        and all(joinable(t) for t in tokens[j : j + 3])
    ]


def _triple_options(
    query: Sequence[Token], cand: Sequence[Token], weak_q: set[int], strong_c: set[int]
) -> list[_Option]:
    """Options pairing a weakly matched word with three words of the other side that have
    an article in the middle, joined (:func:`_article_triples`), either way round."""
    out: list[_Option] = []
    for j, joined in _article_triples(cand, strong_c):
        for i in weak_q:
            sim, how = join_similarity(query[i], joined, True)
            if sim >= JOIN_SIMILARITY:
                out.append((sim + 0.0015, (i,), (j, j + 1, j + 2), "joined " + how))
    for i, joined in _article_triples(query, set(range(len(query))) - weak_q):
        for j, c in enumerate(cand):
            if j not in strong_c:
                sim, how = join_similarity(joined, c, True)
                if sim >= JOIN_SIMILARITY:
                    out.append((sim + 0.0015, (i, i + 1, i + 2), (j,), "joined " + how))
    return out


def align(query: Sequence[Token], cand: Sequence[Token]) -> Alignment:
    """Greedy one-to-one alignment of token groups, best similarity first.

    A group is one token, two adjacent tokens joined (either side or both: "Abd Allah" ~
    "Abdullah"), three with an article in the middle ("Abd al-Latif" ~ "Abdullatif"), or
    the run of words an acronym stands for ("GW" ~ "Golden Warriors").
    Groups are only tried when single tokens leave a query token unmatched or weakly
    matched. Returns (query indexes, candidate indexes, similarity, how) per group.
    """
    options: list[_Option] = []
    for i, q in enumerate(query):
        for j, c in enumerate(cand):
            sim, how = token_similarity(q, c)
            short = min(len(q.text), len(c.text)) <= 3
            romanised = "other" in (q.script, c.script)  # pinyin, romaji: one letter off
            if sim >= MIN_TOKEN_SIMILARITY and not (  # is another syllable, another name
                how == "spelling" and ((sim < 0.85 and short) or (sim < 0.9 and romanised))
            ):  # one letter off in a short word ("Lin" ~ "Li") is another word
                options.append((sim, (i,), (j,), how))
    chosen = _greedy(options[:])
    weak_q = set(range(len(query))) - {i for qi, _, sim, _ in chosen if sim >= 0.85 for i in qi}
    if not weak_q:
        return chosen  # every query token matched well: grouping could not improve it
    strong_c = {j for _, ci, sim, _ in chosen if sim >= 0.85 for j in ci}
    c_pairs = [(j, join_tokens(cand[j], cand[j + 1]), is_particle(cand[j]) or
                is_particle(cand[j + 1])) for j in range(len(cand) - 1)
               if not (j in strong_c and j + 1 in strong_c)
               and joinable(cand[j]) and joinable(cand[j + 1])]  # fmt: skip
    options += _triple_options(query, cand, weak_q, strong_c)
    for i in weak_q:
        q = query[i]
        for j, joined_c, particle in c_pairs:
            sim, how = join_similarity(q, joined_c, particle)
            if sim >= JOIN_SIMILARITY:
                options.append((sim + 0.001, (i,), (j, j + 1), "joined " + how))
        if q.latin and 3 <= len(q.text) <= 6 and q.text.isalpha():
            for j in range(len(cand) - len(q.text) + 1):
                run = cand[j : j + len(q.text)]
                if initials_of(run) == q.text and not strong_c.intersection(range(j, j + len(run))):
                    options.append(
                        (ACRONYM_SIMILARITY, (i,), tuple(range(j, j + len(run))), "acronym")
                    )
    for i in range(len(query) - 1):
        if i not in weak_q and i + 1 not in weak_q:
            continue
        if not (joinable(query[i]) and joinable(query[i + 1])):
            continue
        joined = join_tokens(query[i], query[i + 1])
        q_particle = is_particle(query[i]) or is_particle(query[i + 1])
        for j, c in enumerate(cand):
            if j in strong_c:
                continue
            sim, how = join_similarity(joined, c, q_particle)
            if sim >= JOIN_SIMILARITY:
                options.append((sim + 0.001, (i, i + 1), (j,), "joined " + how))
        article = particle_class(query[i].text) == "article"
        for j, joined_c, c_particle in c_pairs:
            if article != (particle_class(cand[j].text) == "article"):
                continue  # "علي حسن" (Ali Hasan) is not AL-HISN: a word is no article
            sim, how = join_similarity(joined, joined_c, q_particle and c_particle)
            if sim >= JOIN_SIMILARITY:
                options.append((sim + 0.002, (i, i + 1), (j, j + 1), "joined " + how))
    for j, c in enumerate(cand):  # an acronym in the list for words in the query
        if j in strong_c or not (3 <= len(c.text) <= 6 and c.text.isalpha() and c.latin):
            continue
        for i in range(len(query) - len(c.text) + 1):
            run = query[i : i + len(c.text)]
            if initials_of(run) == c.text and weak_q.issuperset(range(i, i + len(run))):
                options.append((ACRONYM_SIMILARITY, tuple(range(i, i + len(run))), (j,), "acronym"))
    return _greedy(options)
