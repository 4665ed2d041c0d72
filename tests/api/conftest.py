"""API fixtures: ``api`` is an app on ``db_url`` (SQLite and PostgreSQL) with the demo list,
the demo accounts (admin, officer, auditor; exporters ``exporter`` of Acme Cyber and
``globex`` of Globex Security) and an API token for each, as ``api.headers[username]``.
That store is made once per test worker and copied for each test (tests/conftest.py's
``StoreTemplates``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from exportguard.api import create_app
from exportguard.services import ExportGuard
from exportguard.services.audit import AuditKey
from tests.conftest import FIXED_NOW, StoreTemplates

USERS = ("admin", "officer", "auditor", "exporter", "globex")


@dataclass
class Api:
    client: TestClient
    service: ExportGuard
    headers: dict[str, dict[str, str]]

    def as_(self, user: str) -> dict[str, str]:
        return self.headers[user]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Schemathesis makes one item per API operation, but under pytest 9 they share one
    node id (``test_api_conforms_and_never_fails``, the operation only in the name), and
    pytest-xdist, which schedules a file's tests by node id, then ran one operation of the
    58. Each item's id gets its operation as its parameter."""
    from _pytest.nodeid import NodeId

    for item in items:
        label = getattr(item, "operation_label", None)
        if label and isinstance(item.id, NodeId) and item.id.params is None:
            item._id = item.id.with_params(label)


def _open(url: str, audit_key: AuditKey) -> tuple[ExportGuard, FastAPI]:
    service = ExportGuard(url, actor="system", clock=lambda: FIXED_NOW, audit_key=audit_key)
    return service, create_app(service, demo=True, worker=False)


def _tokens(service: ExportGuard) -> dict[str, dict[str, str]]:
    return {
        u: {"Authorization": f"Bearer {service.accounts.create_token(u, 'test')[1]}"} for u in USERS
    }


def _demo_store(audit_key: AuditKey) -> Callable[[str], dict[str, dict[str, str]]]:
    """Fills an empty store as the app does with ``demo=True`` (the demo list, the demo
    accounts; scrypt makes these slow), then makes a token per user: their headers."""

    def make(url: str) -> dict[str, dict[str, str]]:
        service, _ = _open(url, audit_key)
        try:
            return _tokens(service)
        finally:
            service.close()

    return make


@pytest.fixture
def api(
    request: pytest.FixtureRequest,
    db_url: str,
    audit_key: AuditKey,
    store_templates: StoreTemplates,
) -> Iterator[Api]:
    if request.node.get_closest_marker("imported") is None:
        # The store as the lines below leave it, made once per worker and copied.
        headers = store_templates.copy_into(db_url, "api-demo", _demo_store(audit_key))
        service, app = _open(db_url, audit_key)
    else:  # lists already imported: the app adds the accounts only
        service, app = _open(db_url, audit_key)
        headers = _tokens(service)
    with TestClient(app) as client:
        yield Api(client, service, headers)
    service.close()
