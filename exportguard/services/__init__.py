"""Use cases: where core, store and sources meet. The CLI, the API and batch call these.

One class per use case area, each constructed with a :class:`~.context.Context` (the
store's engine, the clock, who acts) and the collaborators it uses, named:

- ``lists``: :class:`~.snapshots.Snapshots` (snapshots, entries, name indexes, diffs)
- ``screening``: :class:`~.screening.Screening` (lists, audit)
- ``imports``: :class:`~.importing.ListImports` (lists, audit, monitoring, impact)
- ``decisions``: :class:`~.decisions.Decisions` (lists, screening, audit)
- ``licensing``: :class:`~.licensing.Licensing` (decisions, audit)
- ``cases``: :class:`~.hit_cases.Cases` (audit)
- ``monitoring``: :class:`~.monitoring.Monitoring` (lists, cases, audit)
- ``impact``: :class:`~.impact.Impact` (lists, screening, decisions, licensing, monitoring)
- ``accounts``: :class:`~.accounts.Accounts` (audit)
- ``jobs``: :class:`~.jobs.Jobs` (lists, audit, the use cases as a job's owner)
- ``audit``: :class:`~.audit.Audit` (reading, verifying, certificates: cases' dispositions);
  every use case that acts writes through the one ``writer``
  (:class:`~.audit.AuditWriter`).

:class:`ExportGuard` is the composition root: it opens the store and builds these, and
keeps the public Python API on one object (``eg.screen``, ``eg.import_paths``,
``eg.decisions.decide``, ...: the list and screening methods delegate to ``lists``,
``imports`` and ``screening``). :meth:`ExportGuard.for_actor` is a new composition with a
new context on the same :class:`Shared` engine and caches. Snapshots are immutable, so a
cached index never goes stale; several processes (API instances behind a load balancer,
batch workers) can share one database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, TypeVar, cast, overload

from exportguard.core.permissions import Actor
from exportguard.core.regimes import Regime
from exportguard.services.accounts import Accounts
from exportguard.services.alerts import Notifier
from exportguard.services.audit import Audit, AuditKey, AuditWriter
from exportguard.services.context import Clock, Context, utc_now
from exportguard.services.decisions import Decisions
from exportguard.services.hit_cases import Cases
from exportguard.services.impact import Impact
from exportguard.services.importing import FeedOutcome, ImportReport, ImportResult, ListImports
from exportguard.services.jobs import Jobs
from exportguard.services.licensing import Licensing
from exportguard.services.monitoring import Monitoring
from exportguard.services.screeners import Screener
from exportguard.services.screening import Screening, ScreeningResult
from exportguard.services.snapshots import IndexCache, Snapshots
from exportguard.store import engine as store_engine

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = [
    "Clock",
    "Context",
    "ExportGuard",
    "FeedOutcome",
    "ImportReport",
    "ImportResult",
    "ScreeningResult",
    "Shared",
    "utc_now",
]

P = ParamSpec("P")
R = TypeVar("R")


class _Delegated(Generic[P, R]):
    """A method of :class:`ExportGuard` that is one of its use cases': ``eg.screen(...)``
    is ``eg.screening.screen(...)``. On the class it is the use case's function (its
    signature and docstring)."""

    def __init__(self, part: str, method: Callable[Concatenate[Any, P], R]) -> None:
        self.part = part
        self.method = method
        self.__doc__ = method.__doc__

    @overload
    def __get__(self, obj: None, owner: type) -> Callable[Concatenate[Any, P], R]: ...
    @overload
    def __get__(self, obj: object, owner: type) -> Callable[P, R]: ...
    def __get__(self, obj: object | None, owner: type) -> Callable[..., R]:
        if obj is None:
            return self.method
        return cast(Callable[P, R], getattr(getattr(obj, self.part), self.method.__name__))


@dataclass(frozen=True, slots=True)
class Shared:
    """What every composition on one store shares, whoever acts: the engine (its
    connection pool) and the caches (name indexes, regimes read from the store)."""

    database_url: str
    engine: Engine
    indexes: IndexCache = field(default_factory=IndexCache)
    regimes: dict[str, Regime] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class _Options:
    """How an :class:`ExportGuard` was configured (its constructor's options), for the
    compositions acting for others."""

    clock: Clock
    impact_policy: str
    notifier: Notifier | None
    audit_key: AuditKey | None
    screener: Screener | None


def _composed(shared: Shared, options: _Options, actor: str | Actor) -> ExportGuard:
    """The use cases on ``shared``'s store, configured as ``options``, acting as ``actor``."""
    return ExportGuard(
        shared.database_url, actor=actor, clock=options.clock,
        impact_policy=options.impact_policy, notifier=options.notifier,
        audit_key=options.audit_key, screener=options.screener, shared=shared,
    )  # fmt: skip


class ExportGuard:
    """The application: one store, its list snapshots, screening, and decisions (the
    composition root; module docstring)."""

    def __init__(
        self,
        database_url: str,
        *,
        actor: str | Actor = "system",
        clock: Clock = utc_now,
        impact_policy: str = "review",
        notifier: Notifier | None = None,
        audit_key: AuditKey | None = None,
        screener: Screener | None = None,
        shared: Shared | None = None,
    ) -> None:
        """Open ``database_url`` (or, given ``shared``, use that store's engine and caches:
        :meth:`for_actor`). ``actor`` names who acts (an :class:`Actor`: also their role
        and company, checked by the use cases); ``screener`` screens a large counterparty
        book elsewhere (Dask), None: in this process."""
        if shared is None:
            shared = Shared(database_url, store_engine.open_engine(database_url))
        elif shared.database_url != database_url:
            raise ValueError("shared holds another store's engine")
        self.shared = shared
        self._options = _Options(clock, impact_policy, notifier, audit_key, screener)
        ctx = Context(shared.engine, clock).acting_as(actor)
        self.ctx = ctx
        self.writer = writer = AuditWriter(ctx, audit_key)
        self.lists = lists = Snapshots(ctx, shared.indexes)
        self.screening = screening = Screening(ctx, lists=lists, audit=writer)
        self.decisions = decisions = Decisions(
            ctx, audit=writer, lists=lists, screening=screening, cache=shared.regimes
        )
        self.licensing = licensing = Licensing(ctx, audit=writer, decisions=decisions)
        self.cases = cases = Cases(ctx, audit=writer)
        self.audit = Audit(ctx, writer, cases)
        self.monitoring = monitoring = Monitoring(
            ctx, audit=writer, lists=lists, cases=cases, notifier=notifier, screener=screener
        )
        self.impact = impact = Impact(
            ctx, audit=writer, snapshots=lists, screening=screening, decisions=decisions,
            licensing=licensing, monitoring=monitoring, policy=impact_policy,
        )  # fmt: skip
        self.imports = ListImports(
            ctx, lists=lists, audit=writer, monitoring=monitoring, impact=impact
        )
        self.accounts = Accounts(ctx, audit=writer)
        self.jobs = Jobs(
            ctx, audit=writer, lists=lists, acting_as=partial(_composed, shared, self._options)
        )

    @property
    def database_url(self) -> str:
        return self.shared.database_url

    @property
    def engine(self) -> Engine:
        return self.shared.engine

    @property
    def clock(self) -> Clock:
        return self.ctx.clock

    @property
    def actor(self) -> str:
        """Who acts, for the audit trail."""
        return self.ctx.actor

    @property
    def principal(self) -> Actor | None:
        """The signed-in principal (role and company) when acting for one (API, web); None
        for the local operator of the CLI and for system work."""
        return self.ctx.principal

    def for_actor(self, actor: str | Actor) -> ExportGuard:
        """The same application acting as ``actor`` (a new composition on the same engine
        and caches): what the API does per request, so the audit trail names who acted.
        Given an :class:`Actor`, use cases also check its role (``principal``)."""
        return _composed(self.shared, self._options, actor)

    def close(self) -> None:
        self.engine.dispose()

    # --- the list and screening use cases, on the application (the public Python API) ---

    snapshots = _Delegated("lists", Snapshots.snapshots)
    snapshots_in_force = _Delegated("lists", Snapshots.snapshots_in_force)
    in_force_and_set_aside = _Delegated("lists", Snapshots.in_force_and_set_aside)
    snapshot = _Delegated("lists", Snapshots.snapshot)
    snapshot_diff = _Delegated("lists", Snapshots.snapshot_diff)
    entry_delta = _Delegated("lists", Snapshots.entry_delta)
    entries = _Delegated("lists", Snapshots.entries)
    index = _Delegated("lists", Snapshots.index)
    merged_index = _Delegated("lists", Snapshots.merged_index)
    import_paths = _Delegated("imports", ListImports.import_paths)
    import_files = _Delegated("imports", ListImports.import_files)
    update_lists = _Delegated("imports", ListImports.update_lists)
    import_demo = _Delegated("imports", ListImports.import_demo)
    retire_snapshot = _Delegated("imports", ListImports.retire_snapshot)
    screen = _Delegated("screening", Screening.screen)
    screen_snapshots = _Delegated("screening", Screening.screen_snapshots)
    screen_many = _Delegated("screening", Screening.screen_many)
