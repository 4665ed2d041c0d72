"""The REST API of screening: one party now (``/screen``), and batch screening jobs (a
CSV of parties, run in the background; an exporter sees its own jobs only)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import PlainTextResponse

from exportguard.api import schemas as s
from exportguard.api.common import Limit, Offset, page
from exportguard.core.jobs import Job, JobKind, JobStatus, JobSummary
from exportguard.edge.auth import Caller, CallerDep, allowed, throttled
from exportguard.errors import InvalidInput

router = APIRouter(prefix="/api/v1", responses=s.ERRORS)


@router.post("/screen", tags=["screening"], response_model=s.ScreenResponse)
def screen(body: s.ScreenRequest, who: Caller = allowed("screen")) -> s.ScreenResponse:
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
    return s.ScreenResponse.model_validate(who.service.cases.review(result))


@router.post(
    "/screen/batch", status_code=202, tags=["screening"], dependencies=[throttled("batch")],
    response_model=s.JobOut,
)
def screen_batch(
    body: s.BatchRequest, response: Response, who: Caller = allowed("screen")
) -> s.JobOut:
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


def _job(job: JobSummary) -> s.JobOut:
    """The wire form of a job: its listed fields and, once done, where its result is."""
    done = job.status is JobStatus.DONE
    given = {name: getattr(job, name) for name in s.JobOut.model_fields if name != "result_url"}
    url = f"/api/v1/jobs/{job.id}/result" if done else None
    return s.JobOut.model_validate(given | {"result_url": url})


def _job_or_404(who: Caller, job_id: str) -> Job:
    return who.service.jobs.get(job_id)  # an exporter reaches only its own (Jobs.get)


@router.get("/jobs", tags=["screening"], response_model=s.Page[s.JobOut])
def jobs(who: CallerDep, limit: Limit = 50, offset: Offset = 0) -> s.Page[s.JobOut]:
    """Batch jobs (an exporter sees its own)."""
    found = [_job(j) for j in who.service.jobs.find()]
    return s.Page[s.JobOut].model_validate(page(found, limit, offset))


@router.get("/jobs/{job_id}", tags=["screening"], response_model=s.JobOut)
def job(job_id: str, who: CallerDep) -> s.JobOut:
    return _job(_job_or_404(who, job_id))


@router.get(
    "/jobs/{job_id}/result",
    tags=["screening"],
    response_model=None,
    responses={200: {
        "model": s.CounterpartyImportOut,
        "description": "A screening job's hits as CSV (text/csv: one row per hit); a bulk "
        "import's summary as JSON (application/json).",
        "content": {"text/csv": {"schema": {"type": "string", "description": "CSV, UTF-8, "
                                            "with a header row"}}},
    }},
)
def job_result(job_id: str, who: CallerDep) -> PlainTextResponse:
    """The batch result as CSV (one row per hit); a bulk import's summary as JSON."""
    found = _job_or_404(who, job_id)
    if found.status is not JobStatus.DONE:
        raise InvalidInput(f"job {job_id} is {found.status}", field="job")
    if found.kind is JobKind.IMPORT:
        return PlainTextResponse(found.result, media_type="application/json")
    return PlainTextResponse(
        found.result,
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{job_id}.csv"'},
    )
