"""Who is served next, and how long the wait is. Pure functions over plain values.

Order at a counter: first a ticket transferred to that counter, then the priority
lane (elderly, people with disabilities, pregnant women), then bookings whose
time has come (from 10 minutes before the booked slot), then everyone else in
arrival order — so a walk-in never waits behind a booking made for later in
the day, and a booking on time never waits behind the walk-ins who came early.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from statistics import mean

DUE_EARLY = timedelta(minutes=10)


@dataclass(frozen=True)
class Waiting:
    id: int
    issued_at: datetime  # arrival (check-in or walk-in ticket)
    priority: bool = False
    slot_start: time | None = None  # bookings only
    target_counter: str | None = None


def order_key(ticket: Waiting, now: datetime, counter: str | None) -> tuple:
    transferred_here = ticket.target_counter is not None and ticket.target_counter == counter
    due = (
        ticket.slot_start is not None and datetime.combine(now.date(), ticket.slot_start, now.tzinfo) - DUE_EARLY <= now
    )
    anchor = (
        datetime.combine(now.date(), ticket.slot_start, now.tzinfo) if due and ticket.slot_start else ticket.issued_at
    )
    return (
        0 if transferred_here else 1,
        0 if ticket.priority else 1,
        0 if due else 1,
        anchor,
        ticket.issued_at,
        ticket.id,
    )


def in_order(tickets: Iterable[Waiting], now: datetime, counter: str | None = None) -> list[Waiting]:
    """The waiting tickets a counter would call, in the order it would call them."""
    eligible = [t for t in tickets if t.target_counter is None or t.target_counter == counter]
    return sorted(eligible, key=lambda t: order_key(t, now, counter))


def minutes_per_ticket(durations_today: list[float], fallback_minutes: float) -> float:
    """Mean measured service time today (minutes); the slot length until something is measured."""
    recent = durations_today[-20:]  # the day drifts: recent tickets say more than the morning
    return mean(recent) if recent else fallback_minutes


def estimate_wait(ahead: int, per_ticket: float, open_counters: int) -> float:
    """Minutes until one's turn with ``ahead`` people in front, spread over the open counters."""
    return ahead * per_ticket / max(1, open_counters)
