"""Alerts get a lifecycle (acknowledged, resolved with a resolution, reason, actor, time);
clearances record when their lapse raised a re-review alert.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alerts") as batch:
        batch.add_column(sa.Column("resolution", sa.String(16), nullable=True))
        batch.add_column(sa.Column("reason", sa.Text, nullable=True))
        batch.add_column(sa.Column("acted_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("acted_at", sa.String(32), nullable=True))
    with op.batch_alter_table("clearances") as batch:
        batch.add_column(sa.Column("lapsed_at", sa.String(32), nullable=True))
    op.execute(
        "UPDATE alerts SET status = 'resolved', resolution = 'false_positive', "
        "reason = 'cleared' WHERE status = 'cleared'"
    )


def downgrade() -> None:
    with op.batch_alter_table("clearances") as batch:
        batch.drop_column("lapsed_at")
    with op.batch_alter_table("alerts") as batch:
        batch.drop_column("acted_at")
        batch.drop_column("acted_by")
        batch.drop_column("reason")
        batch.drop_column("resolution")
