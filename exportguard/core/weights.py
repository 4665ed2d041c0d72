"""How much a token counts in a name: rare tokens ("Candiru") more than common ones
("Group", "Trading", "Mohammed").

Weights come from a frequency table shipped with the package
(``vocab/token_counts.json``: how many listed names contain each token, and each phonetic
skeleton, counted over the official lists by ``bench/make_token_counts.py``), not from
whatever happens to be loaded.
So a (query, name) pair scores the same whichever lists are in the store, and a past
screening re-run against the same snapshot reproduces its score exactly.
"""

from __future__ import annotations

import math
from functools import cache, lru_cache
from typing import TypeGuard

from exportguard.core import vocab
from exportguard.core.name_tokens import Token

#: The floor: even the commonest token still counts for something.
MIN_WEIGHT = 0.15


@cache
def _counts(table: str) -> dict[str, int]:
    data = vocab.load_json("token_counts")
    counts = data[table]
    if not _is_counts(counts):
        raise ValueError(f"token_counts.json: {table!r} must map strings to counts")
    return counts


def _is_counts(value: object) -> TypeGuard[dict[str, int]]:
    """Whether ``value`` maps strings to whole counts (a JSON object of integers)."""
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, int) for k, v in value.items()
    )


def _weight(count: int) -> float:
    return max(MIN_WEIGHT, 1.0 - math.log10(1 + count) / 4.0)


@lru_cache(maxsize=100_000)
def token_weight(token: Token) -> float:
    """Weight in [MIN_WEIGHT, 1]: 1 for unseen tokens, falling with log frequency.

    A token transliterated from Cyrillic whose transliteration is a spelling the lists use
    ("Сергей" -> "sergei") weighs as that spelling does, so a name weighs the same in both
    scripts; any other token from another script is weighed by how common its sound is
    (its commonest phonetic skeleton among listed names): "محمد" is as common as
    "Mohammed" even though no list spells it "mhmd".
    """
    if token.latin:
        return _weight(_counts("counts").get(token.text, 0))
    if token.script == "cyrillic" and token.text in _counts("counts"):
        return _weight(_counts("counts")[token.text])
    skeleton_counts = _counts("skeletons")
    return min((_weight(skeleton_counts.get(s, 0)) for s in token.skeletons), default=1.0)
