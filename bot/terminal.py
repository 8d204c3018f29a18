"""Terminal chat with the assistant, over Rasa's REST channel.

Unlike ``rasa shell`` it keeps one sender id per user (``console:<name>``), so a
conversation survives restarts, and it numbers buttons so that typing "2" presses
the second one. Typed text is always sent as text: a leading "/" is dropped, so
nobody can set intents by hand.
"""

from __future__ import annotations

import argparse
import base64
import getpass
import io
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import qrcode
import requests

from mpp.config import PROJECT_ROOT
from mpp.text import citizen_text

QUIT_WORDS = {"/keluar", "/quit", "/exit"}
QR_DIR = PROJECT_ROOT / "var" / "qr"


@dataclass
class Session:
    url: str
    sender: str
    http: requests.Session = field(default_factory=requests.Session)
    buttons: list[dict[str, Any]] = field(default_factory=list)
    timeout: float = 30.0

    def send(self, message: str) -> list[dict[str, Any]]:
        token = os.environ.get("RASA_REST_TOKEN")  # set when Rasa only accepts the gateway's turns
        headers = {"X-Gateway-Token": token} if token else {}
        response = self.http.post(
            self.url, json={"sender": self.sender, "message": message}, timeout=self.timeout, headers=headers
        )
        response.raise_for_status()
        return list(response.json())


def to_message(typed: str, buttons: Sequence[dict[str, Any]]) -> str | None:
    """What to send for what the user typed: a pressed button's payload, or plain text."""
    text = typed.strip()
    if not text:
        return None
    if text.isdecimal() and 1 <= int(text) <= len(buttons):
        return str(buttons[int(text) - 1]["payload"])
    cleaned = citizen_text(text)
    return None if cleaned == "?" and "?" not in text else cleaned


def render(messages: Sequence[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Bot messages as terminal text, and the buttons now on offer (numbered from 1)."""
    lines: list[str] = []
    buttons: list[dict[str, Any]] = []
    for m in messages:
        if m.get("text"):
            lines.append(str(m["text"]))
        if m.get("image"):
            lines.append(f"[gambar] {m['image']}")
        custom = m.get("custom") or {}
        if custom.get("type") == "booking_qr":
            lines.append(qr_text(str(custom["code"]), custom.get("png_base64")))
        if custom.get("type") == "location":
            lines.append(
                f"[peta] {custom.get('title')}: https://www.openstreetmap.org/?mlat={custom['latitude']}"
                f"&mlon={custom['longitude']}#map=18/{custom['latitude']}/{custom['longitude']}"
            )
        for b in m.get("buttons") or []:
            buttons.append(b)
            lines.append(f"  [{len(buttons)}] {b['title']}")
    return "\n".join(lines), buttons


def qr_text(code: str, png_base64: str | None) -> str:
    """The booking QR code drawn in the terminal, and saved as a PNG under var/qr/."""
    qr = qrcode.QRCode(border=1)
    qr.add_data(code)
    buffer = io.StringIO()
    qr.print_ascii(out=buffer, invert=True)
    saved = ""
    if png_base64:
        path = QR_DIR / f"{code}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(png_base64))
        saved = f"\n[QR] disimpan di {path}"
    return f"[QR check-in {code}]\n{buffer.getvalue()}{saved}"


def chat(session: Session, read: Callable[[str], str] = input, write: Callable[[str], None] = print) -> None:
    write("Asisten MPP — ketik pertanyaan Anda. Angka memilih tombol. /keluar untuk berhenti.\n")
    while True:
        try:
            typed = read("Anda: ")
        except (EOFError, KeyboardInterrupt):
            write("")
            return
        if typed.strip().lower() in QUIT_WORDS:
            return
        message = to_message(typed, session.buttons)
        if message is None:
            continue
        try:
            replies = session.send(message)
        except requests.RequestException:
            write("Asisten: Maaf, asisten sedang tidak dapat dihubungi. Silakan coba lagi sebentar lagi.\n")
            continue
        if not replies:
            write("Asisten: Maaf, sedang ada gangguan. Silakan coba lagi sebentar lagi.\n")
            continue
        text, session.buttons = render(replies)
        if text:  # nothing: a staff member holds the chat (their replies arrive as notifications)
            write(f"Asisten: {text}\n")


class Notifications:
    """Shows what the notifier pushes to this chat (turn notices, calls, reminders) as it arrives."""

    def __init__(self, chat_id: str, write: Callable[[str], None], interval: float = 1.0):
        self.chat_id, self.write, self.interval = chat_id, write, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "Notifications":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def poll_once(self) -> int:
        from mpp import console_chat
        from mpp.wiring import get_core

        core = get_core()
        with core.uow(write=True) as uow:
            texts = console_chat.take_undelivered(uow.session, self.chat_id, core.crypto)
            uow.commit()
        for text in texts:
            self.write(f"\n🔔 {text}\n")
        return len(texts)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.poll_once()
            except Exception as exc:  # the database is busy or not there yet: try again next time
                logging.getLogger(__name__).debug("notifications not read: %s", exc)


def wait_until_ready(base_url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            # The REST channel's health route: Rasa serves it only after loading the model
            # (`/status` would need --enable-api, which the embedded default does not open).
            status = requests.get(f"{base_url}/webhooks/rest/", timeout=2)
            if status.ok and status.json().get("status") == "ok":
                return True
        except (requests.RequestException, ValueError):
            pass
        time.sleep(0.5)
    return False


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Chat with Asisten MPP in the terminal")
    parser.add_argument("--url", default=os.environ.get("RASA_URL", "http://localhost:5005"))
    parser.add_argument("--user", default=os.environ.get("MPP_CONSOLE_USER") or getpass.getuser())
    args = parser.parse_args(argv)
    base = args.url.rstrip("/")
    session = Session(url=f"{base}/webhooks/rest/webhook", sender=f"console:{args.user}")
    if sys.stdin.isatty():
        from prompt_toolkit import PromptSession
        from prompt_toolkit.patch_stdout import patch_stdout

        prompt: PromptSession[str] = PromptSession()
        with patch_stdout():  # notifications print above the prompt instead of through it
            notes = Notifications(session.sender, print).start()
            try:
                chat(session, read=prompt.prompt)
            finally:
                notes.stop()
    else:
        notes = Notifications(session.sender, print).start()
        chat(session)
        notes.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
