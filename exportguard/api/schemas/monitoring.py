"""Counterparties, alerts, clearances and impact (requests and answers).

The answers are the wire form of ``core.monitoring_records``: each ``*_out`` function
makes one from its record (the record's ``as_dict``), for the API's routes and the CLI's
``--json`` alike (tests/api/test_json_agreement.py checks they agree).
"""

from __future__ import annotations

import datetime
from typing import Literal

from pydantic import ConfigDict, Field, StrictBool, StrictInt

from exportguard.api.schemas.common import EntityTypeName, IsoDate, Model, Out, Page, Timestamp
from exportguard.api.schemas.lists import FieldChange
from exportguard.core.alerts import AlertKind, AlertStatus, Resolution
from exportguard.core.counterparties import CounterpartyRole
from exportguard.core.entities import EntityType
from exportguard.core.hit_cases import CaseState, Disposition
from exportguard.core.monitoring_records import (
    Alert,
    Clearance,
    ClearanceMade,
    Counterparty,
    CounterpartyDetail,
    DeliveryStatus,
)


class AcknowledgeRequest(Model):
    reason: str = Field(default="", max_length=2000)


class ResolveRequest(Model):
    resolution: Literal["true_match", "false_positive"]
    reason: str = Field(min_length=1, max_length=2000)


class CounterpartyRequest(Model):
    exporter: str | None = Field(default=None, max_length=200)
    name: str = Field(min_length=1, max_length=500)
    role: str = Field(default="customer", max_length=32)
    country: str | None = Field(default=None, max_length=100)
    type: EntityTypeName | None = None


class ClearanceRequest(Model):
    entry_id: str = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=2000)
    expires_on: IsoDate | None = None


class RegimeImpactRequest(Model):
    regime: str = Field(max_length=64)
    since: IsoDate | None = Field(default=None, alias="from")
    until: IsoDate | None = Field(default=None, alias="to")
    from_revision: str | None = Field(default=None, max_length=64)
    to_revision: str | None = Field(default=None, max_length=64)
    dry_run: StrictBool = False
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ListImpactRequest(Model):
    since: StrictInt = Field(alias="from", ge=1, le=2**62)
    until: StrictInt = Field(alias="to", ge=1, le=2**62)
    dry_run: StrictBool = False
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ClearanceOut(Out):
    """A clearance: a reviewed false positive of a counterparty (``counterparty_id``) or
    of a screened party (``party_key``, ``party_name``), for one version of the entry
    (``entry_digest``), until ``expires_on``. Listings add the party's ``name``; a
    clearance made through a case says the case's ``state``."""

    id: int
    counterparty_id: str | None
    entry_id: str
    entry_digest: str
    reason: str
    expires_on: datetime.date | None
    actor: str
    created_at: Timestamp
    lapsed_at: Timestamp | None
    exporter: str | None = Field(description="The tenant (None: the authority's own).")
    party_key: str | None
    party_name: str | None
    case_id: str | None
    confirmed_by: str | None
    name: str | None = None
    tenant: str | None = None
    state: CaseState | None = None


class ClearanceMadeOut(Out):
    """What clearing a counterparty's hit made: the clearance (its ``id`` and the rest
    only once stored: a clearance on a sanctions listing waits for a second officer),
    with the hit case it went through (``case_id``, its ``state``)."""

    counterparty_id: str
    entry_id: str
    entry_digest: str
    reason: str
    expires_on: datetime.date | None
    actor: str
    id: int | None = None
    created_at: Timestamp | None = None
    lapsed_at: Timestamp | None = None
    exporter: str | None = None
    party_key: str | None = None
    party_name: str | None = None
    case_id: str | None = None
    confirmed_by: str | None = None
    state: CaseState | None = None


class CounterpartyRow(Out):
    id: str
    exporter: str
    name: str
    role: CounterpartyRole = Field(description="What it is to its exporter.")
    country: str | None
    type: EntityType | None
    active: int = Field(description="1: monitored; 0: no longer.")
    created_at: Timestamp
    reference: str | None = Field(description="The exporter's own id for it (bulk imports).")


class CounterpartyHit(Out):
    """A list entry a counterparty matched at its last screening."""

    counterparty_id: str
    source: str
    entry_id: str
    entry_digest: str
    snapshot_id: int
    score: float


class AlertData(Out):
    """What an alert shows of its hit: the parties' names, the explanation in words, and
    for a changed entry the fields that changed; a ``clearance_lapsed`` alert gives the
    lapsed clearance's reason and expiry instead of the hit's names."""

    counterparty: str
    exporter: str
    listed_name: str = ""
    list_name: str = ""
    matched_name: str = ""
    explanation: list[str] = Field(default_factory=list)
    changes: list[FieldChange] = Field(default_factory=list)
    clearance: str = Field(default="", description="The lapsed clearance's reason.")
    expired_on: str = Field(default="", description="The lapsed clearance's expiry.")


class Delivery(Out):
    """An alert's webhook notification."""

    status: DeliveryStatus
    attempts: int
    last_error: str | None
    delivered_at: Timestamp | None


class CaseBrief(Out):
    id: str
    state: CaseState
    disposition: Disposition | None
    decided_by: str | None
    confirmed_by: str | None


class AlertOut(Out):
    """A counterparty alert (``delivery`` in listings: its webhook notification, None when
    none was queued; ``case`` when resolved through a hit review case)."""

    id: int
    counterparty_id: str
    snapshot_id: int
    entry_id: str
    entry_digest: str
    kind: AlertKind
    score: float
    status: AlertStatus
    created_at: Timestamp
    data: AlertData
    resolution: Resolution | None
    reason: str | None
    acted_by: str | None
    acted_at: Timestamp | None
    exporter: str
    name: str
    delivery: Delivery | None = None
    case: CaseBrief | None = None


class AlertPage(Page[AlertOut]):
    undelivered: int = Field(description="Alert notifications not delivered yet.")


class CounterpartyOut(CounterpartyRow):
    """A counterparty with its current hits and clearances (and, once added, the alerts
    its first screening raised)."""

    hits: list[CounterpartyHit]
    clearances: list[ClearanceOut]
    alerts: list[AlertOut] = Field(default_factory=list)


def counterparty_row(party: Counterparty) -> CounterpartyRow:
    """The wire form of a listed counterparty (``GET /counterparties``, ``counterparty
    list --json``)."""
    return CounterpartyRow.model_validate(Counterparty.as_dict(party))


def counterparty_out(party: CounterpartyDetail) -> CounterpartyOut:
    """The wire form of a counterparty with its hits and clearances (and, just added, its
    alerts)."""
    return CounterpartyOut.model_validate(party.as_dict())


def alert_out(alert: Alert) -> AlertOut:
    """The wire form of an alert (with its delivery when listed, its case when decided
    through one)."""
    return AlertOut.model_validate(alert.as_dict())


def clearance_out(clearance: Clearance) -> ClearanceOut:
    """The wire form of a clearance (with its party's name when listed)."""
    return ClearanceOut.model_validate(clearance.as_dict())


def clearance_made_out(made: ClearanceMade) -> ClearanceMadeOut:
    """The wire form of what clearing a hit made."""
    return ClearanceMadeOut.model_validate(made.as_dict())


class CounterpartyImportOut(Out):
    """A bulk import of counterparties: counts and the ids added and updated."""

    file: str
    sha256: str
    rows: int
    created: int
    updated: int
    unchanged: int
    alerts: int
    created_ids: list[str]
    updated_ids: list[str]
