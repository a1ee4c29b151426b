"""the send budget shared across instances: one row per live instance (issue 16)

Revision ID: 0010_send_budget
Revises: 0009
Create Date: 2026-12-03 03:10:00

Each running instance leaves a heartbeat here; the live ones split Telegram's limits between
them (``schedules/send_budget.py``), and a 429 written by one pauses all.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision: str = "0010_send_budget"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sending_instance",
        sa.Column("instance_id", sa.String(length=64), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.Column("paused_until", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("instance_id"),
    )


def downgrade() -> None:
    op.drop_table("sending_instance")
