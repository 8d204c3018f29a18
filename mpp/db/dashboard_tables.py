"""The dashboard's per-day figures of closed days (``mpp.dashboard.rollup``), kept by triggers.

A row holds what one day contributes to one kind of figure in one scope, as JSON. Triggers on the
source tables (migration 0008p) delete the rows of a day whenever a row of that day is written, so a
stored day is never stale: it is computed again at the next read.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Index, String, Text

from mpp.db.base import Base


class DashboardDayRow(Base):
    __tablename__ = "dashboard_day"
    __table_args__ = (Index("ix_dashboard_day_kind_day", "kind", "day"),)

    kind = Column(String(16), primary_key=True)  # tickets | notifications
    scope = Column(String(160), primary_key=True)  # "<mpp or *>|<agency or *>|<zone>"
    day = Column(Date, primary_key=True)
    payload = Column(Text, nullable=False)  # JSON
    made_at = Column(DateTime(timezone=True), nullable=False)
