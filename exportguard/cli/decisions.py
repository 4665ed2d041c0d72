"""Commands for export decisions and the regimes behind them."""

from pathlib import Path
from typing import Annotated, Any

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
)

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
    as_json: JsonFlag = False,
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
            print_json(decision.to_dict())
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
            say(f"  - [{verdict}] {reason['text']}")
            say(
                f"      rule {reason['rule']}; source: {reason['source']}; certainty "
                f"{reason['certainty']}"
            )
        for condition in regime["conditions"]:
            say(f"  condition: {condition}")


@decision_app.command("show")
def decision_show(decision_id: str) -> None:
    """Show a stored decision (JSON)."""
    run(lambda: print_json(open_service().decisions.decision(decision_id)))


@decision_app.command("replay")
def decision_replay(
    decision_id: str,
    as_json: JsonFlag = False,
) -> None:
    """Re-run a stored decision with the regime revisions and list snapshots it used."""

    def action() -> None:
        service = open_service()
        stored = service.decisions.decision(decision_id)["result"]
        again = service.decisions.replay(decision_id).to_dict()
        same = again["verdict"] == stored["verdict"] and again["regimes"] == stored["regimes"]
        if as_json:
            print_json({"same": same, "decision": again})
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
    as_json: JsonFlag = False,
) -> None:
    """The regimes and their current revisions."""

    def action() -> None:
        found = open_service().decisions.regimes().values()
        if as_json:
            print_json(
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
    as_json: JsonFlag = False,
) -> None:
    """A regime as of a date: country sets, rules in force, facts with sources."""

    def action() -> None:
        view = open_service().decisions.regime_view(regime_id, parse_date(as_of, "as_of"))
        if as_json:
            print_json(view)
            return
        out.print(
            f"[bold]{view['name']}[/] ({view['id']} {view['revision']}) as of {view['as_of']}",
            highlight=False,
        )
        for name, s in view["country_sets"].items():
            if s is None:
                say(f"  {name}: none in force")
                continue
            known = "" if s["complete"] else " (known members only)"
            say(f"  {name}: {s['version']}{known} [{s['certainty']}]: {' '.join(s['members'])}")
        out.print("  rules in force:")
        for rule in view["rules"]:
            say(f"    {rule['id']} ({rule['kind']}): {rule['text']}")
        out.print("  facts:")
        for fact in view["facts"]:
            say(f"    [{fact['certainty']}] {fact['id']}: {fact['text']} ({fact['source']})")

    run(action)


@regimes_app.command("diff")
def regimes_diff(
    regime_id: Annotated[str, typer.Argument(metavar="ID")],
    since: Annotated[str, typer.Option("--from", help="From this date (YYYY-MM-DD).")],
    until: Annotated[str, typer.Option("--to", help="To this date (YYYY-MM-DD).")],
    as_json: JsonFlag = False,
) -> None:
    """What changed in a regime between two dates (countries, rules)."""

    def action() -> None:
        a, b = parse_date(since, "from"), parse_date(until, "to")
        assert a is not None
        assert b is not None
        diff = open_service().decisions.regime_diff(regime_id, a, b)
        if as_json:
            print_json(diff)
            return
        out.print(f"{diff['regime']} {diff['from']} -> {diff['to']}", highlight=False)
        for name, change in diff["country_sets"].items():
            say(f"  {name}: {change['from_version']} -> {change['to_version']}")
            say(f"    removed ({len(change['removed'])}): {' '.join(change['removed'])}")
            say(f"    added ({len(change['added'])}): {' '.join(change['added'])}")
            say(f"    kept ({len(change['kept'])}): {' '.join(change['kept'])}")
            if "note" in change:
                say(f"    note: {change['note']}")
        say(
            f"  rules added: {', '.join(diff['rules']['added']) or '-'}; removed: "
            f"{', '.join(diff['rules']['removed']) or '-'}"
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
