"""The handoff's pure rules: service hours and the next opening, the way back, the citizen's texts."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from mpp.handoff import replies
from mpp.handoff.hours import current_opening, next_opening
from mpp.handoff.model import Situation, Wait
from mpp.handoff.service import ERASE, WAY_BACK, phrase

WIB = ZoneInfo("Asia/Jakarta")


def test_service_time_follows_the_hours_the_break_and_the_friday_prayer(demo) -> None:  # type: ignore[no-untyped-def]
    cat, bogor = demo.catalogue, demo.catalogue.mpp("kota_bogor")
    assert current_opening(cat, bogor, datetime(2026, 12, 1, 9, 0, tzinfo=WIB)) is not None
    assert current_opening(cat, bogor, datetime(2026, 12, 1, 12, 30, tzinfo=WIB)) is None  # the break
    assert next_opening(cat, bogor, datetime(2026, 12, 1, 12, 30, tzinfo=WIB)) == datetime(
        2026, 12, 1, 13, 0, tzinfo=WIB
    )
    friday = datetime(2026, 12, 4, 11, 45, tzinfo=WIB)  # Friday prayer: 11.30-12.30
    assert current_opening(cat, bogor, friday) is None
    assert next_opening(cat, bogor, friday) == datetime(2026, 12, 4, 12, 30, tzinfo=WIB)
    opening = current_opening(cat, bogor, datetime(2026, 12, 1, 15, 0, tzinfo=WIB))
    assert opening is not None and opening.end == datetime(2026, 12, 1, 16, 0, tzinfo=WIB)


def test_the_next_opening_skips_weekends_decreed_holidays_and_closures(demo) -> None:  # type: ignore[no-untyped-def]
    cat, bogor = demo.catalogue, demo.catalogue.mpp("kota_bogor")
    saturday = datetime(2026, 12, 5, 10, 0, tzinfo=WIB)
    assert current_opening(cat, bogor, saturday) is None
    assert next_opening(cat, bogor, saturday) == datetime(2026, 12, 7, 7, 30, tzinfo=WIB)
    holiday = next(d for d in sorted(cat.holidays) if d > date(2026, 12, 1) and d.weekday() < 5)
    eve = datetime.combine(holiday, datetime.min.time(), WIB).replace(hour=6)
    assert current_opening(cat, bogor, eve.replace(hour=9)) is None
    assert next_opening(cat, bogor, eve).date() > holiday
    closed = {date(2026, 12, 7): "pemadaman listrik"}
    assert next_opening(cat, bogor, saturday, closed) == datetime(2026, 12, 8, 7, 30, tzinfo=WIB)


def test_the_way_back_is_recognised_in_everyday_spellings_and_nothing_else() -> None:
    assert phrase("Kembali ke ASISTEN!!") in WAY_BACK
    assert phrase("  balik   ke bot.") in WAY_BACK
    assert phrase("hapus data saya") in ERASE
    assert phrase("saya akan kembali ke asisten nanti setelah urusan selesai") not in WAY_BACK
    assert phrase("kembali") not in WAY_BACK


def test_the_citizen_is_told_when_a_message_will_be_answered(demo) -> None:  # type: ignore[no-untyped-def]
    bogor = demo.catalogue.mpp("kota_bogor")
    closed = Situation("kota_bogor", None, False, 0, None, datetime(2026, 12, 7, 7, 30, tzinfo=WIB))
    text = replies.message_left(bogor, closed).text
    assert "Senin, 7 Desember 2026 pukul 07.30 WIB" in text
    assert "belum terverifikasi" in text  # the demo hours are placeholders: said so
    serving = Situation(
        "kota_bogor", None, True, 0, datetime(2026, 12, 1, 12, 0, tzinfo=WIB), datetime(2026, 12, 1, 13, 0, tzinfo=WIB)
    )
    assert "hari ini sampai pukul 12.00 WIB" in replies.offer_message(bogor, serving).text
    unknown = Situation("kota_bogor", None, False, 0, None, None)
    assert "belum ada di katalog" in replies.message_left(bogor, unknown).text


def test_the_wait_is_said_honestly() -> None:
    assert "belum bisa diperkirakan" in replies.estimate(Wait(3, None))
    assert "sekitar 12 menit" in replies.estimate(Wait(1, 12))
    assert "sebentar lagi" in replies.estimate(Wait(0, 0, free_now=True))
