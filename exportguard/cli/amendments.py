"""Amendment requests: an exporter asks for an issued licence to change; an officer decides.

The CLI is the local operator's tool: it files and decides requests as the configured actor
(``EXPORTGUARD_ACTOR``); the API and web app check the signed-in user's role as well.
"""

from typing import Annotated

import typer

from exportguard.cli.cases import conditions_from_options, licence_app
from exportguard.cli.common import JsonFlag, make_table, open_service, out, print_json, run
from exportguard.core.licensing import AmendmentRequest
from exportguard.errors import InvalidInput


def _row(r: AmendmentRequest) -> dict[str, object]:
    return {
        "id": r.id, "licence": r.licence, "exporter": r.exporter,
        "conditions": r.conditions.to_dict(), "reason": r.reason,
        "requested_by": r.requested_by, "requested_at": r.requested_at,
        "based_on_version": r.based_on_version, "status": r.status.value,
        "decided_by": r.decided_by, "decided_at": r.decided_at,
        "decision_reason": r.decision_reason,
    }  # fmt: skip


def _changes(r: AmendmentRequest) -> str:
    return "; ".join(
        f"{k} {', '.join(map(str, v)) if isinstance(v, list) else v}"
        for k, v in r.conditions.to_dict().items()
        if v not in (None, [])
    )


@licence_app.command("request-amendment")
def request_amendment(
    licence_id: Annotated[str, typer.Argument(metavar="ID")],
    reason: Annotated[str, typer.Option(help="Why the licence should change.")],
    valid_from: Annotated[str | None, typer.Option(help="Requested condition.")] = None,
    valid_until: Annotated[str | None, typer.Option(help="Requested condition.")] = None,
    max_value: Annotated[float | None, typer.Option(help="Requested value cap.")] = None,
    max_quantity: Annotated[int | None, typer.Option(help="Requested quantity cap.")] = None,
    allow_end_user: Annotated[
        list[str] | None, typer.Option(help="Requested permitted end user; repeatable.")
    ] = None,
    allow_end_use: Annotated[
        list[str] | None, typer.Option(help="Requested permitted end use; repeatable.")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Ask for an issued licence's conditions to change (an officer approves or refuses)."""

    def action() -> None:
        conditions = conditions_from_options(
            valid_from, valid_until, max_value, max_quantity, allow_end_user, allow_end_use,
            None, None,
        )  # fmt: skip
        if conditions is None:
            raise InvalidInput("name at least one condition to change", field="conditions")
        request = open_service().licensing.request_amendment(
            licence_id, conditions, reason=reason
        )
        if as_json:
            print_json(_row(request))
        else:
            out.print(f"{request.id}: requested for {request.licence} ({_changes(request)})")

    run(action)


@licence_app.command("amendments")
def list_requests(
    status: Annotated[str, typer.Option(help="open, approved, refused or all.")] = "open",
    licence: Annotated[str | None, typer.Option(help="Only this licence's.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Amendment requests, oldest first."""

    def action() -> None:
        found = open_service().licensing.amendment_requests(
            licence=licence, status=None if status == "all" else status
        )
        if as_json:
            print_json([_row(r) for r in found])
            return
        table = make_table("id", "licence", "exporter", "status", "changes", "reason")
        for r in found:
            table.add_row(r.id, r.licence, r.exporter, r.status.value, _changes(r), r.reason)
        out.print(table)

    run(action)


@licence_app.command("decide-amendment")
def decide_request(
    request_id: Annotated[str, typer.Argument(metavar="REQUEST")],
    outcome: Annotated[str, typer.Argument(help="approve or refuse.")],
    reason: Annotated[str, typer.Option(help="Why (recorded with the decision).")],
    as_json: JsonFlag = False,
) -> None:
    """Approve (the licence is amended) or refuse an amendment request."""

    def action() -> None:
        if outcome not in ("approve", "refuse"):
            raise InvalidInput("must be approve or refuse", field="outcome")
        decided = open_service().licensing.decide_amendment(
            request_id, approve=outcome == "approve", reason=reason
        )
        if as_json:
            print_json(_row(decided))
        else:
            out.print(f"{decided.id}: {decided.status.value} ({decided.licence})")

    run(action)
