"""Whole conversations over Rasa's REST channel: context, the MPP remembered, fallbacks."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Assistant

pytestmark = pytest.mark.e2e


def test_follow_up_keeps_the_service(assistant: Assistant) -> None:
    me = assistant.new_sender()
    assert "Persyaratan Paspor" in assistant.text(me, "syarat paspor apa?")
    assert "Rp350.000" in assistant.text(me, "kalau biayanya?")
    sim = assistant.text(me, "kalo sim?")  # a bare service repeats the last question
    assert "Biaya SIM" in sim and "Rp80.000" in sim


def test_mpp_is_asked_once_then_remembered(assistant: Assistant, demo) -> None:  # type: ignore[no-untyped-def]
    me = assistant.new_sender()
    first = assistant.say(me, "mpp buka jam brp ya")
    buttons = [b for m in first for b in m.get("buttons", [])]
    assert {b["title"] for b in buttons} == {m.name for m in demo.catalogue.mpps.values()}
    bogor = next(b for b in buttons if "Bogor" in b["title"])
    assert "07.30" in "\n".join(m.get("text", "") for m in assistant.say(me, bogor["payload"]))
    where = assistant.text(me, "alamatnya dimana")
    assert demo.catalogue.mpps["kota_bogor"].address in where


def test_service_missing_at_the_chosen_mpp_points_to_others(assistant: Assistant) -> None:
    me = assistant.new_sender()
    reply = assistant.text(me, "loket paspor di mpp bekasi dmn")
    assert "tidak tersedia di MPP Kota Bekasi" in reply and "MPP Kota Bogor" in reply


def test_question_without_service_asks_which_with_buttons(assistant: Assistant) -> None:
    me = assistant.new_sender()
    messages = assistant.say(me, "syaratnya apa aja kak")
    buttons = [b for m in messages for b in m.get("buttons", [])]
    assert len(buttons) >= 5 and all(b["payload"].startswith("/tanya_syarat{") for b in buttons)
    assert "Persyaratan" in "\n".join(m.get("text", "") for m in assistant.say(me, buttons[0]["payload"]))


def test_wanting_to_ask_is_not_booking(assistant: Assistant) -> None:
    """ "Mau tanya ..." opens a question: no booking form starts (data/nlu/ask_preamble.yml)."""
    me = assistant.new_sender()
    about = assistant.say(me, "mau tanya soal paspor")
    said = "\n".join(m.get("text", "") for m in about)
    assert "Apa yang ingin Anda ketahui tentang Paspor" in said, said
    assert "Persyaratan Paspor" in assistant.text(me, "syaratnya")  # the chat goes on with the service
    other = assistant.new_sender()
    opener = "\n".join(m.get("text", "") for m in assistant.say(other, "min mau tanya"))
    assert "layanan apa" not in opener.lower() and "Atas nama" not in opener  # no booking question


def test_gibberish_gets_choices_not_a_confident_answer(assistant: Assistant) -> None:
    me = assistant.new_sender()
    messages = assistant.say(me, "xjq wpz mmmh kkrt")
    text = "\n".join(m.get("text", "") for m in messages)
    assert "Maaf" in text
    assert any(m.get("buttons") for m in messages)


def test_small_talk_and_complaints(assistant: Assistant) -> None:
    me = assistant.new_sender()
    assert "Asisten MPP" in assistant.text(me, "punten kak")
    complaint = assistant.text(me, "petugas loketnya jutek bgt, mau lapor")  # a grievance opens a numbered complaint
    assert "pengaduan resmi" in complaint and "Di MPP mana" in complaint
    assert "pengaduan tidak jadi dikirim" in assistant.text(me, "batal")  # and the chat goes on
    assert "hanya bisa membantu soal layanan publik" in assistant.text(me, "resep nasi goreng enak gmn")
    assert "Sama-sama" in assistant.text(me, "hatur nuhun kak")


def test_the_greeting_buttons_ask_what_they_say(assistant: Assistant) -> None:
    me = assistant.new_sender()
    buttons = {b["title"]: b["payload"] for m in assistant.say(me, "halo") for b in m.get("buttons", [])}
    assert buttons["Syarat KTP"] == '/tanya_syarat{"layanan": "ktp_el"}'
    assert "KTP" in assistant.text(me, buttons["Syarat KTP"])
    assert "interpolator" not in (assistant.work / "rasa.log").read_text(errors="replace")
