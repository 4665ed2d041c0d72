"""Screening through the service, the CLI and the API on real lists, review of issue 11:
identifier-only screening everywhere, list/source filters that name what they did not
find, and CLI output that prints list data literally (no rich markup, no emoji codes)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from exportguard.cli import app
from exportguard.errors import InvalidInput
from exportguard.services import ExportGuard

CSL = "us_trade_csl/2022-05-16/consolidated.csv"  # HAVIN BANK LIMITED: SWIFT/BIC HAVIGB2L
SEMA = "ca_sema/2020-04/sema-lmes.xml"  # ids such as ca_sema:Iran:1:149
HAVIN = "us_trade_csl:SDN-906"


@pytest.mark.imported(CSL)
def test_identifier_only_and_filters_in_the_service(service: ExportGuard) -> None:
    loaded = service  # the CSL imported
    found = loaded.screen("", identifiers=["SWIFT/BIC HAVIGB2LXXX"], record=False)
    assert HAVIN in {h.entry.id for h in found.hits}
    assert found.to_dict()["query"]["identifiers"] == ["havigb2l"]
    upper = loaded.screen("Huawei", sources=["US_TRADE_CSL"], record=False)
    assert upper.hits
    assert upper.to_dict()["sources"] == ["us_trade_csl"]
    with pytest.raises(InvalidInput) as caught:
        loaded.screen("Huawei", lists=["Entitylist"], record=False)
    (error,) = caught.value.errors
    assert error.field == "lists"
    assert "'Entitylist'" in error.message
    assert "Entity List (EL) - Bureau of Industry and Security" in error.message
    with pytest.raises(InvalidInput) as caught:
        loaded.screen("", identifiers=[], record=False)
    assert caught.value.errors[0].field == "name"


def test_cli_identifier_only_misspelt_list_and_literal_output(
    tmp_path: Path, lists_dir: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    for rel in (CSL, SEMA):
        imported = runner.invoke(app, ["--db", db, "lists", "import", str(lists_dir / rel)])
        assert imported.exit_code == 0, imported.output
    result = runner.invoke(app, ["--db", db, "screen", "", "--identifier", "HAVIGB2LXXX"])
    assert result.exit_code == 0, result.output
    assert "Screening identifier(s) havigb2l against" in result.stdout
    assert "HAVIN BANK LIMITED" in result.stdout
    assert "decides the score" in result.stdout
    assert "(normalised: )" not in result.stdout

    result = runner.invoke(app, ["--db", db, "screen", "Huawei", "--list", "Entitylist"])
    assert result.exit_code == 2
    assert "no list name in the lists screened contains 'Entitylist'" in result.stderr
    assert "Entity List (EL)" in result.stderr
    result = runner.invoke(app, ["--db", db, "screen", "Huawei", "--source", "US_TRADE_CSL"])
    assert result.exit_code == 0, result.output

    # An id holding ":iran:" prints as written, not as a flag; brackets in a name too.
    result = runner.invoke(
        app, ["--db", db, "screen", "Aerospace Industries Organization [red]", "--threshold",
              "0.5", "--source", "ca_sema"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "ca_sema:Iran:1:1" in result.stdout
    assert "\U0001f1ee\U0001f1f7" not in result.stdout  # the Iranian flag
    assert "Screening Aerospace Industries Organization [red] (normalised:" in result.stdout


def test_cli_prints_brackets_and_emoji_codes_in_any_output() -> None:
    from exportguard.cli.common import err, esc, out, styled

    with out.capture() as captured:
        out.print("ca_sema:Iran:1:149 [red]X[/red] :smile:")
        styled(f"[bold]{esc('[red]NAME[/] :iran:')}[/]")
    text = captured.get()
    assert "ca_sema:Iran:1:149 [red]X[/red] :smile:" in text
    assert "[red]NAME[/] :iran:" in text
    assert err.no_color is not None  # the error console exists and is configured alike
    with err.capture() as captured_err:
        err.print("id :iran: [bold]")
    assert "id :iran: [bold]" in captured_err.get()
