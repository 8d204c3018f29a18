"""Who is called next, and the wait estimate (pure rules)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from mpp.queue.ordering import Waiting, estimate_wait, in_order, minutes_per_ticket

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=WIB)


def at(minutes_ago: int) -> datetime:
    return NOW - timedelta(minutes=minutes_ago)


def test_priority_lane_goes_first_then_due_bookings_then_arrival_order() -> None:
    early_walk_in = Waiting(1, at(30))
    booking_due = Waiting(2, at(5), slot_start=time(9, 5))  # due from 08.55
    booking_later = Waiting(3, at(40), slot_start=time(11, 0))  # came early for 11.00
    elderly = Waiting(4, at(1), priority=True)
    walk_in = Waiting(5, at(10))
    order = [t.id for t in in_order([early_walk_in, booking_due, booking_later, elderly, walk_in], NOW)]
    assert order == [4, 2, 3, 1, 5]  # the early-comer for 11.00 still waits in arrival order, not last


def test_transferred_ticket_goes_only_to_its_counter_and_first_there() -> None:
    moved = Waiting(7, at(1), target_counter="5")
    other = Waiting(8, at(20))
    assert [t.id for t in in_order([moved, other], NOW, counter="5")] == [7, 8]
    assert [t.id for t in in_order([moved, other], NOW, counter="6")] == [8]


def test_estimate_uses_measured_times_and_falls_back_to_the_slot_length() -> None:
    assert minutes_per_ticket([], 15) == 15
    assert minutes_per_ticket([4, 6, 8], 15) == 6
    assert estimate_wait(3, 6, open_counters=2) == 9
    assert estimate_wait(3, 6, open_counters=0) == 18
