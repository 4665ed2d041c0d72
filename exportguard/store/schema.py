"""Database tables (SQLAlchemy Core). Alembic migrations in ``migrations/`` create them;
this module is the one description the repositories use. Portable across SQLite and
PostgreSQL: JSON is stored as text, binary as ``LargeBinary`` (BLOB / bytea).

Over 400 lines on purpose: it is one table set, declarations only (no logic), every table
on the one :data:`metadata` (the migrations' environment's target), read as the whole
database in one place beside the migrations that build it. Split by area, each part
would register on a shared metadata that is complete only once some module has imported
them all, and no code would be separated."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

snapshots = Table(
    "snapshots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(64), nullable=False),
    Column("format", String(64), nullable=False),
    Column("published", Date, nullable=False),
    Column("published_from_file", Integer, nullable=False),  # 1: the file gave the date
    Column("imported_at", String(32), nullable=False),  # ISO 8601 UTC
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("files", Text, nullable=False),  # JSON list of file names
    Column("counts", Text, nullable=False),  # JSON object
    Column("warnings", Text, nullable=False),  # JSON list
    Column("date_basis", String(16)),  # core.snapshots.DateBasis
    Column("retired_at", String(32)),  # set when an admin retires the snapshot
    Column("retired_by", String(200)),
    Column("retired_reason", Text),
    Index("ix_snapshots_source_published", "source", "published"),
)

entries = Table(
    "entries",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), nullable=False),
    Column("entry_id", String(200), nullable=False),
    Column("type", String(16), nullable=False),
    Column("name", Text, nullable=False),
    Column("listed_from", Date),
    Column("listed_until", Date),
    Column("data", Text, nullable=False),  # JSON of ListEntry.to_dict()
    UniqueConstraint("snapshot_id", "entry_id", name="uq_entries_snapshot_entry"),
)

snapshot_indexes = Table(
    "snapshot_indexes",
    metadata,
    Column(
        "snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("format_version", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

regime_revisions = Table(
    "regime_revisions",
    metadata,
    Column("digest", String(32), primary_key=True),
    Column("regime_id", String(64), nullable=False, index=True),
    Column("revision", String(64), nullable=False),
    Column("content", Text, nullable=False),  # the YAML as written
    Column("origin", String(16), nullable=False),  # bundled | installed
    Column("recorded_at", String(32), nullable=False),
    Column("recorded_by", String(200), nullable=False),
)

#: Which revision of a regime is current, when an officer installed one (else bundled).
regime_current = Table(
    "regime_current",
    metadata,
    Column("regime_id", String(64), primary_key=True),
    Column("digest", String(32), ForeignKey("regime_revisions.digest"), nullable=False),
)

decisions = Table(
    "decisions",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("decision_id", String(40), nullable=False, index=True),
    Column("decided_at", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("verdict", String(32), nullable=False),
    Column("request", Text, nullable=False),  # JSON
    Column("result", Text, nullable=False),  # JSON of Decision.to_dict()
)

licences = Table(
    "licences",
    metadata,
    Column("id", String(32), primary_key=True),  # L-000001
    Column("exporter", String(200), nullable=False, index=True),
    Column("kind", String(32), nullable=False),
    Column("regime", String(64), nullable=False),
    Column("state", String(32), nullable=False, index=True),
    Column("items", Text, nullable=False),  # JSON list
    Column("destination", String(2), nullable=False, index=True),
    Column("end_user", Text, nullable=False),
    Column("end_user_type", String(32)),
    Column("end_use", String(64)),
    Column("parties", Text, nullable=False),  # JSON list
    Column("value", Float),
    Column("quantity", Integer),
    Column("parent", String(32)),
    Column("conditions", Text, nullable=False),  # JSON
    Column("decision_id", String(40)),
    Column("version", Integer, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
)

licence_events = Table(
    "licence_events",
    metadata,
    Column("pk", Integer, primary_key=True, autoincrement=True),
    Column("licence_id", String(32), ForeignKey("licences.id"), nullable=False, index=True),
    Column("seq", Integer, nullable=False),
    Column("event", String(32), nullable=False),
    Column("from_state", String(32), nullable=False),
    Column("to_state", String(32), nullable=False),
    Column("at", String(32), nullable=False),
    Column("effective_on", Date, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("reason", Text, nullable=False),
    Column("decision_id", String(40)),
    Column("data", Text, nullable=False),  # JSON
    UniqueConstraint("licence_id", "seq", name="uq_licence_events_licence_seq"),
)

shipments = Table(
    "shipments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("licence_id", String(32), ForeignKey("licences.id"), nullable=False, index=True),
    Column("shipped_on", Date, nullable=False),
    Column("value", Float),
    Column("quantity", Integer),
    Column("end_user", Text),
    Column("end_use", String(64)),
    Column("recorded_at", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
)

misuse_reports = Table(
    "misuse_reports",
    metadata,
    Column("id", String(32), primary_key=True),  # R-000001
    Column("source", Text, nullable=False),
    Column("reported_on", Date, nullable=False),
    Column("country", String(2), nullable=False),
    Column("suspected_operator", Text, nullable=False),
    Column("product", Text, nullable=False),
    Column("evidence", Text, nullable=False),
    Column("confidence", String(16), nullable=False),
    Column("status", String(16), nullable=False),  # open | closed
    Column("outcome", String(32)),
    Column("matches", Text, nullable=False),  # JSON: licences it may concern, and why
    Column("created_at", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
)

counterparties = Table(
    "counterparties",
    metadata,
    Column("id", String(32), primary_key=True),  # C-000001
    Column("exporter", String(200), nullable=False, index=True),
    Column("name", Text, nullable=False),
    Column("role", String(32), nullable=False),  # customer | distributor | end-user | supplier
    Column("country", String(2)),
    Column("type", String(16)),
    Column("active", Integer, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("reference", String(200)),  # the exporter's own id for it (bulk imports)
    Index("ix_counterparties_exporter_reference", "exporter", "reference"),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "counterparty_id", String(32), ForeignKey("counterparties.id"), nullable=False, index=True
    ),
    Column("snapshot_id", Integer, nullable=False),
    Column("entry_id", String(200), nullable=False),
    Column("entry_digest", String(32), nullable=False),
    Column("kind", String(16), nullable=False),  # core.alerts.AlertKind
    Column("score", Float, nullable=False),
    Column("status", String(16), nullable=False),  # core.alerts.AlertStatus
    Column("created_at", String(32), nullable=False),
    Column("data", Text, nullable=False),  # JSON: hit, explanation
    Column("resolution", String(16)),  # core.alerts.Resolution, once resolved
    Column("reason", Text),  # why it was acknowledged or resolved
    Column("acted_by", String(200)),  # who last acknowledged or resolved it
    Column("acted_at", String(32)),
)

#: What a counterparty's last screening found, per list entry (to tell new from changed).
counterparty_hits = Table(
    "counterparty_hits",
    metadata,
    Column("counterparty_id", String(32), ForeignKey("counterparties.id"), primary_key=True),
    Column("source", String(64), primary_key=True),
    Column("entry_id", String(200), primary_key=True),
    Column("entry_digest", String(32), nullable=False),
    Column("snapshot_id", Integer, nullable=False),
    Column("score", Float, nullable=False),
    Index("ix_counterparty_hits_entry_id", "entry_id"),
)

#: One row per monitoring run (services.rescreening): the snapshots screened against (the
#: next incremental run's baseline), the day, and what it found.
monitoring_runs = Table(
    "monitoring_runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("mode", String(16), nullable=False),  # full | incremental | parties
    Column("as_of", Date, nullable=False),
    Column("snapshots", Text, nullable=False),  # JSON {source: [snapshot id, content hash]}
    Column("counts", Text, nullable=False),  # JSON
    Column("started_at", String(32), nullable=False),
    Column("finished_at", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
)

#: Reviewed false positives: a hit on one version of a list entry suppressed for one party
#: (a monitored counterparty, or a screened party of one tenant: ``exporter`` and
#: ``party_key``, ``core.hit_cases.party_key``) until it expires or the entry changes.
clearances = Table(
    "clearances",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("counterparty_id", String(32), ForeignKey("counterparties.id"), index=True),
    Column("entry_id", String(200), nullable=False),
    Column("entry_digest", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Column("expires_on", Date),
    Column("actor", String(200), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("lapsed_at", String(32)),  # when its expiry raised a re-review alert
    Column("exporter", String(200)),  # a screened party's tenant (None: the authority's)
    Column("party_key", Text),  # a screened party (no counterparty)
    Column("party_name", Text),  # the screened party's name as given
    Column("case_id", String(32)),  # the hit case whose decision made it
    Column("confirmed_by", String(200)),  # the second officer, where four-eyes applied
    Index("ix_clearances_party", "exporter", "entry_id"),
)

#: Hit review cases (``core.hit_cases``): one screening hit, its review and disposition.
hit_cases = Table(
    "hit_cases",
    metadata,
    Column("id", String(32), primary_key=True),  # H-000001
    Column("exporter", String(200), index=True),  # tenant (None: the authority's own)
    Column("origin", String(16), nullable=False),  # core.hit_cases.Origin
    Column("origin_ref", String(200), nullable=False),  # audit seq, job:row, decision, C-id
    Column("alert_id", Integer),  # the monitoring alert the case reviews
    Column("party_name", Text, nullable=False),
    Column("party_key", Text, nullable=False),
    Column("query", Text, nullable=False),  # JSON: name, country, type, birth date, ids
    Column("snapshot_id", Integer, nullable=False),
    Column("source", String(64), nullable=False),
    Column("entry_id", String(200), nullable=False),
    Column("entry_digest", String(32), nullable=False),
    Column("list_name", Text, nullable=False),
    Column("listed_name", Text, nullable=False),
    Column("score", Float, nullable=False),
    Column("sanctioned", Integer, nullable=False),  # 1: a sanctions listing (four-eyes)
    Column("hit", Text, nullable=False),  # JSON: matched name, explanation, programmes ...
    Column("state", String(24), nullable=False, index=True),  # core.hit_cases.CaseState
    Column("disposition", String(16)),  # core.hit_cases.Disposition
    Column("reason_code", String(32)),
    Column("note", Text),
    Column("expires_on", Date),  # a false positive's clearance expiry, if any
    Column("assignee", String(200), index=True),
    Column("decided_by", String(200)),
    Column("decided_at", String(32)),
    Column("confirmed_by", String(200)),
    Column("confirmed_at", String(32)),
    Column("clearance_id", Integer),
    Column("created_by", String(200), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_hit_cases_origin", "origin", "origin_ref", "entry_id"),
)

#: Every action on a hit case, in order (the audit trail has each too).
hit_case_events = Table(
    "hit_case_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(32), ForeignKey("hit_cases.id"), nullable=False, index=True),
    Column("at", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(16), nullable=False),  # open | core.hit_cases.Action
    Column("state", String(24), nullable=False),  # the state after it
    Column("disposition", String(16)),
    Column("reason_code", String(32)),
    Column("note", Text),
    Column("assignee", String(200)),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("kind", String(64), nullable=False, index=True),
    Column("subject", Text, nullable=False),
    Column("payload", Text, nullable=False),  # canonical JSON
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

#: One row: the chain's last sequence number and hash (written with every append).
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

#: Alert notifications waiting for, or done with, their webhook delivery (services.monitoring).
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(36), nullable=False, unique=True),  # receivers de-duplicate on it
    Column("payload", Text, nullable=False),  # JSON body posted
    Column("status", String(16), nullable=False, index=True),  # pending | delivered | failed
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", String(32), nullable=False),
    Column("last_error", Text),
    Column("created_at", String(32), nullable=False),
    Column("delivered_at", String(32)),
    Column("alert_id", Integer, index=True),  # the alert notified (delivery status per alert)
)

#: Calls of expensive operations per user (per-user rate limits; services.accounts).
usage = Table(
    "usage",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False),
    Column("action", String(32), nullable=False),
    Column("at", String(32), nullable=False),
    Index("ix_usage_username_action_at", "username", "action", "at"),
)

#: Signed (seq, hash) pairs of the chain: a rewrite or a removed tail before the newest one
#: is detected without trusting this database (core.audit, services.audit).
audit_checkpoints = Table(
    "audit_checkpoints",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("hash", String(64), nullable=False),
    Column("at", String(32), nullable=False),
    Column("key_id", String(16), nullable=False),  # first 16 hex digits of the key's SHA-256
    Column("signature", String(128), nullable=False),  # Ed25519, hex
)

counters = Table(
    "counters",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", Integer, nullable=False),
)

#: The review queue: licences and applications to look at again (after a rule or list
#: change, or a misuse report), and what the officer decided.
reviews = Table(
    "reviews",
    metadata,
    Column("id", String(32), primary_key=True),  # V-000001
    Column("subject_kind", String(16), nullable=False),  # licence | report | counterparty
    Column("subject_id", String(32), nullable=False, index=True),
    Column("origin", String(32), nullable=False),  # impact | misuse-report | monitoring
    Column("reason", Text, nullable=False),
    Column("status", String(16), nullable=False, index=True),  # open | closed
    Column("outcome", String(32)),
    Column("created_at", String(32), nullable=False),
    Column("closed_at", String(32)),
    Column("actor", String(200), nullable=False),
    Column("data", Text, nullable=False),  # JSON
)

#: Exporters' requests to amend an issued licence, and the officer's answer.
amendment_requests = Table(
    "amendment_requests",
    metadata,
    Column("id", String(32), primary_key=True),  # AR-000001
    Column("licence", String(32), nullable=False, index=True),
    Column("exporter", String(200), nullable=False, index=True),
    Column("conditions", Text, nullable=False),  # JSON of Conditions.to_dict()
    Column("reason", Text, nullable=False),
    Column("requested_by", String(200), nullable=False),
    Column("requested_at", String(32), nullable=False),
    Column("based_on_version", Integer, nullable=False),
    Column("status", String(16), nullable=False, index=True),  # core.licensing.RequestStatus
    Column("decided_by", String(200)),
    Column("decided_at", String(32)),
    Column("decision_reason", Text),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("password_hash", String(300), nullable=False),
    Column("role", String(16), nullable=False),  # exporter | officer | auditor | admin
    Column("exporter", String(200)),  # the company of an exporter user
    Column("active", Integer, nullable=False),
    Column("created_at", String(32), nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("name", String(100), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("revoked_at", String(32)),
    Column("expires_at", String(32)),  # ISO UTC; a token is refused from then on
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False),
)

login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(100), nullable=False, index=True),
    Column("address", String(64), nullable=False),
    Column("at", String(32), nullable=False),
    Column("ok", Integer, nullable=False),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", String(32), primary_key=True),  # J-000001
    Column("kind", String(32), nullable=False),
    Column("status", String(16), nullable=False, index=True),  # queued|running|done|failed
    Column("owner", String(100), nullable=False),
    Column("exporter", String(200)),
    Column("options", Text, nullable=False),  # JSON
    Column("input", Text, nullable=False),
    Column("result", Text),
    Column("error", Text),
    Column("rows", Integer),
    Column("created_at", String(32), nullable=False),
    Column("started_at", String(32)),
    Column("finished_at", String(32)),
    Column("claimed_by", String(100)),
    Column("progress", Integer),  # rows done so far, while running
)
