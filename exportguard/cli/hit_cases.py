"""Commands for hit review cases: open a screening hit as a case, decide it, confirm it as
a second officer (four-eyes: give another ``--actor``), assign it, list the inbox."""

from typing import Annotated

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
from exportguard.core.case_records import HitCase

case_app = typer.Typer(
    help="Hit review cases: true match, false positive or escalation, four-eyes.",
    no_args_is_help=True,
)
app.add_typer(case_app, name="case")

Note = Annotated[str, typer.Option(help="What was checked and found (recorded and audited).")]


def _line(c: HitCase) -> str:
    decided = ""
    if c.disposition:
        decided = f"; {c.disposition.value.replace('_', ' ')} by {c.decided_by}"
    if c.confirmed_by:
        decided += f", confirmed by {c.confirmed_by}"
    hit = f"{c.list_name}, {c.entry_id}, {c.score:.2f}"
    return f"{c.id} [{c.state_words}] {c.party_name} ~ {c.listed_name} ({hit}){decided}"


@case_app.command("list")
def case_list(
    state: Annotated[
        str | None,
        typer.Option(help="open, escalated, pending_confirmation or closed."),
    ] = None,
    list_: Annotated[
        str | None, typer.Option("--list", help="A source id or a text of the list's name.")
    ] = None,
    assignee: Annotated[
        str | None, typer.Option(help="A user name, 'me' or 'none' (unassigned).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=200)] = 50,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    as_json: JsonFlag = False,
) -> None:
    """The case inbox, most recently changed first."""

    def action() -> None:
        items, total = open_service().cases.find(
            state=state, list_text=list_, assignee=assignee, limit=limit, offset=offset
        )
        if as_json:
            from exportguard.api.schemas.cases import case_out

            print_json({"items": [case_out(c).model_dump(mode="json") for c in items],
                        "total": total})  # fmt: skip
            return
        for c in items:
            say(_line(c))
        say(f"{total} case(s)" + (f"; showing {offset + 1}-{offset + len(items)}"
                                  if total > len(items) else ""))  # fmt: skip

    run(action)


@case_app.command("show")
def case_show(
    case_id: Annotated[str, typer.Argument(metavar="CASE")], as_json: JsonFlag = False
) -> None:
    """A case with its history."""

    def action() -> None:
        c = open_service().cases.get(case_id)
        if as_json:
            from exportguard.api.schemas.cases import case_detail_out

            print_json(case_detail_out(c).model_dump(mode="json"))
            return
        say(_line(c))
        if c.reason:
            say(f"  reason: {c.reason}: {c.note}")
        if c.state == "pending_confirmation":
            say(f"  awaiting a second officer (not {c.decided_by})")
        table = make_table("when", "who", "action", "state", "note")
        for e in c.events:
            table.add_row(e.at, e.actor, e.action.value, e.state.value, e.note or "")
        out.print(table)

    run(action)


@case_app.command("reasons")
def case_reasons(as_json: JsonFlag = False) -> None:
    """The reason codes a decision gives, and the dispositions each fits."""

    def action() -> None:
        found = open_service().cases.reasons()
        if as_json:
            from exportguard.api.schemas.cases import reason_code_out

            print_json([reason_code_out(r).model_dump(mode="json") for r in found])
            return
        for r in found:
            say(f"{r.code}: {r.label} ({', '.join(sorted(d.value for d in r.dispositions))})")

    run(action)


@case_app.command("open")
def case_open(
    origin: Annotated[str, typer.Argument(help="screening, batch, decision or monitoring.")],
    ref: Annotated[
        str,
        typer.Argument(
            help="The screening's audit record number, the job id, the decision "
            "id or the counterparty id."
        ),
    ],
    entry: Annotated[str, typer.Argument(help="The list entry hit.")],
    row: Annotated[str | None, typer.Option(help="batch: the row id.")] = None,
    party: Annotated[str | None, typer.Option(help="decision: the party's name.")] = None,
    alert: Annotated[int | None, typer.Option(help="monitoring: the alert reviewed.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Open a case on a hit (or show the case it already has)."""

    def action() -> None:
        c, created = open_service().cases.open(origin, ref, entry, row=row, party=party,
                                               alert_id=alert)  # fmt: skip
        if as_json:
            from exportguard.api.schemas.cases import case_out

            print_json(case_out(c).model_dump(mode="json") | {"created": created})
            return
        say(("opened " if created else "already a case: ") + _line(c))

    run(action)


@case_app.command("decide")
def case_decide(
    case_id: Annotated[str, typer.Argument(metavar="CASE")],
    disposition: Annotated[str, typer.Argument(help="true_match, false_positive or escalate.")],
    reason_code: Annotated[str, typer.Option(help="See `exportguard case reasons`.")],
    note: Note,
    expires: Annotated[
        str | None, typer.Option(help="A false positive's clearance ends then (after today).")
    ] = None,
    assign: Annotated[str | None, typer.Option(help="Give the case to this user.")] = None,
) -> None:
    """Decide a case; a true match, and a false positive on a sanctions listing, then wait
    for a second officer."""

    def action() -> None:
        c = open_service().cases.decide(
            case_id, disposition, reason_code=reason_code, note=note,
            expires_on=parse_date(expires, "expires"), assignee=assign,
        )  # fmt: skip
        say(_line(c))
        if c.state == "pending_confirmation":
            say(
                "  a second, different officer confirms it: `exportguard --actor OTHER case "
                f"confirm {c.id}`"
            )

    run(action)


@case_app.command("confirm")
def case_confirm(
    case_id: Annotated[str, typer.Argument(metavar="CASE")],
    note: Annotated[str, typer.Option(help="A note (optional).")] = "",
) -> None:
    """Confirm a decision as the second officer (never the one who decided)."""

    def action() -> None:
        say(_line(open_service().cases.confirm(case_id, note=note)))

    run(action)


@case_app.command("send-back")
def case_send_back(case_id: Annotated[str, typer.Argument(metavar="CASE")], note: Note) -> None:
    """Do not confirm a decision: the case is open again."""

    def action() -> None:
        say(_line(open_service().cases.send_back(case_id, note=note)))

    run(action)


@case_app.command("assign")
def case_assign(
    case_id: Annotated[str, typer.Argument(metavar="CASE")],
    user: Annotated[str | None, typer.Argument(help="The user; none to unassign.")] = None,
) -> None:
    """Give a case to a user who may review it."""

    def action() -> None:
        c = open_service().cases.assign(case_id, user)
        say(f"{c.id} assigned to {c.assignee or 'nobody'}")

    run(action)
