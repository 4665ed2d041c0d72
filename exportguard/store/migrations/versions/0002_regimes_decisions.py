"""Regime revisions (content-addressed), the current revision per regime, decisions.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "regime_revisions",
        sa.Column("digest", sa.String(32), nullable=False),
        sa.Column("regime_id", sa.String(64), nullable=False),
        sa.Column("revision", sa.String(64), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("digest", name="pk_regime_revisions"),
    )
    op.create_index("ix_regime_revisions_regime_id", "regime_revisions", ["regime_id"])
    op.create_table(
        "regime_current",
        sa.Column("regime_id", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("regime_id", name="pk_regime_current"),
        sa.ForeignKeyConstraint(
            ["digest"],
            ["regime_revisions.digest"],
            name="fk_regime_current_digest_regime_revisions",
        ),
    )
    op.create_table(
        "decisions",
        sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("decision_id", sa.String(40), nullable=False),
        sa.Column("decided_at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("verdict", sa.String(32), nullable=False),
        sa.Column("request", sa.Text, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("pk", name="pk_decisions"),
    )
    op.create_index("ix_decisions_decision_id", "decisions", ["decision_id"])


def downgrade() -> None:
    op.drop_table("decisions")
    op.drop_table("regime_current")
    op.drop_index("ix_regime_revisions_regime_id", table_name="regime_revisions")
    op.drop_table("regime_revisions")
