"""Hit review cases and their events; clearances also of screened parties (not only of
monitored counterparties), naming the case that made them and its confirming officer.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clearances") as batch:
        batch.alter_column("counterparty_id", existing_type=sa.String(32), nullable=True)
        batch.add_column(sa.Column("exporter", sa.String(200), nullable=True))
        batch.add_column(sa.Column("party_key", sa.Text, nullable=True))
        batch.add_column(sa.Column("party_name", sa.Text, nullable=True))
        batch.add_column(sa.Column("case_id", sa.String(32), nullable=True))
        batch.add_column(sa.Column("confirmed_by", sa.String(200), nullable=True))
    op.create_index("ix_clearances_party", "clearances", ["exporter", "entry_id"])
    op.create_table(
        "hit_cases",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("exporter", sa.String(200), nullable=True),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("origin_ref", sa.String(200), nullable=False),
        sa.Column("alert_id", sa.Integer, nullable=True),
        sa.Column("party_name", sa.Text, nullable=False),
        sa.Column("party_key", sa.Text, nullable=False),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("snapshot_id", sa.Integer, nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("entry_id", sa.String(200), nullable=False),
        sa.Column("entry_digest", sa.String(32), nullable=False),
        sa.Column("list_name", sa.Text, nullable=False),
        sa.Column("listed_name", sa.Text, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("sanctioned", sa.Integer, nullable=False),
        sa.Column("hit", sa.Text, nullable=False),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("disposition", sa.String(16), nullable=True),
        sa.Column("reason_code", sa.String(32), nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("expires_on", sa.Date, nullable=True),
        sa.Column("assignee", sa.String(200), nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("decided_at", sa.String(32), nullable=True),
        sa.Column("confirmed_by", sa.String(200), nullable=True),
        sa.Column("confirmed_at", sa.String(32), nullable=True),
        sa.Column("clearance_id", sa.Integer, nullable=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_hit_cases"),
    )
    op.create_index("ix_hit_cases_exporter", "hit_cases", ["exporter"])
    op.create_index("ix_hit_cases_state", "hit_cases", ["state"])
    op.create_index("ix_hit_cases_assignee", "hit_cases", ["assignee"])
    op.create_index("ix_hit_cases_origin", "hit_cases", ["origin", "origin_ref", "entry_id"])
    op.create_table(
        "hit_case_events",
        sa.Column("id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(32), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("disposition", sa.String(16), nullable=True),
        sa.Column("reason_code", sa.String(32), nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("assignee", sa.String(200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_hit_case_events"),
        sa.ForeignKeyConstraint(
            ["case_id"], ["hit_cases.id"], name="fk_hit_case_events_case_id_hit_cases"
        ),
    )
    op.create_index("ix_hit_case_events_case_id", "hit_case_events", ["case_id"])


def downgrade() -> None:
    op.drop_table("hit_case_events")
    op.drop_table("hit_cases")
    op.drop_index("ix_clearances_party", "clearances")
    op.execute("DELETE FROM clearances WHERE counterparty_id IS NULL")
    with op.batch_alter_table("clearances") as batch:
        batch.drop_column("confirmed_by")
        batch.drop_column("case_id")
        batch.drop_column("party_name")
        batch.drop_column("party_key")
        batch.drop_column("exporter")
        batch.alter_column("counterparty_id", existing_type=sa.String(32), nullable=False)
