"""The decision engine: may these items go to this destination, end user and end use, on
this date, under these regimes, and why.

``decide(request, regimes, screenings)`` is pure: the caller screens the parties (as of the
decision date) and passes the hits in. Every regime gives a verdict with its reasons; the
overall verdict is the most restrictive one. The order, least to most restrictive:

    no_licence_required < licence_exception < refer < licence_required < not_eligible

A verdict never stands without a reason: when no rule fires, the regime's default
("no rule requires a licence ...") is the reason. Every reason carries the rule id, plain
text, the sources of the facts it rests on and the weakest certainty tag among them, so a
decision resting on an unverified fact says so.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from exportguard.core.index import Hit
from exportguard.core.regimes import (
    Outcome,
    Regime,
    Rule,
    Verdict,
    normalise_item,
)


@dataclass(frozen=True, slots=True)
class DecisionRequest:
    """One question: items, destination, parties, use and date."""

    items: tuple[str, ...]
    destination: str
    on: date
    end_user: str | None = None
    end_user_type: str | None = None
    end_use: str | None = None
    parties: tuple[str, ...] = ()
    authority_informed: bool = False
    regimes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": list(self.items), "destination": self.destination,
            "date": self.on.isoformat(), "end_user": self.end_user,
            "end_user_type": self.end_user_type, "end_use": self.end_use,
            "parties": list(self.parties), "authority_informed": self.authority_informed,
            "regimes": list(self.regimes),
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class PartyScreening:
    """The screening of one party of the request, as of the decision date."""

    role: str  # end-user, party
    name: str
    hits: tuple[Hit, ...]


@dataclass(frozen=True, slots=True)
class Reason:
    rule: str
    text: str
    source: str
    certainty: str
    verdict: Verdict | None = None
    facts: tuple[str, ...] = ()
    match: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule, "text": self.text, "source": self.source,
            "certainty": self.certainty,
            "verdict": self.verdict.label if self.verdict is not None else None,
            "facts": list(self.facts),
        }  # fmt: skip
        if self.match is not None:
            out["match"] = dict(self.match)
        return out


@dataclass(frozen=True, slots=True)
class RegimeDecision:
    id: str
    revision: str
    digest: str
    verdict: Verdict
    reasons: tuple[Reason, ...]
    review_policy: str | None = None
    exception: str | None = None
    conditions: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "revision": self.revision, "digest": self.digest,
            "verdict": self.verdict.label, "review_policy": self.review_policy,
            "exception": self.exception, "conditions": list(self.conditions),
            "reasons": [r.to_dict() for r in self.reasons],
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    regimes: tuple[RegimeDecision, ...]
    request: DecisionRequest
    versions: Mapping[str, Any]
    decision_id: str
    screenings: tuple[PartyScreening, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision_id": self.decision_id,
            "verdict": self.verdict.label,
            "request": self.request.to_dict(),
            "regimes": [r.to_dict() for r in self.regimes],
            "versions": dict(self.versions),
        }


# --- evaluation ---------------------------------------------------------------------------------


def _reason(
    regime: Regime,
    rule_id: str,
    outcome: Outcome,
    extra_facts: Sequence[str] = (),
    text: str | None = None,
    match: Mapping[str, Any] | None = None,
) -> Reason:
    facts = tuple(dict.fromkeys((*outcome.facts, *extra_facts)))
    sources = "; ".join(dict.fromkeys(regime.facts[f].source for f in facts))
    return Reason(
        rule_id,
        text or outcome.text,
        sources or regime.name,
        regime.certainty(facts),
        outcome.verdict,
        facts,
        match,
    )


@dataclass
class _Finding:
    rule: Rule
    verdict: Verdict
    reasons: list[Reason]
    review_policy: str | None = None
    exception: str | None = None
    conditions: tuple[str, ...] = ()


def _listed_party(
    regime: Regime, rule: Rule, screenings: Sequence[PartyScreening]
) -> list[_Finding]:
    findings: list[_Finding] = []
    for screening in screenings:
        for hit in screening.hits:
            if hit.entry.source not in rule.sources and "*" not in rule.sources:
                continue
            if hit.score < rule.possible_threshold:
                continue
            mapping = next((m for m in rule.lists if m.match in hit.entry.list_name), None)
            outcome = mapping.outcome if mapping else rule.fallback
            assert outcome is not None
            assert outcome.verdict is not None
            match = {
                "party": screening.name, "role": screening.role, "entry_id": hit.entry.id,
                "snapshot_id": hit.snapshot_id, "list_name": hit.entry.list_name,
                "listed_name": hit.entry.name, "matched_name": hit.matched_name,
                "score": round(hit.score, 4), "citation": hit.entry.citation,
                "listed_from": hit.entry.listed_from.isoformat() if hit.entry.listed_from else None,
                "explanation": [
                    {"feature": f.feature, "contribution": round(f.contribution, 4),
                     "detail": f.detail} for f in hit.explanation.features
                ],
            }  # fmt: skip
            policy = hit.entry.licence_policy or outcome.review_policy
            if hit.score >= rule.threshold:
                verdict = outcome.verdict
                text = (
                    f"{screening.role} {screening.name!r} matches {hit.entry.name!r} on the "
                    f"{hit.entry.list_name} (score {hit.score:.2f}"
                    + (f", {hit.entry.citation}" if hit.entry.citation else "")
                    + "): "
                    + outcome.text
                )
                if hit.entry.licence_requirement:
                    text += f" Licence requirement: {hit.entry.licence_requirement}"
            else:
                verdict = Verdict.REFER
                policy = None
                text = (
                    f"{screening.role} {screening.name!r} may match {hit.entry.name!r} on the "
                    f"{hit.entry.list_name} (score {hit.score:.2f}, below the "
                    f"{rule.threshold:.2f} of a sure match): review the match."
                )
            reason = Reason(
                rule.id,
                text,
                "; ".join(
                    dict.fromkeys(
                        [
                            *(regime.facts[f].source for f in outcome.facts),
                            f"list snapshot {hit.snapshot_id} ({hit.entry.source})",
                        ]
                    )
                ),
                regime.certainty(outcome.facts),
                verdict,
                outcome.facts,
                match,
            )
            findings.append(_Finding(rule, verdict, [reason], policy))
    return findings


def decide_regime(
    request: DecisionRequest, regime: Regime, screenings: Sequence[PartyScreening]
) -> RegimeDecision:
    """One regime's verdict and reasons for the request."""
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
        return RegimeDecision(regime.id, regime.revision, regime.digest, Verdict.REFER, (reason,))
    items = frozenset(normalise_item(i) for i in request.items)
    findings: list[_Finding] = []
    notes: list[Reason] = []
    exceptions: list[Rule] = []
    for rule in regime.rules:
        if not rule.applies(request, items):
            continue
        if rule.kind == "requirement":
            assert rule.outcome is not None
            assert rule.outcome.verdict is not None
            findings.append(
                _Finding(
                    rule,
                    rule.outcome.verdict,
                    [_reason(regime, rule.id, rule.outcome)],
                    rule.outcome.review_policy,
                    conditions=rule.outcome.conditions,
                )
            )
        elif rule.kind == "note":
            assert rule.outcome is not None
            notes.append(_reason(regime, rule.id, rule.outcome))
        elif rule.kind == "country-list":
            findings.append(_country_list(regime, rule, request))
        elif rule.kind == "licence-exception":
            exceptions.append(rule)
        elif rule.kind == "listed-party":
            findings.extend(_listed_party(regime, rule, screenings))
    for rule in exceptions:
        _apply_exception(regime, rule, request, items, findings)
    if not findings:
        reason = _reason(regime, f"{regime.id}:default", regime.default)
        return RegimeDecision(
            regime.id, regime.revision, regime.digest, Verdict.NO_LICENCE_REQUIRED, (reason, *notes)
        )
    verdict = max(f.verdict for f in findings)
    deciding = [f for f in findings if f.verdict == verdict]
    policy = next((f.review_policy for f in deciding if f.review_policy), None)
    exception = next((f.exception for f in deciding if f.exception), None)
    conditions = tuple(
        dict.fromkeys(
            c for f in findings for c in f.conditions if f.verdict >= Verdict.LICENCE_EXCEPTION
        )
    )
    ordered = sorted(findings, key=lambda f: -f.verdict)
    reasons = tuple(r for f in ordered for r in f.reasons) + tuple(notes)
    return RegimeDecision(
        regime.id, regime.revision, regime.digest, verdict, reasons, policy, exception, conditions
    )


def _country_list(regime: Regime, rule: Rule, request: DecisionRequest) -> _Finding:
    assert rule.country_set
    assert rule.member
    assert rule.non_member
    assert rule.unknown
    member, version, record = regime.country_sets[rule.country_set].membership(
        request.destination, request.on
    )
    outcome = rule.member if member else rule.non_member if member is False else rule.unknown
    extra = (*(version.facts if version else ()), *(record.facts if record else ()))
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
    return _Finding(
        rule,
        outcome.verdict,
        [_reason(regime, rule.id, outcome, extra, f"{what}: {outcome.text}")],
        outcome.review_policy,
        conditions=outcome.conditions,
    )


def _apply_exception(
    regime: Regime,
    rule: Rule,
    request: DecisionRequest,
    items: frozenset[str],
    findings: list[_Finding],
) -> None:
    targets = [
        f for f in findings if f.rule.id in rule.overcomes and f.verdict == Verdict.LICENCE_REQUIRED
    ]
    if not targets:
        return
    blocked = [u for u in rule.unavailable if u.test is None or u.test(request, items)]
    if blocked:
        for u in blocked:
            outcome = Outcome(None, u.text, u.facts)
            targets[0].reasons.append(
                _reason(
                    regime,
                    f"{rule.id}:{u.id}",
                    outcome,
                    text=f"{rule.exception} is not available: {u.text}",
                )
            )
        return
    assert rule.outcome is not None
    for target in targets:
        target.verdict = Verdict.LICENCE_EXCEPTION
        target.exception = rule.exception
        target.review_policy = None
        target.reasons.append(
            _reason(
                regime,
                rule.id,
                Outcome(Verdict.LICENCE_EXCEPTION, rule.outcome.text, rule.outcome.facts),
            )
        )


def decide(
    request: DecisionRequest,
    regimes: Sequence[Regime],
    screenings: Sequence[PartyScreening],
    versions: Mapping[str, Any],
) -> Decision:
    """Decide ``request`` under every regime given; the most restrictive verdict wins."""
    results = tuple(decide_regime(request, r, screenings) for r in regimes)
    verdict = max(r.verdict for r in results)
    full_versions = {
        "regimes": {r.id: {"revision": r.revision, "digest": r.digest} for r in regimes},
        **versions,
    }
    canonical = json.dumps(
        {"request": request.to_dict(), "versions": full_versions}, sort_keys=True
    )
    decision_id = hashlib.sha256(canonical.encode()).hexdigest()[:20]
    return Decision(verdict, results, request, full_versions, decision_id, tuple(screenings))
