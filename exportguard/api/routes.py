"""The REST API, version 1: every operation of the CLI, with roles and tenancy.

Thin: validate (pydantic), check the role (``core.permissions``) and the tenant (an
exporter reaches only its own objects; others' are 404), call the services, return JSON.
Collections are paginated (``limit``, ``offset``) and filterable.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Header, Path, Query, Response, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse

from exportguard.api import schemas as s
from exportguard.api.auth import Caller, CallerDep, allowed
from exportguard.core.licensing import Conditions, Event, Licence
from exportguard.core.permissions import may_take, owns, require
from exportguard.errors import InvalidInput, NotFound, PermissionDenied
from exportguard.sources._common import SourceFile

router = APIRouter(prefix="/api/v1", responses=s.ERRORS)

Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=2**31)]
#: A stored integer id (the database's 64-bit integers bound it).
Seq = Annotated[int, Path(ge=1, le=2**62)]

MAX_UPLOAD = 256 * 1024 * 1024


def page(items: list[dict[str, Any]], limit: int, offset: int) -> dict[str, Any]:
    return {
        "items": items[offset : offset + limit],
        "total": len(items),
        "limit": limit,
        "offset": offset,
    }


def _licence_or_404(who: Caller, licence_id: str) -> Licence:
    licence = who.service.licensing.get(licence_id)
    if not owns(who.actor, licence.exporter):
        raise NotFound(f"no licence {licence_id!r}")
    return licence


def _exporter_for(who: Caller, given: str | None) -> str:
    if who.actor.is_exporter:
        assert who.actor.exporter is not None
        return who.actor.exporter
    if not given:
        raise InvalidInput("give the exporter the object belongs to", field="exporter")
    return given


# --- identity and health ------------------------------------------------------------------


@router.get("/me", tags=["accounts"])
def me(who: CallerDep) -> dict[str, Any]:
    """The signed-in user."""
    return {"username": who.actor.username, "role": who.actor.role, "exporter": who.actor.exporter}


# --- screening --------------------------------------------------------------------------------


@router.post("/screen", tags=["screening"])
def screen(body: s.ScreenRequest, who: Caller = allowed("screen")) -> dict[str, Any]:
    """Screen one party against every list snapshot in force (as of a date)."""
    result = who.service.screen(
        body.name,
        country=body.country,
        type=body.type,
        birth_date=body.birth_date,
        identifiers=body.identifiers,
        as_of=body.as_of,
        limit=body.limit,
        threshold=body.threshold,
        sources=body.sources,
        lists=body.lists,
    )
    return result.to_dict()


@router.post("/screen/batch", status_code=202, tags=["screening"])
def screen_batch(
    body: s.BatchRequest, response: Response, who: Caller = allowed("screen")
) -> dict[str, Any]:
    """Queue a batch screening (CSV text with id,name[,country,type]); poll the job."""
    job_id = who.service.jobs.submit(
        body.csv,
        owner=who.actor.username,
        exporter=who.actor.exporter,
        options={"limit": body.limit, "threshold": body.threshold},
    )
    response.headers["Location"] = f"/api/v1/jobs/{job_id}"
    return _job(who.service.jobs.get(job_id))


def _job(job: dict[str, Any]) -> dict[str, Any]:
    return {
        k: job.get(k)
        for k in (
            "id",
            "kind",
            "status",
            "owner",
            "rows",
            "created_at",
            "started_at",
            "finished_at",
            "error",
        )
    } | {"result_url": f"/api/v1/jobs/{job['id']}/result" if job.get("status") == "done" else None}


def _job_or_404(who: Caller, job_id: str) -> dict[str, Any]:
    job = who.service.jobs.get(job_id)
    if who.actor.role in ("exporter",) and job["owner"] != who.actor.username:
        raise NotFound(f"no job {job_id!r}")
    return job


@router.get("/jobs", tags=["screening"])
def jobs(who: CallerDep, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Batch jobs (an exporter sees its own)."""
    owner = who.actor.username if who.actor.is_exporter else None
    return page([_job(j) for j in who.service.jobs.find(owner)], limit, offset)


@router.get("/jobs/{job_id}", tags=["screening"])
def job(job_id: str, who: CallerDep) -> dict[str, Any]:
    return _job(_job_or_404(who, job_id))


@router.get(
    "/jobs/{job_id}/result",
    tags=["screening"],
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def job_result(job_id: str, who: CallerDep) -> PlainTextResponse:
    """The batch result as CSV (one row per hit)."""
    found = _job_or_404(who, job_id)
    if found["status"] != "done":
        raise InvalidInput(f"job {job_id} is {found['status']}", field="job")
    return PlainTextResponse(
        found["result"],
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{job_id}.csv"'},
    )


# --- decisions and regimes ------------------------------------------------------------------


@router.post("/decide", tags=["decisions"])
def decide(body: s.DecideRequest, who: Caller = allowed("decide")) -> dict[str, Any]:
    """Decide an export under the regimes; every reason with its source and certainty."""
    decision = who.service.decisions.decide(
        items=body.items,
        to=body.to,
        on=body.date or who.service.clock().date(),
        regimes=body.regimes,
        end_user=body.end_user,
        end_user_type=body.end_user_type,
        end_use=body.end_use,
        parties=body.parties,
        authority_informed=body.authority_informed,
    )
    return decision.to_dict()


def _decision_visible(who: Caller, decision_id: str) -> dict[str, Any]:
    stored = who.service.decisions.decision(decision_id)
    if who.actor.is_exporter and stored["actor"] != who.actor.username:
        raise NotFound(f"no decision {decision_id!r}")
    return stored


@router.get("/decisions/{decision_id}", tags=["decisions"])
def decision(decision_id: str, who: CallerDep) -> dict[str, Any]:
    return _decision_visible(who, decision_id)


@router.post("/decisions/{decision_id}/replay", tags=["decisions"])
def replay(decision_id: str, who: Caller = allowed("decide")) -> dict[str, Any]:
    """Re-run with the regime revisions and snapshots the decision used."""
    stored = _decision_visible(who, decision_id)
    again = who.service.decisions.replay(decision_id).to_dict()
    same = (
        again["verdict"] == stored["result"]["verdict"]
        and again["regimes"] == stored["result"]["regimes"]
    )
    return {"same": same, "decision": again}


@router.get("/regimes", tags=["regimes"])
def regimes(who: Caller = allowed("read_regimes")) -> dict[str, Any]:
    found = who.service.decisions.regimes().values()
    items = [
        {
            "id": r.id,
            "name": r.name,
            "revision": r.revision,
            "digest": r.digest,
            "covers_from": r.covers_from.isoformat(),
        }
        for r in found
    ]
    return page(items, 200, 0)


@router.get("/regimes/{regime_id}", tags=["regimes"])
def regime(
    regime_id: str, as_of: date | None = None, who: Caller = allowed("read_regimes")
) -> dict[str, Any]:
    return who.service.decisions.regime_view(regime_id, as_of)


@router.get("/regimes/{regime_id}/diff", tags=["regimes"])
def regime_diff(
    regime_id: str,
    since: Annotated[date, Query(alias="from")],
    until: Annotated[date, Query(alias="to")],
    who: Caller = allowed("read_regimes"),
) -> dict[str, Any]:
    return who.service.decisions.regime_diff(regime_id, since, until)


@router.get("/regimes/{regime_id}/map", tags=["regimes"])
def regime_map(
    regime_id: str, as_of: date | None = None, who: Caller = allowed("read_regimes")
) -> dict[str, Any]:
    """Per country, the regime's verdict for its cyber items to a government end user for
    law enforcement, as of a date: the data behind the eligibility world map."""
    return who.service.decisions.eligibility_map(regime_id, as_of)


# --- lists ----------------------------------------------------------------------------------------


@router.get("/lists/snapshots", tags=["lists"])
def snapshots(
    who: Caller = allowed("read_lists"),
    source: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    current = {x.id for x in who.service.snapshots_in_force()}
    items = [
        {
            "id": x.id,
            "source": x.source,
            "format": x.format,
            "published": x.published.isoformat(),
            "imported_at": x.imported_at,
            "content_hash": x.content_hash,
            "counts": dict(x.counts),
            "current": x.id in current,
        }
        for x in who.service.snapshots(source)
    ]
    return page(items, limit, offset)


@router.post("/lists/import", tags=["lists"])
async def import_lists(
    files: list[UploadFile] = File(...), who: Caller = allowed("import_lists")
) -> dict[str, Any]:
    """Upload official list files (format detected); one snapshot per file or set."""
    sources = []
    for upload in files:
        data = await upload.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            raise InvalidInput(f"{upload.filename}: larger than {MAX_UPLOAD} bytes", field="files")
        sources.append(SourceFile(upload.filename or "upload", data))
    report = who.service.import_files(sources)
    return {
        "snapshots": [
            {
                "id": r.snapshot.id,
                "source": r.snapshot.source,
                "published": r.snapshot.published.isoformat(),
                "created": r.created,
                "counts": dict(r.snapshot.counts),
                "warnings": list(r.warnings),
            }
            for r in report.results
        ],
        "alerts": len(report.alerts),
    }


@router.get("/lists/diff", tags=["lists"])
def lists_diff(
    since: Annotated[int, Query(alias="from", ge=1, le=2**62)],
    until: Annotated[int, Query(alias="to", ge=1, le=2**62)],
    who: Caller = allowed("read_lists"),
) -> dict[str, Any]:
    """Entries added, removed and changed between two snapshots of one list."""
    return who.service.snapshot_diff(since, until)


# --- counterparties -------------------------------------------------------------------------------


@router.get("/counterparties", tags=["counterparties"])
def counterparties(
    who: Caller = allowed("read_counterparties"),
    limit: Limit = 50,
    offset: Offset = 0,
    exporter: str | None = None,
) -> dict[str, Any]:
    scope = who.actor.exporter if who.actor.is_exporter else exporter
    return page(who.service.monitoring.find(scope), limit, offset)


@router.post("/counterparties", status_code=201, tags=["counterparties"])
def add_counterparty(
    body: s.CounterpartyRequest, who: Caller = allowed("manage_counterparties")
) -> dict[str, Any]:
    return who.service.monitoring.add(
        exporter=_exporter_for(who, body.exporter),
        name=body.name,
        role=body.role,
        country=body.country,
        type=body.type,
    )


def _counterparty_or_404(who: Caller, cp_id: str) -> dict[str, Any]:
    found = who.service.monitoring.get(cp_id)
    if not owns(who.actor, found["exporter"]):
        raise NotFound(f"no counterparty {cp_id!r}")
    return found


@router.get("/counterparties/{cp_id}", tags=["counterparties"])
def counterparty(cp_id: str, who: Caller = allowed("read_counterparties")) -> dict[str, Any]:
    return _counterparty_or_404(who, cp_id)


@router.post("/counterparties/{cp_id}/clearances", status_code=201, tags=["counterparties"])
def clear(
    cp_id: str, body: s.ClearanceRequest, who: Caller = allowed("manage_counterparties")
) -> dict[str, Any]:
    """Clear a reviewed false positive (until expiry, or until the entry changes)."""
    _counterparty_or_404(who, cp_id)
    row = who.service.monitoring.clear(
        cp_id, body.entry_id, reason=body.reason, expires_on=body.expires_on
    )
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()}


@router.get("/alerts", tags=["counterparties"])
def alerts(
    who: Caller = allowed("read_counterparties"),
    status: Annotated[str | None, Query(max_length=16)] = "open",
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    scope = who.actor.exporter if who.actor.is_exporter else None
    found = who.service.monitoring.alerts(
        status=None if status == "all" else status, exporter=scope
    )
    return page(found, limit, offset)


# --- licences -------------------------------------------------------------------------------------


@router.get("/licences", tags=["licences"])
def licences(
    who: Caller = allowed("read_licences"),
    state: str | None = None,
    regime: str | None = None,
    exporter: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    scope = who.actor.exporter if who.actor.is_exporter else exporter
    found = who.service.licensing.find(exporter=scope, state=state, regime=regime)
    items = [
        {
            "id": x.id,
            "exporter": x.exporter,
            "kind": x.kind,
            "regime": x.regime,
            "state": x.state.value,
            "items": list(x.items),
            "destination": x.destination,
            "end_user": x.end_user,
            "version": x.version,
        }
        for x in found
    ]
    return page(items, limit, offset)


@router.post("/licences", status_code=201, tags=["licences"])
def apply_licence(
    body: s.ApplicationRequest, response: Response, who: Caller = allowed("apply")
) -> dict[str, Any]:
    """Open a draft application (an exporter applies for its own company)."""
    lic = who.service.licensing.apply(
        exporter=_exporter_for(who, body.exporter),
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
    return who.service.licensing.view(lic.id)


@router.get("/licences/{licence_id}", tags=["licences"])
def licence(
    licence_id: str,
    response: Response,
    who: Caller = allowed("read_licences"),
    as_of: date | None = None,
) -> dict[str, Any]:
    """A licence with its events, conditions, shipments and balance; ETag = version."""
    lic = _licence_or_404(who, licence_id)
    response.headers["ETag"] = f'"{lic.version}"'
    return who.service.licensing.view(licence_id, as_of)


@router.post("/licences/{licence_id}/events", tags=["licences"])
def licence_event(
    licence_id: str,
    body: s.EventRequest,
    response: Response,
    who: Caller = allowed("read_licences"),
    if_match: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Apply an event (submit, review, approve, refuse, suspend, revoke ...). Send the
    version you read (``If-Match`` or ``version``): 409 if someone changed it since."""
    _licence_or_404(who, licence_id)
    try:
        event = Event(body.event)
    except ValueError:
        raise InvalidInput(f"unknown event {body.event!r}", field="event") from None
    if not may_take(who.actor, event):
        raise PermissionDenied(f"a {who.actor.role} may not {event.value} a licence")
    version = body.version
    if if_match is not None:
        try:
            version = int(if_match.strip().strip("W/").strip('"'))
        except ValueError:
            raise InvalidInput("If-Match must be the licence version", field="If-Match") from None
    conditions = None
    if body.conditions is not None:
        c = body.conditions
        conditions = Conditions(
            c.valid_from,
            c.valid_until,
            c.max_value,
            c.max_quantity,
            tuple(c.end_users),
            tuple(c.end_uses),
            tuple(c.terms),
            tuple(c.reporting),
        )
    lic = who.service.licensing.transition(
        licence_id,
        event,
        reason=body.reason,
        on=body.date,
        conditions=conditions,
        expected_version=version,
    )
    response.headers["ETag"] = f'"{lic.version}"'
    return who.service.licensing.view(licence_id)


@router.post("/licences/{licence_id}/shipments", status_code=201, tags=["licences"])
def ship(licence_id: str, body: s.ShipmentRequest, who: Caller = allowed("ship")) -> dict[str, Any]:
    """Record a shipment; 422 with every reason if the licence does not cover it."""
    _licence_or_404(who, licence_id)
    left = who.service.licensing.ship(
        licence_id,
        shipped_on=body.shipped_on,
        value=body.value,
        quantity=body.quantity,
        end_user=body.end_user,
        end_use=body.end_use,
    )
    return {"licence": licence_id, "balance": left}


# --- misuse reports and reviews ----------------------------------------------------------------


@router.get("/reports", tags=["reviews"])
def reports(
    who: Caller = allowed("read_reports"), limit: Limit = 50, offset: Offset = 0
) -> dict[str, Any]:
    return page(who.service.licensing.reports(), limit, offset)


@router.post("/reports", status_code=201, tags=["reviews"])
def report(body: s.ReportRequest, who: Caller = allowed("report_misuse")) -> dict[str, Any]:
    """Record a misuse report: matched to licences, each match opens a review."""
    return who.service.licensing.report_misuse(
        source=body.source,
        reported_on=body.reported_on,
        country=body.country,
        suspected_operator=body.suspected_operator,
        product=body.product,
        evidence=body.evidence,
        confidence=body.confidence,
    )


@router.get("/reviews", tags=["reviews"])
def reviews(
    who: Caller = allowed("read_reports"),
    status: Annotated[str | None, Query(max_length=16)] = "open",
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    return page(who.service.licensing.reviews(None if status == "all" else status), limit, offset)


@router.post("/reviews/{review_id}/close", tags=["reviews"])
def close_review(
    review_id: str, body: s.CloseReview, who: Caller = allowed("close_review")
) -> dict[str, Any]:
    return who.service.licensing.close_review(review_id, body.outcome, reason=body.reason)


# --- impact ---------------------------------------------------------------------------------------


@router.post("/impact/regime", tags=["impact"])
def impact_regime(body: s.RegimeImpactRequest, who: Caller = allowed("impact")) -> dict[str, Any]:
    return who.service.impact.regime(
        body.regime,
        since=body.since,
        until=body.until,
        from_revision=body.from_revision,
        to_revision=body.to_revision,
        dry_run=body.dry_run,
    )


@router.post("/impact/lists", tags=["impact"])
def impact_lists(body: s.ListImpactRequest, who: Caller = allowed("impact")) -> dict[str, Any]:
    return who.service.impact.lists(body.since, body.until, dry_run=body.dry_run)


# --- audit ----------------------------------------------------------------------------------------


@router.get("/audit", tags=["audit"])
def audit(
    who: Caller = allowed("read_audit"),
    kind: str | None = None,
    subject: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    records = [r.to_dict() for r in who.service.audit.records(kind=kind, subject=subject)]
    return page(records, limit, offset)


@router.get("/audit/verify", tags=["audit"])
def audit_verify(who: Caller = allowed("read_audit")) -> dict[str, Any]:
    return who.service.audit.verify().to_dict()


@router.get("/audit/{seq}", tags=["audit"])
def audit_record(seq: Seq, who: Caller = allowed("read_audit")) -> dict[str, Any]:
    return who.service.audit.get(seq).to_dict()


@router.get(
    "/audit/{seq}/certificate",
    tags=["audit"],
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}}},
)
def certificate(seq: Seq, who: CallerDep) -> HTMLResponse:
    """The screening certificate (HTML) of a screening; exporters get their own."""
    record = who.service.audit.get(seq)
    if who.actor.is_exporter:
        if record.actor != who.actor.username:
            raise NotFound(f"no audit record {seq}")
    else:
        require(who.actor, "read_audit")
    document, digest = who.service.audit.certificate(seq)
    return HTMLResponse(
        document, headers={"Digest": f"sha-256={digest}", "X-Certificate-SHA256": digest}
    )


# --- users ----------------------------------------------------------------------------------


@router.get("/users", tags=["accounts"])
def users(
    who: Caller = allowed("manage_users"), limit: Limit = 50, offset: Offset = 0
) -> dict[str, Any]:
    return page(who.service.accounts.users(), limit, offset)


@router.post("/users", status_code=201, tags=["accounts"])
def create_user(body: s.UserRequest, who: Caller = allowed("manage_users")) -> dict[str, Any]:
    return who.service.accounts.create_user(body.username, body.password, body.role, body.exporter)


@router.post("/users/{username}/disable", tags=["accounts"])
def disable_user(username: str, who: Caller = allowed("manage_users")) -> dict[str, Any]:
    who.service.accounts.set_active(username, False)
    return {"username": username, "active": False}


@router.post("/users/{username}/tokens", status_code=201, tags=["accounts"])
def create_token(username: str, body: s.TokenRequest, who: CallerDep) -> dict[str, Any]:
    """A new API token (shown once). Users make their own; admins anyone's."""
    if username != who.actor.username:
        require(who.actor, "manage_users")
    token_id, token = who.service.accounts.create_token(username, body.name)
    return {"id": token_id, "token": token, "name": body.name}


@router.delete("/tokens/{token_id}", tags=["accounts"])
def revoke_token(token_id: Seq, who: CallerDep) -> dict[str, Any]:
    owner = None if who.actor.role == "admin" else who.actor.username
    who.service.accounts.revoke_token(token_id, owner=owner)
    return {"id": token_id, "revoked": True}
