"""What the parts of :class:`~exportguard.services.ExportGuard` share: its store, clock,
acting user, index caches and sub-services, set by its constructor. The parts (list
imports, snapshots, screening) are mixed into that one class, so the public Python API is
one object (``eg.import_paths``, ``eg.screen``, ...)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from exportguard.core.index import NameIndex
    from exportguard.core.permissions import Actor
    from exportguard.services.audit import Audit
    from exportguard.services.impact import Impact
    from exportguard.services.monitoring import Monitoring

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class AppParts:
    """The state an :class:`~exportguard.services.ExportGuard` part works with."""

    database_url: str
    engine: Engine
    clock: Clock
    #: Who acts, for the audit trail.
    actor: str
    #: The signed-in principal (role and company) when a service acts for one (API, web);
    #: None for the local operator of the CLI and for system work.
    principal: Actor | None
    #: Name index per snapshot id, and merged indexes per set of snapshot ids.
    _indexes: dict[int, NameIndex]
    _merged: dict[tuple[int, ...], NameIndex]
    audit: Audit
    monitoring: Monitoring
    impact: Impact

    def _now(self) -> str:
        return self.clock().isoformat(timespec="seconds")
