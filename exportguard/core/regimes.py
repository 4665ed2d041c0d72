"""Export-control regimes as data: the model (:class:`Regime` and its parts) and its dated
look-ups, with the vocabulary requests use (end-user types, end uses, regions, verdicts,
certainty tags).

A regime is read from a YAML file (``exportguard/regimes/*.yaml``; the format is described
in ``core.regime_parser``, which validates it and builds the objects defined here).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from exportguard.core.country_sets import CountrySet
from exportguard.core.decision_records import JsonObject
from exportguard.core.thresholds import DEFAULT_THRESHOLD, POSSIBLE_MATCH_THRESHOLD

if TYPE_CHECKING:  # decision_model reads regimes: the request type for annotations only
    from exportguard.core.decision_model import DecisionRequest

CERTAINTY = {"P": "primary", "S": "secondary", "D": "derived", "U": "unverified"}

END_USER_TYPES = ("government", "law-enforcement", "intelligence", "military",
                  "military-intelligence", "government-owned", "non-government",
                  "individual")  # fmt: skip
GOVERNMENT_TYPES = ("government", "law-enforcement", "intelligence", "military",
                    "military-intelligence", "government-owned")  # fmt: skip
END_USES = ("law-enforcement", "counter-terrorism", "criminal-investigation",
            "vulnerability-disclosure", "incident-response", "penetration-testing",
            "research", "product-development", "unauthorized-access", "internal-repression",
            "human-rights-violation", "other")  # fmt: skip
#: Regions within a destination that a rule can name (EAR 746.6: Crimea and the so-called
#: DNR and LNR of Ukraine); ``other`` is anywhere else in the destination.
REGIONS = ("crimea", "dnr", "lnr", "other")
#: Item codes that are not control entries of any regime but are valid input: an item on
#: no control list (EAR99 under the EAR; an unlisted cyber-surveillance item).
SPECIAL_ITEMS = ("EAR99", "unlisted-cyber-surveillance")
#: Request fields a condition can read, as the CLI/API name them.
FIELD_NAMES = {"end_user_type": "end-user type", "end_use": "end use", "region": "region"}


class Verdict(IntEnum):
    """Outcomes, ordered from least to most restrictive: the most restrictive wins."""

    NO_LICENCE_REQUIRED = 0
    LICENCE_EXCEPTION = 1
    REFER = 2
    LICENCE_REQUIRED = 3
    NOT_ELIGIBLE = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def from_label(cls, label: str) -> Verdict:
        return cls[label.upper().replace("-", "_")]


@dataclass(frozen=True, slots=True)
class Fact:
    id: str
    text: str
    source: str
    certainty: str  # P, S, D, U


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a rule (or a branch of one) says: a verdict, words, and what it rests on.

    ``bars_exceptions``: while this outcome stands, no licence exception of the regime may
    be used (EAR 740.2: Entity List entries, 744.15(b) Unverified List, 746 embargoes).
    """

    verdict: Verdict | None
    text: str
    facts: tuple[str, ...] = ()
    review_policy: str | None = None
    conditions: tuple[str, ...] = ()
    bars_exceptions: bool = False


Test = Callable[["DecisionRequest", frozenset[str]], "bool | None"]
"""A compiled condition: (request, its normalised item codes) -> True, False, or None when
it depends on a fact the request does not give."""


@dataclass(frozen=True, slots=True)
class Unavailability:
    id: str
    when: JsonObject
    text: str
    facts: tuple[str, ...]
    test: Test | None = field(default=None, compare=False, repr=False)
    groups: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ListMapping:
    """How hits on one list (matched by a substring of its name) count; with ``since``,
    ``until`` and ``when``, only while those hold (the first mapping that holds wins)."""

    match: str
    outcome: Outcome
    since: date | None = None
    until: date | None = None
    test: Test | None = field(default=None, compare=False, repr=False)

    def holds(self, request: DecisionRequest, items: frozenset[str]) -> bool:
        on = request.on
        if (self.since is not None and on < self.since) or (
            self.until is not None and on > self.until
        ):
            return False
        return self.test is None or self.test(request, items) is True


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: str
    since: date | None
    until: date | None
    when: JsonObject | None
    outcome: Outcome | None = None
    # country-list
    country_set: str | None = None
    member: Outcome | None = None
    non_member: Outcome | None = None
    unknown: Outcome | None = None
    # licence-exception
    exception: str | None = None
    overcomes: tuple[str, ...] = ()
    unavailable: tuple[Unavailability, ...] = ()
    # listed-party
    sources: tuple[str, ...] = ()
    lists: tuple[ListMapping, ...] = ()
    fallback: Outcome | None = None
    threshold: float = DEFAULT_THRESHOLD
    possible_threshold: float = POSSIBLE_MATCH_THRESHOLD
    line: int | None = None
    test: Test | None = field(default=None, compare=False, repr=False)
    #: Country sets the condition refers to (their facts back its conclusion).
    groups: tuple[str, ...] = ()
    #: Request fields the condition reads (end_user_type, end_use, region).
    fields: tuple[str, ...] = ()
    #: The countries a condition opening with a plain ``destination_in`` is limited to
    #: (None: any): the engine skips the rule elsewhere without evaluating it.
    countries: frozenset[str] | None = None

    def applies(self, request: DecisionRequest, items: frozenset[str]) -> bool | None:
        """In force on the request's date and its condition holds (None: unknown)."""
        if not self.on(request.on):
            return False
        return True if self.test is None else self.test(request, items)

    def on(self, when: date) -> bool:
        return (self.since is None or self.since <= when) and (
            self.until is None or when <= self.until
        )


@dataclass(frozen=True, slots=True)
class Alias:
    """``code`` is treated as ``target`` from ``since`` (to ``until``)."""

    code: str
    target: str
    since: date
    until: date | None
    text: str
    facts: tuple[str, ...]

    def on(self, when: date) -> bool:
        return self.since <= when and (self.until is None or when <= self.until)


@dataclass(frozen=True, slots=True)
class Jurisdiction:
    """Whom a regime binds (see the module docstring)."""

    exporters: frozenset[str]
    exporter_groups: tuple[str, ...]
    origins: frozenset[str]
    unknown_origins: frozenset[str]
    us_content: bool
    text: str
    facts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RequiredList:
    id: str
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LicenceStage:
    """One licence of a regime's sequence: its ``kind`` (one of ``LICENCE_KINDS``), the
    ``parent`` kind (an earlier stage) whose issued licence an application of this kind
    must name, or None, and ``text`` (what the licence covers)."""

    kind: str
    parent: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Licensing:
    """The licences an export under a regime needs, in the order they are obtained, and
    the fact ids (sources, certainty) the sequence rests on."""

    stages: tuple[LicenceStage, ...]
    facts: tuple[str, ...] = ()

    @property
    def first(self) -> str:
        """The kind of the first licence to apply for."""
        return self.stages[0].kind

    def parent_of(self, kind: str) -> str | None:
        """The kind of licence an application of ``kind`` must name as its parent, or None
        (a kind the regime does not order needs none)."""
        return next((s.parent for s in self.stages if s.kind == kind), None)


#: A regime without a ``licensing`` block: one export licence.
DEFAULT_LICENSING = Licensing((LicenceStage("export", None, "An export licence."),))


@dataclass(frozen=True, slots=True)
class Regime:
    id: str
    name: str
    revision: str
    covers_from: date
    facts: Mapping[str, Fact]
    item_sets: Mapping[str, frozenset[str]]
    items: Mapping[str, str]  # code -> description
    country_sets: Mapping[str, CountrySet]
    rules: tuple[Rule, ...]
    digest: str = ""
    source: str = ""
    default: Outcome = field(
        default_factory=lambda: Outcome(
            Verdict.NO_LICENCE_REQUIRED,
            "No rule of this regime requires a licence for these "
            "items, this destination and these parties on this date.",
        )
    )
    treated_as: tuple[Alias, ...] = ()
    jurisdiction: Jurisdiction | None = None
    required_lists: tuple[RequiredList, ...] = ()
    licensing: Licensing = DEFAULT_LICENSING
    _in_force: dict[date, tuple[Rule, ...]] = field(default_factory=dict, compare=False, repr=False)
    _cited: dict[tuple[str, ...], tuple[str, str]] = field(
        default_factory=dict, compare=False, repr=False
    )
    #: The decision engine's memo of answers that depend only on this regime and a few
    #: request fields (whether it applies to an exporter and item, ...).
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def rules_on(self, when: date) -> tuple[Rule, ...]:
        """The rules in force on ``when`` (memoised per date)."""
        found = self._in_force.get(when)
        if found is None:
            found = tuple(r for r in self.rules if r.on(when))
            if len(self._in_force) > 10_000:
                self._in_force.clear()
            self._in_force[when] = found
        return found

    def cite(self, fact_ids: tuple[str, ...]) -> tuple[str, str]:
        """(the sources of the facts joined with "; ", their weakest certainty), memoised."""
        found = self._cited.get(fact_ids)
        if found is None:
            sources = "; ".join(dict.fromkeys(self.facts[f].source for f in fact_ids))
            found = (sources or self.name, self.certainty(fact_ids))
            if len(self._cited) > 10_000:
                self._cited.clear()
            self._cited[fact_ids] = found
        return found

    def fact(self, fact_id: str) -> Fact:
        return self.facts[fact_id]

    def knows(self, code: str) -> bool:
        """Whether ``code`` (normalised) is an item this regime can decide on."""
        return code in self.items or code in SPECIAL_ITEMS

    def certainty(self, fact_ids: Sequence[str]) -> str:
        """The weakest certainty among the facts (P > S > D > U); P when none."""
        worst = "P"
        for f in fact_ids:
            found = self.facts.get(f)
            if found is not None and _ORDER[found.certainty] > _ORDER[worst]:
                worst = found.certainty
        return worst


_ORDER = {"P": 0, "S": 1, "D": 2, "U": 3}


def weakest(tags: Iterable[str]) -> str:
    """The weakest of certainty tags (P > S > D > U); P for none."""
    return max(tags, key=_ORDER.__getitem__, default="P")


def strongest(tags: Iterable[str]) -> str:
    """The strongest of certainty tags (P > S > D > U); U for none."""
    return min(tags, key=_ORDER.__getitem__, default="U")


@lru_cache(maxsize=4096)
def normalise_item(code: str) -> str:
    """``5a001.J`` -> ``5A001.j``; special codes keep their spelling."""
    text = code.strip()
    for special in SPECIAL_ITEMS:
        if text.lower() == special.lower():
            return special
    head, _, tail = text.partition(".")
    return head.upper() + (("." + tail.lower()) if tail else "")
