"""catalogue provenance: sources and checked dates per fact, agency presence, structured processing times

Revision ID: 0005d
Revises: 0005b
Create Date: 2026-12-03 10:00:00

Existing rows get empty provenance; the next ``mpp catalogue load`` fills it (the loader
refuses a catalogue whose facts lack a source or a checked date).
"""

from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0005d"
down_revision: Union[str, Sequence[str], None] = "0005b"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("mpp") as batch:
        batch.add_column(sa.Column("facts", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("mpp_closure") as batch:
        batch.add_column(sa.Column("provenance", sa.JSON(), nullable=True))
    with op.batch_alter_table("agency") as batch:
        batch.add_column(sa.Column("presence", sa.JSON(), nullable=True))
    with op.batch_alter_table("counter") as batch:
        batch.add_column(sa.Column("provenance", sa.JSON(), nullable=True))
    with op.batch_alter_table("service") as batch:
        batch.add_column(sa.Column("processing", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("facts", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("mpp_service") as batch:
        batch.add_column(sa.Column("provenance", sa.JSON(), nullable=True))
    with op.batch_alter_table("holiday_year") as batch:
        batch.add_column(sa.Column("checked", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("holiday_year") as batch:
        batch.drop_column("checked")
    with op.batch_alter_table("mpp_service") as batch:
        batch.drop_column("provenance")
    with op.batch_alter_table("service") as batch:
        batch.drop_column("facts")
        batch.drop_column("processing")
    with op.batch_alter_table("counter") as batch:
        batch.drop_column("provenance")
    with op.batch_alter_table("agency") as batch:
        batch.drop_column("presence")
    with op.batch_alter_table("mpp_closure") as batch:
        batch.drop_column("provenance")
    with op.batch_alter_table("mpp") as batch:
        batch.drop_column("facts")
