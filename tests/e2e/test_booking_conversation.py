"""Booking over Rasa's REST channel, as a citizen types it; and no NIK anywhere but encrypted."""

from __future__ import annotations

import sqlite3

import pytest

from tests.e2e.conftest import Assistant

pytestmark = pytest.mark.e2e


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def test_book_check_move_and_cancel(assistant: Assistant) -> None:
    me = assistant.new_sender()
    first = texts(assistant.say(me, "mau antri bikin kk senin depan jam 9 di mpp bogor"))
    assert "Atas nama siapa" in first
    assert "16 angka" in texts(assistant.say(me, "Rina Marlina"))  # the NIK prompt explains why (UU 27/2022)
    wrong = texts(assistant.say(me, "3271047202900001"))  # a woman's day+40 that is no real date
    assert "tanggal lahir" in wrong
    assert "Nomor HP" in texts(assistant.say(me, "3271046502900003"))
    summary = texts(assistant.say(me, "lewati"))
    assert "Senin, 30 November 2026, pukul 09.00" in summary and "3271********0003" in summary
    booked = assistant.say(me, "ya")
    text = texts(booked)
    assert "Antrean berhasil dipesan" in text and "Nomor antrean: A-" in text
    assert any((m.get("custom") or {}).get("type") == "booking_qr" for m in booked)
    code = text.split("Kode booking: ")[1].split()[0]

    assert code in texts(assistant.say(me, "antrean saya gimana"))
    assert "Memindah jadwal" in texts(assistant.say(me, "mau ganti jadwal"))
    assert "Pindahkan jadwal ke Rabu, 2 Desember 2026, pukul 10.00" in texts(assistant.say(me, "rabu depan jam 10"))
    assert "sudah dipindah" in texts(assistant.say(me, "ya"))
    assert "Batalkan antrean ini?" in texts(assistant.say(me, "batalin antrean saya"))
    assert "sudah dibatalkan" in texts(assistant.say(me, "ya"))
    assert "Belum ada antrean aktif" in texts(assistant.say(me, "cek antrean"))


def test_fee_question_mid_form_then_back(assistant: Assistant) -> None:
    me = assistant.new_sender()
    assistant.say(me, "mau booking antrean sim di bekasi")
    detour = texts(assistant.say(me, "biayanya berapa ya"))
    assert "Rp80.000" in detour and "tanggal berapa" in detour  # answered, then the form asks again
    assert "keluar" not in detour
    left = texts(assistant.say(me, "gak jadi deh"))
    assert "tidak dilanjutkan" in left


def test_passport_is_explained_with_m_paspor(assistant: Assistant) -> None:
    reply = texts(assistant.say(assistant.new_sender(), "mau antri paspor bsk jam 9"))
    assert "M-Paspor" in reply and "imigrasi.go.id" in reply


def test_nik_and_phone_never_reach_logs_trackers_or_a_database_dump(assistant: Assistant) -> None:
    nik, phone = "3273015506880005", "081398765432"
    me = assistant.new_sender()
    assistant.say(me, "mau antri akta kelahiran di mpp tangsel selasa jam 10")
    assistant.say(me, "Dewi Kartika")
    assistant.say(me, f"nik saya {nik}")
    summary = texts(assistant.say(me, f"hp {phone[:4]}-{phone[4:8]}-{phone[8:]}"))
    assert "3273********0005" in summary  # the booking really used this NIK
    assert "Antrean berhasil dipesan" in texts(assistant.say(me, "ya"))

    variants = [nik, phone, f"{phone[:4]}-{phone[4:8]}-{phone[8:]}"]
    for name in ("rasa.log", "actions.log"):
        log = (assistant.work / name).read_text(errors="replace")
        assert "DEBUG" in log  # debug logging was on
        assert not [v for v in variants if v in log], name
    trackers = (assistant.work / "trackers.db").read_bytes()
    assert b"NIKREF" in trackers  # the token took the NIK's place
    assert not [v for v in variants if v.encode() in trackers]
    core = sqlite3.connect(assistant.db_url.removeprefix("sqlite:///"))
    dump = "\n".join(core.iterdump())
    core.close()
    assert "akta_kelahiran" in dump
    assert not [v for v in variants if v in dump]
