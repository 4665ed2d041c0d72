"""Accounts as records (pure): users, API tokens and web sessions, as the store keeps them.

Times are ISO 8601 UTC strings, as stored. A user's role is a :class:`Role`; an exporter
user's ``exporter`` is its company (None for every other role).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from exportguard.core.permissions import Actor, Role


@dataclass(frozen=True, slots=True)
class User:
    """A user as shown: ``active`` False is a disabled user (may not sign in)."""

    id: int
    username: str
    role: Role
    exporter: str | None
    active: bool
    created_at: str

    @property
    def actor(self) -> Actor:
        """The user as the one acting."""
        return Actor(self.username, self.role, self.exporter)


@dataclass(frozen=True, slots=True)
class StoredUser(User):
    """A user with its password hash (scrypt; ``services.credentials``): what sign-in and
    password changes read. Not shown: :meth:`public` drops the hash."""

    password_hash: str = field(default="", repr=False)

    def public(self) -> User:
        """The user without the hash."""
        return User(self.id, self.username, self.role, self.exporter, self.active,
                    self.created_at)  # fmt: skip


@dataclass(frozen=True, slots=True)
class ApiToken:
    """An API token as listed (the token itself is shown once and stored hashed):
    ``revoked_at`` None while it works, until ``expires_at``."""

    id: int
    name: str
    created_at: str
    revoked_at: str | None
    expires_at: str | None


@dataclass(frozen=True, slots=True)
class UserSession:
    """A web session that has not expired, with its user (who may be disabled since)."""

    user: User
    csrf: str
    created_at: str
    expires_at: str
