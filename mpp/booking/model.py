"""Bookings as domain objects: the rules of a booking's life are its methods.

A booking is ``ACTIVE`` from the moment it is made until one of these:

* ``cancel`` — by its chat, until the slot starts (the MPP's local time); the place is
  free again at once. A booking that has checked in cannot be cancelled.
* ``check_in`` — at the MPP on the booked day, until the end of the slot plus the grace
  period; it then follows its ticket (``CALLED``, ``SERVED`` or ``NO_SHOW`` at the counter).
* ``expire`` — not checked in by the end of the slot plus the grace period: ``NO_SHOW``,
  and the citizen is told.

Moving keeps its own limits (until the day before, once; a closure the citizen did not
cause gives a free move). Capacity (how many bookings a slot holds) is not a booking's
business: the service takes and frees places in the slot ledger in the same unit of work.
Nothing here knows SQL, Rasa or the clock: callers pass the time in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from mpp.booking.events import (
    BookingCancelled,
    BookingCheckedIn,
    BookingClosureWithdrawn,
    BookingDisrupted,
    BookingFacts,
    BookingMade,
    BookingMissed,
    BookingMoved,
)
from mpp.events import Recorder


@dataclass(frozen=True)
class Slot:
    day: date
    start: time
    end: time


@dataclass(frozen=True)
class Policy:
    window_days: int = 14  # how far ahead one can book
    same_day_cutoff_minutes: int = 60  # a slot today must start at least this much later
    move_until_days_before: int = 1  # a move is possible until the day before the visit
    max_moves: int = 1
    max_per_chat_week: int = 4
    max_per_nik_week: int = 3
    lookups_per_hour: int = 5
    no_show_grace_minutes: int = 30  # after the slot's end: check-in still possible, then a no-show

    @property
    def no_show_grace(self) -> timedelta:
        return timedelta(minutes=self.no_show_grace_minutes)

    def missed(self, day: date, end: time, zone: str, now: datetime) -> bool:
        """The no-show rule: a slot on ``day`` ending at ``end`` (local time) is missed once its grace period passed."""
        return now > datetime.combine(day, end, ZoneInfo(zone)) + self.no_show_grace


class BookingStatus(str, Enum):
    ACTIVE = "active"
    CANCELLED = "cancelled"
    CHECKED_IN = "checked_in"
    CALLED = "called"
    SERVED = "served"
    NO_SHOW = "no_show"

    @property
    def arrived(self) -> bool:
        return self in (BookingStatus.CHECKED_IN, BookingStatus.CALLED, BookingStatus.SERVED)


class Reason(str, Enum):
    """Why a booking (or a change to one) was refused."""

    FULL = "penuh"
    CLOSED = "tutup"
    OUTSIDE_WINDOW = "di_luar_jendela"
    NOT_BOOKABLE = "tidak_bisa_dipesan"
    NOT_OFFERED = "tidak_tersedia"
    DUPLICATE = "sudah_ada"
    CHAT_LIMIT = "batas_chat"
    NIK_LIMIT = "batas_nik"
    TOO_LATE = "terlambat"  # a move on the day itself (or later)
    STARTED = "sudah_mulai"  # a cancel once the slot has started
    ARRIVED = "sudah_hadir"  # checked in (or served): nothing left to cancel or move
    MOVED_ALREADY = "sudah_dipindah"
    NOT_ACTIVE = "tidak_aktif"  # cancelled or a no-show
    NOT_TODAY = "bukan_hari_ini"
    MISSED = "terlewat"
    NOT_FOUND = "tidak_ditemukan"
    RATE_LIMITED = "terlalu_sering"
    WRONG_DIGITS = "nik_tidak_cocok"


class RuleBroken(Exception):
    """A rule of the booking refuses the change; the service turns it into a Refusal for the citizen."""

    def __init__(self, reason: Reason):
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class Holder:
    """The person's data as stored: sealed (encrypted) and a keyed hash for look-ups; all None once erased."""

    name_sealed: str | None = None
    nik_hash: str | None = None
    nik_sealed: str | None = None
    phone_sealed: str | None = None


@dataclass(eq=False)
class Booking(Recorder):
    id: int | None
    code: str
    request_id: str  # one per confirmation: a double tap carries the same id
    mpp_code: str
    service_code: str
    jenis: str | None
    day: date
    start: time
    end: time
    queue_number: str
    chat_id: str
    created_at: datetime
    status: BookingStatus = BookingStatus.ACTIVE
    moved_count: int = 0
    holder: Holder = field(default_factory=Holder)
    updated_at: datetime | None = None
    cancelled_at: datetime | None = None
    erased_at: datetime | None = None

    # ---- what it is -------------------------------------------------------------
    @property
    def slot(self) -> Slot:
        return Slot(self.day, self.start, self.end)

    def starts_at(self, zone: str) -> datetime:
        return datetime.combine(self.day, self.start, ZoneInfo(zone))

    def ends_at(self, zone: str) -> datetime:
        return datetime.combine(self.day, self.end, ZoneInfo(zone))

    def facts(self) -> BookingFacts:
        assert self.id is not None, "a booking has an id once its repository added it"
        return BookingFacts(
            self.id,
            self.code,
            self.chat_id,
            self.mpp_code,
            self.service_code,
            self.day,
            self.start,
            self.end,
            self.queue_number,
            self.moved_count,
        )

    # ---- its life -----------------------------------------------------------------
    def record_made(self) -> None:
        """Called once the repository has added it (it has an id): reminders follow."""
        self.record(BookingMade(self.facts()))

    def cancel(self, now: datetime, zone: str) -> bool:
        """Cancel until the slot starts in the MPP's time; False if it was cancelled already."""
        if self.status is BookingStatus.CANCELLED:
            return False  # pressed twice
        if self.status.arrived:
            raise RuleBroken(Reason.ARRIVED)
        if self.status is not BookingStatus.ACTIVE:
            raise RuleBroken(Reason.NOT_ACTIVE)
        if now >= self.starts_at(zone):
            raise RuleBroken(Reason.STARTED)
        self._cancelled(now)
        return True

    def withdraw(self, now: datetime) -> bool:
        """'Hapus data saya': an active booking goes whatever its time (nobody could check it in)."""
        if self.status is not BookingStatus.ACTIVE:
            return False
        self._cancelled(now)
        return True

    def _cancelled(self, now: datetime) -> None:
        self.status, self.cancelled_at, self.updated_at = BookingStatus.CANCELLED, now, now
        self.record(BookingCancelled(self.facts()))

    def check_move(self, now: datetime, zone: str, policy: Policy) -> None:
        """Raise if this booking can no longer be moved: the one check for asking and for doing."""
        if self.status.arrived:
            raise RuleBroken(Reason.ARRIVED)
        if self.status is not BookingStatus.ACTIVE:
            raise RuleBroken(Reason.NOT_ACTIVE)
        if (self.day - now.astimezone(ZoneInfo(zone)).date()).days < policy.move_until_days_before:
            raise RuleBroken(Reason.TOO_LATE)
        if self.moved_count >= policy.max_moves:
            raise RuleBroken(Reason.MOVED_ALREADY)

    def move(self, slot: Slot, queue_number: str, now: datetime, zone: str, policy: Policy) -> None:
        self.check_move(now, zone, policy)
        self.day, self.start, self.end = slot.day, slot.start, slot.end
        self.queue_number = queue_number
        self.moved_count += 1
        self.updated_at = now
        self.record(BookingMoved(self.facts()))

    def check_in(self, now: datetime, zone: str, policy: Policy) -> bool:
        """Arrive at the MPP; False when it had arrived already (the code scanned twice)."""
        if self.status.arrived:
            return False
        if self.status is BookingStatus.CANCELLED:
            raise RuleBroken(Reason.NOT_ACTIVE)
        if self.status is BookingStatus.NO_SHOW or policy.missed(self.day, self.end, zone, now):
            raise RuleBroken(Reason.MISSED)
        if self.day != now.astimezone(ZoneInfo(zone)).date():
            raise RuleBroken(Reason.NOT_TODAY)
        self.status, self.updated_at = BookingStatus.CHECKED_IN, now
        self.record(BookingCheckedIn(self.facts()))
        return True

    def expire(self, now: datetime, zone: str, policy: Policy) -> bool:
        """Become a no-show if the slot and its grace period passed without a check-in."""
        if self.status is not BookingStatus.ACTIVE or not policy.missed(self.day, self.end, zone, now):
            return False
        self.status, self.updated_at = BookingStatus.NO_SHOW, now
        self.record(BookingMissed(self.facts()))
        return True

    def follow_ticket(self, status: BookingStatus, now: datetime) -> None:
        """Called, served or a no-show at the counter: the queue decides, the booking records it."""
        if self.status.arrived or self.status is BookingStatus.NO_SHOW:
            self.status, self.updated_at = status, now

    def disrupt(self, reason: str, suggestion: str | None, tag: str, policy: Policy, now: datetime) -> None:
        """The MPP closed the booked day: the citizen is told and gets a free move."""
        self.moved_count = min(self.moved_count, policy.max_moves - 1)
        self.updated_at = now
        self.record(BookingDisrupted(self.facts(), reason, suggestion, tag))

    def closure_withdrawn(self, tag: str, now: datetime) -> None:
        """The closure that displaced it was withdrawn: the citizen is told their booking still stands."""
        self.updated_at = now
        self.record(BookingClosureWithdrawn(self.facts(), tag))

    def erase_personal_data(self, now: datetime) -> bool:
        if self.erased_at is not None:
            return False
        self.holder, self.erased_at = Holder(), now
        return True


@dataclass(frozen=True)
class BookingRequest:
    request_id: str  # one per confirmation: a double tap carries the same id
    chat_id: str
    mpp_code: str
    service_code: str
    day: date
    start: time
    name: str
    nik: str
    jenis: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class SlotOption:
    mpp_code: str
    slot: Slot
    free: int


@dataclass(frozen=True)
class Refusal:
    reason: Reason
    message: str  # for the citizen (mpp.booking.replies words it)
    alternatives: tuple[SlotOption, ...] = ()
    other_mpps: tuple[SlotOption, ...] = ()


Outcome = Booking | Refusal
