"""API tokens expire: tokens made before this revision expire 90 days after creation.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", sa.String(32), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, created_at FROM api_tokens")).all()
    for token_id, created_at in rows:
        expires = datetime.fromisoformat(created_at) + timedelta(days=90)
        conn.execute(
            sa.text("UPDATE api_tokens SET expires_at = :e WHERE id = :i"),
            {"e": expires.isoformat(timespec="seconds"), "i": token_id},
        )


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
