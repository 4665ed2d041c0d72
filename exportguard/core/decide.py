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
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from exportguard.core.index import Hit
from exportguard.core.regimes import (
    FIELD_NAMES,
    ListMapping,
    Outcome,
    Regime,
    Rule,
    Verdict,
    normalise_item,
    strongest,
    weakest,
)

#: Roles a party of a request can have.
ROLES = ("end user", "consignee", "intermediary")


@dataclass(frozen=True, slots=True)
class Party:
    """One party of a transaction: its role, name and (where known) country (ISO code)."""

    role: str
    name: str
    country: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "name": self.name, "country": self.country}


@dataclass(frozen=True, slots=True)
class DecisionRequest:
    """One question: items, destination, parties, use, date, and who exports what from where.

    ``exporter_country``: the country the export leaves from (for a deemed export, where
    the release happens); ``item_origin``: where the item was made or developed;
    ``us_content``: the share of US-origin controlled content by value, in percent;
    ``deemed_export``: technology or source code released to a foreign person inside the
    exporter's country, ``destination`` then being that person's country (EAR 734.13);
    ``region``: a region of the destination a rule names (``crimea``, ``dnr``, ``lnr``,
    ``other``).
    """

    items: tuple[str, ...]
    destination: str
    on: date
    parties: tuple[Party, ...] = ()
    end_user_type: str | None = None
    end_use: str | None = None
    authority_informed: bool = False
    regimes: tuple[str, ...] = ()
    exporter_country: str | None = None
    item_origin: str | None = None
    us_content: float | None = None
    deemed_export: bool = False
    region: str | None = None

    @property
    def end_users(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parties if p.role == "end user")

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": list(self.items), "destination": self.destination,
            "date": self.on.isoformat(), "parties": [p.to_dict() for p in self.parties],
            "end_user_type": self.end_user_type, "end_use": self.end_use,
            "authority_informed": self.authority_informed, "regimes": list(self.regimes),
            "exporter_country": self.exporter_country, "item_origin": self.item_origin,
            "us_content": self.us_content, "deemed_export": self.deemed_export,
            "region": self.region,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DecisionRequest:
        """Inverse of :meth:`to_dict` (also reads decisions stored before parties had
        roles: ``end_user`` and ``parties`` as names)."""
        parties: list[Party] = []
        for p in data.get("parties") or []:
            if isinstance(p, str):
                parties.append(Party("intermediary", p))
            else:
                parties.append(Party(p["role"], p["name"], p.get("country")))
        if data.get("end_user"):
            parties.insert(0, Party("end user", data["end_user"], data["destination"]))
        return cls(
            items=tuple(data["items"]), destination=data["destination"],
            on=date.fromisoformat(data["date"]), parties=tuple(parties),
            end_user_type=data.get("end_user_type"), end_use=data.get("end_use"),
            authority_informed=bool(data.get("authority_informed")),
            regimes=tuple(data.get("regimes") or ()),
            exporter_country=data.get("exporter_country"), item_origin=data.get("item_origin"),
            us_content=data.get("us_content"), deemed_export=bool(data.get("deemed_export")),
            region=data.get("region"),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class PartyScreening:
    """The screening of one party of the request, as of the decision date."""

    role: str
    name: str
    hits: tuple[Hit, ...]
    country: str | None = None


@dataclass(frozen=True, slots=True)
class LoadedList:
    """A list snapshot that was in force for the decision: its id, source and date."""

    snapshot_id: int
    source: str
    published: date


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
    certainty: str = "P"
    #: True, False (the regime cannot apply) or None (whether it applies is unknown).
    applies: bool | None = True
    missing_lists: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "revision": self.revision, "digest": self.digest,
            "verdict": self.verdict.label, "certainty": self.certainty,
            "applies": self.applies, "review_policy": self.review_policy,
            "exception": self.exception, "conditions": list(self.conditions),
            "missing_lists": list(self.missing_lists),
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
    certainty: str = "P"

    @property
    def fingerprint(self) -> str:
        """A digest of the question and every version that can change its answer: two
        decisions with one fingerprint must give the same answer."""
        return fingerprint(self.request, self.versions)

    def to_dict(self) -> dict[str, Any]:
        return {
            "decision_id": self.decision_id,
            "fingerprint": self.fingerprint,
            "verdict": self.verdict.label,
            "certainty": self.certainty,
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
class _Finding:
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


def _group_facts(regime: Regime, groups: Sequence[str], request: DecisionRequest) -> list[str]:
    out: list[str] = []
    for name in groups:
        out.extend(regime.country_sets[name].facts_for(request.destination, request.on))
    return out


def _missing(fields: Sequence[str], request: DecisionRequest) -> str:
    names = [FIELD_NAMES[f] for f in fields if getattr(request, f) is None]
    return " and ".join(names) or "a fact"


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


def _listed_party(
    regime: Regime,
    rule: Rule,
    request: DecisionRequest,
    items: frozenset[str],
    screenings: Sequence[PartyScreening],
    published: Mapping[int, date],
) -> list[_Finding]:
    findings: list[_Finding] = []
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
                findings.append(_Finding(rule, Verdict.NO_LICENCE_REQUIRED, [reason]))
            else:
                findings.append(_Finding(rule, verdict, [reason], policy, bars_exceptions=bars,
                                         bars_if_confirmed=unsure_bar))  # fmt: skip
    return findings


def _not_applicable(regime: Regime, request: DecisionRequest) -> tuple[bool | None, Reason | None]:
    """Whether the regime applies to this exporter and item, and the note saying why not
    (or why it is unknown); memoised on the regime."""
    key = ("reach", request.exporter_country, request.item_origin, request.us_content,
           request.on)  # fmt: skip
    found: tuple[bool | None, Reason | None] | None = regime.memo.get(key)
    if found is None:
        found = _reach(regime, request)
        if len(regime.memo) > 100_000:
            regime.memo.clear()
        regime.memo[key] = found
    return found


def _reach(regime: Regime, request: DecisionRequest) -> tuple[bool | None, Reason | None]:
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
    return applies, _reason(regime, f"{regime.id}:jurisdiction", outcome, text=text)


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
        request, regime, screenings, _Loaded.of(lists),
        frozenset(map(normalise_item, request.items)), parties=parties,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Loaded:
    """The list snapshots of a decision, as the engine looks them up."""

    sources: frozenset[str]
    published: Mapping[int, date]
    #: source -> publication date of its snapshot in force.
    dated: Mapping[str, date] = field(default_factory=dict)

    @classmethod
    def of(cls, lists: Sequence[LoadedList]) -> _Loaded:
        return cls(frozenset(s.source for s in lists), {s.snapshot_id: s.published for s in lists},
                   {s.source: s.published for s in lists})  # fmt: skip


def _decide_regime(
    request: DecisionRequest,
    regime: Regime,
    screenings: Sequence[PartyScreening],
    loaded: _Loaded,
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
    applies, scope_note = _not_applicable(regime, request)
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
                _reason(regime, f"{regime.id}:treated-as", Outcome(None, alias.text, alias.facts))
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
        findings.extend(_party_gaps(regime, request, missing_lists, base))
        findings.extend(_list_age_notes(regime, request, loaded))
    for rule in exceptions:
        _apply_exception(regime, rule, request, items, findings)
    verdict = max([f.verdict for f in findings], default=Verdict.NO_LICENCE_REQUIRED)
    if verdict == Verdict.NO_LICENCE_REQUIRED:
        # "No rule requires a licence" rests on the rules that did not fire and on the
        # caveats that did (a sale within the country, a rule not yet in force ...).
        caveats = [f for n in notes if n is not scope_note for f in n.facts]
        tested = _group_facts(regime, tuple(dict.fromkeys(negatives)), request)
        facts = tuple(dict.fromkeys((*regime.default.facts, *base, *tested, *caveats)))
        reason = _reason(regime, f"{regime.id}:default", regime.default, facts, shared=True)
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
) -> tuple[list[_Finding], list[Rule], list[str]]:
    """Every rule in force: (findings, licence exceptions to try, the country sets the rules
    that did not fire tested). Notes are appended to ``notes``."""
    findings: list[_Finding] = []
    exceptions: list[Rule] = []
    negatives: list[str] = []
    candidates, skipped = _candidates(regime, request.on, request.destination)
    negatives.extend(skipped)
    for rule in candidates:
        holds = True if rule.test is None else rule.test(request, items)
        if rule.kind == "note":
            if holds:
                assert rule.outcome is not None
                notes.append(_reason(regime, rule.id, rule.outcome, base, shared=True))
            continue
        if rule.kind == "licence-exception":
            if holds is not False:
                exceptions.append(rule)
            continue
        if rule.kind == "listed-party":
            if holds is not False and parties:
                findings.extend(_listed_party(regime, rule, request, items, screenings, published))
            continue
        if holds is False:
            # "This rule does not apply" rests on the country-set memberships it tested
            # (D:5 membership of Cyprus is unverified ...); the caveats that fired are
            # added to a "no licence" conclusion below.
            negatives.extend(rule.groups)
            continue
        group_facts = _group_facts(regime, rule.groups, request)
        if holds is None:
            outcome = rule.outcome or rule.member
            assert outcome is not None
            missing = _missing(rule.fields, request)
            findings.append(
                _Finding(rule, Verdict.REFER, [_reason(
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
                _Finding(
                    rule,
                    rule.outcome.verdict,
                    [_reason(regime, rule.id, rule.outcome, (*base, *group_facts), shared=True)],
                    rule.outcome.review_policy,
                    conditions=rule.outcome.conditions,
                    bars_exceptions=rule.outcome.bars_exceptions,
                )
            )
        elif rule.kind == "country-list":
            findings.append(_country_list(regime, rule, request, base))
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
            lead.append(_unverified(regime, unverified))
    return RegimeDecision(
        regime.id, regime.revision, regime.digest, verdict, (*lead, *rest), policy, exception,
        conditions, certainty, applies, missing_lists,
    )  # fmt: skip


def _unverified(regime: Regime, fact_ids: tuple[str, ...]) -> Reason:
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


def _list_age_notes(regime: Regime, request: DecisionRequest, loaded: _Loaded) -> list[_Finding]:
    """Notes (no verdict of their own) where a list the regime needs was published far from
    the decision date: a party listed after it, or delisted before it, does not show."""
    out: list[_Finding] = []
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
        reason = _reason(regime, f"{regime.id}:list-age:{need.id}",
                         Outcome(None, text, ()), ())  # fmt: skip
        out.append(_Finding(rule, Verdict.NO_LICENCE_REQUIRED, [reason]))
    return out


def _party_gaps(
    regime: Regime, request: DecisionRequest, missing_lists: Sequence[str], base: Sequence[str]
) -> list[_Finding]:
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
    out: list[_Finding] = []
    if not request.end_users:
        outcome = Outcome(Verdict.REFER, "No end user is named, so no party was screened: "
                          "name the end user (and consignees, intermediaries).")  # fmt: skip
        out.append(
            _Finding(rule, Verdict.REFER, [_reason(regime, f"{regime.id}:no-end-user", outcome)])
        )
    for party in request.parties:
        script = unmatched_script(party.name)
        if script is not None:
            outcome = Outcome(Verdict.REFER, (
                f"The {party.role} {party.name!r} is written in {script} script, which the "
                "lists do not use and ExportGuard compares only through a transliteration "
                "that can miss a listed party: give the name as the lists write it (its "
                "registered name in Latin script)."))  # fmt: skip
            reason = _reason(regime, f"{regime.id}:party-script", outcome)
            out.append(_Finding(rule, Verdict.REFER, [reason]))
    for need in regime.required_lists:
        if need.id in missing_lists:
            outcome = Outcome(
                Verdict.REFER,
                f"No snapshot of the {need.text} (sources: {', '.join(need.sources)}) is loaded "
                f"for {request.on.isoformat()}: the parties cannot be cleared against it.",
            )
            out.append(
                _Finding(
                    rule, Verdict.REFER,
                    [_reason(regime, f"{regime.id}:missing-list:{need.id}", outcome, base)],
                )
            )  # fmt: skip
    return out


def _country_list(
    regime: Regime, rule: Rule, request: DecisionRequest, base: Sequence[str]
) -> _Finding:
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
    return _Finding(
        rule,
        outcome.verdict,
        [_reason(regime, rule.id, outcome, extra, f"{what}: {outcome.text}")],
        outcome.review_policy,
        conditions=outcome.conditions,
        bars_exceptions=outcome.bars_exceptions,
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
        missing = _missing(rule.fields, request)
        for target in targets:
            target.verdict = Verdict.REFER
            target.reasons.append(_reason(
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
        group_facts = _group_facts(regime, u.groups, request)
        if held:
            blocked.append((u, group_facts))
        elif held is None:
            unknown.append((u, group_facts))
        else:
            support.extend((*u.facts, *group_facts))
    if blocked:
        for u, group_facts in blocked:
            targets[0].reasons.append(
                _reason(
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
        missing = _missing(fields, request)
        for target in targets:
            target.verdict = Verdict.REFER
            target.review_policy = None
            for u, group_facts in unknown:
                target.reasons.append(_reason(
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
                target.reasons.append(_reason(
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
            _reason(
                regime,
                rule.id,
                Outcome(Verdict.LICENCE_EXCEPTION, rule.outcome.text, rule.outcome.facts),
            )
        )


def fingerprint(request: DecisionRequest, versions: Mapping[str, Any]) -> str:
    """A digest of ``request`` and ``versions`` (see :attr:`Decision.fingerprint`)."""
    canonical = json.dumps(
        {"request": request.to_dict(), "versions": versions}, sort_keys=True, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:20]


def decide(
    request: DecisionRequest,
    regimes: Sequence[Regime],
    screenings: Sequence[PartyScreening],
    versions: Mapping[str, Any],
    *,
    lists: Sequence[LoadedList] = (),
    decision_id: str = "",
) -> Decision:
    """Decide ``request`` under every regime given; the most restrictive verdict wins.

    ``decision_id``: the caller's id for this decision (each recorded decision its own;
    empty for one that is not recorded). The overall certainty is the
    strongest among the regimes whose verdict is the overall one (any one of them decides it).
    """
    loaded = _Loaded.of(lists)
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
