"""The web application: server-rendered pages (Jinja2) calling the services directly.

Plain HTML forms and links, no client framework; one small script draws the eligibility
map. Pages use the same sign-in, roles, tenancy and CSRF rules as the API (``api.auth``).
"""

from __future__ import annotations

import hmac
import json
import secrets
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import UploadFile as StarletteUpload

from exportguard.core.impact import ListImpactJson, RegimeImpactJson
from exportguard.core.jobs import JobStatus
from exportguard.core.permissions import allowed, require
from exportguard.edge.auth import SESSION_COOKIE, Caller, safe_next
from exportguard.edge.errors import status_of
from exportguard.errors import (
    AuthenticationFailed,
    ExportGuardError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    TooManyAttempts,
)
from exportguard.services.decision_input import DecisionInput
from exportguard.services.jobs import IMPORT_JOB
from exportguard.web import admin, batch, cases, eligibility, licences, records, screening
from exportguard.web.common import (
    HERE,
    LIST_MAX_AGE_DAYS,
    VENDOR,
    error_page,
    form_lines,
    form_page,
    guard,
    page,
    parse_date,
    parse_whole,
    read_form,
    render_error,
    templates,
)

__all__ = ["install", "templates"]


def install(app: FastAPI, *, list_max_age_days: int = LIST_MAX_AGE_DAYS) -> None:
    """Add the pages and static files to the app; a list snapshot older than
    ``list_max_age_days`` (days since publication) is shown with a warning."""
    app.state.list_max_age_days = list_max_age_days
    app.state.error_page = render_error  # edge.errors: a browser's errors as pages
    app.state.form_pages = FORM_PAGES
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    if VENDOR.is_dir():
        app.mount("/vendor", StaticFiles(directory=str(VENDOR)), name="vendor")
    for path, methods, endpoint in (
        ROUTES
        + cases.ROUTES
        + licences.ROUTES
        + admin.ROUTES
        + batch.ROUTES
        + records.ROUTES
        + eligibility.ROUTES
        + screening.ROUTES
    ):
        app.add_api_route(
            path, endpoint, methods=methods, include_in_schema=False, response_class=HTMLResponse
        )
    for path in FORM_PAGES:
        app.add_api_route(path, to_form_page, methods=["GET"], include_in_schema=False)


#: The POST-only paths (a form's action) and the page each form lives on, with the same
#: path parameters: a GET of the action (a reload, a bookmark) is sent there (303).
FORM_PAGES = {
    "/logout": "/",
    "/alerts/{alert_id}": "/counterparties",
    "/counterparties/import": "/counterparties",
    "/lists/{snapshot_id}/retire": "/lists",
    "/licences/{licence_id}/event": "/licences/{licence_id}",
    "/licences/{licence_id}/shipments": "/licences/{licence_id}",
    "/licences/{licence_id}/amendment-request": "/licences/{licence_id}",
    "/amendment-requests/{request_id}/decision": "/licences",
    "/reports": "/reviews",
}


async def to_form_page(request: Request) -> Response:
    """A GET of a form's action: to the page the form lives on (:data:`FORM_PAGES`)."""
    return RedirectResponse(form_page(request), status_code=303)


# --- sign in -----------------------------------------------------------------------------------


#: The sign-in form's CSRF cookie (double submit: the form carries the same random value),
#: so another site cannot sign a browser in to an account of its choosing.
LOGIN_COOKIE = "eg_login_csrf"


def _login_page(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = page(request, "login.html", None, status, login_csrf=token, **context)
    response.set_cookie(
        LOGIN_COOKIE, token, httponly=True, samesite="strict", max_age=3600,
        secure=request.url.scheme == "https", path="/login",
    )  # fmt: skip
    return response


async def login_form(request: Request) -> Response:
    return _login_page(request, next=safe_next(request.query_params.get("next")))


async def login(request: Request) -> Response:
    form = await read_form(request)
    sent = str((await request.form()).get("csrf", ""))
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(sent, expected):
        expired = PermissionDenied("The sign-in form expired: sign in again.")
        return _login_page(
            request, status_of(expired), error=str(expired),
            next=safe_next(form.get("next")), username=form.get("username", ""),
        )  # fmt: skip
    service = request.app.state.service
    target = safe_next(form.get("next"))
    address = request.client.host if request.client else "unknown"
    try:
        session = service.accounts.sign_in(
            form.get("username", ""), form.get("password", ""), address
        )
    except (AuthenticationFailed, TooManyAttempts) as exc:
        status = 429 if isinstance(exc, TooManyAttempts) else 401
        return _login_page(
            request, status, error=str(exc), next=target, username=form.get("username", "")
        )
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
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
    who = await guard(request)
    if isinstance(who, Response):
        return who
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        request.app.state.service.accounts.sign_out(token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


async def home(request: Request) -> Response:
    who = await guard(request)
    if isinstance(who, Response):
        return who
    svc = who.service
    counts: dict[str, Any] = {}
    if allowed(who.actor, "read_licences"):
        counts["licences"] = len(svc.licensing.find())
    if allowed(who.actor, "read_reports"):
        counts["open reviews"] = len(svc.licensing.reviews())
    if allowed(who.actor, "read_counterparties"):
        counts["open alerts"] = len(svc.monitoring.alerts())
    if allowed(who.actor, "read_cases"):
        by_state = svc.cases.counts()
        counts["open cases"] = by_state.get("open", 0) + by_state.get("escalated", 0)
        counts["cases awaiting a second officer"] = by_state.get("pending_confirmation", 0)
    return page(request, "index.html", who, counts=counts, snapshots=svc.snapshots_in_force())


# --- decisions ----------------------------------------------------------------------------------


async def decide_page(request: Request) -> Response:
    who = await guard(request, "decide")
    if isinstance(who, Response):
        return who
    form = await read_form(request) if request.method == "POST" else {}
    known = sorted(who.service.decisions.regimes())
    result = None
    if form:
        try:
            items = [i.strip() for i in form.get("items", "").replace(",", " ").split() if i]
            question = DecisionInput(
                items=items,
                to=form.get("to", ""),
                on=parse_date(form.get("date"), "date") or who.service.clock().date(),
                regimes=[r for r in known if form.get(f"r_{r}")],
                end_users=form_lines(form.get("end_users", "")),
                consignees=form_lines(form.get("consignees", "")),
                intermediaries=form_lines(form.get("intermediaries", "")),
                end_user_type=form.get("end_user_type") or None,
                end_use=form.get("end_use") or None,
                authority_informed=bool(form.get("authority_informed")),
                exporter_country=form.get("exporter_country") or None,
                item_origin=form.get("item_origin") or None,
            )
            decision = who.service.decisions.decide(question).to_dict()
            result = who.service.cases.review_decision(decision)
        except ExportGuardError as exc:
            return page(request, "decide.html", who, status_of(exc), form=form, error=str(exc),
                        regimes=known)  # fmt: skip
    return page(request, "decide.html", who, form=form, result=result, regimes=known,
                may_open=allowed(who.actor, "open_case"),
                may_apply=allowed(who.actor, "apply"))  # fmt: skip


# --- impact ----------------------------------------------------------------------------------


async def impact_page(request: Request) -> Response:
    who = await guard(request, "impact")
    if isinstance(who, Response):
        return who
    form = await read_form(request) if request.method == "POST" else {}
    result: ListImpactJson | RegimeImpactJson | None = None
    if form:
        try:
            if form.get("kind") == "lists":
                result = who.service.impact.lists(
                    parse_whole(form.get("from_snapshot", ""), "from_snapshot"),
                    parse_whole(form.get("to_snapshot", ""), "to_snapshot"),
                    dry_run=not form.get("act"),
                )
            else:
                result = who.service.impact.regime(
                    form.get("regime", ""),
                    since=parse_date(form.get("from"), "from"),
                    until=parse_date(form.get("to"), "to"),
                    dry_run=not form.get("act"),
                )
        except ExportGuardError as exc:
            return page(request, "impact.html", who, status_of(exc), form=form, error=str(exc),
                        snapshots=who.service.snapshots(),
                        regimes=list(who.service.decisions.regimes()))  # fmt: skip
    return page(request, "impact.html", who, form=form, result=result,
                snapshots=who.service.snapshots(),
                regimes=list(who.service.decisions.regimes()))  # fmt: skip


# --- map, lists, audit, counterparties --------------------------------------------------------


async def counterparties_page(request: Request) -> Response:
    who = await guard(request, "read_counterparties")
    if isinstance(who, Response):
        return who
    if request.method == "POST":
        form = await read_form(request)
        try:
            require(who.actor, "manage_counterparties")
            who.service.monitoring.add(
                exporter=who.named_exporter(form.get("exporter", "")),
                name=form.get("name", ""),
                role=form.get("role", "customer"),
                country=form.get("country") or None,
            )
        except ExportGuardError as exc:
            return _counterparties(request, who, status_of(exc), error=str(exc), form=form)
        return RedirectResponse("/counterparties", status_code=303)
    return _counterparties(request, who)


def _counterparties(
    request: Request, who: Caller, status: int = 200, error: str | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:  # fmt: skip
    monitoring = who.service.monitoring  # an exporter's own company's (the use cases)
    return page(
        request,
        "counterparties.html",
        who,
        status,
        parties=monitoring.find(),
        alerts=monitoring.alerts() + monitoring.alerts(status="acknowledged"),
        resolved=monitoring.alerts(status="resolved")[-RESOLVED_SHOWN:][::-1],
        undelivered=monitoring.undelivered(),
        expiring=monitoring.clearances_expiring(30),
        may_act=allowed(who.actor, "manage_counterparties"),
        message=request.query_params.get("message"),
        error=error,
        form=form or {},
    )


#: Resolved alerts listed on the counterparties page, newest first (the API has them all).
RESOLVED_SHOWN = 50


#: The largest counterparty file the page takes (``edge.limits`` caps the body the same).
MAX_UPLOAD = 64 * 1024 * 1024


async def counterparty_import(request: Request) -> Response:
    """Upload a CSV of counterparties: checked at once (a bad file is shown with its lines
    and fields, and nothing is added), then imported by a job whose progress page follows."""
    who = await guard(request, "manage_counterparties")
    if isinstance(who, Response):
        return who
    form = await request.form()
    upload = form.get("file")
    try:
        return await _submit_import(request, who, form, upload)
    finally:
        await form.close()  # the upload's spooled temporary file


async def _submit_import(request: Request, who: Caller, form: Any, upload: Any) -> Response:
    try:
        if not isinstance(upload, StarletteUpload) or not upload.filename:
            raise InvalidInput("choose a CSV file to import", field="file")
        data = await upload.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            raise InvalidInput(f"larger than {MAX_UPLOAD} bytes", field="file")
        given = str(form.get("exporter") or "").strip()
        job_id = who.service.jobs.submit_import(  # an exporter: its own company's only
            data, file=upload.filename, owner=who.actor.username, exporter=given or None,
        )  # fmt: skip
    except ExportGuardError as exc:
        return _counterparties(request, who, status_of(exc), error=str(exc))
    return RedirectResponse(f"/counterparties/imports/{job_id}", status_code=303)


async def counterparty_import_page(request: Request) -> Response:
    """A bulk import's progress (the page reloads itself until the job is done)."""
    who = await guard(request, "read_counterparties")
    if isinstance(who, Response):
        return who
    job_id = request.path_params["job_id"]
    try:
        job = who.service.jobs.get(job_id)  # an exporter reaches only its own (Jobs.get)
        if job.kind is not IMPORT_JOB:
            raise NotFound(f"no import {job_id!r}")
    except ExportGuardError as exc:
        return error_page(request, who, exc)
    done = job.status is JobStatus.DONE and job.result
    summary = json.loads(job.result) if done and job.result else None
    return page(request, "counterparty_import.html", who, job=job, summary=summary,
                running=job.running)  # fmt: skip


async def alert_action(request: Request) -> Response:
    """Acknowledge an alert (it is decided through its case: ``web.cases``)."""
    who = await guard(request, "manage_counterparties")
    if isinstance(who, Response):
        return who
    form = await read_form(request)
    try:
        alert_id = parse_whole(request.path_params["alert_id"], "alert")
        if form.get("action", "") != "acknowledge":
            raise InvalidInput("acknowledge it, or review it as a case", field="action")
        who.service.monitoring.acknowledge(alert_id, reason=form.get("reason", ""))
    except ExportGuardError as exc:
        return _counterparties(request, who, status_of(exc), error=str(exc))
    return RedirectResponse(f"/counterparties?message=Alert+{alert_id}:+acknowledged",
                            status_code=303)  # fmt: skip


ROUTES: tuple[tuple[str, list[str], Any], ...] = (
    ("/login", ["GET"], login_form), ("/login", ["POST"], login), ("/logout", ["POST"], logout),
    ("/", ["GET"], home), ("/decide", ["GET", "POST"], decide_page),
    ("/alerts/{alert_id}", ["POST"], alert_action),
    ("/impact", ["GET", "POST"], impact_page),
    ("/counterparties", ["GET", "POST"], counterparties_page),
    ("/counterparties/import", ["POST"], counterparty_import),
    ("/counterparties/imports/{job_id}", ["GET"], counterparty_import_page),
)  # fmt: skip
