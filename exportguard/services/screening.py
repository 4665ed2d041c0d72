"""Screening one party, or many, against the list snapshots in force (as of a date), with
the result's JSON form (the CLI's ``--json``, the API's body, the audit record)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, TypedDict

from exportguard.core.entities import EntityType, ListEntry
from exportguard.core.explain import plain_words
from exportguard.core.identifiers import match_form
from exportguard.core.index import Hit, build_query, screen
from exportguard.core.matching import Query
from exportguard.core.profiles import Profile, combine, group_listings
from exportguard.core.query_parts import screen_with_parts
from exportguard.core.snapshots import Snapshot
from exportguard.core.thresholds import DEFAULT_THRESHOLD
from exportguard.errors import InvalidInput
from exportguard.services.audit import AuditWriter
from exportguard.services.context import Context
from exportguard.services.snapshots import Snapshots, snapshot_ref
from exportguard.store.engine import writing


def set_aside_note(newer: Snapshot, used: Snapshot) -> str:
    """What an officer must be told of a newer import that is not screened (see
    ``store.lists.in_force_and_set_aside``): which, why, and what to do."""
    return (
        f"snapshot {newer.id} of {newer.source}, imported {newer.imported_at[:10]} after the "
        f"one screened (snapshot {used.id}, published {used.published.isoformat()}), is NOT "
        f"screened: it states no publication date (dated by its "
        f"{newer.date_basis.value.replace('-', ' ')}) and the one screened does; give its "
        "publication date (import the same file again with the date) or retire the older one"
    )


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """The answer to one screening: hits best first, and what they were found in.

    ``as_of`` is the date the entries were in force on (the day of screening unless one
    was given); ``total_hits`` counts every hit at the threshold, of which ``hits`` are
    the first ``limit``; ``sources`` and ``lists`` are the filters applied, if any.
    :meth:`profiles` groups the hits shown by listed party (``core.profiles``).
    """

    query: Query
    as_of: date
    threshold: float
    screened_at: str
    snapshots: tuple[Snapshot, ...]
    hits: tuple[Hit, ...]
    entries: dict[tuple[int, str], ListEntry] = field(default_factory=dict)
    audit_seq: int | None = None
    total_hits: int = 0
    sources: tuple[str, ...] | None = None
    lists: tuple[str, ...] | None = None
    #: (snapshot, the one screened instead): newer imports not screened because their date
    #: is a guess and the one screened states its date (``store.lists.in_force_and_set_aside``).
    set_aside: tuple[tuple[Snapshot, Snapshot], ...] = ()

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (the CLI's ``--json`` and the API's body, ``ScreenResponse``,
        once ``services.hit_reviews`` adds each hit's review)."""
        return {**self.audit_payload(full=True), "profiles": self._profiles()}

    def audit_payload(self, *, full: bool = False) -> dict[str, object]:
        """What a screening's audit record keeps: :meth:`to_dict` without what is derived
        from the hits or the store (``profiles``, each hit's ``entry`` and
        ``list_published``); the plain words stay, they are what the officer was shown.
        ``full``: with each hit's derived fields (the body :meth:`to_dict` builds on)."""
        return {
            "query": {
                "name": self.query.name,
                "country": self.query.country,
                "type": self.query.type.value if self.query.type else None,
                "birth_date": self.query.birth_date,
                "identifiers": list(self.query.identifiers),
                "normalised": self.query.form.text,
            },
            "as_of": self.as_of.isoformat(),
            "threshold": self.threshold,
            "sources": list(self.sources) if self.sources is not None else None,
            "lists": list(self.lists) if self.lists is not None else None,
            "total_hits": self.total_hits,
            "shown": len(self.hits),
            "screened_at": self.screened_at,
            "audit_seq": self.audit_seq,
            "snapshots": [snapshot_ref(s) for s in self.snapshots],
            "warnings": self.warnings(),
            "hits": [self._hit(rank, hit, full) for rank, hit in enumerate(self.hits, 1)],
        }  # fmt: skip

    def profiles(self) -> list[Profile]:
        """The hits shown grouped by listed party: one :class:`Profile` per party, its
        ``members`` indexes into ``hits`` (best first), with the links that joined them and
        name-only likenesses to other profiles (:func:`core.profiles.group_listings`). A
        hit whose entry was not loaded is a profile of its own."""
        full = [self.entries.get((h.snapshot_id, h.entry.id)) for h in self.hits]
        known = [k for k, entry in enumerate(full) if entry is not None]
        grouped = group_listings([e for e in full if e is not None])
        out = [Profile(tuple(known[m] for m in p.members),
                       tuple(replace(lk, a=known[lk.a], b=known[lk.b]) for lk in p.links),
                       tuple(replace(lk, a=known[lk.a], b=known[lk.b]) for lk in p.possibly))
               for p in grouped]  # fmt: skip
        out += [Profile((k,), ()) for k, entry in enumerate(full) if entry is None]
        return sorted(out, key=lambda p: p.members[0])

    def _profiles(self) -> list[dict[str, Any]]:
        """The JSON form of :meth:`profiles`: ``id`` (1, 2 ... best first), the best hit's
        ``name``, ``type`` and ``score``, the ``hits`` (ranks) and ``entity_ids`` of its
        listings, their ``sources``; ``links`` (``from`` and ``to`` entity ids,
        ``evidence``, ``reason``) saying why they are one party; ``possibly_same`` (a
        member's ``entity_id``, the ``other`` listing's, its ``profile``, ``reason``);
        and what the listings say of the party together: ``names``, ``birth_dates``,
        ``birth_places``, ``nationalities``, ``countries``, ``addresses``, ``identifiers``
        (as in a hit's ``documents``), ``remarks``."""
        profiles = self.profiles()
        where = {m: n for n, p in enumerate(profiles, 1) for m in p.members}
        out = []
        for n, p in enumerate(profiles, 1):
            best = self.hits[p.members[0]]
            entries = [e for m in p.members
                       if (e := self.entries.get((self.hits[m].snapshot_id,
                                                  self.hits[m].entry.id)))]  # fmt: skip
            facts = combine(entries)
            out.append({
                "id": n, "name": best.entry.name, "type": best.entry.type.value,
                "score": round(best.score, 4), "hits": [m + 1 for m in p.members],
                "entity_ids": [self.hits[m].entry.id for m in p.members],
                "sources": sorted({self.hits[m].entry.source for m in p.members}),
                "links": [{"from": self.hits[lk.a].entry.id, "to": self.hits[lk.b].entry.id,
                           "evidence": lk.evidence, "reason": lk.reason} for lk in p.links],
                "possibly_same": [{"entity_id": self.hits[lk.a].entry.id,
                                   "other": self.hits[lk.b].entry.id, "profile": where[lk.b],
                                   "reason": lk.reason} for lk in p.possibly],
                "names": list(facts.names), "birth_dates": list(facts.birth_dates),
                "birth_places": list(facts.birth_places),
                "nationalities": list(facts.nationalities), "countries": list(facts.countries),
                "addresses": list(facts.addresses),
                "identifiers": [{**i.to_dict(), "normalised": match_form(i)}
                                for i in facts.identifiers],
                "remarks": list(facts.remarks),
            })  # fmt: skip
        return out

    def warnings(self) -> list[str]:
        """What the officer must know of the lists' dates: a list published after the
        as-of date stands in for the one in force then (no earlier snapshot is in the
        store), so a listing that began after that date without a stated start, or one
        that ended before the snapshot, may show or hide wrongly."""
        late = [
            f"the {s.source} list in the store was published on {s.published.isoformat()}, "
            f"after the as-of date {self.as_of.isoformat()}: no earlier copy is in the "
            "store, so entries added or removed in between may show or be missing"
            for s in self.snapshots
            if s.published > self.as_of
        ]
        today = self.screened_at[:10]
        ahead = (
            [f"the as-of date {self.as_of.isoformat()} is after today ({today}): the lists "
             "screened are today's; an entry counts as in force then by its own listing "
             "dates only"]
            if self.as_of.isoformat() > today else []
        )  # fmt: skip
        return ahead + late + [set_aside_note(newer, used) for newer, used in self.set_aside]

    def _hit(self, rank: int, hit: Hit, derived: bool) -> dict[str, Any]:
        info = hit.entry
        full = self.entries.get((hit.snapshot_id, info.id))
        body = {
            "rank": rank,
            "score": round(hit.score, 4),
            "entity_id": info.id,
            "snapshot_id": hit.snapshot_id,
            "source": info.source,
            "list_name": info.list_name,
            "type": info.type.value,
            "name": info.name,
            "matched_name": hit.matched_name,
            "programs": list(info.programs),
            "countries": list(info.countries),
            "listed_from": info.listed_from.isoformat() if info.listed_from else None,
            "listed_until": info.listed_until.isoformat() if info.listed_until else None,
            "rows": [info.id, *hit.rows],
            "citation": info.citation,
            "licence_requirement": info.licence_requirement,
            "licence_policy": info.licence_policy,
            "plain_explanation": plain_words(self.query, hit),
            "explanation": [
                {"feature": f.feature, "value": round(f.value, 4), "weight": f.weight,
                 "contribution": round(f.contribution, 4), "detail": f.detail}
                for f in hit.explanation.features
            ],
            "documents": _documents(full) if full else [],
            "details": [{"label": k, "value": v} for k, v in full.details()] if full else [],
        }  # fmt: skip
        if derived:
            published = next(
                (s.published for s in self.snapshots if s.id == hit.snapshot_id), None
            )
            body["list_published"] = published.isoformat() if published else None
            body["entry"] = full.to_dict() if full else None
        return body


def _documents(entry: ListEntry) -> list[dict[str, Any]]:
    """The entry's identifiers as hit details show them: every field set
    (:meth:`Identifier.to_dict`) and ``normalised``, the form screening compares (empty for
    a fact such as a gender)."""
    return [{**i.to_dict(), "normalised": match_form(i)} for i in entry.identifiers]


class ScreenOptions(TypedDict, total=False):
    """The keyword options of :meth:`Screening.screen`, each optional (its default there):
    what ``exportguard.screen(name, **options)`` passes on."""

    country: str | None
    type: EntityType | str | None
    birth_date: str | None
    identifiers: Sequence[str]
    as_of: date | None
    limit: int | None
    threshold: float
    sources: Sequence[str] | None
    lists: Sequence[str] | None
    record: bool


class Screening:
    """Screening use cases, reached through :class:`~exportguard.services.ExportGuard`
    (``eg.screen``, ``eg.screen_snapshots``, ``eg.screen_many``): the snapshots in force and
    their indexes from ``lists``, each screening recorded by ``audit``."""

    def __init__(self, ctx: Context, *, lists: Snapshots, audit: AuditWriter) -> None:
        self.ctx = ctx
        self.lists = lists
        self.audit = audit

    def screen(
        self,
        name: str,
        *,
        country: str | None = None,
        type: EntityType | str | None = None,
        birth_date: str | None = None,
        identifiers: Sequence[str] = (),
        as_of: date | None = None,
        limit: int | None = 10,
        threshold: float = DEFAULT_THRESHOLD,
        sources: Sequence[str] | None = None,
        lists: Sequence[str] | None = None,
        record: bool = True,
    ) -> ScreeningResult:
        """Screen one party against every list snapshot in force as of ``as_of`` (today
        when not given: an entry whose listing has ended does not show); recorded in the
        audit trail unless ``record`` is false.

        ``sources`` keeps only snapshots of these sources (``us_ofac_sdn`` ...,
        case-insensitive; an unknown one is an error naming those available); ``lists``
        only entries whose list name contains one of these texts, case-insensitive
        ("Entity List"; a text no list name of those snapshots contains is an error
        naming the list names, :class:`InvalidInput` on field ``lists``). ``limit`` cuts the
        hits shown; ``total_hits`` says how many there were.
        """
        query = build_query(
            name,
            country=country,
            type=type,
            birth_date=birth_date,
            identifiers=identifiers,
            threshold=threshold,
            limit=limit,
        )
        snaps, aside = self.lists.in_force_and_set_aside(as_of)
        on = as_of or self.ctx.today()
        if sources:
            known = {s.source.casefold(): s.source for s in snaps}
            unknown = sorted(s for s in sources if s.strip().casefold() not in known)
            if unknown:
                raise InvalidInput(
                    f"no list snapshot of {', '.join(unknown)} in force; "
                    f"sources: {', '.join(sorted(known.values())) or 'none imported'}",
                    field="sources",
                )
            sources = sorted({known[s.strip().casefold()] for s in sources})
            snaps = [s for s in snaps if s.source in set(sources)]
        wanted = [w.strip() for w in lists or () if w.strip()] or None
        if wanted and snaps:
            names = self.lists.merged_index(snaps).list_names()
            missing = [w for w in wanted if not any(w.casefold() in n.casefold() for n in names)]
            if missing:
                raise InvalidInput(
                    f"no list name in the lists screened contains "
                    f"{' or '.join(repr(w) for w in missing)}; list names: "
                    f"{'; '.join(sorted(names))}",
                    field="lists",
                )
        every = self.screen_snapshots(
            query, snaps, as_of=on, limit=None, threshold=threshold, lists=wanted
        )
        hits = every[:limit] if limit is not None else every
        entries: dict[tuple[int, str], ListEntry] = {}
        by_snapshot: dict[int, list[str]] = {}
        for hit in hits:
            by_snapshot.setdefault(hit.snapshot_id, []).append(hit.entry.id)
        for snapshot_id, ids in by_snapshot.items():
            for entry in self.lists.entries(snapshot_id, ids):
                entries[(snapshot_id, entry.id)] = entry
        result = ScreeningResult(
            query,
            on,
            threshold,
            self.ctx.now(),
            tuple(snaps),
            tuple(hits),
            entries,
            total_hits=len(every),
            sources=tuple(sources) if sources else None,
            lists=tuple(wanted) if wanted else None,
            set_aside=tuple((newer, used) for newer, used in aside if used in snaps),
        )
        if record:
            payload = result.audit_payload()
            with writing(self.ctx.engine) as conn:
                audit_record = self.audit.record(conn, "screening", query.name, payload)
            result = replace(result, audit_seq=audit_record.seq)
        return result

    def screen_snapshots(
        self,
        query: Query,
        snapshots: Sequence[Snapshot],
        *,
        as_of: date | None,
        limit: int | None,
        threshold: float,
        lists: Sequence[str] | None = None,
    ) -> list[Hit]:
        """Hits for ``query`` in exactly these snapshots (the name and each of its parts:
        ``core.query_parts``)."""
        if not snapshots:
            return []
        index = self.lists.merged_index(snapshots)
        hits = screen_with_parts(query, lambda q: screen(
            [index], q, threshold=threshold, limit=None, as_of=as_of, lists=lists))  # fmt: skip
        return hits[:limit] if limit is not None else hits

    def screen_many(
        self,
        queries: Iterable[tuple[str, Query]],
        *,
        as_of: date | None = None,
        limit: int | None = 10,
        threshold: float = DEFAULT_THRESHOLD,
    ) -> Iterator[tuple[str, list[Hit]]]:
        """Screen many (id, query) pairs in this process, yielding hits per id (as of
        today when no date is given)."""
        index = self.lists.merged_index(self.lists.snapshots_in_force(as_of))
        on = as_of or self.ctx.today()
        for key, query in queries:
            hits = screen_with_parts(
                query, lambda q: index.screen(q, threshold=threshold, limit=None, as_of=on)
            )
            yield key, hits[:limit] if limit is not None else hits
