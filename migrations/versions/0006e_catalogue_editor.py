"""catalogue editor: stored versions (revisions), proposed changes, announcements; MPP aliases

Revision ID: 0006e
Revises: 0005a
Create Date: 2026-12-04 10:00:00

Versions stored before this migration have no revision; the next ``mpp catalogue load`` stores
one, and the console's editor starts from it.
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0006e"
down_revision: Union[str, Sequence[str], None] = "0005a"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("mpp") as batch:
        batch.add_column(sa.Column("aliases", sa.JSON(), nullable=False, server_default="[]"))
    op.create_table(
        "catalogue_revision",
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("parent_version", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=True),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["catalogue_version.id"],
            name=op.f("fk_catalogue_revision_version_id_catalogue_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_catalogue_revision")),
        sa.UniqueConstraint("parent_version", name=op.f("uq_catalogue_revision_parent_version")),
    )
    op.create_table(
        "catalogue_change",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=140), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("mpp_code", sa.String(length=64), nullable=True),
        sa.Column("agency_code", sa.String(length=64), nullable=True),
        sa.Column("national", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("base_entry", sa.JSON(), nullable=True),
        sa.Column("entry", sa.JSON(), nullable=True),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=True),
        sa.Column("reverted_in", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_change")),
    )
    op.create_index("ix_catalogue_change_status", "catalogue_change", ["status", "mpp_code"])
    op.create_table(
        "announcement",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("mpp_code", sa.String(length=64), nullable=False),
        sa.Column("agency_code", sa.String(length=64), nullable=True),
        sa.Column("service_code", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.Integer(), nullable=True),
        sa.Column("notified", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcement")),
    )
    op.create_index("ix_announcement_mpp_ends", "announcement", ["mpp_code", "ends_on"])


def downgrade() -> None:
    op.drop_index("ix_announcement_mpp_ends", table_name="announcement")
    op.drop_table("announcement")
    op.drop_index("ix_catalogue_change_status", table_name="catalogue_change")
    op.drop_table("catalogue_change")
    op.drop_table("catalogue_revision")
    with op.batch_alter_table("mpp") as batch:
        batch.drop_column("aliases")
