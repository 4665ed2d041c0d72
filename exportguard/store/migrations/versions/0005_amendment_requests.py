"""Exporters' requests to amend an issued licence (an officer approves or refuses them).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "amendment_requests",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("licence", sa.String(32), nullable=False),
        sa.Column("exporter", sa.String(200), nullable=False),
        sa.Column("conditions", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("requested_by", sa.String(200), nullable=False),
        sa.Column("requested_at", sa.String(32), nullable=False),
        sa.Column("based_on_version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("decided_at", sa.String(32), nullable=True),
        sa.Column("decision_reason", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_amendment_requests"),
    )
    op.create_index("ix_amendment_requests_licence", "amendment_requests", ["licence"])
    op.create_index("ix_amendment_requests_exporter", "amendment_requests", ["exporter"])
    op.create_index("ix_amendment_requests_status", "amendment_requests", ["status"])


def downgrade() -> None:
    op.drop_table("amendment_requests")
