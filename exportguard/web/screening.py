"""The screening page: the form (name; country, type, date of birth, identifiers as the
service's qualifiers; threshold; as-of date) and the answer as one card per listed party
(``ScreeningResult.profiles``), each listing inside with its score, its explanation in
plain words and the feature table behind a toggle, and *Review as a case*."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from exportguard.core.permissions import allowed
from exportguard.core.thresholds import DEFAULT_THRESHOLD
from exportguard.edge.errors import status_of
from exportguard.errors import ExportGuardError
from exportguard.web.common import guard, page, parse_date, parse_number, read_form


async def screen_page(request: Request) -> Response:
    """GET: the form; POST: screen the party (``ExportGuard.screen`` with the qualifiers
    given: ``country``, ``type``, ``birth_date`` (YYYY, YYYY-MM or YYYY-MM-DD),
    ``identifiers`` (one a line), ``threshold`` (0 to 1), ``as_of``), with each hit's review
    (``cases.review``). A bad field comes back to the form, as filled in, with its message
    naming the field (422)."""
    who = await guard(request, "screen")
    if isinstance(who, Response):
        return who
    form = await read_form(request) if request.method == "POST" else {}
    result = None
    if form:
        try:
            threshold = parse_number(form.get("threshold"), "threshold")
            result = who.service.cases.review(who.service.screen(
                form.get("name", ""),
                country=form.get("country") or None,
                type=form.get("type") or None,
                birth_date=form.get("birth_date") or None,
                identifiers=[i.strip() for i in form.get("identifiers", "").splitlines()
                             if i.strip()],
                threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
                as_of=parse_date(form.get("as_of"), "as_of"),
            ))  # fmt: skip
        except ExportGuardError as exc:
            return page(request, "screen.html", who, status_of(exc), form=form, error=str(exc),
                        threshold=DEFAULT_THRESHOLD)  # fmt: skip
    return page(request, "screen.html", who, form=form, result=result,
                threshold=DEFAULT_THRESHOLD, may_open=allowed(who.actor, "open_case"))  # fmt: skip


ROUTES: tuple[tuple[str, list[str], Any], ...] = (("/screen", ["GET", "POST"], screen_page),)
