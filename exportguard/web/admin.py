"""The administrator's pages: users (create; a user's page to enable or disable, change the
role, reset the password, create and revoke API tokens) and the upload of official list
files. Every page needs ``manage_users`` or ``import_lists`` (the admin's); the services
audit each change. A refused action comes back to its form with the message naming the
field; a new API token is shown once, on the page that made it, never in a URL."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from exportguard.core.permissions import ROLES
from exportguard.core.snapshots import SourceFile
from exportguard.edge.auth import Caller
from exportguard.edge.errors import status_of
from exportguard.errors import ExportGuardError, InvalidInput, NotFound
from exportguard.services.accounts import TOKEN_DAYS
from exportguard.web.common import guard, page, parse_date, parse_whole, read_form

# --- users ---------------------------------------------------------------------------------


def _users(
    request: Request, who: Caller, status: int = 200, error: str | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:  # fmt: skip
    return page(request, "users.html", who, status, users=who.service.accounts.users(),
                roles=ROLES, error=error, form=form or {},
                message=request.query_params.get("message"))  # fmt: skip


async def users_page(request: Request) -> Response:
    """The users; POST creates one (the password must pass the service's policy)."""
    who = await guard(request, "manage_users")
    if isinstance(who, Response):
        return who
    if request.method == "GET":
        return _users(request, who)
    form: dict[str, str] = {}
    try:
        form = await read_form(request)
        made = who.service.accounts.create_user(
            form.get("username", ""), form.get("password", ""), form.get("role", ""),
            form.get("exporter") or None,
        )  # fmt: skip
    except ExportGuardError as exc:
        form.pop("password", None)  # never sent back
        return _users(request, who, status_of(exc), error=str(exc), form=form)
    said = quote(f"User {made.username} created")
    return RedirectResponse(f"/users/{made.username}?message={said}", status_code=303)


def _user(
    request: Request, who: Caller, username: str, status: int = 200,
    error: str | None = None, new_token: str | None = None,
) -> HTMLResponse:  # fmt: skip
    """A user's page (the users page with the error when the user does not exist)."""
    found = [u for u in who.service.accounts.users() if u.username == username]
    if not found:
        missing = NotFound(f"no user {username!r}")
        return _users(request, who, status_of(missing), error=str(missing))
    response = page(request, "user.html", who, status, user=found[0], roles=ROLES,
                    tokens=who.service.accounts.tokens(username), token_days=TOKEN_DAYS,
                    new_token=new_token, error=error,
                    message=request.query_params.get("message"))  # fmt: skip
    if new_token is not None:
        response.headers["Cache-Control"] = "no-store"  # the token is shown once
    return response


async def user_page(request: Request) -> Response:
    who = await guard(request, "manage_users")
    if isinstance(who, Response):
        return who
    return _user(request, who, request.path_params["username"])


#: What each action says once done.
_DONE = {"enable": "Enabled", "disable": "Disabled: its sessions ended",
         "role": "Role changed: its sessions ended",
         "password": "Password reset: its sessions and API tokens ended",
         "revoke": "Token revoked"}  # fmt: skip


async def user_action(request: Request) -> Response:
    """Enable, disable, change the role (and company), reset the password, create or revoke
    an API token (``action``)."""
    who = await guard(request, "manage_users")
    if isinstance(who, Response):
        return who
    username = request.path_params["username"]
    accounts = who.service.accounts
    try:
        form = await read_form(request)
        action = form.get("action", "")
        if action in ("enable", "disable"):
            accounts.set_active(username, action == "enable")
        elif action == "role":
            accounts.set_role(username, form.get("role", ""), form.get("exporter") or None)
        elif action == "password":
            accounts.reset_password(username, form.get("password", ""))
        elif action == "token":
            days = parse_whole(form.get("days") or str(TOKEN_DAYS), "days")
            _, token = accounts.create_token(username, form.get("name", ""), days=days)
            return _user(request, who, username, new_token=token)
        elif action == "revoke":
            accounts.revoke_token(parse_whole(form.get("token", ""), "token"), owner=username)
        else:
            raise InvalidInput("choose enable, disable, role, password, token or revoke",
                               field="action")  # fmt: skip
    except ExportGuardError as exc:
        return _user(request, who, username, status_of(exc), error=str(exc))
    return RedirectResponse(f"/users/{quote(username)}?message={quote(_DONE[action])}",
                            status_code=303)  # fmt: skip


# --- list imports --------------------------------------------------------------------------

#: The most a list upload takes (``edge.limits`` caps the body the same): the OFAC XML is
#: about 100 MB.
MAX_LIST_UPLOAD = 256 * 1024 * 1024


async def list_import(request: Request) -> Response:
    """Upload official list files (format detected) with an optional publication date,
    for files that state none. All or nothing: a bad file is named (file, line, field) on
    the form and nothing is imported; a good upload shows its snapshots and what they set
    off (alerts, licences and applications affected)."""
    who = await guard(request, "import_lists")
    if isinstance(who, Response):
        return who
    if request.method == "GET":
        return page(request, "list_import.html", who, form={})
    form = await request.form()
    try:
        return await _import(request, who, form)
    except ExportGuardError as exc:
        given = {"published": str(form.get("published") or "")}
        return page(request, "list_import.html", who, status_of(exc), form=given,
                    error=str(exc))  # fmt: skip
    finally:
        await form.close()  # the uploads' spooled temporary files


async def _import(request: Request, who: Caller, form: Any) -> HTMLResponse:
    uploads = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
    if not uploads:
        raise InvalidInput("choose one or more list files", field="files")
    published = parse_date(str(form.get("published") or "").strip(), "published")
    files, total = [], 0
    for upload in uploads:
        data = await upload.read(MAX_LIST_UPLOAD + 1)
        total += len(data)
        if total > MAX_LIST_UPLOAD:
            raise InvalidInput(f"{upload.filename}: the upload is larger than "
                               f"{MAX_LIST_UPLOAD} bytes", field="files")  # fmt: skip
        files.append(SourceFile(upload.filename or "upload", data))
    report = who.service.import_files(files, published=published, dates_from_paths=False)
    return page(request, "list_import.html", who, form={}, report=report,
                summary=report.summary())  # fmt: skip


ROUTES: tuple[tuple[str, list[str], Any], ...] = (
    ("/users", ["GET", "POST"], users_page), ("/users/{username}", ["GET"], user_page),
    ("/users/{username}", ["POST"], user_action),
    ("/lists/import", ["GET", "POST"], list_import),
)  # fmt: skip
