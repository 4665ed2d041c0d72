"""Repository of licences, their events and shipments, amendment requests, and the counters
that number records (``store.reviews`` keeps misuse reports and reviews)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import Connection, insert, select, update

from exportguard.core.licensing import (
    AmendmentRequest,
    Conditions,
    Event,
    Licence,
    LicenceEvent,
    RequestStatus,
    Shipment,
    State,
)
from exportguard.errors import ConcurrentChange
from exportguard.store.schema import (
    amendment_requests,
    counters,
    licence_events,
    licences,
    shipments,
)


def next_id(conn: Connection, name: str, prefix: str) -> str:
    """The next id of a kind (``L-000001``), from a counter row updated in this transaction."""
    query = select(counters.c.value).where(counters.c.name == name)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    value = (int(row[0]) if row else 0) + 1
    if row is None:
        conn.execute(insert(counters).values(name=name, value=value))
    else:
        conn.execute(update(counters).where(counters.c.name == name).values(value=value))
    return f"{prefix}-{value:06d}"


def next_ids(conn: Connection, name: str, prefix: str, count: int) -> list[str]:
    """The next ``count`` ids of a kind, reserved at once (one counter update)."""
    if count < 1:
        return []
    query = select(counters.c.value).where(counters.c.name == name)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    first = (int(row[0]) if row else 0) + 1
    last = first + count - 1
    if row is None:
        conn.execute(insert(counters).values(name=name, value=last))
    else:
        conn.execute(update(counters).where(counters.c.name == name).values(value=last))
    return [f"{prefix}-{value:06d}" for value in range(first, last + 1)]


# --- licences -------------------------------------------------------------------------------


def _licence(row: Any) -> Licence:
    return Licence(
        id=row.id, exporter=row.exporter, kind=row.kind, regime=row.regime,
        items=tuple(json.loads(row.items)), destination=row.destination, end_user=row.end_user,
        end_user_type=row.end_user_type, end_use=row.end_use,
        parties=tuple(json.loads(row.parties)), value=row.value, quantity=row.quantity,
        parent=row.parent, state=State(row.state),
        conditions=Conditions.from_dict(json.loads(row.conditions)),
        decision_id=row.decision_id, version=row.version,
    )  # fmt: skip


def add_licence(conn: Connection, licence: Licence, at: str) -> None:
    conn.execute(insert(licences).values(
        id=licence.id, exporter=licence.exporter, kind=licence.kind, regime=licence.regime,
        state=licence.state.value, items=json.dumps(list(licence.items)),
        destination=licence.destination, end_user=licence.end_user,
        end_user_type=licence.end_user_type, end_use=licence.end_use,
        parties=json.dumps(list(licence.parties)), value=licence.value,
        quantity=licence.quantity, parent=licence.parent,
        conditions=json.dumps(licence.conditions.to_dict()), decision_id=licence.decision_id,
        version=licence.version, created_at=at, updated_at=at))  # fmt: skip


def save_licence(conn: Connection, licence: Licence, expected_version: int, at: str) -> None:
    """Write a changed licence if nobody changed it since ``expected_version``."""
    result = conn.execute(
        update(licences)
        .where(licences.c.id == licence.id, licences.c.version == expected_version)
        .values(state=licence.state.value, conditions=json.dumps(licence.conditions.to_dict()),
                decision_id=licence.decision_id, version=licence.version, updated_at=at,
                items=json.dumps(list(licence.items)), value=licence.value,
                quantity=licence.quantity, end_user=licence.end_user,
                end_use=licence.end_use, parties=json.dumps(list(licence.parties)))
    )  # fmt: skip
    if result.rowcount != 1:
        raise ConcurrentChange(
            f"licence {licence.id} was changed by someone else "
            f"(expected version {expected_version}); reload and retry"
        )


def get_licence(conn: Connection, licence_id: str, *, lock: bool = False) -> Licence | None:
    query = select(licences).where(licences.c.id == licence_id)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    row = conn.execute(query).first()
    return _licence(row) if row else None


def find_licences(
    conn: Connection,
    *,
    exporter: str | None = None,
    state: str | None = None,
    destination: str | None = None,
    regime: str | None = None,
) -> list[Licence]:
    query = select(licences).order_by(licences.c.id)
    if exporter is not None:
        query = query.where(licences.c.exporter == exporter)
    if state is not None:
        query = query.where(licences.c.state == state)
    if destination is not None:
        query = query.where(licences.c.destination == destination)
    if regime is not None:
        query = query.where(licences.c.regime == regime)
    return [_licence(r) for r in conn.execute(query)]


# --- amendment requests ---------------------------------------------------------------------


def _request(row: Any) -> AmendmentRequest:
    return AmendmentRequest(
        id=row.id, licence=row.licence, exporter=row.exporter,
        conditions=Conditions.from_dict(json.loads(row.conditions)), reason=row.reason,
        requested_by=row.requested_by, requested_at=row.requested_at,
        based_on_version=row.based_on_version, status=RequestStatus(row.status),
        decided_by=row.decided_by, decided_at=row.decided_at,
        decision_reason=row.decision_reason,
    )  # fmt: skip


def add_request(conn: Connection, request: AmendmentRequest) -> None:
    conn.execute(
        insert(amendment_requests).values(
            id=request.id, licence=request.licence, exporter=request.exporter,
            conditions=json.dumps(request.conditions.to_dict()), reason=request.reason,
            requested_by=request.requested_by, requested_at=request.requested_at,
            based_on_version=request.based_on_version, status=request.status.value,
        )
    )  # fmt: skip


def get_request(conn: Connection, request_id: str) -> AmendmentRequest | None:
    row = conn.execute(
        select(amendment_requests).where(amendment_requests.c.id == request_id)
    ).first()
    return _request(row) if row else None


def find_requests(
    conn: Connection,
    *,
    exporter: str | None = None,
    licence: str | None = None,
    status: RequestStatus | None = None,
) -> list[AmendmentRequest]:
    query = select(amendment_requests).order_by(amendment_requests.c.id)
    if exporter is not None:
        query = query.where(amendment_requests.c.exporter == exporter)
    if licence is not None:
        query = query.where(amendment_requests.c.licence == licence)
    if status is not None:
        query = query.where(amendment_requests.c.status == status.value)
    return [_request(r) for r in conn.execute(query)]


def decide_request(
    conn: Connection, request_id: str, status: RequestStatus, *, actor: str, at: str, reason: str
) -> bool:
    """Close an open request (a compare-and-set on its status): False if it was not open."""
    result = conn.execute(
        update(amendment_requests)
        .where(
            amendment_requests.c.id == request_id,
            amendment_requests.c.status == RequestStatus.OPEN.value,
        )
        .values(status=status.value, decided_by=actor, decided_at=at, decision_reason=reason)
    )
    return result.rowcount == 1


def add_event(conn: Connection, event: LicenceEvent) -> None:
    conn.execute(
        insert(licence_events).values(
            licence_id=event.licence,
            seq=event.seq,
            event=event.event.value,
            from_state=event.from_state.value,
            to_state=event.to_state.value,
            at=event.at,
            effective_on=event.on,
            actor=event.actor,
            reason=event.reason,
            decision_id=event.decision_id,
            data=json.dumps(dict(event.data), default=str),
        )
    )


def events(conn: Connection, licence_id: str) -> list[LicenceEvent]:
    rows = conn.execute(
        select(licence_events)
        .where(licence_events.c.licence_id == licence_id)
        .order_by(licence_events.c.seq)
    )
    return [
        LicenceEvent(
            r.licence_id,
            r.seq,
            Event(r.event),
            State(r.from_state),
            State(r.to_state),
            r.at,
            r.effective_on,
            r.actor,
            r.reason,
            r.decision_id,
            json.loads(r.data),
        )
        for r in rows
    ]


# --- shipments --------------------------------------------------------------------------------


def add_shipment(conn: Connection, licence_id: str, shipment: Shipment, at: str, actor: str) -> int:
    return int(
        conn.execute(
            insert(shipments)
            .values(
                licence_id=licence_id,
                shipped_on=shipment.shipped_on,
                value=shipment.value,
                quantity=shipment.quantity,
                end_user=shipment.end_user,
                end_use=shipment.end_use,
                recorded_at=at,
                actor=actor,
            )
            .returning(shipments.c.id)
        ).scalar_one()
    )


def shipments_of(conn: Connection, licence_id: str) -> list[Shipment]:
    rows = conn.execute(
        select(shipments)
        .where(shipments.c.licence_id == licence_id)
        .order_by(shipments.c.shipped_on, shipments.c.id)
    )
    return [Shipment(r.shipped_on, r.value, r.quantity, r.end_user, r.end_use) for r in rows]


def parse_day(value: str | date) -> date:
    """A date, from a date or its ISO text (SQLite may give either)."""
    return value if isinstance(value, date) else date.fromisoformat(value)
