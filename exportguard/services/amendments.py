"""Amendment requests: an exporter asks for its licence's conditions to change; an officer
approves (an ``amend`` event) or refuses. An exporter sees and asks only for its own."""

from __future__ import annotations

from sqlalchemy import Connection

from exportguard.core.licensing import (
    AmendmentRequest,
    Conditions,
    Event,
    Licence,
    RequestStatus,
    State,
    state_on,
)
from exportguard.errors import (
    ConcurrentChange,
    IllegalTransition,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from exportguard.services.licence_events import LicenceEvents
from exportguard.store import cases
from exportguard.store.engine import writing


class Amendments(LicenceEvents):
    """Amendment request use cases (part of ``ExportGuard.licensing``)."""

    def request_amendment(
        self, licence_id: str, conditions: Conditions, *, reason: str
    ) -> AmendmentRequest:
        """An exporter asks for its issued (or suspended) licence's conditions to change.

        Nothing changes on the licence: the request waits for an officer
        (:meth:`decide_amendment`). Raises, in this order and before anything is written,
        :class:`NotFound` for a licence that is not the acting exporter's,
        :class:`InvalidInput` without a reason or a change, and :class:`IllegalTransition`
        if the licence is not issued or suspended.
        """
        with writing(self.ctx.engine) as conn:
            licence = self._own_licence(conn, licence_id)
            if not reason.strip():
                raise InvalidInput("say why the licence should change", field="reason")
            if conditions == Conditions():
                raise InvalidInput("name at least one condition to change", field="conditions")
            today = self.ctx.today()
            state = state_on(cases.events(conn, licence_id), today, licence.conditions)
            if state not in (State.ISSUED, State.SUSPENDED):
                raise IllegalTransition(
                    f"licence {licence_id} is {state.value}: only an issued or suspended "
                    "licence can be amended (apply for a new one)"
                )
            request = AmendmentRequest(
                id=cases.next_id(conn, "amendment", "AR"), licence=licence_id,
                exporter=licence.exporter, conditions=conditions, reason=reason.strip(),
                requested_by=self.ctx.actor, requested_at=self.ctx.now(),
                based_on_version=licence.version,
            )  # fmt: skip
            cases.add_request(conn, request)
            self.audit.record(conn, "amendment-request", request.id, {
                "licence": licence_id, "conditions": conditions.to_dict(),
                "reason": request.reason, "based_on_version": licence.version})  # fmt: skip
        return request

    def amendment_requests(
        self, *, licence: str | None = None, status: RequestStatus | str | None = None
    ) -> list[AmendmentRequest]:
        """Amendment requests, oldest first; an exporter sees only its own."""
        wanted = None
        if status is not None:
            try:
                wanted = RequestStatus(status)
            except ValueError:
                choices = ", ".join(s.value for s in RequestStatus)
                raise InvalidInput(f"must be one of {choices}", field="status") from None
        with self.ctx.engine.connect() as conn:
            return cases.find_requests(
                conn, exporter=self.ctx.tenant, licence=licence, status=wanted
            )

    def amendment_request(self, request_id: str) -> AmendmentRequest:
        with self.ctx.engine.connect() as conn:
            found = cases.get_request(conn, request_id)
        if found is None or not self.ctx.reaches(found.exporter):
            raise NotFound(f"no amendment request {request_id!r}")
        return found

    def decide_amendment(self, request_id: str, *, approve: bool, reason: str) -> AmendmentRequest:
        """An officer approves (the licence is amended: an ``amend`` event with the requested
        conditions, merged into the licence's current ones under its row lock) or refuses.

        The request's close and the licence's event are one transaction: of two officers
        deciding at once, one wins and the other gets :class:`IllegalTransition`.
        """
        if not reason.strip():
            raise InvalidInput("every decision needs a reason", field="reason")
        if self.ctx.principal is not None and self.ctx.principal.role not in ("officer", "admin"):
            raise PermissionDenied("only a licensing officer decides amendment requests")
        request = self.amendment_request(request_id)
        status = RequestStatus.APPROVED if approve else RequestStatus.REFUSED
        with writing(self.ctx.engine) as conn:
            if not cases.decide_request(
                conn, request_id, status, actor=self.ctx.actor, at=self.ctx.now(),
                reason=reason.strip(),
            ):  # fmt: skip
                raise IllegalTransition(f"amendment request {request_id} is already decided")
            licence = cases.get_licence(conn, request.licence, lock=True)
            if approve and licence is not None and licence.version != request.based_on_version:
                # Approving it now could undo what officers did since (a restriction).
                raise ConcurrentChange(
                    f"licence {request.licence} changed since {request_id} was made (version "
                    f"{request.based_on_version}, now {licence.version}): refuse it, and ask "
                    "for a new request against the licence as it is"
                )
            if approve:
                self._transition_in(
                    conn, request.licence, Event.AMEND, reason=f"{request_id}: {reason.strip()}",
                    on=self.ctx.today(), conditions=request.conditions,
                    expected_version=None, data={"amendment_request": request_id},
                    decision_id=None,
                )  # fmt: skip
            self.audit.record(conn, "amendment-decision", request_id, {
                "licence": request.licence, "status": status.value,
                "reason": reason.strip()})  # fmt: skip
            decided = cases.get_request(conn, request_id)
        assert decided is not None
        return decided

    def _own_licence(self, conn: Connection, licence_id: str) -> Licence:
        return self._reached(cases.get_licence(conn, licence_id, lock=True), licence_id)
