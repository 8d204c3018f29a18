"""What the booking rules need from storage, as protocols: SQL in ``mpp.uow``, in memory in tests.

Each method is one question or one change; none exposes a session or a row.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from types import TracebackType
from typing import Protocol

from mpp.booking.model import Booking
from mpp.numbering import QueueNumbers


class BookingRepository(Protocol):
    def add(self, booking: Booking) -> None:
        """Store a new booking and give it its id."""

    def get(self, booking_id: int, lock: bool = False) -> Booking | None:
        """``lock``: no other unit of work changes it until this one ends (PostgreSQL row lock)."""

    def by_code(self, code: str) -> Booking | None: ...

    def by_request(self, request_id: str) -> Booking | None: ...

    def code_taken(self, code: str) -> bool: ...

    def of_chat(self, chat_id: str) -> list[Booking]:
        """Every booking of a chat, whatever its status."""

    def active_for_chat(self, chat_id: str, from_day: date) -> list[Booking]:
        """Active bookings of a chat from that day on, earliest first."""

    def active_same_day(self, nik_hash: str, service_code: str, day: date) -> Booking | None: ...

    def recent_count(self, since: datetime, *, chat_id: str | None = None, nik_hash: str | None = None) -> int:
        """Active bookings made since then, by chat or by NIK (the weekly caps)."""

    def active_on(self, mpp_code: str, day: date, service_code: str | None = None) -> list[Booking]: ...

    def active_until(self, day: date) -> list[Booking]:
        """Active bookings up to and including that day (candidates for a no-show)."""

    def purge_personal_data(self, visited_before: date, now: datetime) -> int:
        """Retention: blank the personal fields of visits before that day; returns how many."""


class SlotLedger(Protocol):
    """How many places of each slot are taken: the capacity guard."""

    def reserve(self, mpp_code: str, service_code: str, day: date, start: time, quota: int) -> bool:
        """Take one place if one is left (atomic: two takers never get the last place both)."""

    def release(self, mpp_code: str, service_code: str, day: date, start: time) -> None: ...

    def taken(self, mpp_code: str, service_code: str, days: list[date]) -> dict[tuple[date, time], int]: ...


class LookupLog(Protocol):
    """Look-ups of a booking code from another chat (rate limited)."""

    def attempts_since(self, chat_id: str, since: datetime) -> int: ...

    def record(self, chat_id: str, at: datetime, succeeded: bool) -> None: ...


class OutageLog(Protocol):
    """Closures decided after the catalogue was loaded."""

    def for_service(self, mpp_code: str, service_code: str) -> Mapping[date, str]: ...

    def add(self, mpp_code: str, service_code: str | None, day: date, reason: str, at: datetime) -> int: ...

    def remove(self, outage_id: int) -> tuple[str, str | None, date] | None:
        """Reopen: delete the closure; returns its (MPP, service, day), or None if there is none."""


class TokenVault(Protocol):
    """The NIK and phone tokens Rasa saw, and the values behind them (one conversation each)."""

    def resolve(self, sender: str, token: str) -> str | None: ...

    def store(self, sender: str, kind: str, value: str, now: datetime) -> str: ...

    def erase(self, sender: str) -> None: ...


class BookingUnitOfWork(Protocol):
    @property
    def bookings(self) -> BookingRepository: ...

    @property
    def places(self) -> SlotLedger: ...

    @property
    def numbers(self) -> QueueNumbers: ...

    @property
    def lookups(self) -> LookupLog: ...

    @property
    def outages(self) -> OutageLog: ...

    @property
    def tokens(self) -> TokenVault: ...

    def __enter__(self) -> BookingUnitOfWork: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def serialize(self, *keys: str) -> None:
        """Run one at a time with any other unit of work holding one of these keys (request, NIK, chat)."""

    def commit(self) -> None:
        """Hand recorded events to their handlers, then make everything durable at once."""


class BookingUnitOfWorkFactory(Protocol):
    def __call__(self, write: bool = False) -> BookingUnitOfWork:
        """``write``: this unit of work will change something (SQLite takes its write lock at once)."""
