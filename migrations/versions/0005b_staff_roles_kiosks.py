"""staff roles, kiosk devices, login attempts, devices in the audit log

Existing accounts become clerks of their MPP and agency (the role's server default).
A national administrator has no MPP and only clerks have an agency, so both columns
become nullable.

Revision ID: 0005b
Revises: 0004
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0005b"
down_revision: Union[str, Sequence[str], None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=32), server_default="clerk", nullable=False))
        batch_op.alter_column("mpp_code", existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column("agency_code", existing_type=sa.String(length=64), nullable=True)

    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_audit_log_device", ["device_id", "action", "at"], unique=False)

    op.create_table(
        "kiosk_device",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("mpp_code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("credential_hash", sa.String(length=64), nullable=True),
        sa.Column("csrf_token", sa.String(length=64), nullable=True),
        sa.Column("enrol_code_hash", sa.String(length=64), nullable=True),
        sa.Column("enrol_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_device")),
        sa.UniqueConstraint("credential_hash", name=op.f("uq_kiosk_device_credential_hash")),
        sa.UniqueConstraint("enrol_code_hash", name=op.f("uq_kiosk_device_enrol_code_hash")),
    )
    with op.batch_alter_table("kiosk_device", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kiosk_device_mpp_code"), ["mpp_code"], unique=False)

    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempt")),
    )
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.create_index("ix_login_attempt_key", ["key_hash", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempt_key")
    op.drop_table("login_attempt")
    with op.batch_alter_table("kiosk_device", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kiosk_device_mpp_code"))
    op.drop_table("kiosk_device")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_device")
        batch_op.drop_column("device_id")
    # Accounts without an MPP or agency (administrators) cannot exist in the old schema.
    op.execute("DELETE FROM staff WHERE mpp_code IS NULL OR agency_code IS NULL")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.alter_column("agency_code", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("mpp_code", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column("role")
