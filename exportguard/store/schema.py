"""Database tables (SQLAlchemy Core). Alembic migrations in ``migrations/`` create them;
this module is the one description the repositories use. Portable across SQLite and
PostgreSQL: JSON is stored as text, binary as ``LargeBinary`` (BLOB / bytea)."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
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
