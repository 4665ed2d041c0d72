"""The one JSON error shape, and the one table from ExportGuard's errors to HTTP.

Every 4xx and 5xx body is::

    {"error": {"status": 422, "code": "invalid_input", "message": "...",
               "fields": [{"field": "country", "message": "unknown country 'XX'"}]}}

``tests/api/test_error_shape.py`` pins it. A browser's request of a page (any path but the
API's, unless it asks for JSON only: :func:`wants_page`) gets an HTML page instead, when the
app has a page renderer (``app.state.error_page``, set by the web pages): the same status,
a message in words and a way back.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from exportguard.errors import (
    AuthenticationFailed,
    ConcurrentChange,
    ExportGuardError,
    IllegalTransition,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RegimeError,
    SecondOfficerRequired,
    SourceFormatError,
    TooManyAttempts,
    VersionRequired,
)

log = logging.getLogger("exportguard.api")

#: ExportGuard error class -> HTTP status. The first match in order wins.
STATUS: tuple[tuple[type[ExportGuardError], int], ...] = (
    (InvalidInput, 422),
    (SourceFormatError, 422),
    (RegimeError, 422),
    (AuthenticationFailed, 401),
    (SecondOfficerRequired, 403),
    (PermissionDenied, 403),
    (NotFound, 404),
    (ConcurrentChange, 409),
    (IllegalTransition, 409),
    (VersionRequired, 428),
    (TooManyAttempts, 429),
    (ExportGuardError, 400),
)


def status_of(exc: ExportGuardError) -> int:
    """The HTTP status of an error, from :data:`STATUS`: the API and the web pages alike."""
    return next(status for cls, status in STATUS if isinstance(exc, cls))


def body(
    status: int, code: str, message: str, fields: list[dict[str, str]] | None = None
) -> dict[str, dict[str, object]]:
    """The one error body (``api.schemas.ErrorBody``): ``{"error": {status, code,
    message, fields}}``."""
    return {"error": {"status": status, "code": code, "message": message, "fields": fields or []}}


def error_response(
    status: int,
    code: str,
    message: str,
    fields: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(body(status, code, message, fields), status_code=status, headers=headers)


#: Renders an error as an HTML page: (request, status, the error (an ExportGuardError, or
#: the HTTP error's detail as text)) -> the page. ``app.state.error_page``; None: JSON only.
PageRenderer = Callable[[Request, int, "ExportGuardError | str"], Awaitable[Response]]

#: Paths that are the API's (and its documents) whatever the client accepts.
API_PATHS = ("/api/", "/health", "/openapi.json", "/docs")


def wants_page(request: Request) -> bool:
    """Whether an error answers ``request`` as an HTML page: a path outside the API's
    (:data:`API_PATHS`) from a client that does not ask for JSON only."""
    if request.url.path.startswith(API_PATHS):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept or "json" not in accept


def _page_renderer(request: Request) -> PageRenderer | None:
    renderer: PageRenderer | None = getattr(request.app.state, "error_page", None)
    return renderer if renderer is not None and wants_page(request) else None


def _allowed_methods(request: Request) -> list[str]:
    """The methods the API documents for this path (for a 405's Allow header)."""
    paths = request.app.openapi().get("paths", {})
    for template, operations in paths.items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, request.url.path):
            return sorted(m.upper() for m in operations if m in _HTTP_METHODS)
    return []


_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options"})


def install(app: FastAPI) -> None:
    @app.exception_handler(ExportGuardError)
    async def _domain(request: Request, exc: ExportGuardError) -> Response:
        status = status_of(exc)
        if (render := _page_renderer(request)) is not None:
            return await render(request, status, exc)
        fields = (
            [{"field": e.field, "message": e.message} for e in exc.errors]
            if isinstance(exc, InvalidInput)
            else []
        )
        if isinstance(exc, SourceFormatError | RegimeError) and exc.field:
            fields = [{"field": exc.field, "message": exc.message}]
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return error_response(status, exc.code, str(exc), fields, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [
            {
                "field": ".".join(
                    str(p) for p in e["loc"] if p not in ("body", "query", "path", "header")
                ),
                "message": e["msg"],
            }
            for e in exc.errors()
        ]
        return error_response(422, "invalid_input", "the request is not valid", fields)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if (render := _page_renderer(request)) is not None:
            return await render(request, exc.status_code, str(exc.detail))
        codes = {
            400: "bad_request",
            401: "unauthenticated",
            403: "permission_denied",
            404: "not_found",
            405: "method_not_allowed",
            409: "conflict",
            412: "precondition_failed",
            413: "too_large",
            415: "unsupported_media_type",
        }
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:  # every method the path has, not only the first route's
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return error_response(
            exc.status_code,
            codes.get(exc.status_code, "error"),
            str(exc.detail),
            headers=headers or None,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "an unexpected error happened; it was logged")
