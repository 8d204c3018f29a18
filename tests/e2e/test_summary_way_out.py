"""A citizen stuck at a form is not asked the same thing forever: the buttons, then a person.

Two answers in a row that the summary cannot read bring a plainer instruction and a "Bicara dengan
petugas" button; pressing it (here, or where a typed request for a person is answered mid-form) stops
the unfinished booking or move, books nothing, and offers a person at the MPP of that booking. The clock
is Friday 27 November 2026, 10.00 WIB (tests/e2e/conftest.py); every booking has its own slot and NIK.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Assistant
from tests.e2e.test_booking_repair import bookings, press, texts, titles, to_summary

pytestmark = pytest.mark.e2e

OFFICER = "Bicara dengan petugas"
OFFERED = ("Sambungkan sekarang?", "Mau meninggalkan pesan?")  # a person on duty now, or a message for later


def offered_a_person(messages: list[dict[str, Any]], mpp_name: str) -> bool:
    said = texts(messages)
    return mpp_name in said and any(words in said for words in OFFERED)


def test_two_misses_at_the_summary_bring_the_buttons_and_a_person(assistant: Assistant) -> None:
    me = assistant.new_sender()
    to_summary(assistant, me, "mau antri kk di mpp bekasi senin 7 desember jam 10", "Rina Marlina", "3275014407910061")
    first = assistant.say(me, "hmmm")
    assert "belum menangkap maksudnya" in texts(first) and OFFICER not in titles(first)
    second = assistant.say(me, "hmmm")
    assert "masih belum bisa menangkap" in texts(second)
    assert "Sudah benar?" in texts(second)  # the summary is still there to check
    assert {"Ya, pesan", "Batal", OFFICER} <= set(titles(second))
    stopped = press(assistant, me, second, OFFICER)
    assert "pemesanan yang belum selesai saya hentikan" in texts(stopped)
    assert offered_a_person(stopped, "MPP Kota Bekasi")  # the MPP of the booking, not asked again
    assert bookings(assistant, me) == []  # nothing was booked
    joined = texts(assistant.say(me, "ya"))
    assert "urutan ke-" in joined or "Silakan tulis pesan" in joined


def test_a_question_at_the_summary_is_not_a_miss(assistant: Assistant) -> None:
    me = assistant.new_sender()
    to_summary(assistant, me, "mau antri kk di mpp bekasi senin 7 desember jam 11", "Rina Marlina", "3275014407910062")
    assert "belum menangkap" in texts(assistant.say(me, "hmmm"))
    answered = assistant.say(me, "syaratnya apa aja?")
    assert "masih belum bisa menangkap" not in texts(answered) and OFFICER not in titles(answered)
    assert "Antrean berhasil dipesan" in texts(assistant.say(me, "ya"))


def test_an_emoji_at_the_summary_books_nothing_until_a_clear_yes(assistant: Assistant) -> None:
    me = assistant.new_sender()
    to_summary(assistant, me, "mau antri kk di mpp bekasi senin 7 desember jam 14", "Rina Marlina", "3275014407910063")
    # read as afirmasi 0.36-0.38 before: the booking was made on a heart or a wave
    assert "belum menangkap maksudnya" in texts(assistant.say(me, "❤️"))
    assert "masih belum bisa menangkap" in texts(assistant.say(me, "👋"))
    assert bookings(assistant, me) == []
    assert "Antrean berhasil dipesan" in texts(assistant.say(me, "👍"))  # the emoji table reads it "oke"


def test_a_person_asked_for_mid_booking_keeps_the_draft_until_the_button(assistant: Assistant) -> None:
    me = assistant.new_sender()
    assert "Atas nama siapa" in texts(
        assistant.say(me, "mau antri akta kelahiran di mpp bogor selasa 8 desember jam 9")
    )
    typed = assistant.say(me, "saya mau bicara sama petugas aja")
    assert "belum selesai" in texts(typed) and OFFICER in titles(typed)
    assert "16 angka" in texts(assistant.say(me, "Agus Salim"))  # the booking went on where it was
    stopped = press(assistant, me, typed, OFFICER)
    assert "pemesanan yang belum selesai saya hentikan" in texts(stopped)
    assert offered_a_person(stopped, "MPP Kota Bogor")
    assert "16 angka" not in texts(assistant.say(me, "3201014407910063"))  # the form is gone
    assert bookings(assistant, me) == []


def test_two_misses_at_a_move_bring_a_person_and_keep_the_booking(assistant: Assistant) -> None:
    me = assistant.new_sender()
    to_summary(
        assistant,
        me,
        "mau antri akta kematian di mpp bogor rabu 9 desember jam 14",
        "Wahyu Hidayat",
        "3201014407910064",
    )
    assert "Antrean berhasil dipesan" in texts(assistant.say(me, "ya"))
    assert "Pindahkan jadwal" in texts(assistant.say(me, "tolong pindah ke kamis 10 desember jam 14"))
    assistant.say(me, "hmmm")
    second = assistant.say(me, "hmmm")
    assert "masih belum bisa menangkap" in texts(second) and OFFICER in titles(second)
    stopped = press(assistant, me, second, OFFICER)
    assert "antrean Anda tetap pada jadwal semula" in texts(stopped)
    assert offered_a_person(stopped, "MPP Kota Bogor")
    assert bookings(assistant, me) == [
        {"layanan": "akta_kematian", "mpp": "kota_bogor", "date": "2026-12-09", "time": "14:00"}
    ]
