"""Counterparty alerts: their kinds, states and resolutions, and the one table between them.

::

    open --acknowledge--> acknowledged
    open | acknowledged --resolve(true_match | false_positive | delisted)--> resolved

An alert is ``new`` (a hit on an entry not seen before), ``changed`` (the entry's content
changed), or ``clearance_lapsed`` (a cleared hit whose clearance expired: re-review due).
``delisted`` resolves itself when the list entry is removed from its list.
"""

from __future__ import annotations

import enum

from exportguard.errors import IllegalTransition


class AlertKind(enum.StrEnum):
    NEW = "new"
    CHANGED = "changed"
    CLEARANCE_LAPSED = "clearance_lapsed"


class AlertStatus(enum.StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class Resolution(enum.StrEnum):
    TRUE_MATCH = "true_match"  # the counterparty is the listed party
    FALSE_POSITIVE = "false_positive"  # reviewed: not the listed party
    DELISTED = "delisted"  # the entry left its list


#: status -> statuses it may move to.
NEXT: dict[AlertStatus, frozenset[AlertStatus]] = {
    AlertStatus.OPEN: frozenset({AlertStatus.ACKNOWLEDGED, AlertStatus.RESOLVED}),
    AlertStatus.ACKNOWLEDGED: frozenset({AlertStatus.RESOLVED}),
    AlertStatus.RESOLVED: frozenset(),
}


def move(alert_id: int, current: AlertStatus, target: AlertStatus) -> AlertStatus:
    """``target``, if the table allows it; else :class:`IllegalTransition`."""
    if target not in NEXT[current]:
        raise IllegalTransition(f"alert {alert_id} is {current.value}: it cannot become "
                                f"{target.value}")  # fmt: skip
    return target
