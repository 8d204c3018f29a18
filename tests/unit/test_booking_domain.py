"""Booking and queue rules on the in-memory unit of work: no database, the same services as production."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from mpp.booking.confirmation import LIFETIME, Operation, Pending
from mpp.booking.model import Booking, BookingRequest, BookingStatus, Reason, Refusal
from mpp.queue.model import QueueError
from mpp.queue.service import Staff
from testkit.core import MovableClock, Services, in_memory

WIB = ZoneInfo("Asia/Jakarta")
MONDAY = date(2026, 11, 30)
STAFF = Staff(1, "kota_bogor", "disdukcapil", "1")


def nik(i: int) -> str:
    return f"327104{(i % 28) + 1:02d}0890{i + 1:04d}"


def request(i: int, start: time, day: date = MONDAY, service: str = "kk") -> BookingRequest:
    return BookingRequest(f"r{i}", f"telegram:{i}", "kota_bogor", service, day, start, f"Warga {i}", nik(i))


@pytest.fixture()
def clock() -> MovableClock:
    return MovableClock(datetime(2026, 11, 30, 7, 0, tzinfo=WIB))  # Monday 07.00


@pytest.fixture()
def core(demo, clock: MovableClock) -> Services:  # type: ignore[no-untyped-def]
    return in_memory(demo.catalogue, clock)


def book(core: Services, i: int, start: time, day: date = MONDAY) -> Booking:
    outcome = core.bookings.book(request(i, start, day))
    assert isinstance(outcome, Booking), outcome
    return outcome


def places(core: Services, day: date, start: time) -> int:
    assert core.store is not None
    return core.store.places.get(("kota_bogor", "kk", day, start), 0)


def notices(core: Services, chat: str) -> list[tuple[str, str]]:
    assert core.store is not None
    return [(n.notice.kind, n.status) for n in core.store.notices_for(chat)]


def test_a_same_day_booking_can_be_cancelled_until_it_starts_and_frees_the_place(
    core: Services, clock: MovableClock
) -> None:
    booked = book(core, 1, time(11, 0))
    assert places(core, MONDAY, time(11, 0)) == 1
    clock.at = datetime(2026, 11, 30, 9, 30, tzinfo=WIB)
    moved = core.bookings.move(booked.id or 0, booked.chat_id, date(2026, 12, 1), time(9, 0))
    assert isinstance(moved, Refusal) and moved.reason is Reason.TOO_LATE  # moving keeps its limit
    cancelled = core.bookings.cancel(booked.id or 0, booked.chat_id)
    assert isinstance(cancelled, Booking) and cancelled.status is BookingStatus.CANCELLED
    assert places(core, MONDAY, time(11, 0)) == 0  # free again at once
    assert ("reminder_hour", "cancelled") in notices(core, booked.chat_id)


def test_no_cancel_once_the_slot_has_started(core: Services, clock: MovableClock) -> None:
    booked = book(core, 1, time(11, 0))
    clock.at = datetime(2026, 11, 30, 11, 0, tzinfo=WIB)
    refused = core.bookings.cancel(booked.id or 0, booked.chat_id)
    assert isinstance(refused, Refusal) and refused.reason is Reason.STARTED
    assert places(core, MONDAY, time(11, 0)) == 1


def test_a_checked_in_booking_cannot_be_cancelled(core: Services, clock: MovableClock) -> None:
    booked = book(core, 1, time(11, 0))
    clock.at = datetime(2026, 11, 30, 10, 40, tzinfo=WIB)
    ticket = core.queue.check_in("kota_bogor", booked.code)
    assert ticket.number == booked.queue_number
    refused = core.bookings.cancel(booked.id or 0, booked.chat_id)
    assert isinstance(refused, Refusal) and refused.reason is Reason.ARRIVED
    assert "check-in" in refused.message


def test_a_booking_not_checked_in_after_its_slot_and_grace_is_a_no_show_and_its_citizen_is_told(
    core: Services, clock: MovableClock
) -> None:
    booked = book(core, 1, time(9, 0))  # 09.00-09.15 (15-minute KK slots), grace 30 minutes
    clock.at = datetime(2026, 11, 30, 9, 44, tzinfo=WIB)
    assert core.bookings.sweep_missed() == 0  # still within the grace period: check-in possible
    clock.at = datetime(2026, 11, 30, 9, 46, tzinfo=WIB)
    assert core.bookings.sweep_missed() == 1
    assert core.bookings.sweep_missed() == 0  # twice changes nothing
    assert ("missed", "pending") in notices(core, booked.chat_id)
    with pytest.raises(QueueError, match="sudah lewat"):
        core.queue.check_in("kota_bogor", booked.code)
    assert core.bookings.upcoming(booked.chat_id) == []


def test_check_in_after_the_grace_period_is_refused_even_before_the_sweep(core: Services, clock: MovableClock) -> None:
    booked = book(core, 1, time(9, 0))
    clock.at = datetime(2026, 11, 30, 9, 50, tzinfo=WIB)
    with pytest.raises(QueueError, match="walk-in"):
        core.queue.check_in("kota_bogor", booked.code)


def test_check_in_only_on_the_day(core: Services, clock: MovableClock) -> None:
    booked = book(core, 1, time(9, 0), day=date(2026, 12, 1))
    with pytest.raises(QueueError, match="bukan hari ini"):
        core.queue.check_in("kota_bogor", booked.code)
    with pytest.raises(QueueError, match="tidak ditemukan"):
        core.queue.check_in("kota_bekasi", booked.code)


def test_the_booking_follows_its_ticket_and_the_citizen_hears_the_call(core: Services, clock: MovableClock) -> None:
    booked = book(core, 1, time(9, 0))
    clock.at = datetime(2026, 11, 30, 8, 50, tzinfo=WIB)
    ticket = core.queue.check_in("kota_bogor", booked.code)
    assert core.queue.check_in("kota_bogor", booked.code.lower()).id == ticket.id  # scanned twice
    called = core.queue.call_next(STAFF)
    assert called is not None and called.id == ticket.id
    assert core.bookings.find(booked.code, booked.chat_id).status is BookingStatus.CALLED  # type: ignore[union-attr]
    assert ("called", "pending") in notices(core, booked.chat_id)
    core.queue.served(STAFF, ticket.id)
    assert core.bookings.find(booked.code, booked.chat_id).status is BookingStatus.SERVED  # type: ignore[union-attr]


def test_a_duplicate_nik_refusal_reveals_no_code_time_or_place(core: Services) -> None:
    held = book(core, 1, time(9, 0))
    again = core.bookings.book(
        BookingRequest("other", "telegram:stranger", "kota_bogor", "kk", MONDAY, time(14, 0), "X", nik(1))
    )
    assert isinstance(again, Refusal) and again.reason is Reason.DUPLICATE
    for secret in (held.code, held.queue_number, "09.00", "Bogor", "loket"):
        assert secret not in again.message


def test_a_refused_booking_changes_nothing(core: Services, demo) -> None:  # type: ignore[no-untyped-def]
    quota = demo.catalogue.offering("kota_bogor", "kk").quota_per_slot
    for i in range(quota):
        book(core, i, time(9, 0))
    assert core.store is not None
    before = core.store.commits
    full = core.bookings.book(request(99, time(9, 0)))
    assert isinstance(full, Refusal) and full.reason is Reason.FULL and full.alternatives
    assert core.store.commits == before and places(core, MONDAY, time(9, 0)) == quota


def test_move_once_with_the_one_rule_for_asking_and_doing(core: Services) -> None:
    booked = book(core, 1, time(9, 0), day=date(2026, 12, 1))
    assert core.bookings.move_problem(booked) is None
    moved = core.bookings.move(booked.id or 0, booked.chat_id, date(2026, 12, 2), time(10, 0))
    assert isinstance(moved, Booking) and moved.moved_count == 1
    assert places(core, date(2026, 12, 1), time(9, 0)) == 0 and places(core, date(2026, 12, 2), time(10, 0)) == 1
    problem = core.bookings.move_problem(moved)
    assert problem is not None and problem.reason is Reason.MOVED_ALREADY
    again = core.bookings.move(booked.id or 0, booked.chat_id, date(2026, 12, 3), time(10, 0))
    assert isinstance(again, Refusal) and again.reason is Reason.MOVED_ALREADY


def test_a_closure_gives_a_free_move_and_a_notice(core: Services) -> None:
    booked = book(core, 1, time(9, 0), day=date(2026, 12, 1))
    moved = core.bookings.move(booked.id or 0, booked.chat_id, date(2026, 12, 2), time(9, 0))
    assert isinstance(moved, Booking)
    assert core.bookings.add_outage("kota_bogor", date(2026, 12, 2), "listrik padam", None) == 1
    assert ("closure", "pending") in notices(core, booked.chat_id)
    assert core.bookings.move_problem(moved) is None  # the move they did not cause is given back


def test_confirmations_expire_and_are_carried_out_through_the_operation_table(
    core: Services, clock: MovableClock
) -> None:
    booked = book(core, 1, time(11, 0))
    pending = core.bookings.ask(Operation.CANCEL, booking_id=booked.id)
    assert Pending.loads(pending.dumps()) == pending
    assert core.bookings.pending(pending.dumps()) == pending
    clock.advance(seconds=LIFETIME.total_seconds() + 1)
    assert core.bookings.pending(pending.dumps()) is None  # a late "ya" confirms nothing
    for broken in ("{", '{"op": "bakar", "asked": "2026-11-30T07:00:00+07:00"}', '{"op": "batal", "asked": "x"}'):
        assert Pending.loads(broken) is None
    fresh = core.bookings.ask(Operation.CANCEL, booking_id=booked.id)
    assert isinstance(core.bookings.confirm(fresh, "telegram:someone-else"), Refusal)  # only its own chat
    done = core.bookings.confirm(fresh, booked.chat_id)
    assert isinstance(done, Booking) and done.status is BookingStatus.CANCELLED


def test_erasing_my_data_cancels_and_blanks_personal_fields(core: Services) -> None:
    booked = book(core, 1, time(11, 0))
    assert core.bookings.personal_details(booked)["nik"] == nik(1)
    assert core.bookings.confirm(core.bookings.ask(Operation.ERASE), booked.chat_id) == 1
    assert core.bookings.personal_details(booked) == {"name": None, "nik": None, "phone": None}
    assert places(core, MONDAY, time(11, 0)) == 0
