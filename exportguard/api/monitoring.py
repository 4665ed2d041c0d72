"""The REST API of monitoring: counterparties (one or a CSV of them), their alerts and
clearances; an exporter reaches its own company's only (the use cases check it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile

from exportguard.api import schemas as s
from exportguard.api.common import Limit, Offset, Seq, page
from exportguard.api.schemas.monitoring import (
    alert_out,
    clearance_made_out,
    clearance_out,
    counterparty_out,
    counterparty_row,
)
from exportguard.edge.auth import Caller, allowed
from exportguard.errors import InvalidInput

router = APIRouter(prefix="/api/v1", responses=s.ERRORS)


@router.get("/counterparties", tags=["counterparties"], response_model=s.Page[s.CounterpartyRow])
def counterparties(
    who: Caller = allowed("read_counterparties"),
    limit: Limit = 50,
    offset: Offset = 0,
    exporter: str | None = None,
) -> s.Page[s.CounterpartyRow]:
    """The active counterparties (an exporter: its own), by id."""
    found = [counterparty_row(c) for c in who.service.monitoring.find(exporter)]
    return s.Page[s.CounterpartyRow].model_validate(page(found, limit, offset))


@router.post(
    "/counterparties", status_code=201, tags=["counterparties"], response_model=s.CounterpartyOut
)
def add_counterparty(
    body: s.CounterpartyRequest, who: Caller = allowed("manage_counterparties")
) -> s.CounterpartyOut:
    """Keep a counterparty and screen it at once: it, with the alerts raised."""
    added = who.service.monitoring.add(
        exporter=who.named_exporter(body.exporter or None),
        name=body.name,
        role=body.role,
        country=body.country,
        type=body.type,
    )
    return counterparty_out(added)


#: The largest bulk file of counterparties taken (edge.limits caps the body the same).
MAX_COUNTERPARTY_FILE = 64 * 1024 * 1024


@router.post(
    "/counterparties/import", tags=["counterparties"], response_model=s.CounterpartyImportOut
)
async def import_counterparties(
    file: UploadFile = File(..., description="CSV, UTF-8, with a header: name, exporter, "
                                             "country, type, role, reference (name required)."),
    exporter: Annotated[
        str | None,
        Form(max_length=200, description="The exporter of rows that name none (an exporter "
                                         "user: always its own company)."),
    ] = None,
    who: Caller = allowed("manage_counterparties"),
) -> s.CounterpartyImportOut:
    """Add counterparties in bulk, each screened before it is kept, in one transaction: a
    bad file adds nothing (422 naming file, line and field); importing it again adds
    nothing. Returns counts, the ids added and updated, and the alerts raised."""
    data = await file.read(MAX_COUNTERPARTY_FILE + 1)
    if len(data) > MAX_COUNTERPARTY_FILE:
        raise InvalidInput(f"{file.filename}: larger than {MAX_COUNTERPARTY_FILE} bytes",
                           field="file")  # fmt: skip
    summary = who.service.monitoring.import_csv(
        data, file=file.filename or "upload.csv", exporter=exporter or None
    )
    return s.CounterpartyImportOut.model_validate(summary.to_dict())


@router.get("/counterparties/{cp_id}", tags=["counterparties"], response_model=s.CounterpartyOut)
def counterparty(cp_id: str, who: Caller = allowed("read_counterparties")) -> s.CounterpartyOut:
    """A counterparty with its current hits and clearances (an exporter: its own)."""
    return counterparty_out(who.service.monitoring.get(cp_id))


@router.post(
    "/counterparties/{cp_id}/clearances", status_code=201, tags=["counterparties"],
    response_model=s.ClearanceMadeOut,
)
def clear(
    cp_id: str, body: s.ClearanceRequest, who: Caller = allowed("manage_counterparties")
) -> s.ClearanceMadeOut:
    """Clear a reviewed false positive (until expiry, or until the entry changes), through
    the hit's case: on a sanctions listing it waits for a second officer."""
    made = who.service.monitoring.clear(
        cp_id, body.entry_id, reason=body.reason, expires_on=body.expires_on
    )
    return clearance_made_out(made)


@router.get("/alerts", tags=["counterparties"], response_model=s.AlertPage)
def alerts(
    who: Caller = allowed("read_counterparties"),
    status: Annotated[str | None, Query(max_length=16)] = "open",
    limit: Limit = 50,
    offset: Offset = 0,
) -> s.AlertPage:
    """Alerts (``status``: open, acknowledged, resolved or all); an exporter's own."""
    found = who.service.monitoring.alerts(status=None if status == "all" else status)
    listed = page([alert_out(a) for a in found], limit, offset)
    return s.AlertPage.model_validate(
        listed | {"undelivered": who.service.monitoring.undelivered()}
    )


@router.post("/alerts/{alert_id}/acknowledge", tags=["counterparties"], response_model=s.AlertOut)
def acknowledge_alert(
    alert_id: Seq, body: s.AcknowledgeRequest, who: Caller = allowed("manage_counterparties")
) -> s.AlertOut:
    """Say an alert is being looked into (an exporter: its own counterparties' alerts)."""
    return alert_out(who.service.monitoring.acknowledge(alert_id, reason=body.reason))


@router.post("/alerts/{alert_id}/resolve", tags=["counterparties"], response_model=s.AlertOut)
def resolve_alert(
    alert_id: Seq, body: s.ResolveRequest, who: Caller = allowed("manage_counterparties")
) -> s.AlertOut:
    """Close an alert as a true match or a false positive, with a reason (audited),
    through its hit's case (``case``: a true match waits for a second officer)."""
    resolved = who.service.monitoring.resolve(alert_id, body.resolution, reason=body.reason)
    return alert_out(resolved)


@router.get("/clearances", tags=["counterparties"], response_model=s.Items[s.ClearanceOut])
def clearances(
    who: Caller = allowed("read_counterparties"),
    within_days: Annotated[int, Query(ge=0, le=3660)] = 30,
) -> s.Items[s.ClearanceOut]:
    """Clearances expiring from today to ``within_days`` ahead (an exporter: its own),
    soonest first, each with its party's name and tenant (``exporter``)."""
    found = who.service.monitoring.clearances_expiring(within_days)
    return s.Items[s.ClearanceOut](items=[clearance_out(c) for c in found])
