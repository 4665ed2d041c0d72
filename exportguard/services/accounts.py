"""Accounts: users and roles, API tokens, web sessions, sign-in and call rate limits.

Passwords are stored as scrypt hashes; API tokens and session ids only as SHA-256 hashes
(:mod:`exportguard.services.credentials`). Everything lives in the store, so several
service instances behind a load balancer share sessions and limits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from exportguard.core.accounts import ApiToken, StoredUser, User
from exportguard.core.permissions import ROLES, Actor, Role
from exportguard.errors import (
    AuthenticationFailed,
    FieldError,
    InvalidInput,
    NotFound,
    TooManyAttempts,
)
from exportguard.services.credentials import (
    check_password,
    dummy_hash,
    hash_password,
    password_problems,
    sha256_hex,
)
from exportguard.store import accounts as store
from exportguard.store.engine import writing

if TYPE_CHECKING:
    from exportguard.services.audit import AuditWriter
    from exportguard.services.context import Context

SESSION_HOURS = 12
#: Failed sign-ins allowed for one user name from one address in :data:`LOCKOUT_MINUTES`
#: (guessing one account's password), and from one address whatever the user names
#: (spraying many accounts). Neither locks the user out from another address: nobody can
#: lock a colleague out by typing their name wrongly from elsewhere (OWASP ASVS 2.2.1).
MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 50
LOCKOUT_MINUTES = 15
#: The demo accounts `exportguard serve` creates on an empty default store (README).
DEMO_ACCOUNTS = (("admin", "admin-demo", "admin", None),
                 ("officer", "officer-demo", "officer", None),
                 ("auditor", "auditor-demo", "auditor", None),
                 ("exporter", "exporter-demo", "exporter", "Acme Cyber"),
                 ("globex", "globex-demo", "exporter", "Globex Security"))  # fmt: skip


#: Calls a minute per user of the operations that cost the service most (a certificate,
#: a list diff, a full audit verification, a batch job, an impact analysis), so one user's
#: loop cannot slow everyone's screening.
ALLOWANCES = {"certificate": 30, "lists_diff": 10, "audit_verify": 6, "batch": 10,
              "impact": 10, "password_change": 5}  # fmt: skip
#: API tokens expire after this many days unless a shorter or longer life (1-366) is asked.
TOKEN_DAYS = 90


def role_problems(role: str, exporter: str | None) -> list[FieldError]:
    """Why a role (with its company, for an exporter) is refused (empty: acceptable)."""
    if role not in ROLES:
        return [FieldError("role", f"must be one of {', '.join(ROLES)}")]
    if role == "exporter" and not (exporter or "").strip():
        return [FieldError("exporter", "an exporter user belongs to a company")]
    if role != "exporter" and exporter:
        return [FieldError("exporter", "only exporter users belong to a company")]
    return []


@dataclass(frozen=True, slots=True)
class Session:
    actor: Actor
    csrf: str
    token: str | None = None  # only when just created (for the cookie)


class Accounts:
    """Account use cases, reached as ``ExportGuard.accounts``."""

    def __init__(self, ctx: Context, *, audit: AuditWriter) -> None:
        self.ctx = ctx
        self.audit = audit

    def create_user(
        self, username: str, password: str, role: str, exporter: str | None = None
    ) -> User:
        """A new active user; the password must pass :func:`password_problems`."""
        return self._create_user(username, password, role, exporter, demo=False)

    def _create_user(
        self, username: str, password: str, role: str, exporter: str | None, *, demo: bool
    ) -> User:
        errors = []
        if (
            not username.strip()
            or not username.replace("-", "").replace("_", "").replace(".", "").isalnum()
        ):
            errors.append(FieldError("username", "letters, digits, '-', '_' or '.'"))
        elif len(username) > 100:
            errors.append(FieldError("username", "at most 100 characters"))
        if not demo:  # demo passwords are public anyway, and served on loopback only
            errors.extend(password_problems(password, username))
        errors.extend(role_problems(role, exporter))
        if errors:
            raise InvalidInput(errors)
        now = self.ctx.now()
        with writing(self.ctx.engine) as conn:
            if store.find_user(conn, username) is not None:
                raise InvalidInput(f"user {username!r} exists", field="username")
            user_id = store.add_user(
                conn, username=username, password_hash=hash_password(password),
                role=Role(role), exporter=exporter.strip() if exporter else None,
                created_at=now,
            )  # fmt: skip
            self.audit.record(
                conn, "user", username, {"created": True, "role": role, "exporter": exporter}
            )
        # the company as given (not stripped), as the answer always showed it
        return User(id=user_id, username=username, role=Role(role), exporter=exporter,
                    active=True, created_at=now)  # fmt: skip

    def users(self) -> list[User]:
        """Every user, by id (without password hashes)."""
        with self.ctx.engine.connect() as conn:
            return store.list_users(conn)

    def set_active(self, username: str, active: bool) -> None:
        """Enable or disable a user (a disabled user's sessions end); the last active admin
        cannot be disabled. Audited."""
        with writing(self.ctx.engine) as conn:
            user = self._user(conn, username)
            if not active:
                self._keep_an_admin(conn, user)
                store.end_sessions(conn, user.id)
            store.set_user_active(conn, user.id, active)
            self.audit.record(conn, "user", username, {"active": active})

    def set_role(self, username: str, role: str, exporter: str | None = None) -> None:
        """Change a user's role (and company, for an exporter); their sessions end. The last
        active admin keeps the role. Audited."""
        errors = role_problems(role, exporter)
        if errors:
            raise InvalidInput(errors)
        with writing(self.ctx.engine) as conn:
            user = self._user(conn, username)
            if role != Role.ADMIN:
                self._keep_an_admin(conn, user)
            company = exporter.strip() if exporter else None
            store.set_role(conn, user.id, Role(role), company)
            store.end_sessions(conn, user.id)
            self.audit.record(conn, "user", username, {"role": role, "exporter": company})

    def change_password(self, username: str, current: str, new: str) -> None:
        """A user changes their own password (the current one is checked); every session and
        API token of theirs ends. A wrong current password is audited, rationed like other
        sensitive calls, and raises :class:`AuthenticationFailed`."""
        problems = password_problems(new, username)
        if problems:
            raise InvalidInput(problems)
        self.throttle(username, "password_change")
        with writing(self.ctx.engine) as conn:
            user = self._user(conn, username)
            ok = check_password(current, user.password_hash)
            if ok:
                store.set_password_hash(conn, user.id, hash_password(new))
                store.end_sessions(conn, user.id)
                revoked = store.revoke_tokens_of(conn, user.id, self.ctx.now())
            self.audit.record(
                conn, "password" if ok else "password-change-failed", username,
                {"changed_by": "self", "tokens_revoked": revoked} if ok else {},
            )  # fmt: skip
        if not ok:
            raise AuthenticationFailed("the current password is wrong")

    def reset_password(self, username: str, new: str) -> None:
        """An admin sets a user's password (the user should change it); the user's sessions
        and API tokens end."""
        problems = password_problems(new, username)
        if problems:
            raise InvalidInput(problems)
        with writing(self.ctx.engine) as conn:
            user = self._user(conn, username)
            store.set_password_hash(conn, user.id, hash_password(new))
            store.end_sessions(conn, user.id)
            revoked = store.revoke_tokens_of(conn, user.id, self.ctx.now())
            self.audit.record(conn, "password", username, {
                "changed_by": self.ctx.actor, "tokens_revoked": revoked})  # fmt: skip

    def throttle(self, username: str, action: str) -> None:
        """Refuse (:class:`TooManyAttempts`) a call of an expensive ``action`` past its
        allowance per user (:data:`ALLOWANCES`), counted in the store so every instance of
        the service shares it; the call is noted otherwise."""
        per_minute = ALLOWANCES[action]
        now = self.ctx.clock()
        since = (now - timedelta(minutes=1)).isoformat(timespec="seconds")
        with writing(self.ctx.engine) as conn:
            used = store.count_and_note_use(
                conn, username, action, now.isoformat(timespec="seconds"), since
            )
        if used >= per_minute:
            raise TooManyAttempts(
                f"{action.replace('_', ' ')}: at most {per_minute} a minute per user; "
                "try again in a minute"
            )

    @staticmethod
    def _user(conn: Connection, username: str) -> StoredUser:
        user = store.find_user(conn, username)
        if user is None:
            raise NotFound(f"no user {username!r}")
        return user

    @staticmethod
    def _keep_an_admin(conn: Connection, user: User) -> None:
        if user.role is Role.ADMIN and user.active and store.active_admins(conn) <= 1:
            raise InvalidInput(
                f"{user.username} is the last active admin: make another admin first",
                field="username",
            )

    def create_token(
        self, username: str, name: str, *, days: int = TOKEN_DAYS
    ) -> tuple[int, str]:
        """A new API token for a user: (id, the token; shown once, stored hashed). It
        expires after ``days`` (1 to 366)."""
        if not 1 <= days <= 366:
            raise InvalidInput("a token lives 1 to 366 days", field="days")
        if not name.strip() or len(name) > 100:
            raise InvalidInput("a token needs a name (1 to 100 characters) saying what uses it",
                               field="name")  # fmt: skip
        token = "eg_" + secrets.token_urlsafe(32)
        now = self.ctx.clock()
        with writing(self.ctx.engine) as conn:
            user = store.find_user(conn, username)
            if user is None:
                raise NotFound(f"no user {username!r}")
            token_id = store.add_token(
                conn, user_id=user.id, token_hash=sha256_hex(token), name=name or "token",
                created_at=now.isoformat(timespec="seconds"),
                expires_at=(now + timedelta(days=days)).isoformat(timespec="seconds"),
            )  # fmt: skip
            self.audit.record(conn, "token", username, {"created": token_id, "name": name})
        return token_id, token

    def tokens(self, username: str) -> list[ApiToken]:
        """A user's API tokens, oldest first; :class:`NotFound` if there is no such user."""
        with self.ctx.engine.connect() as conn:
            user = store.find_user(conn, username)
            if user is None:
                raise NotFound(f"no user {username!r}")
            return store.tokens_of(conn, user.id)

    def revoke_token(self, token_id: int, *, owner: str | None = None) -> None:
        """Revoke an API token (audited); ``owner``: only if it is that user's. A signed-in
        user other than an admin revokes only their own (:class:`NotFound` otherwise, as
        for no token)."""
        p = self.ctx.principal
        if p is not None and p.role != "admin":
            owner = p.username
        with writing(self.ctx.engine) as conn:
            user_id = store.token_owner(conn, token_id)
            user = store.user_with_id(conn, user_id) if user_id is not None else None
            if user is None or (owner is not None and user.username != owner):
                raise NotFound(f"no token {token_id}")
            if not store.revoke_token(conn, token_id, self.ctx.now()):
                raise NotFound(f"token {token_id} is already revoked")
            self.audit.record(conn, "token", user.username, {"revoked": token_id})

    # --- authentication -----------------------------------------------------------------

    def by_token(self, token: str) -> Actor:
        now = self.ctx.now()
        with self.ctx.engine.connect() as conn:
            user = store.token_user(conn, sha256_hex(token), now)
        if user is None or not user.active:
            raise AuthenticationFailed("invalid, revoked or expired API token")
        return user.actor

    def sign_in(self, username: str, password: str, address: str) -> Session:
        """A session for a user whose password is right; every attempt is audited.

        A wrong user name costs the same work as a wrong password (a password is checked
        against a dummy hash), so timing does not tell which user names exist.
        """
        now = self.ctx.clock()
        at = now.isoformat(timespec="seconds")
        since = (now - timedelta(minutes=LOCKOUT_MINUTES)).isoformat(timespec="seconds")
        with writing(self.ctx.engine) as conn:
            locked = (
                store.failures_since(conn, username=username, address=address, since=since)
                >= MAX_FAILURES
                or store.failures_since(conn, address=address, since=since)
                >= MAX_ADDRESS_FAILURES
            )
            user = None if locked else store.find_user(conn, username)
            ok = False
            if not locked:
                stored = user.password_hash if user else dummy_hash()
                ok = check_password(password, stored) and bool(user and user.active)
                store.add_attempt(conn, username, address, at, ok)
            if not ok:
                reason = "locked" if locked else "credentials"
                self.audit.record(
                    conn, "sign-in-failed", username[:100], {"address": address, "reason": reason}
                )
        if locked:
            raise TooManyAttempts(
                f"too many failed sign-ins; try again in {LOCKOUT_MINUTES} minutes"
            )
        if not ok or user is None:
            raise AuthenticationFailed("wrong user name or password")
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        with writing(self.ctx.engine) as conn:
            store.add_session(
                conn, token_hash=sha256_hex(token), user_id=user.id, csrf=csrf, created_at=at,
                expires_at=(now + timedelta(hours=SESSION_HOURS)).isoformat(timespec="seconds"),
            )  # fmt: skip
            self.audit.record(conn, "sign-in", username, {"address": address})
        return Session(user.actor, csrf, token)

    def by_session(self, token: str) -> Session:
        now = self.ctx.now()
        with self.ctx.engine.connect() as conn:
            found = store.session(conn, sha256_hex(token), now)
        if found is None or not found.user.active:
            raise AuthenticationFailed("not signed in (or the session expired)")
        return Session(found.user.actor, found.csrf)

    def sign_out(self, token: str) -> None:
        """End a session (audited with the user it belonged to)."""
        now = self.ctx.now()
        with writing(self.ctx.engine) as conn:
            found = store.session(conn, sha256_hex(token), now)
            store.delete_session(conn, sha256_hex(token))
            if found is not None:
                self.audit.record(conn, "sign-out", found.user.username, {})

    def demo_passwords_in_use(self) -> list[str]:
        """The demo accounts that still exist, active, with their public demo password."""
        found = []
        with self.ctx.engine.connect() as conn:
            for username, password, _, _ in DEMO_ACCOUNTS:
                user = store.find_user(conn, username)
                if user and user.active and check_password(password, user.password_hash):
                    found.append(username)
        return found

    def ensure_demo(self) -> bool:
        """Create the demo accounts on a store with no users; True if it did."""
        with self.ctx.engine.connect() as conn:
            if store.count_users(conn):
                return False
        for username, password, role, exporter in DEMO_ACCOUNTS:
            self._create_user(username, password, role, exporter, demo=True)
        return True
