"""The parties of a decision: how screening hits on restricted-party lists become
findings (a regime's ``listed-party`` rules), what keeps a party from being cleared (a
required list not loaded, no end user named, a script the lists do not use) and notes on
old list snapshots.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from exportguard.core.decide_findings import (
    Finding,
    make_reason,
)
from exportguard.core.decision_model import (
    DecisionRequest,
    LoadedList,
    PartyScreening,
    Reason,
)
from exportguard.core.hits import Hit
from exportguard.core.regimes import (
    ListMapping,
    Outcome,
    Regime,
    Rule,
    Verdict,
)


@dataclass(frozen=True, slots=True)
class Loaded:
    """The list snapshots of a decision, as the engine looks them up."""

    sources: frozenset[str]
    published: Mapping[int, date]
    #: source -> publication date of its snapshot in force.
    dated: Mapping[str, date] = field(default_factory=dict)

    @classmethod
    def of(cls, lists: Sequence[LoadedList]) -> Loaded:
        return cls(frozenset(s.source for s in lists), {s.snapshot_id: s.published for s in lists},
                   {s.source: s.published for s in lists})  # fmt: skip


class _Match(Mapping[str, Any]):
    """A listed-party match as a mapping (party, role, entry_id, snapshot_id, list_name,
    listed_name, matched_name, score, citation, listed_from, snapshot_published,
    explanation), built when first read: most decisions are never shown in full."""

    __slots__ = ("_data", "_hit", "_published", "_screening")

    def __init__(self, screening: PartyScreening, hit: Hit, published: date | None) -> None:
        self._screening, self._hit, self._published = screening, hit, published
        self._data: dict[str, Any] | None = None

    def _built(self) -> dict[str, Any]:
        if self._data is None:
            hit, entry = self._hit, self._hit.entry
            self._data = {
                "party": self._screening.name, "role": self._screening.role,
                "entry_id": entry.id, "snapshot_id": hit.snapshot_id,
                "list_name": entry.list_name, "listed_name": entry.name,
                "matched_name": hit.matched_name, "score": round(hit.score, 4),
                "citation": entry.citation,
                "listed_from": entry.listed_from.isoformat() if entry.listed_from else None,
                "snapshot_published": self._published.isoformat() if self._published else None,
                "explanation": [
                    {"feature": f.feature, "contribution": round(f.contribution, 4),
                     "detail": f.detail} for f in hit.explanation.features
                ],
            }  # fmt: skip
        return self._data

    def __getitem__(self, key: str) -> Any:
        return self._built()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())


def _list_outcome(
    regime: Regime, rule: Rule, list_name: str, request: DecisionRequest, items: frozenset[str]
) -> Outcome:
    """What a listing on ``list_name`` means for this request: the first of the rule's
    mappings for that list that holds, else the rule's fallback."""
    key = ("lists", rule.id, list_name)
    candidates: tuple[ListMapping, ...] | None = regime.memo.get(key)
    if candidates is None:
        candidates = regime.memo[key] = tuple(m for m in rule.lists if m.match in list_name)
    for mapping in candidates:
        if mapping.holds(request, items):
            return mapping.outcome
    assert rule.fallback is not None
    return rule.fallback


def listed_party(
    regime: Regime,
    rule: Rule,
    request: DecisionRequest,
    items: frozenset[str],
    screenings: Sequence[PartyScreening],
    published: Mapping[int, date],
) -> list[Finding]:
    findings: list[Finding] = []
    sources, every_source = rule.sources, "*" in rule.sources
    floor, sure = rule.possible_threshold, rule.threshold
    for screening in screenings:
        for hit in screening.hits:
            entry = hit.entry
            if hit.score < floor or not (every_source or entry.source in sources):
                continue
            if not entry.in_force(request.on):  # listed after (or delisted before) the date
                continue
            outcome = _list_outcome(regime, rule, entry.list_name, request, items)
            snapshot_date = published.get(hit.snapshot_id)
            cited, certainty = regime.cite(outcome.facts)
            source = f"{cited}; list snapshot {hit.snapshot_id} ({entry.source})"
            policy = entry.licence_policy or outcome.review_policy
            bars = outcome.bars_exceptions
            unsure_bar = False
            verdict: Verdict | None = Verdict.REFER
            if hit.score < sure:
                policy, bars, unsure_bar = None, False, bars
                text = (
                    f"{screening.role} {screening.name!r} may match {entry.name!r} on the "
                    f"{entry.list_name} (entry {entry.id}, score {hit.score:.2f}, "
                    f"below the {sure:.2f} of a sure match): review the match."
                )
            else:
                where = (
                    f"{screening.role} {screening.name!r} matches {entry.name!r} on the "
                    f"{entry.list_name} (score {hit.score:.2f}"
                    + (f", {entry.citation}" if entry.citation else "")
                    + ")"
                )
                if (
                    entry.listed_from is None
                    and snapshot_date is not None
                    and snapshot_date > request.on
                ):
                    policy, bars, unsure_bar = None, False, bars
                    text = (
                        f"{where}, but that list snapshot is of {snapshot_date.isoformat()}, "
                        f"after the decision date {request.on.isoformat()}, and gives no listing "
                        "date: whether the party was already listed then cannot be told from "
                        f"the list. Check the listing date (if listed then: {outcome.text})"
                    )
                else:
                    verdict = outcome.verdict
                    text = f"{where}: {outcome.text}"
                    if entry.licence_requirement:
                        text += f" Licence requirement: {entry.licence_requirement}"
            reason = Reason(
                rule.id, text, source, certainty, verdict, outcome.facts,
                _Match(screening, hit, snapshot_date),
            )  # fmt: skip
            if verdict is None:  # a listing that does not count for these items
                findings.append(Finding(rule, Verdict.NO_LICENCE_REQUIRED, [reason]))
            else:
                findings.append(Finding(rule, verdict, [reason], policy, bars_exceptions=bars,
                                         bars_if_confirmed=unsure_bar))  # fmt: skip
    return findings


MATCHED_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "ARABIC", "HEBREW", "GREEK"})


def unmatched_script(name: str) -> str | None:
    """The first script of ``name``'s letters that the lists do not use (Han, Hangul, Thai
    ...), in words ("CJK" is said "Chinese (Han)"); None when every letter is matched."""
    for ch in name:
        if ch.isalpha():
            script = unicodedata.name(ch, "UNKNOWN").split()[0]
            if script not in MATCHED_SCRIPTS:
                return {"CJK": "Chinese (Han)", "HANGUL": "Korean (Hangul)",
                        "HIRAGANA": "Japanese (kana)", "KATAKANA": "Japanese (kana)"
                        }.get(script, script.title())  # fmt: skip
    return None


#: A list snapshot further than this from the decision date is named in the reasons.
LIST_AGE_NOTE_DAYS = 30


def list_age_notes(regime: Regime, request: DecisionRequest, loaded: Loaded) -> list[Finding]:
    """Notes (no verdict of their own) where a list the regime needs was published far from
    the decision date: a party listed after it, or delisted before it, does not show."""
    out: list[Finding] = []
    rule = next((r for r in regime.rules if r.kind == "listed-party"), None)
    if rule is None:
        return out
    for need in regime.required_lists:
        dates = [loaded.dated[s] for s in need.sources if s in loaded.dated]
        if not dates:
            continue
        newest = max(dates)
        gap = (request.on - newest).days
        if abs(gap) <= LIST_AGE_NOTE_DAYS:
            continue
        when = (f"{gap:,} days before the decision date: a party listed since would not show"
                if gap > 0 else
                f"{-gap:,} days after the decision date: a party delisted in between would "
                "not show")  # fmt: skip
        text = (f"The parties were screened against the {need.text} of {newest.isoformat()}, "
                f"{when}. Screen them against the list in force on {request.on.isoformat()} "
                "where that matters.")  # fmt: skip
        reason = make_reason(regime, f"{regime.id}:list-age:{need.id}",
                         Outcome(None, text, ()), ())  # fmt: skip
        out.append(Finding(rule, Verdict.NO_LICENCE_REQUIRED, [reason]))
    return out


def party_gaps(
    regime: Regime, request: DecisionRequest, missing_lists: Sequence[str], base: Sequence[str]
) -> list[Finding]:
    """``refer`` findings where the parties cannot be cleared: no end user named, a party
    named in a script the lists do not use (:func:`unmatched_script`), or a list source the
    regime needs (``missing_lists``) was not loaded."""
    rule: Rule | None = regime.memo.get("party-rule")
    if rule is None:
        rule = regime.memo["party-rule"] = next(
            (r for r in regime.rules if r.kind == "listed-party"), regime.rules[0]
        )
    if not regime.required_lists and rule.kind != "listed-party":
        return []
    out: list[Finding] = []
    if not request.end_users:
        outcome = Outcome(Verdict.REFER, "No end user is named, so no party was screened: "
                          "name the end user (and consignees, intermediaries).")  # fmt: skip
        out.append(
            Finding(rule, Verdict.REFER, [make_reason(regime, f"{regime.id}:no-end-user", outcome)])
        )
    for party in request.parties:
        script = unmatched_script(party.name)
        if script is not None:
            outcome = Outcome(Verdict.REFER, (
                f"The {party.role} {party.name!r} is written in {script} script, which the "
                "lists do not use and ExportGuard compares only through a transliteration "
                "that can miss a listed party: give the name as the lists write it (its "
                "registered name in Latin script)."))  # fmt: skip
            reason = make_reason(regime, f"{regime.id}:party-script", outcome)
            out.append(Finding(rule, Verdict.REFER, [reason]))
    for need in regime.required_lists:
        if need.id in missing_lists:
            outcome = Outcome(
                Verdict.REFER,
                f"No snapshot of the {need.text} (sources: {', '.join(need.sources)}) is loaded "
                f"for {request.on.isoformat()}: the parties cannot be cleared against it.",
            )
            out.append(
                Finding(
                    rule, Verdict.REFER,
                    [make_reason(regime, f"{regime.id}:missing-list:{need.id}", outcome, base)],
                )
            )  # fmt: skip
    return out
