"""Who may take which licence event in which state: the EVENT_ROLES table, as properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exportguard.core.licensing import TRANSITIONS, Event, State
from exportguard.core.permissions import EVENT_ROLES, ROLES, Actor, may_take, require_event
from exportguard.errors import PermissionDenied

#: Events that change what an issued (or suspended) licence allows.
CHANGES_CONDITIONS = {Event.AMEND, Event.RESTRICT, Event.REINSTATE, Event.APPROVE}
ISSUED_LIKE = {State.ISSUED, State.SUSPENDED}


def test_every_transition_names_who_may_take_it() -> None:
    assert set(EVENT_ROLES) == set(TRANSITIONS)
    for roles in EVENT_ROLES.values():
        assert roles
        assert roles <= set(ROLES)


@given(st.sampled_from(ROLES), st.sampled_from(list(State)), st.sampled_from(list(Event)))
def test_may_take_is_the_table_and_nothing_else(role: str, state: State, event: Event) -> None:
    actor = Actor("someone", role, "Acme Cyber" if role == "exporter" else None)
    expected = (state, event) in TRANSITIONS and role in EVENT_ROLES[(state, event)]
    assert may_take(actor, state, event) is expected
    takes_somewhere = any(role in r for (_, e), r in EVENT_ROLES.items() if e is event)
    if expected or ((state, event) not in TRANSITIONS and takes_somewhere):
        require_event(actor, state, event)  # the transition table refuses the latter
    else:
        with pytest.raises(PermissionDenied, match=f"may not {event.value}"):
            require_event(actor, state, event)


@given(st.sampled_from(list(State)), st.sampled_from(list(Event)))
def test_an_exporter_never_changes_an_issued_licence(state: State, event: Event) -> None:
    exporter = Actor("exporter", "exporter", "Acme Cyber")
    if state in ISSUED_LIKE and event is not Event.SURRENDER:
        assert not may_take(exporter, state, event)
    if event in CHANGES_CONDITIONS and state not in {State.DRAFT}:
        assert not may_take(exporter, state, event)


@given(st.sampled_from(list(State)), st.sampled_from(list(Event)))
def test_an_auditor_takes_no_event(state: State, event: Event) -> None:
    assert not may_take(Actor("auditor", "auditor"), state, event)


def test_officers_decide_and_exporters_apply() -> None:
    officer = Actor("officer", "officer")
    exporter = Actor("exporter", "exporter", "Acme Cyber")
    assert may_take(officer, State.ISSUED, Event.AMEND)
    assert not may_take(officer, State.DRAFT, Event.AMEND)  # the exporter's own draft
    assert not may_take(officer, State.DRAFT, Event.SUBMIT)
    assert may_take(exporter, State.DRAFT, Event.AMEND)
    assert may_take(exporter, State.ISSUED, Event.SURRENDER)
    assert not may_take(exporter, State.UNDER_REVIEW, Event.APPROVE)
