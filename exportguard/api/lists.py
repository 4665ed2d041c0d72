"""The REST API of restricted-party lists: snapshots in force, retiring one, importing
files, and what changed between two snapshots."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile

from exportguard.api import schemas as s
from exportguard.api.common import Limit, Offset, Seq, page
from exportguard.core.snapshots import SourceFile
from exportguard.edge.auth import Caller, allowed, throttled
from exportguard.errors import InvalidInput

router = APIRouter(prefix="/api/v1", responses=s.ERRORS)

MAX_UPLOAD = 256 * 1024 * 1024

@router.get("/lists/snapshots", tags=["lists"], response_model=s.Page[s.SnapshotOut])
def snapshots(
    who: Caller = allowed("read_lists"),
    source: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> s.Page[s.SnapshotOut]:
    """Snapshots with where their date came from, whether retired, and which are current."""
    current = {x.id for x in who.service.snapshots_in_force()}
    items = [s.SnapshotOut.model_validate(x.to_dict() | {"current": x.id in current})
             for x in who.service.snapshots(source)]  # fmt: skip
    return s.Page[s.SnapshotOut].model_validate(page(items, limit, offset))


@router.post("/lists/snapshots/{snapshot_id}/retire", tags=["lists"], response_model=s.SnapshotOut)
def retire_snapshot(
    snapshot_id: Seq, body: s.RetireRequest, who: Caller = allowed("import_lists")
) -> s.SnapshotOut:
    """Stop screening against a snapshot (admin; audited); it stays stored for replays."""
    retired = who.service.retire_snapshot(snapshot_id, reason=body.reason)
    return s.SnapshotOut.model_validate(retired.to_dict())


@router.post("/lists/import", tags=["lists"], response_model=s.ListImportOut)
async def import_lists(
    files: list[UploadFile] = File(...),
    published: Annotated[
        date | None,
        Form(description="The publication date, for files that state none (never taken "
                         "from an uploaded file's name); not after today."),
    ] = None,
    who: Caller = allowed("import_lists"),
) -> s.ListImportOut:
    """Upload official list files (format detected); one snapshot per file or set."""
    sources = []
    for upload in files:
        data = await upload.read(MAX_UPLOAD + 1)
        if len(data) > MAX_UPLOAD:
            raise InvalidInput(f"{upload.filename}: larger than {MAX_UPLOAD} bytes", field="files")
        sources.append(SourceFile(upload.filename or "upload", data))
    report = who.service.import_files(sources, published=published, dates_from_paths=False)
    return s.ListImportOut.model_validate({
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
    })


@router.get(
    "/lists/diff", tags=["lists"], dependencies=[throttled("lists_diff")],
    response_model=s.ListDiffOut,
)
def lists_diff(
    since: Annotated[int, Query(alias="from", ge=1, le=2**62)],
    until: Annotated[int, Query(alias="to", ge=1, le=2**62)],
    who: Caller = allowed("read_lists"),
) -> s.ListDiffOut:
    """Entries added, removed and changed between two snapshots of one list."""
    return s.ListDiffOut.model_validate(who.service.snapshot_diff(since, until))
