"""An in-memory unit of work: the booking and queue rules run without a database.

``FakeStore`` is the "database"; each ``FakeUnitOfWork`` works on a copy of it and
writes the copy back only on ``commit()`` (after handing the recorded events to the
same handlers the SQL unit of work uses), so a refusal that leaves without committing
changes nothing — as a rolled-back transaction would. Unique keys (request id, code,
one active booking per NIK, service and day) raise ``Conflict`` like the database does.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import chain
from types import TracebackType
from typing import Any

from mpp.booking.model import Booking, BookingStatus, Policy
from mpp.catalogue.model import Catalogue
from mpp.events import Handlers, Recorder, publish
from mpp.handlers import BookingArrivals
from mpp.notify_outbox import REMINDERS, Notice
from mpp.privacy import new_token
from mpp.queue.model import Ticket, TicketStatus
from mpp.storage import Conflict


@dataclass
class Note:
    notice: Notice
    created_at: datetime
    status: str = "pending"


@dataclass
class FakeStore:
    bookings: dict[int, Booking] = field(default_factory=dict)
    tickets: dict[int, Ticket] = field(default_factory=dict)
    places: dict[tuple[str, str, date, time], int] = field(default_factory=dict)
    counters: dict[tuple[str, str, date], int] = field(default_factory=dict)
    lookups: list[tuple[str, datetime, bool]] = field(default_factory=list)
    outages: list[tuple[int, str, str | None, date, str]] = field(default_factory=list)
    tokens: dict[str, tuple[str, str]] = field(default_factory=dict)  # token -> (sender, value)
    notes: list[Note] = field(default_factory=list)
    audit: list[tuple[Any, ...]] = field(default_factory=list)
    last_id: dict[str, int] = field(default_factory=dict)
    commits: int = 0

    def new_id(self, kind: str) -> int:
        self.last_id[kind] = self.last_id.get(kind, 0) + 1
        return self.last_id[kind]

    def notices_for(self, chat_id: str) -> list[Note]:
        return [n for n in self.notes if n.notice.chat_id == chat_id]


class FakeBookings:
    def __init__(self, store: FakeStore):
        self.store = store

    def seen(self) -> Iterator[Booking]:
        return iter(list(self.store.bookings.values()))

    def add(self, booking: Booking) -> None:
        for other in self.store.bookings.values():
            same_day = (
                other.status is BookingStatus.ACTIVE
                and booking.holder.nik_hash is not None
                and (other.holder.nik_hash, other.service_code, other.day)
                == (booking.holder.nik_hash, booking.service_code, booking.day)
            )
            if other.code == booking.code or other.request_id == booking.request_id or same_day:
                raise Conflict("unique key")
        booking.id = self.store.new_id("booking")
        self.store.bookings[booking.id] = booking

    def get(self, booking_id: int, lock: bool = False) -> Booking | None:
        return self.store.bookings.get(booking_id)

    def by_code(self, code: str) -> Booking | None:
        return next((b for b in self.store.bookings.values() if b.code == code), None)

    def by_request(self, request_id: str) -> Booking | None:
        return next((b for b in self.store.bookings.values() if b.request_id == request_id), None)

    def code_taken(self, code: str) -> bool:
        return self.by_code(code) is not None

    def of_chat(self, chat_id: str) -> list[Booking]:
        return [b for b in self.store.bookings.values() if b.chat_id == chat_id]

    def _active(self) -> list[Booking]:
        return [b for b in self.store.bookings.values() if b.status is BookingStatus.ACTIVE]

    def active_for_chat(self, chat_id: str, from_day: date) -> list[Booking]:
        found = [b for b in self._active() if b.chat_id == chat_id and b.day >= from_day]
        return sorted(found, key=lambda b: (b.day, b.start))

    def active_same_day(self, nik_hash: str, service_code: str, day: date) -> Booking | None:
        return next(
            (b for b in self._active() if (b.holder.nik_hash, b.service_code, b.day) == (nik_hash, service_code, day)),
            None,
        )

    def recent_count(self, since: datetime, *, chat_id: str | None = None, nik_hash: str | None = None) -> int:
        return sum(
            1
            for b in self._active()
            if b.created_at >= since
            and (chat_id is None or b.chat_id == chat_id)
            and (nik_hash is None or b.holder.nik_hash == nik_hash)
        )

    def active_on(self, mpp_code: str, day: date, service_code: str | None = None) -> list[Booking]:
        return [
            b
            for b in self._active()
            if b.mpp_code == mpp_code and b.day == day and service_code in (None, b.service_code)
        ]

    def active_until(self, day: date) -> list[Booking]:
        return [b for b in self._active() if b.day <= day]

    def purge_personal_data(self, visited_before: date, now: datetime) -> int:
        return sum(b.erase_personal_data(now) for b in self.store.bookings.values() if b.day < visited_before)


class FakePlaces:
    def __init__(self, store: FakeStore):
        self.store = store

    def reserve(self, mpp_code: str, service_code: str, day: date, start: time, quota: int) -> bool:
        key = (mpp_code, service_code, day, start)
        if self.store.places.get(key, 0) >= quota:
            return False
        self.store.places[key] = self.store.places.get(key, 0) + 1
        return True

    def release(self, mpp_code: str, service_code: str, day: date, start: time) -> None:
        key = (mpp_code, service_code, day, start)
        self.store.places[key] = max(0, self.store.places.get(key, 0) - 1)

    def taken(self, mpp_code: str, service_code: str, days: list[date]) -> dict[tuple[date, time], int]:
        return {
            (d, s): n
            for (m, sv, d, s), n in self.store.places.items()
            if (m, sv) == (mpp_code, service_code) and d in days
        }


class FakeNumbers:
    def __init__(self, store: FakeStore):
        self.store = store

    def next(self, mpp_code: str, prefix: str, day: date) -> int:
        key = (mpp_code, prefix, day)
        self.store.counters[key] = self.store.counters.get(key, 0) + 1
        return self.store.counters[key]


class FakeLookups:
    def __init__(self, store: FakeStore):
        self.store = store

    def attempts_since(self, chat_id: str, since: datetime) -> int:
        return sum(1 for c, at, _ in self.store.lookups if c == chat_id and at >= since)

    def record(self, chat_id: str, at: datetime, succeeded: bool) -> None:
        self.store.lookups.append((chat_id, at, succeeded))


class FakeOutages:
    def __init__(self, store: FakeStore):
        self.store = store

    def for_service(self, mpp_code: str, service_code: str) -> Mapping[date, str]:
        return {d: r for _, m, s, d, r in self.store.outages if m == mpp_code and s in (None, service_code)}

    def add(self, mpp_code: str, service_code: str | None, day: date, reason: str, at: datetime) -> int:
        outage_id = self.store.new_id("outage")
        self.store.outages.append((outage_id, mpp_code, service_code, day, reason))
        return outage_id

    def remove(self, outage_id: int) -> tuple[str, str | None, date] | None:
        for item in self.store.outages:
            if item[0] == outage_id:
                self.store.outages.remove(item)
                return item[1], item[2], item[3]
        return None


class FakeTokens:
    def __init__(self, store: FakeStore):
        self.data = store

    def resolve(self, sender: str, token: str) -> str | None:
        found = self.data.tokens.get(token)
        return found[1] if found and found[0] == sender else None

    def store(self, sender: str, kind: str, value: str, now: datetime) -> str:
        token = new_token(kind)
        self.data.tokens[token] = (sender, value)
        return token

    def erase(self, sender: str) -> None:
        for token in [t for t, (s, _) in self.data.tokens.items() if s == sender]:
            del self.data.tokens[token]


class FakeTickets:
    def __init__(self, store: FakeStore):
        self.store = store

    def seen(self) -> Iterator[Ticket]:
        return iter(list(self.store.tickets.values()))

    def add(self, ticket: Ticket) -> None:
        if ticket.booking_id is not None and self.for_booking(ticket.booking_id) is not None:
            raise Conflict("one ticket per booking")
        ticket.id = self.store.new_id("ticket")
        self.store.tickets[ticket.id] = ticket

    def get(self, ticket_id: int, lock: bool = False) -> Ticket | None:
        return self.store.tickets.get(ticket_id)

    def for_booking(self, booking_id: int) -> Ticket | None:
        return next((t for t in self.store.tickets.values() if t.booking_id == booking_id), None)

    def _today(self, mpp_code: str, agency_code: str, day: date, *statuses: TicketStatus) -> list[Ticket]:
        return [
            t
            for t in self.store.tickets.values()
            if (t.mpp_code, t.agency_code, t.day) == (mpp_code, agency_code, day) and t.status in statuses
        ]

    def waiting(self, mpp_code: str, agency_code: str, day: date) -> list[Ticket]:
        return self._today(mpp_code, agency_code, day, TicketStatus.WAITING)

    def called(self, mpp_code: str, agency_code: str, day: date) -> list[Ticket]:
        found = self._today(mpp_code, agency_code, day, TicketStatus.CALLED)
        return sorted(found, key=lambda t: t.called_at or datetime.min)

    def finished(self, mpp_code: str, agency_code: str, day: date, limit: int) -> list[Ticket]:
        found = self._today(mpp_code, agency_code, day, TicketStatus.SERVED, TicketStatus.NO_SHOW)
        return sorted(found, key=lambda t: t.finished_at or datetime.min, reverse=True)[:limit]

    def hall_today(self, mpp_code: str, day: date) -> list[Ticket]:
        return [
            t
            for t in self.store.tickets.values()
            if (t.mpp_code, t.day) == (mpp_code, day)
            and (t.status is TicketStatus.WAITING or (t.called_at is not None and t.counter_code is not None))
        ]

    def open_for_chat(self, chat_id: str) -> list[Ticket]:
        return [
            t
            for t in self.store.tickets.values()
            if t.chat_id == chat_id and t.status in (TicketStatus.WAITING, TicketStatus.CALLED)
        ]

    def service_minutes(self, mpp_code: str, service_code: str, day: date) -> list[float]:
        done = [
            t
            for t in self.store.tickets.values()
            if (t.mpp_code, t.service_code, t.day) == (mpp_code, service_code, day)
            and t.status is TicketStatus.SERVED
            and t.called_at
            and t.finished_at
        ]
        done.sort(key=lambda t: t.finished_at or datetime.min)
        return [(t.finished_at - t.called_at).total_seconds() / 60 for t in done if t.finished_at and t.called_at]

    def counters_calling_since(self, mpp_code: str, agency_code: str, day: date, since: datetime) -> int:
        return len(
            {
                t.counter_code
                for t in self.store.tickets.values()
                if (t.mpp_code, t.agency_code, t.day) == (mpp_code, agency_code, day)
                and t.called_at is not None
                and t.called_at >= since
            }
        )


class FakeOutbox:
    def __init__(self, store: FakeStore):
        self.store = store

    def add(self, notice: Notice, now: datetime) -> None:
        if not any(n.notice.dedupe_key == notice.dedupe_key for n in self.store.notes):
            self.store.notes.append(Note(notice, now))

    def cancel_reminders(self, booking_id: int) -> None:
        for note in self.store.notes:
            if note.notice.booking_id == booking_id and note.status == "pending" and note.notice.kind in REMINDERS:
                note.status = "cancelled"


class FakeUnitOfWork:
    def __init__(
        self,
        store: FakeStore,
        write: bool = False,
        handlers: Handlers | None = None,
        catalogue: Callable[[], Catalogue] | None = None,
        policy: Policy | None = None,
    ):
        self.store, self.write = store, write
        self._handlers: Handlers = handlers or {}
        self._catalogue, self._policy = catalogue, policy or Policy()
        self.committed = False

    def __enter__(self) -> FakeUnitOfWork:
        self.work = copy.deepcopy(self.store)
        self.bookings = FakeBookings(self.work)
        self.places = FakePlaces(self.work)
        self.numbers = FakeNumbers(self.work)
        self.lookups = FakeLookups(self.work)
        self.outages = FakeOutages(self.work)
        self.tokens = FakeTokens(self.work)
        self.tickets = FakeTickets(self.work)
        self.outbox = FakeOutbox(self.work)
        if self._catalogue is not None:
            self.arrivals = BookingArrivals(self.bookings, self._catalogue, self._policy)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        del self.work  # not committed: the copy is dropped, like a rollback

    def serialize(self, *keys: str) -> None:
        """One thread, one unit of work at a time: nothing to wait for."""

    def audit(
        self, staff_id: int | None, mpp_code: str, action: str, ticket_id: int | None, detail: str | None, at: datetime
    ) -> None:
        self.work.audit.append((staff_id, mpp_code, action, ticket_id, detail, at))

    def _seen(self) -> Iterator[Recorder]:
        return chain(self.bookings.seen(), self.tickets.seen())

    def commit(self) -> None:
        publish(self, self._handlers, self._seen)
        self.work.commits += 1
        self.store.__dict__.update(copy.deepcopy(self.work).__dict__)
        self.committed = True
