"""Hit review cases on the web: the case inbox (filters, pages), opening a case from any
hit, a case's page (decide, confirm or send back, assign, its history) and the clearances in
force. The pages call ``services.hit_cases``, which checks roles, tenancy and four-eyes."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from exportguard.core.case_records import CaseDetail, HitCase
from exportguard.core.hit_cases import REASON_CODES, REASONS, WORDS, CaseState, Disposition
from exportguard.core.permissions import allowed, require
from exportguard.edge.auth import Caller
from exportguard.edge.errors import status_of
from exportguard.errors import ExportGuardError, InvalidInput
from exportguard.web.common import (
    error_page,
    guard,
    page,
    parse_date,
    parse_whole,
    read_form,
)

#: Cases (and clearances) on one page.
PAGE = 25


def _page_number(request: Request) -> int:
    try:
        return parse_whole(request.query_params.get("page", "1"), "page")
    except InvalidInput:
        return 1


async def inbox(request: Request) -> Response:
    """The cases the caller reaches, filtered by state, list and assignee, a page at a time."""
    who = await guard(request, "read_cases")
    if isinstance(who, Response):
        return who
    q = request.query_params
    number = _page_number(request)
    filters = {"state": q.get("state", ""), "list": q.get("list", "").strip(),
               "assignee": q.get("assignee", "")}  # fmt: skip
    error, status, total = None, 200, 0
    items: list[HitCase] = []
    try:
        items, total = who.service.cases.find(
            state=filters["state"] or None, list_text=filters["list"] or None,
            assignee=filters["assignee"] or None, limit=PAGE, offset=(number - 1) * PAGE,
        )  # fmt: skip
    except ExportGuardError as exc:
        error, status = str(exc), status_of(exc)
    scope = who.actor.exporter if who.actor.is_exporter else None
    query = "&".join(f"{k}={quote(v)}" for k, v in filters.items() if v)
    return page(
        request, "cases.html", who, status, error=error, cases=items, total=total,
        number=number, pages=max(1, -(-total // PAGE)), filters=filters, query=query,
        counts=who.service.cases.counts(), states=[(s.value, WORDS[s]) for s in CaseState],
        assignees=who.service.cases.assignees(scope),
        sources=sorted({s.source for s in who.service.snapshots_in_force()}),
    )  # fmt: skip


async def open_case(request: Request) -> Response:
    """Open a case from a hit (a screening's, a decision's, a counterparty alert's ...), or
    go to the case it already has."""
    who = await guard(request, "open_case")
    if isinstance(who, Response):
        return who
    form = await read_form(request)
    try:
        alert = form.get("alert_id")
        case, created = who.service.cases.open(
            form.get("origin", ""), form.get("ref", ""), form.get("entry_id", ""),
            row=form.get("row") or None, party=form.get("party") or None,
            alert_id=parse_whole(alert, "alert_id") if alert else None,
        )  # fmt: skip
    except ExportGuardError as exc:
        return error_page(request, who, exc)
    said = "Case opened" if created else "This hit already has this case"
    return RedirectResponse(f"/cases/{case.id}?message={quote(said)}", status_code=303)


def _case_page(
    request: Request, who: Caller, case: CaseDetail, status: int = 200,
    error: str | None = None, form: dict[str, str] | None = None,
) -> HTMLResponse:  # fmt: skip
    actor = who.actor
    state = case.state
    decider = case.decided_by == actor.username
    return page(
        request, "case.html", who, status, case=case, error=error, form=form or {},
        message=request.query_params.get("message"), words=WORDS,
        reasons=[(d, WORDS[d], [r for r in REASON_CODES if d in r.dispositions])
                 for d in Disposition],
        assignees=who.service.cases.assignees(case.exporter),
        may_decide=allowed(actor, "decide_case")
        and state in (CaseState.OPEN, CaseState.ESCALATED),
        may_confirm=allowed(actor, "confirm_case") and state is CaseState.PENDING and not decider,
        waits_for_other=state is CaseState.PENDING and decider,
        may_assign=allowed(actor, "assign_case") and state is not CaseState.CLOSED,
    )  # fmt: skip


async def case_page(request: Request) -> Response:
    who = await guard(request, "read_cases")
    if isinstance(who, Response):
        return who
    try:
        case = who.service.cases.get(request.path_params["case_id"])
    except ExportGuardError as exc:
        return error_page(request, who, exc)
    return _case_page(request, who, case)


#: What each action's button says once done.
_DONE = {
    "decide": "Decision recorded",
    "confirm": "Decision confirmed: case closed",
    "send_back": "Sent back: the case is open again",
    "assign": "Assignment saved",
}


async def case_action(request: Request) -> Response:
    """Decide, confirm, send back or assign; a refused action comes back to the case's page
    with its message (and the form as filled in)."""
    who = await guard(request, "read_cases")
    if isinstance(who, Response):
        return who
    case_id = request.path_params["case_id"]
    form: dict[str, str] = {}
    try:
        form = await read_form(request)
        action = form.get("action", "")
        version = parse_whole(form["version"], "version") if form.get("version") else None
        cases = who.service.cases
        if action == "decide":
            require(who.actor, "decide_case")
            _reason_fits(form.get("disposition", ""), form.get("reason_code", ""))
            cases.decide(
                case_id, form.get("disposition", ""), reason_code=form.get("reason_code", ""),
                note=form.get("note", ""),
                expires_on=parse_date(form.get("expires_on"), "expires_on"),
                assignee=form.get("assignee") or None, version=version,
            )  # fmt: skip
        elif action == "confirm":
            require(who.actor, "confirm_case")
            cases.confirm(case_id, note=form.get("note", ""), version=version)
        elif action == "send_back":
            require(who.actor, "confirm_case")
            cases.send_back(case_id, note=form.get("note", ""), version=version)
        elif action == "assign":
            require(who.actor, "assign_case")
            cases.assign(case_id, form.get("assignee") or None, version=version)
        else:
            raise InvalidInput("choose decide, confirm, send back or assign", field="action")
    except ExportGuardError as exc:
        try:
            case = who.service.cases.get(case_id)
        except ExportGuardError:
            return error_page(request, who, exc)
        return _case_page(request, who, case, status_of(exc), error=str(exc), form=form)
    return RedirectResponse(f"/cases/{case_id}?message={quote(_DONE[action])}", status_code=303)


def _reason_fits(disposition: str, code: str) -> None:
    """The form's reason, checked as the service checks it but said in the form's words
    (the API's message lists the codes): :class:`InvalidInput` naming ``reason_code``."""
    try:
        chosen = Disposition(disposition)
    except ValueError:
        return  # the service names the disposition
    reason = REASONS.get(code)
    if reason is None or chosen not in reason.dispositions:
        fitting = "; ".join(f"“{r.label}”" for r in REASON_CODES if chosen in r.dispositions)
        raise InvalidInput(f"choose a reason for a {WORDS[chosen]}: {fitting}",
                           field="reason_code")  # fmt: skip


async def clearances_page(request: Request) -> Response:
    """The clearances in force (reviewed false positives), newest first, a page at a time."""
    who = await guard(request, "read_cases")
    if isinstance(who, Response):
        return who
    number = _page_number(request)
    items, total = who.service.cases.clearances(limit=PAGE, offset=(number - 1) * PAGE)
    expiring = who.service.monitoring.clearances_expiring(30)
    return page(request, "clearances.html", who, clearances=items, total=total, number=number,
                pages=max(1, -(-total // PAGE)), expiring=expiring)  # fmt: skip


ROUTES: tuple[tuple[str, list[str], Any], ...] = (
    ("/cases", ["GET"], inbox), ("/cases", ["POST"], open_case),
    ("/cases/{case_id}", ["GET"], case_page), ("/cases/{case_id}", ["POST"], case_action),
    ("/clearances", ["GET"], clearances_page),
)  # fmt: skip
