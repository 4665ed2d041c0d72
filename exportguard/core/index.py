"""Candidate retrieval over list snapshots, and screening with it.

Built once per snapshot (:meth:`NameIndex.build`), serialised (:meth:`to_bytes`) and
stored beside the snapshot, so a query never scans every name. Retrieval is an inverted
index from keys to the names carrying them:

``t:<token>``      the exact Latin token (and each pair of adjacent tokens joined);
``p:<skeleton>``   each phonetic skeleton variant of each token, and of each pair of
                   adjacent tokens joined (split/joined spellings);
``d:<skeleton>``   every one-deletion variant of skeletons of four or more consonants (a
                   consonant typo: the query looks its own skeleton up here, its own
                   deletion variants under ``d:``, and, from three consonants, under
                   ``p:``: a consonant inserted, "Luskoil" for "Lukoil").

A query's keys pick postings; each key adds its inverse document frequency, times the
key kind's weight (:data:`KEY_WEIGHTS`), to the names it lists (one ``numpy.bincount``),
and each name's total is divided by the square root of its own key count, so a short
name that matches everything ranks above a long one that happens to share a word. The
:data:`RETRIEVED` best are re-ranked by whole-name similarity (rapidfuzz WRatio over the
normalised tokens, and token-sort ratio over the phonetic skeletons, in C++), and the
:data:`CANDIDATES` best of those are scored in full by :mod:`exportguard.core.matching`;
the best name per entry is the entry's hit.

Layout: everything is a handful of numpy arrays and byte blobs (names, entries as JSON,
tokens), so loading a stored index creates almost no Python objects, and the indexes of
several snapshots merge (:meth:`merge`) by concatenation into one that is queried once.
Keys are stored as 64-bit BLAKE2b hashes, sorted, and looked up with ``searchsorted``.
Names, tokens and entries are decoded only for the candidates a query reaches.

Beside this module: the names and keys indexed (``core.index_keys``), the stored arrays,
how they are built, merged and serialised (``core.index_layout``), hits
(``core.hits``) and queries (``core.queries``). This module stays over 400 lines on
purpose: it is one algorithm, :class:`NameIndex`'s retrieval (keys, the two cuts, exact
and rare words, re-ranking, scoring the candidates) over one set of arrays, on the
screening hot path; cutting the class in two would split one set of invariants.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from datetime import date

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from exportguard.core.entities import AliasQuality, ListEntry
from exportguard.core.hits import LIST_NAME_FIELD, EntryInfo, Hit, entry_info, group_rows
from exportguard.core.index_keys import (
    KEY_WEIGHTS,
    U64,
    hash_keys,
    id_keys,
    query_keys,
    rerank_text,
)
from exportguard.core.index_layout import (
    FORMAT_VERSION,
    I32,
    I64,
    Blob,
    IndexArrays,
    arrays_from_bytes,
    build_arrays,
    index_bytes,
    merge_arrays,
)
from exportguard.core.index_limits import (
    ABJAD_DEPTH,
    CANDIDATES,
    EXACT_SCORED,
    MAX_EXACT,
    MAX_RARE,
    MAX_TIED,
    RARE_SCORED,
    RERANK_FLOOR,
    RETRIEVED,
)
from exportguard.core.matching import Candidate, Query, score
from exportguard.core.name_tokens import NameForm, Token
from exportguard.core.queries import build_query, make_query
from exportguard.core.translit import translit_canonical
from exportguard.core.weights import token_weight

#: One flag per entry number of an index (:meth:`NameIndex.entry_mask`).
EntryMask = npt.NDArray[np.bool_]

#: The index and screening with it; :class:`Hit`, :func:`build_query`, :func:`make_query`
#: and :data:`FORMAT_VERSION` (defined in ``core.hits``, ``core.queries``,
#: ``core.index_layout``) are named here too for the services, which import them with it.
__all__ = [
    "FORMAT_VERSION",
    "EntryMask",
    "Hit",
    "NameIndex",
    "build_query",
    "make_query",
    "screen",
]


class NameIndex:
    """Inverted index over every name of one or more snapshots' entries."""

    __slots__ = (
        "_candidates", "_entries", "_list_names", "_rerank_texts", "_tokens", "entry_blob",
        "entry_snapshot",
        "key_end", "key_hash",
        "key_start", "name_blob", "name_entry", "name_legal", "name_norm", "name_quality",
        "name_rerank",
        "name_tok_off",
        "name_toks", "postings", "snapshot_ids", "vocab_skel", "vocab_text",
    )  # fmt: skip

    def __init__(self, arrays: IndexArrays) -> None:
        self.snapshot_ids: tuple[int, ...] = tuple(arrays["snapshot_ids"])
        self.entry_snapshot: I32 = arrays["entry_snapshot"]
        self.entry_blob: Blob = arrays["entry_blob"]
        self.name_blob: Blob = arrays["name_blob"]
        self.name_entry: I32 = arrays["name_entry"]
        self.name_quality: npt.NDArray[np.uint8] = arrays["name_quality"]
        self.name_norm: npt.NDArray[np.float32] = arrays["name_norm"]
        self.name_tok_off: I64 = arrays["name_tok_off"]
        self.name_toks: I32 = arrays["name_toks"]
        self.name_legal: Blob = arrays["name_legal"]
        self.name_rerank: Blob = arrays["name_rerank"]
        self.vocab_text: Blob = arrays["vocab_text"]
        self.vocab_skel: Blob = arrays["vocab_skel"]
        self.key_hash: U64 = arrays["key_hash"]
        self.key_start: I64 = arrays["key_start"]
        self.key_end: I64 = arrays["key_end"]
        self.postings: I32 = arrays["postings"]
        self._entries: dict[int, EntryInfo] = {}
        self._candidates: dict[int, Candidate] = {}
        self._tokens: dict[int, Token] = {}
        self._list_names: frozenset[str] | None = None
        self._rerank_texts: dict[int, list[str]] = {}

    # --- building -------------------------------------------------------------------

    @classmethod
    def build(cls, snapshot_id: int, entries: Iterable[ListEntry]) -> NameIndex:
        """Index every name (primary and aliases) of ``entries``."""
        return cls(build_arrays(snapshot_id, entries))

    @classmethod
    def merge(cls, parts: Sequence[NameIndex]) -> NameIndex:
        """One index over several (their names, entries and postings concatenated)."""
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return cls.build(0, [])
        return cls(merge_arrays(parts))

    def assign_snapshot(self, snapshot_id: int) -> None:
        """Set the snapshot id of an index built before its snapshot was stored."""
        if len(self.snapshot_ids) != 1:
            raise ValueError("only a single-snapshot index can be assigned a snapshot id")
        self.snapshot_ids = (snapshot_id,)
        self.entry_snapshot = np.full(len(self.entry_snapshot), snapshot_id, dtype=np.int32)

    # --- serialisation --------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """A compact, versioned serialisation (stored beside the snapshot)."""
        return index_bytes(self)

    @classmethod
    def from_bytes(cls, data: bytes) -> NameIndex:
        """Inverse of :meth:`to_bytes`; ``ValueError`` for another format version or an
        index built with other vocabulary tables (``core.vocab.digest``): rebuild it.

        Only ever called on bytes this package wrote into its own store.
        """
        return cls(arrays_from_bytes(data))

    # --- querying -------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.name_entry)

    def by_identifier(self, identifiers: Sequence[str]) -> list[int]:
        """Names of the entries that carry one of these (normalised) identifiers."""
        keys = sorted(id_keys(identifiers))
        if not keys:
            return []
        hashes = hash_keys(keys)
        lo = np.searchsorted(self.key_hash, hashes, "left")
        hi = np.searchsorted(self.key_hash, hashes, "right")
        found: list[int] = []
        for i in range(len(keys)):
            for j in range(lo[i], hi[i]):
                found.extend(int(n) for n in self.postings[self.key_start[j] : self.key_end[j]])
        return found

    def candidates(
        self, form: NameForm, limit: int = CANDIDATES, only: EntryMask | None = None
    ) -> list[int]:
        """The names worth scoring in full: retrieved, then re-ranked (module docstring).

        ``only`` (one flag per entry number) keeps the candidates of those entries alone,
        after the cuts: exactly the names a full call returns that belong to them. When
        no retrieved name belongs to them, the re-ranking is skipped (most of the cost)."""
        if not form.tokens and not form.legal_forms:
            return []
        scores = self._key_scores(form)
        depth = ABJAD_DEPTH if any(t.script == "abjad" for t in form.tokens) else 1
        found = self._top(scores, RETRIEVED * depth)
        exact = self._exact_rare(form)
        rare = self._rare_words(form, set(found))
        if rare and scores is not None:
            # All of them share the rare word: those sharing most of the rest go first.
            order = np.argsort(-scores[np.asarray(rare)], kind="stable")[:RARE_SCORED]
            rare = [rare[i] for i in order]
        if only is not None and not self._reaches(only, found, exact, rare):
            return []
        if len(found) > limit:
            # Two cuts, each blind where the other sees: whole-name spelling (the rerank)
            # misses "Bob Bovda" ~ "Robert Sergeyevich BOVDA" among many Bovdas, and the
            # keys shared (given names, rare words, sounds) miss nothing spelling finds.
            by_keys = found[:limit]
            if only is not None and self._below_floor(form, only, found):
                found = by_keys  # the rerank keeps none of theirs: only the key cut can
            else:
                reranked = self._rerank(form, found, limit)
                seen = set(reranked)
                found = reranked + [n for n in by_keys if n not in seen]
        if exact or rare:
            seen = set(found)
            for n in (*exact, *rare):
                if n not in seen:
                    seen.add(n)
                    found.append(n)
        if only is not None:
            found = [n for n in found if only[self.name_entry[n]]]
        return found

    def _below_floor(self, form: NameForm, only: EntryMask, found: list[int]) -> bool:
        """Whether every name of ``found`` flagged in ``only`` is under the re-ranking's
        :data:`RERANK_FLOOR` (so :meth:`_rerank` would drop them all)."""
        mine = [n for n in found if only[self.name_entry[n]]]
        return not mine or float(self._similarity(form, mine)[0].max()) < RERANK_FLOOR

    def _reaches(self, only: EntryMask, *names: list[int]) -> bool:
        """Whether any of these names belongs to an entry flagged in ``only``."""
        flat = [n for part in names for n in part]
        return bool(flat) and bool(only[self.name_entry[np.asarray(flat, dtype=np.int64)]].any())

    def entry_mask(self, keys: Iterable[tuple[str, str]] | None) -> EntryMask:
        """One flag per entry number: whether its (source, entry id) is among ``keys``
        (None: every entry). For :meth:`screen`'s ``only``."""
        size = len(self.entry_snapshot)
        if keys is None:
            return np.ones(size, dtype=np.bool_)
        wanted = set(keys)
        mask = np.zeros(size, dtype=np.bool_)
        ids = {entry_id for _, entry_id in wanted}
        for e in range(size):
            data = json.loads(self.entry_blob[e])  # not cached: most entries are not wanted
            if data["id"] in ids and (data["source"], data["id"]) in wanted:
                mask[e] = True
        return mask

    def _rerank(self, form: NameForm, found: list[int], limit: int) -> list[int]:
        """The best ``limit`` of ``found`` by whole-name similarity, and every name spelt
        as the query is."""
        best, by_text = self._similarity(form, found)
        order = np.argsort(-best, kind="stable")
        # The best ``limit``, and every name spelt as the query is (ties at 100).
        chosen = [
            i
            for rank, i in enumerate(order)
            if best[i] >= RERANK_FLOOR and (rank < limit or by_text[i] >= 100.0)
        ]
        # And every other name of the same words in another order ("Fangwei LI" beside
        # "LI, Fangwei": the same listing on another list must not fall off the cut).
        words = [" ".join(sorted(self._rerank_text(n)[0].split())) for n in found]
        kept = {words[i] for i in chosen}
        taken = set(chosen)
        chosen += [i for i in range(len(found)) if i not in taken and words[i] in kept]
        return [found[i] for i in chosen]

    def _similarity(
        self, form: NameForm, names: list[int]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Whole-name similarity (0-100) of ``form`` to each name: (the best of spelling and
        sound x 0.95, spelling alone)."""
        text, skel = rerank_text(form).split("|", 1)
        texts = [self._rerank_text(n) for n in names]
        by_text = process.cdist([text], [t[0] for t in texts], scorer=fuzz.WRatio)[0]
        by_skel = process.cdist([skel], [t[1] for t in texts], scorer=fuzz.token_sort_ratio)[0]
        return np.maximum(by_text, by_skel * 0.95), by_text

    def _rerank_text(self, n: int) -> list[str]:
        """Name ``n``'s [tokens, skeletons] as the re-ranking compares them (decoded once)."""
        found = self._rerank_texts.get(n)
        if found is None:
            found = self._rerank_texts[n] = self.name_rerank[n].split("|", 1)
        return found

    def _exact_rare(self, form: NameForm) -> list[int]:
        """For a query of one distinctive word (legal forms and titles aside), the
        :data:`EXACT_SCORED` shortest names that have it exactly, when it is rare enough
        (at most :data:`MAX_EXACT` names): "Huawei" is in 140 CSL names, and which of them
        are hits is for the scorer to say, not the retrieval cut (a shorter name is more
        of it, and likelier a hit)."""
        core = [t for t in form.tokens if t.kind not in ("legal", "title")]
        if len(core) != 1 or len(core[0].text) < 3 or not core[0].distinctive:
            return []
        out = self._short_postings(["t:" + core[0].text], MAX_EXACT)
        if len(out) <= EXACT_SCORED:
            return out
        names = np.asarray(out, dtype=np.int64)
        sizes = self.name_tok_off[names + 1] - self.name_tok_off[names]
        return [int(n) for n in names[np.argsort(sizes, kind="stable")[:EXACT_SCORED]]]

    def _rare_words(self, form: NameForm, seen: set[int]) -> list[int]:
        """For a query of two or more distinctive words, the names not in ``seen`` that
        hold one of its words exactly (in its own or its transliteration-canonical
        spelling) where at most :data:`MAX_RARE` names hold it."""
        core = [t for t in form.tokens if t.kind not in ("legal", "title") and t.distinctive]
        if len(core) < 2:
            return []
        words = {t.text for t in core if len(t.text) > 3}
        words |= {translit_canonical(w) for w in words}
        found = self._short_postings(["t:" + w for w in sorted(words)], MAX_RARE)
        return [n for n in dict.fromkeys(found) if n not in seen]

    def _short_postings(self, keys: list[str], most: int) -> list[int]:
        """The names listed under each of ``keys`` that at most ``most`` names hold (the
        rest are skipped), in key order."""
        hashes = hash_keys(keys)
        lo = np.searchsorted(self.key_hash, hashes, "left")
        hi = np.searchsorted(self.key_hash, hashes, "right")
        out: list[int] = []
        for i in range(len(keys)):
            for j in range(lo[i], hi[i]):
                start, end = int(self.key_start[j]), int(self.key_end[j])
                if end - start <= most:
                    out.extend(int(n) for n in self.postings[start:end])
        return out

    def retrieve(self, form: NameForm, limit: int = RETRIEVED) -> list[int]:
        """Names sharing the most (rarity-weighted) keys with ``form``, best first."""
        return self._top(self._key_scores(form), limit)

    def _top(self, scores: npt.NDArray[np.float64] | None, limit: int) -> list[int]:
        """The ``limit`` names of the best key scores divided by the names' length norm,
        and the names tied with the last of them (up to :data:`MAX_TIED` in all: names of
        the same words have the same keys, so the same score)."""
        if scores is None:
            return []
        hit = np.flatnonzero(scores != 0)  # on booleans: ~8x faster than on floats
        normed = scores[hit] * self.name_norm[hit]
        if len(hit) > limit:
            order = np.argpartition(normed, -limit)
            best = order[-limit:]
            floor = normed[order[-limit]]
            tied = np.flatnonzero(normed == floor)
            if len(best) + len(tied) <= MAX_TIED:
                best = np.union1d(best, tied)
            hit, normed = hit[best], normed[best]
        return [int(i) for i in hit[np.argsort(-normed, kind="stable")]]

    def _key_scores(self, form: NameForm) -> npt.NDArray[np.float64] | None:
        """Per name, the rarity-weighted sum of the keys it shares with ``form`` (before
        the length norm); ``None`` when no key is held by any name."""
        n = len(self.name_entry)
        keys = list(query_keys(form))
        if not n or not keys:
            return None
        hashes = hash_keys(keys)
        lo = np.searchsorted(self.key_hash, hashes, "left")
        hi = np.searchsorted(self.key_hash, hashes, "right")
        arrays: list[I32] = []
        weights: list[float] = []
        starts, ends = self.key_start, self.key_end
        for i in np.flatnonzero(hi > lo):
            kind = KEY_WEIGHTS[keys[i][0]]
            for j in range(lo[i], hi[i]):
                posting = self.postings[starts[j] : ends[j]]
                arrays.append(posting)
                weights.append(math.log(1.0 + n / len(posting)) * kind)
        if not arrays:
            return None
        ids = np.concatenate(arrays)
        w = np.repeat(np.asarray(weights), [len(a) for a in arrays])
        return np.bincount(ids, weights=w, minlength=n).astype(np.float64)

    def entry(self, e: int) -> EntryInfo:
        """Entry number ``e`` (decoded once, then cached)."""
        found = self._entries.get(e)
        if found is None:
            found = self._entries[e] = entry_info(json.loads(self.entry_blob[e]))
        return found

    def list_names(self) -> frozenset[str]:
        """The list names of every entry in the index (computed once: one scan of the
        stored entries, none decoded)."""
        if self._list_names is None:
            found = set(LIST_NAME_FIELD.findall(self.entry_blob.data))
            self._list_names = frozenset(json.loads(b'"' + raw + b'"') for raw in found)
        return self._list_names

    def snapshot_of(self, e: int) -> int:
        return int(self.entry_snapshot[e])

    def _token(self, t: int) -> Token:
        found = self._tokens.get(t)
        if found is None:
            script, kind, *skeletons = self.vocab_skel[t].split()
            found = self._tokens[t] = Token(self.vocab_text[t], frozenset(skeletons), script, kind)
        return found

    def candidate(self, n: int) -> Candidate:
        """The candidate (name and entry facts) for name number ``n`` (decoded once, then
        cached: the same names are candidates of many queries)."""
        found = self._candidates.get(n)
        if found is None:
            found = self._candidates[n] = self._decode_candidate(n)
        return found

    def _decode_candidate(self, n: int) -> Candidate:
        entry = self.entry(int(self.name_entry[n]))
        name = self.name_blob[n]
        a, b = int(self.name_tok_off[n]), int(self.name_tok_off[n + 1])
        legal = self.name_legal[n]
        form = NameForm(
            name,
            tuple(self._token(int(t)) for t in self.name_toks[a:b]),
            tuple(legal.split()) if legal else (),
        )
        quality = AliasQuality.WEAK if self.name_quality[n] else AliasQuality.STRONG
        return Candidate(
            name, form, quality, entry.type, entry.countries, entry.birth_dates, entry.identifiers
        )

    def screen(
        self,
        query: Query,
        *,
        threshold: float,
        limit: int | None = None,
        as_of: date | None = None,
        lists: Sequence[str] | None = None,
        only: EntryMask | None = None,
    ) -> list[Hit]:
        """Listings whose best name scores at least ``threshold``, best first, rows of one
        listing grouped (:func:`group_rows`). ``as_of``: only entries in force on that
        date; ``lists``: only entries whose list name contains one of these texts
        (case-insensitive: "Entity List" selects the CSL's Entity List rows); ``only``:
        only the entries flagged (:meth:`entry_mask`), found as a full screening finds
        them (the candidate cuts made over every name), which is how monitoring screens
        a whole book against what changed in a list."""
        wanted = [w.casefold() for w in lists] if lists else None
        best: dict[int, Hit] = {}
        names = self.candidates(query.form, only=only)
        if query.identifiers:
            by_id = self.by_identifier(query.identifiers)
            if only is not None:
                by_id = [n for n in by_id if only[self.name_entry[n]]]
            names = list(dict.fromkeys([*by_id, *names]))
        for n in names:
            e = int(self.name_entry[n])
            entry = self.entry(e)
            if as_of is not None and not entry.in_force(as_of):
                continue
            if wanted is not None and not any(w in entry.list_name.casefold() for w in wanted):
                continue
            cand = self.candidate(n)
            scored = score(query, cand, token_weight)
            if scored.score < threshold:
                continue
            current = best.get(e)
            if current is None or scored.score > current.score:
                best[e] = Hit(entry, self.snapshot_of(e), cand.name, scored.score, scored)
        hits = group_rows(best.values())
        return hits[:limit] if limit is not None else hits


def screen(
    indexes: Sequence[NameIndex],
    query: Query,
    *,
    threshold: float,
    limit: int | None = None,
    as_of: date | None = None,
    lists: Sequence[str] | None = None,
) -> list[Hit]:
    """Screen one query against several indexes (merge them first for speed)."""
    hits = [
        h
        for index in indexes
        for h in index.screen(query, threshold=threshold, as_of=as_of, lists=lists)
    ]
    hits.sort(key=lambda h: (-h.score, h.entry.source, h.entry.id))
    return hits[:limit] if limit is not None else hits
