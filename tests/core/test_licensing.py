from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exportguard.core.licensing import (
    FINAL,
    TRANSITIONS,
    Conditions,
    Event,
    Licence,
    LicenceEvent,
    Shipment,
    State,
    allowed_events,
    apply,
    balance,
    check_shipment,
    state_on,
)
from exportguard.errors import IllegalTransition, InvalidInput


def licence(**kw: object) -> Licence:
    base = {
        "id": "L-1",
        "exporter": "Acme",
        "kind": "export",
        "regime": "il-deca",
        "items": ("4D004",),
        "destination": "FR",
        "end_user": "Police",
        "end_user_type": "law-enforcement",
        "end_use": "law-enforcement",
    }
    base.update(kw)
    return Licence(**base)  # type: ignore[arg-type]


def test_the_happy_path() -> None:
    lic = licence()
    for event, state in [
        (Event.SUBMIT, State.SUBMITTED),
        (Event.REVIEW, State.UNDER_REVIEW),
        (Event.APPROVE, State.ISSUED),
        (Event.SUSPEND, State.SUSPENDED),
        (Event.REINSTATE, State.ISSUED),
        (Event.REVOKE, State.REVOKED),
    ]:
        lic = apply(lic, event)
        assert lic.state is state
    assert lic.version == 6


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (State.DRAFT, Event.APPROVE),
        (State.ISSUED, Event.SUBMIT),
        (State.REVOKED, Event.REINSTATE),
        (State.REFUSED, Event.APPROVE),
        (State.EXPIRED, Event.AMEND),
        (State.SUBMITTED, Event.SUSPEND),
    ],
)
def test_illegal_transitions_are_refused_with_what_is_allowed(state: State, event: Event) -> None:
    with pytest.raises(IllegalTransition) as caught:
        apply(licence(state=state), event)
    message = str(caught.value)
    assert f"cannot {event.value} when {state.value}" in message
    if state in FINAL:
        assert "no further events" in message
    else:
        for allowed in allowed_events(state):
            assert allowed.value in message


@given(st.lists(st.sampled_from(list(Event)), max_size=30))
def test_no_sequence_of_events_reaches_an_illegal_state(events: list[Event]) -> None:
    lic = licence()
    reachable = {State.DRAFT} | set(TRANSITIONS.values())
    for event in events:
        before = lic
        try:
            lic = apply(lic, event)
        except IllegalTransition:
            assert (before.state, event) not in TRANSITIONS
            lic = before
            continue
        assert (before.state, event) in TRANSITIONS
        assert lic.state is TRANSITIONS[(before.state, event)]
        assert lic.state in reachable
        assert lic.version == before.version + 1
    if lic.state in FINAL:
        assert allowed_events(lic.state) == []


def ev(seq: int, on: date, event: Event, frm: State, to: State) -> LicenceEvent:
    return LicenceEvent("L-1", seq, event, frm, to, "t", on, "officer", "r")


EVENTS = [
    ev(1, date(2022, 1, 1), Event.SUBMIT, State.DRAFT, State.SUBMITTED),
    ev(2, date(2022, 1, 5), Event.REVIEW, State.SUBMITTED, State.UNDER_REVIEW),
    ev(3, date(2022, 2, 1), Event.APPROVE, State.UNDER_REVIEW, State.ISSUED),
    ev(4, date(2022, 6, 1), Event.SUSPEND, State.ISSUED, State.SUSPENDED),
]


@pytest.mark.parametrize(
    ("on", "state"),
    [
        (date(2021, 12, 31), State.DRAFT),
        (date(2022, 1, 1), State.SUBMITTED),
        (date(2022, 3, 1), State.ISSUED),
        (date(2022, 6, 1), State.SUSPENDED),
        (date(2023, 1, 2), State.EXPIRED),
    ],
)
def test_state_on_any_date_with_expiry_by_date(on: date, state: State) -> None:
    assert state_on(EVENTS, on, Conditions(valid_until=date(2023, 1, 1))) is state


def test_shipments_against_conditions_and_balance() -> None:
    lic = licence(
        state=State.ISSUED,
        conditions=Conditions(
            valid_from=date(2022, 1, 1),
            valid_until=date(2022, 12, 31),
            max_value=100.0,
            max_quantity=3,
            end_users=("Police",),
            end_uses=("law-enforcement",),
        ),
    )
    done = [Shipment(date(2022, 2, 1), 60.0, 2)]
    ok = Shipment(date(2022, 3, 1), 40.0, 1, "Police", "law-enforcement")
    assert check_shipment(lic, State.ISSUED, done, ok) == []
    silent = check_shipment(lic, State.ISSUED, done, Shipment(date(2022, 3, 1)))
    assert [p.field for p in silent] == ["value", "quantity", "end_user", "end_use"]
    assert all(p.message.startswith("required") for p in silent)
    problems = check_shipment(
        lic,
        State.SUSPENDED,
        done,
        Shipment(date(2023, 1, 5), 50.0, 2, "Army", "internal-repression"),
    )
    text = " | ".join(str(p) for p in problems)
    for expected in (
        "suspended",
        "after the licence expired",
        "remaining balance 40",
        "quantity: 2 exceeds",
        "end_user: 'Army'",
        "end_use: 'internal-repression'",
    ):
        assert expected in text
    assert balance(lic, done) == {
        "value_used": 60.0,
        "value_left": 40.0,
        "quantity_used": 2,
        "quantity_left": 1,
    }


def test_a_shipment_after_expiry_is_refused_once_with_the_expiry_date() -> None:
    """Second review of issue 13: an expired licence's shipment was refused with two
    stacked messages saying one thing."""
    from exportguard.core.licensing import Conditions, Licence, Shipment, State, check_shipment

    lic = Licence("L-1", "Acme", "export", "us-ear", ("4D004",), "FR", "Police", None, None,
                  conditions=Conditions(valid_until=date(2026, 11, 30)))  # fmt: skip
    problems = check_shipment(lic, State.EXPIRED, [], Shipment(date(2026, 12, 5), 10.0))
    assert [(p.field, p.message) for p in problems] == [
        ("shipped_on", "the licence expired on 2026-11-30; 2026-12-05 is after it")
    ]


def test_stored_conditions_read_back_and_a_wrong_type_names_the_field() -> None:
    conditions = Conditions(valid_from=date(2024, 1, 1), valid_until=date(2025, 1, 1),
                            max_value=1500.5, max_quantity=10, end_users=("Acme",),
                            terms=("no re-export",))  # fmt: skip
    assert Conditions.from_dict(conditions.to_dict()) == conditions
    assert Conditions.from_dict({}) == Conditions()
    for change, field in (({"max_quantity": 2.5}, "max_quantity"),
                          ({"max_value": "1500"}, "max_value"),
                          ({"end_users": "Acme"}, "end_users"),
                          ({"valid_until": 20250101}, "valid_until")):  # fmt: skip
        with pytest.raises(InvalidInput) as caught:
            Conditions.from_dict({**conditions.to_dict(), **change})
        assert [e.field for e in caught.value.errors] == [field]
