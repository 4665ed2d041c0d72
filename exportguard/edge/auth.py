"""Who is calling: an API token (``Authorization: Bearer eg_...``) or a web session cookie.

Cookie-authenticated requests that change something must carry the session's CSRF token
(a form field ``csrf`` or the ``X-CSRF-Token`` header); token-authenticated API calls need
none (a browser never sends a bearer token on its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import Depends, Request

from exportguard.core.permissions import Actor, require
from exportguard.errors import AuthenticationFailed, StaleForm
from exportguard.services import ExportGuard

SESSION_COOKIE = "eg_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True, slots=True)
class Caller:
    actor: Actor
    service: ExportGuard
    csrf: str | None = None
    via_session: bool = False

    def named_exporter(self, given: str | None) -> str | None:
        """The company a request body or form names for a new object: set by the server
        for an exporter user (None: the use case takes the user's own company, whatever
        was sent), as ``given`` for everyone else. The use case checks the company
        (``Context.company_for``)."""
        return None if self.actor.is_exporter else given


def base_service(request: Request) -> ExportGuard:
    service: ExportGuard = request.app.state.service
    return service


async def caller(request: Request) -> Caller:
    service = base_service(request)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        actor = service.accounts.by_token(header[7:].strip())
        return Caller(actor, service.for_actor(actor))
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise AuthenticationFailed("sign in, or send an API token (Authorization: Bearer ...)")
    session = service.accounts.by_session(token)
    if request.method not in SAFE_METHODS:
        sent = request.headers.get("x-csrf-token")
        if sent is None and "form" in request.headers.get("content-type", ""):
            sent = str((await request.form()).get("csrf", ""))
        if sent != session.csrf:
            raise StaleForm("missing or wrong CSRF token")
    return Caller(session.actor, service.for_actor(session.actor), session.csrf, True)


CallerDep = Annotated[Caller, Depends(caller)]


def allowed(action: str):  # type: ignore[no-untyped-def]
    """A dependency: the caller, if allowed to take ``action`` (else 403)."""

    async def check(who: CallerDep) -> Caller:
        require(who.actor, action)
        return who

    return Depends(check)


def throttled(action: str):  # type: ignore[no-untyped-def]
    """A dependency: 429 once the caller has used up its allowance of an expensive
    ``action`` this minute (``services.accounts.ALLOWANCES``)."""

    async def check(who: CallerDep) -> None:
        who.service.accounts.throttle(who.actor.username, action)

    return Depends(check)


def safe_next(target: str | None) -> str:
    """``target`` if it is a path of this site (``/...``, not ``//host`` nor a scheme nor a
    backslash, no control character), else ``/``: where signing in may send the browser."""
    text = target or ""
    parts = urlsplit(text)
    if (
        not text.startswith("/") or text.startswith("//") or "\\" in text
        or parts.scheme or parts.netloc or any(ord(c) < 32 for c in text)
    ):  # fmt: skip
        return "/"
    return text


def same_site_path(referer: str | None, host: str) -> str | None:
    """A Referer's path and query when it is a page of this site (its host is ``host``),
    else None."""
    parts = urlsplit(referer or "")
    if not parts.path or parts.netloc != host:
        return None
    back = parts.path + (f"?{parts.query}" if parts.query else "")
    return back if safe_next(back) == back else None


def sign_in_path(back: str) -> str:
    """The sign-in form's address, coming back to ``back`` (a path of this site) after."""
    return f"/login?next={quote(safe_next(back), safe='')}"
