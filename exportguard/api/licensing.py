"""The REST API of licences: applications, events, shipments and amendment requests, and
of misuse reports and the licence reviews they open (``services.licensing``). An exporter
reaches its own company's licences (others' are 404) and the events a role may apply are
``core.permissions``': the use cases check both, whoever calls them."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response

from exportguard.api import schemas as s
from exportguard.api.common import Limit, Offset, page
from exportguard.api.schemas.licensing import licence_out, licence_row, report_out, review_out
from exportguard.edge.auth import Caller, allowed
from exportguard.errors import InvalidInput

router = APIRouter(prefix="/api/v1", responses=s.ERRORS)


# --- licences -------------------------------------------------------------------------------------


@router.get("/licences", tags=["licences"], response_model=s.Page[s.LicenceRow])
def licences(
    who: Caller = allowed("read_licences"),
    state: str | None = None,
    regime: str | None = None,
    exporter: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> s.Page[s.LicenceRow]:
    found = who.service.licensing.find(exporter=exporter, state=state, regime=regime)
    return s.Page[s.LicenceRow].model_validate(page([licence_row(x) for x in found], limit, offset))


@router.post("/licences", status_code=201, tags=["licences"], response_model=s.LicenceOut)
def apply_licence(
    body: s.ApplicationRequest, response: Response, who: Caller = allowed("apply")
) -> s.LicenceOut:
    """Open a draft application (an exporter applies for its own company)."""
    lic = who.service.licensing.apply(
        exporter=who.named_exporter(body.exporter or None),
        kind=body.kind,
        regime=body.regime,
        items=body.items,
        destination=body.destination,
        end_user=body.end_user,
        end_user_type=body.end_user_type,
        end_use=body.end_use,
        parties=body.parties,
        value=body.value,
        quantity=body.quantity,
        parent=body.parent,
    )
    response.headers["Location"] = f"/api/v1/licences/{lic.id}"
    response.headers["ETag"] = f'"{lic.version}"'
    return licence_out(who.service.licensing.view(lic.id))


@router.get("/licences/{licence_id}", tags=["licences"], response_model=s.LicenceOut)
def licence(
    licence_id: str,
    response: Response,
    who: Caller = allowed("read_licences"),
    as_of: date | None = None,
) -> s.LicenceOut:
    """A licence with its events, conditions, shipments and balance; ETag = version."""
    view = who.service.licensing.view(licence_id, as_of)
    response.headers["ETag"] = f'"{view["version"]}"'
    return licence_out(view)


@router.post("/licences/{licence_id}/events", tags=["licences"], response_model=s.LicenceOut)
def licence_event(
    licence_id: str,
    body: s.EventRequest,
    response: Response,
    who: Caller = allowed("read_licences"),
    if_match: Annotated[str | None, Header()] = None,
) -> s.LicenceOut:
    """Apply an event (submit, review, approve, refuse, suspend, revoke ...). Send the
    version you read (``If-Match`` or ``version``): 409 if someone changed it since."""
    version = body.version
    if if_match is not None:
        try:
            version = int(if_match.strip().strip("W/").strip('"'))
        except ValueError:
            raise InvalidInput("If-Match must be the licence version", field="If-Match") from None
    conditions = body.conditions.to_core() if body.conditions is not None else None
    lic = who.service.licensing.transition(
        licence_id,
        body.event,
        reason=body.reason,
        on=body.date,
        conditions=conditions,
        expected_version=version,
    )
    response.headers["ETag"] = f'"{lic.version}"'
    return licence_out(who.service.licensing.view(licence_id))


@router.post(
    "/licences/{licence_id}/shipments", status_code=201, tags=["licences"], response_model=s.ShipOut
)
def ship(licence_id: str, body: s.ShipmentRequest, who: Caller = allowed("ship")) -> s.ShipOut:
    """Record a shipment; 422 with every reason if the licence does not cover it."""
    left = who.service.licensing.ship(
        licence_id,
        shipped_on=body.shipped_on,
        value=body.value,
        quantity=body.quantity,
        end_user=body.end_user,
        end_use=body.end_use,
    )
    return s.ShipOut.model_validate({"licence": licence_id, "balance": left})


# --- amendment requests -------------------------------------------------------------------


@router.post(
    "/licences/{licence_id}/amendment-requests",
    status_code=201,
    tags=["licences"],
    response_model=s.AmendmentRequestOut,
)
def request_amendment(
    licence_id: str, body: s.AmendmentRequestBody, who: Caller = allowed("request_amendment")
) -> s.AmendmentRequestOut:
    """An exporter asks for its issued licence's conditions to change; an officer decides.
    The licence itself is unchanged until then."""
    request = who.service.licensing.request_amendment(
        licence_id, body.conditions.to_core(), reason=body.reason
    )
    return s.AmendmentRequestOut.of(request)


@router.get("/amendment-requests", tags=["licences"], response_model=s.AmendmentRequestPage)
def amendment_requests(
    who: Caller = allowed("read_licences"),
    status: Annotated[str | None, Query(max_length=16)] = "open",
    licence: Annotated[str | None, Query(max_length=32)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> s.AmendmentRequestPage:
    """Amendment requests (``status``: open, approved, refused or all); an exporter's own."""
    found = who.service.licensing.amendment_requests(
        licence=licence, status=None if status == "all" else status
    )
    return s.AmendmentRequestPage(
        items=[s.AmendmentRequestOut.of(r) for r in found[offset : offset + limit]],
        total=len(found), limit=limit, offset=offset,
    )  # fmt: skip


@router.get(
    "/amendment-requests/{request_id}", tags=["licences"], response_model=s.AmendmentRequestOut
)
def amendment_request(
    request_id: Annotated[str, Path(max_length=32)], who: Caller = allowed("read_licences")
) -> s.AmendmentRequestOut:
    return s.AmendmentRequestOut.of(who.service.licensing.amendment_request(request_id))


@router.post(
    "/amendment-requests/{request_id}/decision",
    tags=["licences"],
    response_model=s.AmendmentRequestOut,
)
def decide_amendment(
    request_id: Annotated[str, Path(max_length=32)],
    body: s.AmendmentDecisionBody,
    who: Caller = allowed("decide_amendment"),
) -> s.AmendmentRequestOut:
    """An officer approves (the licence is amended, one transaction) or refuses a request."""
    decided = who.service.licensing.decide_amendment(
        request_id, approve=body.outcome == "approve", reason=body.reason
    )
    return s.AmendmentRequestOut.of(decided)


# --- misuse reports and reviews ----------------------------------------------------------------


@router.get("/reports", tags=["reviews"], response_model=s.Page[s.ReportOut])
def reports(
    who: Caller = allowed("read_reports"), limit: Limit = 50, offset: Offset = 0
) -> s.Page[s.ReportOut]:
    """The misuse reports, by id."""
    found = [report_out(r) for r in who.service.licensing.reports()]
    return s.Page[s.ReportOut].model_validate(page(found, limit, offset))


@router.post("/reports", status_code=201, tags=["reviews"], response_model=s.ReportOut)
def report(body: s.ReportRequest, who: Caller = allowed("report_misuse")) -> s.ReportOut:
    """Record a misuse report: matched to licences, each match opens a review."""
    made = who.service.licensing.report_misuse(
        source=body.source,
        reported_on=body.reported_on,
        country=body.country,
        suspected_operator=body.suspected_operator,
        product=body.product,
        evidence=body.evidence,
        confidence=body.confidence,
    )
    return report_out(made)


@router.get("/reviews", tags=["reviews"], response_model=s.Page[s.ReviewOut])
def reviews(
    who: Caller = allowed("read_reports"),
    status: Annotated[str | None, Query(max_length=16)] = "open",
    limit: Limit = 50,
    offset: Offset = 0,
) -> s.Page[s.ReviewOut]:
    """The review queue (``status``: open, closed or all), by id."""
    found = who.service.licensing.reviews(None if status == "all" else status)
    return s.Page[s.ReviewOut].model_validate(page([review_out(r) for r in found], limit, offset))


@router.post("/reviews/{review_id}/close", tags=["reviews"], response_model=s.ReviewOut)
def close_review(
    review_id: str, body: s.CloseReview, who: Caller = allowed("close_review")
) -> s.ReviewOut:
    """Close a review with an outcome, applied to its licence as an event."""
    closed = who.service.licensing.close_review(review_id, body.outcome, reason=body.reason)
    return review_out(closed)
