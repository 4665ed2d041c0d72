"""Export-control regimes as data: the model, its validation, and dated look-ups.

A regime file (``exportguard/regimes/*.yaml``) holds:

``facts``          every fact the rules rest on, each with its source and certainty tag:
                   ``P`` primary/official text, ``S`` secondary (press, law firms),
                   ``D`` derived by reasoning, ``U`` unverified;
``items``          the control entries the regime models (4A005, 5A001.j ...), in named
                   ``item_sets``;
``country_sets``   dated country memberships: Israel's eligible destinations (the list of
                   102, then of 37), US Country Groups (A:6, D:1 ... E:2), EU001
                   destinations. A version may be incomplete (``complete: false``): a
                   country not among its known members is then of *unknown* membership;
``rules``          what the regime requires, each with an id, dates, a condition, a
                   verdict, text and the facts it rests on. Kinds:

                   ``requirement``        when the condition holds, the verdict applies;
                   ``country-list``       membership of a country set decides the verdict
                                          (member / non-member / unknown);
                   ``licence-exception``  overcomes named requirements unless one of its
                                          ``unavailable`` conditions holds;
                   ``listed-party``       screening hits on named lists decide the verdict;
                   ``note``               a reason without a verdict (a caveat to show).

Conditions are small mappings: ``items_in``, ``destination_in`` (country codes and
``group:NAME`` references to country sets), ``end_user_type_in``, ``end_use_in``,
``authority_informed``, and ``all`` / ``any`` / ``not`` around them.

This module is pure: the loader in ``exportguard/regimes`` reads files and hands the
parsed data (with line numbers) to :func:`parse_regime`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum
from functools import lru_cache
from typing import Any

from exportguard.core import countries
from exportguard.core.thresholds import DEFAULT_THRESHOLD, POSSIBLE_MATCH_THRESHOLD
from exportguard.errors import RegimeError

CERTAINTY = {"P": "primary", "S": "secondary", "D": "derived", "U": "unverified"}

END_USER_TYPES = ("government", "law-enforcement", "intelligence", "military",
                  "government-owned", "non-government", "individual")  # fmt: skip
GOVERNMENT_TYPES = ("government", "law-enforcement", "intelligence", "military",
                    "government-owned")  # fmt: skip
END_USES = ("law-enforcement", "counter-terrorism", "criminal-investigation",
            "vulnerability-disclosure", "incident-response", "penetration-testing",
            "research", "product-development", "unauthorized-access", "internal-repression",
            "human-rights-violation", "other")  # fmt: skip
#: Item codes that are not control entries of any regime but are valid input.
SPECIAL_ITEMS = ("EAR99", "unlisted-cyber-surveillance")


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

    def on(self, when: date) -> bool:
        return self.since <= when and (self.until is None or when <= self.until)


@dataclass(frozen=True, slots=True)
class CountrySet:
    id: str
    text: str
    versions: tuple[SetVersion, ...]
    _members: dict[date, frozenset[str]] = field(default_factory=dict, compare=False, repr=False)

    def version(self, when: date) -> SetVersion | None:
        for version in self.versions:
            if version.on(when):
                return version
        return None

    def membership(
        self, code: str, when: date
    ) -> tuple[bool | None, SetVersion | None, Member | None]:
        """(True/False/None for unknown, the version in force, the member record)."""
        version = self.version(when)
        if version is None:
            return None, None, None
        for member in version.members:
            if member.code == code and member.on(when):
                return True, version, member
        return (False if version.complete else None), version, None

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
    """What a rule (or a branch of one) says: a verdict, words, and what it rests on."""

    verdict: Verdict | None
    text: str
    facts: tuple[str, ...] = ()
    review_policy: str | None = None
    conditions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Unavailability:
    id: str
    when: Mapping[str, Any]
    text: str
    facts: tuple[str, ...]
    test: Test | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class ListMapping:
    """How hits on one list (matched by a substring of its name) count."""

    match: str
    outcome: Outcome


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

    def applies(self, request: Any, items: frozenset[str]) -> bool:
        """In force on the request's date and its condition holds."""
        return self.on(request.on) and (self.test is None or self.test(request, items))

    def on(self, when: date) -> bool:
        return (self.since is None or self.since <= when) and (
            self.until is None or when <= self.until
        )


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

    def fact(self, fact_id: str) -> Fact:
        return self.facts[fact_id]

    def certainty(self, fact_ids: Sequence[str]) -> str:
        """The weakest certainty among the facts (P > S > D > U); P when none."""
        order = "PSDU"
        tags = [self.facts[f].certainty for f in fact_ids if f in self.facts]
        return max(tags, key=order.index) if tags else "P"


# --- parsing and validation --------------------------------------------------------------

Lines = Mapping[tuple[Any, ...], int]


def _sure_threshold(p: _Parser, raw: Mapping[str, Any], path: tuple[Any, ...]) -> float:
    """A listed-party rule's sure-match threshold: the screening threshold unless the
    rule demands more; never less (a decision never treats as sure a match that screening
    would not show)."""
    value = float(raw.get("threshold", DEFAULT_THRESHOLD))
    if value < DEFAULT_THRESHOLD:
        raise p.fail(
            (*path, "threshold"),
            f"must be at least the screening threshold {DEFAULT_THRESHOLD}",
        )
    return value


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


def parse_regime(data: Any, *, file: str, lines: Lines | None = None) -> Regime:
    """Validate parsed regime data and build the :class:`Regime`.

    ``lines`` maps key paths (``("rules", 3, "when")``) to line numbers, so every error
    names the file, the line and the field. Raises :class:`RegimeError`.
    """
    p = _Parser(data if isinstance(data, Mapping) else {}, file, lines or {})
    if not isinstance(data, Mapping):
        raise p.fail((), "a regime file must be a mapping")
    known = {"id", "name", "revision", "covers_from", "facts", "item_sets", "items",
             "country_sets", "rules"}  # fmt: skip
    for key in data:
        if key not in known:
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
    )


def _facts(p: _Parser, raw: list[Any]) -> dict[str, Fact]:
    facts: dict[str, Fact] = {}
    for i, item in enumerate(raw):
        path = ("facts", i)
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
    for i, raw in enumerate(data.get("items") or []):
        code = normalise_item(p.req(raw, "code", ("items", i)))
        items[code] = str(raw.get("text", ""))
    sets: dict[str, frozenset[str]] = {}
    for name, members in (data.get("item_sets") or {}).items():
        if not isinstance(members, list):
            raise p.fail(("item_sets", name), "an item set is a list of item codes")
        codes = frozenset(normalise_item(str(m)) for m in members)
        unknown = sorted(codes - set(items))
        if unknown:
            raise p.fail(("item_sets", name), f"item(s) not declared under items: {unknown}")
        sets[str(name)] = codes
    return items, sets


def _country_sets(
    p: _Parser, raw: Mapping[str, Any], facts: Mapping[str, Fact]
) -> dict[str, CountrySet]:
    out: dict[str, CountrySet] = {}
    for name, spec in raw.items():
        path: tuple[Any, ...] = ("country_sets", name)
        versions = []
        for j, v in enumerate(p.req(spec, "versions", path, kind=list)):
            vpath = (*path, "versions", j)
            members = []
            for k, m in enumerate(v.get("members") or []):
                mpath = (*vpath, "members", k)
                mspec = {"code": m} if isinstance(m, str) else m
                code = str(p.req(mspec, "code", mpath))
                if not countries.is_code(code):
                    raise p.fail((*mpath, "code"), f"not an ISO country code: {code!r}")
                members.append(
                    Member(
                        code,
                        p.date(mspec.get("since"), (*mpath, "since")),
                        p.date(mspec.get("until"), (*mpath, "until")),
                        _fact_refs(p, mspec.get("facts"), (*mpath, "facts"), facts),
                    )
                )
            since = p.date(p.req(v, "since", vpath, kind=object), (*vpath, "since"))
            assert since is not None
            versions.append(SetVersion(
                str(v.get("name", name)), since, p.date(v.get("until"), (*vpath, "until")),
                tuple(members), bool(v.get("complete", True)),
                _fact_refs(p, v.get("facts"), (*vpath, "facts"), facts),
                int(v["count"]) if v.get("count") is not None else None,
            ))  # fmt: skip
        out[str(name)] = CountrySet(str(name), str(spec.get("text", "")), tuple(versions))
    return out


_CONDITION_KEYS = {"items_in", "destination_in", "end_user_type_in", "end_use_in",
                   "authority_informed", "all", "any", "not"}  # fmt: skip


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
    elif key == "authority_informed":
        if not isinstance(value, bool):
            raise p.fail((*path, key), "authority_informed is true or false")
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
    return raw


def _compiled(
    raw: Mapping[str, Any] | None,
    item_sets: Mapping[str, frozenset[str]],
    country_sets: Mapping[str, CountrySet],
) -> Test | None:
    return compile_condition(raw, item_sets, country_sets) if raw else None


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
    return Outcome(
        verdict,
        p.req(raw, "text", path),
        _fact_refs(p, raw.get("facts"), (*path, "facts"), facts),
        raw.get("review_policy"),
        tuple(str(c) for c in conditions),
    )


Test = Callable[[Any, frozenset[str]], bool]
"""A compiled condition: (request, its normalised item codes) -> holds?"""


def compile_condition(
    raw: Mapping[str, Any],
    item_sets: Mapping[str, frozenset[str]],
    country_sets: Mapping[str, CountrySet],
) -> Test:
    """Turn a validated condition into a function (decisions evaluate thousands a second).

    The request needs ``destination``, ``on``, ``end_user_type``, ``end_use`` and
    ``authority_informed``; country-set references are resolved on the request's date.
    """
    ((key, value),) = raw.items()
    if key in ("all", "any"):
        parts = [compile_condition(c, item_sets, country_sets) for c in value]
        if key == "all":
            return lambda req, items: all(t(req, items) for t in parts)
        return lambda req, items: any(t(req, items) for t in parts)
    if key == "not":
        inner = compile_condition(value, item_sets, country_sets)
        return lambda req, items: not inner(req, items)
    if key == "authority_informed":
        wanted_flag = bool(value)
        return lambda req, items: bool(req.authority_informed) is wanted_flag
    if key == "items_in":
        codes: set[str] = set()
        for ref in map(str, value):
            codes |= item_sets[ref[4:]] if ref.startswith("set:") else {normalise_item(ref)}
        frozen = frozenset(codes)
        return lambda req, items: not frozen.isdisjoint(items)
    if key == "destination_in":
        fixed = frozenset(str(v) for v in value if not str(v).startswith("group:"))
        groups = [country_sets[str(v)[6:]] for v in value if str(v).startswith("group:")]
        return lambda req, items: (
            req.destination in fixed or any(req.destination in g.members_on(req.on) for g in groups)
        )
    if key == "end_user_type_in":
        types = frozenset(map(str, value))
        return lambda req, items: req.end_user_type in types
    if key == "end_use_in":
        uses = frozenset(map(str, value))
        return lambda req, items: req.end_use in uses
    raise ValueError(f"unknown condition {key!r}")  # _condition refuses these first


_RULE_KINDS = ("requirement", "country-list", "licence-exception", "listed-party", "note")


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
    when = raw.get("when")
    cond = _condition(p, when, (*path, "when"), item_sets, country_sets) if when else None
    since = p.date(raw.get("since"), (*path, "since"))
    until = p.date(raw.get("until"), (*path, "until"))
    line = p.lines.get(path)
    test = _compiled(cond, item_sets, country_sets)
    if kind in ("requirement", "note"):
        return Rule(
            rule_id,
            kind,
            since,
            until,
            cond,
            _outcome(p, raw, path, facts, verdict_required=kind == "requirement"),
            line=line,
            test=test,
        )
    if kind == "country-list":
        name = p.req(raw, "country_set", path)
        if name not in country_sets:
            raise p.fail((*path, "country_set"), f"unknown country set {name!r}")
        return Rule(rule_id, kind, since, until, cond, country_set=name,
                    member=_outcome(p, p.req(raw, "member", path, kind=dict), (*path, "member"),
                                    facts),
                    non_member=_outcome(p, p.req(raw, "non_member", path, kind=dict),
                                        (*path, "non_member"), facts),
                    unknown=_outcome(p, p.req(raw, "unknown", path, kind=dict), (*path, "unknown"),
                                     facts),
                    line=line, test=test)  # fmt: skip
    if kind == "licence-exception":
        unavailable = []
        for j, u in enumerate(raw.get("unavailable") or []):
            upath = (*path, "unavailable", j)
            when_u = _condition(
                p, p.req(u, "when", upath, kind=dict), (*upath, "when"), item_sets, country_sets
            )
            unavailable.append(Unavailability(
                p.req(u, "id", upath), when_u, p.req(u, "text", upath),
                _fact_refs(p, u.get("facts"), (*upath, "facts"), facts),
                compile_condition(when_u, item_sets, country_sets)))  # fmt: skip
        overcomes = p.req(raw, "overcomes", path, kind=list)
        return Rule(rule_id, kind, since, until, cond,
                    _outcome(p, raw, path, facts, verdict_required=False),
                    exception=p.req(raw, "exception", path), overcomes=tuple(map(str, overcomes)),
                    unavailable=tuple(unavailable), line=line, test=test)  # fmt: skip
    # listed-party
    mappings = []
    for j, m in enumerate(p.req(raw, "lists", path, kind=list)):
        mpath = (*path, "lists", j)
        mappings.append(ListMapping(p.req(m, "match", mpath), _outcome(p, m, mpath, facts)))
    return Rule(
        rule_id,
        kind,
        since,
        until,
        cond,
        _outcome(p, raw, path, facts, verdict_required=False),
        sources=tuple(map(str, p.req(raw, "sources", path, kind=list))),
        lists=tuple(mappings),
        fallback=_outcome(p, p.req(raw, "fallback", path, kind=dict), (*path, "fallback"), facts),
        threshold=_sure_threshold(p, raw, path),
        possible_threshold=float(raw.get("possible_threshold", POSSIBLE_MATCH_THRESHOLD)),
        line=line,
        test=test,
    )
