"""What every page shares: the templates, the page frame with its menu, sign-in and role
checks, form reading, error pages and the parsing of form fields (each error names its
field, never a Python message)."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from exportguard.core.permissions import allowed
from exportguard.edge.auth import Caller, caller
from exportguard.edge.errors import status_of
from exportguard.errors import (
    AuthenticationFailed,
    ExportGuardError,
    FieldError,
    InvalidInput,
    PermissionDenied,
)
from exportguard.web import vocabulary

HERE = Path(__file__).parent
VENDOR = HERE / "vendor" / "node_modules"
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.filters.update(vocabulary.FILTERS)

#: How old a list snapshot may be before the pages warn, in days, unless the app says
#: otherwise (``app.state.list_max_age_days``, from ``EXPORTGUARD_LIST_MAX_AGE_DAYS``).
LIST_MAX_AGE_DAYS = 365


async def who_is(request: Request) -> Caller | None:
    try:
        return await caller(request)
    except AuthenticationFailed:
        return None


def login_redirect(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


def page(
    request: Request, template: str, who: Caller | None, status: int = 200, **context: Any
) -> HTMLResponse:
    nav = []
    if who is not None:
        a = who.actor
        nav = [(label, href) for label, href, action in (
            ("Screen", "/screen", "screen"), ("Batch", "/batch", "screen"),
            ("Cases", "/cases", "read_cases"),
            ("Decide", "/decide", "decide"),
            ("Licences", "/licences", "read_licences"),
            ("Counterparties", "/counterparties", "read_counterparties"),
            ("Reviews", "/reviews", "read_reports"), ("Impact", "/impact", "impact"),
            ("Map", "/map", "read_regimes"), ("Lists", "/lists", "read_lists"),
            ("Audit", "/audit", "read_audit"), ("Users", "/users", "manage_users"),
            ("Import lists", "/lists/import", "import_lists"),
        ) if allowed(a, action)]  # fmt: skip
    today = request.app.state.service.clock().date()
    max_age = getattr(request.app.state, "list_max_age_days", LIST_MAX_AGE_DAYS)
    return templates.TemplateResponse(
        request,
        template,
        {"who": who, "nav": nav, "csrf": who.csrf if who else None,
         "freshness": lambda published: freshness(published, today, max_age), **context},
        status_code=status,
    )  # fmt: skip


def freshness(published: date, today: date, max_age_days: int) -> dict[str, Any]:
    """A list's freshness stamp: ``{"text": "published 2022-05-16 — 4 years old", "stale":
    True}``; stale when older than ``max_age_days``."""
    return {
        "text": f"published {published.isoformat()} — {vocabulary.age(published, today)}",
        "stale": (today - published).days > max_age_days,
        "max_age_days": max_age_days,
    }


#: The longest value a web form field may carry (the batch CSV travels as an upload).
MAX_FIELD = 10_000


async def read_form(request: Request) -> dict[str, str]:
    """The form's fields (not the CSRF token), stripped; NUL characters and over-long values
    are refused (:class:`InvalidInput` naming the field), as the API's schemas refuse them."""
    form = await request.form()
    fields = {k: str(v).strip() for k, v in form.items() if k != "csrf"}
    problems = [
        FieldError(k, "must not contain NUL characters" if "\x00" in v
                   else f"longer than {MAX_FIELD} characters")
        for k, v in fields.items()
        if "\x00" in v or len(v) > MAX_FIELD
    ]  # fmt: skip
    if problems:
        raise InvalidInput(problems)
    return fields


async def guard(request: Request, action: str | None = None) -> Caller | Response:
    """The signed-in caller if it may take ``action``; else the sign-in redirect or a 403
    page (a wrong CSRF token raises :class:`PermissionDenied`). A refused request's form,
    parsed for its CSRF token, is closed here (an upload's spooled files)."""
    try:
        who = await who_is(request)
    except ExportGuardError:
        await request.close()
        raise
    if who is None:
        await request.close()
        return login_redirect(request)
    if action is not None and not allowed(who.actor, action):
        await request.close()
        return error_page(request, who, PermissionDenied(f"A {who.actor.role} may not do this."))
    return who


def error_page(request: Request, who: Caller, exc: ExportGuardError) -> HTMLResponse:
    status = status_of(exc)
    return page(request, "error.html", who, status, message=str(exc))


def form_lines(text: str) -> list[str]:
    """A textarea's non-empty lines, stripped (one party a line)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def parse_whole(text: str, field: str, minimum: int = 1) -> int:
    """A positive whole number from a form or query field (an id, a page, a version), or
    :class:`InvalidInput` naming the field: never a Python message, never a number the
    store cannot hold (ids are 63-bit)."""
    value = text.strip()
    if not value.isdigit() or not minimum <= int(value) <= 2**62:
        raise InvalidInput(f"must be a whole number from {minimum}", field=field)
    return int(value)


def parse_number(value: str | None, field: str) -> float | None:
    """A form's decimal number (finite, not negative), or None when left empty."""
    if not value:
        return None
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        raise InvalidInput(f"not a number: {value!r}", field=field) from None
    if not math.isfinite(number) or not 0 <= number <= 10**15:
        raise InvalidInput(f"must be a number from 0 to 10^15: {value!r}", field=field)
    return number


def parse_date(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"not a date (YYYY-MM-DD): {value!r}", field=field) from None
