"""The stored form of a :class:`~exportguard.core.index.NameIndex`: a handful of numpy
arrays and byte blobs (:class:`Blob`), built from entries (:func:`build_arrays`), merged by
concatenation (:func:`merge_arrays`), and serialised with a format version and the
vocabulary digest (:func:`index_bytes`, :func:`arrays_from_bytes`), so loading a stored
index creates almost no Python objects."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, TypedDict, TypeVar

import numpy as np
import numpy.typing as npt

from exportguard.core import vocab
from exportguard.core.entities import AliasQuality, ListEntry
from exportguard.core.hits import entry_dict
from exportguard.core.identifiers import match_form
from exportguard.core.index_keys import (
    U64,
    hash_keys,
    id_keys,
    index_names,
    is_organisation,
    name_keys,
    rerank_text,
)
from exportguard.core.name_tokens import Token
from exportguard.core.names import analyse

if TYPE_CHECKING:
    from exportguard.core.index import NameIndex

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
_Scalar = TypeVar("_Scalar", bound=np.generic)


#: Serialisation format of :class:`NameIndex`; bump it when the layout or the keys change
#: (stored indexes of another version are rebuilt from their snapshot's entries on first
#: use).
FORMAT_VERSION = 14


class Blob:
    """Strings stored as one UTF-8 blob and an offsets array; decoded on demand."""

    __slots__ = ("data", "offsets")

    def __init__(self, data: bytes, offsets: I64) -> None:
        self.data = data
        self.offsets = offsets

    @classmethod
    def of(cls, texts: Iterable[str]) -> Blob:
        encoded = [t.encode() for t in texts]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=offsets[1:])
        return cls(b"".join(encoded), offsets)

    def __getitem__(self, i: int) -> str:
        return self.data[self.offsets[i] : self.offsets[i + 1]].decode()

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @staticmethod
    def concat(parts: Sequence[Blob]) -> Blob:
        offsets = [parts[0].offsets[:1]]
        base = 0
        for part in parts:
            offsets.append(part.offsets[1:] + base)
            base += int(part.offsets[-1])
        return Blob(b"".join(p.data for p in parts), np.concatenate(offsets))




class IndexArrays(TypedDict):
    """What a :class:`NameIndex` is made of (numbers below are indexes into the arrays).

    Entries: ``snapshot_ids`` (of every snapshot indexed, in order), ``entry_snapshot``
    (the snapshot of each entry), ``entry_blob`` (each entry's hit fields as JSON).
    Names (primary and aliases, one row each): ``name_blob`` (the name), ``name_entry``
    (its entry), ``name_quality`` (1 for a weak alias), ``name_norm`` (1 / sqrt of its
    key count), ``name_tok_off`` (its tokens: ``name_toks[off[n]:off[n + 1]]``, numbers
    of ``vocab_text``/``vocab_skel``, the token's text and its script, kind and
    skeletons), ``name_legal`` (its legal forms), ``name_rerank`` (its re-ranking text).
    Keys: ``key_hash`` (BLAKE2b, 64 bits, ascending), whose names are
    ``postings[key_start[k]:key_end[k]]``.
    """

    snapshot_ids: tuple[int, ...]
    entry_snapshot: I32
    entry_blob: Blob
    name_blob: Blob
    name_entry: I32
    name_quality: npt.NDArray[np.uint8]
    name_norm: npt.NDArray[np.float32]
    name_tok_off: I64
    name_toks: I32
    name_legal: Blob
    name_rerank: Blob
    vocab_text: Blob
    vocab_skel: Blob
    key_hash: U64
    key_start: I64
    key_end: I64
    postings: I32


#: The index's variable-length columns, stored as byte blobs with offsets.
_BLOBS = ("entry_blob", "name_blob", "name_legal", "name_rerank", "vocab_text", "vocab_skel")

def build_arrays(snapshot_id: int, entries: Iterable[ListEntry]) -> IndexArrays:
    """The arrays of an index of every name (primary and aliases) of ``entries``."""
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
            json.dumps(entry_dict(entry), ensure_ascii=False, separators=(",", ":"))
        )
        org = is_organisation(entry.type)
        weak = {a.name for a in entry.aliases if a.quality is AliasQuality.WEAK}
        ids = id_keys(
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
    hashes = hash_keys(key_ids)
    order = np.argsort(hashes, kind="stable")  # key numbers by hash
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    # Postings grouped by their key's place in hash order, names ascending in each.
    by_key = rank[np.asarray(posted_key, dtype=np.int64)]
    flat = np.asarray(posted_name, dtype=np.int32)[np.argsort(by_key, kind="stable")]
    lengths = np.bincount(by_key, minlength=len(order)).astype(np.int64)
    ends = np.cumsum(lengths)
    return {
        "snapshot_ids": (snapshot_id,),
        "entry_snapshot": np.full(len(entry_json), snapshot_id, dtype=np.int32),
        "entry_blob": Blob.of(entry_json),
        "name_blob": Blob.of(names),
        "name_entry": np.asarray(name_entry, dtype=np.int32),
        "name_quality": np.frombuffer(bytes(quality), dtype=np.uint8),
        "name_norm": (1.0 / np.sqrt(np.maximum(np.asarray(key_count, dtype=np.float32), 1))
                      ).astype(np.float32, copy=False),  # float32 already: no copy
        "name_tok_off": np.asarray(tok_off, dtype=np.int64),
        "name_toks": np.asarray(toks, dtype=np.int32),
        "name_legal": Blob.of(legal),
        "name_rerank": Blob.of(rerank),
        "vocab_text": Blob.of(t.text for t in vocab),
        "vocab_skel": Blob.of(
            " ".join([t.script, t.kind, *sorted(t.skeletons)]) for t in vocab
        ),
        "key_hash": hashes[order],
        "key_start": (ends - lengths).astype(np.int64),
        "key_end": ends.astype(np.int64),
        "postings": flat,
    }  # fmt: skip



def merge_arrays(parts: Sequence[NameIndex]) -> IndexArrays:
    """The arrays of one index over several (at least two): their names, entries and
    postings concatenated, keys re-sorted."""
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
    return {
        "snapshot_ids": tuple(s for p in parts for s in p.snapshot_ids),
        "entry_snapshot": np.concatenate([p.entry_snapshot for p in parts]),
        "entry_blob": Blob.concat([p.entry_blob for p in parts]),
        "name_blob": Blob.concat([p.name_blob for p in parts]),
        "name_entry": np.concatenate([p.name_entry + entry_base[i]
                                      for i, p in enumerate(parts)]).astype(np.int32),
        "name_quality": np.concatenate([p.name_quality for p in parts]),
        "name_norm": np.concatenate([p.name_norm for p in parts]),
        "name_tok_off": np.concatenate(tok_offs),
        "name_toks": np.concatenate([p.name_toks + vocab_base[i]
                                     for i, p in enumerate(parts)]).astype(np.int32),
        "name_legal": Blob.concat([p.name_legal for p in parts]),
        "name_rerank": Blob.concat([p.name_rerank for p in parts]),
        "vocab_text": Blob.concat([p.vocab_text for p in parts]),
        "vocab_skel": Blob.concat([p.vocab_skel for p in parts]),
        "key_hash": key_hash[order],
        "key_start": np.concatenate([p.key_start + post_base[i]
                                     for i, p in enumerate(parts)])[order],
        "key_end": np.concatenate([p.key_end + post_base[i]
                                   for i, p in enumerate(parts)])[order],
        "postings": np.concatenate([p.postings + name_base[i]
                                    for i, p in enumerate(parts)]).astype(np.int32),
    }  # fmt: skip



def index_bytes(index: NameIndex) -> bytes:
    """A compact, versioned serialisation of ``index`` (stored beside the snapshot)."""
    payload: dict[str, object] = {
        "format": FORMAT_VERSION,
        "vocab": vocab.digest(),
        "snapshot_ids": index.snapshot_ids,
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
        payload[name] = getattr(index, name)
    for name in _BLOBS:
        blob: Blob = getattr(index, name)
        payload[name] = (blob.data, blob.offsets)
    return pickle.dumps(payload, protocol=5)

def arrays_from_bytes(data: bytes) -> IndexArrays:
    """The arrays :func:`index_bytes` wrote; ``ValueError`` for another format version, an
    index built with other vocabulary tables (``core.vocab.digest``), or one whose arrays
    are not of their :class:`IndexArrays` types: rebuild it. Nothing is copied.

    Only ever called on bytes this package wrote into its own store.
    """
    payload: object = pickle.loads(data)
    if not isinstance(payload, dict) or payload.get("format") != FORMAT_VERSION:
        raise ValueError("index written by another format version")
    if payload.get("vocab") != vocab.digest():
        raise ValueError("index built with other vocabulary tables")
    ids = payload.get("snapshot_ids")
    if not isinstance(ids, tuple) or not all(isinstance(i, int) for i in ids):
        raise ValueError("index snapshot ids are not a tuple of integers")
    return {
        "snapshot_ids": ids,
        "entry_snapshot": _array(payload, "entry_snapshot", np.int32),
        "entry_blob": _blob(payload, "entry_blob"),
        "name_blob": _blob(payload, "name_blob"),
        "name_entry": _array(payload, "name_entry", np.int32),
        "name_quality": _array(payload, "name_quality", np.uint8),
        "name_norm": _array(payload, "name_norm", np.float32),
        "name_tok_off": _array(payload, "name_tok_off", np.int64),
        "name_toks": _array(payload, "name_toks", np.int32),
        "name_legal": _blob(payload, "name_legal"),
        "name_rerank": _blob(payload, "name_rerank"),
        "vocab_text": _blob(payload, "vocab_text"),
        "vocab_skel": _blob(payload, "vocab_skel"),
        "key_hash": _array(payload, "key_hash", np.uint64),
        "key_start": _array(payload, "key_start", np.int64),
        "key_end": _array(payload, "key_end", np.int64),
        "postings": _array(payload, "postings", np.int32),
    }


def _array(
    payload: Mapping[str, object], name: str, dtype: type[_Scalar]
) -> npt.NDArray[_Scalar]:
    """The stored array ``name``, checked to be one of ``dtype`` (not copied)."""
    return _checked(payload.get(name), name, dtype)


def _checked(value: object, name: str, dtype: type[_Scalar]) -> npt.NDArray[_Scalar]:
    if isinstance(value, np.ndarray) and value.dtype == dtype:
        return value
    raise ValueError(f"index array {name!r} is not an array of {np.dtype(dtype)}")


def _blob(payload: Mapping[str, object], name: str) -> Blob:
    """The stored blob ``name`` (its bytes and int64 offsets), checked (not copied)."""
    value = payload.get(name)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], bytes):
        return Blob(value[0], _checked(value[1], f"{name} offsets", np.int64))
    raise ValueError(f"index blob {name!r} is not bytes with offsets")
