"""Which existing bookings a new catalogue leaves without a place, and why.

A change of hours, slot length, quota, closures or booking route must never orphan a booking:
each one it displaces goes through the outage flow (``BookingService.disrupt``: told why, offered
the nearest free slot, given a free move). A booking is displaced when, in the new catalogue, its
service is no longer booked by slot at that MPP, its day is closed, its slot no longer exists, or
its slot holds more bookings than the new quota (the latest bookings give way; the earliest keep
their place). Only bookings the old catalogue still held are counted, so a booking is told once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from mpp.booking.calendar import closed_on
from mpp.booking.model import Booking
from mpp.booking.slots import day_slots
from mpp.catalogue.model import Catalogue

NOT_BOOKABLE = "layanan ini tidak lagi dipesan lewat antrean MPP"
NEW_HOURS = "jadwal layanan berubah"
QUOTA_CUT = "kuota per slot dikurangi"


def _problems(catalogue: Catalogue, bookings: list[Booking]) -> dict[int, str]:
    """Booking id -> why this catalogue has no place for it."""
    found: dict[int, str] = {}
    per_slot: dict[tuple[str, str, date, object], list[Booking]] = defaultdict(list)
    for b in bookings:
        assert b.id is not None
        mpp, offering = catalogue.mpp(b.mpp_code), catalogue.offering(b.mpp_code, b.service_code)
        if mpp is None or offering is None or catalogue.booking_mode(b.mpp_code, b.service_code) != "mpp_slot":
            found[b.id] = NOT_BOOKABLE
            continue
        closed = closed_on(catalogue, mpp, b.day)
        if closed is not None:
            found[b.id] = closed.reason
            continue
        if not any(s.start == b.start for s in day_slots(mpp, offering, b.day)):
            found[b.id] = NEW_HOURS
            continue
        per_slot[(b.mpp_code, b.service_code, b.day, b.start)].append(b)
    for (mpp_code, service_code, _, _), held in per_slot.items():
        offering = catalogue.offering(mpp_code, service_code)
        assert offering is not None
        for b in sorted(held, key=lambda b: b.id or 0)[offering.quota_per_slot :]:
            assert b.id is not None
            found[b.id] = QUOTA_CUT
    return found


def displaced(old: Catalogue, new: Catalogue, bookings: Iterable[Booking]) -> list[tuple[int, str]]:
    """(booking id, reason) of the bookings the new catalogue displaces and the old one held."""
    active = [b for b in bookings if b.id is not None]
    before, after = _problems(old, active), _problems(new, active)
    return sorted((booking_id, reason) for booking_id, reason in after.items() if booking_id not in before)
