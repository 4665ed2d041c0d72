"""Misuse reports and licence reviews: a report (a press or NGO finding of misuse) is
matched to the licences it may concern, each of which gets a review; an officer closes a
review with an outcome, applied to the licence as an event.

Reports and reviews are the authority's: a report is not one company's (its matches name
the licences of any), so these use cases check the acting role themselves
(``core.permissions``: ``read_reports``, ``report_misuse``, ``close_review``), whatever
edge calls them; an exporter principal is refused (:class:`PermissionDenied`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import Connection

from exportguard.core import countries
from exportguard.core.entities import AliasQuality, EntityType
from exportguard.core.index import make_query
from exportguard.core.licensing import TRANSITIONS, Conditions, Event, State
from exportguard.core.matching import Candidate, score
from exportguard.core.names import analyse
from exportguard.core.permissions import require
from exportguard.core.review_records import (
    Confidence,
    MisuseReport,
    ReportMatch,
    Review,
    ReviewOrigin,
    ReviewOutcome,
    ReviewStatus,
    SubjectKind,
)
from exportguard.core.thresholds import REPORT_MATCH_THRESHOLD
from exportguard.core.weights import token_weight
from exportguard.errors import FieldError, IllegalTransition, InvalidInput, NotFound
from exportguard.services.licence_events import LicenceEvents
from exportguard.store import cases
from exportguard.store import reviews as store
from exportguard.store.engine import writing

CONFIDENCE = tuple(c.value for c in Confidence)
#: A review's outcome -> the event it applies to its licence (None: nothing).
REVIEW_OUTCOMES: dict[ReviewOutcome, Event | None] = {
    ReviewOutcome.NO_ACTION: None, ReviewOutcome.RESTRICT: Event.RESTRICT,
    ReviewOutcome.SUSPEND: Event.SUSPEND, ReviewOutcome.REVOKE: Event.REVOKE,
    ReviewOutcome.SHUT_DOWN: Event.SHUT_DOWN, ReviewOutcome.APPROVE: Event.APPROVE,
    ReviewOutcome.REFUSE: Event.REFUSE,
}  # fmt: skip


def review_outcomes(state: State) -> tuple[ReviewOutcome, ...]:
    """The outcomes a review of a licence in ``state`` may close with: those whose event
    the transition table allows there (an application being decided is approved or
    refused: a submitted one is taken under review first), and ``no_action`` always."""
    at = State.UNDER_REVIEW if state is State.SUBMITTED else state
    return tuple(
        outcome for outcome, event in REVIEW_OUTCOMES.items()
        if event is None or (at, event) in TRANSITIONS
    )  # fmt: skip


class MisuseReports(LicenceEvents):
    """Misuse report and review use cases (part of ``ExportGuard.licensing``)."""

    def _require(self, action: str) -> None:
        """:class:`PermissionDenied` unless the acting principal (if any) may ``action``."""
        if self.ctx.principal is not None:
            require(self.ctx.principal, action)

    def report_misuse(
        self,
        *,
        source: str,
        reported_on: date,
        country: str,
        suspected_operator: str,
        product: str,
        evidence: str,
        confidence: str,
    ) -> MisuseReport:
        """Record a misuse report, match it to the licences it may concern, open reviews
        (audited). ``country``: a name or ISO code; ``confidence``: low, medium or high.
        :class:`InvalidInput` names every field wrong at once."""
        self._require("report_misuse")
        errors = []
        code = countries.to_code(country)
        if code is None:
            errors.append(FieldError("country", f"unknown country {country!r}"))
        if confidence not in CONFIDENCE:
            errors.append(FieldError("confidence", f"must be one of {', '.join(CONFIDENCE)}"))
        for name, value in (
            ("source", source),
            ("suspected_operator", suspected_operator),
            ("product", product),
            ("evidence", evidence),
        ):
            if not value.strip():
                errors.append(FieldError(name, "must not be empty"))
        if errors:
            raise InvalidInput(errors)
        assert code is not None
        with writing(self.ctx.engine) as conn:
            report_id = cases.next_id(conn, "report", "R")
            matches = self._match_report(conn, code, suspected_operator, product)
            store.add_report(conn, MisuseReport(
                id=report_id, source=source, reported_on=reported_on, country=code,
                suspected_operator=suspected_operator, product=product, evidence=evidence,
                confidence=Confidence(confidence), status=ReviewStatus.OPEN, outcome=None,
                matches=tuple(matches), created_at=self.ctx.now(), actor=self.ctx.actor,
            ))  # fmt: skip
            for match in matches:
                store.add_review(
                    conn,
                    review_id=cases.next_id(conn, "review", "V"),
                    subject_kind=SubjectKind.LICENCE,
                    subject_id=match.licence,
                    origin=ReviewOrigin.MISUSE_REPORT,
                    reason=f"misuse report {report_id}: " + "; ".join(match.why),
                    at=self.ctx.now(),
                    actor=self.ctx.actor,
                    data={"report": report_id},
                )
            self.audit.record(
                conn,
                "misuse-report",
                report_id,
                {
                    "source": source,
                    "reported_on": reported_on.isoformat(),
                    "country": code,
                    "suspected_operator": suspected_operator,
                    "product": product,
                    "evidence": evidence,
                    "confidence": confidence,
                    "matches": [m.as_dict() for m in matches],
                },
            )
            found = store.get_report(conn, report_id)
        assert found is not None
        return found

    def _match_report(
        self, conn: Connection, country: str, operator: str, product: str
    ) -> list[ReportMatch]:
        """Licences for the report's country whose end user resembles the suspected
        operator, or whose items the product names."""
        query = make_query(operator)
        product_text = product.upper()
        out = []
        for licence in cases.find_licences(conn, destination=country):
            if licence.state in (State.DRAFT, State.WITHDRAWN, State.REFUSED):
                continue
            why = [f"destination {country}"]
            cand = make_candidate(licence.end_user)
            similarity = score(query, cand, token_weight).score
            if similarity >= REPORT_MATCH_THRESHOLD:
                why.append(f"end user {licence.end_user!r} ~ {operator!r} ({similarity:.2f})")
            named = [i for i in licence.items if i.upper() in product_text]
            if named:
                why.append(f"product names item(s) {', '.join(named)}")
            if len(why) > 1 or licence.end_user_type in (
                "government",
                "law-enforcement",
                "intelligence",
                "military",
            ):
                if len(why) == 1:
                    why.append("government end user in the reported country")
                out.append(ReportMatch(licence=licence.id, why=tuple(why),
                                       end_user_similarity=round(similarity, 3)))  # fmt: skip
        return out

    def reports(self) -> list[MisuseReport]:
        """Every misuse report, by id."""
        self._require("read_reports")
        with self.ctx.engine.connect() as conn:
            return store.all_reports(conn)

    def reviews(self, status: str | None = "open") -> list[Review]:
        """The reviews of one status (``open``, ``closed``; None: all), by id; none of
        another status."""
        self._require("read_reports")
        if status is not None and status not in {s.value for s in ReviewStatus}:
            return []
        wanted = None if status is None else ReviewStatus(status)
        with self.ctx.engine.connect() as conn:
            return store.find_reviews(conn, status=wanted)

    def close_review(self, review_id: str, outcome: str, *, reason: str) -> Review:
        """End a review with an outcome of :func:`review_outcomes` for its licence's state:
        no_action; restrict, suspend, revoke or shut_down (an issued licence); approve or
        refuse (an application: a submitted one is taken under review first). The outcome
        is applied to the licence as events in the review's transaction. Raises
        :class:`InvalidInput` (``outcome``) for an outcome that does not fit the state,
        :class:`NotFound`, and :class:`IllegalTransition` for a closed review."""
        self._require("close_review")
        if outcome not in REVIEW_OUTCOMES:
            raise InvalidInput(f"must be one of {', '.join(REVIEW_OUTCOMES)}", field="outcome")
        chosen = ReviewOutcome(outcome)
        with self.ctx.engine.connect() as conn:
            review = store.get_review(conn, review_id)
        if review is None:
            raise NotFound(f"no review {review_id!r}")
        if review.status is not ReviewStatus.OPEN:
            raise IllegalTransition(f"review {review_id} is already closed ({review.outcome})")
        event = REVIEW_OUTCOMES[chosen]
        of_licence = review.subject_kind is SubjectKind.LICENCE
        licence = self.get(review.subject_id) if of_licence else None
        if licence is not None and outcome not in review_outcomes(licence.state):
            raise InvalidInput(
                f"licence {licence.id} is {licence.state.value}: close its review with "
                f"{' or '.join(review_outcomes(licence.state))}",
                field="outcome",
            )
        conditions = None
        if event is Event.RESTRICT:
            conditions = Conditions(terms=(f"Restricted after review {review_id}: {reason}",))
        elif event is Event.APPROVE and licence is not None:
            conditions = self._approval_conditions(licence, None)
        with writing(self.ctx.engine) as conn:
            # Close first, conditionally (a compare-and-set on the status): of two officers
            # closing at once, one wins, and the loser's licence event is never applied,
            # since it is in this same transaction and rolls back with it.
            closed_at = self.ctx.now()
            if not store.close_review(conn, review_id, chosen, closed_at):
                raise IllegalTransition(f"review {review_id} was closed meanwhile")
            steps = [event] if event is not None and licence is not None else []
            if steps and licence is not None and licence.state is State.SUBMITTED:
                steps.insert(0, Event.REVIEW)
            for step in steps:
                self._transition_in(
                    conn, review.subject_id, step, reason=f"review {review_id}: {reason}",
                    on=self.ctx.today(),
                    conditions=conditions if step is event else None, expected_version=None,
                    data={"review": review_id}, decision_id=None,
                )  # fmt: skip
            report = review.data.get("report")
            still_open = [
                r
                for r in store.find_reviews(conn, status=ReviewStatus.OPEN)
                if r.data.get("report") == report
            ]
            if isinstance(report, str) and report and not still_open:
                store.close_report(conn, report, chosen)
            self.audit.record(
                conn,
                "review",
                review_id,
                {"outcome": outcome, "reason": reason, "subject": review.subject_id},
            )
        return replace(review, status=ReviewStatus.CLOSED, outcome=chosen, closed_at=closed_at)


def make_candidate(name: str) -> Candidate:
    """A matching candidate for a free-text name (a licence's end user)."""
    return Candidate(name, analyse(name), AliasQuality.STRONG, EntityType.UNKNOWN, (), (), ())
