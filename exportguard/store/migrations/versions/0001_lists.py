"""List snapshots, their entries and their persisted name indexes.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("format", sa.String(64), nullable=False),
        sa.Column("published", sa.Date, nullable=False),
        sa.Column("published_from_file", sa.Integer, nullable=False),
        sa.Column("imported_at", sa.String(32), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("files", sa.Text, nullable=False),
        sa.Column("counts", sa.Text, nullable=False),
        sa.Column("warnings", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_snapshots"),
        sa.UniqueConstraint("content_hash", name="uq_snapshots_content_hash"),
    )
    op.create_index("ix_snapshots_source_published", "snapshots", ["source", "published"])
    op.create_table(
        "entries",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("snapshot_id", sa.Integer, nullable=False),
        sa.Column("entry_id", sa.String(200), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("listed_from", sa.Date),
        sa.Column("listed_until", sa.Date),
        sa.Column("data", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("pk", name="pk_entries"),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["snapshots.id"],
            ondelete="CASCADE",
            name="fk_entries_snapshot_id_snapshots",
        ),
        sa.UniqueConstraint("snapshot_id", "entry_id", name="uq_entries_snapshot_entry"),
    )
    op.create_table(
        "snapshot_indexes",
        sa.Column("snapshot_id", sa.Integer, nullable=False),
        sa.Column("format_version", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("snapshot_id", name="pk_snapshot_indexes"),
        sa.ForeignKeyConstraint(
            ["snapshot_id"],
            ["snapshots.id"],
            ondelete="CASCADE",
            name="fk_snapshot_indexes_snapshot_id_snapshots",
        ),
    )


def downgrade() -> None:
    op.drop_table("snapshot_indexes")
    op.drop_table("entries")
    op.drop_index("ix_snapshots_source_published", table_name="snapshots")
    op.drop_table("snapshots")
