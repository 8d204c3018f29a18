"""complaints with a tracking number: complaints (sealed texts), their notes, failed look-ups

Revision ID: 0007c
Revises: 0007d
Create Date: 2026-12-03 18:30:00
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0007c"
down_revision: Union[str, Sequence[str], None] = "0007d"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "complaint",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("sender", sa.String(length=128), nullable=True),
        sa.Column("secret_hash", sa.String(length=64), nullable=True),
        sa.Column("mpp_code", sa.String(length=64), nullable=False),
        sa.Column("named_agency", sa.String(length=64), nullable=True),
        sa.Column("assigned_agency", sa.String(length=64), nullable=True),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("description_encrypted", sa.Text(), nullable=True),
        sa.Column("occurred_encrypted", sa.Text(), nullable=True),
        sa.Column("contact_encrypted", sa.Text(), nullable=True),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("respond_by", sa.Date(), nullable=False),
        sa.Column("resolve_by", sa.Date(), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint")),
        sa.UniqueConstraint("number", name=op.f("uq_complaint_number")),
    )
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_sender"), ["sender"], unique=False)
        batch_op.create_index("ix_complaint_triage", ["mpp_code", "status", "filed_at"], unique=False)

    op.create_table(
        "complaint_note",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("body_encrypted", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_note")),
    )
    with op.batch_alter_table("complaint_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_note_complaint_id"), ["complaint_id"], unique=False)

    op.create_table(
        "complaint_lookup",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("chat_hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_lookup")),
    )
    with op.batch_alter_table("complaint_lookup", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_complaint_lookup_chat_hash"), ["chat_hash"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("complaint_lookup", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_lookup_chat_hash"))
    op.drop_table("complaint_lookup")
    with op.batch_alter_table("complaint_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_note_complaint_id"))
    op.drop_table("complaint_note")
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_index("ix_complaint_triage")
        batch_op.drop_index(batch_op.f("ix_complaint_sender"))
    op.drop_table("complaint")
