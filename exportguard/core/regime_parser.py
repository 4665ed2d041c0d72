"""Reading a regime document: validated (file, line, field) into a :class:`Regime`.

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
parsed data (with line numbers) to :func:`parse_regime`. The sections are read here; rules
and their conditions in ``core.regime_rules``; the error-locating reader both use is
``core.regime_reader``; the model they build is ``core.regimes``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from itertools import pairwise

from exportguard.core import countries
from exportguard.core.country_sets import CountrySet, Member, SetVersion
from exportguard.core.licensing import LICENCE_KINDS
from exportguard.core.regime_reader import KeyPath, Lines, RegimeReader, fact_refs
from exportguard.core.regime_rules import parse_rule
from exportguard.core.regimes import (
    CERTAINTY,
    DEFAULT_LICENSING,
    SPECIAL_ITEMS,
    Alias,
    Fact,
    Jurisdiction,
    LicenceStage,
    Licensing,
    Regime,
    RequiredList,
    normalise_item,
)

_TOP_KEYS = frozenset({"id", "name", "revision", "covers_from", "facts", "item_sets", "items",
                       "country_sets", "rules", "treated_as", "jurisdiction",
                       "required_lists", "licensing"})  # fmt: skip


def parse_regime(data: object, *, file: str, lines: Lines | None = None) -> Regime:
    """Validate parsed regime data (a YAML document as loaded: any value) and build the
    :class:`Regime`.

    ``lines`` maps key paths (``("rules", 3, "when")``) to line numbers, so every error
    names the file, the line and the field. Raises :class:`RegimeError`.
    """
    located = lines or {}
    data = _document(RegimeReader({}, file, located), data)
    p = RegimeReader(data, file, located)
    regime_id = p.req(data, "id", ())
    if not re.fullmatch(r"[a-z0-9-]+", regime_id):
        raise p.fail(("id",), "id must be lower-case letters, digits and dashes")
    covers = p.date(p.req(data, "covers_from", (), kind=object), ("covers_from",))
    assert covers is not None
    facts = _facts(p, p.req(data, "facts", (), kind=list))
    items, item_sets = _items(p, data)
    country_sets = _country_sets(p, data.get("country_sets") or {}, facts)
    rules = tuple(
        parse_rule(p, raw, i, facts, item_sets, country_sets)
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


def _document(p: RegimeReader, data: object) -> Mapping[str, object]:
    """``data`` as a regime document: a mapping of top-level keys (:data:`_TOP_KEYS`)."""
    if not isinstance(data, Mapping):
        raise p.fail((), "a regime file must be a mapping")
    for key in data:
        if key not in _TOP_KEYS:
            raise p.fail((key,), f"unknown top-level key {key!r}")
    return data


def _facts(p: RegimeReader, raw: list[object]) -> dict[str, Fact]:
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


def _items(
    p: RegimeReader, data: Mapping[str, object]
) -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    items: dict[str, str] = {}
    raw_items = data.get("items") or []
    if not isinstance(raw_items, list):
        raise p.fail(("items",), "items is a list of {code, text}")
    for i, given in enumerate(raw_items):
        raw = p.keys(given, {"code", "text"}, ("items", i))
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


def _country_sets(
    p: RegimeReader, raw: object, facts: Mapping[str, Fact]
) -> dict[str, CountrySet]:
    if not isinstance(raw, Mapping):
        raise p.fail(("country_sets",), "country_sets maps names to {text, versions}")
    named: Mapping[object, object] = raw
    out: dict[str, CountrySet] = {}
    for name, given in named.items():
        path: KeyPath = ("country_sets", name)
        spec = p.keys(given, {"text", "versions"}, path)
        versions: list[SetVersion] = []
        for j, given_version in enumerate(p.req(spec, "versions", path, kind=list)):
            vpath = (*path, "versions", j)
            v = p.keys(given_version, _VERSION_KEYS, vpath)
            members = []
            for k, m in enumerate(p.sequence(v.get("members"), (*vpath, "members"))):
                mpath = (*vpath, "members", k)
                mspec = p.keys({"code": m} if isinstance(m, str) else m,
                               {"code", "since", "until", "facts"}, mpath)  # fmt: skip
                code = str(p.req(mspec, "code", mpath))
                if not countries.is_code(code):
                    raise p.fail((*mpath, "code"), f"not an ISO country code: {code!r}")
                m_since, m_until = p.span(mspec, mpath)
                members.append(
                    Member(
                        code, m_since, m_until,
                        fact_refs(p, mspec.get("facts"), (*mpath, "facts"), facts),
                    )
                )  # fmt: skip
            since, until = p.span(v, vpath, required=True)
            assert since is not None
            versions.append(SetVersion(
                str(v.get("name", name)), since, until,
                tuple(members), bool(v.get("complete", True)),
                fact_refs(p, v.get("facts"), (*vpath, "facts"), facts),
                _count(p, v.get("count"), (*vpath, "count")),
                fact_refs(p, v.get("member_facts"), (*vpath, "member_facts"), facts),
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


def _aliases(p: RegimeReader, raw: object, facts: Mapping[str, Fact]) -> tuple[Alias, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise p.fail(("treated_as",), "treated_as is a list of {code, as, since, text, facts}")
    out: list[Alias] = []
    for i, given in enumerate(raw):
        path = ("treated_as", i)
        a = p.keys(given, {"code", "as", "since", "until", "text", "facts"}, path)
        codes = [p.req(a, "code", path), p.req(a, "as", path)]
        for key, code in zip(("code", "as"), codes, strict=True):
            if not countries.is_code(code):
                raise p.fail((*path, key), f"not an ISO country code: {code!r}")
        since, until = p.span(a, path, required=True)
        assert since is not None
        out.append(Alias(codes[0], codes[1], since, until, p.req(a, "text", path),
                         fact_refs(p, a.get("facts"), (*path, "facts"), facts)))  # fmt: skip
    return tuple(out)


def _jurisdiction(
    p: RegimeReader, given: object, facts: Mapping[str, Fact],
    country_sets: Mapping[str, CountrySet],
) -> Jurisdiction | None:
    if given is None:
        return None
    path = ("jurisdiction",)
    raw = p.keys(given, {"exporters", "origins", "unknown_origins", "us_content", "text",
                         "facts"}, path)  # fmt: skip
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
                        fact_refs(p, raw.get("facts"), (*path, "facts"), facts))  # fmt: skip


def _required_lists(p: RegimeReader, raw: object) -> tuple[RequiredList, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise p.fail(("required_lists",), "required_lists is a list of {id, text, sources}")
    out = []
    for i, given in enumerate(raw):
        path = ("required_lists", i)
        r = p.keys(given, {"id", "text", "sources"}, path)
        sources = p.req(r, "sources", path, kind=list)
        out.append(RequiredList(p.req(r, "id", path), p.req(r, "text", path),
                                tuple(map(str, sources))))  # fmt: skip
    return tuple(out)


def _licensing(p: RegimeReader, given: object, facts: Mapping[str, Fact]) -> Licensing:
    """The ``licensing`` block: ``stages`` (a non-empty list of ``{kind, parent, text}``,
    kinds from ``LICENCE_KINDS``, each once; a ``parent`` names an earlier stage's kind)
    and ``facts`` (at least one: what the sequence rests on)."""
    if given is None:
        return DEFAULT_LICENSING
    path: KeyPath = ("licensing",)
    raw = p.keys(given, {"stages", "facts"}, path)
    refs = fact_refs(p, p.req(raw, "facts", path, kind=list), (*path, "facts"), facts)
    if not refs:
        raise p.fail((*path, "facts"), "'facts' names at least one fact")
    raw_stages = p.req(raw, "stages", path, kind=list)
    if not raw_stages:
        raise p.fail((*path, "stages"), "'stages' lists at least one licence")
    stages: list[LicenceStage] = []
    for i, given_stage in enumerate(raw_stages):
        at = (*path, "stages", i)
        s = p.keys(given_stage, {"kind", "parent", "text"}, at)
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


def _count(p: RegimeReader, value: object, path: KeyPath) -> int | None:
    """A set version's published member count (absent: None)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise p.fail(path, "count is a whole number")
    try:
        return int(value)
    except ValueError:
        raise p.fail(path, "count is a whole number") from None
