"""What the rest of the core learns from bookings (handled in ``mpp.handlers``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from mpp.events import Event


@dataclass(frozen=True)
class BookingFacts:
    """A booking as others need to know it: where, when, which number, whom to tell."""

    id: int
    code: str
    chat_id: str
    mpp_code: str
    service_code: str
    day: date
    start: time
    end: time
    queue_number: str
    moved_count: int


@dataclass(frozen=True)
class BookingMade(Event):
    booking: BookingFacts


@dataclass(frozen=True)
class BookingCancelled(Event):
    booking: BookingFacts


@dataclass(frozen=True)
class BookingMoved(Event):
    booking: BookingFacts  # the new slot (and the new count of moves)


@dataclass(frozen=True)
class BookingCheckedIn(Event):
    booking: BookingFacts


@dataclass(frozen=True)
class BookingMissed(Event):
    """Not checked in by the end of its slot plus the grace period: a no-show."""

    booking: BookingFacts


@dataclass(frozen=True)
class BookingDisrupted(Event):
    """The MPP closed the booked day after the booking was made; the citizen may move for free."""

    booking: BookingFacts
    reason: str
    suggestion: str | None  # the nearest free slot, as the citizen reads it
    tag: str  # one notice per closure and booking, however often the closure is announced


@dataclass(frozen=True)
class BookingClosureWithdrawn(Event):
    """A closure that displaced this booking was withdrawn, and the booking still stands as it was."""

    booking: BookingFacts
    tag: str  # the closure's tag (``outage:<id>``): one notice per closure and booking
