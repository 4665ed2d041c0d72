"""Hit review cases: their states, decisions, reason codes, the four-eyes rule (pure).

Any screening hit (a one-off screening, a batch row, a decision's party, a monitored
counterparty) can be opened as a case, which an officer decides::

    open | escalated --decide(true_match)---------------------------> pending_confirmation
    open | escalated --decide(false_positive, sanctions listing)----> pending_confirmation
    open | escalated --decide(false_positive, other listing)--------> closed
    open | escalated --decide(escalate)-----------------------------> escalated
    pending_confirmation --confirm (a second, different officer)----> closed
    pending_confirmation --send back (a second, different officer)--> open

Every decision carries a reason code from :data:`REASON_CODES` (a small fixed table) and a
note. **Four-eyes**: closing a true match, or clearing as a false positive a hit on a
sanctions listing, takes a second officer's confirmation (:func:`needs_confirmation`); the
one who decided may neither confirm nor send back
(:class:`~exportguard.errors.SecondOfficerRequired`). A closed false positive clears the hit:
the same party's later screenings show it as cleared until the list entry changes.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from exportguard.errors import FieldError, IllegalTransition, InvalidInput


class Origin(enum.StrEnum):
    """Where a case's hit was found."""

    SCREENING = "screening"  # a one-off screening (its audit record)
    BATCH = "batch"  # a row of a batch screening job
    DECISION = "decision"  # a party of an export decision
    MONITORING = "monitoring"  # a monitored counterparty's current hit (and its alert)


class CaseState(enum.StrEnum):
    OPEN = "open"
    ESCALATED = "escalated"
    PENDING = "pending_confirmation"
    CLOSED = "closed"


class Disposition(enum.StrEnum):
    TRUE_MATCH = "true_match"  # the party is the listed party
    FALSE_POSITIVE = "false_positive"  # reviewed: not the listed party
    ESCALATE = "escalate"  # not decided here: more information or a senior officer


class Action(enum.StrEnum):
    """What is done to a case (and what its events record): opened (never checked: a
    case is opened once), then the actions :data:`ACTIONS` allows."""

    OPEN = "open"
    DECIDE = "decide"
    CONFIRM = "confirm"
    SEND_BACK = "send_back"
    ASSIGN = "assign"


@dataclass(frozen=True, slots=True)
class ReasonCode:
    """One reason a decision may give, and the dispositions it fits."""

    code: str
    label: str
    dispositions: frozenset[Disposition]

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "label": self.label,
                "dispositions": sorted(d.value for d in self.dispositions)}  # fmt: skip


_TM, _FP, _ESC = (
    frozenset({Disposition.TRUE_MATCH}),
    frozenset({Disposition.FALSE_POSITIVE}),
    frozenset({Disposition.ESCALATE}),
)

#: The reason codes, in the order forms offer them.
REASON_CODES: tuple[ReasonCode, ...] = (
    ReasonCode("identifier_match", "An identifier matches (passport, registration, IMO, "
               "tax number)", _TM),
    ReasonCode("name_and_birth_date", "The name and the date of birth match", _TM),
    ReasonCode("name_and_address", "The name and the address or country match", _TM),
    ReasonCode("confirmed_by_party", "Confirmed by the party's documents or an official "
               "source", _TM),
    ReasonCode("birth_date_differs", "The date of birth differs", _FP),
    ReasonCode("identifier_differs", "An identifier differs", _FP),
    ReasonCode("country_differs", "The country, nationality or address differs", _FP),
    ReasonCode("type_differs", "Another kind of party (a person, not a company; a vessel)", _FP),
    ReasonCode("name_differs", "Only part of the name is alike (a common name or word)", _FP),
    ReasonCode("more_information", "More information is needed from the party", _ESC),
    ReasonCode("senior_review", "A senior officer or legal counsel should decide", _ESC),
    ReasonCode("ownership_or_control", "Possibly owned or controlled by a listed party", _ESC),
    ReasonCode("other", "Other: the note says why", _TM | _FP | _ESC),
)  # fmt: skip
REASONS: Mapping[str, ReasonCode] = {r.code: r for r in REASON_CODES}

#: (state, action) -> allowed; deciding moves on as :func:`decided_state` says.
ACTIONS: Mapping[CaseState, frozenset[Action]] = {
    CaseState.OPEN: frozenset({Action.DECIDE, Action.ASSIGN}),
    CaseState.ESCALATED: frozenset({Action.DECIDE, Action.ASSIGN}),
    CaseState.PENDING: frozenset({Action.CONFIRM, Action.SEND_BACK, Action.ASSIGN}),
    CaseState.CLOSED: frozenset(),
}

#: Words for the states and dispositions, as pages and certificates say them.
WORDS: Mapping[str, str] = {
    CaseState.OPEN: "open", CaseState.ESCALATED: "escalated",
    CaseState.PENDING: "pending confirmation", CaseState.CLOSED: "closed",
    Disposition.TRUE_MATCH: "true match", Disposition.FALSE_POSITIVE: "false positive",
    Disposition.ESCALATE: "escalated",
}  # fmt: skip

#: Words in a list's name that mark an export-control restriction list rather than a
#: sanctions list: the BIS Entity, Denied Persons, Unverified and Military End User lists
#: and the State Department's ITAR debarments (CSL sub-lists and the BIS DPL file).
#: Every other list (OFAC, UN, EU, UK, Canada, OpenSanctions, the CSL's Treasury and State
#: sanctions programmes, an unknown list) counts as a sanctions list: four-eyes applies
#: when in doubt.
RESTRICTION_LISTS = ("entity list", "denied persons", "unverified list", "military end user",
                     "debarred")  # fmt: skip


def is_sanctions_listing(list_name: str) -> bool:
    """Whether an entry on the list called ``list_name`` is a sanctions listing (clearing
    a hit on it takes a second officer): every list but :data:`RESTRICTION_LISTS`."""
    name = list_name.casefold()
    return not any(marker in name for marker in RESTRICTION_LISTS)


def needs_confirmation(disposition: Disposition, sanctioned: bool) -> bool:
    """Four-eyes: a true match always; a false positive on a sanctions listing."""
    return disposition is Disposition.TRUE_MATCH or (
        disposition is Disposition.FALSE_POSITIVE and sanctioned
    )


def decided_state(disposition: Disposition, sanctioned: bool) -> CaseState:
    """The state a case moves to when ``disposition`` is decided."""
    if disposition is Disposition.ESCALATE:
        return CaseState.ESCALATED
    return CaseState.PENDING if needs_confirmation(disposition, sanctioned) else CaseState.CLOSED


def check(case_id: str, state: CaseState, action: Action) -> None:
    """:class:`IllegalTransition` unless :data:`ACTIONS` allows ``action`` in ``state``."""
    if action not in ACTIONS[state]:
        allowed = ", ".join(sorted(a.value.replace("_", " ") for a in ACTIONS[state]))
        raise IllegalTransition(
            f"case {case_id} is {WORDS[state]}: it cannot be "
            f"{_PAST[action]} (allowed: {allowed or 'nothing: it is closed'})"
        )


_PAST = {Action.OPEN: "opened", Action.DECIDE: "decided", Action.CONFIRM: "confirmed",
         Action.SEND_BACK: "sent back", Action.ASSIGN: "assigned"}  # fmt: skip


def disposition_of(value: str) -> Disposition:
    """The disposition named ``value``, or :class:`InvalidInput` on field ``disposition``."""
    try:
        return Disposition(value)
    except ValueError:
        choices = ", ".join(d.value for d in Disposition)
        raise InvalidInput(f"must be one of {choices}", field="disposition") from None


def check_reason(disposition: Disposition, code: str, note: str) -> None:
    """Every problem with a decision's reason code and note, at once (:class:`InvalidInput`):
    the code must be in :data:`REASONS` and fit the disposition; the note must say something."""
    problems: list[FieldError] = []
    reason = REASONS.get(code)
    if reason is None:
        problems.append(FieldError("reason_code", f"must be one of {', '.join(REASONS)}"))
    elif disposition not in reason.dispositions:
        fitting = ", ".join(r.code for r in REASON_CODES if disposition in r.dispositions)
        problems.append(FieldError("reason_code", f"{code!r} is not a reason for a "
                                   f"{WORDS[disposition]}; use one of {fitting}"))  # fmt: skip
    if not note.strip():
        problems.append(FieldError("note", "say what was checked and found"))
    if problems:
        raise InvalidInput(problems)


def party_key(
    normalised: str,
    country: str | None = None,
    type: str | None = None,
    birth_date: str | None = None,
    identifiers: Sequence[str] = (),
) -> str:
    """What makes two screenings "the same party": the normalised name and every qualifier
    given (country, type, birth date, identifiers). A false positive cleared for "John
    Smith, GB, born 1970" never clears a screening of "John Smith" alone."""
    return json.dumps(
        [normalised, country or None, type or None, birth_date or None, sorted(identifiers)],
        ensure_ascii=False,
        separators=(",", ":"),
    )
