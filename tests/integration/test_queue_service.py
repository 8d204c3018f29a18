"""The counter queue on real databases: check-in, calls, no-shows, transfers, estimates, notifications."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from mpp.booking.model import Booking, BookingRequest
from mpp.booking.service import BookingService
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.queue_tables import NotificationRow
from mpp.queue.service import QueueError, Staff
from testkit.core import MovableClock, on_database

WIB = ZoneInfo("Asia/Jakarta")
DAY = date(2026, 12, 1)  # Tuesday


@pytest.fixture()
def env(db_url: str, demo):  # type: ignore[no-untyped-def]
    clock = MovableClock(datetime(2026, 11, 27, 10, 0, tzinfo=WIB))
    services = on_database(db_url, demo.catalogue, clock)
    return clock, services.bookings, services.queue, services.session_factory


def book(bookings: BookingService, i: int, start: time, service: str = "kk") -> Booking:
    nik = f"327104{(i % 28) + 1:02d}0890{i + 1:04d}"
    outcome = bookings.book(
        BookingRequest(f"q{i}", f"console:citizen{i}", "kota_bogor", service, DAY, start, "Warga", nik)
    )
    assert isinstance(outcome, Booking), outcome
    return outcome


def notes(factory, chat: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with factory() as s:
        return [
            (n.kind, n.text)
            for n in s.execute(
                select(NotificationRow).where(NotificationRow.chat_id == chat).order_by(NotificationRow.id)
            ).scalars()
        ]


STAFF = Staff(1, "kota_bogor", "disdukcapil", "1")
STAFF2 = Staff(2, "kota_bogor", "disdukcapil", "2")


def test_booking_schedules_reminders_and_cancelling_withdraws_them(env) -> None:  # type: ignore[no-untyped-def]
    clock, bookings, queue, factory = env
    b = book(bookings, 1, time(9, 0))
    kinds = [k for k, _ in notes(factory, b.chat_id)]
    assert kinds == ["reminder_day", "reminder_hour"]
    assert "besok" in notes(factory, b.chat_id)[0][1] and b.code in notes(factory, b.chat_id)[1][1]
    bookings.cancel(b.id, b.chat_id)
    with factory() as s:
        statuses = {
            n.status for n in s.execute(select(NotificationRow).where(NotificationRow.booking_id == b.id)).scalars()
        }
    assert statuses == {"cancelled"}


def test_check_in_call_and_serve_a_booking_with_notifications(env) -> None:  # type: ignore[no-untyped-def]
    clock, bookings, queue, factory = env
    b = book(bookings, 1, time(9, 0))
    clock.at = datetime(2026, 12, 1, 8, 45, tzinfo=WIB)
    with pytest.raises(QueueError):
        queue.check_in("kota_bekasi", b.code)  # another MPP
    ticket = queue.check_in("kota_bogor", b.code)
    assert queue.check_in("kota_bogor", b.code.lower()).id == ticket.id  # scanned twice
    assert ticket.number == b.queue_number and ticket.status == "waiting"
    called = queue.call_next(STAFF)
    assert called is not None and called.id == ticket.id
    messages = [t for k, t in notes(factory, b.chat_id) if k == "called"]
    assert messages == [f"Nomor antrean {b.queue_number}: silakan menuju loket 1 (Lantai Dasar) sekarang."]
    clock.advance(minutes=7)
    assert queue.served(STAFF, ticket.id).status == "served"
    assert queue.call_next(STAFF) is None


def test_walk_ins_and_bookings_mix_fairly_and_the_priority_lane_first(env) -> None:  # type: ignore[no-untyped-def]
    clock, bookings, queue, factory = env
    b = book(bookings, 1, time(10, 0))
    clock.at = datetime(2026, 12, 1, 9, 0, tzinfo=WIB)
    walk1 = queue.issue_walk_in("kota_bogor", "ktp_el")
    queue.check_in("kota_bogor", b.code)  # early for 10.00
    walk2 = queue.issue_walk_in("kota_bogor", "kk")
    elderly = queue.issue_walk_in("kota_bogor", "akta_kelahiran", priority=True)
    assert walk1.number.startswith("A-") and walk1.number != b.queue_number
    first = queue.call_next(STAFF)
    assert first is not None and first.id == elderly.id
    clock.at = datetime(2026, 12, 1, 9, 55, tzinfo=WIB)  # the booking is due now
    second = queue.call_next(STAFF2)
    assert second is not None and second.number == b.queue_number
    third = queue.call_next(STAFF2)
    assert third is not None and third.id == walk1.id
    assert queue.call_next(STAFF) is not None and queue.call_next(STAFF) is None  # walk2, then nobody
    assert walk2.id not in {t.id for t in queue.queue("kota_bogor", "disdukcapil")["waiting"]}


def test_recall_once_then_no_show_after_grace(env) -> None:  # type: ignore[no-untyped-def]
    clock, bookings, queue, factory = env
    b = book(bookings, 1, time(9, 0))
    clock.at = datetime(2026, 12, 1, 8, 50, tzinfo=WIB)
    ticket = queue.check_in("kota_bogor", b.code)
    queue.call_next(STAFF)
    with pytest.raises(QueueError, match="Panggil ulang"):
        queue.no_show(STAFF, ticket.id)
    queue.recall(STAFF, ticket.id)
    with pytest.raises(QueueError, match="sudah dipanggil ulang"):
        queue.recall(STAFF, ticket.id)
    with pytest.raises(QueueError, match="Tunggu"):
        queue.no_show(STAFF, ticket.id)
    clock.advance(minutes=4)
    assert queue.no_show(STAFF, ticket.id).status == "no_show"
    kinds = [k for k, _ in notes(factory, b.chat_id)]
    assert kinds.count("called") == 2 and kinds[-1] == "no_show"


def test_transfer_to_another_counter(env) -> None:  # type: ignore[no-untyped-def]
    clock, bookings, queue, factory = env
    clock.at = datetime(2026, 12, 1, 9, 0, tzinfo=WIB)
    moved = queue.issue_walk_in("kota_bogor", "kk")
    queue.issue_walk_in("kota_bogor", "kk")
    queue.call_next(STAFF)
    queue.transfer(STAFF, moved.id, "3")
    assert queue.call_next(STAFF2) is not None and queue.call_next(STAFF2) is None  # counter 2 never gets it
    at_three = queue.call_next(Staff(3, "kota_bogor", "disdukcapil", "3"))
    assert at_three is not None and at_three.id == moved.id


def test_staff_of_another_agency_cannot_touch_a_ticket(env) -> None:  # type: ignore[no-untyped-def]
    clock, bookings, queue, factory = env
    clock.at = datetime(2026, 12, 1, 9, 0, tzinfo=WIB)
    ticket = queue.issue_walk_in("kota_bogor", "kk")
    queue.call_next(STAFF)
    samsat = Staff(9, "kota_bogor", "samsat", "9")
    with pytest.raises(QueueError, match="bukan antrean instansi Anda"):
        queue.served(samsat, ticket.id)
    with pytest.raises(QueueError):
        queue.served(Staff(10, "kota_bekasi", "disdukcapil", "1"), ticket.id)


def test_away_notice_and_estimate_from_measured_service_times(env) -> None:  # type: ignore[no-untyped-def]
    clock, bookings, queue, factory = env
    starts = [time(8, 0), time(8, 15), time(8, 30), time(8, 45), time(9, 0), time(9, 15)]
    booked = [book(bookings, i, start) for i, start in enumerate(starts)]
    clock.at = datetime(2026, 12, 1, 7, 40, tzinfo=WIB)
    for b in booked:
        queue.check_in("kota_bogor", b.code)
    for _ in range(2):  # two served in 8 minutes each: the estimate follows them, not the 15-minute slot
        clock.advance(minutes=1)
        called = queue.call_next(STAFF)
        assert called is not None
        clock.advance(minutes=8)
        queue.served(STAFF, called.id)
    last = booked[-1]
    ((ticket, ahead, minutes),) = queue.position(last.chat_id)
    assert ahead == 3 and minutes == pytest.approx(3 * 8, abs=0.5)
    away = [t for k, t in notes(factory, last.chat_id) if k == "away"]
    assert len(away) == 1 and "tinggal 3 nomor lagi" in away[0]


def test_two_counters_calling_at_once_never_get_the_same_ticket(env) -> None:  # type: ignore[no-untyped-def]
    clock, bookings, queue, factory = env
    clock.at = datetime(2026, 12, 1, 9, 0, tzinfo=WIB)
    for _ in range(12):
        queue.issue_walk_in("kota_bogor", "kk")
    barrier = threading.Barrier(6)

    def counter(n: int) -> list[int]:
        staff = Staff(n, "kota_bogor", "disdukcapil", str(n))
        barrier.wait()
        got = []
        for _ in range(3):
            ticket = queue.call_next(staff)
            if ticket:
                got.append(ticket.id)
        return got

    with ThreadPoolExecutor(6) as pool:
        calls = [i for chunk in pool.map(counter, range(1, 7)) for i in chunk]
    assert len(calls) == 12 and len(set(calls)) == 12


def test_a_closure_after_booking_tells_the_citizen_and_frees_a_move(env, demo) -> None:  # type: ignore[no-untyped-def]
    from mpp.booking.model import Reason, Refusal
    from mpp.booking.outages import add_outage

    clock, bookings, queue, factory = env
    b = book(bookings, 1, time(9, 0), service="ktp_el")
    other = book(bookings, 2, time(9, 0), service="kk")
    moved = bookings.move(b.id, b.chat_id, date(2026, 12, 2), time(9, 0))
    assert isinstance(moved, Booking) and moved.moved_count == 1
    assert (
        add_outage(bookings, demo.catalogue, "kota_bogor", date(2026, 12, 2), "blanko KTP-el habis", "ktp_el", clock())
        == 1
    )
    closure = [t for k, t in notes(factory, b.chat_id) if k == "closure"]
    assert len(closure) == 1 and "blanko KTP-el habis" in closure[0] and "Slot terdekat" in closure[0]
    assert not [k for k, _ in notes(factory, other.chat_id) if k == "closure"]  # KK that day is not affected
    refused = bookings.book(
        BookingRequest(
            "x", "console:new", "kota_bogor", "ktp_el", date(2026, 12, 2), time(10, 0), "W", "3271040101900009"
        )
    )
    assert isinstance(refused, Refusal) and refused.reason == Reason.CLOSED and "blanko" in refused.message
    again = bookings.move(b.id, b.chat_id, date(2026, 12, 3), time(9, 0))  # the free move
    assert isinstance(again, Booking) and again.day == date(2026, 12, 3)


def test_a_catalogue_reload_that_closes_a_booked_day_tells_the_citizen(
    db_url: str, demo, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import shutil
    from datetime import datetime as dt

    import yaml

    from mpp.cli import main as cli
    from tests.conftest import CATALOGUE_DIR

    monkeypatch.setenv("DATABASE_URL", db_url)
    assert cli(["catalogue", "load"]) == 0
    factory = make_session_factory(make_engine(db_url))
    bookings = on_database(factory, demo.catalogue, lambda: dt.now(WIB)).bookings
    today = dt.now(WIB).date()
    day = next(today + timedelta(days=d) for d in range(2, 10) if (today + timedelta(days=d)).weekday() < 4)
    b = bookings.book(
        BookingRequest("r", "telegram:555", "kota_bogor", "kk", day, time(9, 0), "Warga", "3271041508900001")
    )
    assert isinstance(b, Booking)
    directory = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, directory)
    path = directory / "mpp" / "kota_bogor.yaml"
    data = yaml.safe_load(path.read_text())
    data["mpp"]["sources"].append({"id": "surat_dpmptsp", "title": "Surat Kepala DPMPTSP"})
    data["mpp"]["closures"] = [
        {"date": day, "reason": "Pemadaman listrik terjadwal", "sources": ["surat_dpmptsp"], "checked": day}
    ]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    assert cli(["catalogue", "load", "--dir", str(directory)]) == 0
    closure = [t for k, t in notes(factory, "telegram:555") if k == "closure"]
    assert len(closure) == 1 and "Pemadaman listrik terjadwal" in closure[0]
