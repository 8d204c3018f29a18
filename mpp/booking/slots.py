"""Bookable slots of a service at an MPP, from the catalogue and the booking policy."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from mpp.booking.calendar import closed_on
from mpp.booking.model import Policy, Slot
from mpp.catalogue.model import Catalogue, Mpp, Offering

__all__ = ["Policy", "Slot", "bookable_slots", "day_slots", "local_now", "window"]


def local_now(mpp: Mpp, now: datetime) -> datetime:
    return now.astimezone(ZoneInfo(mpp.timezone))


def day_slots(mpp: Mpp, offering: Offering, day: date) -> list[Slot]:
    """Every slot of the day from the opening hours, skipping the break (e.g. salat Jumat)."""
    hours = mpp.hours_on(day.weekday())
    if hours is None:
        return []
    length = timedelta(minutes=offering.slot_minutes)
    cursor = datetime.combine(day, hours.opens)
    closes = datetime.combine(day, hours.closes)
    slots = []
    while cursor + length <= closes:
        end = cursor + length
        if hours.break_start and hours.break_end:
            b0, b1 = datetime.combine(day, hours.break_start), datetime.combine(day, hours.break_end)
            if cursor < b1 and end > b0:
                cursor = b1
                continue
        slots.append(Slot(day, cursor.time(), end.time()))
        cursor = end
    return slots


def bookable_slots(
    catalogue: Catalogue,
    mpp: Mpp,
    offering: Offering,
    day: date,
    now: datetime,
    policy: Policy,
    outages: Mapping[date, str] | None = None,
) -> list[Slot]:
    """Slots of ``day`` one may book now: inside the window, open, not past the cut-off."""
    today = local_now(mpp, now)
    if day < today.date() or day > today.date() + timedelta(days=policy.window_days):
        return []
    if closed_on(catalogue, mpp, day, outages):
        return []
    slots = day_slots(mpp, offering, day)
    if day == today.date():
        earliest = (today + timedelta(minutes=policy.same_day_cutoff_minutes)).replace(tzinfo=None)
        slots = [s for s in slots if datetime.combine(day, s.start) >= earliest]
    return slots


def window(mpp: Mpp, now: datetime, policy: Policy) -> list[date]:
    today = local_now(mpp, now).date()
    return [today + timedelta(days=i) for i in range(policy.window_days + 1)]
