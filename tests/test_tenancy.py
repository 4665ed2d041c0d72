"""Tenancy in the use cases: through the Python API (``eg.for_actor(Actor(...))``), with no
HTTP edge in between, an exporter of one company reads, lists and acts on its own
company's licences, counterparties, alerts and cases only.

Another company's record is "not found" with the message an unknown id gets; a new record
for another company is refused; and a refused call writes nothing: no row of the store,
no audit record (the chain's head is unchanged). Every public method of ``Licensing`` and
``Monitoring`` is in one table below (a test fails when a new one is in none), so a new
method is one row. On the real OFAC SDN list of 2022-03-31, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from exportguard.core.hit_cases import Origin
from exportguard.core.licensing import Conditions, Event
from exportguard.core.permissions import Actor
from exportguard.core.snapshots import SourceFile
from exportguard.errors import ExportGuardError, InvalidInput, NotFound, PermissionDenied
from exportguard.services import ExportGuard
from exportguard.services.audit import AuditKey
from exportguard.services.decision_input import DecisionInput
from exportguard.services.licensing import Licensing
from exportguard.services.monitoring import Monitoring
from exportguard.store import audit as audit_store
from exportguard.store import schema
from tests.conftest import FIXED_NOW, StoreTemplates

SDN_MAR = "us_ofac_sdn/2022-03-31/sdn.csv"
TODAY = FIXED_NOW.date()
ACME = Actor("acme", "exporter", "Acme Cyber")
GLOBEX = Actor("globex", "exporter", "Globex Security")
OFFICER = Actor("olga", "officer")
STAFF = (OFFICER, Actor("root", "admin"), Actor("audrey", "auditor"))
#: Tables of list data (tens of thousands of rows, written by list imports only).
LIST_DATA = frozenset({"entries", "snapshot_indexes"})


@dataclass(frozen=True)
class Company:
    """One exporter's records, each made by its own user through the use cases."""

    name: str
    draft: str  # a draft application
    issued: str  # an issued licence (valid to 2030)
    request: str  # an open amendment request on it
    party: str  # a counterparty with an open alert (Nord Stream 2 AG, on the SDN)
    alert: int
    entry: str  # the listed entry of that alert
    case: str  # a hit review case on that hit
    cleared: str  # a counterparty whose hit is cleared, expiring in 14 days
    decision: str  # a decision the company's user asked for


@dataclass(frozen=True)
class World:
    acme: Company
    globex: Company
    review: str  # an open licence review (a misuse report on licences to France)


def _company(eg: ExportGuard, user: Actor) -> Company:
    me, officer = eg.for_actor(user), eg.for_actor(OFFICER)

    def application() -> str:
        return me.licensing.apply(
            kind="export", regime="us-ear", items=["4D004"], destination="FR",
            end_user="Police", end_user_type="government", end_use="law-enforcement",
        ).id  # fmt: skip

    draft, issued = application(), application()
    me.licensing.transition(issued, Event.SUBMIT, reason="to ship")
    officer.licensing.transition(issued, Event.REVIEW, reason="r")
    officer.licensing.transition(issued, Event.APPROVE, reason="r",
                                 conditions=Conditions(valid_until=date(2030, 1, 1)))  # fmt: skip
    request = me.licensing.request_amendment(issued, Conditions(max_value=5000.0),
                                             reason="a second order")  # fmt: skip
    party = me.monitoring.add(name="Nord Stream 2 AG")
    (alert,) = party.alerts
    case, _ = me.cases.open(Origin.MONITORING, party.id, alert.entry_id)
    person = me.monitoring.add(name="Arkady Rotenberg", type="person")
    (hit,) = person.alerts
    eg.monitoring.clear(person.id, hit.entry_id, reason="another man (birth date)",
                        expires_on=TODAY + timedelta(days=14))  # fmt: skip
    decision = me.decisions.decide(DecisionInput(items=["4D004"], to="FR", on=TODAY))
    assert user.exporter is not None
    return Company(user.exporter, draft, issued, request.id, party.id, alert.id,
                   alert.entry_id, case.id, person.id, decision.decision_id)  # fmt: skip


def _make_world(lists_dir: Path, audit_key: AuditKey) -> Callable[[str], World]:
    def make(url: str) -> World:
        eg = ExportGuard(url, actor="tester", clock=lambda: FIXED_NOW, audit_key=audit_key)
        try:
            path = lists_dir / SDN_MAR
            eg.import_files([SourceFile(str(path), path.read_bytes())],
                            published=date(2022, 3, 31))  # fmt: skip
            acme, globex = _company(eg, ACME), _company(eg, GLOBEX)
            eg.for_actor(OFFICER).licensing.report_misuse(
                source="Lab", reported_on=date(2022, 5, 1), country="FR",
                suspected_operator="Police", product="4D004 intrusion software",
                evidence="a report", confidence="high",
            )  # fmt: skip
            review = eg.licensing.reviews()[0].id
            return World(acme, globex, review)
        finally:
            eg.close()

    return make


@pytest.fixture
def world(
    db_url: str, store_templates: StoreTemplates, lists_dir: Path, audit_key: AuditKey
) -> Iterator[tuple[ExportGuard, World]]:
    """A store holding both companies' records (made once per worker and store, copied)."""
    made = store_templates.copy_into(db_url, "tenancy-world", _make_world(lists_dir, audit_key))
    eg = ExportGuard(db_url, actor="tester", clock=lambda: FIXED_NOW, audit_key=audit_key)
    yield eg, made
    eg.close()


def state_of(eg: ExportGuard) -> dict[str, list[str]]:
    """Every row of every table but the list data, and the audit chain's head."""
    out: dict[str, list[str]] = {}
    with eg.engine.connect() as conn:
        for table in schema.metadata.sorted_tables:
            if table.name not in LIST_DATA:
                out[table.name] = sorted(repr(tuple(r)) for r in conn.execute(sa.select(table)))
        out["audit head"] = [repr(audit_store.head(conn))]
    return out


# --- the tables: every use case of licensing and monitoring ----------------------------------

#: An action of an exporter's use cases on a company's records (``ExportGuard`` as the
#: exporter, the company whose records it names).
Act = Callable[[ExportGuard, Company], object]


def _apply(eg: ExportGuard, c: Company) -> object:
    return eg.licensing.apply(exporter=c.name, kind="export", regime="us-ear", items=["4D004"],
                              destination="FR", end_user="Police")  # fmt: skip


def _ship(eg: ExportGuard, c: Company) -> object:
    return eg.licensing.ship(c.issued, shipped_on=TODAY, value=1.0, end_user="Police",
                             end_use="law-enforcement")  # fmt: skip


def _import(eg: ExportGuard, c: Company) -> object:
    return eg.monitoring.import_csv(f"name,exporter\nX Ltd,{c.name}\n".encode(), file="b.csv")


def _submit_import(eg: ExportGuard, c: Company) -> object:
    return eg.jobs.submit_import(f"name,exporter\nX Ltd,{c.name}\n".encode(), file="b.csv",
                                 owner="acme", exporter=None)  # fmt: skip


#: (use case, error on another company's record, its message, the action). The same action
#: on the exporter's own company's record succeeds.
TENANT_SCOPED: list[tuple[str, type[ExportGuardError], str, Act]] = [
    ("licensing.get", NotFound, "no licence 'L", lambda eg, c: eg.licensing.get(c.draft)),
    ("licensing.view", NotFound, "no licence 'L", lambda eg, c: eg.licensing.view(c.issued)),
    ("licensing.events", NotFound, "no licence 'L", lambda eg, c: eg.licensing.events(c.draft)),
    ("licensing.state_on", NotFound, "no licence 'L",
     lambda eg, c: eg.licensing.state_on(c.issued, TODAY)),
    ("licensing.transition", NotFound, "no licence 'L",
     lambda eg, c: eg.licensing.transition(c.draft, Event.SUBMIT, reason="ready")),
    ("licensing.transition[surrender]", NotFound, "no licence 'L",
     lambda eg, c: eg.licensing.transition(c.issued, "surrender", reason="done")),
    ("licensing.ship", NotFound, "no licence 'L", _ship),
    ("licensing.request_amendment", NotFound, "no licence 'L",
     lambda eg, c: eg.licensing.request_amendment(c.issued, Conditions(max_value=9.0),
                                                  reason="more")),
    ("licensing.amendment_request", NotFound, "no amendment request 'AR",
     lambda eg, c: eg.licensing.amendment_request(c.request)),
    ("licensing.apply", InvalidInput, "is not your company (Acme Cyber)", _apply),
    ("licensing.application_from", NotFound, "no decision",
     lambda eg, c: eg.licensing.application_from(c.decision)),
    ("monitoring.get", NotFound, "no counterparty 'C", lambda eg, c: eg.monitoring.get(c.party)),
    ("monitoring.deactivate", NotFound, "no counterparty 'C",
     lambda eg, c: eg.monitoring.deactivate(c.party)),
    ("monitoring.clear", NotFound, "no counterparty 'C",
     lambda eg, c: eg.monitoring.clear(c.party, c.entry, reason="a namesake")),
    ("monitoring.rescreen", NotFound, "no counterparty 'C",
     lambda eg, c: eg.monitoring.rescreen([c.party])),
    ("monitoring.run", NotFound, "no counterparty 'C",
     lambda eg, c: eg.monitoring.run([c.party], full=True)),
    ("monitoring.acknowledge", NotFound, "no alert",
     lambda eg, c: eg.monitoring.acknowledge(c.alert, reason="looking")),
    ("monitoring.resolve", NotFound, "no alert",
     lambda eg, c: eg.monitoring.resolve(c.alert, "false_positive", reason="a namesake")),
    ("monitoring.add", InvalidInput, "is not your company (Acme Cyber)",
     lambda eg, c: eg.monitoring.add(exporter=c.name, name="Northwind GmbH")),
    ("monitoring.import_csv", InvalidInput, "is not your company (Acme Cyber)", _import),
    ("jobs.submit_import", InvalidInput, "is not your company (Acme Cyber)", _submit_import),
    ("cases.get", NotFound, "no case", lambda eg, c: eg.cases.get(c.case)),
    ("cases.open", NotFound, "no counterparty 'C",
     lambda eg, c: eg.cases.open(Origin.MONITORING, c.party, c.entry)),
    ("cases.open_from_alert", NotFound, "no alert",
     lambda eg, c: eg.cases.open_from_alert(c.alert)),
    ("cases.decide", NotFound, "no case",
     lambda eg, c: eg.cases.decide(c.case, "escalate", reason_code="more_information",
                                   note="asked the customer")),
]  # fmt: skip

#: The authority's use cases (misuse reports and reviews, deciding amendment requests): an
#: exporter is refused whatever company, an officer acts.
AUTHORITY: list[tuple[str, Callable[[ExportGuard, World], object]]] = [
    ("licensing.reports", lambda eg, w: eg.licensing.reports()),
    ("licensing.reviews", lambda eg, w: eg.licensing.reviews()),
    ("licensing.report_misuse", lambda eg, w: eg.licensing.report_misuse(
        source="Lab", reported_on=date(2022, 6, 1), country="FR", suspected_operator="Police",
        product="4D004", evidence="a second report", confidence="medium")),
    ("licensing.close_review",
     lambda eg, w: eg.licensing.close_review(w.review, "no_action", reason="checked")),
    ("licensing.decide_amendment",
     lambda eg, w: eg.licensing.decide_amendment(w.acme.request, approve=False, reason="no")),
]  # fmt: skip

BOTH = frozenset({"Acme Cyber", "Globex Security"})
GLOBEX_ONLY = frozenset({"Globex Security"})

#: (use case, the companies the staff list, the companies of what it lists): an exporter
#: lists its own company's only, whatever company it names; the staff list every company's,
#: or the company they name.
LISTS: list[tuple[str, frozenset[str], Callable[[ExportGuard], Iterable[str | None]]]] = [
    ("licensing.find", BOTH, lambda eg: [x.exporter for x in eg.licensing.find()]),
    ("licensing.find[exporter]", GLOBEX_ONLY,
     lambda eg: [x.exporter for x in eg.licensing.find(exporter="Globex Security")]),
    ("licensing.amendment_requests", BOTH,
     lambda eg: [x.exporter for x in eg.licensing.amendment_requests(status=None)]),
    ("monitoring.find", BOTH, lambda eg: [x.exporter for x in eg.monitoring.find()]),
    ("monitoring.find[exporter]", GLOBEX_ONLY,
     lambda eg: [x.exporter for x in eg.monitoring.find("Globex Security")]),
    ("monitoring.alerts", BOTH,
     lambda eg: [x.exporter for x in eg.monitoring.alerts(status=None)]),
    ("monitoring.alerts[exporter]", GLOBEX_ONLY, lambda eg: [
        x.exporter for x in eg.monitoring.alerts(status=None, exporter="Globex Security")]),
    ("monitoring.clearances_expiring", BOTH,
     lambda eg: [x.tenant for x in eg.monitoring.clearances_expiring(30)]),
    ("cases.find", BOTH, lambda eg: [x.exporter for x in eg.cases.find()[0]]),
    ("cases.find[exporter]", GLOBEX_ONLY,
     lambda eg: [x.exporter for x in eg.cases.find(exporter="Globex Security")[0]]),
    ("cases.clearances", BOTH, lambda eg: [x.tenant for x in eg.cases.clearances()[0]]),
]  # fmt: skip

#: Use cases that read or act on no company's records for the caller: the service's own
#: upkeep (posting and re-queueing webhook notifications, raising the alerts of lapsed
#: clearances, whoever's) and a count of undelivered notifications (the caller's own, with
#: the filter of ``alerts``).
UPKEEP = {"monitoring.deliver", "monitoring.retry_failed", "monitoring.lapse_clearances",
          "monitoring.undelivered"}  # fmt: skip


def _names(rows: Iterable[tuple[object, ...]]) -> list[str]:
    return [str(row[0]) for row in rows]


# --- the tests -------------------------------------------------------------------------------


def test_every_use_case_of_licensing_and_monitoring_is_in_a_table() -> None:
    """A new use case cannot be forgotten: each public method is a row of one table."""
    listed = {n.split("[")[0] for n in _names(TENANT_SCOPED) + _names(AUTHORITY) + _names(LISTS)}
    methods = {f"{area}.{name}" for area, cls in (("licensing", Licensing),
                                                   ("monitoring", Monitoring))
               for name in dir(cls) if not name.startswith("_")
               and callable(getattr(cls, name))}  # fmt: skip
    assert methods - listed - UPKEEP == set()


@pytest.mark.parametrize(("name", "error", "message", "act"), TENANT_SCOPED,
                         ids=_names(TENANT_SCOPED))  # fmt: skip
def test_an_exporter_cannot_reach_another_companys_record(
    world: tuple[ExportGuard, World], name: str, error: type[Exception], message: str, act: Act
) -> None:
    eg, w = world
    acme = eg.for_actor(ACME)
    before = state_of(eg)
    with pytest.raises(error) as caught:
        act(acme, w.globex)
    assert message in str(caught.value), name
    assert "Globex" not in str(caught.value).replace("'Globex Security' is not", "")
    assert state_of(eg) == before  # nothing written, nothing audited


@pytest.mark.parametrize(("name", "error", "message", "act"), TENANT_SCOPED,
                         ids=_names(TENANT_SCOPED))  # fmt: skip
def test_an_exporter_acts_on_its_own(
    world: tuple[ExportGuard, World], name: str, error: type[Exception], message: str, act: Act
) -> None:
    eg, w = world
    act(eg.for_actor(ACME), w.acme)


@pytest.mark.parametrize(("name", "act"), AUTHORITY, ids=_names(AUTHORITY))
def test_the_authoritys_use_cases_refuse_an_exporter(
    world: tuple[ExportGuard, World], name: str, act: Callable[[ExportGuard, World], object]
) -> None:
    eg, w = world
    before = state_of(eg)
    with pytest.raises(PermissionDenied):
        act(eg.for_actor(ACME), w)
    assert state_of(eg) == before
    act(eg.for_actor(OFFICER), w)


@pytest.mark.parametrize(("name", "staff_see", "found"), LISTS, ids=_names(LISTS))
def test_an_exporter_lists_its_own_company_only(
    world: tuple[ExportGuard, World],
    name: str,
    staff_see: frozenset[str],
    found: Callable[[ExportGuard], Iterable[str | None]],
) -> None:
    eg, _ = world
    assert set(found(eg.for_actor(ACME))) == {"Acme Cyber"}
    assert set(found(eg.for_actor(GLOBEX))) == {"Globex Security"}
    for staff in STAFF:
        assert set(found(eg.for_actor(staff))) == staff_see, staff.role


ORDERINGS: list[tuple[str, Act]] = [
    ("an unknown event", lambda eg, c: eg.licensing.transition(c.draft, "teleport", reason="x")),
    ("an event of the officer's", lambda eg, c: eg.licensing.transition(
        c.issued, Event.REVOKE, reason="x")),
    ("no reason", lambda eg, c: eg.licensing.transition(c.draft, Event.SUBMIT, reason=" ")),
    ("no amendment reason", lambda eg, c: eg.licensing.request_amendment(
        c.issued, Conditions(max_value=9.0), reason="")),
    ("no amendment", lambda eg, c: eg.licensing.request_amendment(
        c.issued, Conditions(), reason="more")),
]  # fmt: skip


@pytest.mark.parametrize(("name", "act"), ORDERINGS, ids=_names(ORDERINGS))
def test_another_companys_licence_is_not_found_before_the_input_is_checked(
    world: tuple[ExportGuard, World], name: str, act: Act
) -> None:
    """As the API always answered (404 first): the exporter learns nothing of the licence
    from its own input's errors; on its own licence, the input's error."""
    eg, w = world
    acme = eg.for_actor(ACME)
    with pytest.raises(NotFound, match="no licence"):
        act(acme, w.globex)
    with pytest.raises((InvalidInput, PermissionDenied)):
        act(acme, w.acme)


@pytest.mark.parametrize("staff", STAFF, ids=[s.role for s in STAFF])
def test_the_staff_keep_their_reach(world: tuple[ExportGuard, World], staff: Actor) -> None:
    eg, w = world
    them = eg.for_actor(staff)
    for company in (w.acme, w.globex):
        assert them.licensing.get(company.issued).exporter == company.name
        assert them.licensing.amendment_request(company.request).exporter == company.name
        assert them.monitoring.get(company.party).exporter == company.name
        assert them.cases.get(company.case).exporter == company.name


def test_the_staff_name_the_company_of_what_they_make(world: tuple[ExportGuard, World]) -> None:
    eg, _ = world
    officer = eg.for_actor(OFFICER)
    before = state_of(eg)
    with pytest.raises(InvalidInput, match="give the exporter the object belongs to"):
        officer.monitoring.add(name="Northwind GmbH")
    assert state_of(eg) == before
    made = officer.monitoring.add(exporter="Globex Security", name="Northwind GmbH")
    assert made.exporter == "Globex Security"
    assert eg.for_actor(ACME).monitoring.add(name="Northwind GmbH").exporter == "Acme Cyber"


def test_an_exporter_without_a_company_is_refused(world: tuple[ExportGuard, World]) -> None:
    eg, _ = world
    with pytest.raises(ValueError, match="acts for no company"):
        eg.for_actor(Actor("nobody", "exporter"))
