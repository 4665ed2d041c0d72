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
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import pickle
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from exportguard.core import countries, vocab
from exportguard.core.entities import AliasQuality, EntityType, ListEntry
from exportguard.core.identifiers import identifier_keys, match_form, normalise_identifier
from exportguard.core.matching import Candidate, Query, Scored, score
from exportguard.core.name_tokens import NameForm, Token
from exportguard.core.name_vocab import given_name_groups
from exportguard.core.names import analyse
from exportguard.core.similarity import romanised
from exportguard.core.thresholds import DEFAULT_THRESHOLD
from exportguard.core.translit import translit_canonical
from exportguard.core.weights import token_weight
from exportguard.errors import FieldError, InvalidInput

#: How many names the inverted index retrieves per query.
RETRIEVED = 64
#: How many of those, re-ranked by whole-name similarity, are scored in full.
CANDIDATES = 16
#: A one-word query's word held exactly by at most this many names: the
#: :data:`EXACT_SCORED` shortest of them are scored in full besides the usual candidates.
MAX_EXACT = 256
EXACT_SCORED = 96
#: A word of a longer query held exactly by at most :data:`MAX_RARE` names is rare (a
#: surname, mostly): the :data:`RARE_SCORED` of those names most like the whole query are
#: scored in full even when the key cut ranks them low ("Alexander ZAKHAROV" reaching
#: "Александр Вячеславович Захаров" among a hundred other Alexanders).
MAX_RARE = 64
RARE_SCORED = 4
#: Re-ranking similarity (0-100) below which a name is not worth scoring in full: far
#: below anything the scorer could call a match, in spelling and in sound alike.
RERANK_FLOOR = 45.0
#: Serialisation format of :class:`NameIndex`; bump it when the layout or the keys change
#: (stored indexes of another version are rebuilt from their snapshot's entries on first
#: use).
FORMAT_VERSION = 14

I32 = npt.NDArray[np.int32]
#: One flag per entry number of an index (:meth:`NameIndex.entry_mask`).
EntryMask = npt.NDArray[np.bool_]
I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]


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
    """One listing that matched a query, with the name that matched and why.

    ``rows`` are the ids of the other entries of the same snapshot that are rows of this
    one listing (the CSL repeats one Denied Persons order once per name and address):
    see :func:`group_rows`.
    """

    entry: EntryInfo
    snapshot_id: int
    matched_name: str
    score: float
    explanation: Scored
    rows: tuple[str, ...] = ()


_PARENTHESISED = re.compile(r"\(([^()]{2,60})\)")


def index_names(entry: ListEntry) -> list[str]:
    """The names indexed for an entry: its primary name and aliases, and for a name with a
    parenthesised short form ("Huawei Technologies Co., Ltd. (Huawei)") that short form
    and the name without it, each as an alias of its own (lists write aliases this way)."""
    out: list[str] = []
    seen: set[str] = set()
    for name in entry.names():
        variants = [name]
        for found in _PARENTHESISED.finditer(name):
            inner = found.group(1).strip()
            if len(inner.split()) <= 4 and _a_name(inner):
                variants.append(inner)
        if len(variants) > 1:
            variants.append(" ".join(_PARENTHESISED.sub(" ", name).split()))
        for variant in variants:
            if variant and variant not in seen:
                seen.add(variant)
                out.append(variant)
    return out


def _a_name(text: str) -> bool:
    """Whether a parenthesised part can be a name of its own: a distinctive word of two
    letters or more ("(GROUP)", "(LLC)", "(x)" are not)."""
    # read beside a name word, as it stands in the listed name: a legal form alone would
    # be read as a word
    tokens = analyse(f"Name {text}").tokens[1:]
    return any(t.distinctive and len(t.text) > 1 for t in tokens)


def _identifier_keys(identifiers: Iterable[str]) -> set[str]:
    """Retrieval keys of identifiers and their variants (see
    :func:`exportguard.core.identifiers.identifier_keys`)."""
    return identifier_keys(set(identifiers))


#: Weight of each kind of key relative to its inverse document frequency.
KEY_WEIGHTS = {"t": 1.5, "p": 1.0, "d": 0.5, "g": 1.0}


def name_keys(form: NameForm) -> set[str]:
    """Retrieval keys stored for a listed name (see module docstring)."""
    return _keys(form, query=False)


def rerank_text(form: NameForm) -> str:
    """``tokens|skeletons`` of a name, as the re-ranking compares them."""
    text = " ".join(t.text for t in form.tokens if not t.legal)
    skel = " ".join(min(t.skeletons) if t.skeletons else t.text for t in form.tokens if not t.legal)
    return f"{text}|{skel}"


def query_keys(form: NameForm) -> set[str]:
    """Retrieval keys looked up for a query: as :func:`name_keys`, plus the deletion
    variants of its own skeletons looked up as full skeletons (a consonant inserted in
    the query)."""
    return _keys(form, query=True)


def _keys(form: NameForm, *, query: bool) -> set[str]:
    keys: set[str] = set()
    tokens = form.tokens
    for token in tokens:
        keys.add("t:" + token.text)
        if len(token.text) > 3:  # one transliteration convention: Хуавэй ~ Huawei
            keys.add("t:" + translit_canonical(token.text))
        syllable = romanised(token.text)
        if syllable is not None:  # "Soo" and "Su", "Lee" and "Ri": one syllable
            keys.add("t:" + syllable)
        for full in given_name_groups(token.text):  # "Bob" and "Robert": one given name
            keys.add("g:" + full)
        for skeleton in token.skeletons:
            keys.add("p:" + skeleton)
            deletions = {skeleton[:i] + skeleton[i + 1 :] for i in range(len(skeleton))}
            if query and len(skeleton) >= 3:
                # a consonant inserted in the query ("Luskoil", "Tcala"): its deletion
                # variants are looked up as whole skeletons
                keys.update("p:" + d for d in deletions)
            if len(skeleton) >= 4:
                if query:
                    keys.add("d:" + skeleton)
                keys.update("d:" + d for d in deletions)
    for a, b in itertools.pairwise(tokens):
        keys.add("t:" + a.text + b.text)
        for x in a.skeletons:
            for y in b.skeletons:
                keys.add("p:" + (x + y[1:] if x[-1] == y[0] else x + y))
    if not tokens and form.legal_forms:
        keys.update("t:" + f for f in form.legal_forms)
    return keys


@lru_cache(maxsize=1 << 20)
def key_hash(key: str) -> int:
    """A stable 64-bit hash of a retrieval key (memoised: keys repeat across queries)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")


def _hashes(keys: Iterable[str]) -> U64:
    return np.fromiter((key_hash(k) for k in keys), dtype=np.uint64)


def _is_organisation(entry_type: EntityType) -> bool | None:
    if entry_type is EntityType.PERSON:
        return False
    if entry_type is EntityType.ORGANIZATION:
        return True
    return None


class _Blob:
    """Strings stored as one UTF-8 blob and an offsets array; decoded on demand."""

    __slots__ = ("data", "offsets")

    def __init__(self, data: bytes, offsets: I64) -> None:
        self.data = data
        self.offsets = offsets

    @classmethod
    def of(cls, texts: Iterable[str]) -> _Blob:
        encoded = [t.encode() for t in texts]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=offsets[1:])
        return cls(b"".join(encoded), offsets)

    def __getitem__(self, i: int) -> str:
        return self.data[self.offsets[i] : self.offsets[i + 1]].decode()

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @staticmethod
    def concat(parts: Sequence[_Blob]) -> _Blob:
        offsets = [parts[0].offsets[:1]]
        base = 0
        for part in parts:
            offsets.append(part.offsets[1:] + base)
            base += int(part.offsets[-1])
        return _Blob(b"".join(p.data for p in parts), np.concatenate(offsets))


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

    def __init__(self, arrays: dict[str, Any]) -> None:
        self.snapshot_ids: tuple[int, ...] = tuple(arrays["snapshot_ids"])
        self.entry_snapshot: I32 = arrays["entry_snapshot"]
        self.entry_blob: _Blob = arrays["entry_blob"]
        self.name_blob: _Blob = arrays["name_blob"]
        self.name_entry: I32 = arrays["name_entry"]
        self.name_quality: npt.NDArray[np.uint8] = arrays["name_quality"]
        self.name_norm: npt.NDArray[np.float32] = arrays["name_norm"]
        self.name_tok_off: I64 = arrays["name_tok_off"]
        self.name_toks: I32 = arrays["name_toks"]
        self.name_legal: _Blob = arrays["name_legal"]
        self.name_rerank: _Blob = arrays["name_rerank"]
        self.vocab_text: _Blob = arrays["vocab_text"]
        self.vocab_skel: _Blob = arrays["vocab_skel"]
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
        entry_json: list[str] = []
        names: list[str] = []
        name_entry: list[int] = []
        quality = bytearray()
        tok_off = [0]
        toks: list[int] = []
        legal: list[str] = []
        vocab_ids: dict[Token, int] = {}
        key_count: list[int] = []
        rerank: list[str] = []
        key_ids: dict[str, int] = {}  # key -> its number, in order of first sight
        posted_key: list[int] = []  # one (key number, name number) pair a posting
        posted_name: list[int] = []
        for entry in entries:
            e = len(entry_json)
            entry_json.append(
                json.dumps(_info_dict(entry), ensure_ascii=False, separators=(",", ":"))
            )
            org = _is_organisation(entry.type)
            weak = {a.name for a in entry.aliases if a.quality is AliasQuality.WEAK}
            ids = _identifier_keys(
                v for i in entry.identifiers if (v := match_form(i))
            )
            for name in index_names(entry):
                form = analyse(name, organisation=org)
                if not form.tokens and not form.legal_forms:
                    continue
                n = len(names)
                names.append(name)
                name_entry.append(e)
                quality.append(1 if name in weak and name != entry.name else 0)
                for token in form.tokens:
                    toks.append(vocab_ids.setdefault(token, len(vocab_ids)))
                tok_off.append(len(toks))
                legal.append(" ".join(form.legal_forms))
                rerank.append(rerank_text(form))
                found = name_keys(form)
                key_count.append(len(found))
                # an entry's identifiers, on its first name only
                for key in (*found, *ids) if ids else found:
                    posted_key.append(key_ids.setdefault(key, len(key_ids)))
                posted_name.extend([n] * (len(found) + len(ids)))
                ids = set()
        vocab = list(vocab_ids)
        hashes = _hashes(key_ids)
        order = np.argsort(hashes, kind="stable")  # key numbers by hash
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        # Postings grouped by their key's place in hash order, names ascending in each.
        by_key = rank[np.asarray(posted_key, dtype=np.int64)]
        flat = np.asarray(posted_name, dtype=np.int32)[np.argsort(by_key, kind="stable")]
        lengths = np.bincount(by_key, minlength=len(order)).astype(np.int64)
        ends = np.cumsum(lengths)
        return cls({
            "snapshot_ids": (snapshot_id,),
            "entry_snapshot": np.full(len(entry_json), snapshot_id, dtype=np.int32),
            "entry_blob": _Blob.of(entry_json),
            "name_blob": _Blob.of(names),
            "name_entry": np.asarray(name_entry, dtype=np.int32),
            "name_quality": np.frombuffer(bytes(quality), dtype=np.uint8),
            "name_norm": 1.0 / np.sqrt(np.maximum(np.asarray(key_count, dtype=np.float32), 1)),
            "name_tok_off": np.asarray(tok_off, dtype=np.int64),
            "name_toks": np.asarray(toks, dtype=np.int32),
            "name_legal": _Blob.of(legal),
            "name_rerank": _Blob.of(rerank),
            "vocab_text": _Blob.of(t.text for t in vocab),
            "vocab_skel": _Blob.of(
                " ".join([t.script, t.kind, *sorted(t.skeletons)]) for t in vocab
            ),
            "key_hash": hashes[order],
            "key_start": (ends - lengths).astype(np.int64),
            "key_end": ends.astype(np.int64),
            "postings": flat,
        })  # fmt: skip

    @classmethod
    def merge(cls, parts: Sequence[NameIndex]) -> NameIndex:
        """One index over several (their names, entries and postings concatenated)."""
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return cls.build(0, [])
        entry_base = np.cumsum([0] + [len(p.entry_snapshot) for p in parts])
        name_base = np.cumsum([0] + [len(p.name_entry) for p in parts])
        vocab_base = np.cumsum([0] + [len(p.vocab_text) for p in parts])
        post_base = np.cumsum([0] + [len(p.postings) for p in parts])
        key_hash = np.concatenate([p.key_hash for p in parts])
        order = np.argsort(key_hash, kind="stable")
        tok_offs = [parts[0].name_tok_off[:1]]
        toks_base = 0
        for p in parts:
            tok_offs.append(p.name_tok_off[1:] + toks_base)
            toks_base += int(p.name_tok_off[-1])
        return cls({
            "snapshot_ids": tuple(s for p in parts for s in p.snapshot_ids),
            "entry_snapshot": np.concatenate([p.entry_snapshot for p in parts]),
            "entry_blob": _Blob.concat([p.entry_blob for p in parts]),
            "name_blob": _Blob.concat([p.name_blob for p in parts]),
            "name_entry": np.concatenate([p.name_entry + entry_base[i]
                                          for i, p in enumerate(parts)]).astype(np.int32),
            "name_quality": np.concatenate([p.name_quality for p in parts]),
            "name_norm": np.concatenate([p.name_norm for p in parts]),
            "name_tok_off": np.concatenate(tok_offs),
            "name_toks": np.concatenate([p.name_toks + vocab_base[i]
                                         for i, p in enumerate(parts)]).astype(np.int32),
            "name_legal": _Blob.concat([p.name_legal for p in parts]),
            "name_rerank": _Blob.concat([p.name_rerank for p in parts]),
            "vocab_text": _Blob.concat([p.vocab_text for p in parts]),
            "vocab_skel": _Blob.concat([p.vocab_skel for p in parts]),
            "key_hash": key_hash[order],
            "key_start": np.concatenate([p.key_start + post_base[i]
                                         for i, p in enumerate(parts)])[order],
            "key_end": np.concatenate([p.key_end + post_base[i]
                                       for i, p in enumerate(parts)])[order],
            "postings": np.concatenate([p.postings + name_base[i]
                                        for i, p in enumerate(parts)]).astype(np.int32),
        })  # fmt: skip

    def assign_snapshot(self, snapshot_id: int) -> None:
        """Set the snapshot id of an index built before its snapshot was stored."""
        if len(self.snapshot_ids) != 1:
            raise ValueError("only a single-snapshot index can be assigned a snapshot id")
        self.snapshot_ids = (snapshot_id,)
        self.entry_snapshot = np.full(len(self.entry_snapshot), snapshot_id, dtype=np.int32)

    # --- serialisation --------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """A compact, versioned serialisation (stored beside the snapshot)."""
        payload: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "vocab": vocab.digest(),
            "snapshot_ids": self.snapshot_ids,
        }
        for name in (
            "entry_snapshot",
            "name_entry",
            "name_quality",
            "name_norm",
            "name_tok_off",
            "name_toks",
            "key_hash",
            "key_start",
            "key_end",
            "postings",
        ):
            payload[name] = getattr(self, name)
        for name in (
            "entry_blob",
            "name_blob",
            "name_legal",
            "name_rerank",
            "vocab_text",
            "vocab_skel",
        ):
            blob: _Blob = getattr(self, name)
            payload[name] = (blob.data, blob.offsets)
        return pickle.dumps(payload, protocol=5)

    @classmethod
    def from_bytes(cls, data: bytes) -> NameIndex:
        """Inverse of :meth:`to_bytes`; ``ValueError`` for another format version or an
        index built with other vocabulary tables (``core.vocab.digest``): rebuild it.

        Only ever called on bytes this package wrote into its own store.
        """
        payload = pickle.loads(data)
        if not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION:
            raise ValueError("index written by another format version")
        if payload.get("vocab") != vocab.digest():
            raise ValueError("index built with other vocabulary tables")
        for name in (
            "entry_blob",
            "name_blob",
            "name_legal",
            "name_rerank",
            "vocab_text",
            "vocab_skel",
        ):
            payload[name] = _Blob(*payload[name])
        return cls(payload)

    # --- querying -------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.name_entry)

    def by_identifier(self, identifiers: Sequence[str]) -> list[int]:
        """Names of the entries that carry one of these (normalised) identifiers."""
        keys = sorted(_identifier_keys(identifiers))
        if not keys:
            return []
        hashes = _hashes(keys)
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
        found = self._top(scores, RETRIEVED)
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
        hashes = _hashes(keys)
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
        """The ``limit`` names of the best key scores divided by the names' length norm."""
        if scores is None:
            return []
        hit = np.flatnonzero(scores != 0)  # on booleans: ~8x faster than on floats
        normed = scores[hit] * self.name_norm[hit]
        if len(hit) > limit:
            best = np.argpartition(normed, -limit)[-limit:]
            hit, normed = hit[best], normed[best]
        return [int(i) for i in hit[np.argsort(-normed, kind="stable")]]

    def _key_scores(self, form: NameForm) -> npt.NDArray[np.float64] | None:
        """Per name, the rarity-weighted sum of the keys it shares with ``form`` (before
        the length norm); ``None`` when no key is held by any name."""
        n = len(self.name_entry)
        keys = list(query_keys(form))
        if not n or not keys:
            return None
        hashes = _hashes(keys)
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
            found = self._entries[e] = _info_from(json.loads(self.entry_blob[e]))
        return found

    def list_names(self) -> frozenset[str]:
        """The list names of every entry in the index (computed once: one scan of the
        stored entries, none decoded)."""
        if self._list_names is None:
            found = set(_LIST_NAME.findall(self.entry_blob.data))
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


_NOT_ALNUM = re.compile(r"[\W_]+")
#: An entry's list name in the stored entry JSON (:func:`_info_dict`, compact separators).
_LIST_NAME = re.compile(rb'"list_name":"((?:[^"\\]|\\.)*)"')


def group_rows(hits: Iterable[Hit]) -> list[Hit]:
    """Hits best first, the rows of one listing as one hit: entries of one snapshot and
    list with the same listing dates and the same primary name but for spaces and
    punctuation ("AL NASER AIRLINES", "AL-NASER AIRLINES", "ALNASER AIRLINES" over several
    addresses: one Denied Persons order). The best-scoring row stands for the listing and
    names the others in ``rows``."""
    ordered = sorted(hits, key=lambda h: (-h.score, h.entry.source, h.entry.id))
    groups: dict[tuple[object, ...], int] = {}
    out: list[Hit] = []
    for hit in ordered:
        e = hit.entry
        key = (
            hit.snapshot_id, e.list_name, e.type, e.listed_from, e.listed_until,
            _NOT_ALNUM.sub("", e.name.casefold()),
        )  # fmt: skip
        at = groups.get(key)
        if at is None:
            groups[key] = len(out)
            out.append(hit)
        else:
            first = out[at]
            out[at] = replace(first, rows=(*first.rows, e.id))
    return out


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


#: The longest name screened, in characters (the API's limit too): the longest listed
#: name of every list is 381 ("Ministry of Defence of the Russian Federation, including
#: ..."), and a longer text is a paste of something else.
MAX_NAME_LENGTH = 500


def build_query(
    name: str,
    *,
    country: str | None = None,
    type: EntityType | str | None = None,
    birth_date: str | None = None,
    identifiers: Sequence[str] = (),
    threshold: float = DEFAULT_THRESHOLD,
    limit: int | None = 10,
) -> Query:
    """Validate screening input and build the :class:`Query` (all bad fields at once)."""
    errors: list[FieldError] = []
    ids = [i for i in identifiers if normalise_identifier(i)]
    if len(ids) != len(list(identifiers)):
        errors.append(FieldError("identifiers", "an identifier has no letters or digits"))
    if (not name or not name.strip()) and not ids:
        errors.append(FieldError("name", "must not be empty (unless identifiers are given)"))
    elif name and len(name) > MAX_NAME_LENGTH:
        errors.append(FieldError("name", (
            f"{len(name):,} characters: a name is at most {MAX_NAME_LENGTH} (the longest "
            "listed name is 381)")))  # fmt: skip
    code = None
    if country:
        code = countries.to_code(country)
        if code is None:
            errors.append(FieldError("country", f"unknown country {country!r}"))
    entity_type: EntityType | None = None
    if type is not None and type != "":
        try:
            entity_type = EntityType(type)
        except ValueError:
            errors.append(FieldError("type", "must be person, organization, vessel, aircraft"))
    if birth_date and not _partial_date(birth_date):
        errors.append(FieldError("birth_date", "must be a date: YYYY, YYYY-MM or YYYY-MM-DD"))
    if not 0.0 <= threshold <= 1.0:
        errors.append(FieldError("threshold", "must be between 0 and 1"))
    if limit is not None and limit < 1:
        errors.append(FieldError("limit", "must be at least 1"))
    if errors:
        raise InvalidInput(errors)
    query = make_query(
        (name or "").strip(),
        country=code,
        type=entity_type,
        birth_date=birth_date or None,
        identifiers=identifiers,
    )
    if not query.form.tokens and not query.form.legal_forms and not query.identifiers:
        raise InvalidInput("has no letters or digits to match on", field="name")
    return query


def _partial_date(text: str) -> bool:
    padded = {4: text + "-01-01", 7: text + "-01", 10: text}.get(len(text))
    if padded is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", padded):
        return False
    try:
        date.fromisoformat(padded)
    except ValueError:
        return False
    return True


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


def _info_dict(entry: ListEntry) -> dict[str, Any]:
    return {
        "id": entry.id, "source": entry.source, "list_name": entry.list_name,
        "type": str(entry.type), "name": entry.name, "countries": entry.countries,
        "birth_dates": entry.birth_dates,
        "identifiers": sorted(
            {v for i in entry.identifiers if (v := match_form(i))}
        ),
        "programs": entry.programs,
        "listed_from": entry.listed_from.isoformat() if entry.listed_from else None,
        "listed_until": entry.listed_until.isoformat() if entry.listed_until else None,
        "citation": entry.citation, "licence_requirement": entry.licence_requirement,
        "licence_policy": entry.licence_policy,
    }  # fmt: skip


def _info_from(d: dict[str, Any]) -> EntryInfo:
    return EntryInfo(
        id=d["id"], source=d["source"], list_name=d["list_name"], type=EntityType(d["type"]),
        name=d["name"], countries=tuple(d["countries"]), birth_dates=tuple(d["birth_dates"]),
        identifiers=tuple(d["identifiers"]), programs=tuple(d["programs"]),
        listed_from=date.fromisoformat(d["listed_from"]) if d["listed_from"] else None,
        listed_until=date.fromisoformat(d["listed_until"]) if d["listed_until"] else None,
        citation=d["citation"], licence_requirement=d["licence_requirement"],
        licence_policy=d["licence_policy"],
    )  # fmt: skip
