"""Commands for official lists: import, show, retire, diff, update from the feeds."""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from exportguard.cli import app
from exportguard.cli.common import (
    JsonFlag,
    make_table,
    open_service,
    out,
    parse_date,
    print_json,
    run,
    say,
    warn,
)
from exportguard.errors import InvalidInput

if TYPE_CHECKING:
    from exportguard.services import ImportReport

lists_app = typer.Typer(
    help="Import, list and update official restricted-party lists.", no_args_is_help=True
)
app.add_typer(lists_app, name="lists")


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
                        r.snapshot.to_dict()
                        | {"created": r.created, "redated": r.redated,
                           "warnings": list(r.warnings)}
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
                "imported" if r.created else "re-dated" if r.redated else "unchanged",
            )
        out.print(table)
        for r in report.results:
            for warning in r.warnings:
                warn(f"note: snapshot {r.snapshot.id}: {warning}")
        for name in report.skipped:
            warn(
                f"skipped: {name}" if name.endswith(")") else f"skipped (not a list format): {name}"
            )
        if any(r.created or r.redated for r in report.results):
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
        changes = {e["id"]: e["changes"] for e in diff["changed"]}
        groups = (("added", diff["added"]), ("removed", diff["removed"]),
                  ("changed", diff["changed"]))  # fmt: skip
        for kind, entries in groups:
            for e in entries[:limit]:
                say(f"  {kind[0].upper()} {e['id']} {e['name']}")
                for c in changes.get(e["id"], []) if kind == "changed" else []:
                    before, after = _differing(c["before"], c["after"])
                    say(f"      {c['field']}: {before} -> {after}")
            if len(entries) > limit:
                say(f"  ... {len(entries) - limit} more {kind} (--limit, or --json)")

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
