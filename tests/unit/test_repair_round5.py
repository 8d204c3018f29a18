"""Issue 17 round 5: the failure families described from the blind set e, on the in-memory core (own wording).

A time kept after a change of service that the new service's slots do not start at; a yes with a typo or
"sudah" at the summary; "bpjs" of a mistyped longer name; moving a booking in Javanese and Betawi words;
a Betawi stop at the time prompt; Sundanese and Javanese "today".
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from actions.booking_forms import fuller_service
from mpp.booking.confirmation import Operation
from mpp.booking.model import Refusal
from mpp.booking.repair import says_yes, wants_move, wants_to_stop
from mpp.clock import fixed_clock
from nlu.datetime_parser import Dates, parse
from testkit.core import Services, in_memory
from tests.unit.test_form_repair import FILLED, NOW, message, run


@pytest.fixture()
def deps(demo) -> Services:  # type: ignore[no-untyped-def]
    return in_memory(demo.catalogue, fixed_clock(NOW))


# ---- 1. a kept time off the new service's grid ----------------------------------------------------
async def test_a_kept_time_off_the_new_services_grid_is_refused_with_the_nearest_slots(deps) -> None:  # type: ignore[no-untyped-def]
    slots = {**FILLED, "pesan_mpp": "kota_bekasi", "pesan_tanggal": "2026-12-07", "pesan_waktu": "08:45"}
    text = "eh ganti, mau urus pajak kendaraan aja"
    t = message(text, "pesan_nama", slots, entities=(("layanan", "pajak kendaraan", "pajak_kendaraan"),))
    result, asked, said = await run(deps, t)
    assert result["pesan_layanan"] == "pajak_kendaraan"
    assert result["pesan_waktu"] is None and asked == "pesan_waktu"  # not snapped to 08.40 or 09.00
    assert any("08.45" in s and "10 menit" in s for s in said)
    assert any("Slot terdekat" in s for s in said)


async def test_a_kept_time_on_the_new_services_grid_stays(deps) -> None:  # type: ignore[no-untyped-def]
    slots = {**FILLED, "pesan_mpp": "kota_bekasi", "pesan_tanggal": "2026-12-07", "pesan_waktu": "09:00"}
    text = "eh ganti, mau urus pajak kendaraan aja"
    t = message(text, "pesan_nama", slots, entities=(("layanan", "pajak kendaraan", "pajak_kendaraan"),))
    result, _, _ = await run(deps, t)
    assert result["pesan_layanan"] == "pajak_kendaraan" and result.get("pesan_waktu", "09:00") == "09:00"


def test_exact_time_takes_only_a_slot_start(deps: Services) -> None:
    availability = deps.bookings.availability
    day = date(2026, 12, 7)
    on_grid = availability.exact_time("kota_bekasi", "pajak_kendaraan", day, time(8, 40))
    assert not isinstance(on_grid, Refusal) and on_grid.slot.start == time(8, 40)
    off_grid = availability.exact_time("kota_bekasi", "pajak_kendaraan", day, time(8, 45))
    assert isinstance(off_grid, Refusal) and off_grid.alternatives
    assert {o.slot.start for o in off_grid.alternatives} >= {time(8, 40), time(8, 50)}


# ---- 2. a typo'd yes --------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["benr", "iy", "sip bener", "sip bner", "btul kak", "sudah", "udah kok", "setju"])
def test_a_yes_with_a_typo_or_sudah_is_a_yes(text: str) -> None:
    assert says_yes(text)


@pytest.mark.parametrize("text", ["btl", "batal", "bukan", "bener ga?", "sudah ganti jamnya", "Beni Saputra", "gak"])
def test_no_yes_is_read_into_other_words(text: str) -> None:
    assert not says_yes(text)


async def test_a_typod_yes_at_the_summary_confirms(deps) -> None:  # type: ignore[no-untyped-def]
    fresh = deps.bookings.ask(Operation.BOOK, request_id="r5").dumps()
    for typed in ("benr", "sudah"):
        t = message(typed, "pesan_konfirmasi", {**FILLED, "konfirmasi": fresh}, "nlu_fallback", 0.3)
        result, _, _ = await run(deps, t)
        assert result["pesan_konfirmasi"] == "ya"


# ---- 3. a shared word of a mistyped longer name -------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bpjs ketenaga kerja", "bpjs_ketenagakerjaan"),
        ("mau antri bpjs ketenagaan di bekasi", "bpjs_ketenagakerjaan"),
        ("bpjs kesehtan", "bpjs_kesehatan"),
        ("bpjs aja", None),
        ("bpjs di bekasi", None),
    ],
)
def test_the_closest_full_name_wins_over_the_shared_word(demo, text: str, expected: str | None) -> None:  # type: ignore[no-untyped-def]
    start = text.index("bpjs")
    assert fuller_service(demo.catalogue, text, start, start + 4) == expected


async def test_a_service_read_from_bpjs_alone_is_set_right_in_the_form(deps) -> None:  # type: ignore[no-untyped-def]
    text = "eh ganti ke bpjs ketenaga kerja aja"
    t = message(
        text, "pesan_nama", {**FILLED, "pesan_mpp": "kota_bekasi"}, entities=(("layanan", "bpjs", "bpjs_kesehatan"),)
    )
    result, _, _ = await run(deps, t)
    assert result["pesan_layanan"] == "bpjs_ketenagakerjaan"


# ---- 4, 5. moving a booking in everyday and regional words -------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "antriane diundur dino jumat yo",
        "jadwale dimundurke jam 10",
        "ganti dino kamis wae",
        "dimajuin jam 8.45 bisa?",
        "mundurin dong ke selasa",
        "ubah jadwal antrian jd tgl 1 des",
        "geser ke jam 11",
        "tolong pindah ke kamis 10 desember jam 14",
        "dipindah jadi tgl 12 ya",
        "pindahin ke jam 9 pagi",
    ],
)
def test_a_move_in_everyday_words_is_a_move(text: str) -> None:
    assert wants_move(text)


@pytest.mark.parametrize(
    "text",
    [
        "mau antri kk di bogor",
        "mau urus surat pindah",
        "pindah ke mpp bekasi",
        "ganti layanan",
        "pindah ke kota lain, kk nya gimana",
        "mau pindah ke bekasi tahun depan",
    ],
)
def test_other_messages_are_no_move(text: str) -> None:
    assert not wants_move(text)


# ---- 6. a Betawi stop at the time prompt --------------------------------------------------------------
@pytest.mark.parametrize("text", ["udeh dah kagak jadi", "kagak jadi deh", "kaga jadi dah"])
async def test_a_betawi_stop_at_the_time_prompt_ends_the_form(deps, text: str) -> None:  # type: ignore[no-untyped-def]
    assert wants_to_stop(text)
    slots = {**FILLED, "pesan_waktu": None}
    result, _, _ = await run(deps, message(text, "pesan_waktu", slots, "negasi"))
    assert result["pesan_konfirmasi"] == "batal"


# ---- today in Sundanese and Javanese -----------------------------------------------------------------
@pytest.mark.parametrize("text", ["ari ini", "dinten ieu", "dino iki"])
def test_today_in_regional_words(text: str) -> None:
    now = datetime(2026, 11, 27, 10)
    assert parse(text, now) == Dates(date(2026, 11, 27), date(2026, 11, 27))


# ---- set d: a weekday with its day of the month -------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "day"),
    [("senin 7 aja", date(2026, 12, 7)), ("kamis 10", date(2026, 12, 10)), ("senin 9", date(2026, 11, 30))],
)
def test_a_weekday_with_a_day_of_the_month_is_that_date_when_they_agree(text: str, day: date) -> None:
    assert parse(text, datetime(2026, 11, 27, 10)) == Dates(day, day)


def test_a_weekday_with_a_number_and_a_part_of_the_day_is_still_a_time() -> None:
    assert parse("senin 7 pagi", datetime(2026, 11, 27, 10)).days() == [date(2026, 11, 30)]  # type: ignore[union-attr]


async def test_a_weekday_and_its_date_said_apart_are_one_day(deps) -> None:  # type: ignore[no-untyped-def]
    text = "waduh senin sy ada acara, ganti kamis aja kak tgl 10"
    entities = (("tanggal", "senin", None), ("tanggal", "kamis", None), ("tanggal", "tgl 10", None))
    t = message(text, "pesan_konfirmasi", {**FILLED, "pesan_mpp": "kota_bekasi"}, "koreksi", entities=entities)
    result, _, _ = await run(deps, t)
    assert result["pesan_tanggal"] == "2026-12-10"  # not Thursday 3 December
