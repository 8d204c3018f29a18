"""Issue 17, round 5: the failure families described from the blind set e, as a citizen meets them.

A kept time off the new service's slot grid, a typo'd yes, "bpjs" of a mistyped longer name, moving a
booking in Javanese and Betawi words (also read by the NLU as another intent), and a Betawi stop at the
time prompt. Each test is one conversation in this helper's own wording; the clock is Friday 27 November
2026, 10.00 WIB (tests/e2e/conftest.py); every booking has its own slot and NIK.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Assistant
from tests.e2e.test_booking_repair import bookings, texts, titles, to_summary

pytestmark = pytest.mark.e2e


def test_a_kept_time_off_the_new_services_grid_is_said_and_the_nearest_slots_offered(assistant: Assistant) -> None:
    me = assistant.new_sender()
    assert "Atas nama siapa" in texts(assistant.say(me, "mau antri ktp di mpp bekasi rabu 9 desember jam 8.45"))
    changed = assistant.say(me, "eh ganti, mau urus pajak kendaraan aja")
    said = texts(changed)
    assert "layanan diubah" in said and "08.45" in said and "10 menit" in said  # said, not snapped
    assert "Rabu, 9 Desember 08.40" in titles(changed) and "Rabu, 9 Desember 08.50" in titles(changed)
    assert "Atas nama siapa" in texts(assistant.say(me, "jam 8.50 aja"))
    assistant.say(me, "Sutrisno Wibowo")
    assistant.say(me, "3271014407910051")
    assert "Sudah benar?" in texts(assistant.say(me, "gak ada"))
    assert "Antrean berhasil dipesan" in texts(assistant.say(me, "sip bner"))  # a typo'd yes books
    assert bookings(assistant, me) == [
        {"layanan": "pajak_kendaraan", "mpp": "kota_bekasi", "date": "2026-12-09", "time": "08:50"}
    ]


def test_bpjs_of_a_mistyped_longer_name_is_that_service(assistant: Assistant) -> None:
    me = assistant.new_sender()
    first = texts(assistant.say(me, "mau antri bpjs ketenaga kerja di mpp bekasi kamis 10 desember jam 9"))
    assert "Atas nama siapa" in first and "walk-in" not in first  # not BPJS Kesehatan (walk-in at Bekasi)
    assistant.say(me, "Nur Aini")
    assistant.say(me, "3271014407910052")
    assert "BPJS Ketenagakerjaan" in texts(assistant.say(me, "gak ada"))


@pytest.mark.parametrize(
    ("move", "nik", "expected"),
    [
        ("antriane diundur dino jumat 11 desember jam 10 yo", "3271014407910053", ("2026-12-11", "10:00")),
        ("tolong dimajuin jadi senin 7 desember jam 8.45", "3271014407910054", ("2026-12-07", "08:45")),
        ("ubah jadwal antrian jd tgl 1 des jg tapi jam 8.15 pagi", "3271014407910055", ("2026-12-01", "08:15")),
    ],
)
def test_a_move_in_everyday_or_regional_words_after_booking_moves_it(
    assistant: Assistant, move: str, nik: str, expected: tuple[str, str]
) -> None:
    me = assistant.new_sender()
    to_summary(assistant, me, "mau antri akta kematian di mpp bogor selasa 8 desember jam 14", "Slamet Riyadi", nik)
    assert "Antrean berhasil dipesan" in texts(assistant.say(me, "sudah"))  # "Sudah benar?" -> "sudah"
    asked = texts(assistant.say(me, move))
    assert "Pindahkan jadwal" in asked and "Atas nama siapa" not in asked and "Maksud Anda" not in asked
    assert "Jadwal sudah dipindah" in texts(assistant.say(me, "iya"))
    day, time = expected
    assert bookings(assistant, me) == [{"layanan": "akta_kematian", "mpp": "kota_bogor", "date": day, "time": time}]


def test_a_move_to_a_time_only_keeps_the_day(assistant: Assistant) -> None:
    me = assistant.new_sender()
    to_summary(
        assistant, me, "mau antri kk di mpp tangsel rabu 9 desember jam 13", "Dedi Kurniawan", "3271014407910056"
    )
    assert "Antrean berhasil dipesan" in texts(assistant.say(me, "iy"))
    asked = texts(assistant.say(me, "dimajuin jam 8.45 bisa?"))
    assert "Rabu, 9 Desember 2026, pukul 08.45" in asked
    assert "Jadwal sudah dipindah" in texts(assistant.say(me, "ya"))
    assert bookings(assistant, me) == [
        {"layanan": "kk", "mpp": "kota_tangerang_selatan", "date": "2026-12-09", "time": "08:45"}
    ]


@pytest.mark.parametrize(
    "stop",
    [
        "udeh dah kagak jadi",
        "kagak jadi deh",
        "gak jadi deh, kia anak saya ternyata udah diurus sama bapaknya",  # the errand named as the reason
    ],
)
def test_a_betawi_stop_at_the_time_prompt_ends_the_booking(assistant: Assistant, stop: str) -> None:
    me = assistant.new_sender()
    assert "Pilih jam kedatangan" in texts(assistant.say(me, "mau antri kia di mpp bogor kamis 10 desember"))
    assert "tidak dilanjutkan" in texts(assistant.say(me, stop))
    assert "Antrean berhasil dipesan" not in texts(assistant.say(me, "ya"))
    assert bookings(assistant, me) == []


def test_no_longer_one_service_but_another_is_a_change_not_a_stop(assistant: Assistant) -> None:
    me = assistant.new_sender()
    assert "Pilih jam kedatangan" in texts(assistant.say(me, "mau antri kia di mpp bogor kamis 10 desember"))
    said = texts(assistant.say(me, "ga jadi kia, akta kelahiran aja"))
    assert "tidak dilanjutkan" not in said and "Akta Kelahiran" in said
