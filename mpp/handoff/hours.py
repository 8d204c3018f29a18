"""When an MPP's staff can answer a chat: its service hours, breaks, closures and national days off.

The same facts the booking rules use (``mpp.booking.calendar.closed_on``: the MPP's own
closures, closures decided later with ``mpp outage add``, decreed holidays and cuti bersama,
days without hours), read at the MPP's local time. Outside these hours a chat cannot join the
line; the citizen may leave a message, and is told the next opening time found here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from mpp.booking.calendar import closed_on
from mpp.catalogue.model import Catalogue, DayHours, Mpp

HORIZON_DAYS = 31  # a longer closure than this is not announced as "buka lagi …"


@dataclass(frozen=True)
class Opening:
    """One stretch of service time on one day (a day with a break has two), in the MPP's zone."""

    start: datetime
    end: datetime


def _stretches(hours: DayHours) -> list[tuple[time, time]]:
    if hours.break_start and hours.break_end and hours.opens < hours.break_start < hours.break_end < hours.closes:
        return [(hours.opens, hours.break_start), (hours.break_end, hours.closes)]
    return [(hours.opens, hours.closes)]


def openings(catalogue: Catalogue, mpp: Mpp, day: date, outages: Mapping[date, str] | None = None) -> list[Opening]:
    """The MPP's service stretches on ``day``; none when it is closed that day."""
    hours = mpp.hours_on(day.weekday())
    if hours is None or closed_on(catalogue, mpp, day, outages) is not None:
        return []
    zone = ZoneInfo(mpp.timezone)
    return [
        Opening(datetime.combine(day, start, zone), datetime.combine(day, end, zone))
        for start, end in _stretches(hours)
    ]


def current_opening(
    catalogue: Catalogue, mpp: Mpp, at: datetime, outages: Mapping[date, str] | None = None
) -> Opening | None:
    """The stretch of service time ``at`` falls in, or None when the MPP is not serving then."""
    local = at.astimezone(ZoneInfo(mpp.timezone))
    return next((o for o in openings(catalogue, mpp, local.date(), outages) if o.start <= local < o.end), None)


def next_opening(
    catalogue: Catalogue, mpp: Mpp, at: datetime, outages: Mapping[date, str] | None = None
) -> datetime | None:
    """When service time next begins after ``at``, within ``HORIZON_DAYS``; None beyond that."""
    local = at.astimezone(ZoneInfo(mpp.timezone))
    for offset in range(HORIZON_DAYS + 1):
        for opening in openings(catalogue, mpp, local.date() + timedelta(days=offset), outages):
            if opening.start > local:
                return opening.start
    return None
