"""Commands that screen: one party (``screen``), a CSV file of parties (``screen-batch``)."""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from exportguard.cli import app
from exportguard.cli.common import (
    JsonFlag,
    esc,
    open_service,
    out,
    parse_date,
    print_json,
    run,
    say,
    styled,
    warn,
)
from exportguard.core.thresholds import DEFAULT_THRESHOLD


@app.command("screen")
def screen_command(
    name: Annotated[str, typer.Argument(help="The party's name, in any script.")],
    country: Annotated[str | None, typer.Option(help="Country (ISO code or name).")] = None,
    type: Annotated[
        str | None, typer.Option("--type", help="person | organization | vessel | aircraft")
    ] = None,
    birth_date: Annotated[str | None, typer.Option(help="YYYY[-MM[-DD]] for persons.")] = None,
    identifier: Annotated[
        list[str] | None, typer.Option(help="Passport, registration or IMO number (repeatable).")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(help="Screen against the lists as they stood on this date (YYYY-MM-DD)."),
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many hits shown.")] = 10,
    threshold: Annotated[float, typer.Option(help="Lowest score reported.")] = DEFAULT_THRESHOLD,
    source: Annotated[
        list[str] | None,
        typer.Option(help="Only this list source, e.g. us_ofac_sdn (repeatable)."),
    ] = None,
    list_name: Annotated[
        list[str] | None,
        typer.Option(
            "--list", help="Only lists whose name contains this text, e.g. 'Entity List'."
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Screen one party against every imported list (as of today unless --as-of)."""

    def action() -> None:
        when = parse_date(as_of, "as_of")
        service = open_service()
        result = service.screen(
            name,
            country=country,
            type=type,
            birth_date=birth_date,
            identifiers=identifier or [],
            as_of=when,
            limit=limit,
            threshold=threshold,
            sources=source or None,
            lists=list_name or None,
        )
        reviewed = service.cases.review(result)  # as the API and the web show it
        if as_json:
            print_json(reviewed)
            return
        _render_screening(reviewed)

    run(action)


#: How many characters of a hit's remarks the text output shows (all of them in --json).
_REMARKS_SHOWN = 300


def _shortened(text: str, limit: int) -> str:
    """``text`` on one line (white space collapsed), cut to its first ``limit``
    characters with "…" when longer."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[:limit].rstrip() + "…"


def _notes(data: dict[str, Any]) -> None:
    """What the officer must know of the snapshots' dates (stderr)."""
    for snap in data["snapshots"]:
        if snap.get("date_basis") in ("newest-listing", "import-date"):
            warn(
                f"note: snapshot {snap['id']} ({snap['source']}) states no publication date: "
                f"dated {snap['published']} by its {snap['date_basis'].replace('-', ' ')}"
            )
    for warning in data.get("warnings", []):
        warn(f"note: {warning}")


def _render_screening(data: dict[str, Any]) -> None:
    q = data["query"]
    scope = f"entries in force on {data['as_of']}"
    if data["sources"]:
        scope += ", sources " + ", ".join(data["sources"])
    if data["lists"]:
        scope += ", lists containing " + " or ".join(repr(x) for x in data["lists"])
    what = []
    if q["name"]:
        what.append(f"[bold]{esc(q['name'])}[/] (normalised: {esc(q['normalised'])})")
    if q["identifiers"]:
        ids = ", ".join(q["identifiers"])
        what.append(f"{'with ' if q['name'] else ''}identifier(s) [bold]{esc(ids)}[/]")
    styled(
        f"Screening {' '.join(what)} against "
        f"{len(data['snapshots'])} list snapshot(s), {esc(scope)}, threshold "
        f"{data['threshold']:.2f}"
    )
    _notes(data)
    if not data["snapshots"]:
        styled(
            "[yellow]No lists imported: nothing was screened. "
            "Try: exportguard lists import --demo[/]"
        )
        return
    if not data["hits"]:
        styled("[green]No hit.[/]")
        return
    total, shown = data["total_hits"], data["shown"]
    if total > shown:
        say(f"{total} hits, {shown} shown (--limit {shown}); the rest score lower.")
    else:
        say(f"{total} hit(s).")
    if data.get("cleared_hits"):
        say(
            f"{data['cleared_hits']} of the hits shown cleared by an earlier review of this "
            f"party (a reviewed false positive, on the same version of the list entry); "
            f"{data['open_hits']} to review."
        )
    for hit in data["hits"]:
        _render_hit(hit)
    _render_profiles(data.get("profiles") or [])


def _render_hit(hit: dict[str, Any]) -> None:
    """One hit: the listing, its facts, its documents and details, why it matched."""
    styled(
        f"\n[bold]{hit['rank']}. {hit['score']:.3f}  {esc(hit['name'])}[/]  "
        f"({esc(hit['type'])}, {esc(hit['entity_id'])})"
    )
    say(f"   list: {hit['list_name']}")
    review = hit.get("review") or {}
    if review.get("cleared"):
        c = review.get("clearance") or {}
        case = f" (case {c['case_id']})" if c.get("case_id") else ""
        confirmed = f", confirmed by {c['confirmed_by']}" if c.get("confirmed_by") else ""
        until = f", until {c['expires_on']}" if c.get("expires_on") else ""
        styled(
            f"   [green]cleared false positive{esc(case)}[/]: decided by "
            f"{esc(str(c.get('actor', '')))}{esc(confirmed)}{esc(until)}; it shows again if "
            "the list entry changes"
        )
    if hit["matched_name"] != hit["name"]:
        say(f"   matched alias: {hit['matched_name']}")
    facts = []
    if hit["programs"]:
        facts.append("programs: " + "; ".join(hit["programs"]))
    if hit["countries"]:
        facts.append("countries: " + ", ".join(hit["countries"]))
    facts.append(f"listed from {hit['listed_from'] or 'an unpublished date'}")
    facts.append(f"until {hit['listed_until']}" if hit["listed_until"] else "no end date")
    if hit.get("list_published"):
        facts.append(f"list published {hit['list_published']}")
    if len(hit["rows"]) > 1:
        facts.append(f"one listing over {len(hit['rows'])} rows: {', '.join(hit['rows'])}")
    if hit["citation"]:
        facts.append(hit["citation"])
    if facts:
        say("   " + " | ".join(facts))
    if hit["licence_requirement"] or hit["licence_policy"]:
        say(
            f"   licence requirement: {hit['licence_requirement'] or '-'}; "
            f"policy: {hit['licence_policy'] or '-'}"
        )
    for doc in hit.get("documents") or []:
        say("   document: " + _document_line(doc))
    for detail in hit.get("details") or []:
        say(f"   {detail['label']}: {detail['value']}")
    remarks = (hit.get("entry") or {}).get("remarks")
    if remarks:
        say("   remarks: " + _shortened(remarks, _REMARKS_SHOWN))
    for sentence in hit.get("plain_explanation") or []:
        say(f"   - {sentence}")
    out.print("   why:", highlight=False)
    for f in hit["explanation"]:
        say(f"     {f['feature']:<11} {f['contribution']:+.3f}  {f['detail']}")


def _render_profiles(profiles: list[dict[str, Any]]) -> None:
    """The parties of several listings, and name-only likenesses, after the hits."""
    said = [p for p in profiles if len(p["hits"]) > 1 or p["possibly_same"]]
    if not said:
        return
    styled("\n[bold]Parties[/] (hits of one listed party, and why)")
    for p in said:
        say(f"  {p['name']}: hits {', '.join(str(rank) for rank in p['hits'])}")
        for lk in p["links"]:
            say(f"     {lk['from']} and {lk['to']}: {lk['reason']}")
        for note in p["possibly_same"]:
            say(f"     possibly the same party as {note['other']} (hits of party "
                f"{note['profile']}): {note['reason']}; not joined")  # fmt: skip


def _document_line(doc: dict[str, Any]) -> str:
    """One identifier of a hit on one line: kind (the list's label), number, country,
    dates, issuer, place, flags, note."""
    head = doc["kind"] + (f" ({doc['label']})" if doc.get("label") else "")
    parts = [f"{head} {doc['value']}"]
    if doc.get("published"):
        parts.append(f"published as {doc['published']!r}")
    for key, label in (
        ("country", "country"), ("issue_date", "issued"), ("expiry_date", "expires"),
        ("stated_date", "date (issue or expiry)"), ("authority", "issued by"),
        ("place", "issued in"),
    ):  # fmt: skip
        if doc.get(key):
            parts.append(f"{label} {doc[key]}")
    if doc.get("known_expired"):
        parts.append("known expired")
    if doc.get("invalid"):
        parts.append("not valid")
    if doc.get("note"):
        parts.append(f"note: {doc['note']}")
    return "; ".join(parts)


@app.command("screen-batch")
def screen_batch_command(
    input: Annotated[
        Path,
        typer.Argument(help="CSV with a header: id,name[,country,type,birth_date,identifiers]."),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV of hits to write.")],
    threshold: Annotated[float, typer.Option(help="Lowest score reported.")] = DEFAULT_THRESHOLD,
    limit: Annotated[int, typer.Option(help="At most this many hits per row.")] = 10,
    as_of: Annotated[str | None, typer.Option(help="Lists as of this date.")] = None,
    workers: Annotated[
        int,
        typer.Option(
            help="Worker processes: 1 screens in this process, more start a local Dask cluster."
        ),
    ] = 1,
    scheduler: Annotated[
        str | None,
        typer.Option(
            help="Address of a running Dask scheduler (tcp://host:8786) to send "
            "the work to; its workers must reach the same database."
        ),
    ] = None,
) -> None:
    """Screen every row of a CSV file; write one output row per hit."""

    def action() -> None:
        from exportguard.batch import local

        when = parse_date(as_of, "as_of")
        service = open_service()
        rows = local.read_input(input)
        progress = sys.stderr.isatty()
        count = local.run(
            service,
            rows,
            output,
            threshold=threshold,
            limit=limit,
            as_of=when,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
        )
        warn(f"screened {len(rows)} row(s); wrote {count} line(s) to {output}")

    run(action)
