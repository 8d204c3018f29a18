"""Book in the chat, check in, get called at the counter: the notifications reach the terminal chat."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

import mpp.wiring
from bot.notifier import ChannelDeliverer, Notifier
from bot.terminal import Notifications
from mpp.catalogue.loader import read_catalogue
from mpp.config import Settings
from mpp.db.engine import make_engine, make_session_factory
from mpp.queue.service import Staff
from mpp.wiring import Core
from testkit.core import on_database
from tests.conftest import CATALOGUE_DIR
from tests.e2e.conftest import Assistant

pytestmark = pytest.mark.e2e
WIB = ZoneInfo("Asia/Jakarta")


async def test_booked_citizen_is_reminded_and_called_in_the_terminal_chat(assistant: Assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    me = assistant.new_sender()
    assistant.say(me, "mau antri kk hari ini jam 2 siang di mpp bogor")  # the assistant's clock: Friday 27 Nov, 10.00
    assistant.say(me, "Wulan Sari")
    assistant.say(me, "3271045708950004")
    assistant.say(me, "lewati")
    booked = "\n".join(m.get("text") or "" for m in assistant.say(me, "ya"))
    assert "Antrean berhasil dipesan" in booked
    code = booked.split("Kode booking: ")[1].split()[0]
    number = booked.split("Nomor antrean: ")[1].split()[0]

    at_counter = datetime(2026, 11, 27, 13, 50, tzinfo=WIB)
    factory = make_session_factory(make_engine(assistant.db_url))
    catalogue = read_catalogue(CATALOGUE_DIR).catalogue
    queue = on_database(factory, catalogue, lambda: at_counter).queue
    queue.check_in("kota_bogor", code)  # at the kiosk
    assert queue.call_next(Staff(1, "kota_bogor", "disdukcapil", "3")) is not None

    notifier = Notifier(factory, ChannelDeliverer(factory), now=lambda: at_counter)
    assert await notifier.run_once_db() >= 2  # the one-hour reminder (due 13.00) and the call

    core = Core(Settings(database_url=assistant.db_url, catalogue_dir=CATALOGUE_DIR, catalogue_refresh_seconds=5))
    monkeypatch.setattr(mpp.wiring, "_core", core)
    shown: list[str] = []
    Notifications(me, shown.append).poll_once()
    text = "".join(shown)
    assert "1 jam lagi (pukul 14.00 WIB)" in text
    assert f"Nomor antrean {number}: silakan menuju loket 3" in text
