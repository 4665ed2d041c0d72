"""Commands for counterparties: keep them (one by one or from a CSV file), their alerts and
clearances, and monitoring runs."""

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from exportguard.cli import app
from exportguard.cli.common import (
    JsonFlag,
    err,
    open_service,
    out,
    parse_date,
    print_json,
    run,
    say,
    warn,
)
from exportguard.core.monitoring_records import Alert
from exportguard.errors import InvalidInput

if TYPE_CHECKING:
    from exportguard.services.monitoring import Monitoring


def _monitoring(workers: int | None = None, scheduler: str | None = None) -> "Monitoring":
    """The monitoring use cases of the service the options say."""
    monitoring: Monitoring = open_service(workers, scheduler).monitoring
    return monitoring


def _wire(alerts: Sequence[Alert]) -> list[dict[str, object]]:
    """Alerts in their wire form (``api.schemas.monitoring.AlertOut``, as the API's)."""
    from exportguard.api.schemas.monitoring import alert_out

    return [alert_out(a).model_dump(mode="json") for a in alerts]

counterparty_app = typer.Typer(
    help="Counterparties kept per exporter, screened continuously.", no_args_is_help=True
)
app.add_typer(counterparty_app, name="counterparty")


@counterparty_app.command("add")
def counterparty_add(
    exporter: Annotated[str, typer.Option()],
    name: Annotated[str, typer.Option()],
    role: Annotated[
        str,
        typer.Option(help="customer, distributor, end-user, supplier, consignee, intermediary."),
    ] = "customer",
    country: Annotated[str | None, typer.Option()] = None,
    type: Annotated[str | None, typer.Option("--type")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Keep a counterparty; it is screened now and after every list import."""

    def action() -> None:
        found = _monitoring().add(
            exporter=exporter, name=name, role=role, country=country, type=type
        )
        if as_json:
            from exportguard.api.schemas.monitoring import counterparty_out

            print_json(counterparty_out(found).model_dump(mode="json"))
            return
        out.print(
            f"{found.id}: {found.name} ({found.role} of {found.exporter}); "
            f"{len(found.alerts)} alert(s)",
            highlight=False,
        )
        for a in found.alerts:
            say(
                f"  alert {a.id}: matches {a.data.get('listed_name')} "
                f"({a.data.get('list_name')}, {a.score:.2f})"
            )

    run(action)


@counterparty_app.command("list")
def counterparty_list(
    exporter: Annotated[str | None, typer.Option()] = None, as_json: JsonFlag = False
) -> None:
    """Counterparties."""

    def action() -> None:
        found = _monitoring().find(exporter)
        if as_json:
            from exportguard.api.schemas.monitoring import counterparty_row

            print_json([counterparty_row(c).model_dump(mode="json") for c in found])
            return
        for c in found:
            say(f"{c.id} {c.name} ({c.role}, {c.country or '-'}) of {c.exporter}")

    run(action)


Workers = Annotated[
    int | None,
    typer.Option(help="Worker processes for the screening: more than 1 starts a local Dask "
                      "cluster (default: EXPORTGUARD_MONITOR_WORKERS, for large books)."),
]  # fmt: skip
Scheduler = Annotated[
    str | None,
    typer.Option(help="A running Dask scheduler (tcp://host:8786) to screen on; its workers "
                      "must reach the same database."),
]  # fmt: skip


@counterparty_app.command("import")
def counterparty_import(
    file: Annotated[
        Path,
        typer.Argument(help="CSV with a header: name, exporter, country, type, role, reference "
                            "(name required; UTF-8)."),
    ],
    exporter: Annotated[
        str | None, typer.Option(help="The exporter of the rows that name none.")
    ] = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    as_json: JsonFlag = False,
) -> None:
    """Add counterparties in bulk from a CSV file; importing it again adds nothing.

    Each new counterparty is screened before it is kept, and the file is written in one
    transaction: a bad file adds nothing (every bad row is named with its line and field).
    """

    def action() -> None:
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"cannot read {file}: {exc.strerror}", field="file") from None
        monitoring = _monitoring(workers, scheduler)
        with _progress("screening") as progress:
            summary = monitoring.import_csv(
                data, file=str(file), exporter=exporter, progress=progress
            )
        if as_json:
            print_json(summary.to_dict() | {"alerts": _wire(summary.alerts)})
            return
        out.print(f"{file}: {summary.rows} row(s): {len(summary.created)} added, "
                  f"{len(summary.updated)} updated, {summary.unchanged} unchanged; "
                  f"{len(summary.alerts)} alert(s)", highlight=False)  # fmt: skip
        _print_alerts(summary.alerts)

    run(action)


@counterparty_app.command("rescreen")
def counterparty_rescreen(
    full: Annotated[
        bool, typer.Option("--full", help="Every counterparty against every entry.")
    ] = False,
    workers: Workers = None,
    scheduler: Scheduler = None,
    as_json: JsonFlag = False,
) -> None:
    """Screen the counterparties again now (list imports do this by themselves).

    Against what changed in the lists since the last run, or with --full against all.
    """

    def action() -> None:
        monitoring = _monitoring(workers, scheduler)
        with _progress("screening") as progress:
            report = monitoring.run(full=full, progress=progress)
        if as_json:
            print_json(report.to_dict() | {"alerts": _wire(report.alerts)})
            return
        out.print(f"{report.mode} run: {report.screened} screened, {report.treated} screened "
                  f"in full; {len(report.alerts)} new alert(s), {report.delisted} resolved "
                  "as delisted", highlight=False)  # fmt: skip
        _print_alerts(report.alerts)

    run(action)


def _print_alerts(alerts: Sequence[Alert]) -> None:
    for a in alerts:
        say(f"  alert {a.id} ({a.kind}): {a.data.get('counterparty')} ~ {a.listed_name} "
            f"({a.entry_id}, {a.score:.2f})")  # fmt: skip


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on a terminal's standard error (None elsewhere)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@counterparty_app.command("alerts")
def counterparty_alerts(
    status: Annotated[str, typer.Option(help="open, acknowledged, resolved or all.")] = "open",
    exporter: Annotated[str | None, typer.Option()] = None,
    as_json: JsonFlag = False,
) -> None:
    """Alerts raised by counterparty screenings."""

    def action() -> None:
        monitoring = _monitoring()
        found = monitoring.alerts(status=None if status == "all" else status, exporter=exporter)
        if as_json:
            print_json(_wire(found))
            return
        waiting = monitoring.undelivered()
        if waiting:
            warn(f"{waiting} alert notification(s) not delivered to the webhook yet "
                 "(`exportguard counterparty deliver` retries now)")  # fmt: skip
        for a in found:
            outcome = f" {a.resolution}: {a.reason}" if a.resolution else ""
            say(
                f"{a.id} [{a.status}{outcome}] {a.kind}: {a.name} "
                f"({a.exporter}) ~ {a.listed_name} ({a.entry_id}, {a.score:.2f})"
            )
            changes = a.data.get("changes")
            for change in changes if isinstance(changes, list) else []:
                say(f"    {change['field']}: {_brief(change['before'])} -> "
                    f"{_brief(change['after'])}")  # fmt: skip

    run(action)


def _brief(value: object, width: int = 60) -> str:
    """A field's value in a line: lists joined, long text cut with "…"."""
    if value in (None, "", []):
        return "-"
    if isinstance(value, list):
        text = "; ".join(str(v.get("name", v)) if isinstance(v, dict) else str(v) for v in value)
    else:
        text = str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


@counterparty_app.command("deliver")
def counterparty_deliver(
    retry_failed: Annotated[
        bool,
        typer.Option(
            "--retry-failed",
            help="First queue again the notifications given up after every retry failed.",
        ),
    ] = False,
) -> None:
    """Post the alert notifications due to the webhook now (the service retries by itself)."""

    def action() -> None:
        service = open_service()
        if retry_failed:
            say(f"queued again: {service.monitoring.retry_failed()} given-up notification(s)")
        counts = service.monitoring.deliver()
        out.print(f"delivered {counts['delivered']}, failed {counts['failed']}, "
                  f"still undelivered {counts['undelivered']}")  # fmt: skip

    run(action)


@counterparty_app.command("acknowledge")
def counterparty_acknowledge(
    alert_id: Annotated[int, typer.Argument(metavar="ALERT")],
    reason: Annotated[str, typer.Option(help="A note (optional).")] = "",
) -> None:
    """Say an alert is being looked into."""

    def action() -> None:
        open_service().monitoring.acknowledge(alert_id, reason=reason)
        out.print(f"alert {alert_id} acknowledged")

    run(action)


@counterparty_app.command("resolve")
def counterparty_resolve(
    alert_id: Annotated[int, typer.Argument(metavar="ALERT")],
    resolution: Annotated[str, typer.Argument(help="true_match or false_positive.")],
    reason: Annotated[str, typer.Option(help="Why (recorded and audited).")],
) -> None:
    """Close an alert as a true match or a false positive."""

    def action() -> None:
        open_service().monitoring.resolve(alert_id, resolution, reason=reason)
        out.print(f"alert {alert_id} resolved: {resolution}")

    run(action)


@counterparty_app.command("clearances")
def counterparty_clearances(
    expiring_within: Annotated[int, typer.Option(help="Days ahead.", min=0)] = 30,
    as_json: JsonFlag = False,
) -> None:
    """Clearances expiring soon (each then asks for a re-review)."""

    def action() -> None:
        found = _monitoring().clearances_expiring(expiring_within)
        if as_json:
            from exportguard.api.schemas.monitoring import clearance_out

            print_json([clearance_out(c).model_dump(mode="json") for c in found])
            return
        for c in found:
            party = c.counterparty_id or "screened party"
            say(f"{c.expires_on} {party} {c.name} ({c.tenant or 'authority'}): "
                f"{c.entry_id} cleared by {c.actor}: {c.reason}")  # fmt: skip
        if not found:
            say(f"no clearance expires in the next {expiring_within} day(s)")

    run(action)


@counterparty_app.command("clear")
def counterparty_clear(
    counterparty_id: Annotated[str, typer.Argument(metavar="ID")],
    entry: Annotated[str, typer.Option(help="The list entry id cleared.")],
    reason: Annotated[str, typer.Option(help="Why it is a false positive.")],
    expires: Annotated[
        str | None, typer.Option(help="Clearance expiry date (after today); then re-review.")
    ] = None,
) -> None:
    """Clear a reviewed false positive (until it expires or the entry changes)."""

    def action() -> None:
        open_service().monitoring.clear(
            counterparty_id, entry, reason=reason, expires_on=parse_date(expires, "expires")
        )
        out.print(f"cleared {entry} for {counterparty_id}", highlight=False)

    run(action)
