"""Hit review cases: open any screening hit as a case, decide it (true match, false
positive, escalate) with a reason code and a note, confirm it with a second officer
(four-eyes), assign it; a closed false positive clears the hit for its party.

A case's hit comes from one of four origins (``core.hit_cases.Origin``): a one-off
screening (its audit record), a batch job's row, an export decision's party, or a
monitored counterparty's current hit (and the alert that raised it). The case keeps what
was reviewed: the party as screened, the list entry (snapshot, id, content digest) and the
score, so a later list change never changes what a decision was about.

Closing a false positive writes a **clearance**, the same one monitoring has
(``services.monitoring``, table ``clearances``): of the counterparty for a monitoring case
(its open alerts on the entry resolve as false positives), else of the screened party of the
case's tenant (``core.hit_cases.party_key``). A clearance holds for one version of the
entry: the party's later screenings (:meth:`Cases.review`) show the hit as cleared until
the entry changes or the clearance expires. Closing a true match of a counterparty resolves
its open alerts on the entry as true matches.

Tenancy: a case belongs to the exporter whose user screened (its ``exporter``; None for the
authority's own screenings); an exporter user reaches its own company's cases only, others
are "not found". Every action is audited (kind ``hit-case``) in its own transaction.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from exportguard.core.alerts import AlertStatus, Resolution
from exportguard.core.entities import ListEntry
from exportguard.core.hit_cases import (
    REASON_CODES,
    REASONS,
    WORDS,
    Action,
    CaseState,
    Disposition,
    Origin,
    check,
    check_reason,
    decided_state,
    disposition_of,
    is_sanctions_listing,
    needs_confirmation,
    party_key,
)
from exportguard.core.impact import entry_digest
from exportguard.core.index import build_query
from exportguard.core.permissions import PERMISSIONS, Actor, a_role, allowed, owns, require
from exportguard.errors import (
    ConcurrentChange,
    InvalidInput,
    NotFound,
    SecondOfficerRequired,
)
from exportguard.services.hit_reviews import HitReviews, iso_dates
from exportguard.store import accounts as account_store
from exportguard.store import audit as audit_store
from exportguard.store import cases as counters
from exportguard.store import decisions as decision_store
from exportguard.store import hit_cases as store
from exportguard.store import lists as list_store
from exportguard.store import monitoring as monitoring_store
from exportguard.store.engine import writing

if TYPE_CHECKING:
    pass

#: Cases on one page of the inbox, at most.
MAX_PAGE = 200


class Cases(HitReviews):
    """Hit review cases, reached as ``ExportGuard.cases`` (what screenings show of them:
    :class:`~exportguard.services.hit_reviews.HitReviews`)."""

    # --- who -------------------------------------------------------------------------------

    def _require(self, action: str) -> None:
        if self.ctx.principal is not None:
            require(self.ctx.principal, action)

    def _sees(self, exporter: str | None) -> bool:
        p = self.ctx.principal
        return p is None or owns(p, exporter)

    # --- reading ---------------------------------------------------------------------------

    @staticmethod
    def reasons() -> list[dict[str, Any]]:
        """The fixed table of reason codes, each with the dispositions it fits."""
        return [r.to_dict() for r in REASON_CODES]

    def get(self, case_id: str) -> dict[str, Any]:
        """A case with its history (``events``), the list entry as the case saw it
        (``entry``: every field) and the clearance its decision made, if any."""
        self._require("read_cases")
        with self.ctx.engine.connect() as conn:
            case = self._visible(conn, case_id)
            events = store.events(conn, case_id)
            entry = next(list_store.load_entries(conn, case["snapshot_id"], [case["entry_id"]]),
                         None)  # fmt: skip
            clearance = None
            if case["clearance_id"] is not None:
                found = monitoring_store.get_clearance(conn, case["clearance_id"])
                clearance = iso_dates(found) if found else None
        out = _out(case)
        out["events"] = events
        out["entry"] = entry.to_dict() if entry else None
        out["details"] = [{"label": k, "value": v} for k, v in _facts(entry)] if entry else []
        out["clearance"] = clearance
        return out

    def find(
        self,
        *,
        state: str | None = None,
        list_text: str | None = None,
        assignee: str | None = None,
        exporter: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of cases, most recently changed first, and how many match: ``state``
        (a :class:`CaseState` value), ``list_text`` (a source id, or a text of the list's
        name), ``assignee`` (a user name; ``"me"``: the caller; ``"none"``: unassigned),
        ``exporter`` (an exporter user always gets its own)."""
        self._require("read_cases")
        if state is not None and state not in {s.value for s in CaseState}:
            raise InvalidInput(f"must be one of {', '.join(s.value for s in CaseState)}",
                               field="state")  # fmt: skip
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"1 to {MAX_PAGE}", field="limit")
        if offset < 0:
            raise InvalidInput("must not be negative", field="offset")
        who = None
        if assignee:
            who = {"me": self.ctx.actor, "none": store.UNASSIGNED}.get(assignee, assignee)
        with self.ctx.engine.connect() as conn:
            found, total = store.find_cases(
                conn, exporter=self._scope() or exporter, state=state,
                list_text=(list_text or "").strip() or None, assignee=who, limit=limit,
                offset=offset,
            )  # fmt: skip
        return [_out(c) for c in found], total

    def counts(self) -> dict[str, int]:
        """{state: cases} of the caller's reach (an exporter's own)."""
        self._require("read_cases")
        with self.ctx.engine.connect() as conn:
            return store.counts(conn, self._scope())

    def assignees(self, case: Mapping[str, Any]) -> list[str]:
        """The active users the caller may offer to review ``case``: those whose role decides
        cases (an admin's or auditor's does not) and who see it, of the caller's side: an
        exporter's users of its own company, staff's other staff."""
        p = self.ctx.principal
        with self.ctx.engine.connect() as conn:
            users = account_store.all_users(conn)
        return [
            u["username"] for u in users
            if u["active"] and u["role"] in PERMISSIONS["decide_case"]
            and _may_review(_actor_of(u), case.get("exporter"))
            and (p is None or (u["exporter"] == p.exporter if p.is_exporter
                               else u["role"] != "exporter"))
        ]  # fmt: skip

    def clearances(
        self, *, exporter: str | None = None, limit: int = 50, offset: int = 0
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of the clearances in force today (not expired), newest first: of
        counterparties and of screened parties, with the case that made each (an exporter
        sees its own)."""
        self._require("read_cases")
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"1 to {MAX_PAGE}", field="limit")
        today = self.ctx.today()
        with self.ctx.engine.connect() as conn:
            found, total = monitoring_store.find_clearances(
                conn, exporter=self._scope() or exporter, on=today, limit=limit, offset=offset
            )
        return [iso_dates(c) for c in found], total

    def _visible(self, conn: Connection, case_id: str, *, lock: bool = False) -> dict[str, Any]:
        case = store.get_case(conn, case_id, lock=lock)
        if case is None or not self._sees(case["exporter"]):
            raise NotFound(f"no case {case_id!r}")
        return case

    # --- opening ---------------------------------------------------------------------------

    def open(
        self,
        origin: Origin | str,
        ref: str,
        entry_id: str,
        *,
        row: str | None = None,
        party: str | None = None,
        alert_id: int | None = None,
    ) -> tuple[dict[str, Any], bool]:
        """Open a case on one hit, or return the case it already has: (case, created).

        ``origin`` and ``ref``: ``screening`` and the screening's audit record number;
        ``batch`` and the job id, with the ``row`` id; ``decision`` and the decision id,
        with the ``party`` name when the entry matched more than one; ``monitoring`` and the
        counterparty id (``alert_id``: the alert being reviewed). ``entry_id`` is the list
        entry hit. Raises :class:`NotFound` for an origin or hit the caller cannot see."""
        self._require("open_case")
        try:
            kind = Origin(origin)
        except ValueError:
            raise InvalidInput(f"must be one of {', '.join(o.value for o in Origin)}",
                               field="origin") from None  # fmt: skip
        if not entry_id.strip():
            raise InvalidInput("name the list entry hit", field="entry_id")
        with writing(self.ctx.engine) as conn:
            found = self._find_hit(conn, kind, ref.strip(), entry_id.strip(), row=row,
                                   party=party, alert_id=alert_id)  # fmt: skip
            existing = self._existing(conn, found)
            if existing is not None:
                return _out(existing), False
            case = self._add(conn, found)
        return _out(case), True

    def open_from_alert(self, alert_id: int) -> tuple[dict[str, Any], bool]:
        """The case reviewing a counterparty alert (opened now if it has none): the
        counterparty's current hit on the alert's entry. An open alert is acknowledged."""
        with self.ctx.engine.connect() as conn:
            alert = monitoring_store.get_alert(conn, alert_id)
        if alert is None or not self._sees(alert["exporter"]):
            raise NotFound(f"no alert {alert_id}")
        return self.open(Origin.MONITORING, alert["counterparty_id"], alert["entry_id"],
                         alert_id=alert_id)  # fmt: skip

    def _find_hit(
        self, conn: Connection, origin: Origin, ref: str, entry_id: str, *,
        row: str | None, party: str | None, alert_id: int | None,
    ) -> dict[str, Any]:  # fmt: skip
        """The new case's fields (without id, state and times) from its origin."""
        finders: dict[Origin, Callable[..., dict[str, Any]]] = {
            Origin.SCREENING: self._from_screening,
            Origin.BATCH: self._from_batch,
            Origin.DECISION: self._from_decision,
            Origin.MONITORING: self._from_monitoring,
        }
        found = finders[origin](conn, ref, entry_id, row=row, party=party, alert_id=alert_id)
        entry = next(list_store.load_entries(conn, found["snapshot_id"], [entry_id]), None)
        if entry is None:
            raise NotFound(f"list snapshot {found['snapshot_id']} has no entry {entry_id!r}")
        return found | _entry_fields(entry) | {"origin": origin.value, "origin_ref": ref}

    def _from_screening(
        self, conn: Connection, ref: str, entry_id: str, **_: Any
    ) -> dict[str, Any]:
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
        return {
            "exporter": self._tenant_of(conn, record.actor),
            "party_name": query["name"],
            "query": {k: query.get(k) for k in ("name", "country", "type", "birth_date",
                                                 "identifiers")},
            "party_key": party_key(query.get("normalised") or query["name"],
                                   query.get("country"), query.get("type"),
                                   query.get("birth_date"), query.get("identifiers") or ()),
            "snapshot_id": int(hit["snapshot_id"]),
            "score": float(hit["score"]),
            "hit": {"matched_name": hit.get("matched_name"),
                    "explanation": hit.get("explanation", []),
                    "plain_explanation": hit.get("plain_explanation", [])},
        }  # fmt: skip

    def _from_batch(
        self, conn: Connection, ref: str, entry_id: str, *, row: str | None, **_: Any
    ) -> dict[str, Any]:
        from exportguard.core.screening_csv import parse_input, uncell

        if not row:
            raise InvalidInput("name the row of the batch file", field="row")
        job = account_store.get_job(conn, ref)
        p = self.ctx.principal
        if (
            job is None or job["kind"] != "screen-batch"
            or (p is not None and p.is_exporter and job["owner"] != p.username)
        ):  # fmt: skip
            raise NotFound(f"no batch job {ref!r}")
        if job["status"] != "done":
            raise InvalidInput(f"job {ref} is {job['status']}: its hits are not known yet",
                               field="ref")  # fmt: skip
        line = next(({k: uncell(v) for k, v in r.items()}
                     for r in csv.DictReader(io.StringIO(job["result"] or ""))
                     if uncell(r["id"]) == row and r["entity_id"] == entry_id), None)  # fmt: skip
        source = next((r for r in parse_input(job["input"], ref) if r.id == row), None)
        if line is None or source is None:
            raise NotFound(f"job {ref} has no hit on {entry_id!r} in row {row!r}")
        q = source.query
        kind = q.type.value if q.type else None
        return {
            "exporter": job["exporter"],
            "party_name": source.name,
            "query": {"name": source.name, "country": q.country, "type": kind, "row": row},
            "party_key": party_key(q.form.text, q.country, kind),
            "snapshot_id": int(line["snapshot_id"]),
            "score": float(line["score"]),
            "hit": {"matched_name": line["matched_name"], "explanation": []},
        }

    def _from_decision(
        self, conn: Connection, ref: str, entry_id: str, *, party: str | None, **_: Any
    ) -> dict[str, Any]:
        stored = decision_store.get_decision(conn, ref)
        p = self.ctx.principal
        if stored is None or (p is not None and p.is_exporter and stored["actor"] != p.username):
            raise NotFound(f"no decision {ref!r}")
        result = stored["result"]
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
        country = given.get("country")
        q = build_query(name, country=country)
        return {
            "exporter": self._tenant_of(conn, stored["actor"]),
            "party_name": name,
            "query": {"name": name, "country": q.country, "role": match.get("role")},
            "party_key": party_key(q.form.text, q.country),
            "snapshot_id": int(match["snapshot_id"]),
            "score": float(match["score"]),
            "hit": {"matched_name": match.get("matched_name"),
                    "explanation": match.get("explanation", [])},
        }  # fmt: skip

    def _from_monitoring(
        self, conn: Connection, ref: str, entry_id: str, *, alert_id: int | None, **_: Any
    ) -> dict[str, Any]:
        party = monitoring_store.get_counterparty(conn, ref)
        if party is None or not self._sees(party["exporter"]):
            raise NotFound(f"no counterparty {ref!r}")
        hit = next((h for h in monitoring_store.last_hits(conn, ref).values()
                    if h["entry_id"] == entry_id), None)  # fmt: skip
        if hit is None:
            raise NotFound(f"counterparty {ref} has no current hit on {entry_id!r}")
        data: Mapping[str, Any] = {}
        if alert_id is not None:
            alert = monitoring_store.get_alert(conn, alert_id)
            if alert is None or alert["counterparty_id"] != ref or alert["entry_id"] != entry_id:
                raise NotFound(f"no alert {alert_id} on {entry_id!r} of counterparty {ref}")
            data = alert["data"]
        q = build_query(party["name"], country=party["country"], type=party["type"])
        return {
            "exporter": party["exporter"],
            "party_name": party["name"],
            "query": {"name": party["name"], "country": party["country"], "type": party["type"]},
            "party_key": party_key(q.form.text, q.country, party["type"]),
            "snapshot_id": int(hit["snapshot_id"]),
            "score": float(hit["score"]),
            "alert_id": alert_id,
            "hit": {"matched_name": data.get("matched_name"),
                    "explanation": [{"detail": d} for d in data.get("explanation", [])]},
        }  # fmt: skip

    def _existing(self, conn: Connection, found: Mapping[str, Any]) -> dict[str, Any] | None:
        """The case this hit already has: the newest of its origin, party and entry; for a
        counterparty, a closed one only while it reviewed this version of the entry and
        this alert (a changed entry or a new alert is reviewed afresh)."""
        for case in store.cases_for(conn, found["origin"], found["origin_ref"],
                                    found["entry_id"]):  # fmt: skip
            if case["party_key"] != found["party_key"]:
                continue
            if case["state"] != CaseState.CLOSED or found["origin"] != Origin.MONITORING:
                return case
            same_alert = found.get("alert_id") in (None, case["alert_id"])
            if case["entry_digest"] == found["entry_digest"] and same_alert:
                return case
            return None
        return None

    def _add(self, conn: Connection, found: Mapping[str, Any]) -> dict[str, Any]:
        now = self.ctx.now()
        case_id = counters.next_id(conn, "hit_case", "H")
        row = {**found, "id": case_id, "state": CaseState.OPEN.value, "created_by": self.ctx.actor,
               "created_at": now, "updated_at": now, "version": 1}  # fmt: skip
        store.add_case(conn, row)
        self._event(conn, case_id, "open", CaseState.OPEN)
        self.audit.record(conn, "hit-case", case_id, {
            "action": "open", "origin": found["origin"], "ref": found["origin_ref"],
            "exporter": found["exporter"], "party": found["party_name"],
            "entry_id": found["entry_id"], "entry_digest": found["entry_digest"],
            "snapshot_id": found["snapshot_id"], "score": found["score"],
            "sanctioned": found["sanctioned"]})  # fmt: skip
        alert_id = found.get("alert_id")
        if alert_id is not None:  # the alert is being looked into
            alert = monitoring_store.get_alert(conn, alert_id)
            if alert is not None and alert["status"] == AlertStatus.OPEN:
                monitoring_store.set_alert_status(
                    conn, alert_id, expected=AlertStatus.OPEN, status=AlertStatus.ACKNOWLEDGED,
                    at=now, actor=self.ctx.actor, reason=f"case {case_id} opened",
                )  # fmt: skip
                self.audit.record(conn, "alert", str(alert_id), {
                    "status": AlertStatus.ACKNOWLEDGED.value, "resolution": None,
                    "reason": f"case {case_id} opened"})  # fmt: skip
        created = store.get_case(conn, case_id)
        assert created is not None
        return created

    # --- acting ----------------------------------------------------------------------------

    def decide(
        self,
        case_id: str,
        disposition: Disposition | str,
        *,
        reason_code: str,
        note: str,
        expires_on: date | None = None,
        assignee: str | None = None,
        version: int | None = None,
    ) -> dict[str, Any]:
        """Decide a case (open or escalated) as a true match, a false positive or an
        escalation, with a reason code (:data:`~exportguard.core.hit_cases.REASONS`) and a
        note. A true match, and a false positive on a sanctions listing, then wait for a
        second officer (``pending_confirmation``); any other false positive closes at once
        and clears the hit. ``expires_on`` (after today) limits a false positive's
        clearance; ``assignee`` hands an escalation to someone; ``version``: 409 if the case
        changed since it was read."""
        self._require("decide_case")
        chosen = disposition_of(disposition if isinstance(disposition, str) else disposition.value)
        check_reason(chosen, reason_code, note)
        if expires_on is not None:
            today = self.ctx.today()
            if chosen is not Disposition.FALSE_POSITIVE:
                raise InvalidInput("only a false positive's clearance expires", field="expires_on")
            if expires_on <= today:
                raise InvalidInput(f"the expiry {expires_on} is not after today ({today})",
                                   field="expires_on")  # fmt: skip
        with writing(self.ctx.engine) as conn:
            case = self._acting_on(conn, case_id, Action.DECIDE, version)
            target = decided_state(chosen, case["sanctioned"])
            now = self.ctx.now()
            values: dict[str, Any] = {
                "state": target.value, "disposition": chosen.value, "reason_code": reason_code,
                "note": note.strip(), "expires_on": expires_on, "decided_by": self.ctx.actor,
                "decided_at": now, "confirmed_by": None, "confirmed_at": None, "updated_at": now,
            }  # fmt: skip
            if assignee is not None:
                values["assignee"] = self._assignee(conn, case, assignee)
            self._write(conn, case, values)
            self._event(conn, case_id, Action.DECIDE.value, target, disposition=chosen.value,
                        reason_code=reason_code, note=note.strip(),
                        assignee=values.get("assignee"))  # fmt: skip
            self.audit.record(conn, "hit-case", case_id, {
                "action": Action.DECIDE.value, "state": target.value,
                "disposition": chosen.value, "reason_code": reason_code, "note": note.strip(),
                "expires_on": expires_on.isoformat() if expires_on else None,
                "needs_confirmation": target is CaseState.PENDING,
                "entry_id": case["entry_id"], "entry_digest": case["entry_digest"]})  # fmt: skip
            if target is CaseState.CLOSED:
                self._close(conn, case | values)
        return self.get(case_id)

    def confirm(
        self, case_id: str, *, note: str = "", version: int | None = None
    ) -> dict[str, Any]:
        """A second officer confirms a decision pending confirmation: the case closes (a
        false positive clears the hit). The officer who decided may not
        (:class:`SecondOfficerRequired`)."""
        self._require("confirm_case")
        with writing(self.ctx.engine) as conn:
            case = self._acting_on(conn, case_id, Action.CONFIRM, version)
            self._second_officer(case, "confirm")
            now = self.ctx.now()
            values = {"state": CaseState.CLOSED.value, "confirmed_by": self.ctx.actor,
                      "confirmed_at": now, "updated_at": now}  # fmt: skip
            self._write(conn, case, values)
            self._event(conn, case_id, Action.CONFIRM.value, CaseState.CLOSED,
                        disposition=case["disposition"], note=note.strip() or None)  # fmt: skip
            self.audit.record(conn, "hit-case", case_id, {
                "action": Action.CONFIRM.value, "state": CaseState.CLOSED.value,
                "disposition": case["disposition"], "decided_by": case["decided_by"],
                "note": note.strip()})  # fmt: skip
            self._close(conn, case | values)
        return self.get(case_id)

    def send_back(self, case_id: str, *, note: str, version: int | None = None) -> dict[str, Any]:
        """A second officer does not confirm a decision: the case is open again (the
        decision stays in its history), with a note saying why."""
        self._require("confirm_case")
        if not note.strip():
            raise InvalidInput("say why the decision is not confirmed", field="note")
        with writing(self.ctx.engine) as conn:
            case = self._acting_on(conn, case_id, Action.SEND_BACK, version)
            self._second_officer(case, "send back")
            values = {"state": CaseState.OPEN.value, "disposition": None, "reason_code": None,
                      "note": None, "expires_on": None, "decided_by": None, "decided_at": None,
                      "updated_at": self.ctx.now()}  # fmt: skip
            self._write(conn, case, values)
            self._event(conn, case_id, Action.SEND_BACK.value, CaseState.OPEN, note=note.strip(),
                        disposition=case["disposition"])  # fmt: skip
            self.audit.record(conn, "hit-case", case_id, {
                "action": Action.SEND_BACK.value, "state": CaseState.OPEN.value,
                "disposition": case["disposition"], "decided_by": case["decided_by"],
                "note": note.strip()})  # fmt: skip
        return self.get(case_id)

    def assign(
        self, case_id: str, assignee: str | None, *, note: str = "", version: int | None = None
    ) -> dict[str, Any]:
        """Give a case to a user who may review it (None or "": nobody)."""
        self._require("assign_case")
        with writing(self.ctx.engine) as conn:
            case = self._acting_on(conn, case_id, Action.ASSIGN, version)
            who = self._assignee(conn, case, assignee) if assignee else None
            self._write(conn, case, {"assignee": who, "updated_at": self.ctx.now()})
            state = CaseState(case["state"])
            self._event(conn, case_id, Action.ASSIGN.value, state, assignee=who,
                        note=note.strip() or None)  # fmt: skip
            self.audit.record(conn, "hit-case", case_id, {
                "action": Action.ASSIGN.value, "assignee": who, "note": note.strip()})  # fmt: skip
        return self.get(case_id)

    def _acting_on(
        self, conn: Connection, case_id: str, action: Action, version: int | None
    ) -> dict[str, Any]:
        case = self._visible(conn, case_id, lock=True)
        check(case_id, CaseState(case["state"]), action)
        if version is not None and version != case["version"]:
            raise ConcurrentChange(f"case {case_id} changed since it was read (version "
                                   f"{version}, now {case['version']}): read it again")  # fmt: skip
        return case

    def _second_officer(self, case: Mapping[str, Any], verb: str) -> None:
        if case["decided_by"] == self.ctx.actor:
            raise SecondOfficerRequired(
                f"case {case['id']} was decided by {self.ctx.actor}: a second, different "
                f"officer must {verb} it (four-eyes)"
            )

    def _write(self, conn: Connection, case: Mapping[str, Any], values: Mapping[str, Any]) -> None:
        if not store.update_case(conn, case["id"], case["version"], values):
            raise ConcurrentChange(f"case {case['id']} changed meanwhile: read it again")

    def _event(
        self, conn: Connection, case_id: str, action: str, state: CaseState, **fields: Any
    ) -> None:
        store.add_event(conn, {"case_id": case_id, "at": self.ctx.now(),
                               "actor": self.ctx.actor, "action": action, "state": state.value,
                               **fields})  # fmt: skip

    def _assignee(self, conn: Connection, case: Mapping[str, Any], username: str) -> str:
        user = account_store.user_by_name(conn, username.strip())
        if user is None or not user["active"]:
            raise InvalidInput(f"no active user {username!r}", field="assignee")
        if not _may_review(_actor_of(user), case["exporter"]):
            raise InvalidInput(f"{username} may not review this case ({a_role(user['role'])}"
                               + (f" of {user['exporter']}" if user["exporter"] else "") + ")",
                               field="assignee")  # fmt: skip
        return str(user["username"])

    def _close(self, conn: Connection, case: Mapping[str, Any]) -> None:
        """What a closed case does: a false positive clears the hit; a counterparty's open
        alerts on the entry resolve with the case's disposition."""
        disposition = Disposition(case["disposition"])
        label = REASONS[case["reason_code"]].label
        reason = f"case {case['id']}: {label}: {case['note']}"
        confirmed = case.get("confirmed_by")
        clearance_id = None
        monitoring = case["origin"] == Origin.MONITORING
        if disposition is Disposition.FALSE_POSITIVE:
            row = {
                "counterparty_id": case["origin_ref"] if monitoring else None,
                "exporter": None if monitoring else case["exporter"],
                "party_key": None if monitoring else case["party_key"],
                "party_name": None if monitoring else case["party_name"],
                "entry_id": case["entry_id"], "entry_digest": case["entry_digest"],
                "reason": reason, "expires_on": case.get("expires_on"),
                "actor": case["decided_by"], "created_at": self.ctx.now(),
                "case_id": case["id"], "confirmed_by": confirmed,
            }  # fmt: skip
            clearance_id = monitoring_store.add_clearance(conn, row)
            self.audit.record(conn, "clearance", case["origin_ref"] if monitoring
                                  else case["party_name"], {
                "entry_id": case["entry_id"], "entry_digest": case["entry_digest"],
                "reason": reason, "case": case["id"], "decided_by": case["decided_by"],
                "confirmed_by": confirmed, "exporter": case["exporter"],
                "expires_on": case["expires_on"].isoformat() if case.get("expires_on") else None,
            })  # fmt: skip
            store.update_case(conn, case["id"], _version(conn, case["id"]),
                              {"clearance_id": clearance_id})  # fmt: skip
        if monitoring and disposition is not Disposition.ESCALATE:
            resolution = (Resolution.TRUE_MATCH if disposition is Disposition.TRUE_MATCH
                          else Resolution.FALSE_POSITIVE)  # fmt: skip
            for alert in monitoring_store.find_alerts(conn, counterparty_id=case["origin_ref"]):
                if alert["entry_id"] != case["entry_id"] or alert["status"] == AlertStatus.RESOLVED:
                    continue
                monitoring_store.set_alert_status(
                    conn, alert["id"], expected=alert["status"], status=AlertStatus.RESOLVED,
                    resolution=resolution.value, at=self.ctx.now(), actor=self.ctx.actor,
                    reason=reason,
                )  # fmt: skip
                self.audit.record(conn, "alert", str(alert["id"]), {
                    "status": AlertStatus.RESOLVED.value, "resolution": resolution.value,
                    "reason": reason})  # fmt: skip


# --- helpers ---------------------------------------------------------------------------------


def _may_review(actor: Actor, exporter: str | None) -> bool:
    return allowed(actor, "decide_case") and owns(actor, exporter)


def _actor_of(user: Mapping[str, Any]) -> Actor:
    return Actor(str(user["username"]), str(user["role"]), user.get("exporter"))


def _facts(entry: ListEntry) -> list[tuple[str, str]]:
    """What an officer compares to rule a hit in or out, as (label, text) pairs: names,
    kind, programmes, places, dates, documents and listing, then the entry's other details
    (``ListEntry.details``)."""
    listed = " to ".join(str(d) for d in (entry.listed_from, entry.listed_until) if d)
    rows = [
        ("also known as", "; ".join(a.name for a in entry.aliases)),
        ("kind", entry.type.value),
        ("programmes", ", ".join(entry.programs)),
        ("countries", ", ".join(entry.countries)),
        *(("address", a.full) for a in entry.addresses if not a.note),
        ("born", ", ".join(entry.birth_dates)),
        ("place of birth", "; ".join(entry.birth_places)),
        *(("document", f"{i.label or i.kind} {i.value}" + (f" ({i.country})" if i.country else ""))
          for i in entry.identifiers),
        ("listed", listed),
        ("citation", entry.citation or ""),
        ("licence requirement", entry.licence_requirement or ""),
        ("licence policy", entry.licence_policy or ""),
        ("remarks", entry.remarks or ""),
        ("source", entry.url or ""),
    ]  # fmt: skip
    return [(k, v) for k, v in rows if v] + entry.details()


def _entry_fields(entry: ListEntry) -> dict[str, Any]:
    return {"source": entry.source, "entry_id": entry.id, "entry_digest": entry_digest(entry),
            "list_name": entry.list_name, "listed_name": entry.name,
            "sanctioned": is_sanctions_listing(entry.list_name)}  # fmt: skip


def _version(conn: Connection, case_id: str) -> int:
    found = store.get_case(conn, case_id)
    assert found is not None
    return int(found["version"])


def _whole(text: str, field: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 2**62:
        raise InvalidInput("must be a whole number from 1", field=field)
    return int(text)


def _out(case: Mapping[str, Any]) -> dict[str, Any]:
    """A case as the API and pages show it: its row (without the internal party key), the
    reason code's label, the state in words, and whether it waits for a second officer."""
    out = iso_dates({k: v for k, v in case.items() if k != "party_key"})
    out["reason"] = REASONS[case["reason_code"]].label if case.get("reason_code") else None
    out["state_words"] = WORDS[CaseState(case["state"])]
    out["needs_confirmation"] = bool(case.get("disposition")) and needs_confirmation(
        Disposition(case["disposition"]), bool(case["sanctioned"])
    )
    return out
