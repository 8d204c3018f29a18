"""Issue 17, round 3: the failure families of the blind evaluation, as a citizen would meet them.

Regional yes at the summary, informal cancellation, "ga jadi X, ganti Y", a schedule asked for with
no booking, an errand stated without a question, an MPP change that breaks the service, and a privacy
question at the name prompt. Each test is one conversation (own wording, not taken from any set); the
clock is Friday 27 November 2026, 10.00 WIB (tests/e2e/conftest.py); every booking has its own slot and NIK.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Assistant
from tests.e2e.test_booking_repair import bookings, press, texts, titles, to_summary

pytestmark = pytest.mark.e2e


# ---- 1. regional yes --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("yes", "nik", "hour"),
    [
        ("sumuhun, leres pisan", "3271014407910021", "8"),
        ("nggih pak", "3271014407910022", "9"),
        ("iye bener", "3271014407910023", "10"),
    ],
)
def test_a_regional_yes_at_the_summary_books(assistant: Assistant, yes: str, nik: str, hour: str) -> None:
    me = assistant.new_sender()
    to_summary(assistant, me, f"mau antri akta kematian di mpp bogor rabu 9 desember jam {hour}", "Ujang Sopandi", nik)
    assert "Antrean berhasil dipesan" in texts(assistant.say(me, yes))
    assert bookings(assistant, me) == [
        {"layanan": "akta_kematian", "mpp": "kota_bogor", "date": "2026-12-09", "time": f"{int(hour):02d}:00"}
    ]


def test_a_summary_not_understood_is_never_repeated_without_saying_what_it_needs(assistant: Assistant) -> None:
    me = assistant.new_sender()
    to_summary(assistant, me, "mau antri kia di mpp bogor rabu 9 desember jam 11", "Ujang Sopandi", "3271014407910024")
    again = texts(assistant.say(me, "hmm bentar"))
    assert "Sudah benar?" in again and 'Jawab "ya"' in again
    again = texts(assistant.say(me, "hmm bentar"))  # the second miss: the buttons and a person (test_summary_way_out)
    assert "Sudah benar?" in again and "masih belum bisa menangkap" in again
    after_question = texts(assistant.say(me, "biayanya berapa?"))
    assert "Sudah benar?" in after_question and 'Jawab "ya"' in after_question
    assert bookings(assistant, me) == []


# ---- 2. informal cancellation ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("steps", "nik"),
    [
        (["gajadi dulu deh min"], "3271014407910031"),
        (["tidak", "teu jadi atuh"], "3271014407910032"),
        (["cancel dulu ya kak"], "3271014407910033"),
    ],
)
def test_an_informal_cancel_discards_and_a_later_yes_books_nothing(
    assistant: Assistant, steps: list[str], nik: str
) -> None:
    me = assistant.new_sender()
    to_summary(assistant, me, "mau antri ktp di mpp bekasi kamis 10 desember jam 13", "Dewi Anggraeni", nik)
    for step in steps:
        said = texts(assistant.say(me, step))
    assert "tidak dilanjutkan" in said
    assert "Antrean berhasil dipesan" not in texts(assistant.say(me, "ya"))
    assert bookings(assistant, me) == []


def test_after_a_message_not_understood_at_what_to_change_a_yes_shows_the_summary_first(
    assistant: Assistant,
) -> None:
    me = assistant.new_sender()
    to_summary(
        assistant, me, "mau antri ktp di mpp bekasi kamis 10 desember jam 14", "Dewi Anggraeni", "3271014407910034"
    )
    assert "Bagian mana" in texts(assistant.say(me, "tidak"))
    unclear = texts(assistant.say(me, "anu itu lho"))
    if "Sudah benar?" in unclear:  # the summary came back at once: a yes now books what was just shown
        assert "Antrean berhasil dipesan" in texts(assistant.say(me, "ya"))
        return
    shown = texts(assistant.say(me, "ya"))  # otherwise the yes brings the summary back, and books nothing yet
    assert "Sudah benar?" in shown and "Antrean berhasil dipesan" not in shown
    assert bookings(assistant, me) == []


# ---- 3. "ga jadi X, ganti Y" is a change ---------------------------------------------------------
def test_ga_jadi_one_service_with_a_replacement_changes_the_service(assistant: Assistant) -> None:
    me = assistant.new_sender()
    to_summary(assistant, me, "mau antri kk di mpp tangsel jumat 4 desember jam 9", "Sri Handayani", "3271014407910041")
    changed = texts(assistant.say(me, "ga jadi kk deh, ganti akta kelahiran aja"))
    assert "Akta Kelahiran" in changed and "Sudah benar?" in changed and "tidak dilanjutkan" not in changed
    assert "Antrean berhasil dipesan" in texts(assistant.say(me, "ya"))
    assert bookings(assistant, me) == [
        {"layanan": "akta_kelahiran", "mpp": "kota_tangerang_selatan", "date": "2026-12-04", "time": "09:00"}
    ]


# ---- 4. a schedule asked for with no booking to move -------------------------------------------
def test_a_schedule_request_naming_a_service_without_a_booking_starts_one(assistant: Assistant) -> None:
    me = assistant.new_sender()
    first = texts(assistant.say(me, "bisa tolong jadwalkan saya ke mpp bekasi untuk akta kematian?"))
    assert "bisa dipindah" not in first and "Mau datang tanggal berapa?" in first
    assert "Atas nama siapa" in texts(assistant.say(me, "senin 7 desember jam 15"))


def test_a_reschedule_without_any_booking_offers_to_book(assistant: Assistant) -> None:
    me = assistant.new_sender()
    answer = assistant.say(me, "mau reschedule antrean saya")
    assert "Ambil antrean" in titles(answer)
    assert "Antrean untuk layanan apa?" in texts(press(assistant, me, answer, "Ambil antrean"))


# ---- 5. an errand stated without a question ------------------------------------------------------
def test_an_errand_stated_plainly_leads_to_the_booking_form(assistant: Assistant) -> None:
    me = assistant.new_sender()
    answer = assistant.say(me, "saya perlu bikin kia buat anak saya yang baru masuk tk")
    if "Di MPP mana" not in texts(answer):  # at least one tap away
        answer = press(assistant, me, answer, "Ambil antrean")
    assert "Di MPP mana" in texts(answer)


def test_a_real_question_about_an_errand_is_still_answered(assistant: Assistant) -> None:
    me = assistant.new_sender()
    assert "Persyaratan Kartu Keluarga" in texts(assistant.say(me, "kalau mau ganti kk syaratnya apa aja?"))


# ---- 6. an MPP change that breaks the service keeps the form ----------------------------------------
def test_an_mpp_without_bookings_for_the_service_asks_only_for_the_mpp_again(assistant: Assistant) -> None:
    me = assistant.new_sender()
    to_summary(
        assistant,
        me,
        "mau cek sertifikat tanah di mpp tangsel selasa 8 desember jam 9.30",
        "Agus Salim",
        "3271014407910061",
    )
    asked = assistant.say(me, "eh mpp nya ganti bogor aja")
    assert "Di MPP mana" in texts(asked) and "Ambil antrean" not in titles(asked)
    assert "MPP Kota Bogor" not in titles(asked) and "MPP Kota Tangerang Selatan" in titles(asked)
    summary = texts(press(assistant, me, asked, "MPP Kota Tangerang Selatan"))
    assert "Selasa, 8 Desember 2026, pukul 09.30" in summary and "Agus Salim" in summary and "Sudah benar?" in summary


# ---- 7. a privacy question at the name prompt ---------------------------------------------------
def test_a_privacy_question_at_the_name_prompt_is_answered_and_the_form_goes_on(assistant: Assistant) -> None:
    me = assistant.new_sender()
    assert "Atas nama siapa" in texts(assistant.say(me, "mau antri kk di mpp bogor kamis 10 desember jam 9"))
    answer = texts(assistant.say(me, "buat apa sih nama saya? datanya disimpan aman gak?"))
    assert "terenkripsi" in answer and "Atas nama siapa" in answer
    assert "16 angka" in texts(assistant.say(me, "Wahyu Hidayat"))
    assert "Nomor HP" in texts(assistant.say(me, "3271014407910071"))
    assert "Wahyu Hidayat" in texts(assistant.say(me, "gak usah"))
    assert "Antrean berhasil dipesan" in texts(assistant.say(me, "ya"))
    assert bookings(assistant, me) == [{"layanan": "kk", "mpp": "kota_bogor", "date": "2026-12-10", "time": "09:00"}]
