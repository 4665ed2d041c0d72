"""Batch screening on the web: upload a CSV of parties (``id,name[,country,type,
birth_date,identifiers]``), follow
the job's progress (rows screened of the file's rows; the page reloads itself until the
job ends), read the hits in a table and download them as CSV (the API's job result). The
job is ``services.jobs``'s, shared with ``POST /api/v1/screen/batch``: the file is checked
on upload (a bad file comes back to the form naming its lines and fields, and no job is
made). An exporter reaches its own jobs only, as in the API."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from exportguard.core.jobs import Job, JobStatus, JobSummary
from exportguard.core.permissions import allowed
from exportguard.core.screening_csv import TYPE_WORDS, uncell
from exportguard.core.thresholds import DEFAULT_THRESHOLD
from exportguard.edge.auth import Caller
from exportguard.edge.errors import status_of
from exportguard.errors import ExportGuardError, InvalidInput, NotFound, SourceFormatError
from exportguard.services.jobs import SCREEN_JOB
from exportguard.web.common import error_page, guard, page
from exportguard.web.paging import Pager, csv_response, pager, wants_csv

#: The largest CSV the page takes (``edge.limits`` caps the body the same).
MAX_BATCH_UPLOAD = 16 * 1024 * 1024
#: Result rows on one page of a job's results; jobs listed.
ROWS_SHOWN = 100
JOBS_SHOWN = 20


def _jobs(who: Caller) -> list[JobSummary]:
    """The caller's batch jobs (an exporter's own, anyone's for others), newest first."""
    found = [j for j in who.service.jobs.find() if j.kind is SCREEN_JOB]
    return found[::-1][:JOBS_SHOWN]


def _form(
    request: Request, who: Caller, status: int = 200, error: str | None = None
) -> HTMLResponse:
    return page(request, "batch.html", who, status, error=error, jobs=_jobs(who),
                columns=("id", "name", "country", "type"), type_words=TYPE_WORDS)  # fmt: skip


async def batch_page(request: Request) -> Response:
    """The upload form and the caller's recent jobs; POST queues a job and goes to its
    progress page."""
    who = await guard(request, "screen")
    if isinstance(who, Response):
        return who
    if request.method == "GET":
        return _form(request, who)
    form = await request.form()
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise InvalidInput("choose a CSV file to screen", field="file")
        data = await upload.read(MAX_BATCH_UPLOAD + 1)
        if len(data) > MAX_BATCH_UPLOAD:
            raise InvalidInput(f"larger than {MAX_BATCH_UPLOAD} bytes", field="file")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SourceFormatError(f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                                    file=upload.filename) from None  # fmt: skip
        who.service.accounts.throttle(who.actor.username, "batch")
        job_id = who.service.jobs.submit(
            text, owner=who.actor.username, exporter=who.actor.exporter, file=upload.filename,
            options={"limit": 10, "threshold": DEFAULT_THRESHOLD, "file": upload.filename},
        )  # fmt: skip
    except ExportGuardError as exc:
        name = upload.filename if isinstance(upload, UploadFile) else None
        said = str(exc)
        if isinstance(exc, InvalidInput) and name and not said.startswith(name):
            said = f"{name}: {said}"  # the lines at fault, in the file named
        return _form(request, who, status_of(exc), error=said)
    finally:
        await form.close()  # the upload's spooled temporary file
    return RedirectResponse(f"/batch/{job_id}", status_code=303)


def _job(who: Caller, job_id: str) -> Job:
    """The job, if the caller reaches it (:class:`NotFound` otherwise, as for no job)."""
    job = who.service.jobs.get(job_id)  # an exporter reaches only its own (Jobs.get)
    if job.kind is not SCREEN_JOB:
        raise NotFound(f"no batch job {job_id!r}")
    return job


async def job_page(request: Request) -> Response:
    """A job's progress (rows screened of its rows) until it ends; then its result rows, a
    page at a time, filtered by ``list`` (a text of the list's name) and ``hits`` (hits
    only), each hit reviewable as a case; ``format=csv`` gives the filtered rows, the
    download link every row."""
    who = await guard(request, "screen")
    if isinstance(who, Response):
        return who
    try:
        job = _job(who, request.path_params["job_id"])
    except ExportGuardError as exc:
        return error_page(request, who, exc)
    q = request.query_params
    filters = {"list": q.get("list", "").strip(), "hits": "1" if q.get("hits") else ""}
    every: list[dict[str, str]] = []
    columns: list[str] = []
    if job.status is JobStatus.DONE and job.result:
        reader = csv.DictReader(io.StringIO(job.result))
        columns = list(reader.fieldnames or [])
        every = [{k: uncell(v) for k, v in r.items()} for r in reader]
    needle = filters["list"].casefold()
    rows = [r for r in every
            if (not needle or needle in r.get("list_name", "").casefold())
            and (not filters["hits"] or r.get("entity_id"))]  # fmt: skip
    hits = sum(1 for r in every if r.get("entity_id"))
    try:
        if wants_csv(request):
            return csv_response(f"{job.id}-filtered.csv", columns, rows)
        at = pager(request, len(rows), ROWS_SHOWN, filters)
    except ExportGuardError as exc:
        at = pager_at_start(request, len(rows), filters)
        return page(request, "batch_job.html", who, status_of(exc), error=str(exc), job=job,
                    rows=rows[:ROWS_SHOWN], hits=hits, pager=at, filters=filters,
                    running=False, may_open=allowed(who.actor, "open_case"))  # fmt: skip
    return page(
        request, "batch_job.html", who, job=job, rows=rows[at.offset:at.offset + at.size],
        hits=hits, pager=at, filters=filters,
        running=job.running,
        may_open=allowed(who.actor, "open_case"),
    )  # fmt: skip


def pager_at_start(request: Request, total: int, filters: dict[str, str]) -> Pager:
    """The first page (when the page asked for was not a page number)."""
    return Pager(request.url.path, 1, ROWS_SHOWN, total, filters)


async def job_csv(request: Request) -> Response:
    """The job's result as CSV (one row per hit; a row without a hit once)."""
    who = await guard(request, "screen")
    if isinstance(who, Response):
        return who
    job_id = request.path_params["job_id"]
    try:
        job = _job(who, job_id)
        if job.status is not JobStatus.DONE:
            raise InvalidInput(f"job {job_id} is {job.status}", field="job")
    except ExportGuardError as exc:
        return error_page(request, who, exc)
    return PlainTextResponse(job.result, media_type="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{job_id}.csv"'})  # fmt: skip


ROUTES: tuple[tuple[str, list[str], Any], ...] = (
    ("/batch", ["GET", "POST"], batch_page), ("/batch/{job_id}", ["GET"], job_page),
    ("/batch/{job_id}/result.csv", ["GET"], job_csv),
)  # fmt: skip
