"""Issue 17 round 6: a greeting set right at once is still a greeting; a date of a document's expiry,
a birth or a death is not the day of the visit (own wording)."""

from __future__ import annotations

import pytest

from actions.form_repair import without_event_dates
from mpp.booking.repair import Mention, asks_if_required, wants_to_stop, whose_asked
from mpp.booking.when_said import date_of_event, greeting_end
from mpp.clock import fixed_clock
from testkit.core import Services, in_memory
from tests.unit.test_form_repair import FILLED, NOW, message, run


@pytest.fixture()
def deps(demo) -> Services:  # type: ignore[no-untyped-def]
    return in_memory(demo.catalogue, fixed_clock(NOW))


# ---- 1. a greeting corrected at once ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("malam min, eh pagi deng. mau bikin kk di mpp bekasi", "mau bikin kk di mpp bekasi"),
        ("selamat siang kak, eh maaf selamat pagi maksudnya, antri ktp", "antri ktp"),
        ("sore bu. ups siang, mau urus akta tgl 9", "mau urus akta tgl 9"),
        ("pagi kak, eh siang ding, booking pdam", "booking pdam"),
    ],
)
def test_a_greeting_corrected_at_once_is_all_greeting(text: str, rest: str) -> None:
    assert text[greeting_end(text) :] == rest


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("sore kak, eh pagi jam 9 aja, antri kk", "eh pagi jam 9 aja, antri kk"),  # a real time after the greeting
        ("besok pagi jam 9 mau antri", "besok pagi jam 9 mau antri"),
        ("pagi aja kak", "pagi aja kak"),
        ("sore jam 3, eh pagi deh", "sore jam 3, eh pagi deh"),
    ],
)
def test_a_part_of_the_day_meant_as_the_time_stays_a_time(text: str, rest: str) -> None:
    assert text[greeting_end(text) :] == rest


async def test_a_corrected_greeting_books_no_time_and_the_time_is_asked(deps) -> None:  # type: ignore[no-untyped-def]
    text = "malam min, eh pagi deng. mau bikin kk di mpp bekasi tgl 8"
    entities = (
        ("waktu", "malam", None),
        ("waktu", "pagi", None),
        ("layanan", "kk", None),
        ("mpp", "mpp bekasi", "kota_bekasi"),
        ("tanggal", "tgl 8", None),
    )
    slots, asked, _ = await run(deps, message(text, None, {}, "pesan_antrean", entities=entities))
    assert slots["pesan_tanggal"] == "2026-12-08" and "pesan_waktu" not in slots
    assert asked == "pesan_waktu"


async def test_a_time_after_the_greeting_is_still_taken(deps) -> None:  # type: ignore[no-untyped-def]
    text = "siang kak, mau bikin kk di mpp bekasi tgl 8 pagi jam 9"
    entities = (
        ("waktu", "siang", None),
        ("layanan", "kk", None),
        ("mpp", "mpp bekasi", "kota_bekasi"),
        ("tanggal", "tgl 8", None),
        ("waktu", "pagi jam 9", None),
    )
    slots, asked, _ = await run(deps, message(text, None, {}, "pesan_antrean", entities=entities))
    assert slots["pesan_tanggal"] == "2026-12-08" and slots["pesan_waktu"] == "09:00"
    assert asked == "pesan_nama"


# ---- 2. the date of an expiry, a birth, a death -----------------------------------------------------
@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("ktp saya udah abis bulan ini, mau bikin baru", "bulan ini"),
        ("stnk berlaku sampai tgl 10, mau bayar pajak", "tgl 10"),
        ("paspor expired minggu depan", "minggu depan"),
        ("mau urus akta cucu yg lahir tanggal 20 kemarin", "tanggal 20"),
        ("akta kematian nenek, meninggal dunia minggu lalu", "minggu lalu"),
        ("minggu lalu ibu saya meninggal, mau urus aktanya", "minggu lalu"),
    ],
)
def test_a_date_of_an_expiry_a_birth_or_a_death_is_not_the_visit(text: str, date: str) -> None:
    start = text.index(date)
    assert date_of_event(text, start, start + len(date))


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("ktp saya abis bulan ini, mau perpanjang hari senin", "hari senin"),
        ("mau perpanjang sim tgl 9, udah mau habis", "tgl 9"),
        ("sim saya mati, tgl 9 aja bisa?", "tgl 9"),
        ("abis itu rabu aja kak", "rabu"),  # "abis" meaning "then"
        ("anak saya lahir kemarin, mau bikin akta kamis", "kamis"),
        ("mau bikin kk tgl 9", "tgl 9"),
    ],
)
def test_the_date_of_the_visit_is_kept_beside_such_words(text: str, date: str) -> None:
    start = text.index(date)
    assert not date_of_event(text, start, start + len(date))


def test_only_the_event_date_is_dropped() -> None:
    text = "sim a abis tgl 10, mau perpanjang tgl 8"
    entities = [
        {"entity": "layanan", "start": 0, "end": 3, "value": "sim"},
        {"entity": "tanggal", "start": 11, "end": 17, "value": "tgl 10"},
        {"entity": "tanggal", "start": 35, "end": 40, "value": "tgl 8"},
    ]
    kept = without_event_dates(text, entities)
    assert [e["value"] for e in kept] == ["sim", "tgl 8"]


async def test_an_expiry_date_in_the_opening_leaves_the_date_to_ask(deps) -> None:  # type: ignore[no-untyped-def]
    text = "sim saya abis minggu depan, mau perpanjang di mpp bekasi"
    entities = (("layanan", "sim", None), ("tanggal", "minggu depan", None), ("mpp", "mpp bekasi", "kota_bekasi"))
    slots, asked, _ = await run(deps, message(text, None, {}, "pesan_antrean", entities=entities))
    assert slots["pesan_layanan"] == "sim" and "pesan_tanggal" not in slots
    assert asked == "pesan_tanggal"


async def test_a_birth_date_beside_the_visit_day_books_the_visit_day(deps) -> None:  # type: ignore[no-untyped-def]
    text = "mau urus akta anak yg lahir tgl 25 kemarin di mpp bekasi hari senin"
    entities = (
        ("layanan", "akta", "akta_kelahiran"),
        ("tanggal", "tgl 25", None),
        ("mpp", "mpp bekasi", "kota_bekasi"),
        ("tanggal", "hari senin", None),
    )
    slots, asked, _ = await run(deps, message(text, None, {}, "pesan_antrean", entities=entities))
    assert slots["pesan_tanggal"] == "2026-11-30"
    assert asked == "pesan_waktu"


# ---- 4. "ga jadi, <the errand held>" is decided by the core ---------------------------------------------
def _mention(text: str, surface: str, value: str) -> Mention:
    start = text.index(surface)
    return Mention(value, start, start + len(surface))


def test_no_longer_needing_the_held_errand_is_a_stop() -> None:
    text = "gak jadi deh, kk saya udah beres"
    assert wants_to_stop(text, [_mention(text, "kk", "kk")], held=["kk"])


def test_no_longer_wanting_the_held_service_but_another_is_a_change() -> None:
    text = "gak jadi kk, akta kelahiran aja"
    found = [_mention(text, "kk", "kk"), _mention(text, "akta kelahiran", "akta_kelahiran")]
    assert not wants_to_stop(text, found, held=["kk"])


def test_ga_jadi_before_a_service_not_held_is_a_change() -> None:
    text = "gak jadi, kk aja"
    assert not wants_to_stop(text, [_mention(text, "kk", "kk")], held=["ktp_el"])


async def test_the_form_stops_when_the_held_errand_is_no_longer_needed(deps) -> None:  # type: ignore[no-untyped-def]
    text = "ndak jadi, kk saya sudah ketemu"
    slots = {**FILLED, "pesan_nama": None, "pesan_nik": None, "pesan_telepon": None}
    result, _, _ = await run(
        deps, message(text, "pesan_nama", slots, "batal_antrean", entities=(("layanan", "kk", None),))
    )
    assert result["pesan_konfirmasi"] == "batal"


async def test_the_form_changes_the_service_when_another_replaces_the_held_one(deps) -> None:  # type: ignore[no-untyped-def]
    text = "ndak jadi kk, ktp aja"
    slots = {**FILLED, "pesan_nama": None, "pesan_nik": None, "pesan_telepon": None}
    entities = (("layanan", "kk", None), ("layanan", "ktp", "ktp_el"))
    result, _, _ = await run(deps, message(text, "pesan_nama", slots, "koreksi", entities=entities))
    assert result.get("pesan_konfirmasi") != "batal" and result["pesan_layanan"] == "ktp_el"


# ---- 5. a question about the NIK or phone asked ---------------------------------------------------------
ASKING_PHONE = {**FILLED, "pesan_telepon": None}
ASKING_NIK = {**FILLED, "pesan_nik": None, "pesan_telepon": None}


async def test_whether_the_phone_is_required_is_answered_and_asked_again(deps) -> None:  # type: ignore[no-untyped-def]
    slots, asked, said = await run(deps, message("nomor hp nya harus diisi ga?", "pesan_telepon", ASKING_PHONE))
    assert asked == "pesan_telepon" and "pesan_telepon" not in {k for k, v in slots.items() if v}
    assert said and said[0].startswith("Nomor HP tidak wajib")


async def test_a_relatives_phone_is_allowed_and_asked_again(deps) -> None:  # type: ignore[no-untyped-def]
    text = "hp saya mati total, boleh pake nomor suami?"
    slots, asked, said = await run(deps, message(text, "pesan_telepon", ASKING_PHONE, "tanya_syarat", 0.6))
    assert asked == "pesan_telepon" and said == [said[0]] and "nomor HP suami" in said[0]


async def test_whose_nik_is_answered_at_the_nik_prompt(deps) -> None:  # type: ignore[no-untyped-def]
    slots, asked, said = await run(deps, message("ini pakai nik saya atau nik anak?", "pesan_nik", ASKING_NIK))
    assert asked == "pesan_nik" and said and "NIK pemohon" in said[0]


@pytest.mark.parametrize("text", ["081234567890 aja", "lewati", "nomor istri saya 0812 3456 7890"])
def test_an_answer_is_no_question_about_the_prompt(text: str) -> None:
    assert not asks_if_required(text) and whose_asked(text) is None
