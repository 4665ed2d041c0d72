"""Regenerate the docs that are derived from code: the settings table (from
``exportguard.settings.SETTINGS``) and the CLI reference (from ``--help``).

Run ``make docs``; ``tests/test_docs.py`` fails when the committed files drift.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from typer.testing import CliRunner

DOCS = Path(__file__).resolve().parent


def settings_md() -> str:
    from exportguard.settings import SETTINGS

    lines = [
        "# Settings",
        "",
        "Read once, from the environment, by the entry points (CLI, API, batch workers).",
        "Generated from `exportguard/settings.py` by `make docs`.",
        "",
        "| name | default | meaning |",
        "|---|---|---|",
    ]
    lines += [f"| `{s.name}` | {s.default} | {s.help} |" for s in SETTINGS]
    return "\n".join(lines) + "\n"


def _commands(app: object, prefix: list[str]) -> list[list[str]]:
    import typer.main

    group = typer.main.get_command(app)  # type: ignore[arg-type]
    found: list[list[str]] = [prefix]

    def walk(command: object, path: list[str]) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name in sorted(subcommands):
                found.append([*path, name])
                walk(subcommands[name], [*path, name])

    walk(group, prefix)
    return found


def cli_md() -> str:
    from exportguard.cli import app

    runner = CliRunner()
    parts = ["# CLI reference", "", "Generated from `--help` by `make docs`.", ""]
    for path in _commands(app, []):
        result = runner.invoke(
            app,
            [*path, "--help"],
            prog_name="exportguard",
            env={"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"},
        )
        title = " ".join(["exportguard", *path])
        text = "\n".join(line.rstrip() for line in result.stdout.strip("\n").splitlines())
        parts += [f"## `{title}`", "", "```", text, "```", ""]
    return "\n".join(parts)


TARGETS = {"settings.md": settings_md, "cli.md": cli_md}


def main() -> None:
    os.environ["COLUMNS"] = "100"
    for name, make in TARGETS.items():
        (DOCS / name).write_text(make(), encoding="utf-8")
        print(f"wrote docs/{name}", file=sys.stderr)


if __name__ == "__main__":
    main()
