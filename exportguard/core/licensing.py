"""Licences as a state machine: the states, the events, and the one table between them.

An application is a licence in its early states. Every change is an event applied by
:func:`apply`; the :data:`TRANSITIONS` table is the whole of what is allowed, and anything
else raises :class:`~exportguard.errors.IllegalTransition`. State "as of" a date is
computed from the events up to that date and the validity period (:func:`state_on`):
expiry is a dated rule, not a cron job.

::

    draft --submit--> submitted --review--> under_review --approve--> issued
                          |                      |--refuse--> refused
                          |--withdraw--> withdrawn
    issued --amend/restrict--> issued        issued --suspend--> suspended
    suspended --reinstate--> issued          issued|suspended --revoke--> revoked
    issued --surrender--> surrendered        issued --expire--> expired (also by date)
    issued|suspended --shut_down--> revoked  (a misuse review's hardest outcome)
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from exportguard.core.json_fields import opt_date, opt_int, opt_number, texts
from exportguard.core.licence_records import BalanceJson, ConditionsJson
from exportguard.errors import FieldError, IllegalTransition

#: The kinds of licence there are. A regime's ``licensing`` block orders the ones it
#: requires (``core.regimes.Licensing``); an application names one of these.
LICENCE_KINDS = ("marketing", "export", "dual-use")


class State(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    ISSUED = "issued"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    EXPIRED = "expired"
    SURRENDERED = "surrendered"


class Event(enum.StrEnum):
    SUBMIT = "submit"
    REVIEW = "review"
    APPROVE = "approve"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"
    AMEND = "amend"
    RESTRICT = "restrict"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"
    REVOKE = "revoke"
    SHUT_DOWN = "shut_down"
    EXPIRE = "expire"
    SURRENDER = "surrender"


#: (state, event) -> new state. The only transitions there are.
TRANSITIONS: Mapping[tuple[State, Event], State] = {
    (State.DRAFT, Event.SUBMIT): State.SUBMITTED,
    (State.DRAFT, Event.AMEND): State.DRAFT,
    (State.DRAFT, Event.WITHDRAW): State.WITHDRAWN,
    (State.SUBMITTED, Event.REVIEW): State.UNDER_REVIEW,
    (State.SUBMITTED, Event.WITHDRAW): State.WITHDRAWN,
    (State.UNDER_REVIEW, Event.APPROVE): State.ISSUED,
    (State.UNDER_REVIEW, Event.REFUSE): State.REFUSED,
    (State.UNDER_REVIEW, Event.WITHDRAW): State.WITHDRAWN,
    (State.ISSUED, Event.AMEND): State.ISSUED,
    (State.ISSUED, Event.RESTRICT): State.ISSUED,
    (State.ISSUED, Event.SUSPEND): State.SUSPENDED,
    (State.ISSUED, Event.REVOKE): State.REVOKED,
    (State.ISSUED, Event.SHUT_DOWN): State.REVOKED,
    (State.ISSUED, Event.EXPIRE): State.EXPIRED,
    (State.ISSUED, Event.SURRENDER): State.SURRENDERED,
    (State.SUSPENDED, Event.REINSTATE): State.ISSUED,
    (State.SUSPENDED, Event.RESTRICT): State.SUSPENDED,
    (State.SUSPENDED, Event.REVOKE): State.REVOKED,
    (State.SUSPENDED, Event.SHUT_DOWN): State.REVOKED,
    (State.SUSPENDED, Event.EXPIRE): State.EXPIRED,
}

#: States from which nothing more can happen.
FINAL = frozenset({State.REFUSED, State.WITHDRAWN, State.REVOKED, State.EXPIRED,
                   State.SURRENDERED})  # fmt: skip
#: States in which an application is still being decided.
PENDING = frozenset({State.DRAFT, State.SUBMITTED, State.UNDER_REVIEW})
@dataclass(frozen=True, slots=True)
class Conditions:
    """What an issued licence allows: dates, caps, who and what for, and duties."""

    valid_from: date | None = None
    valid_until: date | None = None
    max_value: float | None = None
    max_quantity: int | None = None
    end_users: tuple[str, ...] = ()
    end_uses: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    reporting: tuple[str, ...] = ()

    def to_dict(self) -> ConditionsJson:
        return {
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "max_value": self.max_value, "max_quantity": self.max_quantity,
            "end_users": list(self.end_users), "end_uses": list(self.end_uses),
            "terms": list(self.terms), "reporting": list(self.reporting),
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Conditions:
        """Inverse of :meth:`to_dict`; absent or null fields take their defaults.
        ``InvalidInput`` names a field of another type (dates ISO strings, ``max_value`` a
        number, ``max_quantity`` a whole number, the rest arrays of strings)."""
        return cls(
            valid_from=opt_date(data, "valid_from"), valid_until=opt_date(data, "valid_until"),
            max_value=opt_number(data, "max_value"), max_quantity=opt_int(data, "max_quantity"),
            end_users=texts(data, "end_users"), end_uses=texts(data, "end_uses"),
            terms=texts(data, "terms"), reporting=texts(data, "reporting"),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Licence:
    """A licence (or an application for one): what, where, to whom, and its state."""

    id: str
    exporter: str
    kind: str  # one of LICENCE_KINDS
    regime: str
    items: tuple[str, ...]
    destination: str
    end_user: str
    end_user_type: str | None
    end_use: str | None
    parties: tuple[str, ...] = ()
    value: float | None = None
    quantity: int | None = None
    parent: str | None = None  # an export licence's marketing licence
    state: State = State.DRAFT
    conditions: Conditions = field(default_factory=Conditions)
    decision_id: str | None = None
    version: int = 0


class RequestStatus(enum.StrEnum):
    """Where an exporter's amendment request stands."""

    OPEN = "open"
    APPROVED = "approved"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class AmendmentRequest:
    """An exporter's request to change an issued licence's conditions.

    An exporter never changes an issued licence itself: it asks, and a licensing officer
    approves (the licence is then amended with ``conditions``, given fields replacing the
    licence's) or refuses, with a reason either way.
    """

    id: str  # AR-000001
    licence: str
    exporter: str
    conditions: Conditions
    reason: str
    requested_by: str
    requested_at: str  # ISO timestamp
    based_on_version: int
    status: RequestStatus = RequestStatus.OPEN
    decided_by: str | None = None
    decided_at: str | None = None
    decision_reason: str | None = None


@dataclass(frozen=True, slots=True)
class LicenceEvent:
    """One applied event, as recorded."""

    licence: str
    seq: int
    event: Event
    from_state: State
    to_state: State
    at: str  # ISO timestamp
    on: date  # the date it takes effect
    actor: str
    reason: str
    decision_id: str | None = None
    data: Mapping[str, object] = field(default_factory=dict)


def apply(
    licence: Licence,
    event: Event,
    *,
    conditions: Conditions | None = None,
    decision_id: str | None = None,
) -> Licence:
    """The licence after ``event``; raises :class:`IllegalTransition` if not allowed."""
    target = TRANSITIONS.get((licence.state, event))
    if target is None:
        allowed = sorted(e.value for (s, e) in TRANSITIONS if s is licence.state)
        raise IllegalTransition(
            f"licence {licence.id}: cannot {event.value} when {licence.state.value}"
            + (f" (allowed: {', '.join(allowed)})" if allowed else " (no further events)")
        )
    return replace(
        licence,
        state=target,
        conditions=conditions if conditions is not None else licence.conditions,
        decision_id=decision_id or licence.decision_id,
        version=licence.version + 1,
    )


def check_conditions(conditions: Conditions, on: date) -> list[FieldError]:
    """Problems with the conditions a licence takes on ``on`` (approved, amended,
    restricted), one per field at fault: a licence is never issued or left already
    expired (``valid_until`` before ``on``), valid only before it is valid (``valid_from``
    after ``valid_until``), or capped at nothing (a cap of zero or less)."""
    problems: list[FieldError] = []
    c = conditions
    if c.valid_until is not None and c.valid_until < on:
        problems.append(FieldError("valid_until", (
            f"{c.valid_until} is before {on}, the day this takes effect: the licence would "
            "be expired from the start")))  # fmt: skip
    if c.valid_from is not None and c.valid_until is not None and c.valid_from > c.valid_until:
        problems.append(FieldError("valid_from", (
            f"{c.valid_from} is after valid_until {c.valid_until}")))  # fmt: skip
    if c.max_value is not None and c.max_value <= 0:
        problems.append(FieldError("max_value", "a value cap must be more than 0"))
    if c.max_quantity is not None and c.max_quantity <= 0:
        problems.append(FieldError("max_quantity", "a quantity cap must be more than 0"))
    return problems


def allowed_events(state: State) -> list[Event]:
    return [e for (s, e) in TRANSITIONS if s is state]


def state_on(events: Sequence[LicenceEvent], on: date, conditions: Conditions) -> State:
    """The state on ``on``: events taking effect up to that day, then expiry by date."""
    state = State.DRAFT
    for event in sorted(events, key=lambda e: (e.on, e.seq)):
        if event.on > on:
            break
        state = event.to_state
    if (
        state in (State.ISSUED, State.SUSPENDED)
        and conditions.valid_until is not None
        and on > conditions.valid_until
    ):
        return State.EXPIRED
    return state


@dataclass(frozen=True, slots=True)
class Shipment:
    shipped_on: date
    value: float | None = None
    quantity: int | None = None
    end_user: str | None = None
    end_use: str | None = None


def _amount(value: float) -> str:
    """A value as a message says it: thousands separated, cents only when there are any."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def check_shipment(
    licence: Licence,
    state: State,
    earlier: Iterable[Shipment],
    shipment: Shipment,
    *,
    today: date | None = None,
) -> list[FieldError]:
    """Problems with a shipment under a licence, one per field at fault (empty: covered).

    Every condition the licence carries must be satisfied by what the shipment states: a
    field the licence limits (value and quantity caps, permitted end users and end uses)
    that the shipment leaves out is a problem (``"required: ..."``), never a skipped check.
    A shipment is recorded once made: one dated after ``today`` is refused (it would use
    up the balance for an export that has not happened).
    """
    problems: list[FieldError] = []
    c = licence.conditions
    on = shipment.shipped_on
    if today is not None and on > today:
        problems.append(FieldError("shipped_on", (
            f"{on} is after today ({today}): a shipment is recorded when it is made")))  # fmt: skip
    if state is State.EXPIRED and c.valid_until is not None and on > c.valid_until:
        problems.append(FieldError("shipped_on", (
            f"the licence expired on {c.valid_until}; {on} is after it")))  # fmt: skip
    elif state is not State.ISSUED:
        problems.append(FieldError("shipped_on", f"the licence is {state.value} on {on}"))
    if c.valid_until and on > c.valid_until and state is not State.EXPIRED:
        problems.append(FieldError("shipped_on", f"after the licence expired ({c.valid_until})"))
    if c.valid_from and on < c.valid_from:
        problems.append(
            FieldError("shipped_on", f"before the licence is valid (from {c.valid_from})")
        )
    limits: tuple[tuple[str, bool, object, str], ...] = (
        ("value", c.max_value is not None, shipment.value, "a value cap"),
        ("quantity", c.max_quantity is not None, shipment.quantity, "a quantity cap"),
        ("end_user", bool(c.end_users), shipment.end_user, "its permitted end users"),
        ("end_use", bool(c.end_uses), shipment.end_use, "its permitted end uses"),
    )
    for name, limited, given, limit in limits:
        if limited and (given is None or (isinstance(given, str) and not given.strip())):
            problems.append(FieldError(name, f"required: the licence sets {limit}"))
    previous = list(earlier)
    if c.max_value is not None and shipment.value is not None:
        used = sum(s.value or 0 for s in previous)
        if used + shipment.value > c.max_value + 1e-9:
            problems.append(FieldError("value", (
                f"{_amount(shipment.value)} exceeds the remaining balance "
                f"{_amount(c.max_value - used)} of {_amount(c.max_value)}")))  # fmt: skip
    if c.max_quantity is not None and shipment.quantity is not None:
        used_q = sum(s.quantity or 0 for s in previous)
        if used_q + shipment.quantity > c.max_quantity:
            problems.append(FieldError("quantity", (
                f"{shipment.quantity:,} exceeds the remaining balance "
                f"{c.max_quantity - used_q:,} of {c.max_quantity:,}")))  # fmt: skip
    user, use = shipment.end_user, shipment.end_use
    if c.end_users and user and user.strip() not in c.end_users:
        allowed = ", ".join(c.end_users)
        problems.append(FieldError("end_user", f"{user!r} is not permitted ({allowed})"))
    if c.end_uses and use and use.strip() not in c.end_uses:
        allowed = ", ".join(c.end_uses)
        problems.append(FieldError("end_use", f"{use!r} is not permitted ({allowed})"))
    return problems


def balance(licence: Licence, shipments: Iterable[Shipment]) -> BalanceJson:
    """What remains of the licence's value and quantity caps."""
    done = list(shipments)
    c = licence.conditions
    return {
        "value_used": sum(s.value or 0 for s in done),
        "value_left": None if c.max_value is None
        else c.max_value - sum(s.value or 0 for s in done),
        "quantity_used": sum(s.quantity or 0 for s in done),
        "quantity_left": None if c.max_quantity is None
        else c.max_quantity - sum(s.quantity or 0 for s in done),
    }  # fmt: skip

