"""The composition of the use cases (``services/__init__.py``): each is built with a
context and its collaborators, none holds the application object, ``for_actor`` composes
anew on the same engine and caches, and the tenancy rules moved into the use cases hold
whatever edge calls them."""

from __future__ import annotations

from datetime import date

import pytest

from exportguard.core.permissions import Actor
from exportguard.errors import NotFound
from exportguard.services import ExportGuard
from exportguard.services.context import Context
from exportguard.services.decision_input import DecisionInput
from tests.conftest import FIXED_NOW

USE_CASES = ("lists", "screening", "imports", "decisions", "licensing", "cases", "audit",
             "monitoring", "impact", "accounts", "jobs", "writer")  # fmt: skip


def test_no_use_case_holds_the_application(service: ExportGuard) -> None:
    for name in USE_CASES:
        part = getattr(service, name)
        held = vars(part).values() if hasattr(part, "__dict__") else ()
        assert not any(isinstance(v, ExportGuard) for v in held), name
        assert part.ctx is service.ctx, name


def test_for_actor_composes_anew_on_the_same_engine_and_caches(service: ExportGuard) -> None:
    acting = service.for_actor(Actor("olga", "officer"))
    assert acting is not service
    assert acting.engine is service.engine
    assert acting.lists.cache is service.lists.cache
    assert acting.ctx == Context(service.engine, service.clock, "olga", Actor("olga", "officer"))
    assert (service.actor, service.principal) == ("tester", None)  # the original unchanged
    assert acting.screening.lists is acting.lists
    assert acting.impact.licensing is acting.licensing
    assert acting.ctx.now() == FIXED_NOW.isoformat(timespec="seconds")


def test_an_exporter_reaches_only_its_own_jobs(service: ExportGuard) -> None:
    mine = service.for_actor(Actor("acme", "exporter", "Acme Cyber"))
    theirs = service.for_actor(Actor("globex", "exporter", "Globex Security"))
    job = mine.jobs.submit("id,name\n1,NSO Group\n", owner="acme", exporter="Acme Cyber",
                           options={})  # fmt: skip
    assert mine.jobs.get(job).owner == "acme"
    assert service.for_actor(Actor("olga", "officer")).jobs.get(job).id == job
    with pytest.raises(NotFound):
        theirs.jobs.get(job)
    assert [j.id for j in theirs.jobs.find()] == []
    assert [j.id for j in theirs.jobs.find("acme")] == []  # the owner given is ignored
    assert [j.id for j in mine.jobs.find()] == [job]


def test_a_non_admin_revokes_only_its_own_tokens(service: ExportGuard) -> None:
    service.accounts.create_user("alice", "Ledger-Quartz-Maple-9", "officer")
    service.accounts.create_user("bob", "Saffron-Beacon-Tundra-2", "officer")
    token_id, _ = service.accounts.create_token("alice", "laptop")
    with pytest.raises(NotFound):
        service.for_actor(Actor("bob", "officer")).accounts.revoke_token(token_id)
    service.for_actor(Actor("alice", "officer")).accounts.revoke_token(token_id)
    with pytest.raises(NotFound, match="already revoked"):
        service.for_actor(Actor("root", "admin")).accounts.revoke_token(token_id)


def test_an_exporter_reaches_only_its_own_counterparties(service: ExportGuard) -> None:
    added = service.monitoring.add(exporter="Acme Cyber", name="Northwind Traders")
    mine = service.for_actor(Actor("acme", "exporter", "Acme Cyber"))
    theirs = service.for_actor(Actor("globex", "exporter", "Globex Security"))
    assert mine.monitoring.get(added.id).name == "Northwind Traders"
    with pytest.raises(NotFound):
        theirs.monitoring.get(added.id)
    with pytest.raises(NotFound):
        theirs.monitoring.deactivate(added.id)
    assert service.monitoring.get(added.id).active


def test_an_exporter_reaches_only_its_own_decisions(service: ExportGuard) -> None:
    mine = service.for_actor(Actor("acme", "exporter", "Acme Cyber"))
    made = mine.decisions.decide(DecisionInput(items=["4D004"], to="FR", on=date(2021, 11, 24)))
    assert mine.decisions.stored(made.decision_id).actor == "acme"
    officer = service.for_actor(Actor("olga", "officer"))
    assert officer.decisions.stored(made.decision_id).decision_id == made.decision_id
    colleague = service.for_actor(Actor("acme2", "exporter", "Acme Cyber"))
    with pytest.raises(NotFound):
        colleague.decisions.stored(made.decision_id)
    with pytest.raises(NotFound):
        colleague.decisions.replay(made.decision_id)
