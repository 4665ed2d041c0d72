"""The ExportGuard service: the REST API (``/api/v1``, documented at ``/docs``) and the
web application (``/``), in one ASGI app made by :func:`create_app`.

State lives in the store only (sessions, rate limits, jobs), so instances behind a load
balancer can share one PostgreSQL. Each instance runs a job worker thread that claims
queued batch jobs; ``/health`` says whether the store answers; logs are JSON lines;
shutdown stops the worker after its current job.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import text

from exportguard import settings as settings_module
from exportguard.api import (
    accounts,
    audit,
    cases,
    decisions,
    licensing,
    lists,
    monitoring,
    schemas,
    screening,
)
from exportguard.edge import errors, middleware
from exportguard.services import ExportGuard
from exportguard.services.alerts import WebhookNotifier
from exportguard.services.audit import AuditKey

log = logging.getLogger("exportguard.api")


class JsonLogFormatter(logging.Formatter):
    """One JSON object per log line (time, level, logger, message and any extras)."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update(getattr(record, "fields", {}))
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def configure_logging(level: str = "INFO") -> None:
    """JSON lines on stderr for ExportGuard's loggers and the server's (uvicorn's errors,
    tracebacks included, come out as JSON too; its access log is ours: one line a request)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLogFormatter())
    for name, lvl in (("exportguard", level), ("uvicorn", "WARNING"), ("uvicorn.error", "WARNING")):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(lvl)
        logger.propagate = False
    logging.getLogger("uvicorn.access").disabled = True


class JobWorker:
    """Runs queued batch jobs in a thread until stopped."""

    def __init__(self, service: ExportGuard, idle: float = 0.5) -> None:
        self.service = service
        self.idle = idle
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="exportguard-jobs", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                # Clearances past their expiry raise their re-review alerts without anyone
                # reading the alerts first; then notifications due for a retry are posted.
                self.service.monitoring.lapse_clearances()
                self.service.monitoring.deliver()
                ran = self.service.jobs.run_next(self.name)
            except Exception:  # keep the worker alive; the job records its own failure
                log.exception("job worker error")
                ran = None
            if ran is None:
                self._stop.wait(self.idle)


def create_app(
    service: ExportGuard | None = None, *, demo: bool | None = None, worker: bool = True
) -> FastAPI:
    """The ASGI app. Without ``service``, one is made from the settings. Demo data and demo
    accounts only when asked (``demo=True``, or ``EXPORTGUARD_DEMO=1`` from ``serve --demo``):
    never by default, whatever the store."""
    config = settings_module.load()
    if service is None:
        notifier = (
            WebhookNotifier(config.webhook_url, secret=config.webhook_secret)
            if config.webhook_url
            else None
        )
        screener = None
        if config.monitor_workers > 1 or config.monitor_scheduler:
            from exportguard.batch.cluster import BookScreener

            screener = BookScreener(config.database_url, workers=config.monitor_workers,
                                    scheduler=config.monitor_scheduler)  # fmt: skip
        service = ExportGuard(
            config.database_url,
            actor="system",
            impact_policy=config.impact_policy,
            notifier=notifier,
            audit_key=AuditKey(config.audit_key) if config.audit_key else None,
            screener=screener,
        )
        if demo is None:
            demo = config.demo
    if demo:
        if not service.snapshots():
            service.import_demo()
        if service.accounts.ensure_demo():
            log.info("demo accounts created (see README)")
    jobs = JobWorker(service) if worker else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if jobs is not None:
            jobs.start()
        log.info("service started", extra={"fields": {"database": _redacted(service)}})
        yield
        if jobs is not None:
            jobs.stop()
        log.info("service stopped")

    app = FastAPI(
        title="ExportGuard",
        version=version("exportguard"),
        description="Export control of cyber-surveillance technology: screening, decisions, "
        "licences, misuse reports, impact and audit. Authenticate with an API token "
        "(`Authorization: Bearer eg_...`; `exportguard users token NAME`).",
        lifespan=lifespan,
        docs_url=None,  # served below from local assets, not a CDN
        redoc_url=None,
    )
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    app.state.service = service
    errors.install(app)

    middleware.install(app, service)
    for area in (accounts, screening, decisions, lists, monitoring, audit, cases, licensing):
        app.include_router(area.router)

    @app.get(
        "/health", tags=["service"], response_model=schemas.HealthOut,
        responses={503: {"model": schemas.HealthOut, "description": "The store does not answer."}},
    )  # fmt: skip
    def health() -> JSONResponse:
        """Whether the service and its store answer."""
        try:
            with service.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:  # the store is down: say so (not how: this answer is public)
            log.exception("health check: the store does not answer")
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        """Swagger UI from the npm package swagger-ui-dist, served by us (make setup)."""
        return HTMLResponse(DOCS_PAGE)

    from exportguard.web import install as install_web

    install_web(app, list_max_age_days=config.list_max_age_days)
    return app


DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ExportGuard API</title>
<link rel="stylesheet" href="/vendor/swagger-ui-dist/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/vendor/swagger-ui-dist/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body></html>
"""


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, with the bearer-token scheme every route takes (so "Authorize"
    in /docs works with a token from ``exportguard users token NAME``)."""
    if app.openapi_schema is None:
        from fastapi.openapi.utils import get_openapi

        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        schema.setdefault("components", {})["securitySchemes"] = {
            "bearerToken": {"type": "http", "scheme": "bearer",
                            "description": "An API token: exportguard users token NAME"},
        }  # fmt: skip
        schema["security"] = [{"bearerToken": []}]
        schema["paths"]["/health"]["get"]["security"] = []  # public: up or down only
        app.openapi_schema = schema
    return app.openapi_schema


def app_from_settings() -> FastAPI:
    """The app as ``exportguard serve`` (and any ASGI server) makes it from the settings, in
    each worker process (so each logs JSON lines)."""
    configure_logging()
    return create_app()


def _redacted(service: ExportGuard) -> str:
    url = service.database_url
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url
