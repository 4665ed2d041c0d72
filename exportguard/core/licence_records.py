"""Licences in their JSON form (pure): what ``services.licensing`` gives and the API's
``LicenceOut``, ``ShipOut`` and ``LicenceRow`` (``api.schemas.licensing``) describe field
for field, the CLI and the web pages read.

Dates are ``YYYY-MM-DD`` strings, times ISO 8601 UTC strings, states and events their
``StrEnum`` values (``core.licensing``); amounts are as given (an integer stays one).
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

from exportguard.core.decision_records import JsonObject


class ConditionsJson(TypedDict):
    """What an issued licence allows (``Conditions.to_dict``); None: no limit."""

    valid_from: str | None
    valid_until: str | None
    max_value: float | None
    max_quantity: int | None
    end_users: list[str]
    end_uses: list[str]
    terms: list[str]
    reporting: list[str]


class BalanceJson(TypedDict):
    """What remains of a licence's value and quantity caps (``*_left`` None: no cap)."""

    value_used: float
    value_left: float | None
    quantity_used: int
    quantity_left: int | None


class StateOnJson(TypedDict):
    """A licence's state on ``date``."""

    date: str
    state: str


#: One event of a licence's history: ``from`` and ``to`` states, effective ``on``, with
#: what it carries (``data``, as recorded).
LicenceEventJson = TypedDict("LicenceEventJson", {
    "seq": int, "event": str, "from": str, "to": str, "at": str, "on": str, "actor": str,
    "reason": str, "decision_id": str | None, "data": JsonObject,
})  # fmt: skip


class ShipmentJson(TypedDict):
    """A shipment made under a licence."""

    shipped_on: str
    value: float | None
    quantity: int | None
    end_user: str | None
    end_use: str | None


class LicenceViewJson(TypedDict):
    """Everything about a licence: its fields, state (``state_on``: on a given date),
    conditions, events, shipments and balance; ``version`` is its ETag."""

    id: str
    exporter: str
    kind: str
    regime: str
    items: list[str]
    destination: str
    end_user: str
    end_user_type: str | None
    end_use: str | None
    parties: list[str]
    value: float | None
    quantity: int | None
    parent: str | None
    state: str
    version: int
    state_on: StateOnJson
    conditions: ConditionsJson
    decision_id: str | None
    events: list[LicenceEventJson]
    shipments: list[ShipmentJson]
    balance: BalanceJson


class ApplicationDraft(TypedDict):
    """A new application's fields as a stored decision asked the question (to pre-fill
    the application form): the ``decision`` id, ``items``, ``destination`` (ISO code),
    the first end user's name (or ""), end-user type and end use, the other ``parties``,
    the ``regime`` and licence ``kind`` to apply under; ``notes`` when there is something
    to check."""

    decision: str
    items: list[str]
    destination: str
    end_user: str
    end_user_type: str | None
    end_use: str | None
    parties: list[str]
    regime: str
    kind: str
    notes: NotRequired[list[str]]
