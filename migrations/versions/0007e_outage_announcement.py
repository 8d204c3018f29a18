"""closures an announcement made: outage.announcement_id, so withdrawing the notice reopens them

Revision ID: 0007e
Revises: 0006h
Create Date: 2026-12-03 18:30:00
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0007e"
down_revision: Union[str, Sequence[str], None] = "0006h"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("outage") as batch:
        batch.add_column(sa.Column("announcement_id", sa.Integer(), nullable=True))
        batch.create_index("ix_outage_announcement_id", ["announcement_id"])


def downgrade() -> None:
    with op.batch_alter_table("outage") as batch:
        batch.drop_index("ix_outage_announcement_id")
        batch.drop_column("announcement_id")
