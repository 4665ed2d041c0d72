"""Scoring a query against one listed name, and explaining the score.

The algorithm is a declared list of small feature functions (:data:`FEATURES`). Each
returns a value and a human-readable detail; its contribution is ``weight * value``; the
score is the sum, clipped to [0, 1]. The docstring of each feature is its published
explanation (``exportguard screen --explain`` prints them).

The name feature does the real work: it aligns query tokens with candidate tokens one to
one (order-free, so "Putin Vladimir" finds "Vladimir Putin"), allows one token to match two
adjacent ones joined ("Abd Allah" ~ "Abdullah"), and weighs each token by its rarity in
the index so that "Group", "Trading" or "Mohammed" count for less than "Candiru".

The name feature is ``core.name_feature`` (costs and value), on the token alignment of
``core.alignment`` and token similarity in ``core.similarity``; the scorer's inputs and
outputs are ``core.match_types``' and are named here too, since :func:`score`'s signature
speaks them. This module holds the qualifying features, the :data:`FEATURES` table and
:func:`score`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from exportguard.core.entities import AliasQuality, EntityType
from exportguard.core.identifiers import identifier_variants
from exportguard.core.match_types import (
    Candidate,
    FeatureResult,
    Query,
    Scored,
    TokenWeight,
)
from exportguard.core.name_feature import (
    NO_DISTINCTIVE,
    NON_DISTINCTIVE_CAP,
    distinctive_word,
    name_feature,
)
from exportguard.core.names import legal_family

#: The scorer, its table, and the types its signature speaks (defined in
#: ``core.match_types``), for callers that import them with it.
__all__ = [
    "FEATURES",
    "IDENTIFIER_MATCH_SCORE",
    "Candidate",
    "FeatureResult",
    "Query",
    "Scored",
    "score",
]


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


#: The country feature's detail when the query gives a country and the entry none.
COUNTRY_NOT_CHECKED = "the entry gives no country"


def country_feature(query: Query, cand: Candidate) -> tuple[float, str]:
    """A given country that the entry has (address, nationality, ...) adds a little; one
    that contradicts every country of the entry takes away twice as much (a French
    "Police nationale" is not the NICARAGUAN NATIONAL POLICE). Entries without
    countries, or queries without one, are neutral (the former says the country was not
    checked)."""
    if not query.country:
        return 0.0, "not compared"
    if not cand.countries:
        # Neutral, but said: an officer must not read the hit as the country confirmed.
        return 0.0, f"{COUNTRY_NOT_CHECKED}: {query.country} not checked"
    if query.country in cand.countries:
        return 0.5, f"{query.country} is among the entry's countries"
    return -1.0, f"{query.country} contradicts the entry's {', '.join(cand.countries)}"


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


#: The score of a candidate that carries an identifier of the query, exactly (compared as
#: :func:`exportguard.core.identifiers.normalise_identifier` writes them), whatever its name.
IDENTIFIER_MATCH_SCORE = 0.95
#: The score of a candidate that carries the query's identifier written another way that
#: is not proof of it (:func:`exportguard.core.identifiers.identifier_variants`: leading
#: zeros of a registration number, another branch of the same bank's SWIFT/BIC).
IDENTIFIER_VARIANT_SCORE = 0.9
#: Feature value of such a variant match (an exact match is 1).
IDENTIFIER_VARIANT_VALUE = 0.8


def identifier_feature(query: Query, cand: Candidate) -> tuple[float, str]:
    """A given identifier (passport, registration, IMO number ...) that the entry also
    carries exactly is near-certain evidence of identity: the score is then at least
    :data:`IDENTIFIER_MATCH_SCORE`, even when the names differ (a renamed vessel) or no
    name was given. The same identifier written another way (leading zeros, a bank
    branch's SWIFT/BIC) is strong evidence: at least :data:`IDENTIFIER_VARIANT_SCORE`."""
    if not query.identifiers or not cand.identifiers:
        return 0.0, "not compared"
    listed = set(cand.identifiers)
    common = set(query.identifiers) & listed
    if common:
        return 1.0, (
            f"identifier {sorted(common)[0]} matches exactly: an exact identifier match "
            f"decides the score (at least {IDENTIFIER_MATCH_SCORE:.2f}), whatever the name"
        )
    listed_variants = {v: c for c in listed for v in identifier_variants(c)}
    for q in query.identifiers:
        forms = {q} | identifier_variants(q)
        for f in sorted(forms):
            other = f if f in listed else listed_variants.get(f)
            if other is not None:
                how = (
                    "the same number but for leading zeros"
                    if q.isdigit() and other.isdigit()
                    else "the same bank's SWIFT/BIC, another branch"
                )
                return IDENTIFIER_VARIANT_VALUE, (
                    f"identifier {q} ~ listed {other}: {how}, strong evidence (score at "
                    f"least {IDENTIFIER_VARIANT_SCORE:.2f}), not an exact match"
                )
    return 0.0, "no identifier in common"


Feature = Callable[[Query, Candidate], tuple[float, str]]

#: The qualifying features and their weights; the name feature has weight 1.
FEATURES: tuple[tuple[str, Feature, float], ...] = (
    ("legal_form", legal_form_feature, 0.03),
    ("weak_alias", weak_alias_feature, 0.05),
    ("country", country_feature, 0.12),
    ("type", type_feature, 0.15),
    ("birth_date", birth_date_feature, 0.12),
    ("identifier", identifier_feature, 0.3),
)


def score(query: Query, cand: Candidate, weight_of: TokenWeight) -> Scored:
    """Score one candidate name for a query; see :data:`FEATURES` and :func:`name_feature`.

    An identifier match sets a floor (:data:`IDENTIFIER_MATCH_SCORE`,
    :data:`IDENTIFIER_VARIANT_SCORE`): its contribution in the explanation is then what
    it actually added, so the contributions add up to the score (before clipping to 1).
    """
    value, detail, pairs, (query_only, list_only) = name_feature(query, cand, weight_of)
    if not query.form.tokens and not query.form.legal_forms:
        detail = "no name given: screened on the identifiers only"
    results = [FeatureResult("name", value, 1.0, detail)]
    total = value
    identifier: FeatureResult | None = None
    for label, feature, weight in FEATURES:
        v, d = feature(query, cand)
        if not v and not d.startswith(COUNTRY_NOT_CHECKED):
            continue
        if label == "identifier" and v > 0:
            identifier = FeatureResult(label, v, weight, d)
            continue
        if label == "country" and v < 0 and _named_by_country(cand):
            total = min(total, NON_DISTINCTIVE_CAP)
            d += (
                "; a name of generic words only (a state body, a 'Central Bank') is "
                "told apart by its country"
            )
        results.append(FeatureResult(label, v, weight, d))
        total += v * weight
    if identifier is not None:
        floor = IDENTIFIER_MATCH_SCORE if identifier.value >= 1.0 else IDENTIFIER_VARIANT_SCORE
        added = max(identifier.contribution, floor - total)
        results.append(replace(identifier, weight=added / identifier.value))
        total += added
        if NO_DISTINCTIVE in results[0].detail:  # the identifier is the evidence
            results[0] = replace(results[0], detail=results[0].detail.replace(NO_DISTINCTIVE, ""))
    return Scored(max(0.0, min(1.0, total)), tuple(results), pairs, query_only, list_only)


def _named_by_country(cand: Candidate) -> bool:
    """An organisation whose listed name has no distinctive word ("MINISTRY OF DEFENCE",
    "ARMED FORCES GENERAL STAFF"): every country has one, so a party of another country
    is another body, however exactly the words agree."""
    return cand.entry_type is not EntityType.PERSON and not any(
        distinctive_word(t) for t in cand.form.tokens
    )
