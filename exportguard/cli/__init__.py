"""The ``exportguard`` command: thin. Parse arguments, call services, render.

Errors from ExportGuard print as one clear line on stderr and exit with status 2 (bad
input) or 1 (anything else we raise on purpose); ``--json`` output is stable and is the
contract other tools use.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from exportguard.cli.common import State, err, make_table, open_service, out, parse_date, run
from exportguard.core.thresholds import DEFAULT_THRESHOLD
from exportguard.errors import InvalidInput

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
) -> None:
    """ExportGuard: export control of cyber-surveillance technology."""
    State.db = db


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
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
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
            out.print_json(
                json.dumps(
                    {
                        "snapshots": [
                            _snapshot_dict(r.snapshot)
                            | {"created": r.created, "warnings": list(r.warnings)}
                            for r in report.results
                        ],
                        "skipped": list(report.skipped),
                    }
                )
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
                err.print(f"note: snapshot {r.snapshot.id}: {warning}", markup=False)
        for name in report.skipped:
            err.print(f"skipped (not a list format): {name}", markup=False)

    run(action)


@lists_app.command("show")
def lists_show(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List the imported snapshots (newest per source is used for screening)."""

    def action() -> None:
        service = open_service()
        snaps = service.snapshots()
        current = {s.id for s in service.snapshots_in_force()}
        if as_json:
            out.print_json(
                json.dumps([_snapshot_dict(s) | {"current": s.id in current} for s in snaps])
            )
            return
        if not snaps:
            out.print("No lists imported yet. Try: exportguard lists import --demo")
            return
        table = make_table(
            "id", "source", "format", "published", "imported", "entries", "names", "current"
        )
        for s in snaps:
            table.add_row(
                str(s.id),
                s.source,
                s.format,
                s.published.isoformat(),
                s.imported_at,
                str(s.counts.get("entries", "")),
                str(s.counts.get("names", "")),
                "yes" if s.id in current else "",
            )
        out.print(table)

    run(action)


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
            outcomes = download.update(service, chosen, transport)
        failed = 0
        for outcome in outcomes:
            if outcome.error:
                failed += 1
                err.print(f"{outcome.feed.name}: failed: {outcome.error}", markup=False)
            else:
                assert outcome.report is not None
                for r in outcome.report.results:
                    status = "imported" if r.created else "unchanged"
                    out.print(
                        f"{outcome.feed.name}: snapshot {r.snapshot.id} "
                        f"({r.snapshot.source}, {r.snapshot.published}) {status}"
                    )
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


def _snapshot_dict(s: Any) -> dict[str, Any]:
    return {
        "id": s.id,
        "source": s.source,
        "format": s.format,
        "published": s.published.isoformat(),
        "imported_at": s.imported_at,
        "content_hash": s.content_hash,
        "files": list(s.files),
        "counts": dict(s.counts),
    }


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
    limit: Annotated[int, typer.Option(help="At most this many hits.")] = 10,
    threshold: Annotated[float, typer.Option(help="Lowest score reported.")] = DEFAULT_THRESHOLD,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Screen one party against every imported list."""

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
        )
        if as_json:
            out.print_json(json.dumps(result.to_dict(), ensure_ascii=False))
            return
        _render_screening(result.to_dict())

    run(action)


def _render_screening(data: dict[str, Any]) -> None:
    q = data["query"]
    scope = f"as of {data['as_of']}" if data["as_of"] else "current lists"
    out.print(
        f"Screening [bold]{q['name']}[/] (normalised: {q['normalised']}) against "
        f"{len(data['snapshots'])} list snapshot(s), {scope}, threshold "
        f"{data['threshold']:.2f}"
    )
    if not data["snapshots"]:
        out.print(
            "[yellow]No lists imported: nothing was screened. "
            "Try: exportguard lists import --demo[/]"
        )
        return
    if not data["hits"]:
        out.print("[green]No hit.[/]")
        return
    for hit in data["hits"]:
        out.print(
            f"\n[bold]{hit['rank']}. {hit['score']:.3f}  {hit['name']}[/]  "
            f"({hit['type']}, {hit['entity_id']})",
            highlight=False,
        )
        out.print(f"   list: {hit['list_name']}", markup=False, highlight=False)
        if hit["matched_name"] != hit["name"]:
            out.print(f"   matched alias: {hit['matched_name']}", markup=False, highlight=False)
        facts = []
        if hit["programs"]:
            facts.append("programs: " + "; ".join(hit["programs"]))
        if hit["countries"]:
            facts.append("countries: " + ", ".join(hit["countries"]))
        if hit["listed_from"]:
            facts.append(f"listed from {hit['listed_from']}")
        if hit["citation"]:
            facts.append(hit["citation"])
        if facts:
            out.print("   " + " | ".join(facts), markup=False, highlight=False)
        if hit["licence_requirement"] or hit["licence_policy"]:
            out.print(
                f"   licence requirement: {hit['licence_requirement'] or '-'}; "
                f"policy: {hit['licence_policy'] or '-'}",
                markup=False,
                highlight=False,
            )
        out.print("   why:", highlight=False)
        for f in hit["explanation"]:
            out.print(
                f"     {f['feature']:<11} {f['contribution']:+.3f}  {f['detail']}",
                markup=False,
                highlight=False,
            )


@app.command("screen-batch")
def screen_batch_command(
    input: Annotated[Path, typer.Argument(help="CSV with a header: id,name[,country,type].")],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV of hits to write.")],
    threshold: Annotated[float, typer.Option(help="Lowest score reported.")] = DEFAULT_THRESHOLD,
    limit: Annotated[int, typer.Option(help="At most this many hits per row.")] = 10,
    as_of: Annotated[str | None, typer.Option(help="Lists as of this date.")] = None,
    workers: Annotated[int, typer.Option(help="Processes to use (1: this one).")] = 1,
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
            progress=progress,
        )
        err.print(f"screened {len(rows)} row(s); wrote {count} line(s) to {output}", markup=False)

    run(action)


# --- decisions and regimes ---------------------------------------------------------------------

regimes_app = typer.Typer(help="Export-control regimes as versioned data.", no_args_is_help=True)
app.add_typer(regimes_app, name="regimes")
decision_app = typer.Typer(help="Stored decisions: show and replay.", no_args_is_help=True)
app.add_typer(decision_app, name="decision")


@app.command("decide")
def decide_command(
    item: Annotated[
        list[str],
        typer.Option(
            help="Control entry (4A005, 4D004, 5A001.j, EAR99, unlisted-cyber-surveillance); "
            "repeatable."
        ),
    ],
    to: Annotated[str, typer.Option(help="Destination country (ISO code or name).")],
    regime: Annotated[
        list[str] | None,
        typer.Option(help="il-deca, us-ear, eu-dual-use (repeatable; default: all)."),
    ] = None,
    end_user: Annotated[str | None, typer.Option(help="End user's name (screened).")] = None,
    end_user_type: Annotated[
        str | None,
        typer.Option(
            help="government, law-enforcement, intelligence, military, government-owned, "
            "non-government, individual."
        ),
    ] = None,
    end_use: Annotated[
        str | None,
        typer.Option(
            help="law-enforcement, counter-terrorism, criminal-investigation, "
            "vulnerability-disclosure, incident-response, penetration-testing, research, "
            "product-development, unauthorized-access, internal-repression, "
            "human-rights-violation, other."
        ),
    ] = None,
    party: Annotated[
        list[str] | None,
        typer.Option(help="Other party (consignee, intermediary): screened; repeatable."),
    ] = None,
    authority_informed: Annotated[
        bool,
        typer.Option(
            "--authority-informed", help="The authority has informed the exporter (EU Art. 5(1))."
        ),
    ] = False,
    on: Annotated[
        str | None,
        typer.Option("--date", help="Decide as of this date (YYYY-MM-DD; default today)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Decide an export: a verdict per regime and overall, with every reason."""

    def action() -> None:
        service = open_service()
        when = parse_date(on, "date") or service.clock().date()
        decision = service.decisions.decide(
            items=item,
            to=to,
            on=when,
            regimes=regime or [],
            end_user=end_user,
            end_user_type=end_user_type,
            end_use=end_use,
            parties=party or [],
            authority_informed=authority_informed,
        )
        if as_json:
            out.print_json(json.dumps(decision.to_dict(), ensure_ascii=False))
            return
        _render_decision(decision.to_dict())

    run(action)


def _render_decision(data: dict[str, Any]) -> None:
    req = data["request"]
    out.print(
        f"[bold]{data['verdict'].upper()}[/]  {', '.join(req['items'])} to "
        f"{req['destination']} on {req['date']}"
        + (f" for {req['end_user']}" if req["end_user"] else "")
        + f"   (decision {data['decision_id']})",
        highlight=False,
    )
    for regime in data["regimes"]:
        extra = []
        if regime["exception"]:
            extra.append(f"exception {regime['exception']}")
        if regime["review_policy"]:
            extra.append(f"review policy: {regime['review_policy']}")
        out.print(
            f"\n[bold]{regime['id']}[/] ({regime['revision']}): {regime['verdict']}"
            + (f" - {'; '.join(extra)}" if extra else ""),
            highlight=False,
        )
        for reason in regime["reasons"]:
            verdict = reason["verdict"] or "note"
            out.print(f"  - [{verdict}] {reason['text']}", markup=False, highlight=False)
            out.print(
                f"      rule {reason['rule']}; source: {reason['source']}; certainty "
                f"{reason['certainty']}",
                markup=False,
                highlight=False,
            )
        for condition in regime["conditions"]:
            out.print(f"  condition: {condition}", markup=False, highlight=False)


@decision_app.command("show")
def decision_show(decision_id: str) -> None:
    """Show a stored decision (JSON)."""
    run(
        lambda: out.print_json(
            json.dumps(open_service().decisions.decision(decision_id), ensure_ascii=False)
        )
    )


@decision_app.command("replay")
def decision_replay(
    decision_id: str,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Re-run a stored decision with the regime revisions and list snapshots it used."""

    def action() -> None:
        service = open_service()
        stored = service.decisions.decision(decision_id)["result"]
        again = service.decisions.replay(decision_id).to_dict()
        same = again["verdict"] == stored["verdict"] and again["regimes"] == stored["regimes"]
        if as_json:
            out.print_json(json.dumps({"same": same, "decision": again}, ensure_ascii=False))
        else:
            _render_decision(again)
            out.print(
                "\nreproduces the stored decision"
                if same
                else "\n[red]differs from the stored decision[/]"
            )
        if not same:
            raise typer.Exit(1)

    run(action)


@regimes_app.command("list")
def regimes_list(
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The regimes and their current revisions."""

    def action() -> None:
        found = open_service().decisions.regimes().values()
        if as_json:
            out.print_json(
                json.dumps(
                    [
                        {
                            "id": r.id,
                            "name": r.name,
                            "revision": r.revision,
                            "digest": r.digest,
                            "covers_from": r.covers_from.isoformat(),
                            "rules": len(r.rules),
                            "facts": len(r.facts),
                        }
                        for r in found
                    ]
                )
            )
            return
        table = make_table("id", "revision", "digest", "covers from", "rules", "facts", "name")
        for r in found:
            table.add_row(
                r.id,
                r.revision,
                r.digest,
                r.covers_from.isoformat(),
                str(len(r.rules)),
                str(len(r.facts)),
                r.name,
            )
        out.print(table)

    run(action)


@regimes_app.command("show")
def regimes_show(
    regime_id: Annotated[str, typer.Argument(metavar="ID")],
    as_of: Annotated[str | None, typer.Option(help="As it stood on this date.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """A regime as of a date: country sets, rules in force, facts with sources."""

    def action() -> None:
        view = open_service().decisions.regime_view(regime_id, parse_date(as_of, "as_of"))
        if as_json:
            out.print_json(json.dumps(view, ensure_ascii=False))
            return
        out.print(
            f"[bold]{view['name']}[/] ({view['id']} {view['revision']}) as of {view['as_of']}",
            highlight=False,
        )
        for name, s in view["country_sets"].items():
            if s is None:
                out.print(f"  {name}: none in force", markup=False)
                continue
            known = "" if s["complete"] else " (known members only)"
            out.print(
                f"  {name}: {s['version']}{known} [{s['certainty']}]: {' '.join(s['members'])}",
                markup=False,
                highlight=False,
            )
        out.print("  rules in force:")
        for rule in view["rules"]:
            out.print(
                f"    {rule['id']} ({rule['kind']}): {rule['text']}", markup=False, highlight=False
            )
        out.print("  facts:")
        for fact in view["facts"]:
            out.print(
                f"    [{fact['certainty']}] {fact['id']}: {fact['text']} ({fact['source']})",
                markup=False,
                highlight=False,
            )

    run(action)


@regimes_app.command("diff")
def regimes_diff(
    regime_id: Annotated[str, typer.Argument(metavar="ID")],
    since: Annotated[str, typer.Option("--from", help="From this date (YYYY-MM-DD).")],
    until: Annotated[str, typer.Option("--to", help="To this date (YYYY-MM-DD).")],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """What changed in a regime between two dates (countries, rules)."""

    def action() -> None:
        a, b = parse_date(since, "from"), parse_date(until, "to")
        assert a is not None
        assert b is not None
        diff = open_service().decisions.regime_diff(regime_id, a, b)
        if as_json:
            out.print_json(json.dumps(diff, ensure_ascii=False))
            return
        out.print(f"{diff['regime']} {diff['from']} -> {diff['to']}", highlight=False)
        for name, change in diff["country_sets"].items():
            out.print(
                f"  {name}: {change['from_version']} -> {change['to_version']}",
                markup=False,
                highlight=False,
            )
            out.print(
                f"    removed ({len(change['removed'])}): {' '.join(change['removed'])}",
                markup=False,
                highlight=False,
            )
            out.print(
                f"    added ({len(change['added'])}): {' '.join(change['added'])}",
                markup=False,
                highlight=False,
            )
            out.print(
                f"    kept ({len(change['kept'])}): {' '.join(change['kept'])}",
                markup=False,
                highlight=False,
            )
            if "note" in change:
                out.print(f"    note: {change['note']}", markup=False, highlight=False)
        out.print(
            f"  rules added: {', '.join(diff['rules']['added']) or '-'}; removed: "
            f"{', '.join(diff['rules']['removed']) or '-'}",
            markup=False,
            highlight=False,
        )

    run(action)


@regimes_app.command("validate")
def regimes_validate(path: Path) -> None:
    """Check a regime file; errors name the file, line and field."""

    def action() -> None:
        from exportguard import regimes

        regime = regimes.load_file(path)
        out.print(
            f"{path}: valid regime {regime.id} {regime.revision} ({len(regime.rules)} "
            f"rules, {len(regime.facts)} facts, digest {regime.digest})",
            highlight=False,
        )

    run(action)


@regimes_app.command("install")
def regimes_install(path: Path) -> None:
    """Validate a regime file and make it its regime's current revision."""

    def action() -> None:
        regime = open_service().decisions.install_regime(path)
        out.print(
            f"installed {regime.id} {regime.revision} (digest {regime.digest})", highlight=False
        )

    run(action)


from exportguard.cli import cases  # noqa: E402 - registers its commands on app

__all__ = ["app", "cases", "main"]


def main() -> None:
    """Console-script entry point."""
    app()
