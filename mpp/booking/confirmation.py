"""A question waiting for "ya": what it would do, and until when "ya" still means it.

Booking, cancelling, moving and erasing one's data each ask first. The pending question
travels with the conversation (Rasa keeps it in the ``konfirmasi`` slot as JSON; this
module owns the format), and ``BookingService.confirm`` carries it out through an explicit
table of operations. A "ya" after ``LIFETIME`` confirms nothing: the citizen may have
forgotten what was asked, and the slot offered may be gone. Personal data never goes in
here; the booking operation reads the form, which holds tokens, at confirmation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum

LIFETIME = timedelta(minutes=15)


class Operation(str, Enum):
    BOOK = "pesan"
    CANCEL = "batal"
    MOVE = "ubah"
    ERASE = "hapus"


@dataclass(frozen=True)
class Pending:
    operation: Operation
    asked_at: datetime
    request_id: str | None = None  # BOOK: one per question, so a double-tapped "ya" books once
    booking_id: int | None = None  # CANCEL, MOVE
    day: date | None = None  # MOVE: the new slot
    start: time | None = None

    def expired(self, now: datetime) -> bool:
        return now - self.asked_at > LIFETIME

    def dumps(self) -> str:
        data: dict[str, object] = {"op": self.operation.value, "asked": self.asked_at.isoformat()}
        if self.request_id is not None:
            data["request_id"] = self.request_id
        if self.booking_id is not None:
            data["id"] = self.booking_id
        if self.day is not None and self.start is not None:
            data["day"], data["start"] = self.day.isoformat(), self.start.strftime("%H:%M")
        return json.dumps(data)

    @classmethod
    def loads(cls, raw: str | None) -> Pending | None:
        """The pending question, or None when there is none or it cannot be read (then nothing is done)."""
        if not raw:
            return None
        try:
            data = json.loads(raw)
            pending = cls(
                Operation(data["op"]),
                datetime.fromisoformat(data["asked"]),
                data.get("request_id"),
                int(data["id"]) if data.get("id") is not None else None,
                date.fromisoformat(data["day"]) if data.get("day") else None,
                time.fromisoformat(data["start"]) if data.get("start") else None,
            )
        except (ValueError, KeyError, TypeError):
            return None
        if pending.asked_at.tzinfo is None:
            return None
        needs = {
            Operation.BOOK: pending.request_id,
            Operation.CANCEL: pending.booking_id,
            Operation.MOVE: pending.booking_id is not None and pending.day and pending.start,
            Operation.ERASE: True,
        }
        return pending if needs[pending.operation] else None
