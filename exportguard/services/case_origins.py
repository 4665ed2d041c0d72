"""Opening hit review cases (part of ``ExportGuard.cases``): the hit found at its origin
(a one-off screening's audit record, a batch job's row, an export decision's party, a
monitored counterparty's current hit and its alert), the case it already has, or a new
one (audited; an open alert under review is acknowledged). ``services.hit_cases`` has the
whole story."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from exportguard.core.alerts import AlertStatus
from exportguard.core.case_records import FoundHit, HitCase
from exportguard.core.entities import ListEntry
from exportguard.core.hit_cases import (
    Action,
    CaseState,
    Disposition,
    Origin,
    is_sanctions_listing,
    party_key,
)
from exportguard.core.impact import entry_digest
from exportguard.core.index import build_query
from exportguard.core.jobs import JobKind, JobStatus
from exportguard.errors import InvalidInput, NotFound
from exportguard.services.case_inbox import CaseInbox
from exportguard.store import accounts as account_store
from exportguard.store import alerts as alert_store
from exportguard.store import audit as audit_store
from exportguard.store import cases as counters
from exportguard.store import counterparties as party_store
from exportguard.store import decisions as decision_store
from exportguard.store import hit_cases as store
from exportguard.store import lists as list_store
from exportguard.store.engine import writing


class CaseOrigins(CaseInbox):
    """Opening cases on hits; the base of :class:`~exportguard.services.hit_cases.Cases`."""

    def open(
        self,
        origin: Origin | str,
        ref: str,
        entry_id: str,
        *,
        row: str | None = None,
        party: str | None = None,
        alert_id: int | None = None,
    ) -> tuple[HitCase, bool]:
        """Open a case on one hit, or return the case it already has: (case, created).

        ``origin`` and ``ref``: ``screening`` and the screening's audit record number;
        ``batch`` and the job id, with the ``row`` id; ``decision`` and the decision id,
        with the ``party`` name when the entry matched more than one; ``monitoring`` and the
        counterparty id (``alert_id``: the alert being reviewed). ``entry_id`` is the list
        entry hit. Raises :class:`NotFound` for an origin or hit the caller cannot see,
        :class:`InvalidInput` for an unknown origin or a hit that cannot be a case."""
        self._require("open_case")
        try:
            kind = Origin(origin)
        except ValueError:
            raise InvalidInput(f"must be one of {', '.join(o.value for o in Origin)}",
                               field="origin") from None  # fmt: skip
        if not entry_id.strip():
            raise InvalidInput("name the list entry hit", field="entry_id")
        ref = ref.strip()
        with writing(self.ctx.engine) as conn:
            found = self._find_hit(conn, kind, ref, entry_id.strip(), row=row, party=party,
                                   alert_id=alert_id)  # fmt: skip
            entry = next(list_store.load_entries(conn, found.snapshot_id, [entry_id.strip()]),
                         None)  # fmt: skip
            if entry is None:
                raise NotFound(f"list snapshot {found.snapshot_id} has no entry {entry_id!r}")
            existing = self._existing(conn, kind, ref, found, entry)
            if existing is not None:
                return existing, False
            return self._add(conn, kind, ref, found, entry), True

    def open_from_alert(self, alert_id: int) -> tuple[HitCase, bool]:
        """The case reviewing a counterparty alert (opened now if it has none): the
        counterparty's current hit on the alert's entry. An open alert is acknowledged.
        :class:`NotFound` for an alert the caller cannot see."""
        with self.ctx.engine.connect() as conn:
            alert = alert_store.alert(conn, alert_id)
        if alert is None or not self.ctx.reaches(alert.exporter):
            raise NotFound(f"no alert {alert_id}")
        return self.open(Origin.MONITORING, alert.counterparty_id, alert.entry_id,
                         alert_id=alert_id)  # fmt: skip

    # --- the hit at its origin -------------------------------------------------------------

    def _find_hit(
        self, conn: Connection, origin: Origin, ref: str, entry_id: str, *,
        row: str | None, party: str | None, alert_id: int | None,
    ) -> FoundHit:  # fmt: skip
        if origin is Origin.SCREENING:
            return self._from_screening(conn, ref, entry_id)
        if origin is Origin.BATCH:
            return self._from_batch(conn, ref, entry_id, row)
        if origin is Origin.DECISION:
            return self._from_decision(conn, ref, entry_id, party)
        return self._from_monitoring(conn, ref, entry_id, alert_id)

    def _from_screening(self, conn: Connection, ref: str, entry_id: str) -> FoundHit:
        seq = _whole(ref, "ref")
        record = audit_store.get(conn, seq)
        p = self.ctx.principal
        if (
            record is None or record.kind != "screening"
            or (p is not None and p.is_exporter and record.actor != p.username)
        ):  # fmt: skip
            raise NotFound(f"no screening {ref}")
        if record.payload.get("purpose") == "monitoring":
            raise InvalidInput(
                f"screening {seq} is a monitoring run's screening of counterparty "
                f"{record.subject}: open the case from the counterparty (origin monitoring)",
                field="ref",
            )
        hit = next((h for h in record.payload.get("hits", []) if h["entity_id"] == entry_id),
                   None)  # fmt: skip
        if hit is None:
            raise NotFound(f"screening {seq} has no hit on {entry_id!r}")
        query = record.payload["query"]
        return FoundHit(
            exporter=self._tenant_of(conn, record.actor),
            party_name=query["name"],
            query={k: query.get(k) for k in ("name", "country", "type", "birth_date",
                                             "identifiers")},
            party_key=party_key(query.get("normalised") or query["name"],
                                query.get("country"), query.get("type"),
                                query.get("birth_date"), query.get("identifiers") or ()),
            snapshot_id=int(hit["snapshot_id"]),
            score=float(hit["score"]),
            hit={"matched_name": hit.get("matched_name"),
                 "explanation": hit.get("explanation", []),
                 "plain_explanation": hit.get("plain_explanation", [])},
        )  # fmt: skip

    def _from_batch(self, conn: Connection, ref: str, entry_id: str, row: str | None) -> FoundHit:
        from exportguard.core.screening_csv import parse_input, uncell

        if not row:
            raise InvalidInput("name the row of the batch file", field="row")
        job = account_store.job(conn, ref)
        p = self.ctx.principal
        if (
            job is None or job.kind is not JobKind.SCREEN
            or (p is not None and p.is_exporter and job.owner != p.username)
        ):  # fmt: skip
            raise NotFound(f"no batch job {ref!r}")
        if job.status is not JobStatus.DONE:
            raise InvalidInput(f"job {ref} is {job.status}: its hits are not known yet",
                               field="ref")  # fmt: skip
        line = next(({k: uncell(v) for k, v in r.items()}
                     for r in csv.DictReader(io.StringIO(job.result or ""))
                     if uncell(r["id"]) == row and r["entity_id"] == entry_id), None)  # fmt: skip
        source = next((r for r in parse_input(job.input, ref) if r.id == row), None)
        if line is None or source is None:
            raise NotFound(f"job {ref} has no hit on {entry_id!r} in row {row!r}")
        q = source.query
        kind = q.type.value if q.type else None
        return FoundHit(
            exporter=job.exporter,
            party_name=source.name,
            query={"name": source.name, "country": q.country, "type": kind, "row": row},
            party_key=party_key(q.form.text, q.country, kind),
            snapshot_id=int(line["snapshot_id"]),
            score=float(line["score"]),
            hit={"matched_name": line["matched_name"], "explanation": []},
        )

    def _from_decision(
        self, conn: Connection, ref: str, entry_id: str, party: str | None
    ) -> FoundHit:
        stored = decision_store.stored_decision(conn, ref)
        p = self.ctx.principal
        if stored is None or (p is not None and p.is_exporter and stored.actor != p.username):
            raise NotFound(f"no decision {ref!r}")
        result: Mapping[str, Any] = stored.result
        matches: dict[str, Mapping[str, Any]] = {}
        for regime in result.get("regimes", []):
            for reason in regime.get("reasons", []):
                match = reason.get("match")
                if (
                    match
                    and match["entry_id"] == entry_id
                    and (party is None or match["party"] == party)
                ):
                    matches.setdefault(match["party"], match)  # fmt: skip
        if not matches:
            raise NotFound(f"decision {ref} has no party matching {entry_id!r}"
                           + (f" named {party!r}" if party else ""))  # fmt: skip
        if len(matches) > 1:
            raise InvalidInput(f"{entry_id} matches {len(matches)} parties of decision {ref}: "
                               f"name one of {', '.join(sorted(matches))}",
                               field="party")  # fmt: skip
        name, match = next(iter(matches.items()))
        given: Mapping[str, Any] = next((x for x in result["request"].get("parties", [])
                                         if x.get("name") == name), {})  # fmt: skip
        q = build_query(name, country=given.get("country"))
        return FoundHit(
            exporter=self._tenant_of(conn, stored.actor),
            party_name=name,
            query={"name": name, "country": q.country, "role": match.get("role")},
            party_key=party_key(q.form.text, q.country),
            snapshot_id=int(match["snapshot_id"]),
            score=float(match["score"]),
            hit={"matched_name": match.get("matched_name"),
                 "explanation": match.get("explanation", [])},
        )  # fmt: skip

    def _from_monitoring(
        self, conn: Connection, ref: str, entry_id: str, alert_id: int | None
    ) -> FoundHit:
        party = party_store.counterparty(conn, ref)
        if party is None or not self.ctx.reaches(party.exporter):
            raise NotFound(f"no counterparty {ref!r}")
        hit = next((h for h in party_store.last_hits(conn, ref).values()
                    if h.entry_id == entry_id), None)  # fmt: skip
        if hit is None:
            raise NotFound(f"counterparty {ref} has no current hit on {entry_id!r}")
        data: Mapping[str, Any] = {}
        if alert_id is not None:
            alert = alert_store.alert(conn, alert_id)
            if alert is None or alert.counterparty_id != ref or alert.entry_id != entry_id:
                raise NotFound(f"no alert {alert_id} on {entry_id!r} of counterparty {ref}")
            data = alert.data
        kind = party.type.value if party.type else None
        q = build_query(party.name, country=party.country, type=kind)
        return FoundHit(
            exporter=party.exporter,
            party_name=party.name,
            query={"name": party.name, "country": party.country, "type": kind},
            party_key=party_key(q.form.text, q.country, kind),
            snapshot_id=hit.snapshot_id,
            score=hit.score,
            alert_id=alert_id,
            hit={"matched_name": data.get("matched_name"),
                 "explanation": [{"detail": d} for d in data.get("explanation", [])]},
        )  # fmt: skip

    # --- the case --------------------------------------------------------------------------

    def _existing(
        self, conn: Connection, origin: Origin, ref: str, found: FoundHit, entry: ListEntry
    ) -> HitCase | None:
        """The case this hit already has: the newest of its origin, party and entry; for a
        counterparty, a closed one only while it reviewed this version of the entry and
        this alert (a changed entry or a new alert is reviewed afresh)."""
        for case in store.cases_for(conn, origin, ref, entry.id):
            if case.party_key != found.party_key:
                continue
            if case.state is not CaseState.CLOSED or origin is not Origin.MONITORING:
                return case
            same_alert = found.alert_id in (None, case.alert_id)
            if case.entry_digest == entry_digest(entry) and same_alert:
                return case
            return None
        return None

    def _add(
        self, conn: Connection, origin: Origin, ref: str, found: FoundHit, entry: ListEntry
    ) -> HitCase:
        now = self.ctx.now()
        case_id = counters.next_id(conn, "hit_case", "H")
        case = HitCase(
            id=case_id, exporter=found.exporter, origin=origin, origin_ref=ref,
            alert_id=found.alert_id, party_name=found.party_name, party_key=found.party_key,
            query=found.query, snapshot_id=found.snapshot_id, source=entry.source,
            entry_id=entry.id, entry_digest=entry_digest(entry), list_name=entry.list_name,
            listed_name=entry.name, score=found.score,
            sanctioned=is_sanctions_listing(entry.list_name), hit=found.hit,
            state=CaseState.OPEN, disposition=None, reason_code=None, note=None,
            expires_on=None, assignee=None, decided_by=None, decided_at=None,
            confirmed_by=None, confirmed_at=None, clearance_id=None,
            created_by=self.ctx.actor, created_at=now, updated_at=now, version=1,
        )  # fmt: skip
        store.add_case(conn, case)
        self._event(conn, case_id, Action.OPEN, CaseState.OPEN)
        self.audit.record(conn, "hit-case", case_id, {
            "action": Action.OPEN.value, "origin": origin.value, "ref": ref,
            "exporter": case.exporter, "party": case.party_name, "entry_id": case.entry_id,
            "entry_digest": case.entry_digest, "snapshot_id": case.snapshot_id,
            "score": case.score, "sanctioned": case.sanctioned})  # fmt: skip
        if found.alert_id is not None:  # the alert is being looked into
            alert = alert_store.alert(conn, found.alert_id)
            if alert is not None and alert.status is AlertStatus.OPEN:
                alert_store.set_alert_status(
                    conn, alert.id, expected=AlertStatus.OPEN, status=AlertStatus.ACKNOWLEDGED,
                    at=now, actor=self.ctx.actor, reason=f"case {case_id} opened",
                )  # fmt: skip
                self.audit.record(conn, "alert", str(alert.id), {
                    "status": AlertStatus.ACKNOWLEDGED.value, "resolution": None,
                    "reason": f"case {case_id} opened"})  # fmt: skip
        created = store.get_case(conn, case_id)  # as stored (its JSON read back)
        assert created is not None
        return created

    def _event(
        self, conn: Connection, case_id: str, action: Action, state: CaseState, *,
        disposition: Disposition | None = None, reason_code: str | None = None,
        note: str | None = None, assignee: str | None = None,
    ) -> None:  # fmt: skip
        store.add_event(conn, case_id=case_id, at=self.ctx.now(), actor=self.ctx.actor,
                        action=action, state=state, disposition=disposition,
                        reason_code=reason_code, note=note, assignee=assignee)  # fmt: skip


def _whole(text: str, field: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 2**62:
        raise InvalidInput("must be a whole number from 1", field=field)
    return int(text)
