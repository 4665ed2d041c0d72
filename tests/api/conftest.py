"""API fixtures: ``api`` is an app on ``db_url`` (SQLite and PostgreSQL) with the demo list,
the demo accounts (admin, officer, auditor; exporters ``exporter`` of Acme Cyber and
``globex`` of Globex Security) and an API token for each, as ``api.headers[username]``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from exportguard.api import create_app
from exportguard.services import ExportGuard
from exportguard.services.audit import AuditKey
from tests.conftest import FIXED_NOW

USERS = ("admin", "officer", "auditor", "exporter", "globex")


@dataclass
class Api:
    client: TestClient
    service: ExportGuard
    headers: dict[str, dict[str, str]]

    def as_(self, user: str) -> dict[str, str]:
        return self.headers[user]


@pytest.fixture
def api(db_url: str, audit_key: AuditKey) -> Iterator[Api]:
    service = ExportGuard(db_url, actor="system", clock=lambda: FIXED_NOW, audit_key=audit_key)
    app = create_app(service, demo=True, worker=False)
    headers = {
        u: {"Authorization": f"Bearer {service.accounts.create_token(u, 'test')[1]}"} for u in USERS
    }
    with TestClient(app) as client:
        yield Api(client, service, headers)
    service.close()
