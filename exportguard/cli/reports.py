"""Commands for misuse reports, the review queue, and the impact of list and rule changes
(on the ``report`` and ``impact`` groups of ``cli/cases.py``)."""

from typing import Annotated

import typer

from exportguard.cli.cases import impact_app, report_app
from exportguard.cli.common import (
    JsonFlag,
    open_service,
    out,
    parse_date,
    print_json,
    run,
    say,
)
from exportguard.core.impact import ListImpactJson, RegimeImpactJson

# --- misuse reports and reviews --------------------------------------------------------------


@report_app.command("add")
def report_add(
    source: Annotated[str, typer.Option(help="Who reports (a forensic lab, journalists).")],
    on: Annotated[str, typer.Option("--date", help="Date of the report.")],
    country: Annotated[str, typer.Option(help="Where the misuse happened.")],
    operator: Annotated[str, typer.Option(help="The suspected operator.")],
    product: Annotated[str, typer.Option(help="The product (name, item codes).")],
    evidence: Annotated[str, typer.Option(help="Evidence reference (URL, report id).")],
    confidence: Annotated[str, typer.Option(help="low, medium or high.")] = "medium",
    as_json: JsonFlag = False,
) -> None:
    """Record a misuse report; it is matched to licences and opens reviews."""

    def action() -> None:
        when = parse_date(on, "date")
        assert when is not None
        report = open_service().licensing.report_misuse(
            source=source,
            reported_on=when,
            country=country,
            suspected_operator=operator,
            product=product,
            evidence=evidence,
            confidence=confidence,
        )
        if as_json:
            from exportguard.api.schemas.licensing import report_out

            print_json(report_out(report).model_dump(mode="json"))
            return
        out.print(
            f"{report.id}: {len(report.matches)} licence(s) may be concerned", highlight=False
        )
        for m in report.matches:
            say(f"  {m.licence}: {'; '.join(m.why)}")

    run(action)


@report_app.command("list")
def report_list(as_json: JsonFlag = False) -> None:
    """Misuse reports."""

    def action() -> None:
        reports = open_service().licensing.reports()
        if as_json:
            from exportguard.api.schemas.licensing import report_out

            print_json([report_out(r).model_dump(mode="json") for r in reports])
            return
        for r in reports:
            say(
                f"{r.id} {r.reported_on} {r.country} {r.suspected_operator}: "
                f"{r.status} {r.outcome or ''} ({len(r.matches)} licence(s))"
            )

    run(action)


@report_app.command("reviews")
def review_list(
    status: Annotated[str, typer.Option(help="open, closed or all.")] = "open",
    as_json: JsonFlag = False,
) -> None:
    """The review queue (from misuse reports and impact analyses)."""

    def action() -> None:
        found = open_service().licensing.reviews(None if status == "all" else status)
        if as_json:
            from exportguard.api.schemas.licensing import review_out

            print_json([review_out(r).model_dump(mode="json") for r in found])
            return
        for r in found:
            say(
                f"{r.id} [{r.status}] {r.subject_kind} {r.subject_id} "
                f"({r.origin}): {r.reason}"
            )

    run(action)


@report_app.command("close-review")
def review_close(
    review_id: Annotated[str, typer.Argument(metavar="ID")],
    outcome: Annotated[
        str,
        typer.Option(
            help="no_action; restrict, suspend, revoke or shut_down (a licence); approve or "
            "refuse (an application)."
        ),
    ],
    reason: Annotated[str, typer.Option(help="Why.")],
) -> None:
    """End a review; its outcome is applied to the licence as an event."""

    def action() -> None:
        review = open_service().licensing.close_review(review_id, outcome, reason=reason)
        out.print(f"{review.id}: closed ({outcome}) for {review.subject_id}", highlight=False)

    run(action)


# --- impact -----------------------------------------------------------------------------------


def _print_impact(result: ListImpactJson | RegimeImpactJson, as_json: bool) -> None:
    if as_json:
        print_json(result)
        return
    if result["kind"] == "lists":
        e = result["entries"]
        out.print(
            f"{result['source']}: snapshot {result['from']} -> {result['to']}: "
            f"{len(e['added'])} added, {len(e['removed'])} removed, {len(e['changed'])} "
            "changed",
            highlight=False,
        )
    else:
        out.print(f"{result['regime']}: {result['from']} -> {result['to']}", highlight=False)
    out.print(f"{len(result['affected'])} affected (policy: {result['policy']})")
    for a in result["affected"]:
        say(
            f"  {a['kind']} {a['id']} {a['label']}: {a['old']} -> {a['new']}; "
            f"{a['reason']} [{a['proposal']}]"
        )
    for act in result["actions"]:
        say(f"  {act['id']}: {act['action']}")


@impact_app.command("lists")
def impact_lists(
    since: Annotated[int, typer.Option("--from", help="Old snapshot id.")],
    until: Annotated[int, typer.Option("--to", help="New snapshot id.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Licences, applications and counterparties touched by a list change."""
    run(lambda: _print_impact(open_service().impact.lists(since, until, dry_run=dry_run), as_json))


@impact_app.command("regime")
def impact_regime(
    regime_id: Annotated[str, typer.Argument(metavar="ID")],
    since: Annotated[str | None, typer.Option("--from", help="From this date.")] = None,
    until: Annotated[str | None, typer.Option("--to", help="To this date.")] = None,
    from_revision: Annotated[str | None, typer.Option(help="Old revision (digest).")] = None,
    to_revision: Annotated[str | None, typer.Option(help="New revision (digest).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Licences and applications whose verdict a rule change moves."""
    run(
        lambda: _print_impact(
            open_service().impact.regime(
                regime_id,
                since=parse_date(since, "from"),
                until=parse_date(until, "to"),
                from_revision=from_revision,
                to_revision=to_revision,
                dry_run=dry_run,
            ),
            as_json,
        )
    )
