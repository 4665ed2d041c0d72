"""The REST API of accounts: who is calling (``/me``), users, roles, passwords and API
tokens (``services.accounts``); managing users is the admin's, a token or a password
one's own."""

from __future__ import annotations

from fastapi import APIRouter

from exportguard.api import schemas as s
from exportguard.api.common import Limit, Offset, Seq, page
from exportguard.api.schemas.accounts import user_out
from exportguard.core.permissions import require
from exportguard.edge.auth import Caller, CallerDep, allowed

router = APIRouter(prefix="/api/v1", responses=s.ERRORS)


# --- identity and health -------------------------------------------------------------------


@router.get("/me", tags=["accounts"], response_model=s.MeOut)
def me(who: CallerDep) -> s.MeOut:
    """The signed-in user."""
    actor = who.actor
    return s.MeOut.model_validate(
        {"username": actor.username, "role": actor.role, "exporter": actor.exporter}
    )


# --- users ---------------------------------------------------------------------------------


@router.get("/users", tags=["accounts"], response_model=s.Page[s.UserOut])
def users(
    who: Caller = allowed("manage_users"), limit: Limit = 50, offset: Offset = 0
) -> s.Page[s.UserOut]:
    found = [user_out(u) for u in who.service.accounts.users()]
    return s.Page[s.UserOut].model_validate(page(found, limit, offset))


@router.post("/users", status_code=201, tags=["accounts"], response_model=s.NewUserOut)
def create_user(body: s.UserRequest, who: Caller = allowed("manage_users")) -> s.NewUserOut:
    made = who.service.accounts.create_user(body.username, body.password, body.role, body.exporter)
    return s.NewUserOut.model_validate(made, from_attributes=True)


@router.post("/users/{username}/disable", tags=["accounts"], response_model=s.ActiveOut)
def disable_user(username: str, who: Caller = allowed("manage_users")) -> s.ActiveOut:
    """Disable a user: their sessions end, their tokens stop working. Not the last admin."""
    who.service.accounts.set_active(username, False)
    return s.ActiveOut(username=username, active=False)


@router.post("/users/{username}/enable", tags=["accounts"], response_model=s.ActiveOut)
def enable_user(username: str, who: Caller = allowed("manage_users")) -> s.ActiveOut:
    who.service.accounts.set_active(username, True)
    return s.ActiveOut(username=username, active=True)


@router.post("/users/{username}/role", tags=["accounts"], response_model=s.RoleOut)
def set_role(
    username: str, body: s.RoleRequest, who: Caller = allowed("manage_users")
) -> s.RoleOut:
    """Change a user's role (and company, for an exporter); their sessions end."""
    who.service.accounts.set_role(username, body.role, body.exporter)
    return s.RoleOut(username=username, role=body.role, exporter=body.exporter)


@router.post("/users/{username}/password", tags=["accounts"], response_model=s.PasswordChangedOut)
def reset_password(
    username: str, body: s.PasswordReset, who: Caller = allowed("manage_users")
) -> s.PasswordChangedOut:
    """An admin sets a user's password; the user's sessions end."""
    who.service.accounts.reset_password(username, body.password)
    return s.PasswordChangedOut(username=username, password_changed=True)


@router.post("/me/password", tags=["accounts"], response_model=s.PasswordChangedOut)
def change_password(body: s.PasswordChange, who: CallerDep) -> s.PasswordChangedOut:
    """Change your own password (give the current one); your sessions end."""
    who.service.accounts.change_password(who.actor.username, body.current, body.new)
    return s.PasswordChangedOut(username=who.actor.username, password_changed=True)


@router.post(
    "/users/{username}/tokens", status_code=201, tags=["accounts"], response_model=s.TokenOut
)
def create_token(username: str, body: s.TokenRequest, who: CallerDep) -> s.TokenOut:
    """A new API token (shown once). Users make their own; admins anyone's."""
    if username != who.actor.username:
        require(who.actor, "manage_users")
    token_id, token = who.service.accounts.create_token(username, body.name, days=body.days)
    return s.TokenOut(id=token_id, token=token, name=body.name, days=body.days)


@router.delete("/tokens/{token_id}", tags=["accounts"], response_model=s.RevokedOut)
def revoke_token(token_id: Seq, who: CallerDep) -> s.RevokedOut:
    who.service.accounts.revoke_token(token_id)  # a non-admin's own only (the use case)
    return s.RevokedOut(id=token_id, revoked=True)
