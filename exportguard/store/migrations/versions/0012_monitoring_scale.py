"""Monitoring at scale: counterparties carry the exporter's own reference (bulk imports are
idempotent on it); each monitoring run is recorded (the snapshots it screened against are
the next incremental run's baseline); remembered hits are found by entry; webhook
notifications name their alert (delivery status per alert); jobs report progress.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("counterparties") as batch:
        batch.add_column(sa.Column("reference", sa.String(200), nullable=True))
    op.create_index(
        "ix_counterparties_exporter_reference", "counterparties", ["exporter", "reference"]
    )
    op.create_index("ix_counterparty_hits_entry_id", "counterparty_hits", ["entry_id"])
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("alert_id", sa.Integer, nullable=True))
    op.create_index("ix_outbox_alert_id", "outbox", ["alert_id"])
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("progress", sa.Integer, nullable=True))
    op.create_table(
        "monitoring_runs",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("snapshots", sa.Text, nullable=False),
        sa.Column("counts", sa.Text, nullable=False),
        sa.Column("started_at", sa.String(32), nullable=False),
        sa.Column("finished_at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_monitoring_runs"),
    )
    # Notifications queued before this revision name their alert in the payload only.
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, payload FROM outbox")).fetchall()
    for row_id, payload in rows:
        try:
            alert_id = json.loads(payload).get("alert", {}).get("id")
        except (ValueError, AttributeError):
            continue
        if isinstance(alert_id, int):
            conn.execute(sa.text("UPDATE outbox SET alert_id = :a WHERE id = :i"),
                         {"a": alert_id, "i": row_id})  # fmt: skip


def downgrade() -> None:
    op.drop_table("monitoring_runs")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("progress")
    op.drop_index("ix_outbox_alert_id", "outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("alert_id")
    op.drop_index("ix_counterparty_hits_entry_id", "counterparty_hits")
    op.drop_index("ix_counterparties_exporter_reference", "counterparties")
    with op.batch_alter_table("counterparties") as batch:
        batch.drop_column("reference")
