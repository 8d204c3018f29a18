"""Closures decided after bookings exist (a decree, a blanko shortage, a system down).

Recording one closes the day for new bookings at once; every citizen with a booking
that day is told, offered the nearest free slot, and given a free move (a move they did
not cause does not use up their one allowed move). The rules are ``BookingService``'s
(``add_outage``, ``announce_closure``); these are the operator commands' entry points.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from mpp.booking.calendar import closed_on
from mpp.booking.service import BookingService
from mpp.catalogue.model import Catalogue


def add_outage(
    bookings: BookingService,
    catalogue: Catalogue,
    mpp_code: str,
    day: date,
    reason: str,
    service_code: str | None,
    now: datetime,
) -> int:
    """Record the closure and notify the affected bookings; returns how many were affected."""
    return bookings.add_outage(mpp_code, day, reason, service_code)


def notify_affected(
    bookings: BookingService,
    catalogue: Catalogue,
    mpp_code: str,
    day: date,
    reason: str,
    service_code: str | None,
    now: datetime,
    tag: str,
) -> int:
    """Tell every active booking of that day (and service) about the closure; idempotent per ``tag``."""
    return bookings.announce_closure(mpp_code, day, reason, service_code, tag)


def newly_closed(old: Catalogue, new: Catalogue, today: date, days: int = 30) -> list[tuple[str, date, str]]:
    """(MPP, day, reason) closed in the new catalogue but open in the old one, over the next ``days``."""
    found = []
    for code, mpp in new.mpps.items():
        before = old.mpp(code)
        for offset in range(days + 1):
            day = today + timedelta(days=offset)
            closed = closed_on(new, mpp, day)
            if closed and before is not None and closed_on(old, before, day) is None:
                found.append((code, day, closed.reason))
    return found
