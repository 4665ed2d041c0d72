"""The REST API of hit review cases (``services.hit_cases``) and clearances in force.

An exporter reaches its own company's cases (others' are 404); officers all; auditors read.
Confirming or sending back a decision by the officer who made it is 403
``second_officer_required`` (four-eyes); a case changed since it was read (``version``)
is 409.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from exportguard.api import schemas as s
from exportguard.api.common import Limit, Offset
from exportguard.api.schemas.cases import case_detail_out, case_out, reason_code_out
from exportguard.api.schemas.monitoring import clearance_out
from exportguard.edge.auth import Caller, allowed

router = APIRouter(prefix="/api/v1", responses=s.ERRORS, tags=["cases"])

CaseId = Annotated[str, Path(max_length=32)]


@router.get("/cases", response_model=s.CasePage)
def cases(
    who: Caller = allowed("read_cases"),
    state: Annotated[
        str | None,
        Query(max_length=32, description="open, escalated, pending_confirmation, closed"),
    ] = None,
    list_: Annotated[
        str | None,
        Query(
            alias="list",
            max_length=200,
            description="A source id or a text of the list's name ('Entity List').",
        ),
    ] = None,
    assignee: Annotated[
        str | None, Query(max_length=200, description="A user name, 'me' or 'none' (unassigned).")
    ] = None,
    exporter: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> s.CasePage:
    """The case inbox, most recently changed first, with the number of cases per state."""
    items, total = who.service.cases.find(
        state=state, list_text=list_, assignee=assignee, exporter=exporter, limit=limit,
        offset=offset,
    )  # fmt: skip
    return s.CasePage.model_validate({
        "items": [case_out(c) for c in items], "total": total, "limit": limit,
        "offset": offset, "counts": who.service.cases.counts(),
    })  # fmt: skip


@router.post("/cases", status_code=201, response_model=s.CaseOut)
def open_case(
    body: s.CaseOpenRequest, response: Response, who: Caller = allowed("open_case")
) -> s.CaseOut:
    """Open a case on one screening hit (201), or return the case it already has (200)."""
    case, created = who.service.cases.open(
        body.origin, body.ref, body.entry_id, row=body.row, party=body.party,
        alert_id=body.alert_id,
    )  # fmt: skip
    if not created:
        response.status_code = 200
    response.headers["Location"] = f"/api/v1/cases/{case.id}"
    return case_out(case)


@router.get("/cases/reasons", response_model=s.Items[s.ReasonCodeOut])
def reasons(who: Caller = allowed("read_cases")) -> s.Items[s.ReasonCodeOut]:
    """The reason codes a decision gives, each with the dispositions it fits."""
    found = [reason_code_out(r) for r in who.service.cases.reasons()]
    return s.Items[s.ReasonCodeOut](items=found)


@router.get("/cases/{case_id}", response_model=s.CaseDetailOut)
def case(
    case_id: CaseId, response: Response, who: Caller = allowed("read_cases")
) -> s.CaseDetailOut:
    """A case with its history, the list entry as reviewed, and its clearance."""
    found = who.service.cases.get(case_id)
    response.headers["ETag"] = f'"{found.version}"'
    return case_detail_out(found)


@router.post("/cases/{case_id}/decision", response_model=s.CaseDetailOut)
def decide_case(
    case_id: CaseId, body: s.CaseDecisionRequest, who: Caller = allowed("decide_case")
) -> s.CaseDetailOut:
    """Decide: true match, false positive or escalate, with a reason code and a note. A true
    match, and a false positive on a sanctions listing, wait for a second officer."""
    return case_detail_out(who.service.cases.decide(
        case_id, body.disposition, reason_code=body.reason_code, note=body.note,
        expires_on=body.expires_on, assignee=body.assignee, version=body.version,
    ))  # fmt: skip


@router.post("/cases/{case_id}/confirm", response_model=s.CaseDetailOut)
def confirm_case(
    case_id: CaseId, body: s.CaseConfirmRequest, who: Caller = allowed("confirm_case")
) -> s.CaseDetailOut:
    """A second officer confirms the pending decision (403 for the officer who made it)."""
    return case_detail_out(
        who.service.cases.confirm(case_id, note=body.note, version=body.version)
    )


@router.post("/cases/{case_id}/send-back", response_model=s.CaseDetailOut)
def send_back_case(
    case_id: CaseId, body: s.CaseSendBackRequest, who: Caller = allowed("confirm_case")
) -> s.CaseDetailOut:
    """A second officer does not confirm: the case is open again, with the reason."""
    return case_detail_out(
        who.service.cases.send_back(case_id, note=body.note, version=body.version)
    )


@router.post("/cases/{case_id}/assign", response_model=s.CaseDetailOut)
def assign_case(
    case_id: CaseId, body: s.CaseAssignRequest, who: Caller = allowed("assign_case")
) -> s.CaseDetailOut:
    """Give the case to a user who may review it (null: nobody)."""
    return case_detail_out(
        who.service.cases.assign(case_id, body.assignee, note=body.note, version=body.version)
    )


@router.get("/clearances/active", tags=["counterparties"], response_model=s.Page[s.ClearanceOut])
def active_clearances(
    who: Caller = allowed("read_cases"),
    exporter: Annotated[str | None, Query(max_length=200)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> s.Page[s.ClearanceOut]:
    """Clearances in force (reviewed false positives), of counterparties and screened
    parties, newest first, each with the case that made it."""
    items, total = who.service.cases.clearances(exporter=exporter, limit=limit, offset=offset)
    return s.Page[s.ClearanceOut](items=[clearance_out(c) for c in items], total=total,
                                  limit=limit, offset=offset)  # fmt: skip
