"""Export-control regimes as data: the model, its validation, and dated look-ups.

A regime file (``exportguard/regimes/*.yaml``) holds:

``facts``          every fact the rules rest on, each with its source and certainty tag:
                   ``P`` primary/official text, ``S`` secondary (press, law firms),
                   ``D`` derived by reasoning, ``U`` unverified;
``items``          the control entries the regime models (4A005, 5A001.j ...), in named
                   ``item_sets``; ``EAR99`` and ``unlisted-cyber-surveillance`` (an item on
                   no control list) are understood by every regime;
``country_sets``   dated country memberships: Israel's eligible destinations (the list of
                   102, then of 37), US Country Groups (A:6, D:1 ... E:2), EU001
                   destinations. A version may be incomplete (``complete: false``): a
                   country not among its known members is then of *unknown* membership.
                   ``facts`` of a version back every conclusion drawn from it (member or
                   not); ``member_facts`` back only the conclusion that a country is a
                   member (a member list whose dating is unverified);
``treated_as``     destinations the regime treats as another one from a date (Hong Kong as
                   China under the EAR from 2020-12-23), for every condition and set;
``jurisdiction``   whom the regime binds: ``exporters`` (countries or ``group:`` sets an
                   export leaves from), ``origins`` (countries whose items it follows
                   wherever they are), ``unknown_origins`` (origins for which its reach is
                   not modelled), ``us_content`` (a foreign-made item with US content may
                   be caught by the EAR's de minimis rule, not modelled: unknown);
``required_lists`` the restricted-party list sources the regime needs loaded before it can
                   clear the parties of a request;
``licensing``      the licences an export under the regime needs, in order (``stages``,
                   each a licence ``kind`` and, when it follows another, the ``parent``
                   kind whose issued licence it must name), with the ``facts`` they rest
                   on; without it, one stage: an ``export`` licence;
``rules``          what the regime requires, each with an id, dates, a condition, a
                   verdict, text and the facts it rests on. Kinds:

                   ``requirement``        when the condition holds, the verdict applies;
                   ``country-list``       membership of a country set decides the verdict
                                          (member / non-member / unknown);
                   ``licence-exception``  overcomes named requirements unless one of its
                                          ``unavailable`` conditions holds, or a finding
                                          with ``bars_exceptions`` stands;
                   ``listed-party``       screening hits on named lists decide the verdict;
                   ``note``               a reason without a verdict (a caveat to show).

Conditions are small mappings: ``items_in``, ``destination_in`` (country codes and
``group:NAME`` references to country sets), ``end_user_type_in``, ``end_use_in``,
``region_in``, ``authority_informed``, ``deemed_export``, and ``all`` / ``any`` / ``not``
around them. A condition on a fact the request does not give (no end-user type, no end
use, no region) is *unknown*, not false: the engine then refers and names the fact.

Every key is checked: a misspelt or unknown key, a date range that ends before it starts
and overlapping versions of one country set are errors naming the file, line and field.

This module is pure: the loader in ``exportguard/regimes`` reads files and hands the
parsed data (with line numbers) to :func:`parse_regime`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum
from functools import lru_cache
from itertools import pairwise
from typing import Any

from exportguard.core import countries
from exportguard.core.licensing import LICENCE_KINDS
from exportguard.core.thresholds import DEFAULT_THRESHOLD, POSSIBLE_MATCH_THRESHOLD
from exportguard.errors import RegimeError

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
class Member:
    """One country's membership of a set version, with its own dates and facts."""

    code: str
    since: date | None = None
    until: date | None = None
    facts: tuple[str, ...] = ()

    def on(self, when: date) -> bool:
        return (self.since is None or self.since <= when) and (
            self.until is None or when <= self.until
        )


@dataclass(frozen=True, slots=True)
class SetVersion:
    """A country set as it stood between two dates."""

    name: str
    since: date
    until: date | None
    members: tuple[Member, ...]
    complete: bool
    facts: tuple[str, ...]
    count: int | None = None
    member_facts: tuple[str, ...] = ()

    def on(self, when: date) -> bool:
        return self.since <= when and (self.until is None or when <= self.until)


@dataclass(frozen=True, slots=True)
class CountrySet:
    id: str
    text: str
    versions: tuple[SetVersion, ...]
    _members: dict[date, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)
    _facts: dict[tuple[str, date], tuple[str, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    _memberships: dict[tuple[str, date], tuple[bool | None, SetVersion | None, Member | None]] = (
        field(default_factory=dict, compare=False, repr=False)
    )

    def version(self, when: date) -> SetVersion | None:
        for version in self.versions:
            if version.on(when):
                return version
        return None

    def membership(
        self, code: str, when: date
    ) -> tuple[bool | None, SetVersion | None, Member | None]:
        """(True/False/None for unknown, the version in force, the member record),
        memoised per country and date."""
        found = self._memberships.get((code, when))
        if found is None:
            found = self._membership(code, when)
            if len(self._memberships) > 100_000:
                self._memberships.clear()
            self._memberships[(code, when)] = found
        return found

    def _membership(
        self, code: str, when: date
    ) -> tuple[bool | None, SetVersion | None, Member | None]:
        version = self.version(when)
        if version is None:
            return None, None, None
        for member in version.members:
            if member.code == code and member.on(when):
                return True, version, member
        return (False if version.complete else None), version, None

    def facts_for(self, code: str, when: date) -> tuple[str, ...]:
        """The facts a conclusion about ``code``'s membership on ``when`` rests on
        (memoised: decisions ask the same few countries and dates often)."""
        found = self._facts.get((code, when))
        if found is None:
            member, version, record = self.membership(code, when)
            if version is None:
                found = ()
            elif member:
                found = (*version.facts, *version.member_facts, *(record.facts if record else ()))
            else:
                found = version.facts
            if len(self._facts) > 100_000:
                self._facts.clear()
            self._facts[(code, when)] = found
        return found

    def members_on(self, when: date) -> frozenset[str]:
        """Members on ``when`` (memoised per date: decisions ask the same dates often)."""
        found = self._members.get(when)
        if found is None:
            version = self.version(when)
            found = (
                frozenset()
                if version is None
                else frozenset(m.code for m in version.members if m.on(when))
            )
            if len(self._members) > 10_000:
                self._members.clear()
            self._members[when] = found
        return found


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


Test = Callable[[Any, frozenset[str]], "bool | None"]
"""A compiled condition: (request, its normalised item codes) -> True, False, or None when
it depends on a fact the request does not give."""


@dataclass(frozen=True, slots=True)
class Unavailability:
    id: str
    when: Mapping[str, Any]
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

    def holds(self, request: Any, items: frozenset[str]) -> bool:
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
    when: Mapping[str, Any] | None
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

    def applies(self, request: Any, items: frozenset[str]) -> bool | None:
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


# --- parsing and validation --------------------------------------------------------------

_Date = date

Lines = Mapping[tuple[Any, ...], int]


class _Parser:
    def __init__(self, data: Mapping[str, Any], file: str, lines: Lines) -> None:
        self.data = data
        self.file = file
        self.lines = lines

    def fail(self, path: tuple[Any, ...], message: str) -> RegimeError:
        line = None
        for cut in range(len(path), -1, -1):
            line = self.lines.get(path[:cut])
            if line is not None:
                break
        return RegimeError(
            message, file=self.file, line=line, field=".".join(str(p) for p in path) or None
        )

    def keys(self, obj: Any, allowed: frozenset[str] | set[str], path: tuple[Any, ...]) -> None:
        """Refuse a key that is not ``allowed`` (a misspelling would otherwise be ignored)."""
        if not isinstance(obj, Mapping):
            raise self.fail(path, "must be a mapping")
        for key in obj:
            if key not in allowed:
                raise self.fail(
                    (*path, key), f"unknown key {key!r}; allowed: {', '.join(sorted(allowed))}"
                )

    def req(self, obj: Mapping[str, Any], key: str, path: tuple[Any, ...], kind: type = str) -> Any:
        if not isinstance(obj, Mapping) or key not in obj or obj[key] in (None, ""):
            raise self.fail((*path, key), f"'{key}' is required")
        value = obj[key]
        if kind is str and not isinstance(value, str | int | float):
            raise self.fail((*path, key), f"'{key}' must be text")
        if kind is list and not isinstance(value, list):
            raise self.fail((*path, key), f"'{key}' must be a list")
        if kind is dict and not isinstance(value, Mapping):
            raise self.fail((*path, key), f"'{key}' must be a mapping")
        return str(value) if kind is str else value

    def date(self, value: Any, path: tuple[Any, ...]) -> date | None:
        if value is None:
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise self.fail(path, f"not a date (YYYY-MM-DD): {value!r}") from None

    def span(
        self, obj: Mapping[str, Any], path: tuple[Any, ...], *, required: bool = False
    ) -> tuple[_Date | None, _Date | None]:
        """``since`` and ``until`` of ``obj``; ``until`` before ``since`` is an error."""
        raw_since = self.req(obj, "since", path, kind=object) if required else obj.get("since")
        since = self.date(raw_since, (*path, "since"))
        until = self.date(obj.get("until"), (*path, "until"))
        if since is not None and until is not None and until < since:
            raise self.fail(
                (*path, "until"),
                f"until ({until.isoformat()}) is before since ({since.isoformat()})",
            )
        return since, until


_TOP_KEYS = frozenset({"id", "name", "revision", "covers_from", "facts", "item_sets", "items",
                       "country_sets", "rules", "treated_as", "jurisdiction",
                       "required_lists", "licensing"})  # fmt: skip


def parse_regime(data: Any, *, file: str, lines: Lines | None = None) -> Regime:
    """Validate parsed regime data and build the :class:`Regime`.

    ``lines`` maps key paths (``("rules", 3, "when")``) to line numbers, so every error
    names the file, the line and the field. Raises :class:`RegimeError`.
    """
    p = _Parser(data if isinstance(data, Mapping) else {}, file, lines or {})
    if not isinstance(data, Mapping):
        raise p.fail((), "a regime file must be a mapping")
    for key in data:
        if key not in _TOP_KEYS:
            raise p.fail((key,), f"unknown top-level key {key!r}")
    regime_id = p.req(data, "id", ())
    if not re.fullmatch(r"[a-z0-9-]+", regime_id):
        raise p.fail(("id",), "id must be lower-case letters, digits and dashes")
    covers = p.date(p.req(data, "covers_from", (), kind=object), ("covers_from",))
    assert covers is not None
    facts = _facts(p, p.req(data, "facts", (), kind=list))
    items, item_sets = _items(p, data)
    country_sets = _country_sets(p, data.get("country_sets") or {}, facts)
    rules = tuple(
        _rule(p, raw, i, facts, item_sets, country_sets)
        for i, raw in enumerate(p.req(data, "rules", (), kind=list))
    )
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        if rule.id in seen:
            raise p.fail(("rules", i, "id"), f"duplicate rule id {rule.id!r}")
        seen.add(rule.id)
    for i, rule in enumerate(rules):
        for target in rule.overcomes:
            if target not in seen:
                raise p.fail(("rules", i, "overcomes"), f"no rule {target!r} to overcome")
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    return Regime(
        regime_id,
        p.req(data, "name", ()),
        p.req(data, "revision", ()),
        covers,
        facts,
        item_sets,
        items,
        country_sets,
        rules,
        digest[:16],
        file,
        treated_as=_aliases(p, data.get("treated_as"), facts),
        jurisdiction=_jurisdiction(p, data.get("jurisdiction"), facts, country_sets),
        required_lists=_required_lists(p, data.get("required_lists")),
        licensing=_licensing(p, data.get("licensing"), facts),
    )


def _facts(p: _Parser, raw: list[Any]) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    for i, item in enumerate(raw):
        path = ("facts", i)
        p.keys(item, {"id", "text", "source", "certainty"}, path)
        fact_id = p.req(item, "id", path)
        certainty = p.req(item, "certainty", path)
        if certainty not in CERTAINTY:
            raise p.fail((*path, "certainty"), "certainty must be one of P, S, D, U")
        if fact_id in facts:
            raise p.fail((*path, "id"), f"duplicate fact id {fact_id!r}")
        facts[fact_id] = Fact(
            fact_id, p.req(item, "text", path), p.req(item, "source", path), certainty
        )
    return facts


def _fact_refs(
    p: _Parser, raw: Any, path: tuple[Any, ...], facts: Mapping[str, Fact]
) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise p.fail(path, "facts must be a list of fact ids")
    for ref in raw:
        if ref not in facts:
            raise p.fail(path, f"unknown fact {ref!r}")
    return tuple(str(r) for r in raw)


@lru_cache(maxsize=4096)
def normalise_item(code: str) -> str:
    """``5a001.J`` -> ``5A001.j``; special codes keep their spelling."""
    text = code.strip()
    for special in SPECIAL_ITEMS:
        if text.lower() == special.lower():
            return special
    head, _, tail = text.partition(".")
    return head.upper() + (("." + tail.lower()) if tail else "")


def _items(p: _Parser, data: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    items: dict[str, str] = {}
    raw_items = data.get("items") or []
    if not isinstance(raw_items, list):
        raise p.fail(("items",), "items is a list of {code, text}")
    for i, raw in enumerate(raw_items):
        p.keys(raw, {"code", "text"}, ("items", i))
        code = normalise_item(p.req(raw, "code", ("items", i)))
        if code in items:
            raise p.fail(("items", i, "code"), f"duplicate item {code!r}")
        items[code] = str(raw.get("text", ""))
    sets: dict[str, frozenset[str]] = {}
    raw_sets = data.get("item_sets") or {}
    if not isinstance(raw_sets, Mapping):
        raise p.fail(("item_sets",), "item_sets maps names to lists of item codes")
    for name, members in raw_sets.items():
        if not isinstance(members, list):
            raise p.fail(("item_sets", name), "an item set is a list of item codes")
        codes = frozenset(normalise_item(str(m)) for m in members)
        unknown = sorted(codes - set(items) - set(SPECIAL_ITEMS))
        if unknown:
            raise p.fail(("item_sets", name), f"item(s) not declared under items: {unknown}")
        sets[str(name)] = codes
    return items, sets


_VERSION_KEYS = frozenset({"name", "since", "until", "members", "complete", "facts", "count",
                           "member_facts"})  # fmt: skip


def _country_sets(p: _Parser, raw: Any, facts: Mapping[str, Fact]) -> dict[str, CountrySet]:
    if not isinstance(raw, Mapping):
        raise p.fail(("country_sets",), "country_sets maps names to {text, versions}")
    out: dict[str, CountrySet] = {}
    for name, spec in raw.items():
        path: tuple[Any, ...] = ("country_sets", name)
        p.keys(spec, {"text", "versions"}, path)
        versions: list[SetVersion] = []
        for j, v in enumerate(p.req(spec, "versions", path, kind=list)):
            vpath = (*path, "versions", j)
            p.keys(v, _VERSION_KEYS, vpath)
            members = []
            for k, m in enumerate(v.get("members") or []):
                mpath = (*vpath, "members", k)
                mspec = {"code": m} if isinstance(m, str) else m
                p.keys(mspec, {"code", "since", "until", "facts"}, mpath)
                code = str(p.req(mspec, "code", mpath))
                if not countries.is_code(code):
                    raise p.fail((*mpath, "code"), f"not an ISO country code: {code!r}")
                m_since, m_until = p.span(mspec, mpath)
                members.append(
                    Member(
                        code, m_since, m_until,
                        _fact_refs(p, mspec.get("facts"), (*mpath, "facts"), facts),
                    )
                )  # fmt: skip
            since, until = p.span(v, vpath, required=True)
            assert since is not None
            versions.append(SetVersion(
                str(v.get("name", name)), since, until,
                tuple(members), bool(v.get("complete", True)),
                _fact_refs(p, v.get("facts"), (*vpath, "facts"), facts),
                int(v["count"]) if v.get("count") is not None else None,
                _fact_refs(p, v.get("member_facts"), (*vpath, "member_facts"), facts),
            ))  # fmt: skip
        order = sorted(range(len(versions)), key=lambda k: versions[k].since)
        for a, b in pairwise(order):
            first, second = versions[a], versions[b]
            if first.until is None or first.until >= second.since:
                raise p.fail(
                    (*path, "versions", b, "since"),
                    f"version {b} (from {second.since.isoformat()}) overlaps version {a} "
                    f"(from {first.since.isoformat()}"
                    + (f" to {first.until.isoformat()})" if first.until else ", open-ended)"),
                )
        out[str(name)] = CountrySet(str(name), str(spec.get("text", "")), tuple(versions))
    return out


def _aliases(p: _Parser, raw: Any, facts: Mapping[str, Fact]) -> tuple[Alias, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise p.fail(("treated_as",), "treated_as is a list of {code, as, since, text, facts}")
    out: list[Alias] = []
    for i, a in enumerate(raw):
        path = ("treated_as", i)
        p.keys(a, {"code", "as", "since", "until", "text", "facts"}, path)
        codes = [p.req(a, "code", path), p.req(a, "as", path)]
        for key, code in zip(("code", "as"), codes, strict=True):
            if not countries.is_code(code):
                raise p.fail((*path, key), f"not an ISO country code: {code!r}")
        since, until = p.span(a, path, required=True)
        assert since is not None
        out.append(Alias(codes[0], codes[1], since, until, p.req(a, "text", path),
                         _fact_refs(p, a.get("facts"), (*path, "facts"), facts)))  # fmt: skip
    return tuple(out)


def _jurisdiction(
    p: _Parser, raw: Any, facts: Mapping[str, Fact], country_sets: Mapping[str, CountrySet]
) -> Jurisdiction | None:
    if raw is None:
        return None
    path = ("jurisdiction",)
    p.keys(raw, {"exporters", "origins", "unknown_origins", "us_content", "text", "facts"}, path)
    fixed: set[str] = set()
    groups: list[str] = []
    lists: dict[str, frozenset[str]] = {}
    for key in ("exporters", "origins", "unknown_origins"):
        values = raw.get(key) or []
        if not isinstance(values, list):
            raise p.fail((*path, key), f"'{key}' is a list of country codes")
        codes = set()
        for v in map(str, values):
            if key == "exporters" and v.startswith("group:"):
                if v[6:] not in country_sets:
                    raise p.fail((*path, key), f"unknown country set {v[6:]!r}")
                groups.append(v[6:])
            elif not countries.is_code(v):
                raise p.fail((*path, key), f"not an ISO country code: {v!r}")
            else:
                codes.add(v)
        lists[key] = frozenset(codes)
        if key == "exporters":
            fixed = codes
    us_content = raw.get("us_content", False)
    if not isinstance(us_content, bool):
        raise p.fail((*path, "us_content"), "us_content is true or false")
    return Jurisdiction(frozenset(fixed), tuple(groups), lists["origins"],
                        lists["unknown_origins"], us_content, p.req(raw, "text", path),
                        _fact_refs(p, raw.get("facts"), (*path, "facts"), facts))  # fmt: skip


def _required_lists(p: _Parser, raw: Any) -> tuple[RequiredList, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise p.fail(("required_lists",), "required_lists is a list of {id, text, sources}")
    out = []
    for i, r in enumerate(raw):
        path = ("required_lists", i)
        p.keys(r, {"id", "text", "sources"}, path)
        sources = p.req(r, "sources", path, kind=list)
        out.append(RequiredList(p.req(r, "id", path), p.req(r, "text", path),
                                tuple(map(str, sources))))  # fmt: skip
    return tuple(out)


def _licensing(p: _Parser, raw: Any, facts: Mapping[str, Fact]) -> Licensing:
    """The ``licensing`` block: ``stages`` (a non-empty list of ``{kind, parent, text}``,
    kinds from ``LICENCE_KINDS``, each once; a ``parent`` names an earlier stage's kind)
    and ``facts`` (at least one: what the sequence rests on)."""
    if raw is None:
        return DEFAULT_LICENSING
    path: tuple[Any, ...] = ("licensing",)
    p.keys(raw, {"stages", "facts"}, path)
    refs = _fact_refs(p, p.req(raw, "facts", path, kind=list), (*path, "facts"), facts)
    if not refs:
        raise p.fail((*path, "facts"), "'facts' names at least one fact")
    raw_stages = p.req(raw, "stages", path, kind=list)
    if not raw_stages:
        raise p.fail((*path, "stages"), "'stages' lists at least one licence")
    stages: list[LicenceStage] = []
    for i, s in enumerate(raw_stages):
        at = (*path, "stages", i)
        p.keys(s, {"kind", "parent", "text"}, at)
        kind = p.req(s, "kind", at)
        if kind not in LICENCE_KINDS:
            raise p.fail((*at, "kind"), f"kind must be one of {', '.join(LICENCE_KINDS)}")
        if any(kind == earlier.kind for earlier in stages):
            raise p.fail((*at, "kind"), f"duplicate stage {kind!r}")
        parent = s.get("parent")
        if parent is not None and str(parent) not in {earlier.kind for earlier in stages}:
            raise p.fail((*at, "parent"), f"parent {parent!r} is not an earlier stage's kind")
        stages.append(LicenceStage(kind, None if parent is None else str(parent),
                                   p.req(s, "text", at)))  # fmt: skip
    return Licensing(tuple(stages), refs)


_CONDITION_KEYS = {"items_in", "destination_in", "end_user_type_in", "end_use_in",
                   "region_in", "authority_informed", "deemed_export", "all", "any",
                   "not"}  # fmt: skip
_FLAG_KEYS = ("authority_informed", "deemed_export")


def _condition(
    p: _Parser,
    raw: Any,
    path: tuple[Any, ...],
    item_sets: Mapping[str, frozenset[str]],
    country_sets: Mapping[str, CountrySet],
) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping) or len(raw) != 1:
        raise p.fail(
            path,
            "a condition is a mapping with exactly one key: " + ", ".join(sorted(_CONDITION_KEYS)),
        )
    ((key, value),) = raw.items()
    if key not in _CONDITION_KEYS:
        raise p.fail(path, f"unknown condition {key!r}")
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise p.fail((*path, key), f"'{key}' takes a non-empty list of conditions")
        for i, sub in enumerate(value):
            _condition(p, sub, (*path, key, i), item_sets, country_sets)
    elif key == "not":
        _condition(p, value, (*path, key), item_sets, country_sets)
    elif key in _FLAG_KEYS:
        if not isinstance(value, bool):
            raise p.fail((*path, key), f"{key} is true or false")
    else:
        if not isinstance(value, list) or not value:
            raise p.fail((*path, key), f"'{key}' takes a non-empty list")
        for v in value:
            text = str(v)
            if key == "items_in" and text.startswith("set:") and text[4:] not in item_sets:
                raise p.fail((*path, key), f"unknown item set {text[4:]!r}")
            if key == "destination_in":
                if text.startswith("group:"):
                    if text[6:] not in country_sets:
                        raise p.fail((*path, key), f"unknown country set {text[6:]!r}")
                elif not countries.is_code(text):
                    raise p.fail((*path, key), f"not an ISO country code: {text!r}")
            if key == "end_user_type_in" and text not in END_USER_TYPES:
                raise p.fail((*path, key), f"unknown end-user type {text!r}")
            if key == "end_use_in" and text not in END_USES:
                raise p.fail((*path, key), f"unknown end use {text!r}")
            if key == "region_in" and text not in REGIONS:
                raise p.fail((*path, key), f"unknown region {text!r}")
    return raw


def _outcome(
    p: _Parser,
    raw: Any,
    path: tuple[Any, ...],
    facts: Mapping[str, Fact],
    *,
    verdict_required: bool = True,
) -> Outcome:
    if not isinstance(raw, Mapping):
        raise p.fail(path, "an outcome is a mapping with verdict, text and facts")
    verdict = None
    if raw.get("verdict") is not None or verdict_required:
        label = p.req(raw, "verdict", path)
        try:
            verdict = Verdict.from_label(label)
        except KeyError:
            raise p.fail(
                (*path, "verdict"), "verdict must be one of " + ", ".join(v.label for v in Verdict)
            ) from None
    conditions = raw.get("conditions") or []
    if not isinstance(conditions, list):
        raise p.fail((*path, "conditions"), "conditions is a list of texts")
    bars = raw.get("bars_exceptions", False)
    if not isinstance(bars, bool):
        raise p.fail((*path, "bars_exceptions"), "bars_exceptions is true or false")
    policy = raw.get("review_policy")
    return Outcome(
        verdict,
        p.req(raw, "text", path),
        _fact_refs(p, raw.get("facts"), (*path, "facts"), facts),
        None if policy is None else str(policy),
        tuple(str(c) for c in conditions),
        bars,
    )


def compile_condition(
    raw: Mapping[str, Any],
    item_sets: Mapping[str, frozenset[str]],
    country_sets: Mapping[str, CountrySet],
) -> Test:
    """Turn a validated condition into a function (decisions evaluate thousands a second).

    The request needs ``destination``, ``on``, ``end_user_type``, ``end_use``, ``region``,
    ``authority_informed`` and ``deemed_export``; country-set references are resolved on
    the request's date. Three-valued: a test on a field the request leaves empty gives
    None (unknown); ``not`` keeps None, ``all`` is False if any part is False, ``any`` True
    if any part is True.
    """
    ((key, value),) = raw.items()
    if key in ("all", "any"):
        parts = [compile_condition(c, item_sets, country_sets) for c in value]
        if key == "all":

            def all_of(req: Any, items: frozenset[str]) -> bool | None:
                unknown = False
                for t in parts:
                    got = t(req, items)
                    if got is False:
                        return False
                    if got is None:
                        unknown = True
                return None if unknown else True

            return all_of

        def any_of(req: Any, items: frozenset[str]) -> bool | None:
            unknown = False
            for t in parts:
                got = t(req, items)
                if got is True:
                    return True
                if got is None:
                    unknown = True
            return None if unknown else False

        return any_of
    if key == "not":
        inner = compile_condition(value, item_sets, country_sets)

        def negated(req: Any, items: frozenset[str]) -> bool | None:
            got = inner(req, items)
            return None if got is None else not got

        return negated
    if key in _FLAG_KEYS:
        wanted_flag = bool(value)
        return lambda req, items: bool(getattr(req, key)) is wanted_flag
    if key == "items_in":
        codes: set[str] = set()
        for ref in map(str, value):
            codes |= item_sets[ref[4:]] if ref.startswith("set:") else {normalise_item(ref)}
        frozen = frozenset(codes)
        return lambda req, items: not frozen.isdisjoint(items)
    if key == "destination_in":
        fixed = frozenset(str(v) for v in value if not str(v).startswith("group:"))
        groups = [country_sets[str(v)[6:]] for v in value if str(v).startswith("group:")]

        def destination_in(req: Any, items: frozenset[str]) -> bool:
            code = req.destination
            if code in fixed:
                return True
            on = req.on
            for group in groups:  # a loop, not any(): no generator per call  # noqa: SIM110
                if code in group.members_on(on):
                    return True
            return False

        return destination_in
    attr = {"end_user_type_in": "end_user_type", "end_use_in": "end_use", "region_in": "region"}[
        key
    ]
    wanted = frozenset(map(str, value))

    def among(req: Any, items: frozenset[str]) -> bool | None:
        got = getattr(req, attr)
        return None if got is None else got in wanted

    return among


def _fixed_destinations(raw: Any) -> frozenset[str] | None:
    """The countries a condition is limited to by a ``destination_in`` without country-set
    references, alone or first under a top-level ``all``; else None."""
    if not raw:
        return None
    ((key, value),) = raw.items()
    if key == "all":
        ((key, value),) = value[0].items()
    if key != "destination_in" or any(str(v).startswith("group:") for v in value):
        return None
    return frozenset(map(str, value))


def _walk_condition(raw: Any) -> tuple[set[str], set[str]]:
    """(country sets referred to, request fields read)."""
    groups: set[str] = set()
    fields: set[str] = set()

    def walk(node: Any) -> None:
        ((key, value),) = node.items()
        if key in ("all", "any"):
            for sub in value:
                walk(sub)
        elif key == "not":
            walk(value)
        elif key == "destination_in":
            groups.update(str(v)[6:] for v in value if str(v).startswith("group:"))
        elif key in ("end_user_type_in", "end_use_in", "region_in"):
            fields.add(key[: -len("_in")])

    if raw:
        walk(raw)
    return groups, fields


_RULE_KINDS = ("requirement", "country-list", "licence-exception", "listed-party", "note")
_COMMON = {"id", "kind", "since", "until", "when", "text", "facts"}
_OUTCOME_KEYS = {"verdict", "text", "facts", "review_policy", "conditions", "bars_exceptions"}
_RULE_KEYS = {
    "requirement": _COMMON | _OUTCOME_KEYS,
    "note": _COMMON,
    "country-list": _COMMON | {"country_set", "member", "non_member", "unknown"},
    "licence-exception": _COMMON | {"exception", "overcomes", "unavailable"},
    "listed-party": _COMMON | {"sources", "lists", "fallback", "threshold", "possible_threshold"},
}


def _rule(
    p: _Parser,
    raw: Any,
    i: int,
    facts: Mapping[str, Fact],
    item_sets: Mapping[str, frozenset[str]],
    country_sets: Mapping[str, CountrySet],
) -> Rule:
    path: tuple[Any, ...] = ("rules", i)
    rule_id = p.req(raw, "id", path)
    kind = p.req(raw, "kind", path)
    if kind not in _RULE_KINDS:
        raise p.fail((*path, "kind"), f"kind must be one of {', '.join(_RULE_KINDS)}")
    p.keys(raw, _RULE_KEYS[kind], path)
    when = raw.get("when")
    cond = _condition(p, when, (*path, "when"), item_sets, country_sets) if when else None
    since, until = p.span(raw, path)
    line = p.lines.get(path)
    test = compile_condition(cond, item_sets, country_sets) if cond else None
    groups, fields = _walk_condition(cond)
    refs = tuple(sorted(groups))
    read = tuple(sorted(fields))
    limit = _fixed_destinations(cond)
    if kind in ("requirement", "note"):
        return Rule(
            rule_id,
            kind,
            since,
            until,
            cond,
            _outcome(p, raw, path, facts, verdict_required=kind == "requirement"),
            line=line, test=test, groups=refs, fields=read, countries=limit,
        )  # fmt: skip
    if kind == "country-list":
        name = p.req(raw, "country_set", path)
        if name not in country_sets:
            raise p.fail((*path, "country_set"), f"unknown country set {name!r}")
        branches = []
        for branch in ("member", "non_member", "unknown"):
            spec = p.req(raw, branch, path, kind=dict)
            p.keys(spec, _OUTCOME_KEYS, (*path, branch))
            branches.append(_outcome(p, spec, (*path, branch), facts))
        return Rule(rule_id, kind, since, until, cond, country_set=name,
                    member=branches[0], non_member=branches[1], unknown=branches[2],
                    line=line, test=test, groups=refs,
                    fields=read, countries=limit)  # fmt: skip
    if kind == "licence-exception":
        unavailable = []
        for j, u in enumerate(raw.get("unavailable") or []):
            upath = (*path, "unavailable", j)
            p.keys(u, {"id", "when", "text", "facts"}, upath)
            when_u = _condition(
                p, p.req(u, "when", upath, kind=dict), (*upath, "when"), item_sets, country_sets
            )
            u_groups, u_fields = _walk_condition(when_u)
            unavailable.append(Unavailability(
                p.req(u, "id", upath), when_u, p.req(u, "text", upath),
                _fact_refs(p, u.get("facts"), (*upath, "facts"), facts),
                compile_condition(when_u, item_sets, country_sets),
                tuple(sorted(u_groups)), tuple(sorted(u_fields))))  # fmt: skip
        overcomes = p.req(raw, "overcomes", path, kind=list)
        return Rule(rule_id, kind, since, until, cond,
                    _outcome(p, raw, path, facts, verdict_required=False),
                    exception=p.req(raw, "exception", path), overcomes=tuple(map(str, overcomes)),
                    unavailable=tuple(unavailable), line=line, test=test,
                    groups=refs, fields=read, countries=limit)  # fmt: skip
    # listed-party
    mappings = []
    for j, m in enumerate(p.req(raw, "lists", path, kind=list)):
        mpath = (*path, "lists", j)
        p.keys(m, _OUTCOME_KEYS | {"match", "since", "until", "when"}, mpath)
        m_since, m_until = p.span(m, mpath)
        m_when = m.get("when")
        m_cond = (
            _condition(p, m_when, (*mpath, "when"), item_sets, country_sets) if m_when else None
        )
        mappings.append(ListMapping(
            p.req(m, "match", mpath),
            _outcome(p, m, mpath, facts, verdict_required=False),
            m_since, m_until,
            compile_condition(m_cond, item_sets, country_sets) if m_cond else None,
        ))  # fmt: skip
    fallback_raw = p.req(raw, "fallback", path, kind=dict)
    p.keys(fallback_raw, _OUTCOME_KEYS, (*path, "fallback"))
    threshold = _number(p, raw.get("threshold", DEFAULT_THRESHOLD), (*path, "threshold"))
    if threshold < DEFAULT_THRESHOLD:
        raise p.fail(
            (*path, "threshold"),
            f"a sure match needs at least the screening default threshold {DEFAULT_THRESHOLD}",
        )
    possible = _number(
        p, raw.get("possible_threshold", POSSIBLE_MATCH_THRESHOLD), (*path, "possible_threshold")
    )
    if possible > threshold:
        raise p.fail((*path, "possible_threshold"), "possible_threshold must not exceed threshold")
    return Rule(
        rule_id,
        kind,
        since,
        until,
        cond,
        _outcome(p, raw, path, facts, verdict_required=False),
        sources=tuple(map(str, p.req(raw, "sources", path, kind=list))),
        lists=tuple(mappings),
        fallback=_outcome(p, fallback_raw, (*path, "fallback"), facts),
        threshold=threshold,
        possible_threshold=possible,
        line=line,
        test=test,
        groups=refs,
        fields=read,
        countries=limit,
    )


def _number(p: _Parser, value: Any, path: tuple[Any, ...]) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise p.fail(path, "must be a number between 0 and 1")
    return float(value)
