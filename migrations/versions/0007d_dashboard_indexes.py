"""dashboard indexes: tickets, bookings, notifications and handoffs by MPP and day

Revision ID: 0007d
Revises: 0007s
Create Date: 2026-12-03 18:10:00

The dashboard's queries filter by MPP and a range of days (tickets, bookings), or by a range of
creation times (notifications, handoffs); see docs/benchmarks/dashboard.md for their plans.
"""

from typing import Sequence, Union

from alembic import op


revision: str = "0007d"
down_revision: Union[str, Sequence[str], None] = "0007s"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index("ix_ticket_mpp_day", "ticket", ["mpp_code", "day"])
    op.create_index("ix_ticket_day", "ticket", ["day"])
    op.create_index("ix_booking_mpp_day", "booking", ["mpp_code", "day"])
    op.create_index("ix_notification_created", "notification", ["created_at"])
    op.create_index("ix_handoff_mpp_created", "handoff", ["mpp_code", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_handoff_mpp_created", table_name="handoff")
    op.drop_index("ix_notification_created", table_name="notification")
    op.drop_index("ix_booking_mpp_day", table_name="booking")
    op.drop_index("ix_ticket_day", table_name="ticket")
    op.drop_index("ix_ticket_mpp_day", table_name="ticket")
