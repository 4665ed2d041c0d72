"""One screening threshold (issue 11, kind 12): every default agrees with
``exportguard.core.thresholds``, and no decision treats as sure what screening hides."""

from __future__ import annotations

import inspect

import pytest

from exportguard.api import schemas
from exportguard.cli.screening import screen_command
from exportguard.core.queries import build_query
from exportguard.core.thresholds import DEFAULT_THRESHOLD, POSSIBLE_MATCH_THRESHOLD
from exportguard.errors import RegimeError
from exportguard.regimes import bundled, bundled_text, parse_text
from exportguard.services import ExportGuard
from exportguard.services.decisions import DECISION_SCREENING_THRESHOLD


def test_every_screening_default_is_the_one_threshold() -> None:
    assert schemas.ScreenRequest.model_fields["threshold"].default == DEFAULT_THRESHOLD
    assert schemas.BatchRequest.model_fields["threshold"].default == DEFAULT_THRESHOLD
    assert inspect.signature(screen_command).parameters["threshold"].default == DEFAULT_THRESHOLD
    for function in (ExportGuard.screen, ExportGuard.screen_many, build_query):
        assert inspect.signature(function).parameters["threshold"].default == DEFAULT_THRESHOLD


def test_no_decision_rule_is_surer_than_screening() -> None:
    rules = [
        rule
        for regime in bundled().values()
        for rule in regime.rules
        if rule.kind == "listed-party"
    ]
    assert rules
    for rule in rules:
        assert rule.threshold >= DEFAULT_THRESHOLD
        assert rule.possible_threshold >= DECISION_SCREENING_THRESHOLD
    assert DECISION_SCREENING_THRESHOLD == POSSIBLE_MATCH_THRESHOLD < DEFAULT_THRESHOLD


def test_a_rule_below_the_screening_threshold_is_refused() -> None:
    text = bundled_text("us-ear").replace(
        "  - id: us-listed-party\n    kind: listed-party\n",
        "  - id: us-listed-party\n    kind: listed-party\n    threshold: 0.8\n",
    )
    assert "threshold: 0.8" in text
    with pytest.raises(RegimeError, match="screening default threshold"):
        parse_text(text, "us-ear.yaml")
