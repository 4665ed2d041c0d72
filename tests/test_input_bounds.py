"""Inputs out of any sensible range are refused naming the field (review of issue 13,
finding 10), on SQLite and PostgreSQL: a decision years ahead, a pasted essay as a name,
a nameless API token, reversed date ranges; a screening as of a future date says what it
can and cannot know."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from exportguard.core.queries import MAX_NAME_LENGTH
from exportguard.errors import InvalidInput
from exportguard.services import ExportGuard
from exportguard.services.decision_input import DecisionInput
from tests.conftest import FIXED_NOW

TODAY = FIXED_NOW.date()


def _fields(caught: pytest.ExceptionInfo[InvalidInput]) -> list[str]:
    return [e.field for e in caught.value.errors]


def test_a_decision_more_than_a_year_ahead_is_refused(service: ExportGuard) -> None:
    service.import_demo()
    question = DecisionInput(
        items=["4D004"], to="MA", on=date(2099, 1, 1), end_users=["Moroccan national police"],
        end_user_type="law-enforcement", end_use="law-enforcement",
    )  # fmt: skip
    with pytest.raises(InvalidInput) as caught:
        service.decisions.decide(question)
    assert _fields(caught) == ["date"]
    assert "more than a year ahead" in str(caught.value)
    near = DecisionInput(
        items=["4D004"], to="MA", on=TODAY + timedelta(days=30),
        end_users=["Moroccan national police"], end_user_type="law-enforcement",
        end_use="law-enforcement",
    )  # fmt: skip
    assert service.decisions.decide(near).regimes


def test_a_name_longer_than_any_listed_name_is_refused(service: ExportGuard) -> None:
    service.import_demo()
    with pytest.raises(InvalidInput) as caught:
        service.screen("N" * 5000)
    assert _fields(caught) == ["name"]
    assert len(service.screen("N" * MAX_NAME_LENGTH, record=False).query.name) == MAX_NAME_LENGTH


def test_screening_as_of_a_future_date_says_the_lists_are_todays(service: ExportGuard) -> None:
    service.import_demo()
    result = service.screen("NSO Group", as_of=date(9999, 12, 31), record=False)
    (note,) = [w for w in result.warnings() if "after today" in w]
    assert "the lists screened are today's" in note
    assert not [w for w in service.screen("NSO Group", record=False).warnings()
                if "after today" in w]  # fmt: skip


@pytest.mark.parametrize("name", ["", "   ", "x" * 101])
def test_an_api_token_needs_a_name(service: ExportGuard, name: str) -> None:
    service.accounts.ensure_demo()
    with pytest.raises(InvalidInput) as caught:
        service.accounts.create_token("officer", name)
    assert _fields(caught) == ["name"]


def test_reversed_date_ranges_are_refused(service: ExportGuard) -> None:
    service.import_demo()
    with pytest.raises(InvalidInput) as caught:
        service.audit.page(limit=50, since=date(2026, 11, 10), until=date(2026, 11, 1))
    assert _fields(caught) == ["until"]
    with pytest.raises(InvalidInput) as caught:
        service.impact.regime("il-deca", since=date(2021, 11, 25), until=date(2021, 11, 24))
    assert _fields(caught) == ["to"]


def test_a_user_name_over_100_characters_is_refused(service: ExportGuard) -> None:
    with pytest.raises(InvalidInput) as caught:
        service.accounts.create_user("z" * 101, "Tangerine-Orbit-Falcon-79", "auditor")
    assert _fields(caught) == ["username"]
