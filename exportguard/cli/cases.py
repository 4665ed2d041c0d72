"""Commands for licences; the ``licence``, ``report`` and ``impact`` groups (the commands of
the last two are in ``cli/reports.py``)."""

from typing import Annotated

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
from exportguard.core.licensing import Conditions, Event

licence_app = typer.Typer(
    help="Licence applications, licences and their events.", no_args_is_help=True
)
report_app = typer.Typer(help="Misuse reports and the review queue.", no_args_is_help=True)
impact_app = typer.Typer(help="What a list or rule change touches.", no_args_is_help=True)
app.add_typer(licence_app, name="licence")
app.add_typer(report_app, name="report")
app.add_typer(impact_app, name="impact")

# --- licences ---------------------------------------------------------------------------------


@licence_app.command("apply")
def licence_apply(
    exporter: Annotated[str, typer.Option(help="The exporting company.")],
    regime: Annotated[str, typer.Option(help=f"{REGIME_IDS} or an installed one.")],
    item: Annotated[list[str], typer.Option(help="Control entry; repeatable.")],
    to: Annotated[str, typer.Option(help="Destination country.")],
    end_user: Annotated[str, typer.Option(help="End user's name.")],
    kind: Annotated[str, typer.Option(help="marketing, export or dual-use.")] = "export",
    end_user_type: Annotated[str | None, typer.Option(help="See `decide --help`.")] = None,
    end_use: Annotated[str | None, typer.Option(help="See `decide --help`.")] = None,
    party: Annotated[list[str] | None, typer.Option(help="Other party; repeatable.")] = None,
    value: Annotated[float | None, typer.Option(help="Value of the goods.")] = None,
    quantity: Annotated[int | None, typer.Option(help="Quantity.")] = None,
    parent: Annotated[
        str | None,
        typer.Option(help="The issued licence this one follows where the regime licenses in "
                    "stages (il-deca: export after marketing)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Open a draft licence application."""

    def action() -> None:
        lic = open_service().licensing.apply(
            exporter=exporter,
            kind=kind,
            regime=regime,
            items=item,
            destination=to,
            end_user=end_user,
            end_user_type=end_user_type,
            end_use=end_use,
            parties=party or [],
            value=value,
            quantity=quantity,
            parent=parent,
        )
        if as_json:
            print_json({"id": lic.id, "state": lic.state.value})
        else:
            out.print(
                f"{lic.id}: draft {lic.kind} application ({lic.regime}) - next: "
                f"exportguard licence submit {lic.id} --reason ...",
                highlight=False,
            )

    run(action)


@licence_app.command("show")
def licence_show(
    licence_id: Annotated[str, typer.Argument(metavar="ID")],
    as_of: Annotated[str | None, typer.Option(help="State as of this date.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """A licence: fields, state (as of a date), conditions, events, shipments, balance."""

    def action() -> None:
        view = open_service().licensing.view(licence_id, parse_date(as_of, "as_of"))
        if as_json:  # the API's LicenceOut
            from exportguard.api.schemas.licensing import licence_out

            print_json(licence_out(view).model_dump(mode="json", by_alias=True))
            return
        styled(
            f"[bold]{esc(view['id'])}[/] "
            + esc(
                f"{view['kind']} licence ({view['regime']}) "
                f"{view['state']}; on {view['state_on']['date']}: {view['state_on']['state']}"
            )
        )
        say(
            f"  {view['exporter']}: {', '.join(view['items'])} to {view['destination']}, "
            f"end user {view['end_user']} ({view['end_user_type'] or '-'}), end use "
            f"{view['end_use'] or '-'}; decision {view['decision_id'] or '-'}"
        )
        c = view["conditions"]
        say(
            f"  valid {c['valid_from'] or '-'} to {c['valid_until'] or '-'}; caps value "
            f"{c['max_value']} quantity {c['max_quantity']}; balance {view['balance']}"
        )
        for term in c["terms"]:
            say(f"  term: {term}")
        for e in view["events"]:
            say(
                f"  {e['seq']}. {e['on']} {e['event']}: {e['from']} -> {e['to']} by "
                f"{e['actor']}: {e['reason']}"
            )
        for s in view["shipments"]:
            say(f"  shipped {s['shipped_on']}: value {s['value']} quantity {s['quantity']}")

    run(action)


@licence_app.command("list")
def licence_list(
    exporter: Annotated[str | None, typer.Option()] = None,
    state: Annotated[str | None, typer.Option()] = None,
    as_json: JsonFlag = False,
) -> None:
    """Licences and applications."""

    def action() -> None:
        found = open_service().licensing.find(exporter=exporter, state=state)
        if as_json:  # the API's LicenceRow, as GET /licences lists them
            from exportguard.api.schemas.licensing import licence_row

            print_json([licence_row(x).model_dump(mode="json", by_alias=True) for x in found])
            return
        t = make_table("id", "state", "kind", "regime", "items", "to", "end user", "exporter")
        for x in found:
            t.add_row(x.id, x.state.value, x.kind, x.regime, " ".join(x.items), x.destination,
                      x.end_user, x.exporter)  # fmt: skip
        out.print(t)

    run(action)


def conditions_from_options(
    valid_from: str | None,
    valid_until: str | None,
    max_value: float | None,
    max_quantity: int | None,
    allow_end_user: list[str] | None,
    allow_end_use: list[str] | None,
    term: list[str] | None,
    reporting: list[str] | None,
) -> Conditions | None:
    given = [
        valid_from,
        valid_until,
        max_value,
        max_quantity,
        allow_end_user,
        allow_end_use,
        term,
        reporting,
    ]
    if all(g in (None, []) for g in given):
        return None
    return Conditions(
        valid_from=parse_date(valid_from, "valid_from"),
        valid_until=parse_date(valid_until, "valid_until"), max_value=max_value,
        max_quantity=max_quantity, end_users=tuple(allow_end_user or ()),
        end_uses=tuple(allow_end_use or ()), terms=tuple(term or ()),
        reporting=tuple(reporting or ()))  # fmt: skip


def _event_command(event: Event) -> None:
    def command(
        licence_id: Annotated[str, typer.Argument(metavar="ID")],
        reason: Annotated[str, typer.Option(help="Why (recorded with the event).")],
        on: Annotated[
            str | None, typer.Option("--date", help="Date the event takes effect (default today).")
        ] = None,
        valid_from: Annotated[str | None, typer.Option(help="Condition.")] = None,
        valid_until: Annotated[str | None, typer.Option(help="Condition.")] = None,
        max_value: Annotated[float | None, typer.Option(help="Condition: value cap.")] = None,
        max_quantity: Annotated[int | None, typer.Option(help="Condition: quantity cap.")] = None,
        allow_end_user: Annotated[
            list[str] | None, typer.Option(help="Condition: permitted end user; repeatable.")
        ] = None,
        allow_end_use: Annotated[
            list[str] | None, typer.Option(help="Condition: permitted end use; repeatable.")
        ] = None,
        term: Annotated[list[str] | None, typer.Option(help="Condition: a term.")] = None,
        reporting: Annotated[list[str] | None, typer.Option(help="A reporting duty.")] = None,
        version: Annotated[
            int | None,
            typer.Option(
                help="The version you read (licence show): fails if the licence changed since; "
                "required to amend or restrict conditions."
            ),
        ] = None,
        as_json: JsonFlag = False,
    ) -> None:
        def action() -> None:
            lic = open_service().licensing.transition(
                licence_id,
                event,
                reason=reason,
                on=parse_date(on, "date"),
                conditions=conditions_from_options(
                    valid_from,
                    valid_until,
                    max_value,
                    max_quantity,
                    allow_end_user,
                    allow_end_use,
                    term,
                    reporting,
                ),
                expected_version=version,
            )
            if as_json:
                print_json(
                    {
                        "id": lic.id,
                        "state": lic.state.value,
                        "version": lic.version,
                        "decision_id": lic.decision_id,
                    }
                )
            else:
                out.print(
                    f"{lic.id}: {event.value} -> {lic.state.value}"
                    + (f" (decision {lic.decision_id})" if event is Event.SUBMIT else ""),
                    highlight=False,
                )

        run(action)

    command.__doc__ = f"Apply the event '{event.value}' (see docs/licences.md)."
    licence_app.command(event.value.replace("_", "-"))(command)


for _event in Event:
    _event_command(_event)


@licence_app.command("ship")
def licence_ship(
    licence_id: Annotated[str, typer.Argument(metavar="ID")],
    on: Annotated[
        str | None,
        typer.Option("--date", help="Shipment date (default today; a later one is refused)."),
    ] = None,
    value: Annotated[float | None, typer.Option()] = None,
    quantity: Annotated[int | None, typer.Option()] = None,
    end_user: Annotated[
        str | None, typer.Option(help="Required when the licence names permitted end users.")
    ] = None,
    end_use: Annotated[
        str | None, typer.Option(help="Required when the licence names permitted end uses.")
    ] = None,
) -> None:
    """Record a shipment; refused with every reason if the licence does not cover it
    (a value, quantity, end user or end use the licence limits must be stated)."""

    def action() -> None:
        service = open_service()
        when = parse_date(on, "date") or service.clock().date()
        left = service.licensing.ship(
            licence_id,
            shipped_on=when,
            value=value,
            quantity=quantity,
            end_user=end_user,
            end_use=end_use,
        )
        out.print(f"recorded; balance: {left}", highlight=False)

    run(action)
