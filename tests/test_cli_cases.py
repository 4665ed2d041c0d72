"""Licence, report, counterparty, impact and audit commands end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from exportguard.cli import app

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["--db", url, "lists", "import", "--demo"]).exit_code == 0
    return url


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", db, *args])
    return result.exit_code, result.stdout, result.stderr


def test_application_to_revocation(db: str, tmp_path: Path) -> None:
    code, out, err = run(
        db,
        "licence",
        "apply",
        "--exporter",
        "Acme Cyber",
        "--kind",
        "marketing",
        "--regime",
        "il-deca",
        "--item",
        "4D004",
        "--to",
        "FR",
        "--end-user",
        "Police nationale",
        "--end-user-type",
        "law-enforcement",
        "--end-use",
        "law-enforcement",
        "--json",
    )
    assert code == 0, err
    lic = json.loads(out)["id"]
    for event, extra in [
        ("submit", ["--date", "2021-12-10"]),
        ("review", []),
        ("approve", ["--valid-until", "2030-01-01", "--max-value", "500"]),
    ]:
        code, out, err = run(db, "licence", event, lic, "--reason", f"{event} ok", *extra)
        assert code == 0, err
    code, out, err = run(db, "licence", "ship", lic, "--date", "2027-01-01", "--value", "100")
    assert code == 2
    assert "end_user: required" in err  # the licence names its end user: the shipment must
    parties = ["--end-user", "Police nationale", "--end-use", "law-enforcement"]
    code, out, err = run(
        db, "licence", "ship", lic, "--date", "2027-01-01", "--value", "600", *parties
    )
    assert code == 2
    assert "exceeds the remaining balance 500" in err
    code, out, err = run(
        db, "licence", "ship", lic, "--date", "2099-01-01", "--value", "100", *parties
    )
    assert code == 2
    assert "a shipment is recorded when it is made" in err
    code, out, _ = run(db, "licence", "ship", lic, "--value", "100", *parties)  # today
    assert code == 0
    code, out, err = run(db, "licence", "revoke", lic, "--reason", "misuse")
    assert code == 0
    code, out, err = run(db, "licence", "reinstate", lic, "--reason", "oops")
    assert code == 1
    assert "cannot reinstate when revoked" in err
    code, out, _ = run(db, "licence", "show", lic, "--json")
    view = json.loads(out)
    assert [e["event"] for e in view["events"]] == ["submit", "review", "approve", "revoke"]
    assert view["balance"]["value_left"] == 400
    code, out, _ = run(db, "audit", "verify")
    assert code == 0
    assert "audit chain intact" in out


def test_report_counterparty_impact_and_certificate(db: str, tmp_path: Path) -> None:
    code, out, _ = run(
        db,
        "counterparty",
        "add",
        "--exporter",
        "Acme",
        "--name",
        "Candiru Ltd",
        "--country",
        "IL",
        "--json",
    )
    assert code == 0
    party = json.loads(out)
    assert party["alerts"][0]["data"]["listed_name"] == "Candiru"
    code, out, _ = run(db, "counterparty", "alerts", "--json")
    (alert,) = json.loads(out)
    code, out, err = run(
        db,
        "counterparty",
        "clear",
        party["id"],
        "--entry",
        alert["entry_id"],
        "--reason",
        "a different Candiru",
    )
    assert code == 0, err
    code, out, _ = run(db, "counterparty", "alerts", "--json")
    assert json.loads(out) == []
    code, out, err = run(
        db,
        "report",
        "add",
        "--source",
        "Amnesty Tech",
        "--date",
        "2022-01-05",
        "--country",
        "MA",
        "--operator",
        "DGSN",
        "--product",
        "Pegasus",
        "--evidence",
        "AMDA-2021",
        "--confidence",
        "high",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["matches"] == []
    code, out, err = run(
        db, "impact", "regime", "il-deca", "--from", "2021-11-24", "--to", "2021-11-25", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["affected"] == []
    code, out, _ = run(db, "screen", "COSEINC", "--json")
    seq = json.loads(out)["audit_seq"]
    target = tmp_path / "cert.html"
    code, out, err = run(db, "audit", "certificate", str(seq), "-o", str(target))
    assert code == 0, err
    assert "sha256" in out
    assert "Computer Security Initiative Consultancy" in target.read_text()
    code, out, _ = run(db, "audit", "list", "--kind", "screening", "--json")
    assert {r["kind"] for r in json.loads(out)} == {"screening"}


def test_counterparty_import_and_rescreen(db: str, tmp_path: Path) -> None:
    book = tmp_path / "book.csv"
    book.write_bytes(b"\xef\xbb\xbfname,country,role\n"  # a byte-order mark, as Excel writes
                     b"Candiru Ltd,IL,supplier\nNorthwind GmbH,DE,\n")
    code, out, err = run(db, "counterparty", "import", str(book), "--exporter", "Acme", "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert (summary["created"], summary["updated"], summary["unchanged"]) == (2, 0, 0)
    assert [a["data"]["listed_name"] for a in summary["alerts"]] == ["Candiru"]
    code, out, err = run(db, "counterparty", "import", str(book), "--exporter", "Acme")
    assert code == 0, err
    assert "0 added, 0 updated, 2 unchanged; 0 alert(s)" in out
    code, out, err = run(db, "counterparty", "rescreen", "--json")
    assert code == 0, err
    assert (json.loads(out)["mode"], json.loads(out)["treated"]) == ("incremental", 0)
    code, out, err = run(db, "counterparty", "rescreen", "--full")
    assert code == 0, err
    assert "full run: 2 screened, 2 screened in full; 0 new alert(s)" in out
    bad = tmp_path / "bad.csv"
    bad.write_text("name,country\nAcme Ltd,Atlantis\n", encoding="utf-8")
    code, out, err = run(db, "counterparty", "import", str(bad), "--exporter", "Acme")
    assert code == 2
    assert f"{bad}, line 2, country: unknown country 'Atlantis'" in err
    code, out, _ = run(db, "counterparty", "list", "--json")
    assert len(json.loads(out)) == 2
