"""Hit review cases as records (pure): a case, its events, and a case in full with the list
entry as reviewed and the clearance its decision made (``core.hit_cases`` has the states,
decisions, reason codes and the four-eyes rule).

Times are ISO 8601 UTC strings, as stored; a clearance's expiry is a date. A case's
``query`` (the party as screened) and ``hit`` (the matched name and the explanation) are
JSON objects whose keys depend on the origin. Each record's ``as_dict`` is its JSON form
(enums as their values, dates as ``YYYY-MM-DD``): the one the API's models
(``api.schemas.cases``) describe, field for field, and the CLI's ``--json`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from exportguard.core.decision_records import JsonObject
from exportguard.core.entities import ListEntry
from exportguard.core.hit_cases import (
    REASONS,
    WORDS,
    Action,
    CaseState,
    Disposition,
    Origin,
    needs_confirmation,
)
from exportguard.core.monitoring_records import Clearance


@dataclass(frozen=True, slots=True)
class FoundHit:
    """A hit as found at its origin, before it is a case: the tenant (``exporter``; None:
    the authority's), the party as screened (``party_name``, ``query``, ``party_key``:
    ``core.hit_cases.party_key``), where and how well it matched (``snapshot_id``,
    ``score``, ``hit``), and for a counterparty the alert being reviewed."""

    exporter: str | None
    party_name: str
    query: JsonObject
    party_key: str
    snapshot_id: int
    score: float
    hit: JsonObject
    alert_id: int | None = None


@dataclass(frozen=True, slots=True)
class HitCase:
    """A hit review case (``id`` ``H-000001``): where the hit came from (``origin``,
    ``origin_ref``: the screening's audit record number, the job id, the decision id or
    the counterparty id), the party and the list entry hit (the version reviewed:
    ``entry_digest``; ``sanctioned``: four-eyes applies to a false positive), its state
    and decision (``reason_code`` of :data:`~exportguard.core.hit_cases.REASONS`, a
    ``note``, a false positive's clearance ``expires_on``), who decided and confirmed,
    the clearance it made, and ``version`` (one more with every change)."""

    id: str
    exporter: str | None
    origin: Origin
    origin_ref: str
    alert_id: int | None
    party_name: str
    party_key: str
    query: JsonObject
    snapshot_id: int
    source: str
    entry_id: str
    entry_digest: str
    list_name: str
    listed_name: str
    score: float
    sanctioned: bool
    hit: JsonObject
    state: CaseState
    disposition: Disposition | None
    reason_code: str | None
    note: str | None
    expires_on: date | None
    assignee: str | None
    decided_by: str | None
    decided_at: str | None
    confirmed_by: str | None
    confirmed_at: str | None
    clearance_id: int | None
    created_by: str
    created_at: str
    updated_at: str
    version: int

    @property
    def reason(self) -> str | None:
        """The reason code's label (None before a decision)."""
        return REASONS[self.reason_code].label if self.reason_code else None

    @property
    def state_words(self) -> str:
        """The state in words ("pending confirmation")."""
        return WORDS[self.state]

    @property
    def needs_confirmation(self) -> bool:
        """Whether its decision waits for (or took) a second officer."""
        return self.disposition is not None and needs_confirmation(
            self.disposition, self.sanctioned
        )

    def as_dict(self) -> dict[str, object]:
        """The JSON form: the stored case without the internal ``party_key``, with the
        reason's label, the state in words and whether it needs confirmation."""
        return {"id": self.id, "exporter": self.exporter, "origin": self.origin.value,
                "origin_ref": self.origin_ref, "alert_id": self.alert_id,
                "party_name": self.party_name, "query": dict(self.query),
                "snapshot_id": self.snapshot_id, "source": self.source,
                "entry_id": self.entry_id, "entry_digest": self.entry_digest,
                "list_name": self.list_name, "listed_name": self.listed_name,
                "score": self.score, "sanctioned": self.sanctioned, "hit": dict(self.hit),
                "state": self.state.value,
                "disposition": self.disposition.value if self.disposition else None,
                "reason_code": self.reason_code, "note": self.note,
                "expires_on": self.expires_on.isoformat() if self.expires_on else None,
                "assignee": self.assignee, "decided_by": self.decided_by,
                "decided_at": self.decided_at, "confirmed_by": self.confirmed_by,
                "confirmed_at": self.confirmed_at, "clearance_id": self.clearance_id,
                "created_by": self.created_by, "created_at": self.created_at,
                "updated_at": self.updated_at, "version": self.version,
                "reason": self.reason, "state_words": self.state_words,
                "needs_confirmation": self.needs_confirmation}  # fmt: skip


@dataclass(frozen=True, slots=True)
class CaseEvent:
    """One action on a case, in order: who did what when, the state after it, and what
    the action said (a decision's disposition and reason code, a note, an assignee)."""

    id: int
    case_id: str
    at: str
    actor: str
    action: Action
    state: CaseState
    disposition: Disposition | None
    reason_code: str | None
    note: str | None
    assignee: str | None

    def as_dict(self) -> dict[str, object]:
        return {"id": self.id, "case_id": self.case_id, "at": self.at, "actor": self.actor,
                "action": self.action.value, "state": self.state.value,
                "disposition": self.disposition.value if self.disposition else None,
                "reason_code": self.reason_code, "note": self.note,
                "assignee": self.assignee}  # fmt: skip


@dataclass(frozen=True, slots=True)
class CaseDetail(HitCase):
    """A case with its history (oldest first), the list entry as the case saw it (None if
    the snapshot no longer has it), what an officer compares (``details``: (label, text)
    pairs) and the clearance its decision made."""

    events: tuple[CaseEvent, ...]
    entry: ListEntry | None
    details: tuple[tuple[str, str], ...]
    clearance: Clearance | None

    @staticmethod
    def of(
        case: HitCase, events: tuple[CaseEvent, ...], entry: ListEntry | None,
        details: tuple[tuple[str, str], ...], clearance: Clearance | None,
    ) -> CaseDetail:  # fmt: skip
        """``case`` with its history, entry, details and clearance."""
        own = {f.name: getattr(case, f.name) for f in fields(HitCase)}
        return CaseDetail(**own, events=events, entry=entry, details=details,
                          clearance=clearance)  # fmt: skip

    def as_dict(self) -> dict[str, object]:
        return HitCase.as_dict(self) | {
            "events": [e.as_dict() for e in self.events],
            "entry": self.entry.to_dict() if self.entry else None,
            "details": [{"label": k, "value": v} for k, v in self.details],
            "clearance": self.clearance.as_dict() if self.clearance else None,
        }
