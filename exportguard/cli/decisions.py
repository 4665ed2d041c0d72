"""Commands for export decisions and the regimes behind them."""

from pathlib import Path
from typing import Annotated, Any

import typer

from exportguard.cli import app
from exportguard.cli.common import (
    REGIME_IDS,
    JsonFlag,
    esc,
    make_table,
    open_service,
    out,
    parse_date,
    print_json,
    run,
    say,
    styled,
)
from exportguard.errors import InvalidInput

# --- decisions and regimes ---------------------------------------------------------------------

regimes_app = typer.Typer(help="Export-control regimes as versioned data.", no_args_is_help=True)
app.add_typer(regimes_app, name="regimes")
decision_app = typer.Typer(help="Stored decisions: show and replay.", no_args_is_help=True)
app.add_typer(decision_app, name="decision")


def _one(values: list[str] | None, option: str, field: str) -> str | None:
    """The single value of a single-valued option: declared as a list because typer would
    silently keep the last of several; given twice is an error."""
    if not values:
        return None
    if len(values) > 1:
        raise InvalidInput(
            f"{option} takes one value, given {len(values)} times ({', '.join(values)})",
            field=field,
        )
    return values[0]


@app.command("decide")
def decide_command(
    item: Annotated[
        list[str],
        typer.Option(
            help="Control entry (4A005, 4D004, 5A001.j, EAR99, unlisted-cyber-surveillance); "
            "repeatable."
        ),
    ],
    to: Annotated[
        list[str],
        typer.Option(
            help="Destination country (ISO code or name); for a deemed export, the foreign "
            "person's country. Once."
        ),
    ],
    regime: Annotated[
        list[str] | None,
        typer.Option(help=f"{REGIME_IDS} or an installed one (repeatable; default: all)."),
    ] = None,
    end_user: Annotated[
        list[str] | None, typer.Option(help="End user's name (screened); repeatable.")
    ] = None,
    consignee: Annotated[
        list[str] | None, typer.Option(help="Consignee's name (screened); repeatable.")
    ] = None,
    intermediary: Annotated[
        list[str] | None,
        typer.Option(
            "--intermediary",
            "--party",  # version 0.1's name for it
            help="Intermediary's name (agent, broker; screened); repeatable.",
        ),
    ] = None,
    end_user_type: Annotated[
        list[str] | None,
        typer.Option(
            help="government, law-enforcement, intelligence, military, military-intelligence, "
            "government-owned, non-government, individual. Once."
        ),
    ] = None,
    end_use: Annotated[
        list[str] | None,
        typer.Option(
            help="law-enforcement, counter-terrorism, criminal-investigation, "
            "vulnerability-disclosure, incident-response, penetration-testing, research, "
            "product-development, unauthorized-access, internal-repression, "
            "human-rights-violation, other. Once."
        ),
    ] = None,
    exporter_country: Annotated[
        list[str] | None,
        typer.Option(help="Country the export leaves from (where a deemed export happens)."),
    ] = None,
    item_origin: Annotated[
        list[str] | None, typer.Option(help="Country where the item was made or developed.")
    ] = None,
    us_content: Annotated[
        list[str] | None,
        typer.Option(help="US-origin controlled content, percent of the item's value."),
    ] = None,
    deemed_export: Annotated[
        bool,
        typer.Option(
            "--deemed-export",
            help="Technology or source code released to a foreign person inside the "
            "exporter's country (--to is that person's country).",
        ),
    ] = False,
    region: Annotated[
        list[str] | None,
        typer.Option(help="Region of the destination: crimea, dnr, lnr, other (Ukraine)."),
    ] = None,
    authority_informed: Annotated[
        bool,
        typer.Option(
            "--authority-informed", help="The authority has informed the exporter (EU Art. 5(1))."
        ),
    ] = False,
    on: Annotated[
        list[str] | None,
        typer.Option("--date", help="Decide as of this date (YYYY-MM-DD; default today)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Decide an export: a verdict per regime and overall, with every reason."""

    def action() -> None:
        singles = {
            "to": _one(to, "--to", "to"),
            "end_user_type": _one(end_user_type, "--end-user-type", "end_user_type"),
            "end_use": _one(end_use, "--end-use", "end_use"),
            "exporter_country": _one(exporter_country, "--exporter-country", "exporter_country"),
            "item_origin": _one(item_origin, "--item-origin", "item_origin"),
            "region": _one(region, "--region", "region"),
            "date": _one(on, "--date", "date"),
            "us_content": _one(us_content, "--us-content", "us_content"),
        }
        content = None
        if singles["us_content"] is not None:
            try:
                content = float(singles["us_content"])
            except ValueError:
                raise InvalidInput("a percentage from 0 to 100", field="us_content") from None
        service = open_service()
        when = parse_date(singles["date"], "date") or service.clock().date()
        from exportguard.services.decision_input import DecisionInput

        question = DecisionInput(
            items=item,
            to=singles["to"] or "",
            on=when,
            regimes=regime or [],
            end_users=end_user or [],
            consignees=consignee or [],
            intermediaries=intermediary or [],
            end_user_type=singles["end_user_type"],
            end_use=singles["end_use"],
            authority_informed=authority_informed,
            exporter_country=singles["exporter_country"],
            item_origin=singles["item_origin"],
            us_content=content,
            deemed_export=deemed_export,
            region=singles["region"],
        )
        decision = service.decisions.decide(question)
        if as_json:
            print_json(decision.to_dict())
            return
        _render_decision(decision.to_dict())

    run(action)


def _render_decision(data: dict[str, Any]) -> None:
    req = data["request"]
    end_users = [p["name"] for p in req["parties"] if p["role"] == "end user"]
    styled(
        f"[bold]{esc(data['verdict'].upper())}[/] "
        + esc(
            f"(certainty {data['certainty']})  "
            f"{', '.join(req['items'])} to {req['destination']} on {req['date']}"
            + (f" for {', '.join(end_users)}" if end_users else "")
            + f"   (decision {data['decision_id']})"
        )
    )
    for regime in data["regimes"]:
        extra = []
        if regime["exception"]:
            extra.append(f"exception {regime['exception']}")
        if regime["review_policy"]:
            extra.append(f"review policy: {regime['review_policy']}")
        styled(
            f"\n[bold]{esc(regime['id'])}[/] "
            + esc(
                f"({regime['revision']}): {regime['verdict']} (certainty {regime['certainty']})"
                + (f" - {'; '.join(extra)}" if extra else "")
            )
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
    def action() -> None:
        from exportguard.api.schemas.decisions import StoredDecisionOut

        stored = open_service().decisions.stored(decision_id)
        print_json(StoredDecisionOut.model_validate(stored.as_dict()).model_dump(mode="json"))

    run(action)


@decision_app.command("replay")
def decision_replay(
    decision_id: str,
    as_json: JsonFlag = False,
) -> None:
    """Re-run a stored decision with the regime revisions and list snapshots it used."""

    def action() -> None:
        service = open_service()
        stored = service.decisions.stored(decision_id)
        again = service.decisions.replay(decision_id).to_dict()
        same = stored.same_answer(again)
        if as_json:
            print_json({"same": same, "decision": again})
        else:
            _render_decision(again)
            styled(
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
        styled(
            f"[bold]{esc(view['name'])}[/] "
            + esc(f"({view['id']} {view['revision']}) as of {view['as_of']}")
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
