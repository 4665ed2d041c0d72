"""The web application: server-rendered pages (Jinja2) calling the services directly.

Plain HTML forms and links, no client framework; one small script draws the eligibility
map. Pages use the same sign-in, roles, tenancy and CSRF rules as the API (``api.auth``).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from exportguard.api.auth import SESSION_COOKIE, Caller, caller
from exportguard.core import countries
from exportguard.core.licensing import Conditions, Event, allowed_events
from exportguard.core.permissions import allowed, may_take, owns, require
from exportguard.errors import ExportGuardError, InvalidInput, NotFound, PermissionDenied
from exportguard.services.accounts import AuthenticationFailed, TooManyAttempts

HERE = Path(__file__).parent
VENDOR = HERE / "vendor" / "node_modules"
templates = Jinja2Templates(directory=str(HERE / "templates"))
MAP_START = date(2021, 1, 1)


def install(app: FastAPI) -> None:
    """Add the pages and static files to the app."""
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    if VENDOR.is_dir():
        app.mount("/vendor", StaticFiles(directory=str(VENDOR)), name="vendor")
    for path, methods, endpoint in ROUTES:
        app.add_api_route(
            path, endpoint, methods=methods, include_in_schema=False, response_class=HTMLResponse
        )


async def _who(request: Request) -> Caller | None:
    try:
        return await caller(request)
    except AuthenticationFailed:
        return None


def _login_redirect(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


def page(
    request: Request, template: str, who: Caller | None, status: int = 200, **context: Any
) -> HTMLResponse:
    nav = []
    if who is not None:
        a = who.actor
        nav = [(label, href) for label, href, action in (
            ("Screen", "/screen", "screen"), ("Decide", "/decide", "decide"),
            ("Licences", "/licences", "read_licences"),
            ("Counterparties", "/counterparties", "read_counterparties"),
            ("Reviews", "/reviews", "read_reports"), ("Impact", "/impact", "impact"),
            ("Map", "/map", "read_regimes"), ("Lists", "/lists", "read_lists"),
            ("Audit", "/audit", "read_audit"), ("Users", "/users", "manage_users"),
        ) if allowed(a, action)]  # fmt: skip
    return templates.TemplateResponse(
        request,
        template,
        {"who": who, "nav": nav, "csrf": who.csrf if who else None, **context},
        status_code=status,
    )


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: str(v).strip() for k, v in form.items() if k != "csrf"}


async def _guard(request: Request, action: str | None = None) -> Caller | Response:
    who = await _who(request)
    if who is None:
        return _login_redirect(request)
    if action is not None and not allowed(who.actor, action):
        return page(request, "error.html", who, 403, message=f"A {who.actor.role} may not do this.")
    return who


def _error(request: Request, who: Caller, exc: ExportGuardError) -> HTMLResponse:
    status = 404 if isinstance(exc, NotFound) else 403 if isinstance(exc, PermissionDenied) else 422
    return page(request, "error.html", who, status, message=str(exc))


# --- sign in -----------------------------------------------------------------------------------


async def login_form(request: Request) -> Response:
    return page(request, "login.html", None, next=request.query_params.get("next", "/"))


async def login(request: Request) -> Response:
    form = await _form(request)
    service = request.app.state.service
    target = form.get("next", "/")
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    address = request.client.host if request.client else "unknown"
    try:
        session = service.accounts.sign_in(
            form.get("username", ""), form.get("password", ""), address
        )
    except (AuthenticationFailed, TooManyAttempts) as exc:
        status = 429 if isinstance(exc, TooManyAttempts) else 401
        return page(
            request,
            "login.html",
            None,
            status,
            error=str(exc),
            next=target,
            username=form.get("username", ""),
        )
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session.token or "",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        max_age=12 * 3600,
    )
    return response


async def logout(request: Request) -> Response:
    who = await _guard(request)
    if isinstance(who, Response):
        return who
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        request.app.state.service.accounts.sign_out(token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


async def home(request: Request) -> Response:
    who = await _guard(request)
    if isinstance(who, Response):
        return who
    svc = who.service
    counts: dict[str, Any] = {}
    if allowed(who.actor, "read_licences"):
        scope = who.actor.exporter if who.actor.is_exporter else None
        counts["licences"] = len(svc.licensing.find(exporter=scope))
    if allowed(who.actor, "read_reports"):
        counts["open reviews"] = len(svc.licensing.reviews())
    if allowed(who.actor, "read_counterparties"):
        scope = who.actor.exporter if who.actor.is_exporter else None
        counts["open alerts"] = len(svc.monitoring.alerts(exporter=scope))
    return page(request, "index.html", who, counts=counts, snapshots=svc.snapshots_in_force())


# --- screening and decisions ------------------------------------------------------------------


async def screen_page(request: Request) -> Response:
    who = await _guard(request, "screen")
    if isinstance(who, Response):
        return who
    form = await _form(request) if request.method == "POST" else {}
    result = None
    if form:
        try:
            result = who.service.screen(
                form.get("name", ""),
                country=form.get("country") or None,
                type=form.get("type") or None,
                as_of=_date(form.get("as_of"), "as_of"),
            ).to_dict()
        except ExportGuardError as exc:
            return page(request, "screen.html", who, 422, form=form, error=str(exc))
    return page(request, "screen.html", who, form=form, result=result)


async def decide_page(request: Request) -> Response:
    who = await _guard(request, "decide")
    if isinstance(who, Response):
        return who
    form = await _form(request) if request.method == "POST" else {}
    result = None
    if form:
        try:
            items = [i.strip() for i in form.get("items", "").replace(",", " ").split() if i]
            regimes = [r for r in ("il-deca", "us-ear", "eu-dual-use") if form.get(f"r_{r}")]
            result = who.service.decisions.decide(
                items=items,
                to=form.get("to", ""),
                on=_date(form.get("date"), "date") or who.service.clock().date(),
                regimes=regimes,
                end_users=[form["end_user"]] if form.get("end_user") else [],
                end_user_type=form.get("end_user_type") or None,
                end_use=form.get("end_use") or None,
                authority_informed=bool(form.get("authority_informed")),
            ).to_dict()
        except ExportGuardError as exc:
            return page(request, "decide.html", who, 422, form=form, error=str(exc))
    return page(request, "decide.html", who, form=form, result=result)


# --- licences ---------------------------------------------------------------------------------


async def licences_page(request: Request) -> Response:
    who = await _guard(request, "read_licences")
    if isinstance(who, Response):
        return who
    scope = who.actor.exporter if who.actor.is_exporter else None
    state = request.query_params.get("state") or None
    return page(
        request,
        "licences.html",
        who,
        state=state,
        licences=who.service.licensing.find(exporter=scope, state=state),
    )


async def licence_new(request: Request) -> Response:
    who = await _guard(request, "apply")
    if isinstance(who, Response):
        return who
    form = await _form(request) if request.method == "POST" else {}
    if form:
        try:
            exporter = who.actor.exporter if who.actor.is_exporter else form.get("exporter", "")
            lic = who.service.licensing.apply(
                exporter=exporter or "",
                kind=form.get("kind", "export"),
                regime=form.get("regime", ""),
                items=form.get("items", "").split(),
                destination=form.get("destination", ""),
                end_user=form.get("end_user", ""),
                end_user_type=form.get("end_user_type") or None,
                end_use=form.get("end_use") or None,
                value=float(form["value"]) if form.get("value") else None,
                parent=form.get("parent") or None,
            )
        except (ExportGuardError, ValueError) as exc:
            return page(request, "licence_new.html", who, 422, form=form, error=str(exc))
        return RedirectResponse(f"/licences/{lic.id}", status_code=303)
    return page(request, "licence_new.html", who, form=form)


async def licence_page(request: Request) -> Response:
    who = await _guard(request, "read_licences")
    if isinstance(who, Response):
        return who
    licence_id = request.path_params["licence_id"]
    try:
        lic = who.service.licensing.get(licence_id)
        if not owns(who.actor, lic.exporter):
            raise NotFound(f"no licence {licence_id!r}")
        view = who.service.licensing.view(licence_id)
    except ExportGuardError as exc:
        return _error(request, who, exc)
    events = [e.value for e in allowed_events(lic.state) if may_take(who.actor, e)]
    return page(
        request,
        "licence.html",
        who,
        lic=view,
        events=events,
        message=request.query_params.get("message"),
    )


async def licence_event(request: Request) -> Response:
    who = await _guard(request, "read_licences")
    if isinstance(who, Response):
        return who
    licence_id = request.path_params["licence_id"]
    form = await _form(request)
    try:
        lic = who.service.licensing.get(licence_id)
        if not owns(who.actor, lic.exporter):
            raise NotFound(f"no licence {licence_id!r}")
        event = Event(form.get("event", ""))
        if not may_take(who.actor, event):
            raise PermissionDenied(f"a {who.actor.role} may not {event.value} a licence")
        conditions = None
        if form.get("valid_until") or form.get("max_value"):
            conditions = Conditions(
                valid_until=_date(form.get("valid_until"), "valid_until"),
                max_value=float(form["max_value"]) if form.get("max_value") else None,
            )
        who.service.licensing.transition(
            licence_id,
            event,
            reason=form.get("reason", ""),
            conditions=conditions,
            expected_version=int(form["version"]) if form.get("version") else None,
        )
    except (ExportGuardError, ValueError) as exc:
        return _error(
            request,
            who,
            exc if isinstance(exc, ExportGuardError) else InvalidInput(str(exc), field="form"),
        )
    return RedirectResponse(f"/licences/{licence_id}", status_code=303)


# --- reviews, reports, impact -----------------------------------------------------------------


async def reviews_page(request: Request) -> Response:
    who = await _guard(request, "read_reports")
    if isinstance(who, Response):
        return who
    if request.method == "POST":
        form = await _form(request)
        try:
            require(who.actor, "close_review")
            who.service.licensing.close_review(
                form.get("review", ""), form.get("outcome", ""), reason=form.get("reason", "")
            )
        except ExportGuardError as exc:
            return _error(request, who, exc)
        return RedirectResponse("/reviews", status_code=303)
    return page(
        request,
        "reviews.html",
        who,
        reviews=who.service.licensing.reviews("open"),
        reports=who.service.licensing.reports(),
    )


async def report_page(request: Request) -> Response:
    who = await _guard(request, "report_misuse")
    if isinstance(who, Response):
        return who
    form = await _form(request)
    try:
        who.service.licensing.report_misuse(
            source=form.get("source", ""),
            reported_on=_date(form.get("reported_on"), "reported_on") or date.today(),
            country=form.get("country", ""),
            suspected_operator=form.get("operator", ""),
            product=form.get("product", ""),
            evidence=form.get("evidence", ""),
            confidence=form.get("confidence", "medium"),
        )
    except ExportGuardError as exc:
        return _error(request, who, exc)
    return RedirectResponse("/reviews", status_code=303)


async def impact_page(request: Request) -> Response:
    who = await _guard(request, "impact")
    if isinstance(who, Response):
        return who
    form = await _form(request) if request.method == "POST" else {}
    result = None
    if form:
        try:
            if form.get("kind") == "lists":
                result = who.service.impact.lists(
                    int(form.get("from_snapshot", "0")),
                    int(form.get("to_snapshot", "0")),
                    dry_run=not form.get("act"),
                )
            else:
                result = who.service.impact.regime(
                    form.get("regime", ""),
                    since=_date(form.get("from"), "from"),
                    until=_date(form.get("to"), "to"),
                    dry_run=not form.get("act"),
                )
        except (ExportGuardError, ValueError) as exc:
            return page(
                request,
                "impact.html",
                who,
                422,
                form=form,
                error=str(exc),
                snapshots=who.service.snapshots(),
            )
    return page(
        request, "impact.html", who, form=form, result=result, snapshots=who.service.snapshots()
    )


# --- map, lists, audit, counterparties, users --------------------------------------------------


async def map_page(request: Request) -> Response:
    who = await _guard(request, "read_regimes")
    if isinstance(who, Response):
        return who
    today = who.service.clock().date()
    return page(
        request,
        "map.html",
        who,
        start=MAP_START.isoformat(),
        days=(today - MAP_START).days,
        initial=(date(2021, 12, 1) - MAP_START).days,
        numeric=json.dumps(countries.numeric_to_code()),
        has_geometry=(VENDOR / "world-atlas" / "countries-110m.json").is_file(),
    )


async def lists_page(request: Request) -> Response:
    who = await _guard(request, "read_lists")
    if isinstance(who, Response):
        return who
    diff = None
    q = request.query_params
    if q.get("from") and q.get("to"):
        try:
            diff = who.service.snapshot_diff(int(q["from"]), int(q["to"]))
        except (ExportGuardError, ValueError) as exc:
            return _error(
                request,
                who,
                exc
                if isinstance(exc, ExportGuardError)
                else InvalidInput(str(exc), field="snapshot"),
            )
    current = {s.id for s in who.service.snapshots_in_force()}
    return page(
        request, "lists.html", who, snapshots=who.service.snapshots(), current=current, diff=diff
    )


async def audit_page(request: Request) -> Response:
    who = await _guard(request, "read_audit")
    if isinstance(who, Response):
        return who
    records = who.service.audit.records()
    return page(
        request,
        "audit.html",
        who,
        verification=who.service.audit.verify(),
        records=list(reversed(records))[:200],
    )


async def counterparties_page(request: Request) -> Response:
    who = await _guard(request, "read_counterparties")
    if isinstance(who, Response):
        return who
    if request.method == "POST":
        form = await _form(request)
        try:
            require(who.actor, "manage_counterparties")
            exporter = who.actor.exporter if who.actor.is_exporter else form.get("exporter", "")
            who.service.monitoring.add(
                exporter=exporter or "",
                name=form.get("name", ""),
                role=form.get("role", "customer"),
                country=form.get("country") or None,
            )
        except ExportGuardError as exc:
            return _error(request, who, exc)
        return RedirectResponse("/counterparties", status_code=303)
    scope = who.actor.exporter if who.actor.is_exporter else None
    return page(
        request,
        "counterparties.html",
        who,
        parties=who.service.monitoring.find(scope),
        alerts=who.service.monitoring.alerts(exporter=scope),
    )


async def users_page(request: Request) -> Response:
    who = await _guard(request, "manage_users")
    if isinstance(who, Response):
        return who
    if request.method == "POST":
        form = await _form(request)
        try:
            if form.get("disable"):
                who.service.accounts.set_active(form["disable"], False)
            else:
                who.service.accounts.create_user(
                    form.get("username", ""),
                    form.get("password", ""),
                    form.get("role", ""),
                    form.get("exporter") or None,
                )
        except ExportGuardError as exc:
            return _error(request, who, exc)
        return RedirectResponse("/users", status_code=303)
    return page(request, "users.html", who, users=who.service.accounts.users())


def _date(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"not a date (YYYY-MM-DD): {value!r}", field=field) from None


ROUTES: tuple[tuple[str, list[str], Any], ...] = (
    ("/login", ["GET"], login_form), ("/login", ["POST"], login), ("/logout", ["POST"], logout),
    ("/", ["GET"], home), ("/screen", ["GET", "POST"], screen_page),
    ("/decide", ["GET", "POST"], decide_page), ("/licences", ["GET"], licences_page),
    ("/licences/new", ["GET", "POST"], licence_new),
    ("/licences/{licence_id}", ["GET"], licence_page),
    ("/licences/{licence_id}/event", ["POST"], licence_event),
    ("/reviews", ["GET", "POST"], reviews_page), ("/reports", ["POST"], report_page),
    ("/impact", ["GET", "POST"], impact_page), ("/map", ["GET"], map_page),
    ("/lists", ["GET"], lists_page), ("/audit", ["GET"], audit_page),
    ("/counterparties", ["GET", "POST"], counterparties_page),
    ("/users", ["GET", "POST"], users_page),
)  # fmt: skip
