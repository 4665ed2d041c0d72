"""One profile per listed party: the listings of one real party on several lists (or
several times on one list) grouped, with the evidence that joined them.

A screening finds Joseph KONY on the UN list, the SDN and the Consolidated Screening
List's copy of the SDN: three listings, one man. :func:`group_listings` takes the
listings (full :class:`ListEntry` objects, best hit first) and returns profiles: the
connected groups of a union-find over **strong links** only, each link kept with the
reason in plain words, so the grouping can be checked.

A link between two listings needs their kinds of party not to contradict (a person is
not an organisation; ``unknown`` contradicts nothing) and one of:

0. **the same register entry**: OFAC numbers each party of its lists once
   (``us_ofac_sdn:11018``), and the Consolidated Screening List publishes the rows of
   Treasury's lists under that number (``us_trade_csl:SDN-11018``): the CSL's copy of an
   SDN entry is that entry. The UN numbers each party of its list once too (``CFi.009``);
1. **a shared identifier**: the same kind (:class:`IdentifierKind`) and the same number
   as screening compares it (:func:`match_form`), at least :data:`MIN_IDENTIFIER`
   letters and digits, and no two different issuing countries. Numbers of kind ``other``,
   ``list_id`` and ``licence`` must carry the same label too (one list's "file number 1234"
   is not another's). Facts (gender, website) are never compared;
2. **the same name and the same dates of birth**: a date of birth given to the day on
   both, or the same set of dates as published (UN and SDN give Ali KONY 1992 to 1995);
3. **the same name, compatible dates of birth and a shared country**: years or months
   that agree as far as both give them (1964 and 1964-09-18), and a country both name;
4. **the same name in the same published order**: the same first Federal Register notice
   and the same listing date on both (the BIS Denied Persons List and the CSL's copy of
   its rows publish one order twice: IHSAN ELASHI, 68 F.R. 38290 from 2003-06-19, on
   both is one listing, whatever notices later amended either copy);
5. **the same name, a shared country and the same kind** for an organisation, vessel or
   aircraft (never a person: many people share a name and a country), when neither
   listing gives a date of birth.

"The same name" is a strong name (never one the list calls weak) of each listing made of
the same words, in any order, once analysed (:func:`exportguard.core.names.analyse`:
transliterated, case and punctuation aside), titles and legal forms aside; legal forms of
different families ("X LLC" and "X JSC") are other names. A person's name of one word is
too little. Dates of birth that contradict (both given, none agreeing) stop every link
on the name.

**What keeps listings apart**, even through a third listing: kinds of party that
contradict, dates of birth that contradict, and two different numbers of one register
(OFAC and the UN number each party once: two SDN entries are two parties for OFAC, however
alike, such as ADOON GENERAL TRADING FZE and ADOON GENERAL TRADING L.L.C.). Two groups
are joined only when no listing of one conflicts with a listing of the other.

**A name alone never joins.** Two listings of the same name and nothing else in common
(or only a country, for people) stay two profiles, each noting the other as *possibly
the same party* (:attr:`Profile.possibly`). Listings joined through a third are one
profile: :attr:`Profile.links` holds the links that joined them (one fewer than the
members).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from exportguard.core.entities import (
    AliasQuality,
    EntityType,
    Identifier,
    IdentifierKind,
    ListEntry,
)
from exportguard.core.identifiers import identifier_kind, match_form
from exportguard.core.names import analyse, legal_family

#: The fewest letters and digits of an identifier that links two listings (shorter
#: numbers repeat between registers).
MIN_IDENTIFIER = 5
#: Kinds of number whose label must agree too: their numbering is the register's own.
_LABELLED = frozenset({IdentifierKind.OTHER, IdentifierKind.LIST_ID, IdentifierKind.LICENCE})

#: Registers that number each party once, by the sources whose entry ids are their numbers.
_REGISTERS = {"us_ofac_sdn": "OFAC", "us_ofac_cons": "OFAC", "un_sc": "UN"}
#: The CSL's prefixes of the rows of Treasury's lists (their ids are OFAC's numbers).
_CSL_TREASURY = frozenset({"SDN", "SSI", "FSE", "NS", "CAP", "CMIC", "PLC"})

#: Evidence kinds of a :class:`Link`, strongest first.
REGISTER_ENTRY = "register entry"
IDENTIFIER = "identifier"
NAME_BIRTH_DATE = "name and date of birth"
NAME_BIRTH_COUNTRY = "name, date of birth and country"
NAME_ORDER = "name and order"
NAME_COUNTRY_KIND = "name, country and kind"
NAME_ONLY = "name only"


@dataclass(frozen=True, slots=True)
class Link:
    """Evidence that listings ``a`` and ``b`` (indexes into the listings given) are one
    party; ``evidence`` one of the kinds above, ``reason`` the facts in plain words."""

    a: int
    b: int
    evidence: str
    reason: str


@dataclass(frozen=True, slots=True)
class Profile:
    """One party: ``members`` are indexes into the listings given, in their order (so
    the best hit first when given best first); ``links`` the strong links that joined them
    (empty for one listing); ``possibly`` name-only likenesses to listings of other
    profiles (``a`` a member here, ``b`` the other listing)."""

    members: tuple[int, ...]
    links: tuple[Link, ...]
    possibly: tuple[Link, ...] = ()


@dataclass(frozen=True, slots=True)
class _Facts:
    """What linking compares of one listing."""

    type: EntityType
    #: (words, legal families) -> the name as published
    names: dict[tuple[tuple[str, ...], frozenset[str]], str]
    births: frozenset[str]
    countries: frozenset[str]
    identifiers: dict[tuple[str, str, str], tuple[Identifier, str | None]]
    register: tuple[str, str] | None
    #: (first Federal Register notice, listing date) of the order that listed the party.
    order: tuple[str, str] | None = None


def _register(entry: ListEntry) -> tuple[str, str] | None:
    """(register, number) of the entry when its list numbers each party once
    (:data:`_REGISTERS`; the CSL's rows of :data:`_CSL_TREASURY` are OFAC's)."""
    native = entry.id.partition(":")[2]
    if entry.source in _REGISTERS and native:
        return _REGISTERS[entry.source], native
    prefix, _, number = native.partition("-")
    if entry.source == "us_trade_csl" and prefix in _CSL_TREASURY and number.isdigit():
        return "OFAC", number
    return None


def _facts(entry: ListEntry) -> _Facts:
    person = entry.type is EntityType.PERSON
    organisation = None if entry.type is EntityType.UNKNOWN else not person
    names: dict[tuple[tuple[str, ...], frozenset[str]], str] = {}
    strong = [entry.name, *(a.name for a in entry.aliases if a.quality is AliasQuality.STRONG)]
    for name in strong:
        form = analyse(name, organisation=organisation)
        words = tuple(sorted(t.text for t in form.tokens if not t.legal and t.kind != "title"))
        if len(words) < (2 if person else 1):
            continue
        names.setdefault((words, frozenset(legal_family(f) for f in form.legal_forms)), name)
    ids: dict[tuple[str, str, str], tuple[Identifier, str | None]] = {}
    for ident in entry.identifiers:
        kind = identifier_kind(ident.kind)
        number = match_form(ident)
        if kind is IdentifierKind.FACT or len(number) < MIN_IDENTIFIER:
            continue
        label = (ident.label or ident.kind).casefold() if kind in _LABELLED else ""
        ids.setdefault((kind.value, number, label), (ident, ident.country))
    countries = {*entry.countries, *entry.nationalities, *entry.citizenships}
    return _Facts(
        entry.type,
        names,
        frozenset(entry.birth_dates),
        frozenset(countries),
        ids,
        _register(entry),
        _order(entry),
    )


#: A Federal Register citation ("68 F.R. 38290", "84 FR 22963"): volume and page.
_FEDERAL_REGISTER = re.compile(r"(\d+)\s*F\.?\s*R\.?\s*(\d+)")


def _order(entry: ListEntry) -> tuple[str, str] | None:
    """(the first Federal Register notice the entry cites, its listing date): the order
    that listed it. Later notices are appended to a row's citation as they amend it, so
    the first is what two copies of one listing share."""
    found = _FEDERAL_REGISTER.search(entry.citation or "")
    if found is None or entry.listed_from is None:
        return None
    return f"{found[1]} F.R. {found[2]}", entry.listed_from.isoformat()


def _compatible_births(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether some date of ``a`` agrees with some date of ``b`` as far as both go."""
    return any(x[: min(len(x), len(y))] == y[: min(len(x), len(y))] for x in a for y in b)


def _same_name(a: _Facts, b: _Facts) -> tuple[str, str] | None:
    """The names as published of a name both listings share, if any."""
    for (words, families), published in a.names.items():
        for (other_words, other_families), other in b.names.items():
            if words == other_words and (
                not families or not other_families or families & other_families
            ):
                return published, other
    return None


def _identifier(a: _Facts, b: _Facts) -> str | None:
    for key, (ident, country) in a.identifiers.items():
        found = b.identifiers.get(key)
        if found is None or (country and found[1] and country != found[1]):
            continue
        label = ident.label or ident.kind.replace("_", " ")
        where = f" ({country or found[1]})" if country or found[1] else ""
        return f"both give {label} {ident.value}{where}"
    return None


def link(a: ListEntry, b: ListEntry, *, i: int = 0, j: int = 1) -> Link | None:
    """The strongest evidence that listings ``a`` and ``b`` are one party, as a
    :class:`Link` between indexes ``i`` and ``j``: a strong link (module docstring), a
    :data:`NAME_ONLY` likeness (the same name and nothing contradicting), or ``None``."""
    return _link(_facts(a), _facts(b), i, j)


def _conflict(a: _Facts, b: _Facts) -> bool:
    """Whether two listings cannot be one party: kinds of party, dates of birth or
    numbers of one register that contradict."""
    unknown = EntityType.UNKNOWN
    return (
        (a.type is not b.type and unknown not in (a.type, b.type))
        or (bool(a.births and b.births) and not _compatible_births(a.births, b.births))
        or (
            a.register is not None
            and b.register is not None
            and a.register[0] == b.register[0]
            and a.register != b.register
        )
    )


def _link(a: _Facts, b: _Facts, i: int, j: int) -> Link | None:
    unknown = EntityType.UNKNOWN
    if a.register is not None and a.register == b.register:
        return Link(i, j, REGISTER_ENTRY, f"both are {a.register[0]}'s entry {a.register[1]}")
    if _conflict(a, b):
        return None
    shared_id = _identifier(a, b)
    if shared_id:
        return Link(i, j, IDENTIFIER, shared_id)
    names = _same_name(a, b)
    if names is None:
        return None
    said = f"'{names[0]}'" if names[0] == names[1] else f"'{names[0]}' and '{names[1]}'"
    said = f"the same name ({said})"
    days = sorted(d for d in a.births & b.births if len(d) == 10)
    if days or (a.births and a.births == b.births):
        dates = ", ".join(days or sorted(a.births))
        return Link(i, j, NAME_BIRTH_DATE, f"{said}, both born {dates}")
    shared = sorted(a.countries & b.countries)
    if a.births and b.births and shared:
        dates = f"{', '.join(sorted(a.births))} and {', '.join(sorted(b.births))}"
        return Link(i, j, NAME_BIRTH_COUNTRY,
                    f"{said}, dates of birth that agree ({dates}), both tied to "
                    f"{', '.join(shared)}")  # fmt: skip
    if a.order is not None and a.order == b.order:
        return Link(i, j, NAME_ORDER,
                    f"{said}, both listed by {a.order[0]} from {a.order[1]}")  # fmt: skip
    if (
        shared
        and a.type is b.type
        and a.type not in (EntityType.PERSON, unknown)
        and not a.births
        and not b.births
    ):
        return Link(i, j, NAME_COUNTRY_KIND,
                    f"{said}, both {a.type.value}s tied to {', '.join(shared)}")  # fmt: skip
    return Link(i, j, NAME_ONLY, f"{said}, but nothing else in common that tells")


def group_listings(entries: Sequence[ListEntry]) -> list[Profile]:
    """The profiles of ``entries`` (listings, best first), in the order of their first
    member; every listing is in exactly one. Compares every pair: meant for a screening's
    hits (at most a few hundred), not a whole list."""
    facts = [_facts(e) for e in entries]
    parent = list(range(len(entries)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    members: dict[int, list[int]] = {k: [k] for k in range(len(entries))}
    joined: list[Link] = []
    found = [
        found
        for i in range(len(entries))
        for j in range(i + 1, len(entries))
        if (found := _link(facts[i], facts[j], i, j)) is not None
    ]
    for evidence in (
        REGISTER_ENTRY,
        IDENTIFIER,
        NAME_BIRTH_DATE,
        NAME_BIRTH_COUNTRY,
        NAME_ORDER,
        NAME_COUNTRY_KIND,
    ):
        for found_link in found:
            if found_link.evidence != evidence:
                continue
            ra, rb = sorted((root(found_link.a), root(found_link.b)))
            if ra == rb or any(
                _conflict(facts[x], facts[y]) for x in members[ra] for y in members[rb]
            ):
                continue
            parent[rb] = ra
            members[ra] += members.pop(rb)
            joined.append(found_link)
    weak = [f for f in found if f.evidence == NAME_ONLY]
    profiles = []
    for group in sorted(sorted(g) for g in members.values()):
        inside = set(group)
        profiles.append(
            Profile(
                tuple(group),
                tuple(lk for lk in joined if lk.a in inside),
                tuple(_facing(lk, inside) for lk in weak if (lk.a in inside) != (lk.b in inside)),
            )
        )
    return profiles


def _facing(found: Link, inside: set[int]) -> Link:
    """``found`` with its member of ``inside`` as ``a``."""
    if found.a in inside:
        return found
    return Link(found.b, found.a, found.evidence, found.reason)


@dataclass(frozen=True, slots=True)
class Combined:
    """Everything the listings of one profile say of the party, each fact once, in the
    order of the listings: names (primary names, then aliases), dates and places of
    birth, nationalities (and citizenships), countries, addresses (as published, with
    the list's note), identifiers (one per kind, number and issuing country) and remarks
    (remarks and notes)."""

    names: tuple[str, ...]
    birth_dates: tuple[str, ...]
    birth_places: tuple[str, ...]
    nationalities: tuple[str, ...]
    countries: tuple[str, ...]
    addresses: tuple[str, ...]
    identifiers: tuple[Identifier, ...]
    remarks: tuple[str, ...]


def combine(entries: Sequence[ListEntry]) -> Combined:
    """The facts of ``entries`` (one profile's listings) as one :class:`Combined`."""

    def once(values: Sequence[str]) -> tuple[str, ...]:
        seen: dict[str, str] = {}
        for value in values:
            if value and " ".join(value.split()).casefold() not in seen:
                seen[" ".join(value.split()).casefold()] = value
        return tuple(seen.values())

    idents: dict[tuple[str, str, str | None], Identifier] = {}
    for entry in entries:
        for ident in entry.identifiers:
            key = (
                identifier_kind(ident.kind).value,
                match_form(ident) or ident.value,
                ident.country,
            )
            idents.setdefault(key, ident)
    return Combined(
        names=once([e.name for e in entries] + [a.name for e in entries for a in e.aliases]),
        birth_dates=tuple(sorted({d for e in entries for d in e.birth_dates})),
        birth_places=once([p for e in entries for p in e.birth_places]),
        nationalities=once([c for e in entries for c in (*e.nationalities, *e.citizenships)]),
        countries=once([c for e in entries for c in e.countries]),
        addresses=once(
            [f"{a.full} ({a.note})" if a.note else a.full for e in entries for a in e.addresses]
        ),
        identifiers=tuple(idents.values()),
        remarks=once([r for e in entries for r in (e.remarks or "", *e.notes)]),
    )
