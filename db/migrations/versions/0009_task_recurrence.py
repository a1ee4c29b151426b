"""recurring tasks: a task's schedule and one occurrence row per period (issue 17)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 19:40:00

Existing tasks keep every value: ``task.recurrence`` is NULL for them (one-off), and they have
no occurrences.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recurrence", sa.JSON(), nullable=True))
    op.create_table(
        "task_occurrence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("original_deadline", UTCDateTime(), nullable=False),
        sa.Column("approved_deadline", UTCDateTime(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("completion_reported_at", UTCDateTime(), nullable=True),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("task_id", "period_start", "period_end", name="uq_task_occurrence"),
    )
    op.create_index("ix_task_occurrence_task_id", "task_occurrence", ["task_id"], unique=False)
    with op.batch_alter_table("progress_update", schema=None) as batch_op:
        batch_op.add_column(sa.Column("occurrence_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_progress_update_occurrence_id", "task_occurrence", ["occurrence_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("progress_update", schema=None) as batch_op:
        batch_op.drop_constraint("fk_progress_update_occurrence_id", type_="foreignkey")
        batch_op.drop_column("occurrence_id")
    op.drop_index("ix_task_occurrence_task_id", table_name="task_occurrence")
    op.drop_table("task_occurrence")
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_column("recurrence")
