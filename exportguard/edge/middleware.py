"""What runs around every request, outermost first: the access log (one JSON line per
request, 500s included, with a request id), NUL refusal in addresses, security headers,
and the body guard (authenticate before reading a body; cap its size: ``limits``)."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from urllib.parse import unquote

from fastapi import FastAPI, Request, Response

from exportguard.edge import errors
from exportguard.edge.auth import SESSION_COOKIE
from exportguard.edge.limits import BodyGuard
from exportguard.errors import AuthenticationFailed
from exportguard.services import ExportGuard

log = logging.getLogger("exportguard.api")

Next = Callable[[Request], Awaitable[Response]]

#: Sent with every answer. Scripts only from this origin (no inline script anywhere);
#: inline style attributes are allowed (a few templates use them; no script can be
#: injected through them). No framing: the pages cannot be overlaid by another site.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def install(app: FastAPI, service: ExportGuard) -> None:
    """Add the middleware to ``app`` (the last added runs first)."""

    def authenticate(bearer: str | None, session: str | None) -> None:
        if bearer:
            service.accounts.by_token(bearer)
        elif session:
            service.accounts.by_session(session)
        else:
            raise AuthenticationFailed("sign in, or send an API token (Authorization: Bearer ...)")

    app.add_middleware(BodyGuard, authenticate=authenticate, session_cookie=SESSION_COOKIE)
    app.middleware("http")(security_headers)
    app.middleware("http")(refuse_nul)
    app.middleware("http")(access_log)


async def security_headers(request: Request, call_next: Next) -> Response:
    response = await call_next(request)
    response.headers.update(SECURITY_HEADERS)
    return response


async def refuse_nul(request: Request, call_next: Next) -> Response:
    """A NUL character in a path or query is refused before any route sees it: no store can
    keep it (PostgreSQL refuses it in text), so it never reaches one. Bodies are checked by
    their schemas (``schemas.Model``) and the web's form reader."""
    if "\x00" in unquote(request.url.path) or "\x00" in unquote(request.url.query):
        response = errors.error_response(
            422, "invalid_input", "the address must not contain NUL characters",
            [{"field": "url", "message": "must not contain NUL characters"}],
        )  # fmt: skip
        response.headers.update(SECURITY_HEADERS)
        return response
    return await call_next(request)


async def access_log(request: Request, call_next: Next) -> Response:
    """One structured log line per request, with its status and request id; an unexpected
    error is logged with its traceback under the same id and answered 500 in the one error
    shape (the id lets an operator find it; nothing internal is shown to the caller)."""
    started = time.perf_counter()
    request_id = request.headers.get("x-request-id", "")[:64] or uuid.uuid4().hex[:12]
    try:
        response = await call_next(request)
    except Exception:
        log.exception("unhandled error", extra={"fields": {"request_id": request_id}})
        response = errors.error_response(
            500, "internal_error", f"an unexpected error; quote request id {request_id}"
        )
        response.headers.update(SECURITY_HEADERS)
    response.headers["X-Request-ID"] = request_id
    log.info("request", extra={"fields": {
        "request_id": request_id, "method": request.method, "path": request.url.path,
        "status": response.status_code, "ms": round(1000 * (time.perf_counter() - started), 1),
    }})  # fmt: skip
    return response
