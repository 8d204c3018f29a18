"""Booking rules against real databases (SQLite file and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

from mpp.booking.model import Booking, BookingRequest, Policy, Reason, Refusal
from mpp.booking.service import BookingService
from mpp.booking.slots import day_slots
from mpp.catalogue.model import Catalogue
from mpp.clock import fixed_clock
from mpp.db.booking_tables import BookingRow, SlotUsageRow
from mpp.db.engine import make_engine, make_session_factory
from mpp.privacy import Crypto, Keys
from testkit.core import on_database

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=WIB)  # Friday
DAY = date(2026, 12, 1)  # Tuesday, open
KEYS = Keys.generate()


def nik(i: int) -> str:
    """A valid NIK per i: Kota Bogor (3271), a real birth date, serial i."""
    return f"327104{(i % 28) + 1:02d}0890{i + 1:04d}"


@pytest.fixture()
def catalogue(demo) -> Catalogue:  # type: ignore[no-untyped-def]
    return demo.catalogue


def service_for(url: str, catalogue: Catalogue, now: datetime = NOW, policy: Policy | None = None) -> BookingService:
    return on_database(url, catalogue, fixed_clock(now), policy=policy, crypto=Crypto(KEYS)).bookings


def first_slot(catalogue: Catalogue, mpp: str = "kota_bogor", service: str = "kk", day: date = DAY) -> time:
    offering = catalogue.offering(mpp, service)
    assert offering is not None
    return day_slots(catalogue.mpps[mpp], offering, day)[0].start


def request(
    i: int,
    start: time,
    *,
    service: str = "kk",
    day: date = DAY,
    chat: str | None = None,
    request_id: str | None = None,
    mpp: str = "kota_bogor",
) -> BookingRequest:
    return BookingRequest(
        request_id=request_id or f"req-{i}",
        chat_id=chat or f"console:user{i}",
        mpp_code=mpp,
        service_code=service,
        day=day,
        start=start,
        name=f"Warga {i}",
        nik=nik(i),
    )


def count(url: str, query) -> int:  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    with engine.connect() as conn:
        value = int(conn.execute(query).scalar_one())
    engine.dispose()
    return value


def with_quota(catalogue: Catalogue, quota: int, service: str = "kk") -> Catalogue:
    key = ("kota_bogor", service)
    return replace(
        catalogue, offerings={**catalogue.offerings, key: replace(catalogue.offerings[key], quota_per_slot=quota)}
    )


def test_booking_gets_code_queue_number_and_stores_no_readable_nik(db_url: str, catalogue: Catalogue) -> None:
    svc = service_for(db_url, catalogue)
    start = first_slot(catalogue)
    booked = svc.book(request(1, start))
    assert isinstance(booked, Booking)
    assert len(booked.code) == 8 and booked.queue_number == "A-001"
    again = svc.book(request(2, start))
    assert isinstance(again, Booking) and again.queue_number == "A-002"
    engine = make_engine(db_url)
    with engine.connect() as conn:
        dump = " ".join(str(v) for row in conn.execute(text("SELECT * FROM booking")) for v in row)
    engine.dispose()
    assert nik(1) not in dump and "Warga 1" not in dump
    assert svc.personal_details(booked)["nik"] == nik(1)


def test_full_slot_offers_nearest_slots_and_other_mpps(db_url: str, catalogue: Catalogue) -> None:
    cat = with_quota(catalogue, 1)
    svc = service_for(db_url, cat)
    start = first_slot(cat)
    assert isinstance(svc.book(request(1, start)), Booking)
    refused = svc.book(request(2, start))
    assert isinstance(refused, Refusal) and refused.reason == Reason.FULL
    assert refused.alternatives and all(o.slot.start != start or o.slot.day != DAY for o in refused.alternatives)
    assert {o.mpp_code for o in refused.other_mpps} == {"kota_bekasi", "kota_tangerang_selatan"}


def test_holiday_is_refused_with_alternatives(db_url: str, catalogue: Catalogue) -> None:
    svc = service_for(db_url, catalogue, now=datetime(2026, 12, 14, 10, 0, tzinfo=WIB))
    refused = svc.book(request(1, time(8, 0), day=date(2026, 12, 24)))
    assert isinstance(refused, Refusal) and refused.reason == Reason.CLOSED and "cuti bersama" in refused.message
    assert refused.alternatives


def test_agency_system_services_are_not_booked_as_mpp_slots(db_url: str, catalogue: Catalogue) -> None:
    svc = service_for(db_url, catalogue)
    refused = svc.book(request(1, time(8, 0), service="paspor"))
    assert isinstance(refused, Refusal) and refused.reason == Reason.NOT_BOOKABLE


def test_one_active_booking_per_nik_service_day_and_the_refusal_reveals_nothing(
    db_url: str, catalogue: Catalogue
) -> None:
    svc = service_for(db_url, catalogue)
    start = first_slot(catalogue)
    held = svc.book(request(1, start))
    assert isinstance(held, Booking)
    later = day_slots(catalogue.mpps["kota_bogor"], catalogue.offering("kota_bogor", "kk"), DAY)[5].start  # type: ignore[arg-type]
    duplicate = svc.book(replace(request(1, later), request_id="other", chat_id="console:someone-else"))
    assert isinstance(duplicate, Refusal) and duplicate.reason == Reason.DUPLICATE
    # a leaked NIK must not tell where and when its holder will be, nor give a code to check in with
    for secret in (held.code, held.queue_number, start.strftime("%H.%M"), "Bogor", "loket"):
        assert secret not in duplicate.message, secret


def test_weekly_caps_per_chat_and_per_nik(db_url: str, catalogue: Catalogue) -> None:
    svc = service_for(db_url, catalogue, policy=Policy(max_per_chat_week=2, max_per_nik_week=2))
    start = first_slot(catalogue)
    for i, service in enumerate(["kk", "ktp_el"]):
        assert isinstance(svc.book(request(i, start, service=service, chat="console:calo")), Booking)
    capped = svc.book(request(5, start, service="akta_kelahiran", chat="console:calo"))
    assert isinstance(capped, Refusal) and capped.reason == Reason.CHAT_LIMIT
    for i, service in enumerate(["kk", "ktp_el"]):
        r = replace(request(9, start, service=service, day=date(2026, 12, 2), chat=f"console:c{i}"), request_id=f"n{i}")
        assert isinstance(svc.book(r), Booking)
    capped = svc.book(
        replace(request(9, start, service="kia", day=date(2026, 12, 3), chat="console:c9"), request_id="n9")
    )
    assert isinstance(capped, Refusal) and capped.reason == Reason.NIK_LIMIT


def test_cancel_frees_the_place_at_once(db_url: str, catalogue: Catalogue) -> None:
    cat = with_quota(catalogue, 1)
    svc = service_for(db_url, cat)
    start = first_slot(cat)
    booked = svc.book(request(1, start))
    assert isinstance(booked, Booking)
    assert isinstance(svc.book(request(2, start)), Refusal)
    assert isinstance(svc.cancel(booked.id, "console:someone-else"), Refusal)  # not their booking
    cancelled = svc.cancel(booked.id, booked.chat_id)
    assert isinstance(cancelled, Booking) and cancelled.status == "cancelled"
    assert isinstance(svc.cancel(booked.id, booked.chat_id), Booking)  # pressed twice: no error
    assert isinstance(svc.book(request(2, start)), Booking)


def test_move_once_and_only_until_the_day_before_cancel_until_the_slot_starts(
    db_url: str, catalogue: Catalogue
) -> None:
    svc = service_for(db_url, catalogue)
    start = first_slot(catalogue)
    booked = svc.book(request(1, start))
    assert isinstance(booked, Booking)
    later = first_slot(catalogue, day=date(2026, 12, 3))
    moved = svc.move(booked.id, booked.chat_id, date(2026, 12, 3), later)
    assert isinstance(moved, Booking) and moved.day == date(2026, 12, 3) and moved.moved_count == 1
    assert count(db_url, select(SlotUsageRow.booked).where(SlotUsageRow.day == DAY)) == 0
    again = svc.move(booked.id, booked.chat_id, date(2026, 12, 4), later)
    assert isinstance(again, Refusal) and again.reason == Reason.MOVED_ALREADY
    tomorrow = date(2026, 11, 30)  # Monday; "now" is Friday, so a booking for Monday can still change
    other = svc.book(request(2, first_slot(catalogue, day=tomorrow), day=tomorrow))
    assert isinstance(other, Booking)
    late = service_for(db_url, catalogue, now=datetime(2026, 11, 30, 7, 0, tzinfo=WIB))
    refused = late.move(other.id, other.chat_id, date(2026, 12, 3), later)  # on the day: no more moving
    assert isinstance(refused, Refusal) and refused.reason == Reason.TOO_LATE
    assert isinstance(late.cancel(other.id, other.chat_id), Booking)  # but cancelling still frees the place


def test_same_day_cancel_until_the_slot_starts_frees_the_place_at_once(db_url: str, catalogue: Catalogue) -> None:
    """09.30 local, a booking for 11.00 today: cancel frees the place; moving it is refused."""
    cat = with_quota(catalogue, 1)
    booked_at = datetime(2026, 11, 30, 7, 0, tzinfo=WIB)  # Monday morning, booking for 11.00 that day
    booked = service_for(db_url, cat, now=booked_at).book(request(1, time(11, 0), day=date(2026, 11, 30)))
    assert isinstance(booked, Booking)
    at_930 = service_for(db_url, cat, now=datetime(2026, 11, 30, 9, 30, tzinfo=WIB))
    moved = at_930.move(booked.id or 0, booked.chat_id, date(2026, 12, 1), first_slot(cat))
    assert isinstance(moved, Refusal) and moved.reason == Reason.TOO_LATE
    cancelled = at_930.cancel(booked.id or 0, booked.chat_id)
    assert isinstance(cancelled, Booking) and cancelled.status == "cancelled"
    assert count(db_url, select(SlotUsageRow.booked).where(SlotUsageRow.day == date(2026, 11, 30))) == 0
    # the same-day cut-off (60 minutes) still decides whether someone else can take it by chat
    taken = at_930.book(request(2, time(11, 0), day=date(2026, 11, 30)))
    assert isinstance(taken, Booking)
    at_1100 = service_for(db_url, cat, now=datetime(2026, 11, 30, 11, 0, tzinfo=WIB))
    started = at_1100.cancel(taken.id or 0, taken.chat_id)  # the slot has started: too late to free it
    assert isinstance(started, Refusal) and started.reason == Reason.STARTED


def test_look_up_by_code_from_another_chat_needs_nik_digits_and_is_rate_limited(
    db_url: str, catalogue: Catalogue
) -> None:
    svc = service_for(db_url, catalogue, policy=Policy(lookups_per_hour=3))
    booked = svc.book(request(1, first_slot(catalogue)))
    assert isinstance(booked, Booking)
    assert isinstance(svc.find(booked.code, booked.chat_id), Booking)
    assert isinstance(svc.find(booked.code.lower(), "console:stranger"), Refusal)
    assert isinstance(svc.find(booked.code, "console:stranger", last4="9999"), Refusal)
    assert isinstance(svc.find(booked.code, "console:stranger", last4=nik(1)[-4:]), Booking)
    assert isinstance(svc.find(booked.code, "console:stranger", last4="1234"), Refusal)
    limited = svc.find(booked.code, "console:stranger", last4=nik(1)[-4:])
    assert isinstance(limited, Refusal) and limited.reason == Reason.RATE_LIMITED


def test_erase_my_data_cancels_and_blanks_personal_fields(db_url: str, catalogue: Catalogue) -> None:
    svc = service_for(db_url, catalogue)
    booked = svc.book(request(1, first_slot(catalogue)))
    assert isinstance(booked, Booking)
    assert svc.erase_chat(booked.chat_id) == 1
    assert svc.personal_details(booked) == {"name": None, "nik": None, "phone": None}
    assert svc.upcoming(booked.chat_id) == []
    assert count(db_url, select(SlotUsageRow.booked)) == 0


def _race(
    url: str, catalogue: Catalogue, make_request: Callable[[int], BookingRequest], attempts: int, threads: int
) -> list[Booking | Refusal]:
    barrier = threading.Barrier(threads)
    per_thread = attempts // threads

    def worker(t: int) -> list[Booking | Refusal]:
        svc = service_for(url, catalogue)  # its own engine, hence its own connection
        barrier.wait()
        return [svc.book(make_request(t * per_thread + k)) for k in range(per_thread)]

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return [o for chunk in pool.map(worker, range(threads)) for o in chunk]


def test_two_hundred_attempts_at_ten_places_book_exactly_ten(db_url: str, catalogue: Catalogue) -> None:
    cat = with_quota(catalogue, 10)
    start = first_slot(cat)
    outcomes = _race(db_url, cat, lambda i: request(i, start), attempts=200, threads=25)
    booked = [o for o in outcomes if isinstance(o, Booking)]
    refused = [o for o in outcomes if isinstance(o, Refusal)]
    assert len(booked) == 10
    assert len(refused) == 190 and all(r.reason == Reason.FULL and r.alternatives for r in refused)
    assert count(db_url, select(func.count()).select_from(BookingRow)) == 10
    assert count(db_url, select(SlotUsageRow.booked)) == 10
    assert len({b.queue_number for b in booked}) == 10


def test_double_tapped_confirmation_books_once(db_url: str, catalogue: Catalogue) -> None:
    start = first_slot(catalogue)
    outcomes = _race(db_url, catalogue, lambda i: request(1, start, request_id="same-tap"), attempts=20, threads=20)
    assert all(isinstance(o, Booking) for o in outcomes)
    assert len({o.code for o in outcomes if isinstance(o, Booking)}) == 1
    assert count(db_url, select(func.count()).select_from(BookingRow)) == 1


def test_retention_purge_erases_old_visits_only(db_url: str, catalogue: Catalogue, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from mpp.booking.repository import purge_personal_data
    from mpp.cli import main as cli
    from mpp.db.uow import UnitOfWork

    svc = service_for(db_url, catalogue)
    old = svc.book(request(1, first_slot(catalogue)))
    later_day = date(2026, 12, 3)
    recent = svc.book(request(2, first_slot(catalogue, day=later_day), day=later_day))
    assert isinstance(old, Booking) and isinstance(recent, Booking)
    engine = make_engine(db_url)
    with UnitOfWork(make_session_factory(engine), write=True) as uow:
        # as if today were 31 days after 1 December: only that visit is past retention
        assert purge_personal_data(uow.session, date(2026, 12, 2), NOW) == 1
        uow.commit()
    engine.dispose()
    assert svc.personal_details(old) == {"name": None, "nik": None, "phone": None}
    assert svc.personal_details(recent)["nik"] == nik(2)
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert cli(["privacy", "purge"]) == 0  # the daily command runs against the real clock


def test_one_nik_from_many_chats_at_once_books_once(db_url: str, catalogue: Catalogue) -> None:
    offering = catalogue.offering("kota_bogor", "kk")
    assert offering is not None
    slots = day_slots(catalogue.mpps["kota_bogor"], offering, DAY)

    def same_nik(i: int) -> BookingRequest:
        return replace(request(1, slots[i % len(slots)].start, chat=f"console:calo{i}"), request_id=f"calo-{i}")

    outcomes = _race(db_url, catalogue, same_nik, attempts=20, threads=20)
    assert sum(isinstance(o, Booking) for o in outcomes) == 1
    assert all(o.reason == Reason.DUPLICATE for o in outcomes if isinstance(o, Refusal))


def test_the_sweep_command_marks_no_shows_and_tells_them(
    db_url: str, catalogue: Catalogue, monkeypatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    from mpp.cli import main as cli
    from mpp.db.queue_tables import NotificationRow

    booked = service_for(db_url, catalogue).book(request(1, first_slot(catalogue)))  # 1 December, first slot
    assert isinstance(booked, Booking)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("MPP_NOW", "2026-12-01T07:00:00+07:00")  # before the slot: nothing to do
    assert cli(["booking", "sweep"]) == 0
    assert "0 booking(s) marked as no-show" in capsys.readouterr().out
    monkeypatch.setenv("MPP_NOW", "2026-12-01T12:00:00+07:00")  # long after it, never checked in
    assert cli(["booking", "sweep"]) == 0
    assert "1 booking(s) marked as no-show" in capsys.readouterr().out
    assert count(db_url, select(func.count()).select_from(BookingRow).where(BookingRow.status == "no_show")) == 1
    missed = select(func.count()).select_from(NotificationRow).where(NotificationRow.kind == "missed")
    assert count(db_url, missed) == 1


def test_an_unreachable_database_is_unavailable_not_a_driver_error(catalogue: Catalogue) -> None:
    """Actions tell the citizen to try again on mpp.storage.Unavailable; they never see SQLAlchemy."""
    from mpp.storage import Unavailable

    nowhere = on_database("postgresql+psycopg2://postgres@127.0.0.1:9/none", catalogue, fixed_clock(NOW))
    with pytest.raises(Unavailable):
        nowhere.bookings.upcoming("telegram:1")  # a read: connects inside the unit of work
    with pytest.raises(Unavailable):
        nowhere.bookings.cancel(1, "telegram:1")  # a write: connects when the unit of work begins
