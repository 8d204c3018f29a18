"""Tickets in today's queue as domain objects: what staff may do with a number is its methods.

A ticket is ``WAITING`` from check-in (a booking) or issue (a walk-in), ``CALLED`` to a
counter (once more with a recall), then ``SERVED`` or, after one recall and the grace
time, ``NO_SHOW``. A transfer sends it back to waiting for one named counter. Who is
called next is ``mpp.queue.ordering``'s business; nothing here knows SQL or the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import Enum

from mpp.events import Recorder
from mpp.queue.events import (
    TicketCalled,
    TicketFacts,
    TicketNoShow,
    TicketServed,
    TicketTransferred,
    TurnApproaching,
)

GRACE = timedelta(minutes=3)  # a recalled ticket may be marked no-show only this long after the recall
MAX_RECALLS = 1


class TicketStatus(str, Enum):
    WAITING = "waiting"
    CALLED = "called"
    SERVED = "served"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class TicketKind(str, Enum):
    BOOKING = "booking"
    WALK_IN = "walk_in"


class QueueError(Exception):
    """A request the queue cannot honour; the message is for staff (or the kiosk screen)."""


@dataclass(eq=False)
class Ticket(Recorder):
    id: int | None
    mpp_code: str
    agency_code: str
    service_code: str
    day: date
    number: str
    kind: TicketKind
    issued_at: datetime  # check-in or walk-in issue time
    status: TicketStatus = TicketStatus.WAITING
    priority: bool = False  # the lane for the elderly, people with disabilities, pregnant women
    booking_id: int | None = None
    slot_start: time | None = None  # bookings: the booked time
    chat_id: str | None = None
    counter_code: str | None = None  # where it was called
    target_counter: str | None = None  # after a transfer: only this counter calls it
    recall_count: int = 0
    called_at: datetime | None = None
    finished_at: datetime | None = None
    away_notified: bool = False

    def facts(self) -> TicketFacts:
        assert self.id is not None, "a ticket has an id once its repository added it"
        return TicketFacts(self.id, self.number, self.chat_id, self.booking_id)

    def call(self, counter: str, floor: str, now: datetime) -> None:
        self.status, self.counter_code, self.called_at, self.target_counter = TicketStatus.CALLED, counter, now, None
        self.record(TicketCalled(self.facts(), counter, floor, recall=False))

    def recall(self, floor: str, now: datetime) -> None:
        if self.status is not TicketStatus.CALLED:
            raise QueueError("Hanya nomor yang sedang dipanggil yang bisa dipanggil ulang.")
        if self.recall_count >= MAX_RECALLS:
            raise QueueError("Nomor ini sudah dipanggil ulang sekali; tandai tidak hadir bila belum datang.")
        self.recall_count += 1
        self.called_at = now
        self.record(TicketCalled(self.facts(), self.counter_code or "-", floor, recall=True))

    def mark_no_show(self, now: datetime) -> None:
        if self.status is not TicketStatus.CALLED:
            raise QueueError("Hanya nomor yang sedang dipanggil yang bisa ditandai tidak hadir.")
        if self.recall_count < MAX_RECALLS:
            raise QueueError("Panggil ulang sekali dulu sebelum menandai tidak hadir.")
        if self.called_at is not None and now - self.called_at < GRACE:
            raise QueueError(f"Tunggu {int(GRACE.total_seconds() // 60)} menit setelah panggilan ulang.")
        self.status, self.finished_at = TicketStatus.NO_SHOW, now
        self.record(TicketNoShow(self.facts()))

    def serve(self, now: datetime) -> None:
        if self.status is not TicketStatus.CALLED:
            raise QueueError("Hanya nomor yang sedang dipanggil yang bisa ditandai selesai.")
        self.status, self.finished_at = TicketStatus.SERVED, now
        self.record(TicketServed(self.facts()))

    def transfer(self, counter: str, agency: str, floor: str, now: datetime) -> None:
        if self.status not in (TicketStatus.CALLED, TicketStatus.WAITING):
            raise QueueError("Nomor ini sudah selesai.")
        self.status, self.target_counter, self.counter_code, self.agency_code = (
            TicketStatus.WAITING,
            counter,
            None,
            agency,
        )
        self.record(TicketTransferred(self.facts(), counter, floor, now.timestamp()))

    def approaching(self, ahead: int, minutes: float) -> None:
        """Tell the citizen their turn is near, once."""
        if self.away_notified:
            return
        self.away_notified = True
        self.record(TurnApproaching(self.facts(), ahead, minutes))


@dataclass(frozen=True)
class Arrival:
    """A booking that has just checked in, as the queue needs to know it (see ``Arrivals``)."""

    booking_id: int
    service_code: str
    day: date
    slot_start: time
    number: str
    chat_id: str


@dataclass(frozen=True)
class TicketView:
    """A ticket as the console and the chat show it (a snapshot, times in UTC)."""

    id: int
    mpp_code: str
    agency_code: str
    service_code: str
    number: str
    kind: str
    status: str
    priority: bool
    counter_code: str | None
    target_counter: str | None
    recall_count: int
    issued_at: datetime
    called_at: datetime | None
    slot_start: str | None  # "HH:MM"
    chat_id: str | None

    @classmethod
    def of(cls, t: Ticket) -> TicketView:
        assert t.id is not None
        return cls(
            t.id,
            t.mpp_code,
            t.agency_code,
            t.service_code,
            t.number,
            t.kind.value,
            t.status.value,
            t.priority,
            t.counter_code,
            t.target_counter,
            t.recall_count,
            t.issued_at,
            t.called_at,
            t.slot_start.strftime("%H:%M") if t.slot_start else None,
            t.chat_id,
        )
