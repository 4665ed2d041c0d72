"""Licences, their events and shipments; misuse reports; the review queue;
counterparties, alerts and
clearances; the hash-chained audit log and its head; id counters.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "licences",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("exporter", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("regime", sa.String(64), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("items", sa.Text, nullable=False),
        sa.Column("destination", sa.String(2), nullable=False),
        sa.Column("end_user", sa.Text, nullable=False),
        sa.Column("end_user_type", sa.String(32), nullable=True),
        sa.Column("end_use", sa.String(64), nullable=True),
        sa.Column("parties", sa.Text, nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("quantity", sa.Integer, nullable=True),
        sa.Column("parent", sa.String(32), nullable=True),
        sa.Column("conditions", sa.Text, nullable=False),
        sa.Column("decision_id", sa.String(40), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_licences"),
    )
    op.create_index("ix_licences_exporter", "licences", ["exporter"])
    op.create_index("ix_licences_destination", "licences", ["destination"])
    op.create_index("ix_licences_state", "licences", ["state"])
    op.create_table(
        "licence_events",
        sa.Column("pk", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("licence_id", sa.String(32), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("event", sa.String(32), nullable=False),
        sa.Column("from_state", sa.String(32), nullable=False),
        sa.Column("to_state", sa.String(32), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("decision_id", sa.String(40), nullable=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("pk", name="pk_licence_events"),
        sa.ForeignKeyConstraint(
            ["licence_id"], ["licences.id"], name="fk_licence_events_licence_id_licences"
        ),
        sa.UniqueConstraint("licence_id", "seq", name="uq_licence_events_licence_seq"),
    )
    op.create_index("ix_licence_events_licence_id", "licence_events", ["licence_id"])
    op.create_table(
        "shipments",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("licence_id", sa.String(32), nullable=False),
        sa.Column("shipped_on", sa.Date, nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("quantity", sa.Integer, nullable=True),
        sa.Column("end_user", sa.Text, nullable=True),
        sa.Column("end_use", sa.String(64), nullable=True),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_shipments"),
        sa.ForeignKeyConstraint(
            ["licence_id"], ["licences.id"], name="fk_shipments_licence_id_licences"
        ),
    )
    op.create_index("ix_shipments_licence_id", "shipments", ["licence_id"])
    op.create_table(
        "misuse_reports",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("reported_on", sa.Date, nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
        sa.Column("suspected_operator", sa.Text, nullable=False),
        sa.Column("product", sa.Text, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("confidence", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("matches", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_misuse_reports"),
    )
    op.create_table(
        "counterparties",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("exporter", sa.String(200), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("country", sa.String(2), nullable=True),
        sa.Column("type", sa.String(16), nullable=True),
        sa.Column("active", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_counterparties"),
    )
    op.create_index("ix_counterparties_exporter", "counterparties", ["exporter"])
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("counterparty_id", sa.String(32), nullable=False),
        sa.Column("snapshot_id", sa.Integer, nullable=False),
        sa.Column("entry_id", sa.String(200), nullable=False),
        sa.Column("entry_digest", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alerts"),
        sa.ForeignKeyConstraint(
            ["counterparty_id"],
            ["counterparties.id"],
            name="fk_alerts_counterparty_id_counterparties",
        ),
    )
    op.create_index("ix_alerts_counterparty_id", "alerts", ["counterparty_id"])
    op.create_table(
        "counterparty_hits",
        sa.Column("counterparty_id", sa.String(32), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("entry_id", sa.String(200), nullable=False),
        sa.Column("entry_digest", sa.String(32), nullable=False),
        sa.Column("snapshot_id", sa.Integer, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint(
            "counterparty_id", "source", "entry_id", name="pk_counterparty_hits"
        ),
        sa.ForeignKeyConstraint(
            ["counterparty_id"],
            ["counterparties.id"],
            name="fk_counterparty_hits_counterparty_id_counterparties",
        ),
    )
    op.create_table(
        "clearances",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("counterparty_id", sa.String(32), nullable=False),
        sa.Column("entry_id", sa.String(200), nullable=False),
        sa.Column("entry_digest", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("expires_on", sa.Date, nullable=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_clearances"),
        sa.ForeignKeyConstraint(
            ["counterparty_id"],
            ["counterparties.id"],
            name="fk_clearances_counterparty_id_counterparties",
        ),
    )
    op.create_index("ix_clearances_counterparty_id", "clearances", ["counterparty_id"])
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_kind", "audit_log", ["kind"])
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_head"),
    )
    op.create_table(
        "counters",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("value", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_counters"),
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("subject_kind", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.String(32), nullable=False),
        sa.Column("origin", sa.String(32), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("closed_at", sa.String(32), nullable=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reviews"),
    )
    op.create_index("ix_reviews_status", "reviews", ["status"])
    op.create_index("ix_reviews_subject_id", "reviews", ["subject_id"])


def downgrade() -> None:
    op.drop_table("reviews")
    op.drop_table("counters")
    op.drop_table("audit_head")
    op.drop_table("audit_log")
    op.drop_table("clearances")
    op.drop_table("counterparty_hits")
    op.drop_table("alerts")
    op.drop_table("counterparties")
    op.drop_table("misuse_reports")
    op.drop_table("shipments")
    op.drop_table("licence_events")
    op.drop_table("licences")
