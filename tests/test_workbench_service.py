"""The services behind the officer's workbench pages (issue 13, point 4), on SQLite and
PostgreSQL with the demo list: an application filled in from a decision (its exporter's
own), a review of an application closed with approve or refuse (and only with the
outcomes its state allows), and a batch job writing its progress as it screens."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from exportguard.core.licensing import Event, State
from exportguard.core.permissions import Actor
from exportguard.errors import IllegalTransition, InvalidInput, NotFound
from exportguard.services import ExportGuard
from exportguard.services.decision_input import DecisionInput
from exportguard.services.misuse import review_outcomes

ACME = Actor("exporter", "exporter", "Acme Cyber")
GLOBEX = Actor("globex", "exporter", "Globex Security")
OFFICER = Actor("officer", "officer")
DGST = "Direction Generale de la Surveillance du Territoire"


def _apply(eg: ExportGuard, fields: dict[str, Any]) -> str:
    """Open and submit the application as the form would, from ``application_from``."""
    lic = eg.licensing.apply(
        exporter="Acme Cyber", kind=fields["kind"], regime=fields["regime"],
        items=fields["items"], destination=fields["destination"], end_user=fields["end_user"],
        end_user_type=fields["end_user_type"], end_use=fields["end_use"],
        parties=fields["parties"],
    )  # fmt: skip
    eg.licensing.transition(lic.id, Event.SUBMIT, reason="file complete")
    return lic.id


def test_an_application_is_filled_in_from_the_exporters_own_decision(
    service: ExportGuard,
) -> None:
    service.import_demo()
    acme = service.for_actor(ACME)
    decision = acme.decisions.decide(DecisionInput(
        items=["4D004"], to="Morocco", on=date(2021, 11, 24), regimes=["il-deca"],
        end_users=[DGST], consignees=["Casablanca Freight SARL"],
        intermediaries=["Tangier Logistics"], end_user_type="intelligence",
        end_use="law-enforcement",
    ))  # fmt: skip
    fields = acme.licensing.application_from(decision.decision_id)
    assert fields == {
        "decision": decision.decision_id, "items": ["4D004"], "destination": "MA",
        "end_user": DGST, "end_user_type": "intelligence", "end_use": "law-enforcement",
        "parties": ["Casablanca Freight SARL", "Tangier Logistics"], "regime": "il-deca",
        "kind": "marketing",  # an Israeli export licence needs its marketing licence first
    }  # fmt: skip
    # Another company's exporter does not see it; an officer does.
    with pytest.raises(NotFound, match="no decision"):
        service.for_actor(GLOBEX).licensing.application_from(decision.decision_id)
    assert service.for_actor(OFFICER).licensing.application_from(decision.decision_id) == fields
    # With no regime chosen, the first regime that requires a licence is proposed.
    every = acme.decisions.decide(DecisionInput(
        items=["4D004"], to="MA", on=date(2021, 11, 24), end_users=[DGST],
        end_user_type="intelligence", end_use="law-enforcement",
    ))  # fmt: skip
    verdicts = {r.id: r.verdict.label for r in every.regimes}
    proposed = acme.licensing.application_from(every.decision_id)
    assert verdicts[proposed["regime"]] == "licence_required"
    assert proposed["kind"] == ("marketing" if proposed["regime"] == "il-deca" else "export")
    with pytest.raises(NotFound):
        acme.licensing.application_from("no-such-decision")


def test_an_impact_review_of_an_application_offers_approve_or_refuse(
    service: ExportGuard,
) -> None:
    """Israel cut the countries of its simplified marketing route on 2021-11-25 (Morocco
    among them): the impact of that change queues a submitted application for review,
    which the officer closes by refusing it (approving is refused: it is not eligible)."""
    service.import_demo()
    acme = service.for_actor(ACME)
    decision = acme.decisions.decide(DecisionInput(
        items=["4D004"], to="MA", on=date(2021, 11, 24), regimes=["il-deca"], end_users=[DGST],
        end_user_type="intelligence", end_use="law-enforcement",
    ))  # fmt: skip
    licence = _apply(acme, acme.licensing.application_from(decision.decision_id))
    officer = service.for_actor(OFFICER)
    impact = officer.impact.regime("il-deca", since=date(2021, 11, 24), until=date(2021, 11, 25))
    assert [(a["id"], a["kind"]) for a in impact["affected"]] == [(licence, "application")]
    (review,) = officer.licensing.reviews()
    assert review.subject_id == licence
    assert review.origin == "impact"
    assert review_outcomes(State.SUBMITTED) == ("no_action", "approve", "refuse")
    assert review_outcomes(State.ISSUED) == ("no_action", "restrict", "suspend", "revoke",
                                             "shut_down")  # fmt: skip
    with pytest.raises(InvalidInput) as refused:
        officer.licensing.close_review(review.id, "suspend", reason="wrong outcome")
    assert refused.value.errors[0].field == "outcome"
    assert "close its review with no_action or approve or refuse" in str(refused.value)
    with pytest.raises(IllegalTransition, match="not_eligible; it cannot be approved"):
        officer.licensing.close_review(review.id, "approve", reason="policy allows")
    assert officer.licensing.reviews()[0].status == "open"  # nothing half done
    closed = officer.licensing.close_review(review.id, "refuse", reason="not eligible now")
    assert closed.outcome == "refuse"
    events = [(e.event, e.to_state, e.reason) for e in officer.licensing.events(licence)]
    assert events[1:] == [
        (Event.REVIEW, State.UNDER_REVIEW, f"review {review.id}: not eligible now"),
        (Event.REFUSE, State.REFUSED, f"review {review.id}: not eligible now"),
    ]
    assert service.audit.verify().ok


def test_a_review_of_an_application_closes_with_approval(service: ExportGuard) -> None:
    """A misuse report on France queues a submitted application for its police; the
    officer finds nothing and approves it: reviewed, then issued with the decision's
    conditions (its end user and end use)."""
    service.import_demo()
    acme = service.for_actor(ACME)
    licence = _apply(acme, {
        "kind": "export", "regime": "us-ear", "items": ["4D004"], "destination": "FR",
        "end_user": "Police nationale", "end_user_type": "law-enforcement",
        "end_use": "law-enforcement", "parties": [],
    })  # fmt: skip
    officer = service.for_actor(OFFICER)
    officer.licensing.report_misuse(
        source="press", reported_on=date(2026, 11, 1), country="FR",
        suspected_operator="Direction centrale de la police judiciaire",
        product="intrusion software", evidence="article", confidence="low",
    )  # fmt: skip
    (review,) = [r for r in officer.licensing.reviews() if r.subject_id == licence]
    officer.licensing.close_review(review.id, "approve", reason="no misuse found")
    issued = officer.licensing.get(licence)
    assert issued.state is State.ISSUED
    assert issued.conditions.end_users == ("Police nationale",)
    assert issued.conditions.end_uses == ("law-enforcement",)
    assert [e.event for e in officer.licensing.events(licence)] == [
        Event.SUBMIT, Event.REVIEW, Event.APPROVE]  # fmt: skip


def test_a_batch_job_writes_its_progress_as_it_screens(
    service: ExportGuard, monkeypatch: pytest.MonkeyPatch
) -> None:
    from exportguard.services import jobs

    service.import_demo()
    written: list[int] = []
    set_progress = jobs.store.set_progress

    def spy(conn: Any, job_id: str, done: int) -> None:
        written.append(done)
        set_progress(conn, job_id, done)

    monkeypatch.setattr(jobs.store, "set_progress", spy)
    text = "id,name,country\n1,NSO Group,IL\n2,Northwind Optics GmbH,DE\n3,Candiru Ltd,IL\n"
    job = service.jobs.submit(text, owner="exporter", exporter="Acme Cyber", options={},
                              file="book.csv")  # fmt: skip
    assert service.jobs.get(job).progress in (None, 0)
    assert service.jobs.run_next("w1") == job
    assert written == [1, 2, 3]  # one write a row for a small file; the last always
    done = service.jobs.get(job)
    assert (done.status, done.progress, done.rows) == ("done", 3, 3)
    with pytest.raises(InvalidInput) as bad:
        service.jobs.submit("id,name\n1,\n", owner="exporter", exporter=None, options={},
                            file="bad.csv")  # fmt: skip
    assert bad.value.errors[0].field == "line 2: name"


def test_an_application_from_a_decision_with_two_end_users_keeps_both(
    service: ExportGuard,
) -> None:
    """Review finding: the second end user of a decision was dropped from the application
    filled in from it (a screened party lost without notice)."""
    service.import_demo()
    acme = service.for_actor(ACME)
    decision = acme.decisions.decide(DecisionInput(
        items=["4D004"], to="MA", on=date(2021, 12, 1), regimes=["us-ear"],
        end_users=["Candiru Ltd", "Moroccan national police"],
        intermediaries=["Tangier Logistics"], end_user_type="law-enforcement",
        end_use="law-enforcement",
    ))  # fmt: skip
    fields = acme.licensing.application_from(decision.decision_id)
    assert fields["end_user"] == "Candiru Ltd"
    assert fields["parties"] == ["Moroccan national police", "Tangier Logistics"]
    (note,) = fields["notes"]
    assert "names 2 end users" in note
    assert "Moroccan national police is listed among the other parties" in note
