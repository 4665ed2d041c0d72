"""Users, roles, passwords and API tokens (requests and answers)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictInt

from exportguard.api.schemas.common import Model, Out, Timestamp
from exportguard.core.accounts import User


class UserRequest(Model):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200, description="12 to 128 characters, "
                          "not easy to guess (checked; the answer says why not)")
    role: Literal["exporter", "officer", "auditor", "admin"]
    exporter: str | None = Field(default=None, max_length=200)


class RoleRequest(Model):
    role: Literal["exporter", "officer", "auditor", "admin"]
    exporter: str | None = Field(default=None, max_length=200)


class PasswordReset(Model):
    password: str = Field(min_length=1, max_length=200)


class PasswordChange(Model):
    current: str = Field(min_length=1, max_length=200)
    new: str = Field(min_length=1, max_length=200)


class TokenRequest(Model):
    name: str = Field(default="api", min_length=1, max_length=100)
    days: StrictInt = Field(default=90, ge=1, le=366, description="Days until it expires.")



RoleName = Literal["exporter", "officer", "auditor", "admin"]


class MeOut(Out):
    username: str
    role: RoleName
    exporter: str | None = Field(description="An exporter user's company.")


class UserOut(Out):
    id: int
    username: str
    role: RoleName
    exporter: str | None
    active: int = Field(description="1: may sign in; 0: disabled.")
    created_at: Timestamp


def user_out(user: User) -> UserOut:
    """The wire form of a user (the API's ``/users`` and the CLI's ``users list --json``):
    ``active`` as 1 or 0, as the store has it."""
    given = {name: getattr(user, name) for name in UserOut.model_fields}
    return UserOut.model_validate(given | {"active": int(user.active)})


class NewUserOut(Out):
    id: int
    username: str
    role: RoleName
    exporter: str | None
    active: bool


class ActiveOut(Out):
    username: str
    active: bool


class RoleOut(Out):
    username: str
    role: RoleName
    exporter: str | None


class PasswordChangedOut(Out):
    username: str
    password_changed: Literal[True]


class TokenOut(Out):
    """A new API token: ``token`` is shown this once."""

    id: int
    token: str
    name: str
    days: int


class RevokedOut(Out):
    id: int
    revoked: Literal[True]
