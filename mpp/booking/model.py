"""Booking domain objects and outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from mpp.booking.slots import Slot


@dataclass(frozen=True)
class Booking:
    id: int
    code: str
    mpp_code: str
    service_code: str
    jenis: str | None
    day: date
    start: time
    end: time
    queue_number: str
    status: str
    chat_id: str
    moved_count: int
    created_at: datetime


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


# Why a booking (or a change) was refused; the message is for the citizen.
FULL = "penuh"
CLOSED = "tutup"
OUTSIDE_WINDOW = "di_luar_jendela"
NOT_BOOKABLE = "tidak_bisa_dipesan"
NOT_OFFERED = "tidak_tersedia"
DUPLICATE = "sudah_ada"
CHAT_LIMIT = "batas_chat"
NIK_LIMIT = "batas_nik"
TOO_LATE = "terlambat"
MOVED_ALREADY = "sudah_dipindah"
NOT_FOUND = "tidak_ditemukan"
RATE_LIMITED = "terlalu_sering"
WRONG_DIGITS = "nik_tidak_cocok"


@dataclass(frozen=True)
class Refusal:
    reason: str
    message: str
    alternatives: tuple[SlotOption, ...] = ()
    other_mpps: tuple[SlotOption, ...] = field(default_factory=tuple)
