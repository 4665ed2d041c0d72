"""The REST API of the audit trail: records, verification (whole, or against kept
signed heads), signed heads, and a screening certificate."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from exportguard.api import schemas as s
from exportguard.api.common import Limit, Offset, Seq
from exportguard.core.permissions import require
from exportguard.edge.auth import Caller, CallerDep, allowed, throttled
from exportguard.errors import NotFound

router = APIRouter(prefix="/api/v1", responses=s.ERRORS)


@router.get("/audit", tags=["audit"], response_model=s.Page[s.AuditRecordOut])
def audit(
    who: Caller = allowed("read_audit"),
    kind: Annotated[str | None, Query(max_length=64)] = None,
    subject: Annotated[str | None, Query(max_length=200)] = None,
    actor: Annotated[str | None, Query(max_length=200)] = None,
    order: Annotated[Literal["oldest", "newest"], Query()] = "oldest",
    limit: Limit = 50,
    offset: Offset = 0,
) -> s.Page[s.AuditRecordOut]:
    """Audit records, a page at a time (read in O(page)), filtered by kind, subject, actor."""
    records, total = who.service.audit.page(
        limit=limit, offset=offset, kind=kind, subject=subject, actor=actor,
        newest_first=order == "newest",
    )  # fmt: skip
    items = [s.AuditRecordOut.model_validate(r.to_dict()) for r in records]
    return s.Page[s.AuditRecordOut](items=items, total=total, limit=limit, offset=offset)


@router.get(
    "/audit/verify", tags=["audit"], dependencies=[throttled("audit_verify")],
    response_model=s.VerifyOut,
)
def audit_verify(who: Caller = allowed("read_audit")) -> s.VerifyOut:
    """Re-compute the chain and check it against every signed checkpoint."""
    return s.VerifyOut.model_validate(who.service.audit.verify().to_dict())


@router.post(
    "/audit/verify", tags=["audit"], dependencies=[throttled("audit_verify")],
    response_model=s.VerifyOut,
)
def audit_verify_kept(body: s.VerifyRequest, who: Caller = allowed("read_audit")) -> s.VerifyOut:
    """As GET, and also against a head an auditor kept (and their copy of the public key)."""
    found = who.service.audit.verify(kept_head=body.head, public_key=body.public_key)
    return s.VerifyOut.model_validate(found.to_dict())


@router.get("/audit/head", tags=["audit"], response_model=s.SignedHead)
def audit_last_head(who: Caller = allowed("read_audit")) -> s.SignedHead:
    """The newest signed checkpoint (404 if none yet), with the public key."""
    return s.SignedHead.model_validate(who.service.audit.last_head())


@router.post("/audit/head", tags=["audit"], response_model=s.SignedHead)
def audit_head(who: Caller = allowed("read_audit")) -> s.SignedHead:
    """Sign the chain's head now and return it with the public key, for an auditor to keep
    outside this system."""
    return s.SignedHead.model_validate(who.service.audit.head())


@router.get("/audit/{seq}", tags=["audit"], response_model=s.AuditRecordOut)
def audit_record(seq: Seq, who: Caller = allowed("read_audit")) -> s.AuditRecordOut:
    return s.AuditRecordOut.model_validate(who.service.audit.get(seq).to_dict())


@router.get(
    "/audit/{seq}/certificate",
    tags=["audit"],
    dependencies=[throttled("certificate")],
    response_class=HTMLResponse,
    responses={**s.JSON_ERRORS, 200: {
        "description": "The certificate, an HTML document; its SHA-256 in the headers.",
        "content": {"text/html": {"schema": {"type": "string", "format": "html"}}},
        "headers": {
            "X-Certificate-SHA256": {"description": "SHA-256 of the document (hex).",
                                     "schema": {"type": "string"}},
            "Digest": {"description": "sha-256=<the same digest>.", "schema": {"type": "string"}},
        },
    }},
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
