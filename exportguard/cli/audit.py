"""The tamper-evident audit trail: list, show, verify, anchor, certificates."""

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from exportguard.cli import app
from exportguard.cli.common import JsonFlag, open_service, out, print_json, run, say
from exportguard.errors import InvalidInput

audit_app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(
    head: Annotated[
        Path | None,
        typer.Option(help="A head you kept (from `audit head`): the chain must still hold it."),
    ] = None,
    public_key: Annotated[
        Path | None,
        typer.Option(help="The PEM public key to check signatures with (default: the "
                     "configured key's)."),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Check the hash chain, its signed checkpoints and a kept head: any change, removal or
    reordering is named; exit 1 if anything is wrong."""

    def action() -> None:
        kept = _read_json(head) if head else None
        pem = public_key.read_text(encoding="utf-8") if public_key else None
        result = open_service().audit.verify(kept_head=kept, public_key=pem)
        if as_json:
            print_json(result.to_dict())
        elif result.ok:
            anchored = (
                f"; {result.checkpoints} signed checkpoint(s)"
                + (" and the kept head" if kept else "") + " agree"
                if result.anchored else "; NOT anchored (no checkpoint or kept head checked)"
            )  # fmt: skip
            out.print(
                f"audit chain intact: {result.records} record(s), head "
                f"{result.head[1] if result.head else '-'}{anchored}",
                highlight=False,
            )
        else:
            for problem in result.problems:
                say(f"BROKEN: {problem}")
        if not result.ok:
            raise typer.Exit(1)

    run(action)


@audit_app.command("head")
def audit_head(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the head here (JSON).")
    ] = None,
) -> None:
    """Sign the chain's head now and print it (JSON) for an auditor to keep outside this
    system; `audit verify --head FILE` later proves nothing before it was rewritten or cut."""

    def action() -> None:
        exported = open_service().audit.head()
        text = json.dumps(exported, indent=2) + "\n"
        if output is not None:
            output.write_text(text, encoding="utf-8")
            out.print(f"wrote {output}: record {exported['seq']}", highlight=False)
        else:
            out.print(text, end="", highlight=False, markup=False)

    run(action)


@audit_app.command("list")
def audit_list(
    kind: Annotated[str | None, typer.Option(help="screening, decision, licence-event ...")] = None,
    subject: Annotated[str | None, typer.Option()] = None,
    actor: Annotated[str | None, typer.Option()] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 100,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    as_json: JsonFlag = False,
) -> None:
    """Audit records, oldest first, a page at a time."""

    def action() -> None:
        records, total = open_service().audit.page(
            limit=limit, offset=offset, kind=kind, subject=subject, actor=actor
        )
        if as_json:
            print_json([r.to_dict() for r in records])
            return
        for r in records:
            say(f"{r.seq} {r.at} {r.actor} {r.kind} {r.subject} {r.hash[:12]}")
        if offset + len(records) < total:
            say(f"{len(records)} of {total} shown; --offset {offset + len(records)} for more")

    run(action)


@audit_app.command("show")
def audit_show(seq: int) -> None:
    """One audit record (JSON)."""
    run(lambda: print_json(open_service().audit.get(seq).to_dict()))


@audit_app.command("certificate")
def audit_certificate(
    seq: Annotated[int, typer.Argument(help="The screening's audit record number.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML file to write.")],
) -> None:
    """A screening certificate (HTML) with its SHA-256 digest."""

    def action() -> None:
        document, digest = open_service().audit.certificate(seq)
        output.write_text(document, encoding="utf-8")
        out.print(f"wrote {output}; sha256 {digest}", highlight=False)

    run(action)


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"{path}: not a readable JSON head ({exc})", field="head") from None
    if not isinstance(data, dict):
        raise InvalidInput(f"{path}: a head is a JSON object", field="head")
    return data
