"""The record pages: list snapshots (each with its freshness) and what changed between two,
the audit trail, and the glossary of the pages' words. Long tables come a page at a time
with their filters, and as CSV (``web.paging``); a refused request comes back to its page
with the message naming the field."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, NotRequired, cast
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from exportguard.core.list_records import EntryBriefJson, FieldChange, SnapshotDiffJson
from exportguard.core.permissions import allowed
from exportguard.edge.auth import Caller
from exportguard.edge.errors import status_of
from exportguard.errors import ExportGuardError, InvalidInput
from exportguard.services.screening import set_aside_note
from exportguard.web import vocabulary
from exportguard.web.common import guard, page, parse_date, parse_whole, read_form
from exportguard.web.paging import Pager, csv_response, pager, wants_csv

#: Rows of a list diff and audit records on one page.
DIFF_PAGE = 50
AUDIT_PAGE = 50
#: The kinds of a list diff's rows, as the filter offers them.
DIFF_KINDS = ("added", "removed", "changed")


# --- lists ---------------------------------------------------------------------------------


def _lists(
    request: Request, who: Caller, status: int = 200, error: str | None = None,
    **context: Any,
) -> HTMLResponse:  # fmt: skip
    in_force, aside = who.service.in_force_and_set_aside()
    return page(request, "lists.html", who, status, snapshots=who.service.snapshots(),
                current={s.id for s in in_force},
                not_screened={newer.id: set_aside_note(newer, used) for newer, used in aside},
                may_retire=allowed(who.actor, "import_lists"), error=error, kinds=DIFF_KINDS,
                message=request.query_params.get("message"),
                filters=context.pop("filters", {}), **context)  # fmt: skip


async def retire_page(request: Request) -> Response:
    """An admin retires a snapshot (with a reason): it is no longer screened against, and
    stays stored for replays (``ExportGuard.retire_snapshot``, audited); back to the lists
    with what was done, or with the refusal on the page."""
    who = await guard(request, "import_lists")
    if isinstance(who, Response):
        return who
    form = await read_form(request)
    try:
        snapshot_id = parse_whole(request.path_params["snapshot_id"], "snapshot")
        done = who.service.retire_snapshot(snapshot_id, reason=form.get("reason", ""))
    except ExportGuardError as exc:
        return _lists(request, who, status_of(exc), error=str(exc), filters={})
    said = quote(f"Snapshot {done.id} ({done.source}) retired: no longer screened against")
    return RedirectResponse(f"/lists?message={said}", status_code=303)


class DiffRow(EntryBriefJson):
    """A row of a snapshot diff: an entry, how it changed (``kind``: added, removed or
    changed) and, changed, its changes field by field."""

    kind: str
    changes: NotRequired[list[FieldChange]]


def diff_rows(diff: SnapshotDiffJson, kind: str, text: str) -> list[DiffRow]:
    """A snapshot diff's entries as rows (``kind``: added, removed or changed; each changed
    one with its field changes), filtered by kind (empty: all) and by a text in the name
    or id (case aside)."""
    needle = text.casefold()
    groups: dict[str, Sequence[EntryBriefJson]] = {
        "added": diff["added"], "removed": diff["removed"], "changed": diff["changed"],
    }  # fmt: skip
    return [
        cast(DiffRow, {"kind": k, **e})  # a changed entry's changes with it
        for k in DIFF_KINDS if not kind or k == kind
        for e in groups[k]
        if not needle or needle in str(e.get("name", "")).casefold()
        or needle in str(e.get("id", "")).casefold()
    ]  # fmt: skip


def diff_csv_rows(rows: list[DiffRow]) -> Iterator[dict[str, str]]:
    """A diff's rows as CSV rows, one per changed field (``id``, ``name``, ``kind``,
    ``field``, ``before``, ``after``); an added or removed entry is one row without a field."""
    for r in rows:
        head = {"id": r.get("id", ""), "name": r.get("name", ""), "kind": r["kind"]}
        changes = r.get("changes") or []
        if not changes:
            yield {**head, "field": "", "before": "", "after": ""}
        for c in changes:
            yield {**head, "field": c["field"], "before": csv_value(c.get("before")),
                   "after": csv_value(c.get("after"))}  # fmt: skip


def csv_value(value: object) -> str:
    """A field's value in a CSV cell: empty for none, text and numbers as they are, lists
    and records as JSON (never a Python repr)."""
    if value is None:
        return ""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


async def lists_page(request: Request) -> Response:
    """The snapshots with their freshness; with ``from`` and ``to``, what changed between
    the two, a page at a time, filtered by ``kind`` and ``q`` (``format=csv``: all of it)."""
    who = await guard(request, "read_lists")
    if isinstance(who, Response):
        return who
    q = request.query_params
    filters = {k: q.get(k, "").strip() for k in ("from", "to", "kind", "q")}
    if not (filters["from"] and filters["to"]):
        return _lists(request, who, filters=filters)
    try:
        if filters["kind"] and filters["kind"] not in DIFF_KINDS:
            raise InvalidInput(f"choose one of {', '.join(DIFF_KINDS)}", field="kind")
        who.service.accounts.throttle(who.actor.username, "lists_diff")
        diff = who.service.snapshot_diff(
            parse_whole(filters["from"], "from"), parse_whole(filters["to"], "to")
        )
        rows = diff_rows(diff, filters["kind"], filters["q"])
        if wants_csv(request):
            return csv_response(
                f"diff-{diff['from']['id']}-{diff['to']['id']}.csv",
                ("id", "name", "kind", "field", "before", "after"), diff_csv_rows(rows),
            )  # fmt: skip
        at = pager(request, len(rows), DIFF_PAGE, filters)
    except ExportGuardError as exc:
        return _lists(request, who, status_of(exc), error=str(exc), filters=filters)
    return _lists(request, who, filters=filters, diff=diff, pager=at,
                  rows=rows[at.offset:at.offset + at.size])  # fmt: skip


# --- audit ---------------------------------------------------------------------------------


async def audit_page(request: Request) -> Response:
    """The audit trail, newest first, a page at a time, filtered by kind, actor and days
    (``from``, ``to``); ``format=csv`` gives every matching record; ``verify=1`` checks the
    whole chain (throttled)."""
    who = await guard(request, "read_audit")
    if isinstance(who, Response):
        return who
    q = request.query_params
    filters = {k: q.get(k, "").strip() for k in ("kind", "actor", "from", "to")}
    context: dict[str, Any] = {"filters": filters, "verification": None, "records": []}
    try:
        chosen: dict[str, Any] = {
            "kind": filters["kind"] or None, "actor": filters["actor"] or None,
            "since": parse_date(filters["from"], "from"), "until": parse_date(filters["to"], "to"),
        }  # fmt: skip
        if wants_csv(request):
            return csv_response("audit.csv", ("seq", "at", "actor", "kind", "subject", "hash"),
                                _all_records(who, chosen))  # fmt: skip
        _, total = who.service.audit.page(limit=1, **chosen)
        at = context["pager"] = pager(request, total, AUDIT_PAGE, filters)
        context["records"] = who.service.audit.page(
            limit=AUDIT_PAGE, offset=at.offset, newest_first=True, **chosen
        )[0]
        # Re-computing the whole chain is O(chain): on request only, never on every view.
        if q.get("verify"):
            who.service.accounts.throttle(who.actor.username, "audit_verify")
            context["verification"] = who.service.audit.verify()
    except ExportGuardError as exc:
        context.setdefault("pager", Pager("/audit", 1, AUDIT_PAGE, 0, filters))
        return page(request, "audit.html", who, status_of(exc), error=str(exc), **context)
    return page(request, "audit.html", who, **context)


def _all_records(who: Caller, chosen: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every matching record, oldest first, read a thousand at a time."""
    offset = 0
    while True:
        records, _ = who.service.audit.page(limit=1000, offset=offset, **chosen)
        for r in records:
            yield {"seq": r.seq, "at": r.at, "actor": r.actor, "kind": r.kind,
                   "subject": r.subject, "hash": r.hash}  # fmt: skip
        if len(records) < 1000:
            return
        offset += 1000


# --- glossary ------------------------------------------------------------------------------


async def glossary_page(request: Request) -> Response:
    """Every word the pages use for a code, with its meaning."""
    who = await guard(request)
    if isinstance(who, Response):
        return who
    return page(request, "glossary.html", who, tables=vocabulary.tables())


ROUTES: tuple[tuple[str, list[str], Any], ...] = (
    ("/lists", ["GET"], lists_page), ("/lists/{snapshot_id}/retire", ["POST"], retire_page),
    ("/audit", ["GET"], audit_page),
    ("/glossary", ["GET"], glossary_page),
)  # fmt: skip
