"""What the decision engine's rule evaluations produce: a :class:`Finding` (a rule's
verdict with its reasons, whether it bars licence exceptions, what it would be were a
missing fact given) and the reasons that cite a regime's facts (sources, weakest
certainty), memoised on the regime where they are the regime's own words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from exportguard.core.decision_model import (
    DecisionRequest,
    Reason,
)
from exportguard.core.decision_records import JsonObject
from exportguard.core.regimes import (
    FIELD_NAMES,
    Outcome,
    Regime,
    Rule,
    Verdict,
)


def make_reason(
    regime: Regime,
    rule_id: str,
    outcome: Outcome,
    extra_facts: Sequence[str] = (),
    text: str | None = None,
    match: JsonObject | None = None,
    verdict: Verdict | None = None,
    *,
    shared: bool = False,
) -> Reason:
    """A reason citing ``outcome``'s facts and ``extra_facts``. ``shared``: ``outcome`` is
    the regime's own (not built for this decision), so the reason in its own words is
    memoised on the regime (reasons are immutable)."""
    plain = shared and text is None and match is None and verdict is None
    if plain:
        key = ("reason", rule_id, id(outcome), tuple(extra_facts))
        found: Reason | None = regime.memo.get(key)
        if found is not None:
            return found
    facts = tuple(dict.fromkeys((*outcome.facts, *extra_facts))) if extra_facts else outcome.facts
    sources, certainty = regime.cite(facts)
    reason = Reason(
        rule_id,
        text or outcome.text,
        sources,
        certainty,
        outcome.verdict if verdict is None else verdict,
        facts,
        match,
    )
    if plain:
        if len(regime.memo) > 100_000:
            regime.memo.clear()
        regime.memo[key] = reason
    return reason


@dataclass(eq=False)
class Finding:
    rule: Rule
    verdict: Verdict
    reasons: list[Reason]
    review_policy: str | None = None
    exception: str | None = None
    conditions: tuple[str, ...] = ()
    bars_exceptions: bool = False
    #: Facts behind an exception's grant (the unavailabilities that did not hold).
    support: tuple[str, ...] = ()
    #: For a finding on a fact the request lacks: the verdict if the fact were there.
    potential: Verdict | None = None
    #: A possible or undated match on a list whose entries bar every licence exception.
    bars_if_confirmed: bool = False


def set_facts(regime: Regime, groups: Sequence[str], request: DecisionRequest) -> list[str]:
    out: list[str] = []
    for name in groups:
        out.extend(regime.country_sets[name].facts_for(request.destination, request.on))
    return out


def missing_facts(fields: Sequence[str], request: DecisionRequest) -> str:
    names = [FIELD_NAMES[f] for f in fields if getattr(request, f) is None]
    return " and ".join(names) or "a fact"


def unverified_reason(regime: Regime, fact_ids: tuple[str, ...]) -> Reason:
    """The reason naming the unverified facts a verdict rests on (memoised)."""
    key = ("unverified", fact_ids)
    found: Reason | None = regime.memo.get(key)
    if found is None:
        found = regime.memo[key] = Reason(
            f"{regime.id}:unverified",
            "This verdict rests on unverified facts: "
            + " ".join(f"[{f}] {regime.facts[f].text}" for f in fact_ids),
            "; ".join(dict.fromkeys(regime.facts[f].source for f in fact_ids)),
            "U",
            None,
            fact_ids,
        )
    return found


#: Scripts the lists write names in, and ExportGuard's name matcher compares directly.
