"""What the API's route modules share: paging parameters and pages, path ids."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import Path, Query

Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=2**31)]
#: A sequence number in a path (audit records, tokens, snapshots).
Seq = Annotated[int, Path(ge=1, le=2**62)]


def page(items: Sequence[object], limit: int, offset: int) -> dict[str, object]:
    """One page of ``items``: ``{items, total, limit, offset}``."""
    return {
        "items": items[offset : offset + limit],
        "total": len(items),
        "limit": limit,
        "offset": offset,
    }
