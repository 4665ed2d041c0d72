"""The ``exportguard`` command: thin. Parse arguments, call services, render.

Errors from ExportGuard print as one clear line on stderr and exit with status 2 (bad
input) or 1 (anything else we raise on purpose); ``--json`` output is stable and is the
contract other tools use.

The command modules do not use ``from __future__ import annotations``: Typer would then
evaluate every annotation string of every command at start-up (0.05 s of a one-off
``screen`` on a small machine).
"""

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from exportguard.cli.common import (
    JsonFlag,
    State,
    esc,
    make_table,
    open_service,
    out,
    parse_date,
    print_json,
    run,
    say,
    styled,
    warn,
)
from exportguard.core.thresholds import DEFAULT_THRESHOLD
from exportguard.errors import InvalidInput

if TYPE_CHECKING:
    from exportguard.services import ImportReport

app = typer.Typer(
    help="ExportGuard: export control of cyber-surveillance technology.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
lists_app = typer.Typer(
    help="Import, list and update official restricted-party lists.", no_args_is_help=True
)
app.add_typer(lists_app, name="lists")


@app.callback()
def main_options(
    db: Annotated[
        str | None, typer.Option("--db", help="Database URL (overrides EXPORTGUARD_DATABASE_URL).")
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option(
            "--actor",
            help="Who is acting, for the audit trail (default: EXPORTGUARD_ACTOR, else the "
            "operating-system user).",
        ),
    ] = None,
) -> None:
    """ExportGuard: export control of cyber-surveillance technology."""
    State.db = db
    State.actor = actor.strip() if actor and actor.strip() else None


# --- lists ----------------------------------------------------------------------------------


@lists_app.command("import")
def lists_import(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="List files or folders (format detected; folders searched recursively)."
        ),
    ] = None,
    published: Annotated[
        str | None, typer.Option(help="Publication date (YYYY-MM-DD) for files that carry none.")
    ] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Import the bundled demo list (public facts) instead.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Import official list files: each file (or OFAC CSV set) becomes one snapshot."""

    def action() -> None:
        when = parse_date(published, "published")
        service = open_service()
        if demo:
            report = service.import_demo()
        elif not paths:
            raise InvalidInput("give at least one file or folder, or --demo", field="paths")
        else:
            report = service.import_paths(paths, published=when)
        if as_json:
            print_json(
                {
                    "snapshots": [
                        r.snapshot.to_dict() | {"created": r.created, "warnings": list(r.warnings)}
                        for r in report.results
                    ],
                    "skipped": list(report.skipped),
                    "summary": report.summary(),
                    "impacts": list(report.impacts),
                }
            )
            return
        table = make_table("id", "source", "format", "published", "entries", "names", "status")
        for r in report.results:
            s = r.snapshot
            table.add_row(
                str(s.id),
                s.source,
                s.format,
                s.published.isoformat(),
                str(s.counts.get("entries", "")),
                str(s.counts.get("names", "")),
                "imported" if r.created else "unchanged",
            )
        out.print(table)
        for r in report.results:
            for warning in r.warnings:
                warn(f"note: snapshot {r.snapshot.id}: {warning}")
        for name in report.skipped:
            warn(
                f"skipped: {name}" if name.endswith(")") else f"skipped (not a list format): {name}"
            )
        if any(r.created for r in report.results):
            _print_import_summary(report)

    run(action)


def _print_import_summary(report: "ImportReport") -> None:
    """What an import set off, in one line, then each licence or application it touched."""
    n = report.summary()
    say(
        f"monitoring: {n['alerts_raised']} counterparty alert(s) raised; impact: "
        f"{n['licences_affected']} licence(s) and {n['applications_affected']} application(s) "
        f"affected, {n['reviews_queued']} review(s) queued"
        + (f", {n['licences_suspended']} licence(s) suspended" if n["licences_suspended"] else "")
    )
    for impact in report.impacts:
        for a in impact["affected"]:
            say(f"  {a['kind']} {a['id']}: {a['reason']} -> {a['proposal']}")


@lists_app.command("show")
def lists_show(
    as_json: JsonFlag = False,
) -> None:
    """List the imported snapshots (newest per source is used for screening)."""

    def action() -> None:
        service = open_service()
        snaps = service.snapshots()
        current = {s.id for s in service.snapshots_in_force()}
        if as_json:
            print_json([s.to_dict() | {"current": s.id in current} for s in snaps])
            return
        if not snaps:
            out.print("No lists imported yet. Try: exportguard lists import --demo")
            return
        table = make_table(
            "id", "source", "format", "published", "imported", "entries", "names", "status"
        )
        for s in snaps:
            status = (
                f"retired: {s.retired_reason}" if s.retired
                else "current" if s.id in current else ""
            )  # fmt: skip
            dated = s.published.isoformat() + (
                "" if s.date_rank == 2
                else " (newest listing: inferred)" if s.dated
                else " (import date: undated)"
            )  # fmt: skip
            table.add_row(
                str(s.id), s.source, s.format, dated, s.imported_at,
                str(s.counts.get("entries", "")), str(s.counts.get("names", "")), status,
            )  # fmt: skip
        out.print(table)
        if any(s.date_rank < 2 for s in snaps):
            say(
                "Snapshots dated by their import or their newest listing are used only while "
                "their source has none whose publication date is stated."
            )

    run(action)


@lists_app.command("retire")
def lists_retire(
    snapshot_id: Annotated[int, typer.Argument(metavar="SNAPSHOT")],
    reason: Annotated[str, typer.Option(help="Why (recorded in the audit trail).")],
    as_json: JsonFlag = False,
) -> None:
    """Stop screening against a snapshot (a wrong or unofficial file); kept for the record."""

    def action() -> None:
        retired = open_service().retire_snapshot(snapshot_id, reason=reason)
        if as_json:
            print_json(retired.to_dict())
        else:
            out.print(f"snapshot {retired.id} ({retired.source}) retired: {reason}")

    run(action)


@lists_app.command("diff")
def lists_diff(
    old: Annotated[int, typer.Argument(metavar="FROM", help="The older snapshot id.")],
    new: Annotated[int, typer.Argument(metavar="TO", help="The newer snapshot id.")],
    limit: Annotated[int, typer.Option(help="Entries shown per kind of change.", min=1)] = 50,
    as_json: JsonFlag = False,
) -> None:
    """Entries added, removed and changed between two snapshots of one list, and what
    changed in each changed entry, field by field."""

    def action() -> None:
        diff = open_service().snapshot_diff(old, new)
        if as_json:
            print_json(diff)
            return
        out.print(
            f"{diff['source']}: {diff['from']['published']} -> {diff['to']['published']}: "
            f"{len(diff['added'])} added, {len(diff['removed'])} removed, "
            f"{len(diff['changed'])} changed",
            highlight=False,
        )
        for kind in ("added", "removed", "changed"):
            for e in diff[kind][:limit]:
                say(f"  {kind[0].upper()} {e['id']} {e['name']}")
                for c in e.get("changes", []):
                    before, after = _differing(c["before"], c["after"])
                    say(f"      {c['field']}: {before} -> {after}")
            if len(diff[kind]) > limit:
                say(f"  ... {len(diff[kind]) - limit} more {kind} (--limit, or --json)")

    run(action)


def _differing(before: Any, after: Any, width: int = 70) -> tuple[str, str]:
    """Both values in a line each, cut around where they first differ (two long remarks
    that differ near the end must not print as the same prefix twice)."""
    a, b = (_short(v, 10**6) for v in (before, after))
    if len(a) <= width and len(b) <= width:
        return a, b
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    start = max(0, start - 20)

    def window(text: str) -> str:
        piece = text[start : start + width - 2]
        return ("…" if start else "") + piece + ("…" if start + width - 2 < len(text) else "")

    return window(a), window(b)


def _short(value: Any, width: int = 70) -> str:
    text = "-" if value in (None, [], "") else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"


@lists_app.command("update")
def lists_update(
    feed: Annotated[
        list[str] | None,
        typer.Option(help="Only these feeds (default: all). See `exportguard lists feeds`."),
    ] = None,
    feeds_file: Annotated[
        Path | None, typer.Option(help="A YAML file of feeds to use instead of the bundled ones.")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds per download.")] = 120.0,
) -> None:
    """Download the official feeds and import what changed."""

    def action() -> None:
        from exportguard.sources import download

        feeds = download.load_feeds(feeds_file) if feeds_file else download.load_feeds()
        chosen = download.select(feeds, feed or [])
        service = open_service()
        with download.HttpTransport(timeout=timeout) as transport:
            outcomes = service.update_lists(chosen, transport)
        failed = 0
        for outcome in outcomes:
            if outcome.error:
                failed += 1
                warn(f"{outcome.feed.name}: failed: {outcome.error}")
            else:
                assert outcome.report is not None
                for r in outcome.report.results:
                    status = "imported" if r.created else "unchanged"
                    out.print(
                        f"{outcome.feed.name}: snapshot {r.snapshot.id} "
                        f"({r.snapshot.source}, {r.snapshot.published}) {status}"
                    )
                if any(r.created for r in outcome.report.results):
                    _print_import_summary(outcome.report)
        if failed:
            raise typer.Exit(1)

    run(action)


@lists_app.command("feeds")
def lists_feeds() -> None:
    """Show the official feeds `lists update` downloads."""
    from exportguard.sources import download

    table = make_table("name", "what", "files")
    for f in download.load_feeds():
        table.add_row(f.name, f.description, "\n".join(x.url for x in f.files))
    out.print(table)


# --- screening ------------------------------------------------------------------------------


@app.command("screen")
def screen_command(
    name: Annotated[str, typer.Argument(help="The party's name, in any script.")],
    country: Annotated[str | None, typer.Option(help="Country (ISO code or name).")] = None,
    type: Annotated[
        str | None, typer.Option("--type", help="person | organization | vessel | aircraft")
    ] = None,
    birth_date: Annotated[str | None, typer.Option(help="YYYY[-MM[-DD]] for persons.")] = None,
    identifier: Annotated[
        list[str] | None, typer.Option(help="Passport, registration or IMO number (repeatable).")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(help="Screen against the lists as they stood on this date (YYYY-MM-DD)."),
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many hits shown.")] = 10,
    threshold: Annotated[float, typer.Option(help="Lowest score reported.")] = DEFAULT_THRESHOLD,
    source: Annotated[
        list[str] | None,
        typer.Option(help="Only this list source, e.g. us_ofac_sdn (repeatable)."),
    ] = None,
    list_name: Annotated[
        list[str] | None,
        typer.Option(
            "--list", help="Only lists whose name contains this text, e.g. 'Entity List'."
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Screen one party against every imported list (as of today unless --as-of)."""

    def action() -> None:
        when = parse_date(as_of, "as_of")
        service = open_service()
        result = service.screen(
            name,
            country=country,
            type=type,
            birth_date=birth_date,
            identifiers=identifier or [],
            as_of=when,
            limit=limit,
            threshold=threshold,
            sources=source or None,
            lists=list_name or None,
        )
        if as_json:
            print_json(result.to_dict())
            return
        _render_screening(result.to_dict())

    run(action)


#: How many characters of a hit's remarks the text output shows (all of them in --json).
_REMARKS_SHOWN = 300


def _shortened(text: str, limit: int) -> str:
    """``text`` on one line (white space collapsed), cut to its first ``limit``
    characters with "…" when longer."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit].rstrip() + "…"


def _render_screening(data: dict[str, Any]) -> None:
    q = data["query"]
    scope = f"entries in force on {data['as_of']}"
    if data["sources"]:
        scope += ", sources " + ", ".join(data["sources"])
    if data["lists"]:
        scope += ", lists containing " + " or ".join(repr(x) for x in data["lists"])
    what = []
    if q["name"]:
        what.append(f"[bold]{esc(q['name'])}[/] (normalised: {esc(q['normalised'])})")
    if q["identifiers"]:
        ids = ", ".join(q["identifiers"])
        what.append(f"{'with ' if q['name'] else ''}identifier(s) [bold]{esc(ids)}[/]")
    styled(
        f"Screening {' '.join(what)} against "
        f"{len(data['snapshots'])} list snapshot(s), {esc(scope)}, threshold "
        f"{data['threshold']:.2f}"
    )
    for snap in data["snapshots"]:
        if snap.get("date_basis") in ("newest-listing", "import-date"):
            warn(
                f"note: snapshot {snap['id']} ({snap['source']}) states no publication date: "
                f"dated {snap['published']} by its {snap['date_basis'].replace('-', ' ')}"
            )
    if not data["snapshots"]:
        styled(
            "[yellow]No lists imported: nothing was screened. "
            "Try: exportguard lists import --demo[/]"
        )
        return
    if not data["hits"]:
        styled("[green]No hit.[/]")
        return
    total, shown = data["total_hits"], data["shown"]
    if total > shown:
        say(f"{total} hits, {shown} shown (--limit {shown}); the rest score lower.")
    else:
        say(f"{total} hit(s).")
    for hit in data["hits"]:
        styled(
            f"\n[bold]{hit['rank']}. {hit['score']:.3f}  {esc(hit['name'])}[/]  "
            f"({esc(hit['type'])}, {esc(hit['entity_id'])})"
        )
        say(f"   list: {hit['list_name']}")
        if hit["matched_name"] != hit["name"]:
            say(f"   matched alias: {hit['matched_name']}")
        facts = []
        if hit["programs"]:
            facts.append("programs: " + "; ".join(hit["programs"]))
        if hit["countries"]:
            facts.append("countries: " + ", ".join(hit["countries"]))
        facts.append(f"listed from {hit['listed_from'] or 'an unpublished date'}")
        facts.append(f"until {hit['listed_until']}" if hit["listed_until"] else "no end date")
        if len(hit["rows"]) > 1:
            facts.append(f"one listing over {len(hit['rows'])} rows: {', '.join(hit['rows'])}")
        if hit["citation"]:
            facts.append(hit["citation"])
        if facts:
            say("   " + " | ".join(facts))
        if hit["licence_requirement"] or hit["licence_policy"]:
            say(
                f"   licence requirement: {hit['licence_requirement'] or '-'}; "
                f"policy: {hit['licence_policy'] or '-'}"
            )
        for doc in hit.get("documents") or []:
            say("   document: " + _document_line(doc))
        for detail in hit.get("details") or []:
            say(f"   {detail['label']}: {detail['value']}")
        remarks = (hit.get("entry") or {}).get("remarks")
        if remarks:
            say("   remarks: " + _shortened(remarks, _REMARKS_SHOWN))
        out.print("   why:", highlight=False)
        for f in hit["explanation"]:
            say(f"     {f['feature']:<11} {f['contribution']:+.3f}  {f['detail']}")


def _document_line(doc: dict[str, Any]) -> str:
    """One identifier of a hit on one line: kind (the list's label), number, country,
    dates, issuer, place, flags, note."""
    head = doc["kind"] + (f" ({doc['label']})" if doc.get("label") else "")
    parts = [f"{head} {doc['value']}"]
    if doc.get("published"):
        parts.append(f"published as {doc['published']!r}")
    for key, label in (
        ("country", "country"), ("issue_date", "issued"), ("expiry_date", "expires"),
        ("stated_date", "date (issue or expiry)"), ("authority", "issued by"),
        ("place", "issued in"),
    ):  # fmt: skip
        if doc.get(key):
            parts.append(f"{label} {doc[key]}")
    if doc.get("known_expired"):
        parts.append("known expired")
    if doc.get("invalid"):
        parts.append("not valid")
    if doc.get("note"):
        parts.append(f"note: {doc['note']}")
    return "; ".join(parts)


@app.command("screen-batch")
def screen_batch_command(
    input: Annotated[Path, typer.Argument(help="CSV with a header: id,name[,country,type].")],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV of hits to write.")],
    threshold: Annotated[float, typer.Option(help="Lowest score reported.")] = DEFAULT_THRESHOLD,
    limit: Annotated[int, typer.Option(help="At most this many hits per row.")] = 10,
    as_of: Annotated[str | None, typer.Option(help="Lists as of this date.")] = None,
    workers: Annotated[
        int,
        typer.Option(
            help="Worker processes: 1 screens in this process, more start a local Dask cluster."
        ),
    ] = 1,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Address of a running Dask scheduler (tcp://host:8786) to send "
            "the work to; its workers must reach the same database."
        ),
    ] = None,
) -> None:
    """Screen every row of a CSV file; write one output row per hit."""

    def action() -> None:
        from exportguard.batch import local

        when = parse_date(as_of, "as_of")
        service = open_service()
        rows = local.read_input(input)
        progress = sys.stderr.isatty()
        count = local.run(
            service,
            rows,
            output,
            threshold=threshold,
            limit=limit,
            as_of=when,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
        )
        warn(f"screened {len(rows)} row(s); wrote {count} line(s) to {output}")

    run(action)


from exportguard.cli import (  # noqa: E402 - register
    amendments,
    audit,
    cases,
    counterparties,
    decisions,
    hit_cases,
    service,
)

__all__ = [
    "amendments",
    "app",
    "audit",
    "cases",
    "counterparties",
    "decisions",
    "hit_cases",
    "main",
    "service",
]


def main() -> None:
    """Console-script entry point."""
    app()
