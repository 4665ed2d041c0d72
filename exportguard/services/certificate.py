"""The screening certificate: one audit record of a screening, with what it was screened
against and the state of the audit chain when issued, as one self-contained HTML page."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING

from exportguard.services.snapshots import list_names

if TYPE_CHECKING:
    from exportguard.core.audit import AuditRecord
    from exportguard.services.audit import Verification


def render_certificate(
    record: AuditRecord,
    verification: Verification,
    dispositions: Mapping[str, str] | None = None,
    issued_at: str | None = None,
) -> str:
    """The certificate as one HTML page (no external resources); ``dispositions``: each
    hit's review in words, by entry id (``Cases.dispositions``), as at ``issued_at``."""
    p = record.payload
    query = p.get("query", {})
    said = dispositions or {}
    rows = "".join(
        f"<tr><td>{h['rank']}</td><td>{_e(h['name'])}</td><td>{_e(h['list_name'])}</td>"
        f"<td>{_e(h['entity_id'])}</td><td>{h['score']:.3f}</td><td>{_e(h['matched_name'])}</td>"
        f"<td>{_e(said.get(h['entity_id'], 'not reviewed'))}</td></tr>"
        for h in p.get("hits", [])
    )
    names = list_names()
    snapshots = "".join(
        f"<tr><td>{s['id']}</td><td>{_e(names.get(s['source'], s['source']))}</td>"
        f"<td>{_e(s['published'])}</td>"
        f"<td><code>{_e(s['content_hash'])}</code></td></tr>"
        for s in p.get("snapshots", [])
    )
    result = (
        f"{len(p.get('hits', []))} possible match(es) at or above the threshold"
        if p.get("hits")
        else "no match at or above the threshold"
    )
    notes = "".join(f"<li>{_e(w)}</li>" for w in p.get("warnings") or [])
    notes_block = (
        f"<h2>Notes on the lists</h2><ul class=\"notes\">{notes}</ul>" if notes else ""
    )
    after = verification.records - 1
    checked = (
        "this record" if after < 1
        else f"this record and the {after} after it" if after > 1
        else "this record and the one after it"
    )  # fmt: skip
    chain = (
        ("intact and anchored by a signed checkpoint" if verification.anchored
         else "intact up to the chain's head (not yet anchored by a signed checkpoint)")
        if verification.ok
        else "BROKEN: " + "; ".join(str(x) for x in verification.problems)
    )  # fmt: skip
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
{notes_block}
<h2>Matches</h2>
<p>Each match's disposition as it stands at issue{_e(f" ({issued_at})") if issued_at else ""}:
who decided it and, where four-eyes applies (a true match; a false positive on a sanctions
listing), the second officer who confirmed it.</p>
<table><tr><th>#</th><th>listed name</th><th>list</th><th>entry</th><th>score</th>
<th>matched name</th><th>disposition</th></tr>
{rows or '<tr><td colspan="7">none</td></tr>'}</table>
<h2>Integrity</h2>
<p>Record hash <code>{record.hash}</code>, linked to the previous record
<code>{record.prev_hash}</code>. At issue {checked} {"was" if after < 1 else "were"}
<strong>{_e(chain)}</strong>. Check with <code>exportguard audit verify</code>
and <code>exportguard audit show {record.seq}</code>.</p>
</body></html>
"""


def _e(value: object) -> str:
    return html.escape(str(value))
