"""What every command shares: the consoles, the service, error handling, small parsers."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from exportguard import regimes as regime_files
from exportguard import settings as settings_module
from exportguard.errors import ExportGuardError, InvalidInput, SourceFormatError

if TYPE_CHECKING:
    from exportguard.batch.cluster import BookScreener
    from exportguard.services import ExportGuard

#: The consoles print text as it is: no markup (list data contains brackets: "[red]"),
#: no emoji codes (an id like ``ca_sema:Iran:1:149`` holds ":iran:", a flag to rich).
#: Text styled by this program goes through :func:`styled`, its data through :func:`esc`.
out = Console(soft_wrap=True, markup=False, emoji=False)
err = Console(stderr=True, soft_wrap=True, markup=False, emoji=False)

T = TypeVar("T")
#: The bundled regimes' ids, for help texts (from the files: a new regime file shows here).
REGIME_IDS = ", ".join(regime_files.file_ids())
JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


class State:
    db: str | None = None
    actor: str | None = None


def open_service(workers: int | None = None, scheduler: str | None = None) -> ExportGuard:
    """The service, as the settings and the global options say. ``workers`` and
    ``scheduler`` (a command's own options) put the screening step of monitoring runs on
    Dask whatever the book's size; else ``EXPORTGUARD_MONITOR_WORKERS`` and
    ``EXPORTGUARD_MONITOR_SCHEDULER`` do for books of ``batch.cluster.MIN_BOOK`` or more."""
    from exportguard.services import ExportGuard
    from exportguard.services.alerts import WebhookNotifier
    from exportguard.services.audit import AuditKey

    config = settings_module.load()
    notifier = (
        WebhookNotifier(config.webhook_url, secret=config.webhook_secret)
        if config.webhook_url
        else None
    )
    url = State.db or config.database_url
    return ExportGuard(
        url,
        actor=State.actor or config.actor,
        impact_policy=config.impact_policy,
        notifier=notifier,
        audit_key=AuditKey(config.audit_key) if config.audit_key else None,
        screener=book_screener(url, config, workers, scheduler),
    )


def esc(value: object) -> str:
    """``value`` as text that rich markup prints literally (for data inside :func:`styled`)."""
    return escape(str(value))


def styled(markup: str, *, highlight: bool = False) -> None:
    """Print text with rich markup written by this program; every piece of data in it
    must have gone through :func:`esc`. Emoji codes are never replaced."""
    out.print(Text.from_markup(markup, emoji=False), highlight=highlight)


def book_screener(
    url: str, config: settings_module.Settings, workers: int | None, scheduler: str | None
) -> BookScreener | None:
    """A Dask screener for monitoring runs (``batch.cluster.BookScreener``), or None."""
    if workers is not None and workers < 1:
        raise InvalidInput("must be at least 1", field="workers")
    explicit = (workers is not None and workers > 1) or scheduler is not None
    count = workers if workers is not None else config.monitor_workers
    address = scheduler or (None if workers is not None else config.monitor_scheduler)
    if count <= 1 and address is None:
        return None
    from exportguard.batch.cluster import MIN_BOOK, BookScreener

    return BookScreener(url, workers=max(count, 1), scheduler=address,
                        min_parties=0 if explicit else MIN_BOOK)  # fmt: skip


def say(text: str) -> None:
    """Print plain text: no markup, no highlighting (list data may contain brackets)."""
    out.print(text, markup=False, highlight=False)


def warn(text: str) -> None:
    """Print plain text to standard error."""
    err.print(text, markup=False, highlight=False)


def print_json(data: object) -> None:
    """Print data as JSON (dates and other scalars as strings; non-ASCII kept)."""
    out.print_json(json.dumps(data, ensure_ascii=False, default=str))


def run(action: Callable[[], T]) -> T:
    try:
        return action()
    except InvalidInput as exc:
        for problem in exc.errors:
            warn(f"error: {problem.field}: {problem.message}")
        raise typer.Exit(2) from None
    except SourceFormatError as exc:
        warn(f"error: {exc}")
        raise typer.Exit(2) from None
    except ExportGuardError as exc:
        warn(f"error: {exc}")
        raise typer.Exit(1) from None


def parse_date(value: str | None, field: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"not a date (YYYY-MM-DD): {value!r}", field=field) from None


def make_table(*headers: str) -> Table:
    table = Table()
    for header in headers:
        table.add_column(header, overflow="fold")
    return table
