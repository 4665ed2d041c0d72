"""The eligibility world map's page: a regime's verdict for every country on a date (the
map is drawn by ``static/map.js`` from ``GET /api/v1/regimes/{id}/map``), with a date slider
and field, ticks and jumps at the regime's dated changes, and the verdicts in words."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from exportguard.core import countries
from exportguard.web import vocabulary
from exportguard.web.common import VENDOR, guard, page

#: The slider's first day.
MAP_START = date(2021, 1, 1)


async def map_page(request: Request) -> Response:
    """The eligibility map: a date slider and field, ticks at each regime's dated changes
    (within the slider's range), the verdicts in words with their patterns."""
    who = await guard(request, "read_regimes")
    if isinstance(who, Response):
        return who
    today = who.service.clock().date()
    regimes = list(who.service.decisions.regimes())  # every regime in force, bundled or installed
    changes = {
        rid: [d.isoformat() for d in who.service.decisions.change_dates(rid)
              if MAP_START <= d <= today]
        for rid in regimes
    }  # fmt: skip
    return page(
        request, "map.html", who, start=MAP_START.isoformat(), end=today.isoformat(),
        days=(today - MAP_START).days, initial=(date(2021, 12, 1) - MAP_START).days,
        numeric=json.dumps(countries.numeric_to_code()), changes=json.dumps(changes),
        # every country's name (the map's geometry names only the larger ones)
        names=json.dumps({c: countries.name(c) for c in countries.numeric_to_code().values()}),
        regimes=regimes, verdicts=vocabulary.VERDICTS,
        words=json.dumps({code: t.words for code, t in vocabulary.VERDICTS.items()}),
        has_geometry=(VENDOR / "world-atlas" / "countries-110m.json").is_file(),
    )  # fmt: skip


ROUTES: tuple[tuple[str, list[str], Any], ...] = (("/map", ["GET"], map_page),)
