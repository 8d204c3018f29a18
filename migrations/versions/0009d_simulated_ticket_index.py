"""dashboard: a partial index of simulated tickets; stored days in a new payload format

Revision ID: 0009d
Revises: 0008p
Create Date: 2026-12-04 14:40:00

Every dashboard page asks whether the MPP's tickets include simulated ones (``mpp demo simulate``:
chat ids holding ``:sim-``) to say it shows demo data. ``LIKE '%:sim-%'`` cannot use a b-tree, so
that question read the ticket table from the start until it met one: the whole table on an install
without demo data, ~10 ms for the last MPP of 90 simulated days. This index holds only the simulated
tickets, by MPP, and is what that query now reads (PostgreSQL and SQLite match its predicate).
The dashboard's stored week and month sums (``mpp.dashboard.rollup``) need no schema change: they
are rows of ``dashboard_day`` of kinds ``tickets_week`` and ``tickets_month``. Its histograms are now
stored as one flat list each (``[value, count, value, count, …]``) instead of a list of pairs: the
stored rows (a cache of the source tables, filled again at the next view) are deleted both ways.
"""

from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


revision: str = "0009d"
down_revision: Union[str, Sequence[str], None] = "0008p"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

SIMULATED = r"chat_id LIKE '%\:sim-%'"  # mpp.db.queue_tables.SIMULATED_TICKET


def upgrade() -> None:
    op.execute("DELETE FROM dashboard_day")  # the payload format changed (flat histograms)
    op.create_index(
        "ix_ticket_simulated",
        "ticket",
        ["mpp_code"],
        postgresql_where=sa.text(SIMULATED),
        sqlite_where=sa.text(SIMULATED),
    )


def downgrade() -> None:
    op.execute("DELETE FROM dashboard_day")  # back to the pairs format of 0008p
    op.drop_index("ix_ticket_simulated", table_name="ticket")
