"""What screenings show of hit review (part of ``ExportGuard.cases``): each hit of a
one-off screening, a decision's listed-party matches and a batch job's rows marked cleared
when a reviewed false positive of the same party (``core.hit_cases.party_key``) and the same
version of the entry is in force in the caller's tenant; and a screening certificate's
disposition of each hit, in words, with who decided and who confirmed.

The clearances are monitoring's (``store.clearances``); the cases ``services.hit_cases``'.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from exportguard.core.case_records import HitCase
from exportguard.core.decision_records import JsonObject
from exportguard.core.hit_cases import (
    WORDS,
    CaseState,
    Origin,
    is_sanctions_listing,
    party_key,
)
from exportguard.core.impact import entry_digest
from exportguard.core.index import build_query
from exportguard.core.monitoring_records import Clearance
from exportguard.core.permissions import Role
from exportguard.store import accounts as account_store
from exportguard.store import clearances as clearance_store
from exportguard.store import hit_cases as store
from exportguard.store import lists as list_store

if TYPE_CHECKING:
    from exportguard.core.audit import AuditRecord
    from exportguard.core.index import Hit
    from exportguard.core.screening_csv import Row
    from exportguard.services.audit import AuditWriter
    from exportguard.services.context import Context
    from exportguard.services.screening import ScreeningResult


class HitReviews:
    """The review marks of screenings, decisions, batch results and certificates; the base
    of :class:`~exportguard.services.hit_cases.Cases`."""

    def __init__(self, ctx: Context, *, audit: AuditWriter) -> None:
        self.ctx = ctx
        self.audit = audit

    def _tenant_of(self, conn: Connection, username: str) -> str | None:
        """The company of the user who screened (None: an officer, the operator, system)."""
        user = account_store.find_user(conn, username)
        if user is not None and user.role is Role.EXPORTER:
            return user.exporter or None
        return None

    # --- what screenings show --------------------------------------------------------------

    def review(self, result: ScreeningResult) -> dict[str, object]:
        """A screening's JSON form (``ScreeningResult.to_dict``) with each hit's review:
        ``review.cleared`` (a reviewed false positive of this party and this version of the
        entry, ``review.clearance`` saying by whom and which case) and ``review.sanctioned``
        (four-eyes would apply); ``cleared_hits`` counts the cleared hits shown,
        ``open_hits`` the others. The party is the screened name with every qualifier given,
        in the caller's tenant (an exporter's company; the authority's otherwise)."""
        out: dict[str, Any] = result.to_dict()  # its hits are JSON objects
        q = result.query
        key = party_key(q.form.text, q.country, q.type.value if q.type else None,
                        q.birth_date, q.identifiers)  # fmt: skip
        with self.ctx.engine.connect() as conn:
            cleared = clearance_store.party_clearances(
                conn,
                self.ctx.tenant,
                key,
                [h["entity_id"] for h in out["hits"]],
                self.ctx.today(),  # a clearance in force today, whatever the as-of date
            )
        shown = 0
        for hit in out["hits"]:
            entry = result.entries.get((hit["snapshot_id"], hit["entity_id"]))
            clearance = cleared.get(hit["entity_id"])
            valid = (entry is not None and clearance is not None
                     and clearance.entry_digest == entry_digest(entry))  # fmt: skip
            hit["review"] = {
                "cleared": valid,
                "clearance": clearance.as_dict() if valid and clearance else None,
                "sanctioned": is_sanctions_listing(hit["list_name"]),
            }
            shown += valid
        out["cleared_hits"] = shown
        out["open_hits"] = len(out["hits"]) - shown
        return out

    def review_decision(self, decision: JsonObject) -> dict[str, object]:
        """A decision's JSON form (``Decision.to_dict``) with each listed-party match's
        review: ``match.review.cleared`` when a reviewed false positive of that party (its
        name and country) and that version of the entry is in force in the caller's tenant,
        with the clearance. The verdict is the decision's own: a cleared match is said, not
        dropped. The API's ``DecisionOut``; ``decision``'s matches get their review."""
        result: dict[str, Any] = dict(decision)  # its regimes, reasons, matches: JSON objects
        matches = [reason["match"] for regime in result.get("regimes", [])
                   for reason in regime.get("reasons", []) if reason.get("match")]  # fmt: skip
        if not matches:
            return result
        given = {p.get("name"): p.get("country") for p in result["request"].get("parties", [])}
        keys: dict[str, str] = {}
        for match in matches:
            q = build_query(match["party"], country=given.get(match["party"]))
            keys[match["party"]] = party_key(q.form.text, q.country)
        today = self.ctx.today()
        with self.ctx.engine.connect() as conn:
            cleared = clearance_store.clearances_of_parties(
                conn, self.ctx.tenant, set(keys.values()), today
            )
            digests: dict[tuple[int, str], str] = {}
            for match in matches:
                clearance = cleared.get((keys[match["party"]], match["entry_id"]))
                where = (int(match["snapshot_id"]), match["entry_id"])
                if clearance is not None and where not in digests:
                    entry = next(list_store.load_entries(conn, where[0], [where[1]]), None)
                    digests[where] = entry_digest(entry) if entry is not None else ""
                valid = clearance is not None and digests[where] == clearance.entry_digest
                match["review"] = {
                    "cleared": valid,
                    "clearance": clearance.as_dict() if valid and clearance else None,
                }
        return result

    def batch_review(
        self, exporter: str | None, pairs: Sequence[tuple[Row, Sequence[Hit]]]
    ) -> dict[tuple[str, str], str]:
        """{(row id, entry id): what cleared that hit} for a batch job's results: a
        clearance in force of the row's party (its name, country and type) in the job's
        tenant, on the same version of the entry (``core.screening_csv.REVIEW_COLUMN``)."""
        keys = {
            row.id: party_key(row.query.form.text, row.query.country,
                              row.query.type.value if row.query.type else None)
            for row, _ in pairs
        }  # fmt: skip
        out: dict[tuple[str, str], str] = {}
        with self.ctx.engine.connect() as conn:
            cleared = clearance_store.clearances_of_parties(
                conn, exporter, set(keys.values()), self.ctx.today()
            )
            if not cleared:
                return out
            found = [(row, hit, cleared[(keys[row.id], hit.entry.id)]) for row, hits in pairs
                     for hit in hits if (keys[row.id], hit.entry.id) in cleared]  # fmt: skip
            wanted: dict[int, set[str]] = {}
            for _, hit, _ in found:
                wanted.setdefault(hit.snapshot_id, set()).add(hit.entry.id)
            digests = {
                (snapshot_id, entry.id): entry_digest(entry)
                for snapshot_id, ids in wanted.items()
                for entry in list_store.load_entries(conn, snapshot_id, sorted(ids))
            }
        for row, hit, clearance in found:
            if digests.get((hit.snapshot_id, hit.entry.id)) == clearance.entry_digest:
                out[(row.id, hit.entry.id)] = _cleared_in_words(clearance)
        return out

    def dispositions(self, record: AuditRecord) -> dict[str, str]:
        """{entry id: the disposition of that hit of a screening record, in words, with who
        decided and who confirmed}: the case opened from this screening (or for a
        monitoring screening, the counterparty's newest case on the entry), else a
        clearance of the same party and version of the entry, else "not reviewed"."""
        payload = record.payload
        hits = payload.get("hits", [])
        monitoring = payload.get("purpose") == "monitoring"
        origin, ref = ((Origin.MONITORING, record.subject) if monitoring
                       else (Origin.SCREENING, str(record.seq)))  # fmt: skip
        query = payload.get("query", {})
        out: dict[str, str] = {}
        today = self.ctx.today()
        with self.ctx.engine.connect() as conn:
            tenant = None if monitoring else self._tenant_of(conn, record.actor)
            key = party_key(query.get("normalised") or query.get("name", ""),
                            query.get("country"), query.get("type"), query.get("birth_date"),
                            query.get("identifiers") or ())  # fmt: skip
            cleared = (
                clearance_store.clearances_of(conn, record.subject)
                if monitoring
                else list(
                    clearance_store.party_clearances(
                        conn, tenant, key, [h["entity_id"] for h in hits], today
                    ).values()
                )
            )
            for hit in hits:
                entry_id = hit["entity_id"]
                cases = store.cases_for(conn, origin, ref, entry_id)
                if cases:
                    out[entry_id] = _in_words(cases[0])
                    continue
                entry = next(list_store.load_entries(conn, int(hit["snapshot_id"]), [entry_id]),
                             None)  # fmt: skip
                digest = entry_digest(entry) if entry is not None else None
                clearance = next((c for c in reversed(cleared) if c.entry_id == entry_id
                                  and c.entry_digest == digest and c.in_force(today)),
                                 None)  # fmt: skip
                out[entry_id] = (_cleared_in_words(clearance) if clearance is not None
                                 else "not reviewed")  # fmt: skip
        return out


def _in_words(case: HitCase) -> str:
    if case.state is CaseState.OPEN:
        return f"under review (case {case.id}, open)"
    assert case.disposition is not None
    disposition = WORDS[case.disposition]
    decided = f"decided by {case.decided_by} on {case.decided_at}"
    reason = case.reason
    if case.state is CaseState.ESCALATED:
        return f"escalated (case {case.id}; {decided}; {reason})"
    if case.state is CaseState.PENDING:
        return (f"{disposition}, pending confirmation by a second officer (case {case.id}; "
                f"{decided}; {reason})")  # fmt: skip
    confirmed = (f", confirmed by {case.confirmed_by} on {case.confirmed_at}"
                 if case.confirmed_by else "")  # fmt: skip
    return f"{disposition} (case {case.id}; {decided}{confirmed}; {reason})"


def _cleared_in_words(clearance: Clearance) -> str:
    by = f"decided by {clearance.actor}"
    if clearance.confirmed_by:
        by += f", confirmed by {clearance.confirmed_by}"
    case = f"case {clearance.case_id}; " if clearance.case_id else ""
    until = f", until {clearance.expires_on}" if clearance.expires_on else ""
    return (
        f"false positive, cleared earlier ({case}{by}; cleared on {clearance.created_at}{until})"
    )
