"""`exportguard decide`, `regimes` and `decision` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from exportguard.cli import app
from exportguard.regimes import bundled_text

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["--db", url, "lists", "import", "--demo"]).exit_code == 0
    return url


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", db, *args])
    return result.exit_code, result.stdout, result.stderr


def test_decide_json_contract(db: str) -> None:
    code, out, err = run(
        db,
        "decide",
        "--regime",
        "il-deca",
        "--regime",
        "us-ear",
        "--item",
        "4D004",
        "--to",
        "MA",
        "--end-user",
        "Moroccan national police",
        "--end-user-type",
        "law-enforcement",
        "--end-use",
        "law-enforcement",
        "--date",
        "2021-12-01",
        "--json",
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["verdict"] == "not_eligible"
    assert set(data) >= {"verdict", "regimes", "versions", "decision_id"}
    il = data["regimes"][0]
    assert il["id"] == "il-deca"
    assert set(il) >= {"id", "verdict", "review_policy", "exception", "reasons"}
    assert set(il["reasons"][0]) >= {"rule", "text", "source", "certainty"}
    assert data["versions"]["regimes"]["il-deca"]["revision"]
    assert data["versions"]["snapshots"][0]["source"] == "exportguard_demo"


def test_decide_text_and_replay(db: str) -> None:
    code, out, _ = run(
        db,
        "decide",
        "--item",
        "EAR99",
        "--to",
        "IL",
        "--end-user",
        "NSO Group",
        "--date",
        "2022-01-10",
        "--regime",
        "us-ear",
    )
    assert code == 0
    assert "LICENCE_REQUIRED" in out
    assert "Presumption of denial" in out
    decision_id = out.split("(decision ")[1].split(")")[0]
    code, out, _ = run(db, "decision", "replay", decision_id)
    assert code == 0
    assert "reproduces the stored decision" in out
    code, out, _ = run(db, "decision", "show", decision_id)
    assert json.loads(out)["decision_id"] == decision_id


def test_decide_bad_input(db: str) -> None:
    code, _, err = run(db, "decide", "--item", "4Z999", "--to", "Narnia", "--date", "2022-01-01")
    assert code == 2
    assert "error: item: unknown control entry '4Z999'" in err
    assert "error: to: unknown country 'Narnia'" in err
    code, _, err = run(db, "decision", "show", "nope")
    assert code == 1
    assert "no decision 'nope'" in err


def test_regimes_list_show_diff(db: str) -> None:
    code, out, _ = run(db, "regimes", "list", "--json")
    assert code == 0
    assert [r["id"] for r in json.loads(out)] == ["il-deca", "us-ear", "eu-dual-use"]
    code, out, _ = run(db, "regimes", "show", "il-deca", "--as-of", "2021-12-01", "--json")
    view = json.loads(out)
    assert view["country_sets"]["eligible-destinations"]["version"] == "list of 37"
    assert len(view["country_sets"]["eligible-destinations"]["members"]) == 37
    code, out, _ = run(
        db, "regimes", "diff", "il-deca", "--from", "2021-11-01", "--to", "2021-12-01"
    )
    assert code == 0
    assert "removed (4): AE MA MX SA" in out
    assert "kept (37)" in out
    code, _, err = run(db, "regimes", "show", "xx")
    assert code == 1
    assert "no regime 'xx'" in err


def test_regimes_validate_and_install(db: str, tmp_path: Path) -> None:
    good = tmp_path / "eu.yaml"
    good.write_text(bundled_text("eu-dual-use").replace('"2026-11-29.1"', '"officer-edit"'))
    code, out, _ = run(db, "regimes", "validate", str(good))
    assert code == 0
    assert "valid regime eu-dual-use officer-edit" in out
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        bundled_text("eu-dual-use").replace("verdict: licence_required", "verdict: maybe", 1)
    )
    code, _, err = run(db, "regimes", "validate", str(bad))
    assert code == 1
    assert f"{bad}, line " in err
    assert "verdict must be one of" in err
    code, out, _ = run(db, "regimes", "install", str(good))
    assert code == 0
    code, out, _ = run(db, "regimes", "list", "--json")
    assert {r["id"]: r["revision"] for r in json.loads(out)}["eu-dual-use"] == "officer-edit"


def test_decide_takes_several_end_users_and_refuses_a_repeated_single_option(db: str) -> None:
    code, out, err = run(
        db, "decide", "--regime", "us-ear", "--item", "EAR99", "--to", "IL",
        "--end-user", "NSO Group", "--end-user", "Acme Ltd", "--consignee", "Globex",
        "--intermediary", "Initech", "--end-user-type", "non-government", "--end-use", "other",
        "--exporter-country", "US", "--date", "2022-06-01", "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["verdict"] == "licence_required"
    assert [p["name"] for p in data["request"]["parties"]] == [
        "NSO Group", "Acme Ltd", "Globex", "Initech"
    ]  # fmt: skip
    for option, values in (("--to", ["IL", "DE"]), ("--end-user-type", ["government", "military"])):
        args = ["decide", "--item", "EAR99", "--date", "2022-06-01"]
        args += [] if option == "--to" else ["--to", "IL"]
        for value in values:
            args += [option, value]
        code, _, err = run(db, *args)
        assert code == 2
        assert f"{option} takes one value, given 2 times" in err


def test_decide_records_the_acting_user(db: str) -> None:
    code, out, _ = run(
        db, "--actor", "officer.cohen", "decide", "--regime", "il-deca", "--item", "4D004",
        "--to", "FR", "--end-user-type", "government", "--end-use", "law-enforcement",
        "--date", "2022-06-01", "--json",
    )  # fmt: skip
    assert code == 0
    decision_id = json.loads(out)["decision_id"]
    code, out, _ = run(db, "decision", "show", decision_id)
    assert json.loads(out)["actor"] == "officer.cohen"


def test_the_default_actor_is_the_operating_system_user(monkeypatch: pytest.MonkeyPatch) -> None:
    from exportguard import settings

    monkeypatch.setattr(settings.getpass, "getuser", lambda: "osuser")
    assert settings.load({}).actor == "osuser"
    assert settings.load({"EXPORTGUARD_ACTOR": "me"}).actor == "me"
