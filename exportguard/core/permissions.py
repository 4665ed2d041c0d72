"""Who may do what: roles, actions, and the one table between them (pure).

Roles: ``exporter`` (one exporting company: its own applications, licences,
counterparties and screenings), ``officer`` (licensing officer: decides, reviews, acts on
misuse and impact), ``auditor`` (reads everything, verifies the audit chain, changes
nothing), ``admin`` (everything, and users and list imports).

Ownership is a second, separate check: an exporter reaches only objects whose ``exporter``
is its company, and everything else is "not found" (so it cannot learn what exists).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from exportguard.core.licensing import Event
from exportguard.errors import PermissionDenied

ROLES = ("exporter", "officer", "auditor", "admin")

#: action -> roles allowed. ``admin`` is allowed everything and is not listed.
PERMISSIONS: Mapping[str, frozenset[str]] = {
    "screen": frozenset({"exporter", "officer"}),
    "decide": frozenset({"exporter", "officer"}),
    "read_regimes": frozenset({"exporter", "officer", "auditor"}),
    "read_lists": frozenset({"exporter", "officer", "auditor"}),
    "import_lists": frozenset(),
    "install_regime": frozenset(),
    "read_licences": frozenset({"exporter", "officer", "auditor"}),
    "apply": frozenset({"exporter"}),
    "ship": frozenset({"exporter", "officer"}),
    "read_counterparties": frozenset({"exporter", "officer", "auditor"}),
    "manage_counterparties": frozenset({"exporter", "officer"}),
    "read_reports": frozenset({"officer", "auditor"}),
    "report_misuse": frozenset({"officer"}),
    "close_review": frozenset({"officer"}),
    "impact": frozenset({"officer"}),
    "read_audit": frozenset({"officer", "auditor"}),
    "manage_users": frozenset(),
}

#: Licence events an exporter may take on its own licences; officers take the rest.
EXPORTER_EVENTS = frozenset({Event.SUBMIT, Event.WITHDRAW, Event.AMEND, Event.SURRENDER})
OFFICER_EVENTS = frozenset(set(Event) - {Event.SUBMIT, Event.SURRENDER})


@dataclass(frozen=True, slots=True)
class Actor:
    """The signed-in user."""

    username: str
    role: str
    exporter: str | None = None

    @property
    def is_exporter(self) -> bool:
        return self.role == "exporter"


def allowed(actor: Actor, action: str) -> bool:
    return actor.role == "admin" or actor.role in PERMISSIONS.get(action, frozenset())


def require(actor: Actor, action: str) -> None:
    """Raise :class:`PermissionDenied` unless the actor may take ``action``."""
    if action not in PERMISSIONS:
        raise ValueError(f"unknown action {action!r}")
    if not allowed(actor, action):
        raise PermissionDenied(f"a {actor.role} may not {action.replace('_', ' ')}")


def may_take(actor: Actor, event: Event) -> bool:
    if actor.role == "admin":
        return True
    if actor.role == "exporter":
        return event in EXPORTER_EVENTS
    if actor.role == "officer":
        return event in OFFICER_EVENTS
    return False


def owns(actor: Actor, exporter: str | None) -> bool:
    """Whether an object of ``exporter`` is visible to the actor."""
    return not actor.is_exporter or (exporter is not None and exporter == actor.exporter)
