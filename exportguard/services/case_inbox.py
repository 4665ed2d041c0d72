"""Reading hit review cases (part of ``ExportGuard.cases``): a case in full, the inbox (one
page, filtered), counts per state, the users a case may be given to, the reason codes and
the clearances in force. An exporter user reads its own company's cases only; others are
"not found" (``services.hit_cases`` has the whole story)."""

from __future__ import annotations

from sqlalchemy import Connection

from exportguard.core.accounts import User
from exportguard.core.case_records import CaseDetail, HitCase
from exportguard.core.entities import ListEntry
from exportguard.core.hit_cases import REASON_CODES, CaseState, ReasonCode
from exportguard.core.monitoring_records import ListedClearance
from exportguard.core.permissions import PERMISSIONS, Actor, Role, allowed, owns, require
from exportguard.errors import InvalidInput, NotFound
from exportguard.services.hit_reviews import HitReviews
from exportguard.store import accounts as account_store
from exportguard.store import clearances as clearance_store
from exportguard.store import hit_cases as store
from exportguard.store import lists as list_store

#: Cases on one page of the inbox, at most.
MAX_PAGE = 200


class CaseInbox(HitReviews):
    """What the caller may read of hit review cases; the base of
    :class:`~exportguard.services.hit_cases.Cases`."""

    # --- who -------------------------------------------------------------------------------

    def _require(self, action: str) -> None:
        if self.ctx.principal is not None:
            require(self.ctx.principal, action)

    def _visible(self, conn: Connection, case_id: str, *, lock: bool = False) -> HitCase:
        case = store.get_case(conn, case_id, lock=lock)
        if case is None or not self.ctx.reaches(case.exporter):
            raise NotFound(f"no case {case_id!r}")
        return case

    # --- reading ---------------------------------------------------------------------------

    @staticmethod
    def reasons() -> tuple[ReasonCode, ...]:
        """The fixed table of reason codes, each with the dispositions it fits."""
        return REASON_CODES

    def get(self, case_id: str) -> CaseDetail:
        """A case with its history (``events``), the list entry as the case saw it (every
        field), what an officer compares (``details``) and the clearance its decision made,
        if any. Raises :class:`NotFound` for a case the caller cannot see."""
        self._require("read_cases")
        with self.ctx.engine.connect() as conn:
            case = self._visible(conn, case_id)
            events = tuple(store.events(conn, case_id))
            entry = next(list_store.load_entries(conn, case.snapshot_id, [case.entry_id]), None)
            clearance = (None if case.clearance_id is None
                         else clearance_store.clearance(conn, case.clearance_id))  # fmt: skip
        details = tuple(facts(entry)) if entry else ()
        return CaseDetail.of(case, events, entry, details, clearance)

    def find(
        self,
        *,
        state: str | None = None,
        list_text: str | None = None,
        assignee: str | None = None,
        exporter: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> tuple[list[HitCase], int]:
        """One page of cases, most recently changed first, and how many match: ``state``
        (a :class:`CaseState` value), ``list_text`` (a source id, or a text of the list's
        name), ``assignee`` (a user name; ``"me"``: the caller; ``"none"``: unassigned),
        ``exporter`` (an exporter user always gets its own). :class:`InvalidInput` for a
        state, limit (1 to :data:`MAX_PAGE`) or offset out of range."""
        self._require("read_cases")
        if state is not None and state not in {s.value for s in CaseState}:
            raise InvalidInput(f"must be one of {', '.join(s.value for s in CaseState)}",
                               field="state")  # fmt: skip
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"1 to {MAX_PAGE}", field="limit")
        if offset < 0:
            raise InvalidInput("must not be negative", field="offset")
        who = None
        if assignee:
            who = {"me": self.ctx.actor, "none": store.UNASSIGNED}.get(assignee, assignee)
        with self.ctx.engine.connect() as conn:
            return store.find_cases(
                conn, exporter=self.ctx.scope(exporter),
                state=CaseState(state) if state is not None else None,
                list_text=(list_text or "").strip() or None, assignee=who, limit=limit,
                offset=offset,
            )  # fmt: skip

    def counts(self) -> dict[str, int]:
        """{state: cases} of the caller's reach (an exporter's own)."""
        self._require("read_cases")
        with self.ctx.engine.connect() as conn:
            return store.counts(conn, self.ctx.tenant)

    def assignees(self, exporter: str | None) -> list[str]:
        """The active users the caller may offer to review a case of ``exporter`` (None:
        the authority's): those whose role decides cases (an admin's or auditor's does not)
        and who see it, of the caller's side: an exporter's users of its own company,
        staff's other staff."""
        p = self.ctx.principal
        with self.ctx.engine.connect() as conn:
            users = account_store.list_users(conn)
        return [
            u.username for u in users
            if u.active and u.role in PERMISSIONS["decide_case"]
            and may_review(u, exporter)
            and (p is None or (u.exporter == p.exporter if p.is_exporter
                               else u.role is not Role.EXPORTER))
        ]  # fmt: skip

    def clearances(
        self, *, exporter: str | None = None, limit: int = 50, offset: int = 0
    ) -> tuple[list[ListedClearance], int]:
        """One page of the clearances in force today (not expired), newest first: of
        counterparties and of screened parties, with the case that made each (an exporter
        sees its own). :class:`InvalidInput` for a limit out of 1 to :data:`MAX_PAGE`."""
        self._require("read_cases")
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(f"1 to {MAX_PAGE}", field="limit")
        today = self.ctx.today()
        with self.ctx.engine.connect() as conn:
            return clearance_store.find_clearances(
                conn, exporter=self.ctx.scope(exporter), on=today, limit=limit, offset=offset
            )


def may_review(user: User, exporter: str | None) -> bool:
    """Whether ``user`` may decide a case of ``exporter`` (None: the authority's)."""
    actor = Actor(user.username, user.role, user.exporter)
    return allowed(actor, "decide_case") and owns(actor, exporter)


def facts(entry: ListEntry) -> list[tuple[str, str]]:
    """What an officer compares to rule a hit in or out, as (label, text) pairs: names,
    kind, programmes, places, dates, documents and listing, then the entry's other details
    (``ListEntry.details``)."""
    listed = " to ".join(str(d) for d in (entry.listed_from, entry.listed_until) if d)
    rows = [
        ("also known as", "; ".join(a.name for a in entry.aliases)),
        ("kind", entry.type.value),
        ("programmes", ", ".join(entry.programs)),
        ("countries", ", ".join(entry.countries)),
        *(("address", a.full) for a in entry.addresses if not a.note),
        ("born", ", ".join(entry.birth_dates)),
        ("place of birth", "; ".join(entry.birth_places)),
        *(("document", f"{i.label or i.kind} {i.value}" + (f" ({i.country})" if i.country else ""))
          for i in entry.identifiers),
        ("listed", listed),
        ("citation", entry.citation or ""),
        ("licence requirement", entry.licence_requirement or ""),
        ("licence policy", entry.licence_policy or ""),
        ("remarks", entry.remarks or ""),
        ("source", entry.url or ""),
    ]  # fmt: skip
    return [(k, v) for k, v in rows if v] + entry.details()
