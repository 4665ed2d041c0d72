"""Candidate retrieval over one list snapshot, and screening with it.

Built once per snapshot (``NameIndex.build``), serialised (``to_bytes``) and stored beside
the snapshot, so a query never scans every name. Retrieval is an inverted index from keys
to the names carrying them:

``t:<token>``      the exact Latin token;
``p:<skeleton>``   each phonetic skeleton variant of each token, and of each pair of
                   adjacent tokens joined (split/joined spellings), plus every one-deletion
                   variant of skeletons of four or more consonants (a typo in a consonant).

A query's keys pick postings; each key adds its inverse document frequency to the names
it lists (one ``numpy.bincount``); the :data:`CANDIDATES` best names are then scored in
full by :mod:`exportguard.core.matching`, and the best name per entry is the entry's hit.
"""

from __future__ import annotations

import itertools
import math
import pickle
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from exportguard.core.entities import AliasQuality, EntityType, ListEntry
from exportguard.core.matching import Candidate, Query, Scored, score
from exportguard.core.names import NameForm, Token, analyse
from exportguard.core.weights import token_weight

#: How many names are scored in full per query and index.
CANDIDATES = 24
#: Serialisation format of :class:`NameIndex`; bump it when the layout changes.
FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class EntryInfo:
    """What screening needs to know of an entry, kept in the index (the full entry
    stays in the store)."""

    id: str
    source: str
    list_name: str
    type: EntityType
    name: str
    countries: tuple[str, ...]
    birth_dates: tuple[str, ...]
    identifiers: tuple[str, ...]
    programs: tuple[str, ...]
    listed_from: date | None
    listed_until: date | None
    citation: str | None
    licence_requirement: str | None
    licence_policy: str | None

    def in_force(self, on: date) -> bool:
        if self.listed_from is not None and on < self.listed_from:
            return False
        return not (self.listed_until is not None and on > self.listed_until)


@dataclass(frozen=True, slots=True)
class Hit:
    """One entry that matched a query, with the name that matched and why."""

    entry: EntryInfo
    snapshot_id: int
    matched_name: str
    score: float
    explanation: Scored


def normalise_identifier(value: str) -> str:
    """Identifiers compare without spaces, dashes or case ("AB 123-4" == "ab1234")."""
    return "".join(ch for ch in value.casefold() if ch.isalnum())


def query_keys(form: NameForm) -> set[str]:
    """Retrieval keys of a name (see module docstring)."""
    keys: set[str] = set()
    tokens = form.tokens
    for token in tokens:
        keys.add("t:" + token.text)
        for skeleton in token.skeletons:
            keys.add("p:" + skeleton)
            if len(skeleton) >= 4:
                keys.update("p:" + skeleton[:i] + skeleton[i + 1 :] for i in range(len(skeleton)))
    for a, b in itertools.pairwise(tokens):
        keys.add("t:" + a.text + b.text)
        for x in a.skeletons:
            for y in b.skeletons:
                keys.add("p:" + _join_skeleton(x, y))
    if not tokens and form.legal_forms:
        keys.update("t:" + f for f in form.legal_forms)
    return keys


def _join_skeleton(a: str, b: str) -> str:
    return a + b[1:] if a and b and a[-1] == b[0] else a + b


def _is_organisation(entry_type: EntityType) -> bool | None:
    if entry_type is EntityType.PERSON:
        return False
    if entry_type is EntityType.ORGANIZATION:
        return True
    return None


class NameIndex:
    """Inverted index over every name of one snapshot's entries."""

    __slots__ = ("_postings", "entries", "name_entry", "name_legal", "name_quality",
                 "name_tokens", "names", "snapshot_id", "vocab")  # fmt: skip

    def __init__(
        self,
        snapshot_id: int,
        entries: list[EntryInfo],
        names: list[str],
        name_entry: npt.NDArray[np.int32],
        name_quality: bytes,
        name_tokens: list[tuple[int, ...]],
        name_legal: list[tuple[str, ...]],
        vocab: list[Token],
        postings: dict[str, npt.NDArray[np.int32]],
    ) -> None:
        self.snapshot_id = snapshot_id
        self.entries = entries
        self.names = names
        self.name_entry = name_entry
        self.name_quality = name_quality
        self.name_tokens = name_tokens
        self.name_legal = name_legal
        self.vocab = vocab
        self._postings = postings

    # --- building -------------------------------------------------------------------

    @classmethod
    def build(cls, snapshot_id: int, entries: Iterable[ListEntry]) -> NameIndex:
        """Index every name (primary and aliases) of ``entries``."""
        infos: list[EntryInfo] = []
        names: list[str] = []
        name_entry: list[int] = []
        quality = bytearray()
        name_tokens: list[tuple[int, ...]] = []
        name_legal: list[tuple[str, ...]] = []
        vocab: list[Token] = []
        vocab_ids: dict[Token, int] = {}
        postings: defaultdict[str, list[int]] = defaultdict(list)
        for entry in entries:
            e = len(infos)
            infos.append(_info(entry))
            org = _is_organisation(entry.type)
            weak = {a.name for a in entry.aliases if a.quality is AliasQuality.WEAK}
            for name in entry.names():
                form = analyse(name, organisation=org)
                if not form.tokens and not form.legal_forms:
                    continue
                n = len(names)
                names.append(name)
                name_entry.append(e)
                quality.append(1 if name in weak and name != entry.name else 0)
                ids = []
                for token in form.tokens:
                    tid = vocab_ids.get(token)
                    if tid is None:
                        tid = vocab_ids[token] = len(vocab)
                        vocab.append(token)
                    ids.append(tid)
                name_tokens.append(tuple(ids))
                name_legal.append(form.legal_forms)
                for key in query_keys(form):
                    postings[key].append(n)
        frozen = {k: np.asarray(v, dtype=np.int32) for k, v in postings.items()}
        return cls(
            snapshot_id,
            infos,
            names,
            np.asarray(name_entry, dtype=np.int32),
            bytes(quality),
            name_tokens,
            name_legal,
            vocab,
            frozen,
        )

    # --- serialisation --------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """A compact, versioned serialisation (stored beside the snapshot)."""
        keys = list(self._postings)
        lengths = np.fromiter(
            (len(self._postings[k]) for k in keys), dtype=np.int64, count=len(keys)
        )
        flat = (
            np.concatenate([self._postings[k] for k in keys])
            if keys
            else np.zeros(0, dtype=np.int32)
        )
        payload = (
            FORMAT_VERSION, self.snapshot_id, self.entries, self.names,
            self.name_entry.tobytes(), self.name_quality, self.name_tokens, self.name_legal,
            [(t.text, tuple(sorted(t.skeletons))) for t in self.vocab],
            keys, lengths.tobytes(), flat.astype(np.int32).tobytes(),
        )  # fmt: skip
        return pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)

    @classmethod
    def from_bytes(cls, data: bytes) -> NameIndex:
        """Inverse of :meth:`to_bytes`; raises ``ValueError`` for another format version.

        Only ever called on bytes this package wrote into its own store.
        """
        payload = pickle.loads(data)
        if payload[0] != FORMAT_VERSION:
            raise ValueError(f"index format {payload[0]} is not {FORMAT_VERSION}")
        (_, snapshot_id, entries, names, name_entry, quality, name_tokens, name_legal,
         vocab, keys, lengths, flat) = payload  # fmt: skip
        lens = np.frombuffer(lengths, dtype=np.int64)
        arr = np.frombuffer(flat, dtype=np.int32)
        bounds = np.concatenate(([0], np.cumsum(lens))).tolist()
        postings = {k: arr[bounds[i] : bounds[i + 1]] for i, k in enumerate(keys)}
        return cls(
            snapshot_id,
            entries,
            names,
            np.frombuffer(name_entry, dtype=np.int32),
            quality,
            name_tokens,
            name_legal,
            [Token(text, frozenset(sk)) for text, sk in vocab],
            postings,
        )

    # --- querying -------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.names)

    def candidates(self, form: NameForm, limit: int = CANDIDATES) -> list[int]:
        """Names sharing the most (rarity-weighted) keys with ``form``, best first."""
        n = len(self.names)
        if not n:
            return []
        arrays: list[npt.NDArray[np.int32]] = []
        weights: list[float] = []
        for key in query_keys(form):
            posting = self._postings.get(key)
            if posting is None:
                continue
            arrays.append(posting)
            weights.append(math.log(1.0 + n / len(posting)) * (1.5 if key[0] == "t" else 1.0))
        if not arrays:
            return []
        if len(arrays) == 1:
            return [int(i) for i in arrays[0][:limit]]
        ids = np.concatenate(arrays)
        w = np.repeat(np.asarray(weights), [len(a) for a in arrays])
        acc = np.bincount(ids, weights=w)
        hit = np.flatnonzero(acc)
        if len(hit) > limit:
            hit = hit[np.argpartition(acc[hit], -limit)[-limit:]]
        return [int(i) for i in hit[np.argsort(-acc[hit], kind="stable")]]

    def candidate(self, n: int) -> Candidate:
        """The candidate (name and entry facts) for name number ``n``."""
        entry = self.entries[int(self.name_entry[n])]
        form = NameForm(
            self.names[n], tuple(self.vocab[t] for t in self.name_tokens[n]), self.name_legal[n]
        )
        quality = AliasQuality.WEAK if self.name_quality[n] else AliasQuality.STRONG
        return Candidate(
            self.names[n],
            form,
            quality,
            entry.type,
            entry.countries,
            entry.birth_dates,
            entry.identifiers,
        )

    def screen(self, query: Query, *, threshold: float, as_of: date | None = None) -> list[Hit]:
        """Entries whose best name scores at least ``threshold``, best first."""
        best: dict[int, Hit] = {}
        for n in self.candidates(query.form):
            e = int(self.name_entry[n])
            entry = self.entries[e]
            if as_of is not None and not entry.in_force(as_of):
                continue
            scored = score(query, self.candidate(n), token_weight)
            if scored.score < threshold:
                continue
            current = best.get(e)
            if current is None or scored.score > current.score:
                best[e] = Hit(entry, self.snapshot_id, self.names[n], scored.score, scored)
        return sorted(best.values(), key=lambda h: (-h.score, h.entry.id))


def make_query(
    name: str,
    *,
    country: str | None = None,
    type: EntityType | None = None,
    birth_date: str | None = None,
    identifiers: Sequence[str] = (),
) -> Query:
    """A :class:`Query` with its name analysed and identifiers normalised."""
    org = _is_organisation(type) if type is not None else None
    return Query(
        name,
        analyse(name, organisation=org),
        country,
        type,
        birth_date,
        tuple(normalise_identifier(i) for i in identifiers),
    )


def screen(
    indexes: Sequence[NameIndex],
    query: Query,
    *,
    threshold: float,
    limit: int | None = None,
    as_of: date | None = None,
) -> list[Hit]:
    """Screen one query against several snapshot indexes; hits best first."""
    hits: list[Hit] = []
    for index in indexes:
        hits.extend(index.screen(query, threshold=threshold, as_of=as_of))
    hits.sort(key=lambda h: (-h.score, h.entry.source, h.entry.id))
    return hits[:limit] if limit is not None else hits


def _info(entry: ListEntry) -> EntryInfo:
    return EntryInfo(
        id=entry.id, source=entry.source, list_name=entry.list_name, type=entry.type,
        name=entry.name, countries=entry.countries, birth_dates=entry.birth_dates,
        identifiers=tuple(sorted({normalise_identifier(i.value) for i in entry.identifiers})),
        programs=entry.programs, listed_from=entry.listed_from, listed_until=entry.listed_until,
        citation=entry.citation, licence_requirement=entry.licence_requirement,
        licence_policy=entry.licence_policy,
    )  # fmt: skip
