"""Repairs in the booking conversation over Rasa's REST channel (issue 17), as a citizen types or taps them.

Each test is one conversation: what the assistant answers, and what the core database holds at the
end. The assistant's clock is Friday 27 November 2026, 10.00 WIB (tests/e2e/conftest.py). Every test
books its own slot with its own NIK, so the tests do not depend on each other's bookings.
"""

from __future__ import annotations

from typing import Any

import pytest

from mpp.db.engine import make_engine
from testkit.conversations import active_bookings
from tests.e2e.conftest import Assistant

pytestmark = pytest.mark.e2e


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def titles(messages: list[dict[str, Any]]) -> list[str]:
    return [b["title"] for m in messages for b in m.get("buttons") or []]


def press(assistant: Assistant, me: str, messages: list[dict[str, Any]], title: str) -> list[dict[str, Any]]:
    """Tap the button with this title in the last answer (its payload is what a channel sends)."""
    payload = next(b["payload"] for m in messages for b in m.get("buttons") or [] if b["title"] == title)
    return assistant.say(me, payload)


def bookings(assistant: Assistant, me: str) -> list[dict[str, str]]:
    engine = make_engine(assistant.db_url)
    try:
        return active_bookings(engine, me)
    finally:
        engine.dispose()


def to_summary(assistant: Assistant, me: str, opening: str, name: str, nik: str) -> list[dict[str, Any]]:
    """Opening with service, MPP, day and time; then name, NIK and no phone: the summary."""
    assert "Atas nama siapa" in texts(assistant.say(me, opening))
    assert "16 angka" in texts(assistant.say(me, name))
    assert "Nomor HP" in texts(assistant.say(me, nik))
    summary = assistant.say(me, "gak usah")
    assert "Sudah benar?" in texts(summary)
    return summary


def test_the_time_corrected_in_words_at_the_summary_keeps_everything_else(assistant: Assistant) -> None:
    me = assistant.new_sender()
    to_summary(
        assistant, me, "mau antri kk di mpp bekasi selasa 8 desember jam 9", "Rina Oktaviani", "3271011505900011"
    )
    summary = texts(assistant.say(me, "eh bentar, jamnya salah. jam 10 aja"))
    assert "Baik, jam diubah: 10.00." in summary
    assert "Selasa, 8 Desember 2026, pukul 10.00" in summary and "Rina Oktaviani" in summary
    assert "Antrean berhasil dipesan" in texts(assistant.say(me, "ya"))
    assert bookings(assistant, me) == [{"layanan": "kk", "mpp": "kota_bekasi", "date": "2026-12-08", "time": "10:00"}]


def test_the_date_changed_with_the_button_offers_free_days_and_keeps_the_time(assistant: Assistant) -> None:
    me = assistant.new_sender()
    summary = to_summary(
        assistant,
        me,
        "booking akta kematian di mpp tangsel senin 7 desember jam 10.30",
        "Joko Prasetyo",
        "3271012106850012",
    )
    assert {"Ubah tanggal", "Ubah jam", "Ubah layanan", "Ubah MPP", "Ubah nama", "Ubah NIK"} <= set(titles(summary))
    asked = press(assistant, me, summary, "Ubah tanggal")
    assert "Mau datang tanggal berapa?" in texts(asked) and "Kamis, 3 Desember" in titles(asked)
    again = texts(press(assistant, me, asked, "Kamis, 3 Desember"))
    assert "Kamis, 3 Desember 2026, pukul 10.30" in again and "Sudah benar?" in again
    assistant.say(me, "iya betul")
    assert bookings(assistant, me) == [
        {"layanan": "akta_kematian", "mpp": "kota_tangerang_selatan", "date": "2026-12-03", "time": "10:30"}
    ]


def test_the_service_and_the_mpp_corrected_at_the_summary(assistant: Assistant) -> None:
    me = assistant.new_sender()
    to_summary(assistant, me, "antri kk di mpp bogor rabu 9 desember jam 14.30", "Rizky Pratama", "3271010307920013")
    changed = texts(assistant.say(me, "oh iya salah, sebenernya mau urus surat pindah, bukan kk"))
    assert "layanan diubah: Surat Pindah" in changed and "Rabu, 9 Desember 2026, pukul 14.30" in changed
    moved = texts(assistant.say(me, "ralat, mpp nya yang di kota bekasi"))
    assert "MPP diubah: MPP Kota Bekasi" in moved and "Surat Pindah" in moved
    assistant.say(me, "oke lanjut")
    assert bookings(assistant, me) == [
        {"layanan": "pindah", "mpp": "kota_bekasi", "date": "2026-12-09", "time": "14:30"}
    ]


def test_the_name_corrected_mid_form_and_with_the_button_at_the_summary(assistant: Assistant) -> None:
    me = assistant.new_sender()
    assistant.say(me, "mau antri ktp hilang di mpp bekasi kamis 10 desember jam 13.45")
    assistant.say(me, "Sri Wahyuningsih")
    fixed = texts(assistant.say(me, "eh nama saya tadi kurang, lengkapnya Sri Wahyuningsih Lestari"))
    assert "nama diubah: Sri Wahyuningsih Lestari" in fixed and "16 angka" in fixed  # the NIK is asked again
    assistant.say(me, "3275011109880014")
    summary = assistant.say(me, "gak usah")
    assert "Nama: Sri Wahyuningsih Lestari" in texts(summary)
    assert "Atas nama siapa" in texts(press(assistant, me, summary, "Ubah nama"))
    assert "Nama: Sri Wahyuni Lestari" in texts(assistant.say(me, "Sri Wahyuni Lestari"))
    assistant.say(me, "ya")
    assert bookings(assistant, me)[0]["time"] == "13:45"


def test_mid_form_a_new_day_and_a_new_service_are_taken_and_nothing_is_stored_as_the_name(
    assistant: Assistant,
) -> None:
    me = assistant.new_sender()
    assert "Pilih jam" in texts(assistant.say(me, "mau antri rekam ktp baru di mpp bogor hari senin"))
    day = texts(assistant.say(me, "eh bentar, harinya rabu aja deh, senin saya ujian"))
    assert "tanggal diubah: Rabu, 2 Desember 2026" in day and "Pilih jam" in day
    assert "Atas nama siapa" in texts(assistant.say(me, "jam 8"))
    service = texts(assistant.say(me, "ganti, mau urus akta kelahiran anak aja"))
    assert "layanan diubah: Akta Kelahiran" in service and "Atas nama siapa" in service
    protest = texts(assistant.say(me, "lho kok nama, saya kan cuma mau antri"))
    assert "Nama dipakai petugas" in protest and "Atas nama siapa" in protest
    assistant.say(me, "Nadia Safitri")
    assistant.say(me, "3674012202910015")
    summary = texts(assistant.say(me, "-"))
    assert (
        "Akta Kelahiran" in summary and "Rabu, 2 Desember 2026, pukul 08.00" in summary and "Nadia Safitri" in summary
    )


def test_a_new_mpp_without_the_service_asks_only_for_the_mpp(assistant: Assistant) -> None:
    me = assistant.new_sender()
    assistant.say(me, "mau booking perpanjang sim c di mpp bekasi")
    refused = assistant.say(me, "eh di mpp bogor aja deh yang deket rumah")
    assert "tidak tersedia di MPP Kota Bogor" in texts(refused) and "Di MPP mana" in texts(refused)
    assert titles(refused) == ["MPP Kota Bekasi"]
    assert "Mau datang tanggal berapa" in texts(assistant.say(me, "ya udah bekasi aja kalau gitu"))


def test_a_new_day_where_the_time_kept_does_not_exist_asks_only_for_the_time(assistant: Assistant) -> None:
    me = assistant.new_sender()
    to_summary(
        assistant, me, "antri kia di mpp bogor kamis 3 desember jam 11.45", "Ilham Firmansyah", "3271015508930016"
    )
    said = texts(assistant.say(me, "eh ganti hari jumat 4 desember aja, jamnya sama"))
    assert "Tidak ada slot pukul 11.45 pada Jumat, 4 Desember 2026" in said and "Pilih jam" in said
    summary = texts(assistant.say(me, "jam 1 siang aja"))
    assert "Jumat, 4 Desember 2026, pukul 13.00" in summary and "Ilham Firmansyah" in summary


def test_a_question_at_the_summary_is_answered_and_the_summary_comes_again(assistant: Assistant) -> None:
    me = assistant.new_sender()
    to_summary(
        assistant,
        me,
        "antri kia buat anak saya di mpp bekasi rabu 9 desember jam 1 siang",
        "Novita Sari",
        "3275011810870017",
    )
    answer = texts(assistant.say(me, "syaratnya apa aja yg dibawa?"))
    assert "Persyaratan" in answer and "Sudah benar?" in answer
    assistant.say(me, "ya, sudah benar")
    assert bookings(assistant, me) == [{"layanan": "kia", "mpp": "kota_bekasi", "date": "2026-12-09", "time": "13:00"}]


def test_tidak_asks_what_to_change_then_the_change(assistant: Assistant) -> None:
    me = assistant.new_sender()
    to_summary(
        assistant, me, "booking antrean bpjs tk mpp bekasi senin 7 desember jam 9", "Teguh Santoso", "3271012512860018"
    )
    what = assistant.say(me, "tidak")
    assert "Bagian mana yang perlu diubah?" in texts(what) and "Ubah jam" in titles(what)
    assert "pukul 15.00" in texts(assistant.say(me, "jamnya salah, harusnya jam 3 sore"))
    assistant.say(me, "iya")
    assert bookings(assistant, me)[0]["time"] == "15:00"


def test_tidak_then_batal_books_nothing(assistant: Assistant) -> None:
    me = assistant.new_sender()
    to_summary(assistant, me, "booking kk tangsel rabu 2 desember jam 9", "Citra Maharani", "3674010104890019")
    assert "Bagian mana" in texts(assistant.say(me, "enggak"))
    assert "tidak dilanjutkan" in texts(assistant.say(me, "udah gak usah, batalin aja"))
    assert bookings(assistant, me) == []


def test_a_move_phrase_at_the_summary_corrects_the_unfinished_booking(assistant: Assistant) -> None:
    me = assistant.new_sender()
    to_summary(
        assistant, me, "mau antri pdam di mpp bogor jumat 11 desember jam 9", "Wahyu Setiadi", "3271010909900020"
    )
    said = texts(assistant.say(me, "ganti jadwal jadi jam 2 siang ya"))
    assert "Tidak ada antrean aktif" not in said and "Jumat, 11 Desember 2026, pukul 14.00" in said


def test_moving_a_booking_takes_a_correction_before_the_yes(assistant: Assistant) -> None:
    me = assistant.new_sender()
    to_summary(
        assistant, me, "booking surat pindah mpp tangsel senin 30 november jam 8.15", "Lukman Hakim", "3275012303880021"
    )
    assert "Antrean berhasil dipesan" in texts(assistant.say(me, "ya"))
    ask = assistant.say(me, "ubah jadwal ke kamis 3 desember jam 9 ya")
    assert "Pindahkan jadwal ke Kamis, 3 Desember 2026, pukul 09.00?" in texts(ask) and "Ubah jam" in titles(ask)
    assert "pukul 10.45?" in texts(assistant.say(me, "eh jamnya salah, jam 10.45 aja"))
    assert "sudah dipindah" in texts(assistant.say(me, "ya"))
    assert bookings(assistant, me) == [
        {"layanan": "pindah", "mpp": "kota_tangerang_selatan", "date": "2026-12-03", "time": "10:45"}
    ]


def test_an_opening_naming_service_mpp_day_and_hour_without_queue_words_starts_the_booking(
    assistant: Assistant,
) -> None:
    me = assistant.new_sender()
    # service, MPP, day and hour are all taken from the opening: the name is the first question
    opening = "mau urus kk di mpp bekasi kamis 10 desember jam 14.15"
    summary = texts(to_summary(assistant, me, opening, "Hendra Gunawan", "3275012404910032"))
    assert "Kamis, 10 Desember 2026, pukul 14.15" in summary and "Kartu Keluarga" in summary
    assistant.say(me, "ya")
    assert bookings(assistant, me) == [{"layanan": "kk", "mpp": "kota_bekasi", "date": "2026-12-10", "time": "14:15"}]


def test_the_answer_about_a_service_offers_to_book_it(assistant: Assistant) -> None:
    me = assistant.new_sender()
    answer = assistant.say(me, "syarat akta kematian apa aja")
    assert "Ambil antrean" in titles(answer)
    asked = press(assistant, me, answer, "Ambil antrean")
    assert "Di MPP mana" in texts(asked) or "Mau datang tanggal berapa" in texts(asked)


def test_belum_bener_at_the_summary_books_nothing_and_asks_what_to_change(assistant: Assistant) -> None:
    me = assistant.new_sender()
    to_summary(
        assistant, me, "antri kia di mpp tangsel selasa 8 desember jam 14.45", "Dewi Anggraini", "3674014806920033"
    )
    what = assistant.say(me, "belum bener")
    assert "Bagian mana yang perlu diubah?" in texts(what) and bookings(assistant, me) == []
    assert "Senin, 7 Desember 2026, pukul 14.45" in texts(assistant.say(me, "ganti hari senin 7 des aja, jamnya tetap"))


def test_a_lower_case_name_read_as_a_no_is_asked_about_and_a_yes_keeps_it(assistant: Assistant) -> None:
    # "hana" is "no" in Acehnese: typed in lower case, the NLU is sure "hana pertiwi" is a no
    me = assistant.new_sender()
    assert "Atas nama siapa" in texts(assistant.say(me, "mau antri kk di mpp bogor senin 7 desember jam 9"))
    check = assistant.say(me, "hana pertiwi")
    assert "apakah Hana Pertiwi nama pemohon?" in texts(check) and "Atas nama siapa" in texts(check)
    assert titles(check) == ["Ya, itu namanya", "Batal"]
    assert "16 angka" in texts(press(assistant, me, check, "Ya, itu namanya"))
    assistant.say(me, "3271014403920017")
    assert "Nama: Hana Pertiwi" in texts(assistant.say(me, "gak usah"))
    assistant.say(me, "ya")
    assert [b["time"] for b in bookings(assistant, me)] == ["09:00"]


def test_a_no_at_the_name_prompt_still_stops_the_booking(assistant: Assistant) -> None:
    me = assistant.new_sender()
    assert "Atas nama siapa" in texts(assistant.say(me, "mau antri kk di mpp bogor senin 7 desember jam 10"))
    assert "tidak dilanjutkan" in texts(assistant.say(me, "ora sido"))
    assert bookings(assistant, me) == []
