"""live handoff to staff: handed-over chats, their encrypted transcripts, who is on duty

Revision ID: 0006h
Revises: 0006e
Create Date: 2026-12-05 09:00:00
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0006h"
down_revision: Union[str, Sequence[str], None] = "0006e"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "handoff",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sender", sa.String(length=128), nullable=False),
        sa.Column("open_sender", sa.String(length=128), nullable=True),
        sa.Column("mpp_code", sa.String(length=64), nullable=False),
        sa.Column("agency_code", sa.String(length=64), nullable=True),
        sa.Column("service_code", sa.String(length=64), nullable=True),
        sa.Column("topic", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("ended_reason", sa.String(length=16), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_staff_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_citizen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff")),
        sa.UniqueConstraint("open_sender", name=op.f("uq_handoff_open_sender")),
    )
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoff_sender"), ["sender"], unique=False)
        batch_op.create_index("ix_handoff_queue", ["mpp_code", "status", "queued_at"], unique=False)

    op.create_table(
        "handoff_message",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=8), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("body_encrypted", sa.Text(), nullable=False),
        sa.Column("source_key", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_message")),
        sa.UniqueConstraint("source_key", name=op.f("uq_handoff_message_source_key")),
    )
    with op.batch_alter_table("handoff_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoff_message_handoff_id"), ["handoff_id"], unique=False)

    op.create_table(
        "handoff_duty",
        sa.Column("staff_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("mpp_code", sa.String(length=64), nullable=False),
        sa.Column("agency_code", sa.String(length=64), nullable=True),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_handoff_duty")),
    )
    with op.batch_alter_table("handoff_duty", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoff_duty_mpp_code"), ["mpp_code"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("handoff_duty", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_duty_mpp_code"))
    op.drop_table("handoff_duty")
    with op.batch_alter_table("handoff_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_message_handoff_id"))
    op.drop_table("handoff_message")
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.drop_index("ix_handoff_queue")
        batch_op.drop_index(batch_op.f("ix_handoff_sender"))
    op.drop_table("handoff")
