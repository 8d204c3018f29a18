"""The terminal client: buttons by number, typed text stays text, pushed QR and map pins shown."""

from __future__ import annotations

from typing import Any

import requests

from bot.terminal import Session, chat, render, to_message
from mpp.booking.replies import qr_png_base64

BUTTONS = [
    {"title": "Syarat", "payload": '/tanya_syarat{"layanan": "kk"}'},
    {"title": "Biaya", "payload": "/tanya_biaya"},
]


def test_a_number_presses_a_button_and_other_text_is_sent_as_text() -> None:
    assert to_message("2", BUTTONS) == "/tanya_biaya"
    assert to_message("3", BUTTONS) == "3"  # no third button: just text
    assert to_message('/tanya_biaya{"layanan": "paspor"}', BUTTONS) == 'tanya_biaya{"layanan": "paspor"}'
    assert to_message("   ", BUTTONS) is None


def test_render_numbers_buttons_and_draws_the_booking_qr(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("bot.terminal.QR_DIR", tmp_path)
    text, buttons = render(
        [
            {"text": "Pilih:", "buttons": BUTTONS},
            {"custom": {"type": "booking_qr", "code": "K7X4QH9R", "png_base64": qr_png_base64("K7X4QH9R")}},
            {"custom": {"type": "location", "latitude": -6.6, "longitude": 106.8, "title": "MPP Kota Bogor"}},
        ]
    )
    assert "[1] Syarat" in text and "[2] Biaya" in text and buttons == BUTTONS
    assert "K7X4QH9R" in text and (tmp_path / "K7X4QH9R.png").exists()
    assert "openstreetmap.org/?mlat=-6.6" in text


def test_assistant_down_gets_a_polite_message(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    session = Session(url="http://127.0.0.1:9/webhooks/rest/webhook", sender="console:t", timeout=0.5)
    typed = iter(["halo", "/keluar"])
    out: list[str] = []
    chat(session, read=lambda _: next(typed), write=out.append)
    assert any("tidak dapat dihubungi" in line for line in out)


def test_empty_answer_means_trouble_not_silence(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    class Empty:
        def raise_for_status(self) -> None: ...
        def json(self) -> list[Any]:
            return []  # what Rasa answers when the action server is unreachable

    session = Session(url="http://x", sender="console:t")
    monkeypatch.setattr(session.http, "post", lambda *a, **k: Empty())
    typed = iter(["halo", "/keluar"])
    out: list[str] = []
    chat(session, read=lambda _: next(typed), write=out.append)
    assert any("gangguan" in line for line in out)
    assert isinstance(session.http, requests.Session)


def test_hidden_slashes_and_control_characters_never_reach_rasa_as_commands() -> None:
    for typed in ("/restart", " /restart", "\x00/restart", "\u202e/restart", "//restart", "/ /restart"):
        assert to_message(typed, []) == "restart", typed
    assert to_message("ya \x1b[31m", []) == "ya [31m"
    assert to_message("\x00", []) is None and to_message("?", []) == "?"
