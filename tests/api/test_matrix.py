"""Every endpoint x role x tenant: no one reads or changes what is not theirs.

``OK`` roles get a 2xx, the other roles 403; an exporter reaching another exporter's object
gets 404 (it cannot learn the object exists). Run on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest

from exportguard.core.licensing import Conditions, Event
from exportguard.services.audit import AuditKey
from exportguard.services.decision_input import DecisionInput
from tests.api.conftest import USERS, Api, demo_store, serving
from tests.conftest import EMPTY, StoreTemplates

ALL = set(USERS)
NSO = "exportguard_demo:el-nso-group"
Call = tuple[str, str, dict[str, Any]]


class World:
    """Objects of both exporters, made through the services (not the API under test):
    made once per worker (:meth:`make`) and copied with the store for each test (the
    ``world`` fixture), then more made by the rows that need new ones."""

    STATE = ("lic", "issued", "request", "cp", "job", "decision", "screening", "snapshot",
             "case", "counter")  # fmt: skip

    def __init__(self, api: Api, state: dict[str, Any]) -> None:
        self.api = api
        for name in self.STATE:
            setattr(self, name, state[name])

    @classmethod
    def make(cls, api: Api) -> World:
        """The objects, made in ``api``'s store."""
        made = cls(api, dict.fromkeys(cls.STATE, None))
        s = api.service
        made.counter = 0
        acme = s.for_actor("exporter")
        globex = s.for_actor("globex")
        officer = s.for_actor("officer")
        made.lic = {
            "acme": made._licence(acme, "Acme Cyber"),
            "globex": made._licence(globex, "Globex Security"),
        }
        made.issued = {
            "acme": made._issued(acme, officer, "Acme Cyber"),
            "globex": made._issued(globex, officer, "Globex Security"),
        }
        made.request = {
            "acme": made.amendment("acme"),
            "globex": made.amendment("globex"),
        }
        made.cp = {
            "acme": acme.monitoring.add(exporter="Acme Cyber", name="Candiru Ltd").id,
            "globex": globex.monitoring.add(exporter="Globex Security", name="Candiru Ltd").id,
        }
        made.job = {
            "acme": acme.jobs.submit(
                "id,name\n1,NSO Group\n", owner="exporter", exporter="Acme Cyber", options={}
            ),
            "globex": globex.jobs.submit(
                "id,name\n1,NSO Group\n", owner="globex", exporter="Globex Security", options={}
            ),
        }
        while s.jobs.run_next("matrix") is not None:  # the results exist to be fetched
            pass
        made.decision = {
            "acme": acme.decisions.decide(
                DecisionInput(items=["4D004"], to="FR", on=date(2022, 1, 1))
            ).decision_id,
            "globex": globex.decisions.decide(
                DecisionInput(items=["4A005"], to="DE", on=date(2022, 1, 1))
            ).decision_id,
        }
        made.screening = {
            "acme": acme.screen("NSO Group").audit_seq,
            "globex": globex.screen("NSO Group").audit_seq,
        }
        made.snapshot = s.snapshots()[0].id
        made.case = {"acme": made.new_case("acme"), "globex": made.new_case("globex")}
        return made

    def state(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.STATE}

    @staticmethod
    def _licence(svc: Any, exporter: str) -> str:
        return str(
            svc.licensing.apply(
                exporter=exporter,
                kind="export",
                regime="us-ear",
                items=["4D004"],
                destination="FR",
                end_user="Police",
                end_user_type="government",
                end_use="law-enforcement",
            ).id
        )

    def _issued(self, svc: Any, officer: Any, exporter: str) -> str:
        lic = self._licence(svc, exporter)
        svc.licensing.transition(lic, Event.SUBMIT, reason="r")
        officer.licensing.transition(lic, Event.REVIEW, reason="r")
        officer.licensing.transition(
            lic, Event.APPROVE, reason="r", conditions=Conditions(valid_until=date(2030, 1, 1))
        )
        return lic

    def amendment(self, tenant: str) -> str:
        """A new open amendment request on the tenant's issued licence."""
        return self.api.service.licensing.request_amendment(
            self.issued[tenant], Conditions(max_value=1000.0 + self.fresh()), reason="more"
        ).id

    def alert(self, tenant: str) -> int:
        """A new open alert on a new counterparty of the tenant (Candiru is listed)."""
        exporter = {"acme": "Acme Cyber", "globex": "Globex Security"}[tenant]
        found = self.api.service.monitoring.add(exporter=exporter, name="Candiru Ltd")
        return found.alerts[0].id

    def signed(self) -> bool:
        """A checkpoint exists (signed now), so the newest head can be read."""
        self.api.service.audit.checkpoint()
        return True

    def fresh(self) -> int:
        self.counter += 1
        return self.counter

    def review(self) -> str:
        """A new open review (a misuse report on a fresh Moroccan licence)."""
        n = self.fresh()
        svc = self.api.service.for_actor("exporter")
        lic = svc.licensing.apply(
            exporter="Acme Cyber",
            kind="export",
            regime="us-ear",
            items=["4D004"],
            destination="MA",
            end_user=f"Agency {n}",
            end_user_type="government",
            end_use="law-enforcement",
        ).id
        svc.licensing.transition(lic, Event.SUBMIT, reason="r")
        officer = self.api.service.for_actor("officer")
        officer.licensing.transition(lic, Event.REVIEW, reason="r")
        officer.licensing.transition(lic, Event.APPROVE, reason="r")
        officer.licensing.report_misuse(
            source="Lab",
            reported_on=date(2022, 5, 1),
            country="MA",
            suspected_operator=f"Agency {n}",
            product="spyware",
            evidence="ref",
            confidence="high",
        )
        reviews = [r for r in officer.licensing.reviews() if r.subject_id == lic]
        return str(reviews[0].id)

    def new_case(self, tenant: str) -> str:
        """A new open case on the tenant's screening hit of NSO Group (Entity List)."""
        svc = self.api.service.for_actor("globex" if tenant == "globex" else "exporter")
        seq = svc.screen("NSO Group").audit_seq
        case, _ = svc.cases.open("screening", str(seq), NSO)
        return str(case.id)

    def pending(self, tenant: str) -> str:
        """A new case of the tenant decided as a true match by someone else ("decider"),
        waiting for a second officer."""
        case_id = self.new_case(tenant)
        self.api.service.for_actor("decider").cases.decide(
            case_id, "true_match", reason_code="name_and_address", note="same address"
        )
        return case_id

    def token_of(self, user: str) -> int:
        token_id, _ = self.api.service.accounts.create_token(user, f"t{self.fresh()}")
        return token_id


@pytest.fixture
def world(store_url: str, audit_key: AuditKey, store_templates: StoreTemplates) -> Iterator[World]:
    """The ``api`` fixture's store with a :class:`World` made in it (a copy of one made
    once per worker), and the app on it."""

    def make(url: str) -> tuple[dict[str, dict[str, str]], dict[str, Any]]:
        headers = store_templates.copy_into(
            url, ("api", EMPTY), demo_store(store_templates, EMPTY, audit_key)
        )
        with serving(url, audit_key, headers) as api:
            return headers, World.make(api).state()

    headers, state = store_templates.copy_into(store_url, "matrix world", make)
    with serving(store_url, audit_key, headers) as api:
        yield World(api, state)


def own(world: World, role: str) -> str:
    return "globex" if role == "globex" else "acme"


#: (name, roles allowed, tenant-scoped, make the call for a role and a tenant)
ENDPOINTS: list[tuple[str, set[str], bool, Callable[[World, str], Call]]] = [
    ("me", ALL, False, lambda w, t: ("GET", "/api/v1/me", {})),
    (
        "screen",
        {"exporter", "globex", "officer", "admin"},
        False,
        lambda w, t: ("POST", "/api/v1/screen", {"json": {"name": "NSO Group"}}),
    ),
    (
        "batch",
        {"exporter", "globex", "officer", "admin"},
        False,
        lambda w, t: ("POST", "/api/v1/screen/batch", {"json": {"csv": "id,name\n1,Candiru\n"}}),
    ),
    ("jobs", ALL, False, lambda w, t: ("GET", "/api/v1/jobs", {})),
    ("job", ALL, True, lambda w, t: ("GET", f"/api/v1/jobs/{w.job[t]}", {})),
    ("job result", ALL, True, lambda w, t: ("GET", f"/api/v1/jobs/{w.job[t]}/result", {})),
    (
        "decide",
        {"exporter", "globex", "officer", "admin"},
        False,
        lambda w, t: ("POST", "/api/v1/decide", {"json": {"items": ["4D004"], "to": "MA"}}),
    ),
    ("decision", ALL, True, lambda w, t: ("GET", f"/api/v1/decisions/{w.decision[t]}", {})),
    (
        "replay",
        {"exporter", "globex", "officer", "admin"},
        True,
        lambda w, t: ("POST", f"/api/v1/decisions/{w.decision[t]}/replay", {}),
    ),
    ("regimes", ALL, False, lambda w, t: ("GET", "/api/v1/regimes", {})),
    ("regime", ALL, False, lambda w, t: ("GET", "/api/v1/regimes/il-deca?as_of=2021-12-01", {})),
    (
        "regime diff",
        ALL,
        False,
        lambda w, t: ("GET", "/api/v1/regimes/il-deca/diff?from=2021-11-24&to=2021-11-25", {}),
    ),
    ("regime map", ALL, False, lambda w, t: ("GET", "/api/v1/regimes/us-ear/map", {})),
    ("snapshots", ALL, False, lambda w, t: ("GET", "/api/v1/lists/snapshots", {})),
    (
        "lists diff",
        ALL,
        False,
        lambda w, t: ("GET", f"/api/v1/lists/diff?from={w.snapshot}&to={w.snapshot}", {}),
    ),
    (
        "import",
        {"admin"},
        False,
        lambda w, t: (
            "POST",
            "/api/v1/lists/import",
            {"files": {"files": ("demo.yaml", _demo_bytes())}},
        ),
    ),
    ("counterparties", ALL, False, lambda w, t: ("GET", "/api/v1/counterparties", {})),
    ("clearances", ALL, False, lambda w, t: ("GET", "/api/v1/clearances", {})),
    (
        "acknowledge alert",
        {"exporter", "globex", "officer", "admin"},
        True,
        lambda w, t: ("POST", f"/api/v1/alerts/{w.alert(t)}/acknowledge", {"json": {}}),
    ),
    (
        "resolve alert",
        {"exporter", "globex", "officer", "admin"},
        True,
        lambda w, t: (
            "POST",
            f"/api/v1/alerts/{w.alert(t)}/resolve",
            {"json": {"resolution": "false_positive", "reason": "another company"}},
        ),
    ),
    (
        "add counterparty",
        {"exporter", "globex", "officer", "admin"},
        False,
        lambda w, t: (
            "POST",
            "/api/v1/counterparties",
            {"json": {"name": f"Party {w.fresh()}", "exporter": "Acme Cyber"}},
        ),
    ),
    (
        "import counterparties",
        {"exporter", "globex", "officer", "admin"},
        False,
        lambda w, t: (
            "POST",
            "/api/v1/counterparties/import",
            {"files": {"file": ("book.csv", f"name,country\nParty {w.fresh()},FR\n".encode())},
             "data": {"exporter": "Acme Cyber"}},
        ),
    ),
    ("counterparty", ALL, True, lambda w, t: ("GET", f"/api/v1/counterparties/{w.cp[t]}", {})),
    (
        "clearance",
        {"exporter", "globex", "officer", "admin"},
        True,
        lambda w, t: (
            "POST",
            f"/api/v1/counterparties/{w.cp[t]}/clearances",
            {"json": {"entry_id": "exportguard_demo:el-candiru", "reason": "other company"}},
        ),
    ),
    ("alerts", ALL, False, lambda w, t: ("GET", "/api/v1/alerts?status=all", {})),
    ("licences", ALL, False, lambda w, t: ("GET", "/api/v1/licences", {})),
    (
        "apply",
        {"exporter", "globex", "admin"},
        False,
        lambda w, t: (
            "POST",
            "/api/v1/licences",
            {
                "json": {
                    "exporter": "Acme Cyber",
                    "regime": "us-ear",
                    "items": ["4D004"],
                    "destination": "FR",
                    "end_user": "Police",
                }
            },
        ),
    ),
    ("licence", ALL, True, lambda w, t: ("GET", f"/api/v1/licences/{w.lic[t]}", {})),
    (
        "licence event",
        {"exporter", "globex"},  # an application's draft is its exporter's alone
        True,
        lambda w, t: (
            "POST",
            f"/api/v1/licences/{w.lic[t]}/events",
            {"json": {"event": "amend", "reason": "typo"}},
        ),
    ),
    (
        "issued licence event",
        {"officer", "admin"},  # an issued licence is changed by officers only
        True,
        lambda w, t: (
            "POST",
            f"/api/v1/licences/{w.issued[t]}/events",
            {"json": {"event": "amend", "reason": "a note on the file"}},
        ),
    ),
    (
        "shipment",
        {"exporter", "globex", "officer", "admin"},
        True,
        lambda w, t: (
            "POST",
            f"/api/v1/licences/{w.issued[t]}/shipments",
            {"json": {"shipped_on": "2026-11-16", "value": 1, "end_user": "Police",
                      "end_use": "law-enforcement"}},
        ),
    ),
    (
        "amendment request",
        {"exporter", "globex", "admin"},
        True,
        lambda w, t: (
            "POST",
            f"/api/v1/licences/{w.issued[t]}/amendment-requests",
            {"json": {"conditions": {"max_value": 5000}, "reason": "a second order"}},
        ),
    ),
    ("amendment requests", ALL, False, lambda w, t: ("GET", "/api/v1/amendment-requests", {})),
    (
        "amendment request show",
        ALL,
        True,
        lambda w, t: ("GET", f"/api/v1/amendment-requests/{w.request[t]}", {}),
    ),
    (
        "amendment decision",
        {"officer", "admin"},
        False,
        lambda w, t: (
            "POST",
            f"/api/v1/amendment-requests/{w.amendment(t)}/decision",
            {"json": {"outcome": "approve", "reason": "justified"}},
        ),
    ),
    (
        "reports",
        {"officer", "auditor", "admin"},
        False,
        lambda w, t: ("GET", "/api/v1/reports", {}),
    ),
    (
        "report",
        {"officer", "admin"},
        False,
        lambda w, t: (
            "POST",
            "/api/v1/reports",
            {
                "json": {
                    "source": "Lab",
                    "reported_on": "2022-01-01",
                    "country": "FR",
                    "suspected_operator": "Nobody",
                    "product": "x",
                    "evidence": "y",
                }
            },
        ),
    ),
    (
        "reviews",
        {"officer", "auditor", "admin"},
        False,
        lambda w, t: ("GET", "/api/v1/reviews", {}),
    ),
    (
        "close review",
        {"officer", "admin"},
        False,
        lambda w, t: (
            "POST",
            f"/api/v1/reviews/{w.review()}/close",
            {"json": {"outcome": "no_action", "reason": "checked"}},
        ),
    ),
    (
        "impact regime",
        {"officer", "admin"},
        False,
        lambda w, t: (
            "POST",
            "/api/v1/impact/regime",
            {
                "json": {
                    "regime": "il-deca",
                    "from": "2021-11-24",
                    "to": "2021-11-25",
                    "dry_run": True,
                }
            },
        ),
    ),
    (
        "impact lists",
        {"officer", "admin"},
        False,
        lambda w, t: (
            "POST",
            "/api/v1/impact/lists",
            {"json": {"from": w.snapshot, "to": w.snapshot, "dry_run": True}},
        ),
    ),
    (
        "retire snapshot",
        {"admin"},
        False,
        lambda w, t: (
            "POST",
            f"/api/v1/lists/snapshots/{w.snapshot}/retire",
            {"json": {"reason": "a self-written copy"}},
        ),
    ),
    ("audit", {"officer", "auditor", "admin"}, False, lambda w, t: ("GET", "/api/v1/audit", {})),
    (
        "audit verify",
        {"officer", "auditor", "admin"},
        False,
        lambda w, t: ("GET", "/api/v1/audit/verify", {}),
    ),
    (
        "audit verify kept head",
        {"officer", "auditor", "admin"},
        False,
        lambda w, t: ("POST", "/api/v1/audit/verify", {"json": {}}),
    ),
    (
        "audit head",
        {"officer", "auditor", "admin"},
        False,
        lambda w, t: ("POST", "/api/v1/audit/head", {}),
    ),
    (
        "audit last head",
        {"officer", "auditor", "admin"},
        False,
        lambda w, t: ("GET", "/api/v1/audit/head", {}) if w.signed() else ("GET", "", {}),
    ),
    (
        "audit record",
        {"officer", "auditor", "admin"},
        False,
        lambda w, t: ("GET", "/api/v1/audit/1", {}),
    ),
    (
        "certificate",
        ALL,
        True,
        lambda w, t: ("GET", f"/api/v1/audit/{w.screening[t]}/certificate", {}),
    ),
    ("cases", ALL, False, lambda w, t: ("GET", "/api/v1/cases?state=open", {})),
    ("case reasons", ALL, False, lambda w, t: ("GET", "/api/v1/cases/reasons", {})),
    ("active clearances", ALL, False, lambda w, t: ("GET", "/api/v1/clearances/active", {})),
    ("case", ALL, True, lambda w, t: ("GET", f"/api/v1/cases/{w.case[t]}", {})),
    (
        "open case",
        {"exporter", "globex", "officer", "admin"},
        True,
        lambda w, t: ("POST", "/api/v1/cases", {"json": {
            "origin": "screening", "ref": str(w.screening[t]), "entry_id": NSO}}),
    ),
    (
        "decide case",
        {"exporter", "globex", "officer", "admin"},
        True,
        lambda w, t: ("POST", f"/api/v1/cases/{w.new_case(t)}/decision", {"json": {
            "disposition": "false_positive", "reason_code": "country_differs",
            "note": "our NSO is a Brazilian retailer"}}),
    ),
    (
        "confirm case",
        {"exporter", "globex", "officer", "admin"},
        True,
        lambda w, t: ("POST", f"/api/v1/cases/{w.pending(t)}/confirm", {"json": {}}),
    ),
    (
        "send back case",
        {"exporter", "globex", "officer", "admin"},
        True,
        lambda w, t: ("POST", f"/api/v1/cases/{w.pending(t)}/send-back",
                      {"json": {"note": "the address differs"}}),
    ),
    (
        "assign case",
        {"exporter", "globex", "officer", "admin"},
        True,
        lambda w, t: ("POST", f"/api/v1/cases/{w.new_case(t)}/assign",
                      {"json": {"assignee": "officer"}}),
    ),
    ("users", {"admin"}, False, lambda w, t: ("GET", "/api/v1/users", {})),
    (
        "enable user",
        {"admin"},
        False,
        lambda w, t: ("POST", f"/api/v1/users/{_new_user(w)}/enable", {}),
    ),
    (
        "user role",
        {"admin"},
        False,
        lambda w, t: ("POST", f"/api/v1/users/{_new_user(w)}/role", {"json": {"role": "officer"}}),
    ),
    (
        "reset password",
        {"admin"},
        False,
        lambda w, t: ("POST", f"/api/v1/users/{_new_user(w)}/password",
                      {"json": {"password": "Harbour-Violet-Canyon-4"}}),
    ),
    (
        "create user",
        {"admin"},
        False,
        lambda w, t: (
            "POST",
            "/api/v1/users",
            {"json": {"username": f"u{w.fresh()}", "password": "Ledger-Quartz-Maple-9",
                      "role": "auditor"}},
        ),
    ),
    (
        "disable user",
        {"admin"},
        False,
        lambda w, t: ("POST", f"/api/v1/users/{_new_user(w)}/disable", {}),
    ),
    (
        "a user's token",
        {"admin", "auditor"},
        False,
        lambda w, t: ("POST", "/api/v1/users/auditor/tokens", {"json": {"name": "x"}}),
    ),
]


def _demo_bytes() -> bytes:
    from importlib import resources

    return resources.files("exportguard.data").joinpath("demo/demo_list.yaml").read_bytes()


def _new_user(w: World) -> str:
    name = f"temp{w.fresh()}"
    w.api.service.accounts.create_user(name, "Ledger-Quartz-Maple-9", "auditor")
    return name


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_endpoint_by_role_and_tenant(world: World, endpoint: tuple[Any, ...]) -> None:
    name, ok_roles, scoped, make = endpoint
    api = world.api
    for role in USERS:
        tenants = ["acme", "globex"] if scoped else ["acme"]
        for tenant in tenants:
            method, path, kwargs = make(world, tenant)
            response = api.client.request(method, path, headers=api.as_(role), **kwargs)
            mine = not scoped or role not in ("exporter", "globex") or tenant == own(world, role)
            if role not in ok_roles:
                expected = {403} if mine else {403, 404}
            elif not mine:
                expected = {404}
            else:
                expected = set(range(200, 300))
            assert response.status_code in expected, (
                name,
                role,
                tenant,
                method,
                path,
                response.status_code,
                response.text[:300],
            )


#: Operations whose role rule is not "allowed roles, else 403", each tested on its own.
COVERED_ELSEWHERE = {
    # Every role revokes its own tokens; another user's token is 404 except for an admin.
    "DELETE /api/v1/tokens/{token_id}": "test_own_tokens_and_revocation",
    # Every role changes its own password, knowing the current one.
    "POST /api/v1/me/password": "test_everyone_changes_their_own_password",
}


def test_every_api_route_is_in_the_matrix(world: World) -> None:
    """A new route cannot be forgotten: each /api/v1 operation of the app's route table
    (those left out of the OpenAPI document too) is called by some row above."""
    import re

    from fastapi.routing import APIRoute, iter_route_contexts

    api = world.api
    calls = [make(world, "acme")[:2] for _, _, _, make in ENDPOINTS]
    operations = [
        (method, route.path)
        for route in iter_route_contexts(api.client.app.routes)  # routers included, flat
        if isinstance(route.original_route, APIRoute) and route.path.startswith("/api/v1")
        for method in sorted(route.methods or ())
    ]
    assert len(operations) > 40
    missing = []
    for method, template in operations:
        pattern = re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$")
        if not any(m == method and pattern.match(p.split("?")[0]) for m, p in calls):
            missing.append(f"{method} {template}")
    assert sorted(missing) == sorted(COVERED_ELSEWHERE)
    assert all(name in globals() for name in COVERED_ELSEWHERE.values())


def test_everyone_changes_their_own_password(api: Api) -> None:
    r = api.client.post("/api/v1/me/password", headers=api.as_("officer"),
                        json={"current": "wrong", "new": "Quartz-Maple-Harbour-1"})  # fmt: skip
    assert r.status_code == 401
    r = api.client.post("/api/v1/me/password", headers=api.as_("officer"),
                        json={"current": "officer-demo", "new": "password"})  # fmt: skip
    assert r.status_code == 422
    assert r.json()["error"]["fields"][0]["field"] == "password"
    for role in USERS:
        change = {"current": f"{role}-demo", "new": f"{role}-Quartz-Maple-9x"}
        r = api.client.post("/api/v1/me/password", headers=api.as_(role), json=change)
        assert r.status_code == 200, r.text
        assert r.json()["username"] == role
        # A password change ends the user's API tokens too.
        assert api.client.get("/api/v1/me", headers=api.as_(role)).status_code == 401


def test_own_tokens_and_revocation(world: World) -> None:
    api = world.api
    for role in USERS:
        r = api.client.post(
            f"/api/v1/users/{role}/tokens", json={"name": "mine"}, headers=api.as_(role)
        )
        assert r.status_code == 201
        token = r.json()["token"]
        assert (
            api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()[
                "username"
            ]
            == role
        )
        assert (
            api.client.delete(f"/api/v1/tokens/{r.json()['id']}", headers=api.as_(role)).status_code
            == 200
        )
        assert (
            api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code
            == 401
        )
    officer_token = world.token_of("officer")
    assert (
        api.client.delete(
            f"/api/v1/tokens/{officer_token}", headers=api.as_("exporter")
        ).status_code
        == 404
    )
    assert (
        api.client.delete(f"/api/v1/tokens/{officer_token}", headers=api.as_("admin")).status_code
        == 200
    )


def test_exporter_lists_only_its_own(world: World) -> None:
    api = world.api
    acme = api.client.get("/api/v1/licences", headers=api.as_("exporter")).json()
    assert {i["exporter"] for i in acme["items"]} == {"Acme Cyber"}
    everyone = api.client.get("/api/v1/licences", headers=api.as_("officer")).json()
    assert {i["exporter"] for i in everyone["items"]} == {"Acme Cyber", "Globex Security"}
    parties = api.client.get("/api/v1/counterparties", headers=api.as_("globex")).json()
    assert {p["exporter"] for p in parties["items"]} == {"Globex Security"}
    alerts = api.client.get("/api/v1/alerts?status=all", headers=api.as_("globex")).json()
    assert {a["exporter"] for a in alerts["items"]} == {"Globex Security"}
