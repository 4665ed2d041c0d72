"""Licences on the web: the list, a new application (blank, or pre-filled from a decision),
a licence's page (timeline, conditions, balance, events, shipments, amendment requests) and
the licensing officer's queue (applications awaiting a decision, open reviews, misuse
reports). A refused action comes back to its page with the message naming the field, and
the form as filled in. The use cases check roles, tenancy (another company's licence is
"not found") and the transition table; these pages check only the coarse permission of
each page (``guard``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from exportguard.core.licensing import (
    LICENCE_KINDS,
    PENDING,
    Conditions,
    Event,
    State,
    allowed_events,
)
from exportguard.core.permissions import (
    EVENT_ROLES,
    allowed,
    may_take,
)
from exportguard.core.regimes import END_USER_TYPES, END_USES
from exportguard.edge.auth import Caller
from exportguard.edge.errors import status_of
from exportguard.errors import ExportGuardError, InvalidInput
from exportguard.services.misuse import review_outcomes
from exportguard.web.common import (
    error_page,
    form_lines,
    guard,
    page,
    parse_date,
    parse_number,
    parse_whole,
    read_form,
)
from exportguard.web.paging import csv_response, pager, wants_csv
from exportguard.web.vocabulary import num

#: Licences on one page of the list.
LICENCES_PAGE = 50
LICENCE_COLUMNS = ("id", "state", "kind", "regime", "items", "destination", "end_user",
                   "exporter")  # fmt: skip


async def licences_page(request: Request) -> Response:
    """Licences and applications the caller reaches, a page at a time, filtered by state,
    regime, destination and a text in the id, end user or exporter (``format=csv``: every
    matching one). A bad filter comes back to the page naming the field."""
    who = await guard(request, "read_licences")
    if isinstance(who, Response):
        return who
    q = request.query_params
    filters = {k: q.get(k, "").strip() for k in ("state", "regime", "destination", "q")}
    try:
        if filters["state"] and filters["state"] not in set(State):
            raise InvalidInput(f"no licence state {filters['state']!r}", field="state")
        found = who.service.licensing.find(
            state=filters["state"] or None,
            regime=filters["regime"] or None,
            destination=filters["destination"].upper() or None,
        )  # fmt: skip
        needle = filters["q"].casefold()
        rows = [lic for lic in found if not needle or any(
            needle in str(v).casefold() for v in (lic.id, lic.end_user, lic.exporter))]  # fmt: skip
        if wants_csv(request):
            return csv_response("licences.csv", LICENCE_COLUMNS, (
                {**{c: getattr(lic, c) for c in LICENCE_COLUMNS}, "state": lic.state.value,
                 "items": " ".join(lic.items)} for lic in rows))  # fmt: skip
        at = pager(request, len(rows), LICENCES_PAGE, filters)
    except ExportGuardError as exc:
        return page(request, "licences.html", who, status_of(exc), error=str(exc),
                    filters=filters, licences=[], pager=None, states=list(State),
                    regimes=sorted(who.service.decisions.regimes()),
                    may_apply=allowed(who.actor, "apply"))  # fmt: skip
    return page(request, "licences.html", who, filters=filters, pager=at, states=list(State),
                licences=rows[at.offset:at.offset + at.size],
                regimes=sorted(who.service.decisions.regimes()),
                may_apply=allowed(who.actor, "apply"))  # fmt: skip


def _new_form(
    request: Request, who: Caller, form: dict[str, str], status: int = 200,
    error: str | None = None,
) -> HTMLResponse:  # fmt: skip
    return page(request, "licence_new.html", who, status, form=form, error=error,
                kinds=LICENCE_KINDS, regimes=sorted(who.service.decisions.regimes()),
                end_user_types=END_USER_TYPES, end_uses=END_USES)  # fmt: skip


async def licence_new(request: Request) -> Response:
    """The application form: blank, or (``?decision=ID``) filled in from a decision's
    question (items, destination, end user, end use, other parties, regime); submitting
    it opens a draft."""
    who = await guard(request, "apply")
    if isinstance(who, Response):
        return who
    if request.method == "GET":
        decision = request.query_params.get("decision", "").strip()
        if not decision:
            return _new_form(request, who, {})
        try:
            given = who.service.licensing.application_from(decision)
        except ExportGuardError as exc:
            return _new_form(request, who, {}, status_of(exc), error=str(exc))
        form = {k: v for k, v in given.items() if isinstance(v, str)}
        form |= {"items": " ".join(given["items"]), "parties": "\n".join(given["parties"])}
        form["notes"] = "; ".join(given.get("notes", []))
        return _new_form(request, who, form)
    form = {}
    try:
        form = await read_form(request)
        lic = who.service.licensing.apply(
            exporter=who.named_exporter(form.get("exporter", "")), kind=form.get("kind", "export"),
            regime=form.get("regime", ""), items=form.get("items", "").replace(",", " ").split(),
            destination=form.get("destination", ""), end_user=form.get("end_user", ""),
            end_user_type=form.get("end_user_type") or None,
            end_use=form.get("end_use") or None, parties=form_lines(form.get("parties", "")),
            value=parse_number(form.get("value"), "value"), parent=form.get("parent") or None,
        )  # fmt: skip
    except ExportGuardError as exc:
        return _new_form(request, who, form, status_of(exc), error=str(exc))
    origin = f" from decision {form['decision']}" if form.get("decision") else ""
    said = f"Draft opened{origin}; no licensing decision is made yet"
    return RedirectResponse(f"/licences/{lic.id}?message={quote(said)}", status_code=303)


def _licence_view(
    request: Request, who: Caller, licence_id: str, status: int = 200,
    error: str | None = None, form: dict[str, str] | None = None,
) -> HTMLResponse:  # fmt: skip
    """The licence's page (404 page for a licence the caller does not reach), with an
    action's error and the form as filled in."""
    try:
        lic = who.service.licensing.get(licence_id)
        view = who.service.licensing.view(licence_id)
    except ExportGuardError as exc:
        return error_page(request, who, exc)
    events = [e.value for e in allowed_events(lic.state) if may_take(who.actor, lic.state, e)]
    # The conditions fields (validity, value cap) for the roles that approve licences only.
    may_condition = who.actor.role in EVENT_ROLES[(State.UNDER_REVIEW, Event.APPROVE)] and any(
        e in events for e in ("approve", "restrict", "amend"))  # fmt: skip
    requests = who.service.licensing.amendment_requests(licence=licence_id, status=None)
    return page(
        request, "licence.html", who, status, lic=view, events=events, requests=requests,
        may_request=allowed(who.actor, "request_amendment")
        and view["state_on"]["state"] in ("issued", "suspended"),
        may_decide=allowed(who.actor, "decide_amendment"),
        may_ship=allowed(who.actor, "ship") and lic.state is State.ISSUED,
        may_condition=may_condition,
        today=who.service.clock().date().isoformat(), end_uses=END_USES,
        message=request.query_params.get("message"), error=error, form=form or {},
    )  # fmt: skip


async def licence_page(request: Request) -> Response:
    who = await guard(request, "read_licences")
    if isinstance(who, Response):
        return who
    return _licence_view(request, who, request.path_params["licence_id"])


async def shipment(request: Request) -> Response:
    """Record a shipment on an issued licence; a refusal (not covered: state, dates, the
    remaining balance, permitted end users and end uses) comes back to the licence's page
    with every reason, the form as filled in."""
    who = await guard(request, "ship")
    if isinstance(who, Response):
        return who
    licence_id = request.path_params["licence_id"]
    form: dict[str, str] = {}
    try:
        form = await read_form(request)
        shipped_on = parse_date(form.get("shipped_on"), "shipped_on")
        if shipped_on is None:
            raise InvalidInput("the shipment's date is required", field="shipped_on")
        quantity = form.get("quantity", "")
        left = who.service.licensing.ship(
            licence_id, shipped_on=shipped_on, value=parse_number(form.get("value"), "value"),
            quantity=parse_whole(quantity, "quantity", 0) if quantity else None,
            end_user=form.get("end_user") or None, end_use=form.get("end_use") or None,
        )  # fmt: skip
    except ExportGuardError as exc:
        return _licence_view(request, who, licence_id, status_of(exc), error=str(exc), form=form)
    said = "Shipment recorded" + "".join(
        f"; {label} left: {num(amount)}"
        for amount, label in ((left["value_left"], "value"), (left["quantity_left"], "quantity"))
        if amount is not None
    )
    return RedirectResponse(f"/licences/{licence_id}?message={quote(said)}#shipments",
                            status_code=303)  # fmt: skip


async def amendment_request(request: Request) -> Response:
    """An exporter's request to change its issued licence (an officer decides it)."""
    who = await guard(request, "request_amendment")
    if isinstance(who, Response):
        return who
    licence_id = request.path_params["licence_id"]
    form: dict[str, str] = {}
    try:
        form = await read_form(request)
        conditions = Conditions(
            valid_until=parse_date(form.get("valid_until"), "valid_until"),
            max_value=parse_number(form.get("max_value"), "max_value"),
        )
        made = who.service.licensing.request_amendment(
            licence_id, conditions, reason=form.get("reason", "")
        )
    except ExportGuardError as exc:
        return _licence_view(request, who, licence_id, status_of(exc), error=str(exc), form=form)
    said = f"Amendment request {made.id} sent to an officer"
    return RedirectResponse(f"/licences/{licence_id}?message={quote(said)}", status_code=303)


async def amendment_decision(request: Request) -> Response:
    """An officer approves (the licence is amended) or refuses an amendment request."""
    who = await guard(request, "decide_amendment")
    if isinstance(who, Response):
        return who
    request_id = request.path_params["request_id"]
    try:
        form = await read_form(request)
        outcome = form.get("outcome", "")
        if outcome not in ("approve", "refuse"):
            raise InvalidInput("choose approve or refuse", field="outcome")
        decided = who.service.licensing.decide_amendment(
            request_id, approve=outcome == "approve", reason=form.get("reason", "")
        )
    except ExportGuardError as exc:
        try:
            licence_id = who.service.licensing.amendment_request(request_id).licence
        except ExportGuardError:
            return error_page(request, who, exc)
        return _licence_view(request, who, licence_id, status_of(exc), error=str(exc))
    said = f"{decided.id} {decided.status.value}"
    return RedirectResponse(f"/licences/{decided.licence}?message={quote(said)}",
                            status_code=303)  # fmt: skip


async def licence_event(request: Request) -> Response:
    who = await guard(request, "read_licences")
    if isinstance(who, Response):
        return who
    licence_id = request.path_params["licence_id"]
    form: dict[str, str] = {}
    try:
        form = await read_form(request)
        conditions = None
        if form.get("valid_until") or form.get("max_value"):
            conditions = Conditions(
                valid_until=parse_date(form.get("valid_until"), "valid_until"),
                max_value=parse_number(form.get("max_value"), "max_value"),
            )
        who.service.licensing.transition(
            licence_id, form.get("event", ""), reason=form.get("reason", ""), conditions=conditions,
            expected_version=parse_whole(form["version"], "version", 0)
            if form.get("version") else None,
        )  # fmt: skip
    except ExportGuardError as exc:
        return _licence_view(request, who, licence_id, status_of(exc), error=str(exc), form=form)
    return RedirectResponse(f"/licences/{licence_id}", status_code=303)


# --- the officer's queue: applications, reviews, misuse reports ---------------------------------


def _queue(
    request: Request, who: Caller, status: int = 200, error: str | None = None
) -> HTMLResponse:
    licensing = who.service.licensing
    reviews = licensing.reviews("open")
    licences = licensing.find()
    states = {lic.id: lic.state for lic in licences}
    waiting = [lic for lic in licences if lic.state in PENDING - {State.DRAFT}]
    return page(
        request, "reviews.html", who, status, error=error, reviews=reviews, applications=waiting,
        outcomes={r.id: review_outcomes(states[r.subject_id]) if r.subject_id in states
                  else ("no_action",) for r in reviews},
        may_close=allowed(who.actor, "close_review"),
        may_report=allowed(who.actor, "report_misuse"), reports=licensing.reports(),
        message=request.query_params.get("message"),
    )  # fmt: skip


async def reviews_page(request: Request) -> Response:
    """The licensing officer's queue; POST closes a review with an outcome that fits its
    licence's state (an application's: approve or refuse)."""
    who = await guard(request, "read_reports")
    if isinstance(who, Response):
        return who
    if request.method == "GET":
        return _queue(request, who)
    try:
        form = await read_form(request)
        closed = who.service.licensing.close_review(
            form.get("review", ""), form.get("outcome", ""), reason=form.get("reason", "")
        )
    except ExportGuardError as exc:
        return _queue(request, who, status_of(exc), error=str(exc))
    said = f"Review {closed.id} closed ({closed.outcome}) for {closed.subject_id}"
    return RedirectResponse(f"/reviews?message={quote(said)}", status_code=303)


async def report_page(request: Request) -> Response:
    who = await guard(request, "report_misuse")
    if isinstance(who, Response):
        return who
    try:
        form = await read_form(request)
        reported_on = parse_date(form.get("reported_on"), "reported_on")
        who.service.licensing.report_misuse(
            source=form.get("source", ""),
            reported_on=reported_on or who.service.clock().date(),
            country=form.get("country", ""), suspected_operator=form.get("operator", ""),
            product=form.get("product", ""), evidence=form.get("evidence", ""),
            confidence=form.get("confidence", "medium"),
        )  # fmt: skip
    except ExportGuardError as exc:
        return _queue(request, who, status_of(exc), error=str(exc))
    return RedirectResponse("/reviews", status_code=303)


ROUTES: tuple[tuple[str, list[str], Any], ...] = (
    ("/licences", ["GET"], licences_page), ("/licences/new", ["GET", "POST"], licence_new),
    ("/licences/{licence_id}", ["GET"], licence_page),
    ("/licences/{licence_id}/event", ["POST"], licence_event),
    ("/licences/{licence_id}/shipments", ["POST"], shipment),
    ("/licences/{licence_id}/amendment-request", ["POST"], amendment_request),
    ("/amendment-requests/{request_id}/decision", ["POST"], amendment_decision),
    ("/reviews", ["GET", "POST"], reviews_page), ("/reports", ["POST"], report_page),
)  # fmt: skip
