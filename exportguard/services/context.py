"""What every use case is given besides its named collaborators: the store's engine (each
use case opens its own transactions on it, its unit of work), the clock, and who acts.

A :class:`Context` is frozen: acting for another user is a new context
(:meth:`Context.acting_as`) and a new composition of the use cases
(:meth:`~exportguard.services.ExportGuard.for_actor`), never a changed one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from exportguard.core.permissions import Actor

if TYPE_CHECKING:
    from sqlalchemy import Engine

#: Gives the current time, timezone-aware (tests give a fixed one).
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Context:
    """The engine (unit of work: ``engine.connect()`` to read, ``store.engine.writing`` to
    write), the clock, the acting user's name (recorded in the audit trail) and the
    signed-in principal (role and company) when acting for one (API, web); ``principal``
    is None for the local operator of the CLI and for system work. Use cases that depend
    on the role check it themselves, whatever edge called them."""

    engine: Engine
    clock: Clock = utc_now
    actor: str = "system"
    principal: Actor | None = None

    def now(self) -> str:
        """The current time as the store keeps it: ISO 8601, to the second, with offset
        (``2026-03-01T12:00:00+00:00``)."""
        return self.clock().isoformat(timespec="seconds")

    def today(self) -> date:
        return self.clock().date()

    def acting_as(self, actor: str | Actor) -> Context:
        """The same engine and clock, acting as ``actor`` (a name: no principal; an
        :class:`Actor`: its name and role)."""
        if isinstance(actor, Actor):
            return Context(self.engine, self.clock, actor.username, actor)
        return Context(self.engine, self.clock, actor, None)
