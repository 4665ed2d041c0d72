"""The ``exportguard`` command: thin. Parse arguments, call services, render.

Errors from ExportGuard print as one clear line on stderr and exit with status 2 (bad
input) or 1 (anything else we raise on purpose); ``--json`` output is stable and is the
contract other tools use.

The command modules do not use ``from __future__ import annotations``: Typer would then
evaluate every annotation string of every command at start-up (0.05 s of a one-off
``screen`` on a small machine).
"""

from typing import Annotated

import typer

from exportguard.cli.common import State

app = typer.Typer(
    help="ExportGuard: export control of cyber-surveillance technology.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def main_options(
    db: Annotated[
        str | None, typer.Option("--db", help="Database URL (overrides EXPORTGUARD_DATABASE_URL).")
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option(
            "--actor",
            help="Who is acting, for the audit trail (default: EXPORTGUARD_ACTOR, else the "
            "operating-system user).",
        ),
    ] = None,
) -> None:
    """ExportGuard: export control of cyber-surveillance technology."""
    State.db = db
    State.actor = actor.strip() if actor and actor.strip() else None


# The command modules register their commands on ``app``, in this order in --help.
# isort: off
from exportguard.cli import (  # noqa: E402 - register
    lists,
    screening,
    amendments,
    audit,
    cases,
    reports,
    counterparties,
    decisions,
    hit_cases,
    service,
)

# isort: on

__all__ = [
    "amendments", "app", "audit", "cases", "counterparties", "decisions", "hit_cases",
    "lists", "main", "reports", "screening", "service",
]  # fmt: skip


def main() -> None:
    """Console-script entry point."""
    app()
