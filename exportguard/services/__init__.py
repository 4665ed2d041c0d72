"""Use cases: where core, store and sources meet. The CLI, the API and batch call these.

:class:`ExportGuard` holds one store (SQLite or PostgreSQL) and a cache of loaded name
indexes. Snapshots are immutable, so a cached index never goes stale; several processes
(API instances behind a load balancer, batch workers) can share one database.

It is composed of parts, one module each: list imports (``importing``), snapshots
(``snapshots``), screening (``screening``), on the state they share (``parts``); and holds
the sub-services ``decisions``, ``licensing``, ``monitoring``, ``impact``, ``audit``,
``accounts`` and ``jobs``.
"""

from __future__ import annotations

from typing import Any

from exportguard.core.permissions import Actor
from exportguard.services.accounts import Accounts
from exportguard.services.alerts import Notifier
from exportguard.services.audit import Audit, AuditKey
from exportguard.services.decisions import Decisions
from exportguard.services.hit_cases import Cases
from exportguard.services.impact import Impact
from exportguard.services.importing import FeedOutcome, ImportReport, ImportResult, ListImports
from exportguard.services.jobs import Jobs
from exportguard.services.licensing import Licensing
from exportguard.services.monitoring import Monitoring
from exportguard.services.parts import Clock, utc_now
from exportguard.services.screeners import Screener
from exportguard.services.screening import Screening, ScreeningResult
from exportguard.store import engine as store_engine

__all__ = [
    "Clock",
    "ExportGuard",
    "FeedOutcome",
    "ImportReport",
    "ImportResult",
    "ScreeningResult",
    "utc_now",
]


class ExportGuard(ListImports, Screening):
    """The application: one store, its list snapshots, screening, and decisions."""

    def __init__(
        self,
        database_url: str,
        *,
        actor: str = "system",
        clock: Clock = utc_now,
        impact_policy: str = "review",
        notifier: Notifier | None = None,
        audit_key: AuditKey | None = None,
        screener: Screener | None = None,
    ) -> None:
        self.database_url = database_url
        #: Screens a large counterparty book elsewhere (Dask); None: in this process.
        self._screener = screener
        self._audit_key = audit_key
        self.actor = actor
        #: The signed-in principal (role and company) when a service acts for one (API, web);
        #: None for the local operator of the CLI and for system work. Use cases that
        #: depend on the role check it themselves, whatever edge called them.
        self.principal = None
        self.clock = clock
        self.engine = store_engine.open_engine(database_url)
        self._indexes = {}
        self._merged = {}
        self._notifier = notifier
        self._impact_policy = impact_policy
        self._regime_cache: dict[str, Any] = {}
        self._bind()

    def _bind(self) -> None:
        self.decisions = Decisions(self, self._regime_cache)
        self.audit = Audit(self, self._audit_key)
        self.licensing = Licensing(self)
        self.monitoring = Monitoring(self, self._notifier, self._screener)
        self.impact = Impact(self, self._impact_policy)
        self.accounts = Accounts(self)
        self.jobs = Jobs(self)
        self.cases = Cases(self)

    def for_actor(self, actor: str | Actor) -> ExportGuard:
        """The same application acting as ``actor`` (shares the engine and every cache):
        what the API does per request, so the audit trail names who acted. Given an
        :class:`Actor`, use cases also check its role (``principal``)."""
        clone = object.__new__(ExportGuard)
        clone.__dict__.update(self.__dict__)
        if isinstance(actor, Actor):
            clone.actor = actor.username
            clone.principal = actor
        else:
            clone.actor = actor
            clone.principal = None
        clone._bind()
        return clone

    def close(self) -> None:
        self.engine.dispose()
