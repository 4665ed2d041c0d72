"""Every API operation's success answer is described in the OpenAPI document: a route that
forgets its ``response_model`` (and so answers an untyped ``dict``) fails here."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from exportguard.api import create_app
from exportguard.api import schemas as s
from exportguard.core.regimes import CERTAINTY, Verdict
from exportguard.services import ExportGuard
from tests.conftest import FIXED_NOW

#: Answers that are not JSON objects, and what they are instead.
NOT_JSON = {
    ("get", "/api/v1/jobs/{job_id}/result"): "text/csv",
    ("get", "/api/v1/audit/{seq}/certificate"): "text/html",
}


def _openapi(tmp_path: Any) -> dict[str, Any]:
    service = ExportGuard(f"sqlite:///{tmp_path / 'o.db'}", clock=lambda: FIXED_NOW)
    try:
        app: FastAPI = create_app(service, worker=False)
        return app.openapi()
    finally:
        service.close()


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = doc["components"]["schemas"][name]
    return schema


def _typed(doc: dict[str, Any], schema: dict[str, Any]) -> bool:
    """Whether an answer is an object with declared fields (not ``dict[str, Any]``)."""
    schema = _resolve(doc, schema)
    return schema.get("type") == "object" and bool(schema.get("properties"))


def test_every_operation_declares_its_answer(tmp_path: Any) -> None:
    doc = _openapi(tmp_path)
    problems = []
    count = 0
    for route, operations in doc["paths"].items():
        if not route.startswith("/api/v1"):
            continue
        for method, operation in operations.items():
            count += 1
            ok = {c: r for c, r in operation["responses"].items() if c.startswith("2")}
            if not ok:
                problems.append(f"{method.upper()} {route}: no 2xx answer")
            for code, answer in ok.items():
                content = answer.get("content", {})
                if (method, route) in NOT_JSON:
                    assert NOT_JSON[(method, route)] in content, (method, route)
                    continue
                schema = content.get("application/json", {}).get("schema")
                if not schema:
                    problems.append(f"{method.upper()} {route} {code}: no schema")
                    continue
                if not _typed(doc, schema):
                    problems.append(f"{method.upper()} {route} {code}: untyped object")
    assert count > 60
    assert problems == []


def test_literals_follow_the_core_vocabularies() -> None:
    """The fixed sets written as Literal in the answers are core's own."""
    assert set(s.VerdictLabel.__args__) == {v.label for v in Verdict}
    assert set(s.Certainty.__args__) == set(CERTAINTY)
