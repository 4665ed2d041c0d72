"""What every page shares: the templates, the page frame with its menu, sign-in and role
checks, form reading, error pages and the parsing of form fields (each error names its
field, never a Python message)."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from exportguard.core.permissions import a_role, allowed
from exportguard.edge.auth import (
    SAFE_METHODS,
    SESSION_COOKIE,
    Caller,
    caller,
    same_site_path,
    sign_in_path,
)
from exportguard.edge.errors import status_of
from exportguard.errors import (
    AuthenticationFailed,
    ExportGuardError,
    FieldError,
    InvalidInput,
    PermissionDenied,
    StaleForm,
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
    """To the sign-in form, which comes back here after: to this page (its query kept), or
    for a form sent after the session ended, to the page the form was on (the Referer when
    it is this site's, else the form's page: ``app.state.form_pages``)."""
    if request.method in SAFE_METHODS:
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    else:
        back = referer_path(request) or form_page(request)
    return RedirectResponse(sign_in_path(back), status_code=303)


def referer_path(request: Request) -> str | None:
    """The Referer's path and query when it is a page of this site, else None."""
    return same_site_path(request.headers.get("referer"), request.url.netloc)


def form_page(request: Request) -> str:
    """The page a form posted to this request's path lives on (``app.state.form_pages``:
    the POST-only path's template -> the page's, with the same path parameters); the path
    itself for a page that is its own form; ``/`` when unknown."""
    route = request.scope.get("route")
    template = getattr(route, "path", None)
    pages: dict[str, str] = getattr(request.app.state, "form_pages", {})
    if template in pages:
        return pages[template].format(**{k: quote(str(v), safe="") for k, v in
                                         request.path_params.items()})  # fmt: skip
    return request.url.path if template else "/"


def page(
    request: Request, template: str, who: Caller | None, status: int = 200, **context: object
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


def freshness(published: date, today: date, max_age_days: int) -> dict[str, object]:
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
        said = f"{a_role(who.actor.role).capitalize()} may not do this."
        return error_page(request, who, PermissionDenied(said))
    return who


def error_page(request: Request, who: Caller | None, exc: ExportGuardError) -> HTMLResponse:
    """The error page: the status of ``exc`` (``edge.errors``), its message, and a link
    back to the page the browser came from (this site's) or the start page."""
    return page(request, "error.html", who, status_of(exc), message=str(exc),
                back=referer_path(request) or "/")  # fmt: skip


#: What a browser is told for an HTTP error no page handles, by status.
HTTP_WORDS = {
    404: "There is no page at this address.",
    405: "This address does not take this kind of request.",
    413: "What was sent is too large.",
}


async def render_error(request: Request, status: int, error: ExportGuardError | str) -> Response:
    """An error as a page for a browser (``edge.errors``' page renderer): a stale form's
    CSRF token says to reload the form, with a link back to it; an HTTP error says in words
    what went wrong; a page that needs a sign-in sends to the sign-in form."""
    if isinstance(error, AuthenticationFailed):
        return login_redirect(request)
    who = _session_caller(request)
    back = referer_path(request)
    if isinstance(error, StaleForm):
        message = ("Your session changed since this form was shown (you signed out and in "
                   "again, or in another tab): reload the form and send it again.")  # fmt: skip
        back = back or form_page(request)
        return page(request, "error.html", who, status, message=message, back=back,
                    back_label="Reload the form", title="The form is out of date")  # fmt: skip
    message = str(error) if isinstance(error, ExportGuardError) else HTTP_WORDS.get(
        status, "This request cannot be answered.")  # fmt: skip
    return page(request, "error.html", who, status, message=message, back=back or "/")


def _session_caller(request: Request) -> Caller | None:
    """The signed-in caller of a request whose error is being shown (its CSRF token not
    checked: the page only shows the menu), or None."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    service = request.app.state.service
    try:
        session = service.accounts.by_session(token)
    except ExportGuardError:
        return None
    return Caller(session.actor, service.for_actor(session.actor), session.csrf, True)


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
