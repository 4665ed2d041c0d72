"""Write exportguard/core/vocab/token_counts.json: how many listed names contain each
token (and each phonetic skeleton), over the largest snapshot of every list (see
bench/common.py). Tokens seen fewer
than three times are left out (they weigh 1, as unseen tokens do).

Run after a change to name analysis: ``.venv/bin/python bench/make_token_counts.py``.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from common import load_all

from exportguard.core.entities import EntityType
from exportguard.core.names import analyse

TARGET = (
    Path(__file__).resolve().parents[1] / "exportguard" / "core" / "vocab" / "token_counts.json"
)


def main() -> None:
    counts: Counter[str] = Counter()
    skeleton_counts: Counter[str] = Counter()
    names = 0
    for parsed in load_all().values():
        for entry in parsed.entries:
            org = {EntityType.PERSON: False, EntityType.ORGANIZATION: True}.get(entry.type)
            for name in entry.names():
                names += 1
                tokens = analyse(name, organisation=org).tokens
                counts.update({t.text for t in tokens if t.latin})
                skeleton_counts.update({s for t in tokens for s in t.skeletons})
    kept = {t: c for t, c in sorted(counts.items()) if c >= 3}
    kept_skeletons = {t: c for t, c in sorted(skeleton_counts.items()) if c >= 3}
    TARGET.write_text(
        json.dumps(
            {
                "about": "Names containing each token, over the largest snapshot of every official "
                "list in the project's test data; written by bench/make_token_counts.py.",
                "names": names,
                "counts": kept,
                "skeletons": kept_skeletons,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        + "\n"
    )
    print(f"{len(kept)} tokens from {names} names -> {TARGET}")


if __name__ == "__main__":
    main()
