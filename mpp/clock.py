"""One clock for the whole core.

Every rule that depends on "now" (booking windows, cancellation until the slot starts,
reminders, the queue's order, FAQ answers about closures) asks the clock it was given,
never the wall clock itself, so a test or the ``MPP_NOW`` setting moves all of them at
once. Times leave a clock timezone-aware; the core stores and compares them in UTC and
turns them into an MPP's local time only where a rule is about the MPP's day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


def fixed_clock(at: datetime) -> Clock:
    """A clock that always says ``at`` (tests, test stories, MPP_NOW)."""
    if at.tzinfo is None:
        raise ValueError(f"a fixed clock needs a time zone: {at.isoformat()}")
    return lambda: at


def utc_now(clock: Clock) -> datetime:
    """Now in UTC: SQLite keeps no time zone, so every stored time is UTC."""
    return clock().astimezone(timezone.utc)


def local_now(clock: Clock, zone: str) -> datetime:
    """Now in an MPP's time zone (WIB, WITA, WIT), timezone-aware."""
    return clock().astimezone(ZoneInfo(zone))


def local_today(clock: Clock, zone: str) -> date:
    return local_now(clock, zone).date()
