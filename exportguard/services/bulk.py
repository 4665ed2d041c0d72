"""Bulk import of counterparties from a CSV file (``core.counterparties`` has the format).

The file is parsed and every row checked first: a bad file adds nothing, and the error
names the file, line and field of every bad row. The rows are then matched with the
counterparties already kept (by the exporter's reference, else by name and country), so
importing the same file again adds nothing, and a row whose reference names a kept
counterparty with another name, country, type or role updates it.

New and updated counterparties are screened before anything is written (pure compute: in
this process, or on Dask for a large file, as monitoring runs are), and the rows, their
remembered hits, their alerts and the audit are then written in one transaction: a
counterparty is never kept unscreened (with no list in force, the next monitoring run
screens everyone in full). The audit has one ``counterparty-import`` record (the SHA-256
of the file's text, the ids added and updated, a SHA-256 of the rows as stored) and a
``screening`` record for each counterparty with a hit (``services.rescreening``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from exportguard.core.audit import canonical
from exportguard.core.counterparties import (
    CounterpartyRole,
    Identity,
    PartyLine,
    decode,
    file_label,
    identity,
    parse_parties,
)
from exportguard.core.entities import EntityType
from exportguard.core.index import Hit
from exportguard.core.monitoring_records import Alert, Counterparty
from exportguard.core.rescreen import PartyRow, Plan
from exportguard.errors import InvalidInput
from exportguard.store import cases
from exportguard.store import counterparties as store
from exportguard.store.counterparties import Column
from exportguard.store.engine import writing

if TYPE_CHECKING:
    from exportguard.services.context import Context
    from exportguard.services.monitoring import Monitoring
    from exportguard.services.screeners import Progress


@dataclass(frozen=True, slots=True)
class BulkImport:
    """What an import did: counterparties ``created``, ``updated`` (ids) and ``unchanged``
    (how many rows named one already kept as it is), the alerts their screening raised."""

    file: str
    sha256: str
    rows: int
    created: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: int
    alerts: tuple[Alert, ...]

    def to_dict(self) -> dict[str, object]:
        """The JSON form, counting the alerts (the CLI adds them in full)."""
        return {
            "file": self.file, "sha256": self.sha256, "rows": self.rows,
            "created": len(self.created), "updated": len(self.updated),
            "unchanged": self.unchanged, "alerts": len(self.alerts),
            "created_ids": list(self.created), "updated_ids": list(self.updated),
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Matched:
    new: list[PartyLine]
    updated: list[tuple[PartyLine, Counterparty]]  # (row, the kept counterparty)
    unchanged: int


def import_scope(ctx: Context, exporter: str | None, own_only: bool) -> tuple[str | None, bool]:
    """``(exporter, own_only)`` of an import as the actor makes it: an exporter principal
    imports its own company's counterparties only (its company, whatever ``exporter`` is
    given; a row naming another is refused by the parser); everyone else as given."""
    if ctx.tenant is not None:
        return ctx.tenant, True
    return exporter, own_only


def import_parties(
    monitoring: Monitoring,
    data: bytes | str,
    *,
    file: str,
    exporter: str | None = None,
    own_only: bool = False,
    progress: Progress | None = None,
) -> BulkImport:
    """Import a bulk file (module docstring). ``exporter`` names the company of rows that
    name none; with ``own_only`` (and always for an exporter user, whose company it then
    is) every row must be that company's. Raises
    :class:`~exportguard.errors.SourceFormatError` or
    :class:`~exportguard.errors.InvalidInput` (file, line, field) before any write."""
    from exportguard.services.rescreening import Rescreening

    ctx = monitoring.ctx
    file = file_label(file)
    exporter, own_only = import_scope(ctx, exporter, own_only)
    if own_only and not exporter:
        raise InvalidInput("an import of one company's counterparties names it",
                           field="exporter")  # fmt: skip
    text = data if isinstance(data, str) else decode(data, file)
    digest = hashlib.sha256(text.encode()).hexdigest()  # of the text: bytes or upload alike
    lines = parse_parties(text, file, exporter=exporter, own_only=own_only)
    exporters = {line.exporter for line in lines}
    with ctx.engine.connect() as conn:
        matched = _match(lines, store.counterparties_of(conn, exporters))
    snaps = monitoring.lists.snapshots_in_force()
    rescreening = Rescreening(monitoring)
    today = ctx.today()
    to_screen: list[PartyRow] = [(f"line {r.line}", r.name, r.country, r.type) for r in matched.new]
    to_screen += [(p.id, r.name, r.country, r.type) for r, p in matched.updated
                  if _screened_fields_differ(r, p)]  # fmt: skip
    found: dict[str, list[Hit]] = {}
    if snaps:
        found = dict(rescreening.screen(snaps, to_screen, Plan(as_of=today), progress))
    with writing(ctx.engine) as conn:
        store.lock_counterparties(conn)
        # Matched again under the lock: another import of these rows may have run meanwhile.
        again = _match(lines, store.counterparties_of(conn, exporters))
        ids = cases.next_ids(conn, "counterparty", "C", len(again.new))
        now = ctx.now()
        added = [
            Counterparty(id=cp_id, exporter=r.exporter, name=r.name,
                         role=CounterpartyRole(r.role or "customer"), country=r.country,
                         type=EntityType(r.type) if r.type else None, active=True,
                         created_at=now, reference=r.reference)
            for cp_id, r in zip(ids, again.new, strict=True)
        ]  # fmt: skip
        store.add_counterparties(conn, added)
        results: list[tuple[str, list[Hit]]] = []
        for cp_id, r in zip(ids, again.new, strict=True):
            hits = found.get(f"line {r.line}")
            if hits is not None:
                results.append((cp_id, hits))
        changes = []
        for r, party in again.updated:
            values = _values(r, party)
            store.update_counterparty(conn, party.id, values)
            changes.append({"id": party.id, **values})
            if party.id in found:
                results.append((party.id, found[party.id]))
        outcome = rescreening.apply(conn, results, snaps, today)
        if not snaps and (ids or again.updated):
            rescreening.nothing_in_force(conn, ctx.now())
        monitoring.audit.record(conn, "counterparty-import", file, {
            "file": file, "sha256": digest, "rows": len(lines),
            "created": [ids[0], ids[-1]] if ids else [], "created_count": len(ids),
            "rows_sha256": _sha([p.as_dict() for p in added]), "updated": changes,
            "unchanged": again.unchanged,
            "snapshots": [s.id for s in snaps], "alerts": len(outcome.alerts),
            "results_sha256": outcome.digest,
        })  # fmt: skip
    screened_ids = list(ids) + [p.id for _, p in again.updated]
    alerts = list(outcome.alerts)
    if (
        [s.id for s in monitoring.lists.snapshots_in_force()] != [s.id for s in snaps]
        and screened_ids
    ):
        # A list import ran while these were screened: screen them on what is in force now.
        alerts += monitoring.rescreen(screened_ids)
    elif alerts:
        monitoring.deliver()
    return BulkImport(file, digest, len(lines), tuple(ids),
                      tuple(p.id for _, p in again.updated), again.unchanged,
                      tuple(alerts))  # fmt: skip


def _match(lines: Sequence[PartyLine], kept: Sequence[Counterparty]) -> _Matched:
    """Which rows are new, which update a kept counterparty, which name one as it is."""
    by_key: dict[Identity, Counterparty] = {}
    for one in kept:
        if one.reference:
            by_key[identity(one.exporter, one.name, None, one.reference)] = one
        by_key.setdefault(identity(one.exporter, one.name, one.country, None), one)
    new: list[PartyLine] = []
    updated: list[tuple[PartyLine, Counterparty]] = []
    unchanged = 0
    for row in lines:
        party = by_key.get(identity(row.exporter, row.name, row.country, row.reference))
        if party is None and row.reference:
            # Kept without a reference (added by hand, or by a file without them).
            by_name = by_key.get(identity(row.exporter, row.name, row.country, None))
            if by_name is not None and not by_name.reference:
                party = by_name
        if party is None:
            new.append(row)
        elif any(_column(party, k) != v for k, v in _values(row, party).items()):
            updated.append((row, party))
        else:
            unchanged += 1
    return _Matched(new, updated, unchanged)


def _column(party: Counterparty, name: str) -> Column:
    """A kept counterparty's column as stored (``active`` 1 or 0)."""
    value = party.as_dict()[name]
    assert value is None or isinstance(value, str | int)
    return value


def _values(row: PartyLine, party: Counterparty) -> dict[str, Column]:
    """A kept counterparty's columns after the row: those the row gives (an empty cell
    changes nothing), and monitored again if it had been deactivated."""
    given = {"country": row.country, "type": row.type, "role": row.role,
             "reference": row.reference}  # fmt: skip
    values: dict[str, Column] = {"name": row.name, "active": 1}
    values.update({k: v for k, v in given.items() if v is not None})
    return ({k: v for k, v in values.items() if _column(party, k) != v}
            or {"name": party.name})  # fmt: skip


def _screened_fields_differ(row: PartyLine, party: Counterparty) -> bool:
    """Whether the update changes what is screened (or reactivates the counterparty)."""
    values = _values(row, party)
    return any(k in values and values[k] != _column(party, k)
               for k in ("name", "country", "type", "active"))  # fmt: skip


def _sha(data: object) -> str:
    return hashlib.sha256(canonical(data).encode()).hexdigest()
