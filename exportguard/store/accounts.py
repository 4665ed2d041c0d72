"""Repository of users, API tokens, web sessions, login attempts and background jobs."""

from __future__ import annotations

import json
from dataclasses import fields

from sqlalchemy import Connection, RowMapping, and_, delete, func, insert, or_, select, update

from exportguard.core.accounts import ApiToken, StoredUser, User, UserSession
from exportguard.core.jobs import Job, JobKind, JobStatus, JobSummary
from exportguard.core.permissions import Role
from exportguard.store.schema import api_tokens, jobs, login_attempts, sessions, usage, users


def add_user(
    conn: Connection, *, username: str, password_hash: str, role: Role, exporter: str | None,
    created_at: str,
) -> int:
    """Store a new active user; its id."""
    return int(conn.execute(insert(users).values(
        username=username, password_hash=password_hash, role=role.value, exporter=exporter,
        active=1, created_at=created_at,
    ).returning(users.c.id)).scalar_one())  # fmt: skip


def _user_from_row(m: RowMapping) -> StoredUser:
    """A user from a row of ``users`` (the one place it is read)."""
    return StoredUser(
        id=int(m["id"]), username=m["username"], role=Role(m["role"]), exporter=m["exporter"],
        active=bool(m["active"]), created_at=m["created_at"], password_hash=m["password_hash"],
    )  # fmt: skip


def find_user(conn: Connection, username: str) -> StoredUser | None:
    """The user named ``username``; None if there is none."""
    row = conn.execute(select(users).where(users.c.username == username)).first()
    return _user_from_row(row._mapping) if row else None


def user_with_id(conn: Connection, user_id: int) -> StoredUser | None:
    """The user with id ``user_id``; None if there is none."""
    row = conn.execute(select(users).where(users.c.id == user_id)).first()
    return _user_from_row(row._mapping) if row else None


def list_users(conn: Connection) -> list[User]:
    """Every user, by id, without password hashes."""
    return [_user_from_row(r._mapping).public()
            for r in conn.execute(select(users).order_by(users.c.id))]  # fmt: skip


def set_user_active(conn: Connection, user_id: int, active: bool) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(active=int(active)))


def count_users(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(users)).scalar_one())


def add_token(
    conn: Connection, *, user_id: int, token_hash: str, name: str, created_at: str,
    expires_at: str,
) -> int:
    """Store a new API token (by its hash); its id."""
    return int(conn.execute(insert(api_tokens).values(
        user_id=user_id, token_hash=token_hash, name=name, created_at=created_at,
        expires_at=expires_at,
    ).returning(api_tokens.c.id)).scalar_one())  # fmt: skip


def token_user(conn: Connection, token_hash: str, now: str) -> StoredUser | None:
    """The user of a token that is neither revoked nor expired at ``now`` (ISO UTC)."""
    row = conn.execute(
        select(users).join(api_tokens, api_tokens.c.user_id == users.c.id)
        .where(api_tokens.c.token_hash == token_hash, api_tokens.c.revoked_at.is_(None),
               api_tokens.c.expires_at > now)
    ).first()  # fmt: skip
    return _user_from_row(row._mapping) if row else None


def tokens_of(conn: Connection, user_id: int) -> list[ApiToken]:
    """A user's API tokens (live, revoked, expired), oldest first."""
    rows = conn.execute(
        select(api_tokens.c.id, api_tokens.c.name, api_tokens.c.created_at,
               api_tokens.c.revoked_at, api_tokens.c.expires_at)
        .where(api_tokens.c.user_id == user_id)
        .order_by(api_tokens.c.id)
    )  # fmt: skip
    return [ApiToken(id=int(r.id), name=r.name, created_at=r.created_at,
                     revoked_at=r.revoked_at, expires_at=r.expires_at) for r in rows]  # fmt: skip


def revoke_token(conn: Connection, token_id: int, at: str) -> bool:
    return (
        conn.execute(
            update(api_tokens)
            .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
        ).rowcount
        == 1
    )


def token_owner(conn: Connection, token_id: int) -> int | None:
    row = conn.execute(select(api_tokens.c.user_id).where(api_tokens.c.id == token_id)).first()
    return int(row[0]) if row else None


def add_session(
    conn: Connection, *, token_hash: str, user_id: int, csrf: str, created_at: str,
    expires_at: str,
) -> None:
    """Store a new web session (by its token's hash)."""
    conn.execute(insert(sessions).values(token_hash=token_hash, user_id=user_id, csrf=csrf,
                                         created_at=created_at, expires_at=expires_at))  # fmt: skip


def session(conn: Connection, token_hash: str, now: str) -> UserSession | None:
    """The session of a token's hash, unexpired at ``now`` (ISO UTC), with its user."""
    row = conn.execute(
        select(sessions.c.csrf, sessions.c.created_at.label("session_created_at"),
               sessions.c.expires_at.label("session_expires_at"), users)
        .join(users, users.c.id == sessions.c.user_id)
        .where(sessions.c.token_hash == token_hash, sessions.c.expires_at > now)
    ).first()  # fmt: skip
    if row is None:
        return None
    m = row._mapping
    user = _user_from_row(row._mapping).public()
    return UserSession(user=user, csrf=m["csrf"], created_at=m["session_created_at"],
                       expires_at=m["session_expires_at"])  # fmt: skip


def delete_session(conn: Connection, token_hash: str) -> None:
    conn.execute(delete(sessions).where(sessions.c.token_hash == token_hash))


def add_attempt(conn: Connection, username: str, address: str, at: str, ok: bool) -> None:
    conn.execute(
        insert(login_attempts).values(username=username, address=address, at=at, ok=int(ok))
    )


def failures_since(
    conn: Connection, *, address: str, since: str, username: str | None = None
) -> int:
    """Failed sign-ins from ``address`` since ``since`` (ISO time), of ``username`` only
    when given."""
    query = (
        select(func.count())
        .select_from(login_attempts)
        .where(
            login_attempts.c.ok == 0,
            login_attempts.c.at >= since,
            login_attempts.c.address == address,
        )
    )
    if username is not None:
        query = query.where(login_attempts.c.username == username)
    return int(conn.execute(query).scalar_one())


# --- jobs -------------------------------------------------------------------------------------


def add_job(conn: Connection, job: Job) -> None:
    """Store a new job (queued)."""
    conn.execute(insert(jobs).values(
        id=job.id, kind=job.kind.value, status=job.status.value, owner=job.owner,
        exporter=job.exporter, options=json.dumps(dict(job.options)), input=job.input,
        rows=job.rows, created_at=job.created_at,
    ))  # fmt: skip


_SUMMARY = (jobs.c.id, jobs.c.kind, jobs.c.status, jobs.c.owner, jobs.c.exporter, jobs.c.rows,
            jobs.c.created_at, jobs.c.started_at, jobs.c.finished_at, jobs.c.error,
            jobs.c.progress)  # fmt: skip


def _summary_from_row(m: RowMapping) -> JobSummary:
    """A listed job from a row of the ``_SUMMARY`` columns (the one place they are read)."""
    return JobSummary(
        id=m["id"], kind=JobKind(m["kind"]), status=JobStatus(m["status"]), owner=m["owner"],
        exporter=m["exporter"], rows=m["rows"], created_at=m["created_at"],
        started_at=m["started_at"], finished_at=m["finished_at"], error=m["error"],
        progress=m["progress"],
    )  # fmt: skip


def _from_row(m: RowMapping) -> Job:
    """A job from a full row of ``jobs`` (the one place it is read)."""
    listed = _summary_from_row(m)
    return Job(**{f.name: getattr(listed, f.name) for f in fields(JobSummary)},
               options=json.loads(m["options"]), input=m["input"], result=m["result"],
               claimed_by=m["claimed_by"])  # fmt: skip


def job(conn: Connection, job_id: str) -> Job | None:
    """The job ``job_id``, in full; None if there is none."""
    row = conn.execute(select(jobs).where(jobs.c.id == job_id)).first()
    return None if row is None else _from_row(row._mapping)


def find_jobs(conn: Connection, owner: str | None = None) -> list[JobSummary]:
    """The jobs (of ``owner`` if given), oldest first, without input or result."""
    query = select(*_SUMMARY).order_by(jobs.c.id)
    if owner is not None:
        query = query.where(jobs.c.owner == owner)
    return [_summary_from_row(r._mapping) for r in conn.execute(query)]


def claim_job(conn: Connection, worker: str, at: str, stale_before: str) -> str | None:
    """Atomically take the oldest queued job, or a running one started before
    ``stale_before`` (its worker died: a SIGTERM, a crash); safe with several instances."""
    claimable = or_(
        jobs.c.status == JobStatus.QUEUED.value,
        and_(jobs.c.status == JobStatus.RUNNING.value, jobs.c.started_at < stale_before),
    )
    query = select(jobs.c.id, jobs.c.status, jobs.c.started_at).where(claimable)
    query = query.order_by(jobs.c.id).limit(1)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    row = conn.execute(query).first()
    if row is None:
        return None
    as_read = and_(jobs.c.id == row.id, jobs.c.status == row.status)
    if row.started_at is not None:
        as_read = and_(as_read, jobs.c.started_at == row.started_at)
    taken = conn.execute(
        update(jobs).where(as_read)
        .values(status=JobStatus.RUNNING.value, started_at=at, claimed_by=worker)
    ).rowcount
    return str(row.id) if taken == 1 else None


def finish_job(
    conn: Connection,
    job_id: str,
    *,
    at: str,
    result: str | None = None,
    error: str | None = None,
    rows: int | None = None,
) -> None:
    conn.execute(
        update(jobs)
        .where(jobs.c.id == job_id)
        .values(
            status=(JobStatus.FAILED if error else JobStatus.DONE).value,
            finished_at=at,
            result=result,
            error=error,
            rows=rows,
        )
    )


def set_progress(conn: Connection, job_id: str, done: int) -> None:
    conn.execute(update(jobs).where(jobs.c.id == job_id).values(progress=done))


def set_password_hash(conn: Connection, user_id: int, password_hash: str) -> None:
    conn.execute(update(users).where(users.c.id == user_id).values(password_hash=password_hash))


def set_role(conn: Connection, user_id: int, role: Role, exporter: str | None) -> None:
    conn.execute(
        update(users).where(users.c.id == user_id).values(role=role.value, exporter=exporter)
    )


def end_sessions(conn: Connection, user_id: int) -> None:
    """Sign a user out everywhere (after a password change, a reset, a role change)."""
    conn.execute(delete(sessions).where(sessions.c.user_id == user_id))


def active_admins(conn: Connection) -> int:
    """How many active admins there are; on PostgreSQL their rows are locked for the rest of
    the transaction, so two admins disabling each other at once cannot both succeed."""
    query = select(users.c.id).where(users.c.role == Role.ADMIN.value, users.c.active == 1)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return len(conn.execute(query).all())


def revoke_tokens_of(conn: Connection, user_id: int, at: str) -> int:
    """Revoke every live token of a user (after a password change or reset)."""
    result = conn.execute(
        update(api_tokens)
        .where(api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=at)
    )
    return int(result.rowcount)


def count_and_note_use(conn: Connection, username: str, action: str, at: str, since: str) -> int:
    """How often ``username`` took ``action`` since ``since`` (before this call), and note
    this call; older notes of the action are pruned."""
    used = conn.execute(
        select(func.count()).select_from(usage)
        .where(usage.c.username == username, usage.c.action == action, usage.c.at >= since)
    ).scalar_one()  # fmt: skip
    conn.execute(delete(usage).where(usage.c.action == action, usage.c.at < since))
    conn.execute(insert(usage).values(username=username, action=action, at=at))
    return int(used)
