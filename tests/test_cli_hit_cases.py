"""Hit review cases from the command line: the second officer is another ``--actor``; the
officer who decided cannot confirm (exit 1, the four-eyes message)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from exportguard.cli import app

runner = CliRunner()
SDN = "exportguard_demo:sdn-31455"


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert runner.invoke(app, ["--db", url, "lists", "import", "--demo"]).exit_code == 0
    return url


def run(db: str, actor: str, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", db, "--actor", actor, *args])
    return result.exit_code, result.stdout, result.stderr


def test_four_eyes_from_the_command_line(db: str) -> None:
    code, out, err = run(db, "ann", "screen", "Positive Technologies", "--country", "RU",
                         "--json")  # fmt: skip
    assert code == 0, err
    seq = str(json.loads(out)["audit_seq"])
    code, out, err = run(db, "ann", "case", "open", "screening", seq, SDN, "--json")
    assert code == 0, err
    case = json.loads(out)
    assert (case["created"], case["state"], case["sanctioned"]) == (True, "open", True)
    code, out, err = run(db, "ann", "case", "decide", case["id"], "false_positive",
                         "--reason-code", "true_match", "--note", "x")  # fmt: skip
    assert code == 2
    assert "error: reason_code: must be one of identifier_match" in err
    code, out, err = run(db, "ann", "case", "decide", case["id"], "false_positive",
                         "--reason-code", "country_differs",
                         "--note", "a Kazakh distributor")  # fmt: skip
    assert code == 0, err
    assert "[pending confirmation]" in out
    assert f"exportguard --actor OTHER case confirm {case['id']}" in out
    code, out, err = run(db, "ann", "case", "confirm", case["id"])
    assert code == 1
    assert "a second, different officer must confirm it" in err
    code, out, err = run(db, "ben", "case", "confirm", case["id"], "--note", "agreed")
    assert code == 0, err
    assert "[closed]" in out
    assert "confirmed by ben" in out
    code, out, err = run(db, "ben", "case", "list", "--state", "closed")
    assert code == 0, err
    assert case["id"] in out
    assert "1 case(s)" in out
    code, out, err = run(db, "ben", "case", "show", case["id"])
    assert code == 0, err
    assert "The country, nationality or address differs: a Kazakh distributor" in out
    code, out, err = run(db, "ann", "case", "reasons")
    assert "birth_date_differs: The date of birth differs (false_positive)" in out


def test_screen_marks_a_hit_cleared_by_a_closed_false_positive(db: str) -> None:
    code, out, err = run(db, "ann", "screen", "Positive Technologies", "--country", "RU",
                         "--json")  # fmt: skip
    assert code == 0, err
    first = json.loads(out)
    assert first["cleared_hits"] == 0
    case = json.loads(run(db, "ann", "case", "open", "screening", str(first["audit_seq"]),
                          SDN, "--json")[1])  # fmt: skip
    run(db, "ann", "case", "decide", case["id"], "false_positive", "--reason-code",
        "country_differs", "--note", "a Kazakh distributor")  # fmt: skip
    assert run(db, "ben", "case", "confirm", case["id"])[0] == 0
    code, out, err = run(db, "ann", "screen", "Positive Technologies", "--country", "RU")
    assert code == 0, err
    assert "1 of the hits shown cleared by an earlier review of this party" in out
    assert f"cleared false positive (case {case['id']}): decided by ann, confirmed by ben" in out
    code, out, err = run(db, "ann", "screen", "Positive Technologies", "--country", "RU",
                         "--json")  # fmt: skip
    cleared = [h for h in json.loads(out)["hits"] if h["review"]["cleared"]]
    assert [h["entity_id"] for h in cleared] == [SDN]
    # Another party (no country given) is not cleared by that review.
    code, out, err = run(db, "ann", "screen", "Positive Technologies")
    assert code == 0, err
    assert "cleared false positive" not in out
