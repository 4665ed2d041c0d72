"""The ``exportguard`` command end to end (Typer's runner, a real store in tmp)."""

from __future__ import annotations

import csv
import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from exportguard.cli import app

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", db, *args])
    return result.exit_code, result.stdout, result.stderr


def test_demo_then_screen_json(db: str) -> None:
    code, out, _ = run(db, "lists", "import", "--demo", "--json")
    assert code == 0
    assert json.loads(out)["snapshots"][0]["source"] == "exportguard_demo"
    code, out, _ = run(db, "screen", "NSO Group", "--json")
    assert code == 0
    data = json.loads(out)
    hit = data["hits"][0]
    assert hit["name"] == "NSO Group"
    assert hit["list_name"] == "Entity List (EL) - Bureau of Industry and Security"
    assert hit["licence_policy"] == "Presumption of denial."
    assert hit["citation"] == "86 FR 60760"
    assert hit["explanation"][0]["feature"] == "name"
    assert set(hit) >= {"rank", "score", "entity_id", "source", "matched_name", "entry"}
    assert data["snapshots"][0]["source"] == "exportguard_demo"


def test_screen_text_explains_each_hit(db: str) -> None:
    run(db, "lists", "import", "--demo")
    code, out, _ = run(db, "screen", "קנדירו")
    assert code == 0
    assert "Candiru" in out
    assert "why:" in out
    assert "phonetic" in out


def test_screen_text_groups_the_listings_of_one_party(db: str) -> None:
    run(db, "lists", "import", "--demo")
    code, out, _ = run(db, "screen", "Positive Technologies", "--country", "RU")
    assert code == 0
    assert "- the listed name has the extra legal form 'jsc'" in out
    assert "list published 2022-05-16" in out
    parties = out[out.index("Parties"):]
    assert ": hits 1, 2, 3\n" in parties  # one party of the three listings
    assert "both organizations tied to RU" in parties
    code, out, _ = run(db, "screen", "Positive Technologies", "--json")
    (profile,) = json.loads(out)["profiles"]
    assert profile["hits"] == [1, 2, 3]


def test_screen_with_nothing_imported_says_so(db: str) -> None:
    code, out, _ = run(db, "screen", "NSO Group")
    assert code == 0
    assert "No lists imported" in out


def test_lists_import_real_file_and_show(db: str, lists_dir: Path) -> None:
    code, out, _ = run(db, "lists", "import", str(lists_dir / "us_bis_dpl"), "--json")
    assert code == 0
    snapshot = json.loads(out)["snapshots"][0]
    assert snapshot["source"] == "us_bis_dpl"
    assert snapshot["counts"]["entries"] == 546
    code, out, _ = run(db, "lists", "import", str(lists_dir / "us_bis_dpl"))
    assert "unchanged" in out
    code, out, _ = run(db, "lists", "show", "--json")
    assert [s["source"] for s in json.loads(out)] == ["us_bis_dpl"]


def test_bad_input_exits_2_with_field(db: str, tmp_path: Path) -> None:
    code, _, err = run(db, "screen", "NSO", "--country", "Atlantis")
    assert code == 2
    assert "error: country: unknown country 'Atlantis'" in err
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>')
    code, _, err = run(db, "lists", "import", str(bad))
    assert code == 2
    assert "bad.xml" in err
    assert "DOCTYPE" in err
    code, _, err = run(db, "screen", "NSO", "--as-of", "2021-13-01")
    assert code == 2
    assert "as_of" in err


def test_screen_batch(db: str, tmp_path: Path) -> None:
    run(db, "lists", "import", "--demo")
    source = tmp_path / "in.csv"
    source.write_text(
        "id,name,country\n1,NSO Group,IL\n2,Acme Widgets,US\n3,Позитив Текнолоджиз,\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.csv"
    code, _, err = run(db, "screen-batch", str(source), "--output", str(target))
    assert code == 0, err
    rows = list(csv.DictReader(target.read_text(encoding="utf-8").splitlines()))
    assert set(rows[0]) >= {
        "id",
        "rank",
        "score",
        "entity_id",
        "source",
        "list_name",
        "matched_name",
    }
    by_id: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_id.setdefault(row["id"], []).append(row)
    assert by_id["1"][0]["entity_id"] == "exportguard_demo:el-nso-group"
    assert by_id["2"] == [{**by_id["2"][0], "rank": "", "entity_id": ""}]
    assert {r["matched_name"] for r in by_id["3"]} >= {"Positive Technologies"}


def test_screen_batch_output_never_starts_a_spreadsheet_formula(db: str, tmp_path: Path) -> None:
    """Review finding: names such as ``=HYPERLINK(...)`` or ``@SUM(1+1)`` were written as
    they came, and a spreadsheet opening the result would run them."""
    run(db, "lists", "import", "--demo")
    source = tmp_path / "in.csv"
    source.write_text(
        'id,name\n=1+1,"=HYPERLINK(""http://x"",""y"")"\n2,@SUM(1+1)\n3,+NSO Group\n'
        "4,-NSO Group\n5,NSO Group\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.csv"
    code, _, err = run(db, "screen-batch", str(source), "--output", str(target))
    assert code == 0, err
    rows = list(csv.DictReader(target.read_text(encoding="utf-8").splitlines()))
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), row
    queries = {row["query_name"] for row in rows}
    assert {"'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(1+1)", "'+NSO Group"} <= queries
    assert "NSO Group" in {row["name"] for row in rows}
    assert {row["id"] for row in rows} >= {"'=1+1", "2", "5"}


def test_screen_batch_two_workers_matches_one(db: str, tmp_path: Path) -> None:
    run(db, "lists", "import", "--demo")
    source = tmp_path / "in.csv"
    names = ["NSO Group", "Candiru", "Saito Tech", "COSEINC", "Nobody Inc"] * 3
    source.write_text("id,name\n" + "".join(f"{i},{n}\n" for i, n in enumerate(names)))
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert run(db, "screen-batch", str(source), "-o", str(one))[0] == 0
    assert run(db, "screen-batch", str(source), "-o", str(two), "--workers", "2")[0] == 0
    assert one.read_text() == two.read_text()


def test_screen_batch_bad_rows_name_their_line(db: str, tmp_path: Path) -> None:
    run(db, "lists", "import", "--demo")
    source = tmp_path / "in.csv"
    source.write_text("id,name,type\n1,NSO,organization\n1,Dup,\n3,,\n4,X,spaceship\n")
    target = tmp_path / "out.csv"
    code, _, err = run(db, "screen-batch", str(source), "--output", str(target))
    assert code == 2
    assert "line 3: id: duplicate id '1'" in err
    assert "line 4: name: must not be empty" in err
    assert "line 5: type" in err
    assert not target.exists()
    missing = tmp_path / "nocol.csv"
    missing.write_text("ident,label\n1,x\n")
    code, _, err = run(db, "screen-batch", str(missing), "--output", str(target))
    assert code == 2
    assert "missing column(s): id, name" in err


@pytest.fixture
def feed_server(tmp_path: Path, lists_dir: Path) -> Iterator[str]:
    """A local HTTP server publishing two list files (and nothing else)."""
    root = tmp_path / "www"
    root.mkdir()
    shutil.copy(lists_dir / "us_bis_dpl/2023-11-30/dpl.txt", root / "dpl.txt")
    shutil.copy(lists_dir / "uk_fcdo/sample_2026-09-10/sample_uk_sanctions.xml", root / "uk.xml")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_lists_update_from_a_local_server(db: str, tmp_path: Path, feed_server: str) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(
        "feeds:\n"
        f"  - {{name: dpl, files: [{{url: '{feed_server}/dpl.txt', name: dpl.txt}}]}}\n"
        f"  - {{name: uk, files: [{{url: '{feed_server}/uk.xml', name: uk.xml}}]}}\n"
        f"  - {{name: gone, files: [{{url: '{feed_server}/missing.csv', name: x.csv}}]}}\n"
    )
    code, out, err = run(db, "lists", "update", "--feeds-file", str(feeds))
    assert code == 1  # one feed failed
    assert "dpl: snapshot" in out
    assert "uk: snapshot" in out
    assert "gone: failed" in err
    assert "HTTP 404" in err
    code, out, _ = run(db, "lists", "update", "--feeds-file", str(feeds), "--feed", "dpl")
    assert code == 0
    assert "unchanged" in out
    code, _, err = run(db, "lists", "update", "--feeds-file", str(feeds), "--feed", "nope")
    assert code == 2
    assert "unknown feed(s) nope" in err


def test_bundled_feed_table_is_valid() -> None:
    from exportguard.sources import download

    feeds = download.load_feeds()
    assert {f.name for f in feeds} >= {"us_ofac_sdn", "us_trade_csl", "un_sc", "eu_fsf"}
    assert all(f.url.startswith("https://") for feed in feeds for f in feed.files)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "example.org", "::"])
def test_demo_accounts_are_never_served_beyond_loopback(
    db: str, host: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXPORTGUARD_DEMO", "0")  # restored after: serve sets it to 1
    code, _, err = run(db, "serve", "--demo", "--host", host)
    assert code == 2
    assert "127.0.0.1 only" in err


def test_the_service_makes_no_demo_accounts_unless_asked(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from exportguard.api import create_app
    from exportguard.services import ExportGuard

    monkeypatch.delenv("EXPORTGUARD_DEMO", raising=False)
    service = ExportGuard(db)
    try:
        create_app(service, worker=False)
        assert service.accounts.users() == []
        assert service.snapshots() == []
    finally:
        service.close()


def test_a_store_with_public_demo_passwords_is_not_served_beyond_loopback(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from exportguard.services import ExportGuard

    monkeypatch.setenv("EXPORTGUARD_DEMO", "0")
    service = ExportGuard(db)
    try:
        service.accounts.ensure_demo()
    finally:
        service.close()
    code, _, err = run(db, "serve", "--host", "0.0.0.0")
    assert code == 2
    flat = " ".join(err.replace("│", " ").split())
    assert "demo accounts with their public passwords" in flat


def test_screen_batch_takes_birth_dates_identifiers_and_british_spelling(
    db: str, tmp_path: Path
) -> None:
    """Second review of issue 13: a birth_date column was silently ignored, "organisation"
    refused, and the refusal did not name the words the page says are taken."""
    run(db, "lists", "import", "--demo")
    source = tmp_path / "in.csv"
    source.write_text(
        "id,name,type,birth_date,identifiers\n1,NSO Group,organisation,,\n"
        "2,,,,7718668887\n3,Someone,person,1970-13-45,\n",
        encoding="utf-8",
    )
    code, _, err = run(db, "screen-batch", str(source), "--output", str(tmp_path / "o.csv"))
    assert code == 2
    assert "line 4: birth_date" in err
    source.write_text(
        "id,name,type,identifiers\n1,NSO Group,organisation,\n2,,,7718668887\n"
        "3,Acme,company,\n",
        encoding="utf-8",
    )
    code, _, err = run(db, "screen-batch", str(source), "--output", str(tmp_path / "o.csv"))
    assert code == 2
    assert "line 4: type: must be person (or individual), organization (or organisation" in err
    source.write_text(
        "id,name,type,identifiers\n1,NSO Group,organisation,\n2,,,7718668887\n",
        encoding="utf-8",
    )
    target = tmp_path / "out.csv"
    code, _, err = run(db, "screen-batch", str(source), "--output", str(target))
    assert code == 0, err
    rows = list(csv.DictReader(target.read_text(encoding="utf-8").splitlines()))
    assert "exportguard_demo:el-nso-group" in {r["entity_id"] for r in rows if r["id"] == "1"}
    # An identifier alone finds Positive Technologies by its tax number.
    assert {r["name"] for r in rows if r["id"] == "2"} & {
        "Positive Technologies", "AKTSIONERNOE OBSHCHESTVO POZITIV TEKNOLODZHIZ"}
