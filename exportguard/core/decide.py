"""The decision engine: may these items go to this destination, these parties and this end
use, on this date, under these regimes, and why.

``decide(request, regimes, screenings, versions, lists=...)`` is pure: the caller screens
the parties (as of the decision date) and passes the hits in, with the list snapshots that
were loaded. Every regime gives a verdict with its reasons; the overall verdict is the most
restrictive one. The order, least to most restrictive:

    no_licence_required < licence_exception < refer < licence_required < not_eligible

Rules that keep a confident answer honest:

- a regime that cannot apply to the exporter and item says so in a note, and gives no
  verdict beyond ``no_licence_required``; one whose reach is unknown says that too;
- a condition on a fact the request does not give (end-user type, end use, region) is
  unknown, not false: the verdict is at least ``refer`` and the reason names the fact;
- a finding that bars licence exceptions (an Entity List entry, an Unverified List party,
  an embargo) keeps every exception unavailable, and the reasons say why;
- a party is cleared only if the regime's required list sources were loaded, an end user
  was named, and no undated listing of a snapshot newer than the decision date matched;
- a verdict's certainty is the weakest certainty among the facts it rests on, including
  the facts behind a negative conclusion ("no rule requires a licence"): country-set
  memberships tested, caveats that fired. Where several findings each decide the verdict,
  it rests on the best-supported one. Unverified deciding facts are named in a reason.

The request and the answer are ``core.decision_model``'s types, named here too since
``decide``'s signature speaks them; a regime's reach and its country-list and exception
rules are evaluated in ``core.decide_rules``, its listed-party rules and party gaps in
``core.decide_parties``, and what they produce is ``core.decide_findings``'.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date

from exportguard.core.decide_findings import (
    Finding,
    make_reason,
    missing_facts,
    set_facts,
    unverified_reason,
)
from exportguard.core.decide_parties import Loaded, list_age_notes, listed_party, party_gaps
from exportguard.core.decide_rules import apply_exception, country_list, not_applicable
from exportguard.core.decision_model import (
    Decision,
    DecisionRequest,
    LoadedList,
    Party,
    PartyScreening,
    Reason,
    RegimeDecision,
)
from exportguard.core.decision_records import JsonObject
from exportguard.core.regimes import (
    Outcome,
    Regime,
    Rule,
    Verdict,
    normalise_item,
    strongest,
    weakest,
)

#: The engine, and the request and answer types its signature speaks (defined in
#: ``core.decision_model``), for callers that import them with it.
__all__ = [
    "Decision",
    "DecisionRequest",
    "LoadedList",
    "Party",
    "PartyScreening",
    "RegimeDecision",
    "decide",
    "decide_regime",
]


def decide_regime(
    request: DecisionRequest,
    regime: Regime,
    screenings: Sequence[PartyScreening],
    lists: Sequence[LoadedList] = (),
    *,
    parties: bool = True,
) -> RegimeDecision:
    """One regime's verdict and reasons for the request.

    ``lists``: the list snapshots in force for the decision (their sources decide whether
    the regime's required lists were loaded; their dates whether an undated listing can be
    trusted on the decision date). ``parties=False`` leaves the parties out entirely (the
    eligibility map asks about destinations, not parties).
    """
    return _decide_regime(
        request, regime, screenings, Loaded.of(lists),
        frozenset(map(normalise_item, request.items)), parties=parties,
    )  # fmt: skip


def _decide_regime(
    request: DecisionRequest,
    regime: Regime,
    screenings: Sequence[PartyScreening],
    loaded: Loaded,
    items: frozenset[str],
    *,
    parties: bool,
) -> RegimeDecision:
    if request.on < regime.covers_from:
        reason = Reason(
            f"{regime.id}:coverage",
            (
                f"{request.on.isoformat()} is before the period this regime's data covers (from "
                f"{regime.covers_from.isoformat()}): the rules then are not modelled, so refer the "
                "question to the authority."
            ),
            regime.name,
            "P",
            Verdict.REFER,
        )
        return RegimeDecision(
            regime.id, regime.revision, regime.digest, Verdict.REFER, (reason,), certainty="P"
        )
    applies, scope_note = not_applicable(regime, request)
    if applies is False:
        assert scope_note is not None
        return RegimeDecision(
            regime.id, regime.revision, regime.digest, Verdict.NO_LICENCE_REQUIRED,
            (scope_note,), certainty=scope_note.certainty, applies=False,
        )  # fmt: skip
    notes: list[Reason] = [scope_note] if scope_note is not None else []
    base: list[str] = []  # facts every conclusion about the destination rests on
    for alias in regime.treated_as:
        if alias.code == request.destination and alias.on(request.on):
            notes.append(
                make_reason(
                    regime, f"{regime.id}:treated-as", Outcome(None, alias.text, alias.facts)
                )
            )
            base.extend(alias.facts)
            request = replace(request, destination=alias.target)
            break
    findings, exceptions, negatives = _evaluate(
        regime, request, items, screenings, loaded.published, base, notes, parties=parties
    )
    missing_lists: tuple[str, ...] = ()
    if parties:
        missing_lists = tuple(
            r.id for r in regime.required_lists if loaded.sources.isdisjoint(r.sources)
        )
        findings.extend(party_gaps(regime, request, missing_lists, base))
        findings.extend(list_age_notes(regime, request, loaded))
    for rule in exceptions:
        apply_exception(regime, rule, request, items, findings)
    verdict = max([f.verdict for f in findings], default=Verdict.NO_LICENCE_REQUIRED)
    if verdict == Verdict.NO_LICENCE_REQUIRED:
        # "No rule requires a licence" rests on the rules that did not fire and on the
        # caveats that did (a sale within the country, a rule not yet in force ...).
        caveats = [f for n in notes if n is not scope_note for f in n.facts]
        tested = set_facts(regime, tuple(dict.fromkeys(negatives)), request)
        facts = tuple(dict.fromkeys((*regime.default.facts, *base, *tested, *caveats)))
        reason = make_reason(regime, f"{regime.id}:default", regime.default, facts, shared=True)
        extra = [r for f in findings for r in f.reasons]
        return _finish(
            regime, Verdict.NO_LICENCE_REQUIRED, [reason], [*extra, *notes], facts,
            applies=applies, missing_lists=missing_lists,
        )  # fmt: skip
    deciding = [f for f in findings if f.verdict == verdict]
    # A fact the request lacks could make the answer stricter than the one found: refer.
    pending = [f for f in findings if f.potential is not None and f.potential > verdict]
    if pending:
        verdict, deciding = Verdict.REFER, pending
    policy = "; ".join(dict.fromkeys(f.review_policy for f in deciding if f.review_policy))
    exception = next((f.exception for f in deciding if f.exception), None)
    conditions = tuple(
        dict.fromkeys(
            c for f in findings for c in f.conditions if f.verdict >= Verdict.LICENCE_EXCEPTION
        )
    )
    ordered = sorted(findings, key=lambda f: -f.verdict)
    # The verdict holds if any one deciding finding holds: it rests on the best-supported
    # one (Russia's 746.8 [S] decides a licence even where the NS reading [U] would too).
    supported = [
        tuple(dict.fromkeys([*base, *(x for r in f.reasons for x in r.facts), *f.support]))
        for f in deciding
    ]
    best = strongest(regime.cite(fs)[1] for fs in supported)
    facts = next(fs for fs in supported if regime.cite(fs)[1] == best)
    lead = [r for f in ordered if f in deciding for r in f.reasons]
    rest = [r for f in ordered if f not in deciding for r in f.reasons]
    return _finish(
        regime, verdict, lead, [*rest, *notes], facts, policy or None, exception, conditions,
        applies=applies, missing_lists=missing_lists,
    )  # fmt: skip


def _candidates(
    regime: Regime, on: date, destination: str
) -> tuple[tuple[Rule, ...], tuple[str, ...]]:
    """The rules in force on ``on`` that can apply to ``destination`` (a rule limited to
    other countries is left out unevaluated), and the country sets the left-out rules
    test; memoised per date and destination."""
    key = ("candidates", on, destination)
    found: tuple[tuple[Rule, ...], tuple[str, ...]] | None = regime.memo.get(key)
    if found is None:
        rules = regime.rules_on(on)
        found = (
            tuple(r for r in rules if r.countries is None or destination in r.countries),
            tuple(
                g
                for r in rules
                if r.countries is not None and destination not in r.countries
                for g in r.groups
            ),
        )
        if len(regime.memo) > 100_000:
            regime.memo.clear()
        regime.memo[key] = found
    return found


def _evaluate(
    regime: Regime,
    request: DecisionRequest,
    items: frozenset[str],
    screenings: Sequence[PartyScreening],
    published: Mapping[int, date],
    base: Sequence[str],
    notes: list[Reason],
    *,
    parties: bool,
) -> tuple[list[Finding], list[Rule], list[str]]:
    """Every rule in force: (findings, licence exceptions to try, the country sets the rules
    that did not fire tested). Notes are appended to ``notes``."""
    findings: list[Finding] = []
    exceptions: list[Rule] = []
    negatives: list[str] = []
    candidates, skipped = _candidates(regime, request.on, request.destination)
    negatives.extend(skipped)
    for rule in candidates:
        holds = True if rule.test is None else rule.test(request, items)
        if rule.kind == "note":
            if holds:
                assert rule.outcome is not None
                notes.append(make_reason(regime, rule.id, rule.outcome, base, shared=True))
            continue
        if rule.kind == "licence-exception":
            if holds is not False:
                exceptions.append(rule)
            continue
        if rule.kind == "listed-party":
            if holds is not False and parties:
                findings.extend(listed_party(regime, rule, request, items, screenings, published))
            continue
        if holds is False:
            # "This rule does not apply" rests on the country-set memberships it tested
            # (D:5 membership of Cyprus is unverified ...); the caveats that fired are
            # added to a "no licence" conclusion below.
            negatives.extend(rule.groups)
            continue
        group_facts = set_facts(regime, rule.groups, request)
        if holds is None:
            outcome = rule.outcome or rule.member
            assert outcome is not None
            missing = missing_facts(rule.fields, request)
            findings.append(
                Finding(rule, Verdict.REFER, [make_reason(
                    regime, rule.id, outcome, (*base, *group_facts),
                    text=(f"Depends on the {missing}, which the request does not give: refer. "
                          f"If it applies: {outcome.text}"),
                    verdict=Verdict.REFER,
                )], potential=max(
                    b.verdict for b in (rule.outcome, rule.member, rule.non_member, rule.unknown)
                    if b is not None and b.verdict is not None
                ))
            )  # fmt: skip
            continue
        if rule.kind == "requirement":
            assert rule.outcome is not None
            assert rule.outcome.verdict is not None
            findings.append(
                Finding(
                    rule,
                    rule.outcome.verdict,
                    [make_reason(
                        regime, rule.id, rule.outcome, (*base, *group_facts), shared=True
                    )],
                    rule.outcome.review_policy,
                    conditions=rule.outcome.conditions,
                    bars_exceptions=rule.outcome.bars_exceptions,
                )
            )
        elif rule.kind == "country-list":
            findings.append(country_list(regime, rule, request, base))
    return findings, exceptions, negatives


def _finish(
    regime: Regime,
    verdict: Verdict,
    lead: list[Reason],
    rest: list[Reason],
    facts: Sequence[str],
    policy: str | None = None,
    exception: str | None = None,
    conditions: tuple[str, ...] = (),
    *,
    applies: bool | None,
    missing_lists: tuple[str, ...],
) -> RegimeDecision:
    facts = tuple(facts)
    certainty = regime.cite(facts)[1]
    if verdict == Verdict.NO_LICENCE_REQUIRED:
        # "No rule requires a licence" is concluded from rules that did not fire: derived
        # at best, whatever the sources of the rules themselves (never P or S).
        certainty = weakest([certainty, "D"])
    if certainty == "U":
        unverified = tuple(f for f in dict.fromkeys(facts) if regime.facts[f].certainty == "U")
        if unverified:
            lead.append(unverified_reason(regime, unverified))
    return RegimeDecision(
        regime.id, regime.revision, regime.digest, verdict, (*lead, *rest), policy, exception,
        conditions, certainty, applies, missing_lists,
    )  # fmt: skip


def decide(
    request: DecisionRequest,
    regimes: Sequence[Regime],
    screenings: Sequence[PartyScreening],
    versions: JsonObject,
    *,
    lists: Sequence[LoadedList] = (),
    decision_id: str = "",
) -> Decision:
    """Decide ``request`` under every regime given; the most restrictive verdict wins.

    ``decision_id``: the caller's id for this decision (each recorded decision its own;
    empty for one that is not recorded). The overall certainty is the
    strongest among the regimes whose verdict is the overall one (any one of them decides it).
    """
    loaded = Loaded.of(lists)
    items = frozenset(map(normalise_item, request.items))
    results = tuple(
        _decide_regime(request, r, screenings, loaded, items, parties=True) for r in regimes
    )
    verdict = max(r.verdict for r in results)
    full_versions = {
        "regimes": {r.id: {"revision": r.revision, "digest": r.digest} for r in regimes},
        **versions,
    }
    certainty = strongest(r.certainty for r in results if r.verdict == verdict)
    return Decision(
        verdict, results, request, full_versions, decision_id, tuple(screenings), certainty,
    )  # fmt: skip
