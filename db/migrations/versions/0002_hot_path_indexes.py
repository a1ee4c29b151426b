"""indexes for the hot paths: open obstacles, and reminders waiting for a retry

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 12:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # /status, /tasks and every task card ask which tasks have an unresolved obstacle; with
    # 120,000 updates a full scan cost 10 ms per question.
    with op.batch_alter_table("progress_update", schema=None) as batch_op:
        batch_op.create_index("ix_progress_update_open", ["kind", "resolved_at"], unique=False)
    # The dispatcher's next wake-up is asked after every change; with 100,000 pending reminders
    # a scan of the queue cost 40 ms.
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.create_index("ix_reminder_retry", ["state", "next_attempt_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_retry")
    with op.batch_alter_table("progress_update", schema=None) as batch_op:
        batch_op.drop_index("ix_progress_update_open")
