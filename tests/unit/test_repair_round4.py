"""Issue 17 round 4: the failure families of the blind sets, on the in-memory core (own wording).

A greeting's part of the day is no time; a weekday said alone ("kamisnya aja") is a date; a correction in
Sundanese, Javanese or Betawi; a day the citizen cannot make is the old one; booking for someone else at
the name prompt; a change of MPP into one where the agency's presence is unverified.
"""

from __future__ import annotations

from typing import Any

import pytest

from actions.booking_forms import closest_service
from actions.form_repair import without_greeting
from mpp.booking import replies
from mpp.booking.repair import Mention, pick, question_topic, says_change, says_wrong, someone_else
from mpp.booking.when_said import greeting_end
from mpp.clock import fixed_clock
from testkit.core import Services, in_memory
from tests.unit.test_form_repair import FILLED, NOW, message, run


@pytest.fixture()
def deps(demo) -> Services:  # type: ignore[no-untyped-def]
    return in_memory(demo.catalogue, fixed_clock(NOW))


# ---- 1. greetings ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("pagi min, mau antri kk tgl 9", "mau antri kk tgl 9"),
        ("siang kak mau bikin ktp", "mau bikin ktp"),
        ("malam, rabu tgl 2 mau urus kia", "rabu tgl 2 mau urus kia"),
        ("selamat sore admin, booking ktp", "booking ktp"),
        ("assalamualaikum, pagi min. mau antri", "mau antri"),
        ("pagi2 min, antri kk", "antri kk"),
    ],
)
def test_an_opening_greeting_with_a_part_of_the_day_is_found(text: str, rest: str) -> None:
    assert text[greeting_end(text) :] == rest


@pytest.mark.parametrize("text", ["siang kak", "siang aja", "sore jam 3 bisa", "pagi jam 9", "pagi ini bisa?"])
def test_a_part_of_the_day_that_answers_when_is_no_greeting(text: str) -> None:
    assert greeting_end(text) == 0


def test_the_greeting_drops_its_time_and_keeps_the_date_that_starts_inside_it() -> None:
    text = "malam, rabu tgl 2 mau urus kia"
    entities = [
        {"entity": "waktu", "start": 0, "end": 17, "value": "malam, rabu tgl 2"},
        {"entity": "tanggal", "start": 0, "end": 17, "value": "malam, rabu tgl 2"},
        {"entity": "layanan", "start": 27, "end": 30, "value": "kia"},
    ]
    kept = without_greeting(text, entities)
    assert [(e["entity"], e["value"]) for e in kept] == [("tanggal", "rabu tgl 2"), ("layanan", "kia")]


async def test_a_greeting_opening_keeps_its_date_and_asks_the_time(deps) -> None:  # type: ignore[no-untyped-def]
    text = "pagi min, mau antri kk di mpp bekasi tgl 8"
    t = message(
        text,
        None,
        {},
        "pesan_antrean",
        entities=(
            ("waktu", "pagi", None),
            ("layanan", "kk", None),
            ("mpp", "bekasi", "kota_bekasi"),
            ("tanggal", "tgl 8", None),
        ),
    )
    slots, asked, said = await run(deps, t)
    assert slots["pesan_tanggal"] == "2026-12-08" and "pesan_waktu" not in slots
    assert asked == "pesan_waktu" and not any("jam diubah" in s for s in said)


# ---- 2. regional corrections ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "turned_to"),
    [
        ("punten lepat, sanes selasa tapi rabu", "rabu"),
        ("ngapunten keliru, dudu tgl 8 nanging tgl 10", "tgl 10"),
        ("punten teh, lepat, janten kia sanes kk", "kia"),
        ("aduh salah bang, kagak selasa, maunye kamis aje", "kamis"),
    ],
)
def test_regional_corrections_turn_to_the_new_value(text: str, turned_to: str) -> None:
    assert says_change(text) and says_wrong(text)
    values = ["selasa", "rabu", "tgl 8", "tgl 10", "kia", "kk", "kamis"]
    mentions = [Mention(v, text.index(v), text.index(v) + len(v)) for v in values if f" {v}" in f" {text}"]
    chosen = pick(mentions, text, lambda v: False)
    assert chosen is not None and chosen.value == turned_to


async def test_a_sundanese_correction_at_the_summary_changes_the_day(deps) -> None:  # type: ignore[no-untyped-def]
    text = "punten lepat, sanes senin tapi rabu"
    t = message(
        text, "pesan_konfirmasi", FILLED, "nlu_fallback", 0.3, (("tanggal", "senin", None), ("tanggal", "rabu", None))
    )
    slots, asked, said = await run(deps, t)
    assert slots["pesan_tanggal"] == "2026-12-02" and asked == "pesan_konfirmasi" and "tanggal diubah" in said[0]


# ---- 3. a weekday alone ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "asked", "day"),
    [
        ("jumatnya deh", "pesan_konfirmasi", "2026-12-04"),
        ("kamis nya aja kak", "pesan_nama", "2026-12-03"),
        ("hmm seninnya ga bisa, selasanya aja", "pesan_nik", "2026-12-01"),
    ],
)
async def test_a_weekday_with_nya_is_the_new_day(deps, text: str, asked: str, day: str) -> None:  # type: ignore[no-untyped-def]
    slots, next_asked, _ = await run(
        deps, message(text, asked, FILLED if asked == "pesan_konfirmasi" else _upto(asked))
    )
    assert slots["pesan_tanggal"] == day and slots.get("pesan_nama") is None
    assert next_asked == asked  # the same step again (the summary, or the detail that was asked)


def test_a_day_the_citizen_cannot_make_is_the_old_one() -> None:
    text = "selasa deh, rabu ga bisa"
    chosen = pick([Mention("selasa", 0, 6), Mention("rabu", 12, 16)], text, lambda v: v == "selasa")
    assert chosen is not None and chosen.value == "selasa"


# ---- 5. the name prompt ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "relative"),
    [("buat ibu saya", "ibu"), ("atas nama bapak saya ya", "bapak"), ("saya daftarin mama saya", "mama")],
)
async def test_booking_for_someone_else_asks_that_persons_name_and_stores_nothing(  # type: ignore[no-untyped-def]
    deps, text: str, relative: str
) -> None:
    assert someone_else(text) == relative
    slots, asked, said = await run(deps, message(text, "pesan_nama", _upto("pesan_nama")))
    assert slots == {"pesan_nama": None} and asked == "pesan_nama"
    assert said == [replies.name_of_other(relative)] and f"nama lengkap {relative} Anda" in said[0]


@pytest.mark.parametrize("text", ["Siti Rahmah", "buat apa nama?", "untuk apa sih"])
def test_a_name_or_a_protest_is_not_someone_else(text: str) -> None:
    assert someone_else(text) is None


async def test_a_protest_at_the_name_prompt_is_explained_and_the_name_asked_again(deps) -> None:  # type: ignore[no-untyped-def]
    slots, asked, said = await run(deps, message("lho kok nama?", "pesan_nama", _upto("pesan_nama"), "bantuan", 0.4))
    assert slots == {"pesan_nama": None} and asked == "pesan_nama" and said and "NIK" in said[0]


# ---- the issue: a change into an MPP where the agency's presence is unverified ------------------------
async def test_a_change_to_an_mpp_where_presence_is_unverified_says_so_and_asks_again(deps) -> None:  # type: ignore[no-untyped-def]
    filled = {**FILLED, "pesan_layanan": "sertifikat_tanah", "pesan_mpp": "kota_tangerang_selatan"}
    filled.update(pesan_tanggal="2026-12-07", pesan_waktu="09:30")
    t = message("mpp nya ganti bogor aja", "pesan_konfirmasi", filled, entities=(("mpp", "bogor", "kota_bogor"),))
    slots, asked, said = await run(deps, t)
    assert slots["pesan_mpp"] is None and asked == "pesan_mpp"
    assert "belum terverifikasi" in said[0] and "MPP Kota Tangerang Selatan" in said[0]
    assert "tidak tersedia" not in said[0]


def _upto(asked: str) -> dict[str, Any]:
    """The details the form holds while it asks ``asked`` (everything before it)."""
    order = list(FILLED)
    return {k: v for k, v in FILLED.items() if order.index(k) < order.index(asked)}


# ---- 7. typos in the service ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("mw antre ktpp di mpp tangsel", "ktp_el"),
        ("antri paspr", "paspor"),
        ("daftr antrean kartu kluarga di mpp bekasi", "kk"),
        ("antrii aktaa kelahiran", "akta_kelahiran"),
        ("bayar pajak motr", "pajak_kendaraan"),
    ],
)
def test_a_mistyped_service_is_recognised(demo, text: str, service: str) -> None:  # type: ignore[no-untyped-def]
    assert closest_service(demo.catalogue, text) == service


@pytest.mark.parametrize(
    "text", ["mau antri di mpp bekasi rabu jam 9", "Budi Santoso", "mau pindah jadwal", "kakak saya"]
)
def test_words_that_name_no_service_guess_none(demo, text: str) -> None:  # type: ignore[no-untyped-def]
    assert closest_service(demo.catalogue, text) is None  # "pindah" written right is the NLU's call, not a typo


async def test_an_opening_with_a_mistyped_service_starts_the_form_with_it(deps) -> None:  # type: ignore[no-untyped-def]
    t = message(
        "mw antre ktpp di mpp tangsel",
        None,
        {},
        "pesan_antrean",
        entities=(("mpp", "mpp tangsel", "kota_tangerang_selatan"),),
    )
    slots, asked, _ = await run(deps, t)
    assert slots["pesan_layanan"] == "ktp_el" and slots["pesan_mpp"] == "kota_tangerang_selatan"
    assert asked == "pesan_tanggal"


# ---- 6. the MPP asked for as a question at the summary ------------------------------------------------
async def test_another_mpp_asked_for_at_the_summary_is_a_change(deps) -> None:  # type: ignore[no-untyped-def]
    t = message(
        "kalo di tangsel bisa?",
        "pesan_konfirmasi",
        FILLED,
        "tanya_lokasi",
        0.6,
        (("mpp", "tangsel", "kota_tangerang_selatan"),),
    )
    slots, asked, said = await run(deps, t)
    assert slots["pesan_mpp"] == "kota_tangerang_selatan" and asked == "pesan_konfirmasi" and "MPP diubah" in said[0]


async def test_a_question_about_the_mpp_held_stays_a_question(deps) -> None:  # type: ignore[no-untyped-def]
    t = message(
        "mpp bogor bisa bayar qris gak?",
        "pesan_konfirmasi",
        FILLED,
        "tanya_biaya",
        0.7,
        (("mpp", "mpp bogor", "kota_bogor"),),
    )
    assert (await run(deps, t))[1] == "<rejected>"


# ---- 4. a question mid-form that the NLU did not take for one ---------------------------------------
@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("berkasnya apa", "tanya_syarat"),
        ("kalau akta kematian perlu surat dari rs?", "tanya_syarat"),
        ("biaya kk", "tanya_biaya"),
        ("jam buka mpp bekasi", "tanya_jadwal"),
        ("alamat mpp nya", "tanya_lokasi"),
        ("kk nya jadi hari itu?", "tanya_lama_proses"),
    ],
)
def test_the_topic_of_a_question_is_read_from_its_words(text: str, topic: str) -> None:
    assert question_topic(text) == topic


@pytest.mark.parametrize("text", ["jamnya salah", "Budi Santoso", "tempatnya di bogor aja deh", "kamis aja"])
def test_a_correction_or_a_name_has_no_question_topic(text: str) -> None:
    assert question_topic(text) is None


async def test_a_question_the_nlu_missed_is_answered_by_the_form_and_the_step_asked_again(deps) -> None:  # type: ignore[no-untyped-def]
    t = message("berkasnya apa", "pesan_nama", _upto("pesan_nama"), "cek_permohonan", 0.33)
    slots, asked, said = await run(deps, t)
    assert slots == {"pesan_nama": None} and asked == "pesan_nama"
    assert said and said[0].startswith("Persyaratan Kartu Keluarga")


async def test_a_question_naming_the_held_detail_keeps_every_detail(deps) -> None:  # type: ignore[no-untyped-def]
    t = message(
        "jam buka mpp bogor", "pesan_nik", _upto("pesan_nik"), "informasi", 0.4, (("mpp", "mpp bogor", "kota_bogor"),)
    )
    slots, asked, said = await run(deps, t)
    assert slots == {"pesan_nik": None} and asked == "pesan_nik"  # the time is not asked again
    assert said and "MPP Kota Bogor" in said[0]


async def test_a_question_the_nlu_saw_goes_to_the_rules(deps) -> None:  # type: ignore[no-untyped-def]
    t = message("biaya kk", "pesan_nama", _upto("pesan_nama"), "tanya_biaya", 0.95, (("layanan", "kk", None),))
    assert await run(deps, t) == ({}, "<rejected>", [])


@pytest.mark.parametrize(
    ("text", "mentions", "turned_to"),
    [
        ("ojo rabu, kamis wae", ["rabu", "kamis"], "kamis"),  # Javanese: "don't" before the old value
        ("kleru mas, sing bener kamis", ["kamis"], "kamis"),
        ("punten, nu leres tgl 10", ["tgl 10"], "tgl 10"),
    ],
)
def test_more_regional_words_of_correction(text: str, mentions: list[str], turned_to: str) -> None:
    assert says_change(text)
    found = [Mention(v, text.index(v), text.index(v) + len(v)) for v in mentions]
    chosen = pick(found, text, lambda v: False)
    assert chosen is not None and chosen.value == turned_to


async def test_someone_elses_name_said_with_it_is_the_name(deps) -> None:  # type: ignore[no-untyped-def]
    t = message("buat ibu saya, namanya Siti Rahmah", "pesan_nama", _upto("pesan_nama"), "nlu_fallback", 0.3)
    slots, asked, _ = await run(deps, t)
    assert slots == {"pesan_nama": "Siti Rahmah"} and asked == "pesan_nik"
