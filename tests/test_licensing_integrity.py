"""Licences that cannot be bent: lost updates, review races, shipments that leave out what a
condition checks, and other exporters' licences, with real threads on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from exportguard.core.licensing import Conditions, Event, State
from exportguard.errors import (
    ConcurrentChange,
    ExportGuardError,
    IllegalTransition,
    InvalidInput,
    NotFound,
    PermissionDenied,
    VersionRequired,
)
from exportguard.services import ExportGuard
from tests.test_licensing_service import GOV, issued

ROUNDS = 4


@pytest.fixture
def eg(service: ExportGuard) -> ExportGuard:
    service.import_demo()
    return service


def at_once(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls in threads released together; each result or the exception raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[i] = call()
        except ExportGuardError as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_a_change_to_conditions_needs_the_version_it_was_based_on(eg: ExportGuard) -> None:
    lic = issued(eg)
    with pytest.raises(VersionRequired, match="version"):
        eg.licensing.transition(
            lic, Event.RESTRICT, reason="cap", conditions=Conditions(max_value=10.0)
        )
    with pytest.raises(VersionRequired):
        eg.licensing.transition(
            lic, Event.AMEND, reason="extend", conditions=Conditions(valid_until=date(2031, 1, 1))
        )
    assert eg.licensing.get(lic).conditions.max_value is None
    # Events that do not touch conditions need no version.
    eg.licensing.transition(lic, Event.SUSPEND, reason="inquiry")


def test_two_officers_restricting_at_once_never_lose_a_change(eg: ExportGuard) -> None:
    for _ in range(ROUNDS):
        lic = issued(eg)
        version = eg.licensing.get(lic).version
        results = at_once(
            lambda lic=lic, v=version: eg.licensing.transition(
                lic, Event.RESTRICT, reason="A", expected_version=v,
                conditions=Conditions(terms=("term of officer A",), max_value=500.0)),
            lambda lic=lic, v=version: eg.licensing.transition(
                lic, Event.RESTRICT, reason="B", expected_version=v,
                conditions=Conditions(terms=("term of officer B",), max_value=300.0)),
        )  # fmt: skip
        lost = [r for r in results if isinstance(r, ConcurrentChange)]
        won = [r for r in results if not isinstance(r, ExportGuardError)]
        assert len(lost) == 1
        assert len(won) == 1
        now = eg.licensing.get(lic)
        assert now.version == version + 1
        assert now.conditions == won[0].conditions  # what the winner wrote is what is stored
        # The loser re-reads and restricts again: both officers' terms are kept.
        loser_term = (
            "term of officer B" if "term of officer A" in now.conditions.terms else
            "term of officer A"
        )  # fmt: skip
        eg.licensing.transition(
            lic, Event.RESTRICT, reason="retry", expected_version=now.version,
            conditions=Conditions(terms=(loser_term,), max_value=300.0),
        )  # fmt: skip
        final = eg.licensing.get(lic).conditions
        assert {"term of officer A", "term of officer B"} <= set(final.terms)
        assert final.max_value == 300.0
    assert eg.audit.verify().ok


def _review(eg: ExportGuard, n: int) -> tuple[str, str]:
    lic = issued(eg, to="MA", end_user=f"Direction Generale de la Surete Nationale {n}",
                 on=date(2022, 4, 1))  # fmt: skip
    eg.licensing.report_misuse(
        source="Citizen Lab", reported_on=date(2022, 7, 18), country="Morocco",
        suspected_operator=f"Direction Generale de la Surete Nationale {n}",
        product="Pegasus (4D004)", evidence="https://example.org/report", confidence="high",
    )  # fmt: skip
    (review,) = [r for r in eg.licensing.reviews() if r.subject_id == lic]
    return lic, str(review.id)


def test_a_review_closed_twice_at_once_has_one_outcome_and_one_effect(eg: ExportGuard) -> None:
    for n in range(ROUNDS):
        lic, review = _review(eg, n)
        results = at_once(
            lambda r=review: eg.licensing.close_review(r, "no_action", reason="A: no misuse"),
            lambda r=review: eg.licensing.close_review(r, "revoke", reason="B: misuse"),
        )
        won = [r for r in results if not isinstance(r, ExportGuardError)]
        lost = [r for r in results if isinstance(r, IllegalTransition)]
        assert len(won) == 1
        assert len(lost) == 1
        stored = next(r for r in eg.licensing.reviews(status=None) if r.id == review)
        assert stored.outcome == won[0].outcome
        expected = State.REVOKED if won[0].outcome == "revoke" else State.ISSUED
        assert eg.licensing.get(lic).state is expected
        events = [e.event for e in eg.licensing.events(lic)]
        assert events.count(Event.REVOKE) == (1 if expected is State.REVOKED else 0)
    assert eg.audit.verify().ok


@pytest.mark.parametrize(
    ("conditions", "shipment", "missing"),
    [
        (Conditions(max_value=100.0), {"quantity": 1, "end_user": "Police nationale",
                                       "end_use": "law-enforcement"}, "value"),
        (Conditions(max_quantity=5), {"value": 1.0, "end_user": "Police nationale",
                                      "end_use": "law-enforcement"}, "quantity"),
        (Conditions(end_users=("Police nationale",)), {"value": 1.0, "end_use": "x"},
         "end_user"),
        (Conditions(end_uses=("law-enforcement",)), {"value": 1.0, "end_user": "  "},
         "end_use"),
    ],
)  # fmt: skip
def test_a_shipment_must_state_what_the_licence_limits(
    eg: ExportGuard, conditions: Conditions, shipment: dict[str, Any], missing: str
) -> None:
    lic = issued(eg, conditions=Conditions(
        valid_until=date(2030, 1, 1), max_value=conditions.max_value,
        max_quantity=conditions.max_quantity, end_users=conditions.end_users,
        end_uses=conditions.end_uses))  # fmt: skip
    with pytest.raises(InvalidInput) as caught:
        eg.licensing.ship(lic, shipped_on=date(2022, 3, 1), **shipment)
    assert any(e.field == missing and e.message.startswith("required")
               for e in caught.value.errors)  # fmt: skip
    assert eg.licensing.view(lic)["shipments"] == []


def test_another_exporters_licence_does_not_exist_as_a_parent(eg: ExportGuard) -> None:
    globex = eg.licensing.apply(
        exporter="Globex Security", kind="marketing", regime="il-deca", items=["4D004"],
        destination="JP", end_user="National Police Agency", **GOV,
    )  # fmt: skip
    eg.licensing.transition(globex.id, Event.WITHDRAW, reason="not needed")
    with pytest.raises(InvalidInput) as caught:
        eg.licensing.apply(
            exporter="Acme Cyber", kind="export", regime="il-deca", items=["4D004"],
            destination="FR", end_user="Police", parent=globex.id, **GOV,
        )  # fmt: skip
    message = str(caught.value)
    assert message == f"parent: no licence {globex.id!r}"
    for leak in ("another", "JP", "withdrawn", "marketing"):
        assert leak not in message


def test_an_exporter_requests_an_amendment_and_an_officer_decides(eg: ExportGuard) -> None:
    from exportguard.core.licensing import RequestStatus
    from exportguard.core.permissions import Actor

    lic = issued(eg, conditions=Conditions(valid_until=date(2030, 1, 1), max_value=100.0))
    exporter = eg.for_actor(Actor("exporter", "exporter", "Acme Cyber"))
    globex = eg.for_actor(Actor("globex", "exporter", "Globex Security"))
    officer = eg.for_actor(Actor("officer", "officer"))
    with pytest.raises(PermissionDenied):
        exporter.licensing.transition(
            lic, Event.AMEND, reason="mine", expected_version=eg.licensing.get(lic).version,
            conditions=Conditions(max_value=1e12),
        )  # fmt: skip
    with pytest.raises(NotFound):
        globex.licensing.request_amendment(lic, Conditions(max_value=5.0), reason="not mine")
    with pytest.raises(InvalidInput, match="at least one condition"):
        exporter.licensing.request_amendment(lic, Conditions(), reason="nothing")
    asked = exporter.licensing.request_amendment(
        lic, Conditions(max_value=250.0, valid_until=date(2031, 1, 1)), reason="second order"
    )
    assert asked.status is RequestStatus.OPEN
    assert eg.licensing.get(lic).conditions.max_value == 100.0  # nothing changes yet
    assert [r.id for r in globex.licensing.amendment_requests()] == []
    with pytest.raises(PermissionDenied):
        exporter.licensing.decide_amendment(asked.id, approve=True, reason="self-approval")
    decided = officer.licensing.decide_amendment(asked.id, approve=True, reason="justified")
    assert decided.status is RequestStatus.APPROVED
    assert decided.decided_by == "officer"
    now = eg.licensing.get(lic)
    assert now.conditions.max_value == 250.0
    assert now.conditions.valid_until == date(2031, 1, 1)
    assert eg.licensing.events(lic)[-1].data == {"amendment_request": asked.id}
    with pytest.raises(IllegalTransition, match="already decided"):
        officer.licensing.decide_amendment(asked.id, approve=False, reason="again")
    refused = exporter.licensing.request_amendment(
        lic, Conditions(max_value=1e9), reason="much more"
    )
    officer.licensing.decide_amendment(refused.id, approve=False, reason="disproportionate")
    assert eg.licensing.get(lic).conditions.max_value == 250.0
    kinds = [r.kind for r in eg.audit.records()]
    assert kinds.count("amendment-request") == 2
    assert kinds.count("amendment-decision") == 2
    assert eg.audit.verify().ok


def test_two_officers_deciding_one_request_at_once(eg: ExportGuard) -> None:
    from exportguard.core.permissions import Actor

    exporter = eg.for_actor(Actor("exporter", "exporter", "Acme Cyber"))
    for _ in range(ROUNDS):
        lic = issued(eg, conditions=Conditions(valid_until=date(2030, 1, 1), max_value=100.0))
        asked = exporter.licensing.request_amendment(
            lic, Conditions(max_value=200.0), reason="more"
        )
        results = at_once(
            lambda a=asked.id: eg.licensing.decide_amendment(a, approve=True, reason="A"),
            lambda a=asked.id: eg.licensing.decide_amendment(a, approve=False, reason="B"),
        )
        won = [r for r in results if not isinstance(r, ExportGuardError)]
        assert len(won) == 1
        assert sum(isinstance(r, IllegalTransition) for r in results) == 1
        expected = 200.0 if won[0].status.value == "approved" else 100.0
        assert eg.licensing.get(lic).conditions.max_value == expected


def test_a_revoked_licence_cannot_be_amended_on_request(eg: ExportGuard) -> None:
    lic = issued(eg)
    eg.licensing.transition(lic, Event.REVOKE, reason="misuse")
    with pytest.raises(IllegalTransition, match="revoked"):
        eg.licensing.request_amendment(lic, Conditions(max_value=1.0), reason="please")
