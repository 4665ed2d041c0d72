"""Who may do what: roles, actions, and the one table between them (pure).

Roles: ``exporter`` (one exporting company: its own applications, licences,
counterparties and screenings), ``officer`` (licensing officer: decides, reviews, acts on
misuse and impact), ``auditor`` (reads everything, verifies the audit chain, changes
nothing), ``admin`` (everything, and users and list imports).

Ownership is a second, separate check: an exporter reaches only objects whose ``exporter``
is its company, and everything else is "not found" (so it cannot learn what exists).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from exportguard.core.licensing import Event, State
from exportguard.errors import PermissionDenied


class Role(enum.StrEnum):
    """A user's role (see the module's docstring)."""

    EXPORTER = "exporter"
    OFFICER = "officer"
    AUDITOR = "auditor"
    ADMIN = "admin"


ROLES: tuple[str, ...] = tuple(r.value for r in Role)

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
    "request_amendment": frozenset({"exporter"}),
    "decide_amendment": frozenset({"officer"}),
    "read_counterparties": frozenset({"exporter", "officer", "auditor"}),
    "manage_counterparties": frozenset({"exporter", "officer"}),
    "read_reports": frozenset({"officer", "auditor"}),
    "report_misuse": frozenset({"officer"}),
    "close_review": frozenset({"officer"}),
    "impact": frozenset({"officer"}),
    "read_audit": frozenset({"officer", "auditor"}),
    "manage_users": frozenset(),
    # Hit review cases (core.hit_cases): an exporter's own, an officer's any. Confirming
    # also needs a second person (four-eyes), checked by the use case.
    "read_cases": frozenset({"exporter", "officer", "auditor"}),
    "open_case": frozenset({"exporter", "officer"}),
    "decide_case": frozenset({"exporter", "officer"}),
    "confirm_case": frozenset({"exporter", "officer"}),
    "assign_case": frozenset({"exporter", "officer"}),
}

#: (state, event) -> roles that may take that event in that state; one row for every row
#: of ``core.licensing.TRANSITIONS`` (a test checks both tables have the same keys).
#:
#: The exporter shapes and submits its own application, may withdraw it while it is being
#: decided, and may surrender an issued licence. Everything that decides or changes an
#: issued licence is the licensing officer's: an exporter never amends an issued licence
#: (it *requests* an amendment, which an officer decides: ``Licensing.request_amendment``).
#: The admin administers users and lists; it takes the officer's events, never the
#: exporter's (a company's application is the company's act).
EVENT_ROLES: Mapping[tuple[State, Event], frozenset[str]] = {
    (State.DRAFT, Event.SUBMIT): frozenset({"exporter"}),
    (State.DRAFT, Event.AMEND): frozenset({"exporter"}),
    (State.DRAFT, Event.WITHDRAW): frozenset({"exporter"}),
    (State.SUBMITTED, Event.REVIEW): frozenset({"officer", "admin"}),
    (State.SUBMITTED, Event.WITHDRAW): frozenset({"exporter"}),
    (State.UNDER_REVIEW, Event.APPROVE): frozenset({"officer", "admin"}),
    (State.UNDER_REVIEW, Event.REFUSE): frozenset({"officer", "admin"}),
    (State.UNDER_REVIEW, Event.WITHDRAW): frozenset({"exporter"}),
    (State.ISSUED, Event.AMEND): frozenset({"officer", "admin"}),
    (State.ISSUED, Event.RESTRICT): frozenset({"officer", "admin"}),
    (State.ISSUED, Event.SUSPEND): frozenset({"officer", "admin"}),
    (State.ISSUED, Event.REVOKE): frozenset({"officer", "admin"}),
    (State.ISSUED, Event.SHUT_DOWN): frozenset({"officer", "admin"}),
    (State.ISSUED, Event.EXPIRE): frozenset({"officer", "admin"}),
    (State.ISSUED, Event.SURRENDER): frozenset({"exporter"}),
    (State.SUSPENDED, Event.REINSTATE): frozenset({"officer", "admin"}),
    (State.SUSPENDED, Event.RESTRICT): frozenset({"officer", "admin"}),
    (State.SUSPENDED, Event.REVOKE): frozenset({"officer", "admin"}),
    (State.SUSPENDED, Event.SHUT_DOWN): frozenset({"officer", "admin"}),
    (State.SUSPENDED, Event.EXPIRE): frozenset({"officer", "admin"}),
}


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


def a_role(role: str) -> str:
    """The role with its article: ``an exporter``, ``a checker``."""
    return f"{'an' if role[:1] in 'aeiou' else 'a'} {role}"


def require(actor: Actor, action: str) -> None:
    """Raise :class:`PermissionDenied` unless the actor may take ``action``."""
    if action not in PERMISSIONS:
        raise ValueError(f"unknown action {action!r}")
    if not allowed(actor, action):
        raise PermissionDenied(f"{a_role(actor.role)} may not {action.replace('_', ' ')}")


def may_take(actor: Actor, state: State, event: Event) -> bool:
    """Whether the actor may take ``event`` on a licence in ``state`` (:data:`EVENT_ROLES`).

    False for a (state, event) pair the transition table does not have, whoever asks.
    """
    return actor.role in EVENT_ROLES.get((state, event), frozenset())


def require_event(actor: Actor, state: State, event: Event) -> None:
    """Raise :class:`PermissionDenied` unless :func:`may_take`; the message says who may.

    A pair the transition table does not have passes here when the actor's role takes that
    event in some other state: ``core.licensing.apply`` then refuses it as
    :class:`~exportguard.errors.IllegalTransition` (409), saying what is allowed. An event
    the role never takes is refused here whatever the state.
    """
    roles = EVENT_ROLES.get((state, event))
    if roles is None:
        if any(actor.role in r for (_, e), r in EVENT_ROLES.items() if e is event):
            return
        raise PermissionDenied(f"{a_role(actor.role)} may not {event.value} a licence")
    if actor.role not in roles:
        raise PermissionDenied(
            f"{a_role(actor.role)} may not {event.value} a licence that is {state.value} "
            f"(only: {', '.join(sorted(roles))})"
        )


def owns(actor: Actor, exporter: str | None) -> bool:
    """Whether an object of ``exporter`` is visible to the actor."""
    return not actor.is_exporter or (exporter is not None and exporter == actor.exporter)
