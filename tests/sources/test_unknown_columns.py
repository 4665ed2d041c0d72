"""Bad input: a column the format does not define is said (a snapshot warning naming the
file and the column), a required column missing refuses the file (file, line, field)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest

from exportguard.core.snapshots import SourceFile
from exportguard.errors import SourceFormatError
from exportguard.sources import bis_dpl, csl


def _with_column(text: str, delimiter: str, name: str, value: str) -> str:
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow([*rows[0], name])
    for row in rows[1:]:
        writer.writerow([*row, value] if row else row)
    return out.getvalue()


def test_an_extra_csl_column_is_a_warning(source_file: Callable[[str], SourceFile]) -> None:
    real = source_file("us_trade_csl/sample_small/consolidated.csv")
    text = _with_column(real.data.decode("utf-8-sig"), ",", "risk_score", "7")
    parsed = csl.parse([SourceFile("consolidated.csv", text.encode())])
    assert parsed.entries
    assert any("column 'risk_score' is not part of the format" in w for w in parsed.warnings)
    assert "consolidated.csv, line 1" in next(w for w in parsed.warnings if "risk_score" in w)


def test_an_extra_dpl_column_is_a_warning(source_file: Callable[[str], SourceFile]) -> None:
    real = source_file("us_bis_dpl/2023-11-30/dpl.txt")
    text = _with_column(real.data.decode("utf-8-sig"), "\t", "Comment", "x")
    parsed = bis_dpl.parse([SourceFile("dpl.txt", text.encode())])
    assert parsed.entries
    assert any("column 'Comment' is not part of the format" in w for w in parsed.warnings)


def test_a_missing_required_column_refuses_the_file(
    source_file: Callable[[str], SourceFile],
) -> None:
    real = source_file("us_trade_csl/sample_small/consolidated.csv").data.decode("utf-8-sig")
    header, rest = real.split("\n", 1)
    broken = header.replace(",start_date,", ",begin_date,") + "\n" + rest
    with pytest.raises(SourceFormatError) as caught:
        csl.parse([SourceFile("consolidated.csv", broken.encode())])
    assert caught.value.field == "start_date"
    assert caught.value.line == 1
