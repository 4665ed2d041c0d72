"""Monitoring as records (pure): counterparties, their remembered hits, alerts with their
webhook deliveries, and clearances, as the store keeps them and the API, the CLI's
``--json``, the webhook and the audit trail show them.

Times are ISO 8601 UTC strings, as stored; a clearance's expiry is a date. Each record's
``as_dict`` is its JSON form (enums as their values, dates as ``YYYY-MM-DD``): the one the
API's models (``api.schemas.monitoring``) describe, field for field.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, TypedDict

from exportguard.core.alerts import AlertKind, AlertStatus, Resolution
from exportguard.core.counterparties import CounterpartyRole
from exportguard.core.decision_records import JsonObject
from exportguard.core.entities import EntityType
from exportguard.core.hit_cases import CaseState, Disposition


@dataclass(frozen=True, slots=True)
class Counterparty:
    """A party an exporter keeps (``id`` ``C-000001``), monitored while ``active``;
    ``country`` an ISO code, ``reference`` the exporter's own id for it (bulk imports)."""

    id: str
    exporter: str
    name: str
    role: CounterpartyRole
    country: str | None
    type: EntityType | None
    active: bool
    created_at: str
    reference: str | None

    def as_dict(self) -> dict[str, object]:
        """The JSON form: the stored row (``active`` 1 or 0, as the store has it)."""
        return {"id": self.id, "exporter": self.exporter, "name": self.name,
                "role": self.role.value, "country": self.country,
                "type": self.type.value if self.type else None, "active": int(self.active),
                "created_at": self.created_at, "reference": self.reference}  # fmt: skip


@dataclass(frozen=True, slots=True)
class RememberedHit:
    """A list entry a counterparty matched at its last screening: the entry's content
    digest then, the snapshot it was first found in, the score (0 to 1)."""

    counterparty_id: str
    source: str
    entry_id: str
    entry_digest: str
    snapshot_id: int
    score: float

    def as_dict(self) -> dict[str, object]:
        return {"counterparty_id": self.counterparty_id, "source": self.source,
                "entry_id": self.entry_id, "entry_digest": self.entry_digest,
                "snapshot_id": self.snapshot_id, "score": self.score}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Clearance:
    """A reviewed false positive, of a counterparty (``counterparty_id``) or of a screened
    party (``party_key``, ``party_name``, in the tenant ``exporter``; None: the
    authority's), for one version of the entry (``entry_digest``), until ``expires_on``
    (None: no expiry). ``lapsed_at``: when its expiry raised a re-review alert;
    ``case_id``: the hit case that made it, ``confirmed_by`` its second officer."""

    id: int
    counterparty_id: str | None
    entry_id: str
    entry_digest: str
    reason: str
    expires_on: date | None
    actor: str
    created_at: str
    lapsed_at: str | None
    exporter: str | None
    party_key: str | None
    party_name: str | None
    case_id: str | None
    confirmed_by: str | None

    def in_force(self, on: date) -> bool:
        """Not expired on ``on``."""
        return self.expires_on is None or self.expires_on >= on

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "counterparty_id": self.counterparty_id,
                "entry_id": self.entry_id, "entry_digest": self.entry_digest,
                "reason": self.reason, "expires_on": _day(self.expires_on),
                "actor": self.actor, "created_at": self.created_at, "lapsed_at": self.lapsed_at,
                "exporter": self.exporter, "party_key": self.party_key,
                "party_name": self.party_name, "case_id": self.case_id,
                "confirmed_by": self.confirmed_by}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ListedClearance(Clearance):
    """A clearance as listed with its party: ``name`` (a counterparty's, or the screened
    party's) and ``tenant`` (a counterparty's exporter, or the screened party's
    ``exporter``; None: the authority's)."""

    name: str | None
    tenant: str | None

    def as_dict(self) -> dict[str, object]:
        return Clearance.as_dict(self) | {"name": self.name, "tenant": self.tenant}


@dataclass(frozen=True, slots=True)
class ExpiringClearance(ListedClearance):
    """A clearance as the expiring ones are listed: its JSON form gives the party's tenant
    as ``exporter``, with the party's ``name``."""

    def as_dict(self) -> dict[str, object]:
        return Clearance.as_dict(self) | {"exporter": self.tenant, "name": self.name}


@dataclass(frozen=True, slots=True)
class ClearanceMade:
    """What clearing a counterparty's hit did: the hit cleared (``entry_digest``: the
    version of the entry), by ``actor``; the ``clearance`` stored (None while it waits for
    a second officer); and, for a signed-in user's, the hit case it went through and its
    ``state``."""

    counterparty_id: str
    entry_id: str
    entry_digest: str
    reason: str
    expires_on: date | None
    actor: str
    clearance: Clearance | None
    case_id: str | None = None
    state: CaseState | None = None

    def as_dict(self) -> dict[str, object]:
        """The clearance's JSON form (only the hit's while none is stored), with the case's
        id and state when it went through one."""
        out: dict[str, object] = (
            self.clearance.as_dict() if self.clearance is not None
            else {"counterparty_id": self.counterparty_id, "entry_id": self.entry_id,
                  "entry_digest": self.entry_digest, "reason": self.reason,
                  "expires_on": _day(self.expires_on), "actor": self.actor}
        )  # fmt: skip
        if self.state is not None:
            out |= {"case_id": self.case_id, "state": self.state.value}
        return out


@dataclass(frozen=True, slots=True)
class CounterpartyDetail(Counterparty):
    """A counterparty with its current hits and its clearances (oldest first)."""

    hits: tuple[RememberedHit, ...]
    clearances: tuple[Clearance, ...]

    @staticmethod
    def of(
        party: Counterparty, hits: tuple[RememberedHit, ...], clearances: tuple[Clearance, ...]
    ) -> CounterpartyDetail:
        """``party`` with these hits and clearances."""
        return CounterpartyDetail(**_own(party), hits=hits, clearances=clearances)

    def as_dict(self) -> dict[str, object]:
        return Counterparty.as_dict(self) | {
            "hits": [h.as_dict() for h in self.hits],
            "clearances": [c.as_dict() for c in self.clearances],
        }


class DeliveryStatus(enum.StrEnum):
    """An alert notification's delivery: ``pending`` (retried) -> ``delivered``, or
    ``failed`` (given up after every retry; queued again on demand)."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Delivery:
    """An alert's webhook notification: its status, attempts so far, last error."""

    status: DeliveryStatus
    attempts: int
    last_error: str | None
    delivered_at: str | None

    def as_dict(self) -> dict[str, object]:
        return {"status": self.status.value, "attempts": self.attempts,
                "last_error": self.last_error, "delivered_at": self.delivered_at}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Notification:
    """An alert notification due to be posted: its outbox row, the ``event_id`` receivers
    de-duplicate on, the JSON ``payload`` posted, the attempts made so far."""

    id: int
    event_id: str
    payload: str
    attempts: int


@dataclass(frozen=True, slots=True)
class Alert:
    """A counterparty alert (``core.alerts`` has its kinds, states and table): the hit
    that raised it (entry, its digest, snapshot, score), ``data`` (JSON: the parties'
    names, the list's, the explanation in words, for a changed entry the fields that
    changed; for a lapsed clearance its reason and expiry), who last acted on it and why,
    and its counterparty's ``exporter`` and ``name``."""

    id: int
    counterparty_id: str
    snapshot_id: int
    entry_id: str
    entry_digest: str
    kind: AlertKind
    score: float
    status: AlertStatus
    created_at: str
    data: JsonObject
    resolution: Resolution | None
    reason: str | None
    acted_by: str | None
    acted_at: str | None
    exporter: str
    name: str

    @property
    def listed_name(self) -> str:
        """The listed name it matched (the entry id when the data has none)."""
        return str(self.data.get("listed_name") or self.entry_id)

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "counterparty_id": self.counterparty_id,
                "snapshot_id": self.snapshot_id, "entry_id": self.entry_id,
                "entry_digest": self.entry_digest, "kind": self.kind.value,
                "score": self.score, "status": self.status.value,
                "created_at": self.created_at, "data": dict(self.data),
                "resolution": self.resolution.value if self.resolution else None,
                "reason": self.reason, "acted_by": self.acted_by, "acted_at": self.acted_at,
                "exporter": self.exporter, "name": self.name}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ListedAlert(Alert):
    """An alert as listed: with its webhook notification (None: none was queued)."""

    delivery: Delivery | None

    @staticmethod
    def of(alert: Alert, delivery: Delivery | None) -> ListedAlert:
        """``alert`` with its delivery."""
        return ListedAlert(**_own(alert), delivery=delivery)

    def as_dict(self) -> dict[str, object]:
        given = self.delivery.as_dict() if self.delivery is not None else None
        return Alert.as_dict(self) | {"delivery": given}


@dataclass(frozen=True, slots=True)
class CaseBrief:
    """The hit case an alert was decided through: its state, the decision, who decided
    and who confirmed."""

    id: str
    state: CaseState
    disposition: Disposition | None
    decided_by: str | None
    confirmed_by: str | None

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "state": self.state.value,
                "disposition": self.disposition.value if self.disposition else None,
                "decided_by": self.decided_by, "confirmed_by": self.confirmed_by}  # fmt: skip


@dataclass(frozen=True, slots=True)
class DecidedAlert(Alert):
    """An alert a signed-in user resolved through its hit case (which may wait for a
    second officer: the alert resolves when the case closes)."""

    case: CaseBrief

    @staticmethod
    def of(alert: Alert, case: CaseBrief) -> DecidedAlert:
        """``alert`` with the case it was decided through."""
        return DecidedAlert(**_own(alert), case=case)

    def as_dict(self) -> dict[str, object]:
        return Alert.as_dict(self) | {"case": self.case.as_dict()}


@dataclass(frozen=True, slots=True)
class AddedCounterparty(CounterpartyDetail):
    """A counterparty just added, with the alerts its first screening raised."""

    alerts: tuple[Alert, ...]

    @staticmethod
    def made(detail: CounterpartyDetail, alerts: tuple[Alert, ...]) -> AddedCounterparty:
        """``detail`` with the alerts raised."""
        return AddedCounterparty(**_own(detail), alerts=alerts)

    def as_dict(self) -> dict[str, object]:
        return CounterpartyDetail.as_dict(self) | {"alerts": [a.as_dict() for a in self.alerts]}


#: What changed in one list since the baseline run: the snapshots ``from`` (None: a list
#: new to the book) and ``to``, counts of entries added, removed and changed with a SHA-256
#: of their ids, and of the entries whose listing started or ended in between (``dated``).
SourceDelta = TypedDict("SourceDelta", {
    "from": int | None, "to": int, "added": int, "removed": int, "changed": int,
    "sha256": str, "dated": int, "dated_ids": list[str], "dated_sha256": str,
}, total=False)  # fmt: skip


@dataclass(frozen=True, slots=True)
class RunReport:
    """What a monitoring run did (``services.rescreening``). ``mode``: what it screened;
    ``screened``: counterparties looked at; ``treated``: those screened in full and
    written; ``alerts``: those raised (lapsed clearances' first); ``delisted``: alerts
    resolved as delisted; ``delta``: per source, what changed since the baseline."""

    mode: RunMode
    screened: int = 0
    treated: int = 0
    alerts: tuple[Alert, ...] = ()
    delisted: int = 0
    delta: dict[str, SourceDelta] = field(default_factory=dict)
    run_id: int | None = None
    audit_seq: int | None = None

    def to_dict(self) -> dict[str, object]:
        """The JSON form, counting the alerts (the CLI adds them in full)."""
        return {
            "run": self.run_id, "mode": self.mode.value, "screened": self.screened,
            "treated": self.treated, "alerts": len(self.alerts), "delisted": self.delisted,
            "delta": self.delta, "audit_seq": self.audit_seq,
        }  # fmt: skip


def _own(record: Counterparty | Alert) -> dict[str, Any]:
    """A record's fields by name (to make a record that extends it)."""
    return {f.name: getattr(record, f.name) for f in fields(record)}


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


class RunMode(enum.StrEnum):
    """What a monitoring run screened: the whole book in ``full``, or ``incremental``ly
    against what changed since the last; named counterparties only (``parties``); or
    nothing, no list being in force (``none``: the next run's baseline is empty)."""

    FULL = "full"
    INCREMENTAL = "incremental"
    PARTIES = "parties"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class BookRun:
    """A monitoring run over the whole book, as the next run compares with it:
    ``snapshots``: source -> (snapshot id, content hash) screened against."""

    id: int
    mode: RunMode
    as_of: date
    snapshots: Mapping[str, tuple[int, str]]
