"""What the API's route modules share: paging parameters and pages, path ids, and whose
object a request acts on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import Path, Query

from exportguard.edge.auth import Caller
from exportguard.errors import InvalidInput

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


def exporter_for(who: Caller, given: str | None) -> str:
    """The exporter an object is made for: an exporter's own company, else the one given
    (:class:`InvalidInput` on ``exporter`` when none is)."""
    if who.actor.is_exporter:
        assert who.actor.exporter is not None
        return who.actor.exporter
    if not given:
        raise InvalidInput("give the exporter the object belongs to", field="exporter")
    return given
