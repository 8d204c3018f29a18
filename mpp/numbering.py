"""Queue numbers (A-001, A-002, …): one counter per MPP, prefix and day, shared by bookings and walk-ins."""

from __future__ import annotations

from datetime import date
from typing import Protocol

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from mpp.db.booking_tables import QueueCounterRow
from mpp.db.sql import insert_ignore


class QueueNumbers(Protocol):
    def next(self, mpp_code: str, prefix: str, day: date) -> int:
        """The next number for this MPP, prefix and day; numbers are never given twice."""
        ...


def queue_number(prefix: str, number: int) -> str:
    return f"{prefix}-{number:03d}"


class SqlQueueNumbers:
    def __init__(self, session: Session):
        self.session = session

    def next(self, mpp_code: str, prefix: str, day: date) -> int:
        insert_ignore(
            self.session,
            QueueCounterRow,
            {"mpp_code": mpp_code, "prefix": prefix, "day": day, "last_number": 0},
            ["mpp_code", "prefix", "day"],
        )
        key = and_(QueueCounterRow.mpp_code == mpp_code, QueueCounterRow.prefix == prefix, QueueCounterRow.day == day)
        self.session.execute(
            update(QueueCounterRow)
            .where(key)
            .values(last_number=QueueCounterRow.last_number + 1)
            .execution_options(synchronize_session=False)
        )
        return int(self.session.execute(select(QueueCounterRow.last_number).where(key)).scalar_one())
