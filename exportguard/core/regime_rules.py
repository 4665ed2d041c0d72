"""Regime rules and their condition language: validated (file, line, field) and compiled
to closures once, when a regime is loaded.

A condition is a small mapping: ``items_in``, ``destination_in`` (country codes and
``group:NAME`` country sets), ``end_user_type_in``, ``end_use_in``, ``region_in``,
``authority_informed``, ``deemed_export``, and ``all`` / ``any`` / ``not`` around them;
a condition on a fact the request does not give is *unknown* (None), not false. Rule
kinds are listed in ``core.regime_parser``'s docstring.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from exportguard.core import countries
from exportguard.core.country_sets import CountrySet
from exportguard.core.decision_records import JsonObject
from exportguard.core.regime_reader import KeyPath, RegimeReader, fact_refs
from exportguard.core.regimes import (
    END_USER_TYPES,
    END_USES,
    REGIONS,
    Fact,
    ListMapping,
    Outcome,
    Rule,
    Test,
    Unavailability,
    Verdict,
    normalise_item,
)
from exportguard.core.thresholds import DEFAULT_THRESHOLD, POSSIBLE_MATCH_THRESHOLD

if TYPE_CHECKING:  # decision_model reads regimes: the request type for annotations only
    from exportguard.core.decision_model import DecisionRequest

_CONDITION_KEYS = {"items_in", "destination_in", "end_user_type_in", "end_use_in",
                   "region_in", "authority_informed", "deemed_export", "all", "any",
                   "not"}  # fmt: skip
_FLAG_KEYS = ("authority_informed", "deemed_export")


def _condition(
    p: RegimeReader,
    raw: object,
    path: KeyPath,
    item_sets: Mapping[str, frozenset[str]],
    country_sets: Mapping[str, CountrySet],
) -> JsonObject:
    """``raw`` checked to be a condition (its one key, its values, the sets it names)."""
    if not isinstance(raw, Mapping) or len(raw) != 1:
        raise p.fail(
            path,
            "a condition is a mapping with exactly one key: " + ", ".join(sorted(_CONDITION_KEYS)),
        )
    ((key, value),) = raw.items()
    if key not in _CONDITION_KEYS:
        raise p.fail(path, f"unknown condition {key!r}")
    checked: JsonObject = raw  # its one key is one of _CONDITION_KEYS: text
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
    return checked


def _outcome(
    p: RegimeReader,
    raw: Mapping[str, object],
    path: KeyPath,
    facts: Mapping[str, Fact],
    *,
    verdict_required: bool = True,
) -> Outcome:
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
        fact_refs(p, raw.get("facts"), (*path, "facts"), facts),
        None if policy is None else str(policy),
        tuple(str(c) for c in conditions),
        bars,
    )


def compile_condition(
    raw: JsonObject,
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
    key, value = _only(raw)
    if key in ("all", "any"):
        parts = [compile_condition(_part(c), item_sets, country_sets) for c in _values(value)]
        if key == "all":

            def all_of(req: DecisionRequest, items: frozenset[str]) -> bool | None:
                unknown = False
                for t in parts:
                    got = t(req, items)
                    if got is False:
                        return False
                    if got is None:
                        unknown = True
                return None if unknown else True

            return all_of

        def any_of(req: DecisionRequest, items: frozenset[str]) -> bool | None:
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
        inner = compile_condition(_part(value), item_sets, country_sets)

        def negated(req: DecisionRequest, items: frozenset[str]) -> bool | None:
            got = inner(req, items)
            return None if got is None else not got

        return negated
    if key in _FLAG_KEYS:
        wanted_flag = bool(value)
        return lambda req, items: bool(getattr(req, key)) is wanted_flag
    if key == "items_in":
        codes: set[str] = set()
        for ref in map(str, _values(value)):
            codes |= item_sets[ref[4:]] if ref.startswith("set:") else {normalise_item(ref)}
        frozen = frozenset(codes)
        return lambda req, items: not frozen.isdisjoint(items)
    if key == "destination_in":
        refs = [str(v) for v in _values(value)]
        fixed = frozenset(v for v in refs if not v.startswith("group:"))
        groups = [country_sets[v[6:]] for v in refs if v.startswith("group:")]

        def destination_in(req: DecisionRequest, items: frozenset[str]) -> bool:
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
    wanted = frozenset(map(str, _values(value)))

    def among(req: DecisionRequest, items: frozenset[str]) -> bool | None:
        got = getattr(req, attr)
        return None if got is None else got in wanted

    return among


def _only(cond: JsonObject) -> tuple[str, object]:
    """The one key of a validated condition and its value."""
    ((key, value),) = cond.items()
    return key, value


def _part(value: object) -> JsonObject:
    """A validated condition's sub-condition (the value of ``not``, each of ``all``)."""
    if isinstance(value, Mapping):
        return value
    raise ValueError(f"not a validated condition: {value!r}")


def _values(value: object) -> list[object]:
    """The list a validated condition's key holds (codes, or conditions: :func:`_part`)."""
    if isinstance(value, list):
        return value
    raise ValueError(f"not a validated condition's list: {value!r}")


def _fixed_destinations(raw: JsonObject | None) -> frozenset[str] | None:
    """The countries a condition is limited to by a ``destination_in`` without country-set
    references, alone or first under a top-level ``all``; else None."""
    if not raw:
        return None
    key, value = _only(raw)
    if key == "all":
        key, value = _only(_part(_values(value)[0]))
    if key != "destination_in":
        return None
    codes = [str(v) for v in _values(value)]
    return None if any(c.startswith("group:") for c in codes) else frozenset(codes)


def _walk_condition(raw: JsonObject | None) -> tuple[set[str], set[str]]:
    """(country sets referred to, request fields read)."""
    groups: set[str] = set()
    fields: set[str] = set()

    def walk(node: JsonObject) -> None:
        key, value = _only(node)
        if key in ("all", "any"):
            for sub in _values(value):
                walk(_part(sub))
        elif key == "not":
            walk(_part(value))
        elif key == "destination_in":
            groups.update(str(v)[6:] for v in _values(value) if str(v).startswith("group:"))
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


def parse_rule(
    p: RegimeReader,
    given: object,
    i: int,
    facts: Mapping[str, Fact],
    item_sets: Mapping[str, frozenset[str]],
    country_sets: Mapping[str, CountrySet],
) -> Rule:
    """The rule ``given`` (the ``i``-th of the file's ``rules``, as loaded: any value),
    validated and compiled; a :class:`RegimeError` naming its line and field otherwise."""
    path: KeyPath = ("rules", i)
    rule_id = p.req(given, "id", path)
    kind = p.req(given, "kind", path)
    if kind not in _RULE_KINDS:
        raise p.fail((*path, "kind"), f"kind must be one of {', '.join(_RULE_KINDS)}")
    raw = p.keys(given, _RULE_KEYS[kind], path)
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
            spec = p.keys(p.req(raw, branch, path, kind=dict), _OUTCOME_KEYS, (*path, branch))
            branches.append(_outcome(p, spec, (*path, branch), facts))
        return Rule(rule_id, kind, since, until, cond, country_set=name,
                    member=branches[0], non_member=branches[1], unknown=branches[2],
                    line=line, test=test, groups=refs,
                    fields=read, countries=limit)  # fmt: skip
    if kind == "licence-exception":
        unavailable = []
        for j, given_u in enumerate(p.sequence(raw.get("unavailable"), (*path, "unavailable"))):
            upath = (*path, "unavailable", j)
            u = p.keys(given_u, {"id", "when", "text", "facts"}, upath)
            when_u = _condition(
                p, p.req(u, "when", upath, kind=dict), (*upath, "when"), item_sets, country_sets
            )
            u_groups, u_fields = _walk_condition(when_u)
            unavailable.append(Unavailability(
                p.req(u, "id", upath), when_u, p.req(u, "text", upath),
                fact_refs(p, u.get("facts"), (*upath, "facts"), facts),
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
    for j, given_m in enumerate(p.req(raw, "lists", path, kind=list)):
        mpath = (*path, "lists", j)
        m = p.keys(given_m, _OUTCOME_KEYS | {"match", "since", "until", "when"}, mpath)
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
    fallback_raw = p.keys(p.req(raw, "fallback", path, kind=dict), _OUTCOME_KEYS,
                          (*path, "fallback"))  # fmt: skip
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


def _number(p: RegimeReader, value: object, path: KeyPath) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise p.fail(path, "must be a number between 0 and 1")
    return float(value)
