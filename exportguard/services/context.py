"""What every use case is given besides its named collaborators: the store's engine (each
use case opens its own transactions on it, its unit of work), the clock, and who acts.

A :class:`Context` is frozen: acting for another user is a new context
(:meth:`Context.acting_as`) and a new composition of the use cases
(:meth:`~exportguard.services.ExportGuard.for_actor`), never a changed one.

Tenancy is read here, once, for every use case: an exporter principal reaches its own
company's records only (:attr:`Context.tenant`, :meth:`Context.reaches`), lists only them,
and makes records for its own company only (:meth:`Context.company_for`); another
company's record is "not found" (``core.permissions``' ownership rule), so an exporter
cannot learn what exists. Everyone else (officers, admins, auditors; the CLI and system
work, which act without a principal) reaches every company's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from exportguard.core.permissions import Actor, owns
from exportguard.errors import InvalidInput

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

    def __post_init__(self) -> None:
        p = self.principal
        if p is not None and p.is_exporter and not p.exporter:
            # Else its reach would be undefined: an exporter user belongs to a company.
            raise ValueError(f"exporter {p.username!r} acts for no company (Actor.exporter)")

    def now(self) -> str:
        """The current time as the store keeps it: ISO 8601, to the second, with offset
        (``2026-03-01T12:00:00+00:00``)."""
        return self.clock().isoformat(timespec="seconds")

    def today(self) -> date:
        return self.clock().date()

    @property
    def tenant(self) -> str | None:
        """The company whose records the actor reaches when that is one company's only (an
        exporter principal's); None when it reaches every company's."""
        p = self.principal
        return p.exporter if p is not None and p.is_exporter else None

    def reaches(self, exporter: str | None) -> bool:
        """Whether a record of ``exporter`` (None: the authority's own) is the actor's to
        read and act on; a use case answers :class:`~exportguard.errors.NotFound` for one
        that is not, with the message it gives for an unknown id."""
        return self.principal is None or owns(self.principal, exporter)

    def scope(self, given: str | None = None) -> str | None:
        """The exporter a list is filtered to: an exporter principal's own company whatever
        is ``given``, else ``given`` (None: every company's)."""
        return self.tenant or given

    def company_for(self, given: str | None) -> str:
        """The company a new record is made for, checked before anything is written: an
        exporter principal's own (``given`` None, empty or its own; another company is
        :class:`InvalidInput` on ``exporter``: ``'Globex' is not your company (Acme)``);
        for everyone else, ``given`` (:class:`InvalidInput` on ``exporter`` when None; an
        empty or blank one is the use case's own field check, reported with the others)."""
        own = self.tenant
        if own is not None:
            if (given or "").strip() not in ("", own):
                raise InvalidInput(f"{given!r} is not your company ({own})", field="exporter")
            return own
        if given is None:
            raise InvalidInput("give the exporter the object belongs to", field="exporter")
        return given

    def acting_as(self, actor: str | Actor) -> Context:
        """The same engine and clock, acting as ``actor`` (a name: no principal; an
        :class:`Actor`: its name and role)."""
        if isinstance(actor, Actor):
            return Context(self.engine, self.clock, actor.username, actor)
        return Context(self.engine, self.clock, actor, None)
