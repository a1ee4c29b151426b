"""merged lists: a chat's pending reminders found by chat, to be claimed together

Revision ID: 0011_merged_parts
Revises: 0010_send_budget
Create Date: 2026-12-03 03:30:00

The dispatcher claims every row due to one chat at once (schedules/claims.py): it reads the
pending rows by chat. The index is partial (pending rows only), so sending a reminder does not
write it. (Every part of a split message is remembered in the existing sent_message and
sent_message_task tables, one row per part: no new table.)
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

PENDING_ONLY = "state = 'pending'"

revision: str = "0011_merged_parts"
down_revision: str | None = "0010_send_budget"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reminder_chat_pending",
            ["chat_id", "due_at"],
            unique=False,
            sqlite_where=sa.text(PENDING_ONLY),
            postgresql_where=sa.text(PENDING_ONLY),
        )


def downgrade() -> None:
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_chat_pending")
