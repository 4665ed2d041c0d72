"""The REST API, version 1: every operation of the CLI, with roles and tenancy.

Thin: validate (pydantic), check the role (``core.permissions``) and the tenant (an
exporter reaches only its own objects; others' are 404), call the services, return JSON.
Collections are paginated (``limit``, ``offset``) and filterable.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse

from exportguard.api import schemas as s
from exportguard.api.common import Limit, Offset, Seq, exporter_for, page
from exportguard.core.permissions import require
from exportguard.edge.auth import Caller, CallerDep, allowed, throttled
from exportguard.errors import InvalidInput, NotFound
from exportguard.services.decision_input import DecisionInput
from exportguard.sources._common import SourceFile

router = APIRouter(prefix="/api/v1", responses=s.ERRORS)

MAX_UPLOAD = 256 * 1024 * 1024


# --- identity and health ------------------------------------------------------------------


@router.get("/me", tags=["accounts"], response_model=s.MeOut)
def me(who: CallerDep) -> dict[str, Any]:
    """The signed-in user."""
    return {"username": who.actor.username, "role": who.actor.role, "exporter": who.actor.exporter}


# --- screening --------------------------------------------------------------------------------


@router.post("/screen", tags=["screening"], response_model=s.ScreenResponse)
def screen(body: s.ScreenRequest, who: Caller = allowed("screen")) -> dict[str, Any]:
    """Screen one party against every list snapshot in force (as of a date). Each hit says
    whether a reviewed false positive clears it (``review``: the same party, the same
    version of the entry; ``cleared_hits``, ``open_hits``); ``profiles`` groups the hits by
    listed party, with why its listings are one."""
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
    return who.service.cases.review(result)


@router.post(
    "/screen/batch", status_code=202, tags=["screening"], dependencies=[throttled("batch")],
    response_model=s.JobOut,
)
def screen_batch(
    body: s.BatchRequest, response: Response, who: Caller = allowed("screen")
) -> dict[str, Any]:
    """Queue a batch screening (CSV text with id,name[,country,type,birth_date,identifiers]);
    poll the job."""
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
            "progress",
        )
    } | {"result_url": f"/api/v1/jobs/{job['id']}/result" if job.get("status") == "done" else None}


def _job_or_404(who: Caller, job_id: str) -> dict[str, Any]:
    return who.service.jobs.get(job_id)  # an exporter reaches only its own (Jobs.get)


@router.get("/jobs", tags=["screening"], response_model=s.Page[s.JobOut])
def jobs(who: CallerDep, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    """Batch jobs (an exporter sees its own)."""
    return page([_job(j) for j in who.service.jobs.find()], limit, offset)


@router.get("/jobs/{job_id}", tags=["screening"], response_model=s.JobOut)
def job(job_id: str, who: CallerDep) -> dict[str, Any]:
    return _job(_job_or_404(who, job_id))


@router.get(
    "/jobs/{job_id}/result",
    tags=["screening"],
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
def job_result(job_id: str, who: CallerDep) -> PlainTextResponse:
    """The batch result as CSV (one row per hit); a bulk import's summary as JSON."""
    found = _job_or_404(who, job_id)
    if found["status"] != "done":
        raise InvalidInput(f"job {job_id} is {found['status']}", field="job")
    if found["kind"] == "counterparty-import":
        return PlainTextResponse(found["result"], media_type="application/json")
    return PlainTextResponse(
        found["result"],
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{job_id}.csv"'},
    )


# --- decisions and regimes ------------------------------------------------------------------


@router.post("/decide", tags=["decisions"], response_model=s.DecisionOut)
def decide(body: s.DecideRequest, who: Caller = allowed("decide")) -> dict[str, Any]:
    """Decide an export under the regimes; every reason with its source and certainty. A
    listed-party match says whether a reviewed false positive clears it (``match.review``);
    the verdict counts it all the same."""
    question = DecisionInput(
        items=body.items,
        to=body.to,
        on=body.date or who.service.clock().date(),
        regimes=body.regimes,
        end_users=body.party_inputs("end_users"),
        consignees=body.party_inputs("consignees"),
        intermediaries=body.party_inputs("intermediaries"),
        end_user_type=body.end_user_type,
        end_use=body.end_use,
        authority_informed=body.authority_informed,
        exporter_country=body.exporter_country,
        item_origin=body.item_origin,
        us_content=body.us_content,
        deemed_export=body.deemed_export,
        region=body.region,
    )
    decision = who.service.decisions.decide(question)
    return who.service.cases.review_decision(decision.to_dict())


def _decision_visible(who: Caller, decision_id: str) -> dict[str, Any]:
    return who.service.decisions.decision(decision_id)  # an exporter's own (the use case)


@router.get("/decisions/{decision_id}", tags=["decisions"], response_model=s.StoredDecisionOut)
def decision(decision_id: str, who: CallerDep) -> dict[str, Any]:
    return _decision_visible(who, decision_id)


@router.post("/decisions/{decision_id}/replay", tags=["decisions"], response_model=s.ReplayOut)
def replay(decision_id: str, who: Caller = allowed("decide")) -> dict[str, Any]:
    """Re-run with the regime revisions and snapshots the decision used."""
    stored = _decision_visible(who, decision_id)
    again = who.service.decisions.replay(decision_id).to_dict()
    same = (
        again["verdict"] == stored["result"]["verdict"]
        and again["regimes"] == stored["result"]["regimes"]
    )
    return {"same": same, "decision": again}


@router.get("/regimes", tags=["regimes"], response_model=s.Page[s.RegimeRow])
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


@router.get("/regimes/{regime_id}", tags=["regimes"], response_model=s.RegimeView)
def regime(
    regime_id: str, as_of: date | None = None, who: Caller = allowed("read_regimes")
) -> dict[str, Any]:
    return who.service.decisions.regime_view(regime_id, as_of)


@router.get("/regimes/{regime_id}/diff", tags=["regimes"], response_model=s.RegimeDiffOut)
def regime_diff(
    regime_id: str,
    since: Annotated[date, Query(alias="from")],
    until: Annotated[date, Query(alias="to")],
    who: Caller = allowed("read_regimes"),
) -> dict[str, Any]:
    return who.service.decisions.regime_diff(regime_id, since, until)


@router.get("/regimes/{regime_id}/map", tags=["regimes"], response_model=s.EligibilityMapOut)
def regime_map(
    regime_id: str, as_of: date | None = None, who: Caller = allowed("read_regimes")
) -> dict[str, Any]:
    """Per country, the regime's verdict for its cyber items to a government end user for
    law enforcement, as of a date: the data behind the eligibility world map."""
    return who.service.decisions.eligibility_map(regime_id, as_of)


# --- lists ----------------------------------------------------------------------------------------


@router.get("/lists/snapshots", tags=["lists"], response_model=s.Page[s.SnapshotOut])
def snapshots(
    who: Caller = allowed("read_lists"),
    source: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Snapshots with where their date came from, whether retired, and which are current."""
    current = {x.id for x in who.service.snapshots_in_force()}
    items = [x.to_dict() | {"current": x.id in current} for x in who.service.snapshots(source)]
    return page(items, limit, offset)


@router.post("/lists/snapshots/{snapshot_id}/retire", tags=["lists"], response_model=s.SnapshotOut)
def retire_snapshot(
    snapshot_id: Seq, body: s.RetireRequest, who: Caller = allowed("import_lists")
) -> dict[str, Any]:
    """Stop screening against a snapshot (admin; audited); it stays stored for replays."""
    return who.service.retire_snapshot(snapshot_id, reason=body.reason).to_dict()


@router.post("/lists/import", tags=["lists"], response_model=s.ListImportOut)
async def import_lists(
    files: list[UploadFile] = File(...),
    published: Annotated[
        date | None,
        Form(description="The publication date, for files that state none (never taken "
                         "from an uploaded file's name); not after today."),
    ] = None,
    who: Caller = allowed("import_lists"),
) -> dict[str, Any]:
    """Upload official list files (format detected); one snapshot per file or set."""
    sources = []
    for upload in files:
        data = await upload.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            raise InvalidInput(f"{upload.filename}: larger than {MAX_UPLOAD} bytes", field="files")
        sources.append(SourceFile(upload.filename or "upload", data))
    report = who.service.import_files(sources, published=published, dates_from_paths=False)
    return {
        "snapshots": [
            {
                "id": r.snapshot.id,
                "source": r.snapshot.source,
                "published": r.snapshot.published.isoformat(),
                "created": r.created,
                "redated": r.redated,
                "counts": dict(r.snapshot.counts),
                "warnings": list(r.warnings),
            }
            for r in report.results
        ],
        "alerts": len(report.alerts),
        "summary": report.summary(),
        "impacts": list(report.impacts),
    }


@router.get(
    "/lists/diff", tags=["lists"], dependencies=[throttled("lists_diff")],
    response_model=s.ListDiffOut,
)
def lists_diff(
    since: Annotated[int, Query(alias="from", ge=1, le=2**62)],
    until: Annotated[int, Query(alias="to", ge=1, le=2**62)],
    who: Caller = allowed("read_lists"),
) -> dict[str, Any]:
    """Entries added, removed and changed between two snapshots of one list."""
    return who.service.snapshot_diff(since, until)


# --- counterparties -------------------------------------------------------------------------------


@router.get("/counterparties", tags=["counterparties"], response_model=s.Page[s.CounterpartyRow])
def counterparties(
    who: Caller = allowed("read_counterparties"),
    limit: Limit = 50,
    offset: Offset = 0,
    exporter: str | None = None,
) -> dict[str, Any]:
    scope = who.actor.exporter if who.actor.is_exporter else exporter
    return page(who.service.monitoring.find(scope), limit, offset)


@router.post(
    "/counterparties", status_code=201, tags=["counterparties"], response_model=s.CounterpartyOut
)
def add_counterparty(
    body: s.CounterpartyRequest, who: Caller = allowed("manage_counterparties")
) -> dict[str, Any]:
    return who.service.monitoring.add(
        exporter=exporter_for(who, body.exporter),
        name=body.name,
        role=body.role,
        country=body.country,
        type=body.type,
    )


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
) -> dict[str, Any]:
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
    return summary.to_dict()


def _counterparty_or_404(who: Caller, cp_id: str) -> dict[str, Any]:
    return who.service.monitoring.get(cp_id)  # an exporter reaches its own (the use case)


@router.get("/counterparties/{cp_id}", tags=["counterparties"], response_model=s.CounterpartyOut)
def counterparty(cp_id: str, who: Caller = allowed("read_counterparties")) -> dict[str, Any]:
    return _counterparty_or_404(who, cp_id)


@router.post(
    "/counterparties/{cp_id}/clearances", status_code=201, tags=["counterparties"],
    response_model=s.ClearanceOut,
)
def clear(
    cp_id: str, body: s.ClearanceRequest, who: Caller = allowed("manage_counterparties")
) -> dict[str, Any]:
    """Clear a reviewed false positive (until expiry, or until the entry changes)."""
    _counterparty_or_404(who, cp_id)
    row = who.service.monitoring.clear(
        cp_id, body.entry_id, reason=body.reason, expires_on=body.expires_on
    )
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in row.items()}


@router.get("/alerts", tags=["counterparties"], response_model=s.AlertPage)
def alerts(
    who: Caller = allowed("read_counterparties"),
    status: Annotated[str | None, Query(max_length=16)] = "open",
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Alerts (``status``: open, acknowledged, resolved or all); an exporter's own."""
    scope = who.actor.exporter if who.actor.is_exporter else None
    found = who.service.monitoring.alerts(
        status=None if status == "all" else status, exporter=scope
    )
    return page(found, limit, offset) | {"undelivered": who.service.monitoring.undelivered()}


@router.post("/alerts/{alert_id}/acknowledge", tags=["counterparties"], response_model=s.AlertOut)
def acknowledge_alert(
    alert_id: Seq, body: s.AcknowledgeRequest, who: Caller = allowed("manage_counterparties")
) -> dict[str, Any]:
    """Say an alert is being looked into (an exporter: its own counterparties' alerts)."""
    return who.service.monitoring.acknowledge(alert_id, reason=body.reason)


@router.post("/alerts/{alert_id}/resolve", tags=["counterparties"], response_model=s.AlertOut)
def resolve_alert(
    alert_id: Seq, body: s.ResolveRequest, who: Caller = allowed("manage_counterparties")
) -> dict[str, Any]:
    """Close an alert as a true match or a false positive, with a reason (audited)."""
    return who.service.monitoring.resolve(alert_id, body.resolution, reason=body.reason)


@router.get("/clearances", tags=["counterparties"], response_model=s.Items[s.ClearanceOut])
def clearances(
    who: Caller = allowed("read_counterparties"),
    within_days: Annotated[int, Query(ge=0, le=3660)] = 30,
) -> dict[str, Any]:
    """Clearances expiring from today to ``within_days`` ahead (an exporter: its own)."""
    found = who.service.monitoring.clearances_expiring(within_days)
    return {"items": [{k: (v.isoformat() if isinstance(v, date) else v) for k, v in c.items()}
                      for c in found]}  # fmt: skip


# --- impact ---------------------------------------------------------------------------------------


@router.post(
    "/impact/regime", tags=["impact"], dependencies=[throttled("impact")],
    response_model=s.RegimeImpactOut,
)
def impact_regime(body: s.RegimeImpactRequest, who: Caller = allowed("impact")) -> dict[str, Any]:
    return who.service.impact.regime(
        body.regime,
        since=body.since,
        until=body.until,
        from_revision=body.from_revision,
        to_revision=body.to_revision,
        dry_run=body.dry_run,
    )


@router.post(
    "/impact/lists", tags=["impact"], dependencies=[throttled("impact")],
    response_model=s.ListImpactOut,
)
def impact_lists(body: s.ListImpactRequest, who: Caller = allowed("impact")) -> dict[str, Any]:
    return who.service.impact.lists(body.since, body.until, dry_run=body.dry_run)


# --- audit ----------------------------------------------------------------------------------------


@router.get("/audit", tags=["audit"], response_model=s.Page[s.AuditRecordOut])
def audit(
    who: Caller = allowed("read_audit"),
    kind: Annotated[str | None, Query(max_length=64)] = None,
    subject: Annotated[str | None, Query(max_length=200)] = None,
    actor: Annotated[str | None, Query(max_length=200)] = None,
    order: Annotated[Literal["oldest", "newest"], Query()] = "oldest",
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    """Audit records, a page at a time (read in O(page)), filtered by kind, subject, actor."""
    records, total = who.service.audit.page(
        limit=limit, offset=offset, kind=kind, subject=subject, actor=actor,
        newest_first=order == "newest",
    )  # fmt: skip
    return {"items": [r.to_dict() for r in records], "total": total, "limit": limit,
            "offset": offset}  # fmt: skip


@router.get(
    "/audit/verify", tags=["audit"], dependencies=[throttled("audit_verify")],
    response_model=s.VerifyOut,
)
def audit_verify(who: Caller = allowed("read_audit")) -> dict[str, Any]:
    """Re-compute the chain and check it against every signed checkpoint."""
    return who.service.audit.verify().to_dict()


@router.post(
    "/audit/verify", tags=["audit"], dependencies=[throttled("audit_verify")],
    response_model=s.VerifyOut,
)
def audit_verify_kept(body: s.VerifyRequest, who: Caller = allowed("read_audit")) -> dict[str, Any]:
    """As GET, and also against a head an auditor kept (and their copy of the public key)."""
    return who.service.audit.verify(kept_head=body.head, public_key=body.public_key).to_dict()


@router.get("/audit/head", tags=["audit"], response_model=s.SignedHead)
def audit_last_head(who: Caller = allowed("read_audit")) -> dict[str, Any]:
    """The newest signed checkpoint (404 if none yet), with the public key."""
    return who.service.audit.last_head()


@router.post("/audit/head", tags=["audit"], response_model=s.SignedHead)
def audit_head(who: Caller = allowed("read_audit")) -> dict[str, Any]:
    """Sign the chain's head now and return it with the public key, for an auditor to keep
    outside this system."""
    return who.service.audit.head()


@router.get("/audit/{seq}", tags=["audit"], response_model=s.AuditRecordOut)
def audit_record(seq: Seq, who: Caller = allowed("read_audit")) -> dict[str, Any]:
    return who.service.audit.get(seq).to_dict()


@router.get(
    "/audit/{seq}/certificate",
    tags=["audit"],
    dependencies=[throttled("certificate")],
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


@router.get("/users", tags=["accounts"], response_model=s.Page[s.UserOut])
def users(
    who: Caller = allowed("manage_users"), limit: Limit = 50, offset: Offset = 0
) -> dict[str, Any]:
    return page(who.service.accounts.users(), limit, offset)


@router.post("/users", status_code=201, tags=["accounts"], response_model=s.NewUserOut)
def create_user(body: s.UserRequest, who: Caller = allowed("manage_users")) -> dict[str, Any]:
    return who.service.accounts.create_user(body.username, body.password, body.role, body.exporter)


@router.post("/users/{username}/disable", tags=["accounts"], response_model=s.ActiveOut)
def disable_user(username: str, who: Caller = allowed("manage_users")) -> dict[str, Any]:
    """Disable a user: their sessions end, their tokens stop working. Not the last admin."""
    who.service.accounts.set_active(username, False)
    return {"username": username, "active": False}


@router.post("/users/{username}/enable", tags=["accounts"], response_model=s.ActiveOut)
def enable_user(username: str, who: Caller = allowed("manage_users")) -> dict[str, Any]:
    who.service.accounts.set_active(username, True)
    return {"username": username, "active": True}


@router.post("/users/{username}/role", tags=["accounts"], response_model=s.RoleOut)
def set_role(
    username: str, body: s.RoleRequest, who: Caller = allowed("manage_users")
) -> dict[str, Any]:
    """Change a user's role (and company, for an exporter); their sessions end."""
    who.service.accounts.set_role(username, body.role, body.exporter)
    return {"username": username, "role": body.role, "exporter": body.exporter}


@router.post("/users/{username}/password", tags=["accounts"], response_model=s.PasswordChangedOut)
def reset_password(
    username: str, body: s.PasswordReset, who: Caller = allowed("manage_users")
) -> dict[str, Any]:
    """An admin sets a user's password; the user's sessions end."""
    who.service.accounts.reset_password(username, body.password)
    return {"username": username, "password_changed": True}


@router.post("/me/password", tags=["accounts"], response_model=s.PasswordChangedOut)
def change_password(body: s.PasswordChange, who: CallerDep) -> dict[str, Any]:
    """Change your own password (give the current one); your sessions end."""
    who.service.accounts.change_password(who.actor.username, body.current, body.new)
    return {"username": who.actor.username, "password_changed": True}


@router.post(
    "/users/{username}/tokens", status_code=201, tags=["accounts"], response_model=s.TokenOut
)
def create_token(username: str, body: s.TokenRequest, who: CallerDep) -> dict[str, Any]:
    """A new API token (shown once). Users make their own; admins anyone's."""
    if username != who.actor.username:
        require(who.actor, "manage_users")
    token_id, token = who.service.accounts.create_token(username, body.name, days=body.days)
    return {"id": token_id, "token": token, "name": body.name, "days": body.days}


@router.delete("/tokens/{token_id}", tags=["accounts"], response_model=s.RevokedOut)
def revoke_token(token_id: Seq, who: CallerDep) -> dict[str, Any]:
    who.service.accounts.revoke_token(token_id)  # a non-admin's own only (the use case)
    return {"id": token_id, "revoked": True}
