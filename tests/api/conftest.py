"""API fixtures: ``api`` is an app on ``db_url`` (SQLite and PostgreSQL) with the demo list,
the demo accounts (admin, officer, auditor; exporters ``exporter`` of Acme Cyber and
``globex`` of Globex Security) and an API token for each, as ``api.headers[username]``.
That store is made once per test worker and copied for each test (tests/conftest.py's
``StoreTemplates``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from exportguard.api import create_app
from exportguard.services import ExportGuard
from exportguard.services.audit import AuditKey
from tests.conftest import FIXED_NOW, Stock, StoreTemplates, stock_of

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


def demo_store(
    templates: StoreTemplates, stock: Stock, audit_key: AuditKey
) -> Callable[[str], dict[str, dict[str, str]]]:
    """Makes, from the store of ``stock`` (the empty one, or lists already imported), the
    store as the app leaves it with ``demo=True`` (the demo list when there is none, the
    demo accounts: scrypt makes these slow), then a token per user: their headers."""

    def make(url: str) -> dict[str, dict[str, str]]:
        templates.copy_into(url, stock)
        service, _ = _open(url, audit_key)
        try:
            return _tokens(service)
        finally:
            service.close()

    return make


@contextmanager
def serving(url: str, audit_key: AuditKey, headers: dict[str, dict[str, str]]) -> Iterator[Api]:
    """The app on the store at ``url`` (made by :func:`demo_store`), with a client."""
    service, app = _open(url, audit_key)
    try:
        with TestClient(app) as client:
            yield Api(client, service, headers)
    finally:
        service.close()


@pytest.fixture
def api(
    request: pytest.FixtureRequest,
    store_url: str,
    audit_key: AuditKey,
    store_templates: StoreTemplates,
) -> Iterator[Api]:
    # The store as demo_store leaves it, made once per worker and copied.
    stock = stock_of(request)
    headers = store_templates.copy_into(
        store_url, ("api", stock), demo_store(store_templates, stock, audit_key)
    )
    with serving(store_url, audit_key, headers) as api:
        yield api
