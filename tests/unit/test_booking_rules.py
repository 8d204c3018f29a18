"""Calendar, slots and NIK checks (pure functions over the demo catalogue)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from mpp.booking.calendar import closed_on, national_day_off
from mpp.booking.codes import ALPHABET, new_code
from mpp.booking.nik import check_nik
from mpp.booking.slots import Policy, bookable_slots, day_slots
from mpp.catalogue.model import Catalogue, Closure

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=WIB)  # a Friday


@pytest.fixture()
def cat(demo) -> Catalogue:  # type: ignore[no-untyped-def]
    return demo.catalogue


def test_decreed_cuti_bersama_and_eid_dates_are_closed(cat: Catalogue) -> None:
    bogor = cat.mpps["kota_bogor"]
    christmas_eve = closed_on(cat, bogor, date(2026, 12, 24))  # a Thursday: open by weekly hours
    assert christmas_eve is not None and "cuti bersama" in christmas_eve.reason and not christmas_eve.estimate
    # SKB 2026: Idul Fitri 21-22 March with cuti bersama 20, 23, 24 March. The holidays package
    # estimates Eid on 20-21 March and knows no cuti bersama for 2026; the decree must win.
    for day in (20, 21, 22, 23, 24):
        assert closed_on(cat, bogor, date(2026, 3, day)) is not None, day
    assert closed_on(cat, bogor, date(2026, 3, 25)) is None  # Wednesday after: open again


def test_years_without_a_decree_fall_back_to_the_holidays_package(cat: Catalogue) -> None:
    new_year = national_day_off(cat, date(2027, 1, 1))
    assert new_year is not None and new_year.estimate
    assert national_day_off(cat, date(2027, 1, 12)) is None  # an ordinary Tuesday


def test_mpp_own_closure_and_weekend(cat: Catalogue) -> None:
    bogor = replace(cat.mpps["kota_bogor"], closures=(Closure(date(2026, 12, 2), "Pemeliharaan listrik"),))
    assert closed_on(cat, bogor, date(2026, 12, 2)).reason == "Pemeliharaan listrik"  # type: ignore[union-attr]
    assert "Sabtu" in closed_on(cat, bogor, date(2026, 11, 28)).reason  # type: ignore[union-attr]


def test_friday_slots_skip_the_prayer_break(cat: Catalogue) -> None:
    bogor = cat.mpps["kota_bogor"]
    offering = cat.offering("kota_bogor", "ktp_el")
    assert offering is not None
    friday = day_slots(bogor, offering, date(2026, 12, 4))
    hours = bogor.hours_on(4)
    assert hours is not None and hours.break_start and hours.break_end
    assert all(not (s.start < hours.break_end and s.end > hours.break_start) for s in friday)
    assert friday[0].start == hours.opens and friday[-1].end <= hours.closes


def test_window_and_same_day_cut_off(cat: Catalogue) -> None:
    bogor, offering = cat.mpps["kota_bogor"], cat.offering("kota_bogor", "kk")
    assert offering is not None
    policy = Policy(window_days=14, same_day_cutoff_minutes=60)
    today = bookable_slots(cat, bogor, offering, date(2026, 11, 27), NOW, policy)
    assert today and all(s.start >= time(11, 0) for s in today)
    assert bookable_slots(cat, bogor, offering, date(2026, 12, 11), NOW, policy)  # day 14
    assert bookable_slots(cat, bogor, offering, date(2026, 12, 14), NOW, policy) == []  # beyond the window
    assert bookable_slots(cat, bogor, offering, date(2026, 12, 24), NOW, policy) == []  # cuti bersama


@pytest.mark.parametrize(
    ("nik", "fault"),
    [
        ("327104570890001", "16 angka, yang Anda kirim 15"),
        ("32710457089000a1", "hanya berisi angka"),
        ("9971045708900001", "kode provinsi"),
        ("3200045708900001", "kode kabupaten/kota"),
        ("3271005708900001", "kode kecamatan"),
        ("3271043102900001", "tidak membentuk tanggal"),  # 31 February
        ("3271047202900001", "tidak membentuk tanggal"),  # woman: 72-40 = 32nd
        ("3271041512260001", "masa depan"),  # born 15 December 2026, after "today"
        ("3271041508900000", "nomor urut"),
    ],
)
def test_each_nik_fault_gets_its_own_message(nik: str, fault: str) -> None:
    result = check_nik(nik, date(2026, 11, 27))
    assert result.nik is None and result.problem is not None and fault in result.problem


def test_valid_nik_for_a_woman_adds_forty_to_the_day() -> None:
    result = check_nik("3271 0457 0890 0001", date(2026, 11, 27))
    assert result.nik == "3271045708900001" and result.female and result.birth_date == date(1990, 8, 17)


def test_nik_typed_on_odd_keyboards() -> None:
    full_width = "".join(chr(0xFF10 + int(c)) for c in "3271045708900001")
    assert check_nik(full_width, date(2026, 11, 27)).nik == "3271045708900001"
    for odd in ("327104570890000❹", "327104570890000²x", "٣٢٧١٠٤٥٧٠٨٩٠٠٠٠١"[:15] + "\x00"):
        result = check_nik(odd, date(2026, 11, 27))
        assert result.nik is None and result.problem, odd


def test_booking_codes_avoid_look_alikes() -> None:
    for _ in range(500):
        code = new_code()
        assert len(code) == 8 and set(code) <= set(ALPHABET)
        assert not set(code) & set("01OI")
