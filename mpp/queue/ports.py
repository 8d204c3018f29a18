"""What the queue needs from storage and from bookings, as protocols (SQL in ``mpp.uow``)."""

from __future__ import annotations

from datetime import date, datetime
from types import TracebackType
from typing import Protocol

from mpp.numbering import QueueNumbers
from mpp.queue.model import Arrival, Ticket


class TicketRepository(Protocol):
    def add(self, ticket: Ticket) -> None:
        """Store a new ticket and give it its id."""

    def get(self, ticket_id: int, lock: bool = False) -> Ticket | None: ...

    def for_booking(self, booking_id: int) -> Ticket | None: ...

    def waiting(self, mpp_code: str, agency_code: str, day: date) -> list[Ticket]: ...

    def called(self, mpp_code: str, agency_code: str, day: date) -> list[Ticket]:
        """Called and not finished, in the order they were called."""

    def finished(self, mpp_code: str, agency_code: str, day: date, limit: int) -> list[Ticket]:
        """Served or no-show, the latest first."""

    def hall_today(self, mpp_code: str, day: date) -> list[Ticket]:
        """Today's tickets waiting or called at a counter, in one query (the display board's poll)."""

    def open_for_chat(self, chat_id: str) -> list[Ticket]:
        """Waiting or called tickets of a chat (any day)."""

    def service_minutes(self, mpp_code: str, service_code: str, day: date) -> list[float]:
        """Minutes from call to finish of today's served tickets of a service, in the order they finished."""

    def counters_calling_since(self, mpp_code: str, agency_code: str, day: date, since: datetime) -> int: ...


class Arrivals(Protocol):
    """Bookings arriving at the MPP. The queue asks; bookings decide (``Booking.check_in``)."""

    def check_in(self, code: str, mpp_code: str, now: datetime) -> Arrival:
        """Check the booking with this code in at this MPP, or raise QueueError saying why not."""


class QueueUnitOfWork(Protocol):
    @property
    def tickets(self) -> TicketRepository: ...

    @property
    def numbers(self) -> QueueNumbers: ...

    @property
    def arrivals(self) -> Arrivals: ...

    def __enter__(self) -> QueueUnitOfWork: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def serialize(self, *keys: str) -> None:
        """Run one at a time with any other unit of work holding one of these keys."""

    def audit(
        self, staff_id: int | None, mpp_code: str, action: str, ticket_id: int | None, detail: str | None, at: datetime
    ) -> None:
        """What staff did, for the audit log."""

    def commit(self) -> None: ...


class QueueUnitOfWorkFactory(Protocol):
    def __call__(self, write: bool = False) -> QueueUnitOfWork: ...
