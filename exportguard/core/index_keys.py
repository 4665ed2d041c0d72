"""What an index keeps of names, and what it looks up: the names of an entry worth
indexing (:func:`index_names`), their retrieval keys (``t:`` exact tokens, ``p:`` phonetic
skeletons, ``d:`` deletion variants, ``g:`` given-name groups, ``i:`` identifiers) and the
64-bit hashes keys are stored as (:func:`key_hash`, cached once per process)."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from exportguard.core.entities import EntityType, ListEntry
from exportguard.core.identifiers import identifier_keys
from exportguard.core.name_tokens import NameForm
from exportguard.core.name_vocab import given_name_groups
from exportguard.core.names import analyse
from exportguard.core.similarity import romanised
from exportguard.core.translit import translit_canonical

U64 = npt.NDArray[np.uint64]


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


def id_keys(identifiers: Iterable[str]) -> set[str]:
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


def hash_keys(keys: Iterable[str]) -> U64:
    return np.fromiter((key_hash(k) for k in keys), dtype=np.uint64)


def is_organisation(entry_type: EntityType) -> bool | None:
    if entry_type is EntityType.PERSON:
        return False
    if entry_type is EntityType.ORGANIZATION:
        return True
    return None
