"""How much a token counts in a name: rare tokens ("Candiru") more than common ones
("Group", "Trading", "Mohammed").

Weights come from a frequency table shipped with the package
(``vocab/token_counts.json``: how many listed names contain each token, counted over the
official lists by ``bench/make_token_counts.py``), not from whatever happens to be loaded.
So a (query, name) pair scores the same whichever lists are in the store, and a past
screening re-run against the same snapshot reproduces its score exactly.
"""

from __future__ import annotations

import math
from functools import cache, lru_cache

from exportguard.core import vocab

#: The floor: even the commonest token still counts for something.
MIN_WEIGHT = 0.15


@cache
def _counts() -> dict[str, int]:
    data = vocab.load_json("token_counts")
    counts = data["counts"]
    if not isinstance(counts, dict):
        raise ValueError("token_counts.json: 'counts' must map tokens to counts")
    return counts


@lru_cache(maxsize=100_000)
def token_weight(text: str) -> float:
    """Weight in [MIN_WEIGHT, 1]: 1 for unseen tokens, falling with log frequency."""
    count = _counts().get(text, 0)
    return max(MIN_WEIGHT, 1.0 - math.log10(1 + count) / 4.0)
