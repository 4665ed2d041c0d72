"""The audit trail: record, verify, and screening certificates.

Every screening, decision, licence event, list import, counterparty change, clearance and
misuse report is recorded in the same transaction as the action, as one link of a hash
chain (``core.audit``). ``verify`` re-computes the chain; ``certificate`` renders a
self-contained HTML document for one screening, with the record's hash and a digest of
the document itself, so an auditor can check both.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from exportguard.core.audit import AuditRecord, Problem, verify
from exportguard.errors import InvalidInput, NotFound
from exportguard.store import audit as audit_store

if TYPE_CHECKING:
    from exportguard.services import ExportGuard


@dataclass(frozen=True, slots=True)
class Verification:
    records: int
    head: tuple[int, str] | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "records": self.records,
            "head": {"seq": self.head[0], "hash": self.head[1]} if self.head else None,
            "problems": [{"seq": p.seq, "what": p.what} for p in self.problems],
        }


class Audit:
    """Audit use cases, reached as ``ExportGuard.audit``."""

    def __init__(self, app: ExportGuard) -> None:
        self.app = app

    def record(
        self, conn: Connection, kind: str, subject: str, payload: Mapping[str, Any]
    ) -> AuditRecord:
        """Append one record in the caller's (write) transaction."""
        return audit_store.append(
            conn,
            at=self.app._now(),
            actor=self.app.actor,
            kind=kind,
            subject=subject,
            payload=payload,
        )

    def verify(self) -> Verification:
        with self.app.engine.connect() as conn:
            head = audit_store.head(conn)
            records = list(audit_store.records(conn))
        return Verification(len(records), head, tuple(verify(records, head)))

    def records(self, *, kind: str | None = None, subject: str | None = None) -> list[AuditRecord]:
        with self.app.engine.connect() as conn:
            return list(audit_store.records(conn, kind=kind, subject=subject))

    def get(self, seq: int) -> AuditRecord:
        with self.app.engine.connect() as conn:
            found = audit_store.get(conn, seq)
        if found is None:
            raise NotFound(f"no audit record {seq}")
        return found

    def certificate(self, seq: int) -> tuple[str, str]:
        """A screening certificate for audit record ``seq``: (HTML, its SHA-256)."""
        record = self.get(seq)
        if record.kind != "screening":
            raise InvalidInput(
                f"audit record {seq} is a {record.kind}, not a screening", field="seq"
            )
        verification = self.verify()
        document = render_certificate(record, verification)
        return document, hashlib.sha256(document.encode()).hexdigest()


def render_certificate(record: AuditRecord, verification: Verification) -> str:
    """The certificate as one HTML page (no external resources)."""
    p = record.payload
    query = p.get("query", {})
    rows = "".join(
        f"<tr><td>{h['rank']}</td><td>{_e(h['name'])}</td><td>{_e(h['list_name'])}</td>"
        f"<td>{_e(h['entity_id'])}</td><td>{h['score']:.3f}</td><td>{_e(h['matched_name'])}</td>"
        "</tr>"
        for h in p.get("hits", [])
    )
    snapshots = "".join(
        f"<tr><td>{s['id']}</td><td>{_e(s['source'])}</td><td>{_e(s['published'])}</td>"
        f"<td><code>{_e(s['content_hash'])}</code></td></tr>"
        for s in p.get("snapshots", [])
    )
    result = (
        f"{len(p.get('hits', []))} possible match(es) at or above the threshold"
        if p.get("hits")
        else "no match at or above the threshold"
    )
    chain = (
        "intact"
        if verification.ok
        else "BROKEN: " + "; ".join(str(x) for x in verification.problems)
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Screening certificate {record.seq}</title>
<style>body{{font-family:sans-serif;max-width:60rem;margin:2rem auto;line-height:1.4}}
table{{border-collapse:collapse;width:100%}}td,th{{border:1px solid #999;padding:.3rem;
text-align:left}}code{{font-size:.8rem;word-break:break-all}}</style></head>
<body>
<h1>Restricted-party screening certificate</h1>
<p>ExportGuard audit record <strong>{record.seq}</strong>.</p>
<table>
<tr><th>Screened party</th><td>{_e(query.get("name", ""))}</td></tr>
<tr><th>Qualifiers</th><td>country {_e(query.get("country") or "-")}, type
{_e(query.get("type") or "-")}, birth date {_e(query.get("birth_date") or "-")}</td></tr>
<tr><th>Screened by</th><td>{_e(record.actor)}</td></tr>
<tr><th>Screened at</th><td>{_e(record.at)} (lists as of {_e(p.get("as_of") or "that day")})
</td></tr>
<tr><th>Threshold</th><td>{p.get("threshold")}</td></tr>
<tr><th>Result</th><td><strong>{_e(result)}</strong></td></tr>
</table>
<h2>Lists screened against</h2>
<table><tr><th>snapshot</th><th>list</th><th>published</th><th>content hash (SHA-256)</th></tr>
{snapshots}</table>
<h2>Matches</h2>
<table><tr><th>#</th><th>listed name</th><th>list</th><th>entry</th><th>score</th>
<th>matched name</th></tr>{rows or '<tr><td colspan="6">none</td></tr>'}</table>
<h2>Integrity</h2>
<p>Record hash <code>{record.hash}</code>, linked to the previous record
<code>{record.prev_hash}</code>. At issue the audit chain of {verification.records}
records was <strong>{_e(chain)}</strong>. Check with <code>exportguard audit verify</code>
and <code>exportguard audit show {record.seq}</code>.</p>
</body></html>
"""


def _e(value: object) -> str:
    return html.escape(str(value))
