"""merged lists: a chat's due reminders claimed together, a list's rows found by its chat

Revision ID: 0011_merged_parts
Revises: 0009
Create Date: 2026-12-03 03:30:00

The dispatcher claims every row due to one chat at once (schedules/claims.py) and "remind me
later" on a merged list finds the rows sent to that chat as that message: both read the reminder
table by chat. (Every part of a split message is remembered in the existing sent_message and
sent_message_task tables, one row per part: no new table.)
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011_merged_parts"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.create_index("ix_reminder_chat", ["chat_id", "state", "due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_chat")
