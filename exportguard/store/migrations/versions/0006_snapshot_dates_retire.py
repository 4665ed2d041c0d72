"""Snapshots: where the publication date came from, and retirement by an admin.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("snapshots") as batch:
        # file | given | path | newest-listing | import-date (core.snapshots.DateBasis)
        batch.add_column(sa.Column("date_basis", sa.String(16), nullable=True))
        batch.add_column(sa.Column("retired_at", sa.String(32), nullable=True))
        batch.add_column(sa.Column("retired_by", sa.String(200), nullable=True))
        batch.add_column(sa.Column("retired_reason", sa.Text, nullable=True))
    op.execute(
        "UPDATE snapshots SET date_basis = CASE WHEN published_from_file = 1 "
        "THEN 'file' ELSE 'path' END"
    )


def downgrade() -> None:
    with op.batch_alter_table("snapshots") as batch:
        batch.drop_column("retired_reason")
        batch.drop_column("retired_by")
        batch.drop_column("retired_at")
        batch.drop_column("date_basis")
