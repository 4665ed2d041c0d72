"""Settings, declared once as (name, default, help) and read once by an entry point.

Only entry points (the CLI, the API app factory, batch workers) call :func:`load`; core
and services receive values as arguments. ``docs/settings.md`` is generated from
:data:`SETTINGS` and a test fails when the two drift.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("EXPORTGUARD_DATA_DIR", "the platform's user data directory (e.g. "
            "~/.local/share/exportguard)", "Where the embedded SQLite database lives."),
    Setting("EXPORTGUARD_DATABASE_URL", "sqlite:///$EXPORTGUARD_DATA_DIR/exportguard.db",
            "The store: a SQLite path URL or a PostgreSQL URL "
            "(postgresql://user@host:5432/db). `--db` overrides it."),
    Setting("EXPORTGUARD_ACTOR", "the operating-system user name",
            "Who is acting, as recorded in the audit trail."),
    Setting("EXPORTGUARD_IMPACT_POLICY", "review",
            "What `exportguard impact` does with licences a change makes more restrictive: "
            "`review` queues them for an officer; `suspend` also suspends issued ones."),
    Setting("EXPORTGUARD_WEBHOOK_URL", "(none)",
            "If set, each new counterparty alert is POSTed there as JSON (stored first, retried "
            "with backoff until delivered; `X-ExportGuard-Event` carries its event id)."),
    Setting("EXPORTGUARD_WEBHOOK_SECRET", "(none)",
            "If set, each webhook body is signed: `X-ExportGuard-Signature: sha256=<hex HMAC-"
            "SHA256 of the body with this secret>`."),
    Setting("EXPORTGUARD_AUDIT_KEY", "$EXPORTGUARD_DATA_DIR/audit-ed25519.pem",
            "The Ed25519 private key (PEM) that signs audit checkpoints, created there on "
            "first use (mode 0600). Keep it off the database server: whoever holds it can "
            "re-sign a rewritten audit trail."),
    Setting("EXPORTGUARD_MONITOR_WORKERS", "1",
            "Dask worker processes for the screening step of a monitoring run (after a list "
            "import, a bulk import of counterparties) over a book of 20,000 counterparties or "
            "more: 1 screens in the process; more start a local Dask cluster for the run."),
    Setting("EXPORTGUARD_MONITOR_SCHEDULER", "(none)",
            "If set, the address of a running Dask scheduler (tcp://host:8786) that runs "
            "that screening step instead; its workers must reach the same database."),
    Setting("EXPORTGUARD_LIST_MAX_AGE_DAYS", "365",
            "How old (days since publication) a list snapshot in force may be before the web "
            "pages warn that it may be out of date."),
    Setting("EXPORTGUARD_DEMO", "0",
            "`1`: the service creates the demo list and the demo accounts (known passwords) "
            "on an empty store, and refuses to listen on anything but a loopback address. "
            "`exportguard serve --demo` sets it; never set it on a real deployment."),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    database_url: str
    actor: str
    impact_policy: str = "review"
    webhook_url: str | None = None
    webhook_secret: str | None = None
    demo: bool = False
    audit_key: Path | None = None
    monitor_workers: int = 1
    monitor_scheduler: str | None = None
    list_max_age_days: int = 365


def _os_user() -> str:
    """The operating-system user (from the password database when no variable names it)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry for the uid (some containers)
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"


def load(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from ``environ`` (the process environment by default)."""
    env = os.environ if environ is None else environ
    data_dir = Path(env.get("EXPORTGUARD_DATA_DIR") or platformdirs.user_data_dir("exportguard"))
    url = env.get("EXPORTGUARD_DATABASE_URL") or f"sqlite:///{data_dir / 'exportguard.db'}"
    actor = env.get("EXPORTGUARD_ACTOR") or env.get("USER") or env.get("USERNAME") or _os_user()
    return Settings(
        data_dir=data_dir,
        database_url=url,
        actor=actor,
        impact_policy=env.get("EXPORTGUARD_IMPACT_POLICY") or "review",
        webhook_url=env.get("EXPORTGUARD_WEBHOOK_URL") or None,
        webhook_secret=env.get("EXPORTGUARD_WEBHOOK_SECRET") or None,
        demo=env.get("EXPORTGUARD_DEMO") == "1",
        audit_key=Path(env.get("EXPORTGUARD_AUDIT_KEY") or data_dir / "audit-ed25519.pem"),
        monitor_workers=_positive(env.get("EXPORTGUARD_MONITOR_WORKERS") or "1",
                                  "EXPORTGUARD_MONITOR_WORKERS"),
        monitor_scheduler=env.get("EXPORTGUARD_MONITOR_SCHEDULER") or None,
        list_max_age_days=_positive(env.get("EXPORTGUARD_LIST_MAX_AGE_DAYS") or "365",
                                    "EXPORTGUARD_LIST_MAX_AGE_DAYS"),
    )


def _positive(text: str, name: str) -> int:
    """A setting that is a whole number of at least 1."""
    from exportguard.errors import InvalidInput

    if not text.strip().isdigit() or int(text) < 1:
        raise InvalidInput(f"must be a whole number of at least 1, not {text!r}", field=name)
    return int(text)
