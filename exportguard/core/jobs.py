"""Batch jobs as records (pure): their kinds, their states and the job itself.

A job is queued, claimed by a worker (``running``), and ends ``done`` (with a result) or
``failed`` (with an error). Times are ISO 8601 UTC strings, as stored.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

#: One value of a job's options (they are stored as JSON).
OptionValue = str | int | float | bool | None


class JobKind(enum.StrEnum):
    """What a job does: screen a CSV file of parties, or import counterparties."""

    SCREEN = "screen-batch"
    IMPORT = "counterparty-import"


class JobStatus(enum.StrEnum):
    """Where a job is: ``queued`` -> ``running`` -> ``done`` | ``failed``."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class JobSummary:
    """A job as listed: without its input, options or result.

    ``rows``: the rows (parties) of its file; ``progress``: rows done so far, while it
    runs (None before); ``error``: why it failed."""

    id: str
    kind: JobKind
    status: JobStatus
    owner: str
    exporter: str | None
    rows: int | None
    created_at: str
    started_at: str | None = None
    finished_at: str | None = None
    error: str | None = None
    progress: int | None = None

    @property
    def running(self) -> bool:
        """Queued or running: not ended yet."""
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)


@dataclass(frozen=True, slots=True)
class Job(JobSummary):
    """A job in full: its ``options`` (screening limit and threshold, or an import's file,
    exporter and own_only), the ``input`` text, the ``result`` (CSV of a screening, JSON of
    an import, once done) and the worker that claimed it."""

    options: Mapping[str, OptionValue] = field(default_factory=dict)
    input: str = ""
    result: str | None = None
    claimed_by: str | None = None
