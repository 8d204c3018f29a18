"""application status after the visit: what was applied for, its state, a sealed note, the promised date

Revision ID: 0007a
Revises: 0007e
Create Date: 2026-12-03 18:15:00
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0007a"
down_revision: Union[str, Sequence[str], None] = "0007e"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "application",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("chat_id", sa.String(length=128), nullable=True),
        sa.Column("mpp_code", sa.String(length=64), nullable=False),
        sa.Column("agency_code", sa.String(length=64), nullable=False),
        sa.Column("service_code", sa.String(length=64), nullable=False),
        sa.Column("jenis", sa.String(length=32), nullable=True),
        sa.Column("number", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("note_encrypted", sa.Text(), nullable=True),
        sa.Column("ready_until", sa.Date(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("promised_on", sa.Date(), nullable=True),
        sa.Column("promised_reason", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_application_ticket_id")),
    )
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_application_booking_id"), ["booking_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_application_chat_id"), ["chat_id"], unique=False)
        batch_op.create_index("ix_application_scope", ["mpp_code", "agency_code", "state"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index("ix_application_scope")
        batch_op.drop_index(batch_op.f("ix_application_chat_id"))
        batch_op.drop_index(batch_op.f("ix_application_booking_id"))
    op.drop_table("application")
