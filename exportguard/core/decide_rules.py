"""How a regime's reach and its rule kinds are evaluated for one request: whether the
regime can apply at all (exporter, item origin, US content), ``country-list`` rules
(membership of a dated country set) and ``licence-exception`` rules (what they overcome,
unless one of their unavailabilities holds or a finding bars exceptions).
"""

from __future__ import annotations

from collections.abc import Sequence

from exportguard.core.decide_findings import (
    Finding,
    make_reason,
    missing_facts,
    set_facts,
)
from exportguard.core.decision_model import (
    DecisionRequest,
    Reason,
)
from exportguard.core.regimes import (
    Outcome,
    Regime,
    Rule,
    Verdict,
)


def not_applicable(regime: Regime, request: DecisionRequest) -> tuple[bool | None, Reason | None]:
    """Whether the regime applies to this exporter and item, and the note saying why not
    (or why it is unknown); memoised on the regime."""
    key = ("reach", request.exporter_country, request.item_origin, request.us_content,
           request.on)  # fmt: skip
    found: tuple[bool | None, Reason | None] | None = regime.memo.get(key)
    if found is None:
        found = reach_of(regime, request)
        if len(regime.memo) > 100_000:
            regime.memo.clear()
        regime.memo[key] = found
    return found


def reach_of(regime: Regime, request: DecisionRequest) -> tuple[bool | None, Reason | None]:
    j = regime.jurisdiction
    if j is None:
        return True, None
    exporter, origin = request.exporter_country, request.item_origin
    if exporter is not None and (
        exporter in j.exporters
        or any(exporter in regime.country_sets[g].members_on(request.on) for g in j.exporter_groups)
    ):
        return True, None
    if origin is not None and origin in j.origins:
        return True, None
    why: str
    applies: bool | None
    if exporter is None:
        applies, why = None, "the request does not give the exporter's country"
    elif origin is None and (j.origins or j.unknown_origins):
        applies, why = None, f"the export leaves from {exporter} and the item's origin is not given"
    elif origin is not None and origin in j.unknown_origins:
        applies, why = (
            None,
            (
                f"the export leaves from {exporter}; this regime's reach over items of {origin} "
                "origin exported from elsewhere is not modelled"
            ),
        )
    elif j.us_content and (request.us_content is None or request.us_content > 0):
        content = (
            "the US content is not given"
            if request.us_content is None
            else f"it has {request.us_content:g}% US content"
        )
        applies, why = (
            None,
            (
                f"the item ({origin or 'origin not given'}) leaves from {exporter} and {content}: "
                "whether the EAR's de minimis rule catches it is not modelled"
            ),
        )
    else:
        applies, why = (
            False,
            (
                f"the export leaves from {exporter}"
                + (f" and the item is of {origin} origin" if origin else "")
                + (" with no US content" if j.us_content else "")
            ),
        )
    outcome = Outcome(None, j.text, j.facts)
    if applies is False:
        text = f"This regime does not apply: {why}. {j.text}"
    else:
        text = f"Whether this regime applies is not known: {why}. {j.text}"
    return applies, make_reason(regime, f"{regime.id}:jurisdiction", outcome, text=text)


def country_list(
    regime: Regime, rule: Rule, request: DecisionRequest, base: Sequence[str]
) -> Finding:
    assert rule.country_set
    assert rule.member
    assert rule.non_member
    assert rule.unknown
    cset = regime.country_sets[rule.country_set]
    member, version, _ = cset.membership(request.destination, request.on)
    outcome = rule.member if member else rule.non_member if member is False else rule.unknown
    extra = (*base, *cset.facts_for(request.destination, request.on))
    if version is None:
        what = f"no version of {rule.country_set} is in force on {request.on.isoformat()}"
    else:
        state = {True: "is on", False: "is not on", None: "may or may not be on"}[member]
        what = (
            f"{request.destination} {state} the {version.name} (in force from "
            f"{version.since.isoformat()})"
        )
        if member is None:
            what += "; its members were never published in full"
    assert outcome.verdict is not None
    return Finding(
        rule,
        outcome.verdict,
        [make_reason(regime, rule.id, outcome, extra, f"{what}: {outcome.text}")],
        outcome.review_policy,
        conditions=outcome.conditions,
        bars_exceptions=outcome.bars_exceptions,
    )


def apply_exception(
    regime: Regime,
    rule: Rule,
    request: DecisionRequest,
    items: frozenset[str],
    findings: list[Finding],
) -> None:
    targets = [
        f for f in findings if f.rule.id in rule.overcomes and f.verdict == Verdict.LICENCE_REQUIRED
    ]
    if not targets:
        return
    name = rule.exception
    barring = [f for f in findings if f.bars_exceptions and f.verdict >= Verdict.REFER]
    if barring:
        for f in barring:
            why = f.reasons[0]
            targets[0].reasons.append(
                Reason(
                    f"{rule.id}:barred",
                    f"{name} is not available: a finding of rule {f.rule.id} bars every "
                    f"licence exception ({why.text})",
                    why.source, why.certainty, None, why.facts,
                )
            )  # fmt: skip
        return
    if rule.test is not None and rule.test(request, items) is None:
        missing = missing_facts(rule.fields, request)
        for target in targets:
            target.verdict = Verdict.REFER
            target.reasons.append(make_reason(
                regime, rule.id, Outcome(Verdict.REFER, "", ()), verdict=Verdict.REFER,
                text=f"Whether {name} can be used depends on the {missing}, which the request "
                     "does not give: refer.",
            ))  # fmt: skip
        return
    blocked = []
    unknown = []
    support: list[str] = []
    for u in rule.unavailable:
        held = True if u.test is None else u.test(request, items)
        group_facts = set_facts(regime, u.groups, request)
        if held:
            blocked.append((u, group_facts))
        elif held is None:
            unknown.append((u, group_facts))
        else:
            support.extend((*u.facts, *group_facts))
    if blocked:
        for u, group_facts in blocked:
            targets[0].reasons.append(
                make_reason(
                    regime,
                    f"{rule.id}:{u.id}",
                    Outcome(None, u.text, u.facts),
                    group_facts,
                    text=f"{name} is not available: {u.text}",
                )
            )
        return
    if unknown:
        fields = sorted({f for u, _ in unknown for f in u.fields})
        missing = missing_facts(fields, request)
        for target in targets:
            target.verdict = Verdict.REFER
            target.review_policy = None
            for u, group_facts in unknown:
                target.reasons.append(make_reason(
                    regime, f"{rule.id}:{u.id}", Outcome(Verdict.REFER, u.text, u.facts),
                    group_facts, verdict=Verdict.REFER,
                    text=(f"Whether {name} can be used depends on the {missing}, which the "
                          f"request does not give: it is not available if {u.text}"),
                ))  # fmt: skip
        return
    assert rule.outcome is not None
    unsure = [f for f in findings if f.bars_if_confirmed]
    if unsure:
        # A match not yet confirmed could bar every exception: never "available" beside it.
        for target in targets:
            target.verdict = Verdict.REFER
            target.review_policy = None
            for f in unsure:
                target.reasons.append(make_reason(
                    regime, f"{rule.id}:unless-listed", Outcome(Verdict.REFER, "", ()),
                    verdict=Verdict.REFER,
                    text=(f"{name} could be used only if this match is ruled out, since a "
                          f"confirmed one bars every licence exception: {f.reasons[0].text}"),
                ))  # fmt: skip
        return
    for target in targets:
        target.verdict = Verdict.LICENCE_EXCEPTION
        target.exception = name
        target.review_policy = None
        target.support = tuple(support)
        target.reasons.append(
            make_reason(
                regime,
                rule.id,
                Outcome(Verdict.LICENCE_EXCEPTION, rule.outcome.text, rule.outcome.facts),
            )
        )
