"""Request bodies: authenticate before reading them, and cap their size per route.

FastAPI reads (and, for uploads, spools to disk) a request's body before it resolves the
dependencies that authenticate the caller, so an anonymous client could make the server
read and store gigabytes. :class:`BodyGuard` is an ASGI middleware in front of it: a
request that carries a body must first present a valid API token or session (else 401 in
the one error shape, or the sign-in page for the web), and its body may not exceed the
route's cap (413), whether it says its length up front or streams it.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from exportguard.edge.auth import same_site_path, sign_in_path
from exportguard.errors import ExportGuardError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

KIB = 1024
MIB = 1024 * KIB
#: Body caps by path prefix, the first match wins: (prefix, bytes).
CAPS: tuple[tuple[str, int], ...] = (
    ("/api/v1/lists/import", 256 * MIB),  # official list files (the OFAC XML is ~100 MB)
    ("/api/v1/screen/batch", 16 * MIB),  # a customer CSV (its schema allows 10 M characters)
    ("/api/v1/counterparties/import", 64 * MIB),  # a book of counterparties (CSV)
    ("/counterparties/import", 64 * MIB),  # the same, from the web page
    ("/lists/import", 256 * MIB),  # list files, from the web page
    ("/batch", 16 * MIB),  # a batch screening CSV, from the web page
    ("/login", 16 * KIB),
    ("/", 1 * MIB),  # every other JSON body or web form
)
#: Paths that take a body from a caller who is not signed in yet.
OPEN = ("/login",)

Authenticate = Callable[[str | None, str | None], None]


def cap_for(path: str) -> int:
    return next(size for prefix, size in CAPS if path.startswith(prefix))


class BodyGuard:
    """ASGI middleware; ``authenticate(bearer_token, session_token)`` raises an
    :class:`ExportGuardError` (``AuthenticationFailed``) unless one of them is valid."""

    def __init__(self, app: ASGIApp, authenticate: Authenticate, session_cookie: str) -> None:
        self.app = app
        self.authenticate = authenticate
        self.session_cookie = session_cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            # (a request without a body is left to the routes: 404, 405, or their own auth)
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        cap = cap_for(path)
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > cap):
            await _answer(send, 413, "too_large",
                          f"the body is larger than this route takes ({cap} bytes)")  # fmt: skip
            return
        carries_body = (declared is not None and declared != "0") or (
            "transfer-encoding" in headers
        )
        if carries_body and not path.startswith(OPEN):
            auth = headers.get("authorization", "")
            bearer = auth[7:].strip() if auth.lower().startswith("bearer ") else None
            session = _cookie(headers.get("cookie", ""), self.session_cookie)
            try:
                self.authenticate(bearer, session)
            except ExportGuardError as exc:
                if path.startswith("/api/"):
                    await _answer(send, 401, "unauthenticated", str(exc))
                else:  # to sign in, then back to the form's page (the Referer: ours)
                    back = same_site_path(headers.get("referer"), headers.get("host", ""))
                    await _redirect(send, sign_in_path(back or path))
                return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, _counting(receive, cap), tracking)
        except _TooLarge:
            if started:
                raise
            await _answer(send, 413, "too_large",
                          f"the body is larger than this route takes ({cap} bytes)")  # fmt: skip


class _TooLarge(BaseException):
    """A streamed body passed its route's cap (raised out of ``receive``). A BaseException:
    FastAPI turns any Exception met while reading a body into a 400, which would hide it."""


def _counting(receive: Receive, cap: int) -> Receive:
    """``receive`` that refuses a streamed body once it passes ``cap`` bytes."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > cap:
                raise _TooLarge
        return message

    return wrapped


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None


async def _answer(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps(
        {"error": {"status": status, "code": code, "message": message, "fields": []}}
    ).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


async def _redirect(send: Send, location: str) -> None:
    headers = [(b"location", location.encode()), (b"content-length", b"0")]
    await send({"type": "http.response.start", "status": 303, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
