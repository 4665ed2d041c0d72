"""Batch jobs run by the service: screening files and bulk imports of counterparties,
queued in the store (several service instances share the queue), claimed by a worker
(``api``'s JobWorker), with progress, result or error kept on the job; audited.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Protocol

from exportguard.core.jobs import Job, JobKind, JobStatus, JobSummary, OptionValue
from exportguard.core.thresholds import DEFAULT_THRESHOLD
from exportguard.errors import InvalidInput, NotFound
from exportguard.services.credentials import sha256_hex
from exportguard.store import accounts as store
from exportguard.store import cases
from exportguard.store.engine import writing

if TYPE_CHECKING:
    from exportguard.services.audit import AuditWriter
    from exportguard.services.context import Context
    from exportguard.services.hit_cases import Cases
    from exportguard.services.monitoring import Monitoring
    from exportguard.services.screening import Screening
    from exportguard.services.snapshots import Snapshots

#: A job running longer than this lost its worker (a SIGTERM, a crash): another takes it.
JOB_STALE_MINUTES = 30
#: Rows one service batch job takes (the command line's screen-batch has no such cap).
MAX_JOB_ROWS = 50_000
#: The kind of a queued bulk import of counterparties (its result is JSON, not CSV).
IMPORT_JOB = JobKind.IMPORT
#: The kind of a batch screening job (its result is CSV).
SCREEN_JOB = JobKind.SCREEN


def _number(options: Mapping[str, OptionValue], key: str, default: float) -> float:
    """The number option ``key`` (``default`` when absent or null)."""
    value = options.get(key)
    return default if value is None else float(value)


class OwnerServices(Protocol):
    """The use cases a job runs on, acting as the job's owner (what
    ``ExportGuard.for_actor`` gives): screening, its hits' reviews, the audit trail,
    counterparty imports."""

    screening: Screening
    cases: Cases
    writer: AuditWriter
    monitoring: Monitoring


class Jobs:
    """Asynchronous batch screening, reached as ``ExportGuard.jobs``. ``acting_as`` gives
    the use cases as a job's owner (who submitted it), so what a job does is audited and
    scoped as theirs."""

    def __init__(
        self,
        ctx: Context,
        *,
        audit: AuditWriter,
        lists: Snapshots,
        acting_as: Callable[[str], OwnerServices],
    ) -> None:
        self.ctx = ctx
        self.audit = audit
        self.lists = lists
        self.acting_as = acting_as

    def submit(
        self,
        text: str,
        *,
        owner: str,
        exporter: str | None,
        options: Mapping[str, OptionValue],
        file: str = "upload",
    ) -> str:
        """Queue a batch screening of CSV text (``id,name[,country,type,birth_date,
        identifiers]``, identifiers separated by ``;``); the job's id.
        The file is checked now (:class:`InvalidInput` naming each bad line and field,
        :class:`SourceFormatError` naming ``file``), so a bad file makes no job. The job
        reports its progress (rows screened) as it runs."""
        from exportguard.core.screening_csv import parse_input

        rows = parse_input(text, file)  # validate now: a bad file is a 4xx, not a job
        if len(rows) > MAX_JOB_ROWS:
            raise InvalidInput(
                f"{len(rows)} rows: a job takes at most {MAX_JOB_ROWS:,} (split the file, or "
                "use `exportguard screen-batch`, which streams and scales out on Dask)",
                field="csv",
            )
        with writing(self.ctx.engine) as conn:
            job_id = cases.next_id(conn, "job", "J")
            store.add_job(conn, Job(
                id=job_id, kind=JobKind.SCREEN, status=JobStatus.QUEUED, owner=owner,
                exporter=exporter, options=options, input=text, rows=len(rows),
                created_at=self.ctx.now(),
            ))  # fmt: skip
            self.audit.record(conn, "job-submit", job_id, {
                "kind": SCREEN_JOB, "owner": owner, "rows": len(rows),
                "input_sha256": sha256_hex(text), "options": options})  # fmt: skip
        return job_id

    def submit_import(
        self, data: bytes, *, file: str, owner: str, exporter: str | None,
        own_only: bool = False,
    ) -> str:  # fmt: skip
        """Queue a bulk import of counterparties (``services.bulk``); the file is checked
        now, so a bad file is refused at once (file, line, field) and no job is made. The
        job reports its progress (counterparties screened) as it runs. An exporter imports
        its own company's only, as :meth:`Monitoring.import_csv` (``bulk.import_scope``)."""
        from exportguard.core.counterparties import decode, file_label, parse_parties
        from exportguard.services.bulk import import_scope

        exporter, own_only = import_scope(self.ctx, exporter, own_only)
        file = file_label(file)
        text = decode(data, file)
        lines = parse_parties(text, file, exporter=exporter, own_only=own_only)
        options: dict[str, OptionValue] = {
            "file": file, "exporter": exporter, "own_only": own_only}  # fmt: skip
        with writing(self.ctx.engine) as conn:
            job_id = cases.next_id(conn, "job", "J")
            store.add_job(conn, Job(
                id=job_id, kind=JobKind.IMPORT, status=JobStatus.QUEUED, owner=owner,
                exporter=exporter, options=options, input=text, rows=len(lines),
                created_at=self.ctx.now(),
            ))  # fmt: skip
            self.audit.record(conn, "job-submit", job_id, {
                "kind": IMPORT_JOB, "owner": owner, "rows": len(lines),
                "input_sha256": sha256_hex(text), "options": options})  # fmt: skip
        return job_id

    def get(self, job_id: str) -> Job:
        """The job; :class:`NotFound` if there is none, or if an exporter user acts and it
        is another user's (an exporter sees only its own jobs)."""
        with self.ctx.engine.connect() as conn:
            found = store.job(conn, job_id)
        p = self.ctx.principal
        if found is None or (p is not None and p.is_exporter and found.owner != p.username):
            raise NotFound(f"no job {job_id!r}")
        return found

    def find(self, owner: str | None = None) -> list[JobSummary]:
        """The jobs of ``owner`` (None: everyone's), oldest first; an exporter user acting
        sees only its own, whatever ``owner`` is given."""
        p = self.ctx.principal
        if p is not None and p.is_exporter:
            owner = p.username
        with self.ctx.engine.connect() as conn:
            return store.find_jobs(conn, owner)

    def run_next(self, worker: str) -> str | None:
        """Claim and run the oldest queued job; its id, or None if there was none."""
        from exportguard.core.screening_csv import parse_input, write_rows

        stale = (self.ctx.clock() - timedelta(minutes=JOB_STALE_MINUTES)).isoformat(
            timespec="seconds"
        )
        with writing(self.ctx.engine) as conn:
            job_id = store.claim_job(conn, worker, self.ctx.now(), stale)
        if job_id is None:
            return None
        job = self.get(job_id)
        if job.kind is JobKind.IMPORT:
            self._run_import(job)
            return job_id
        try:
            rows = parse_input(job.input, job_id)
            options = job.options
            service = self.acting_as(job.owner)
            progress = self._progress(job_id)
            pairs = []
            screened = service.screening.screen_many(
                ((r.id, r.query) for r in rows),
                limit=int(_number(options, "limit", 10)),
                threshold=_number(options, "threshold", DEFAULT_THRESHOLD),
            )
            for row, (_, hits) in zip(rows, screened, strict=True):
                pairs.append((row, hits))
                progress(len(pairs), len(rows))
            buffer = io.StringIO()
            review = service.cases.batch_review(job.exporter, pairs)  # cleared hits
            write_rows(csv.writer(buffer), pairs, review)
            with writing(self.ctx.engine) as conn:
                store.finish_job(
                    conn, job_id, at=self.ctx.now(), result=buffer.getvalue(), rows=len(rows)
                )
                service.writer.record(
                    conn,
                    "screening-batch",
                    job_id,
                    {
                        "rows": len(rows),
                        "input_sha256": sha256_hex(job.input),
                        "result_sha256": sha256_hex(buffer.getvalue()),
                        "options": dict(options),
                        "snapshots": [s.id for s in self.lists.snapshots_in_force()],
                    },
                )
        except Exception as exc:  # a job must end, whatever went wrong, and say why
            with writing(self.ctx.engine) as conn:
                store.finish_job(conn, job_id, at=self.ctx.now(), error=str(exc))
                self.audit.record(conn, "job-failed", job_id, {"error": str(exc)[:500]})
        return job_id

    def _run_import(self, job: Job) -> None:
        """Run a queued bulk import, writing its progress to the job as it screens."""
        options = job.options
        service = self.acting_as(job.owner)
        exporter = options["exporter"]
        try:
            summary = service.monitoring.import_csv(
                job.input, file=str(options["file"]),
                exporter=None if exporter is None else str(exporter),
                own_only=bool(options["own_only"]), progress=self._progress(job.id),
            )  # fmt: skip
            result = json.dumps(summary.to_dict())
            with writing(self.ctx.engine) as conn:
                store.finish_job(conn, job.id, at=self.ctx.now(), result=result,
                                 rows=summary.rows)  # fmt: skip
        except Exception as exc:  # a job must end, whatever went wrong, and say why
            with writing(self.ctx.engine) as conn:
                store.finish_job(conn, job.id, at=self.ctx.now(), error=str(exc))
                self.audit.record(conn, "job-failed", job.id, {"error": str(exc)[:500]})

    def _progress(self, job_id: str) -> Callable[[int, int], None]:
        """A callback ``(done, total)`` that writes a job's progress (rows done) to the
        store: at most about a hundred writes a job, and always the last row."""
        last = [0]

        def progress(done: int, total: int) -> None:
            if done < total and done - last[0] < max(1, total // 100):
                return
            last[0] = done
            with writing(self.ctx.engine) as conn:
                store.set_progress(conn, job_id, done)

        return progress
