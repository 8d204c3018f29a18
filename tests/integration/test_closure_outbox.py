"""Closures and their notices are one transaction; a closure notice can be withdrawn.

A crash right after the closure is stored loses no notice (they wait in the outbox for the
notifier); a crash before it stores neither the closure nor any notice. Withdrawing a closure
reopens its days and tells only the citizens whose booking still stands as it was.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.notifier import Notifier
from mpp.booking import replies
from mpp.booking.model import Booking, BookingRequest
from mpp.booking.slots import day_slots
from mpp.catalogue.store import CatalogueProvider, save_catalogue
from mpp.clock import fixed_clock
from mpp.db.editor_tables import AnnouncementRow
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.queue_tables import NotificationRow, OutageRow
from mpp.db.staff_tables import AuditRow
from mpp.db.uow import UnitOfWork
from mpp.editor.announcements import AnnouncementRefused, Announcements
from mpp.editor.changes import CatalogueEditor
from mpp.editor.document import Target
from mpp.staff.roles import Refused, Role, StaffMember
from testkit.core import on_database

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=WIB)  # Friday
DAY = date(2026, 12, 1)  # Tuesday, open
ADMIN = StaffMember(4, "admin.bogor", Role.MPP_ADMIN, "kota_bogor", None)
ADMIN_BEKASI = StaffMember(5, "admin.bekasi", Role.MPP_ADMIN, "kota_bekasi", None)
CLERK = StaffMember(2, "dukcapil.bogor", Role.CLERK, "kota_bogor", "disdukcapil")
NATIONAL = StaffMember(6, "pusat", Role.NATIONAL_ADMIN, None, None)


class Crash(BaseException):
    """The console process dying (not an error the code could catch and handle)."""


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []

    async def deliver(self, chat_id: str, text: str) -> None:
        self.sent.append((chat_id, text))


@pytest.fixture()
def site(db_url: str, demo):  # type: ignore[no-untyped-def]
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    with UnitOfWork(factory, write=True) as uow:
        save_catalogue(uow.session, demo)
        uow.commit()
    provider = CatalogueProvider(factory, refresh_seconds=3600)
    services = on_database(factory, provider.get, fixed_clock(NOW))
    yield provider, services, factory
    engine.dispose()


def book(services, provider, i: int, service: str = "ktp_el", day: date = DAY, slot: int = 0) -> Booking:  # type: ignore[no-untyped-def]
    cat = provider.get()
    start = day_slots(cat.mpps["kota_bogor"], cat.offering("kota_bogor", service), day)[slot].start
    outcome = services.bookings.book(
        BookingRequest(
            f"req-{i}",
            f"telegram:{100 + i}",
            "kota_bogor",
            service,
            day,
            start,
            f"Warga {i}",
            f"327104{(i % 28) + 1:02d}0890{i + 1:04d}",
        )
    )
    assert isinstance(outcome, Booking), outcome
    return outcome


def notices(factory, kind: str) -> dict[int, list[str]]:  # type: ignore[no-untyped-def]
    with factory() as s:
        found: dict[int, list[str]] = {}
        for row in s.execute(select(NotificationRow).where(NotificationRow.kind == kind)).scalars():
            found.setdefault(row.booking_id, []).append(row.text)
        return found


async def test_a_crash_right_after_an_approved_closure_loses_no_notice(site) -> None:  # type: ignore[no-untyped-def]
    provider, services, factory = site
    hit = [book(services, provider, 1), book(services, provider, 2, "kk")]
    spared = book(services, provider, 3, day=DAY + timedelta(days=1))

    def crash() -> None:  # the console dies between the commit and anything it did after it
        raise Crash()

    editor = CatalogueEditor(factory, services.bookings, lambda: NOW, crash)
    target = Target("mpp", "kota_bogor")
    form = editor.fields("hours", target)
    form.update(closures=form["closures"] + "\n2026-12-01 | Pemadaman listrik gedung (uji)", source_id="demo_config")
    change = editor.save(ADMIN, "hours", target, form, submit=True)
    assert change.problems == {}
    with pytest.raises(Crash):
        editor.approve(NATIONAL, change.id)
    provider.invalidate()
    assert provider.get().mpps["kota_bogor"].closures  # the closure is stored...
    told = notices(factory, "closure")  # ...and so is every notice it causes, before anything was sent
    assert sorted(told) == sorted(b.id for b in hit) and spared.id not in told
    assert all("Pemadaman listrik gedung (uji)" in t for texts in told.values() for t in texts)

    recorder = Recorder()  # the notifier, started again, delivers them: once each
    notifier = Notifier(factory, recorder, now=lambda: NOW)
    assert await notifier.run_once_db() == 2
    assert await notifier.run_once_db() == 0
    assert sorted(c for c, _ in recorder.sent) == ["telegram:101", "telegram:102"]


def test_a_closure_notice_that_fails_half_way_stores_nothing(site, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    provider, services, factory = site
    book(services, provider, 1)
    book(services, provider, 2, "kk")
    real, calls = replies.closure, []

    def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 2:
            raise Crash()
        return real(*args, **kwargs)

    monkeypatch.setattr(replies, "closure", failing)
    board = Announcements(factory, services.bookings, provider.get, lambda: NOW)
    with pytest.raises(Crash):
        board.post(ADMIN, "kota_bogor", "disdukcapil", None, "closure", "Dukcapil tutup (uji).", DAY, DAY)
    with factory() as s:  # all or nothing: no notice, no closed day, no half-told citizens
        assert s.execute(select(AnnouncementRow)).first() is None
        assert s.execute(select(OutageRow)).first() is None
    assert notices(factory, "closure") == {}
    assert services.bookings.free_slots("kota_bogor", "ktp_el", DAY)
    monkeypatch.setattr(replies, "closure", real)
    notice = board.post(ADMIN, "kota_bogor", "disdukcapil", None, "closure", "Dukcapil tutup (uji).", DAY, DAY)
    assert notice.notified == 2 and len(notices(factory, "closure")) == 2


def test_withdrawing_a_closure_reopens_it_and_tells_only_bookings_still_standing(site) -> None:  # type: ignore[no-untyped-def]
    provider, services, factory = site
    stays = book(services, provider, 1)
    moves = book(services, provider, 2, "kk")
    cancels = book(services, provider, 3, "akta_kelahiran")
    other_agency = book(services, provider, 4, "pajak_kendaraan")
    board = Announcements(factory, services.bookings, provider.get, lambda: NOW)
    notice = board.post(ADMIN, "kota_bogor", "disdukcapil", None, "closure", "Server SIAK dipelihara (uji).", DAY, DAY)
    assert notice.notified == 3 and other_agency.id not in notices(factory, "closure")
    assert services.bookings.free_slots("kota_bogor", "ktp_el", DAY) == []
    moved = services.bookings.move(moves.id or 0, moves.chat_id, DAY + timedelta(days=1), moves.start)
    assert isinstance(moved, Booking) and moved.day == DAY + timedelta(days=1)
    assert isinstance(services.bookings.cancel(cancels.id or 0, cancels.chat_id), Booking)

    for stranger in (CLERK, ADMIN_BEKASI):
        with pytest.raises(Refused):
            board.withdraw(stranger, notice.id)
    withdrawn, told = board.withdraw(ADMIN, notice.id)
    assert withdrawn.withdrawn and told == 1
    reopened = notices(factory, "reopened")
    assert list(reopened) == [stays.id]  # the moved and the cancelled booking hear nothing
    assert "dibatalkan" in reopened[stays.id][0] and "tetap berlaku" in reopened[stays.id][0]
    assert stays.code in reopened[stays.id][0]
    assert services.bookings.free_slots("kota_bogor", "ktp_el", DAY)  # bookable again
    with factory() as s:
        assert s.execute(select(OutageRow)).first() is None
        reminders = s.execute(
            select(NotificationRow.kind).where(
                NotificationRow.booking_id == stays.id,
                NotificationRow.status == "pending",
                NotificationRow.kind.in_(("reminder_day", "reminder_hour")),
            )
        ).all()
        assert sorted(k for (k,) in reminders) == ["reminder_day", "reminder_hour"]  # its reminders are back
        audit = s.execute(select(AuditRow.action, AuditRow.staff_id).where(AuditRow.action.like("announcement%"))).all()
    assert [tuple(a) for a in audit] == [("announcement", ADMIN.id), ("announcement_withdrawn", ADMIN.id)]
    with pytest.raises(AnnouncementRefused, match="sudah ditarik"):
        board.withdraw(ADMIN, notice.id)
    assert len(notices(factory, "reopened")) == 1  # told once


def test_withdrawing_one_of_two_closures_tells_only_those_it_alone_closed(site) -> None:  # type: ignore[no-untyped-def]
    provider, services, factory = site
    dukcapil, samsat = book(services, provider, 1), book(services, provider, 2, "pajak_kendaraan")
    board = Announcements(factory, services.bookings, provider.get, lambda: NOW)
    first = board.post(ADMIN, "kota_bogor", "disdukcapil", None, "closure", "Dukcapil tutup (uji).", DAY, DAY)
    wide = board.post(ADMIN, "kota_bogor", None, None, "closure", "MPP tutup seharian (uji).", DAY, DAY)
    assert (first.notified, wide.notified) == (1, 1)  # the Dukcapil booking hears of its closed day once
    _, told = board.withdraw(ADMIN, wide.id)
    assert told == 1 and list(notices(factory, "reopened")) == [samsat.id]  # Dukcapil is still closed by the first
    assert services.bookings.free_slots("kota_bogor", "ktp_el", DAY) == []
    _, told = board.withdraw(ADMIN, first.id)
    assert told == 1 and sorted(notices(factory, "reopened")) == sorted([samsat.id, dukcapil.id])


def test_undoing_a_catalogue_closure_tells_the_bookings_that_stand_again(site) -> None:  # type: ignore[no-untyped-def]
    provider, services, factory = site
    editor = CatalogueEditor(factory, services.bookings, lambda: NOW, provider.invalidate)
    stays, moves = book(services, provider, 1), book(services, provider, 2, "kk")
    target = Target("mpp", "kota_bogor")
    form = editor.fields("hours", target)
    form.update(closures=form["closures"] + "\n2026-12-01 | Pemadaman listrik gedung (uji)", source_id="demo_config")
    change = editor.save(ADMIN, "hours", target, form, submit=True)
    assert editor.approve(NATIONAL, change.id).notified == 2
    moved = services.bookings.move(moves.id or 0, moves.chat_id, DAY + timedelta(days=1), moves.start)
    assert isinstance(moved, Booking)
    with pytest.raises(Refused):
        editor.revert(CLERK, change.id)
    editor.revert(ADMIN, change.id)  # withdrawn: the day is open again
    reopened = notices(factory, "reopened")
    assert list(reopened) == [stays.id] and "tetap berlaku" in reopened[stays.id][0]
    with factory() as s:
        actions = [
            a
            for (a,) in s.execute(
                select(AuditRow.action).where(AuditRow.action.like("catalogue_%")).order_by(AuditRow.id)
            )
        ]
    assert actions[-1] == "catalogue_revert"
