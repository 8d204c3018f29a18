"""A person behind the assistant, end to end: a citizen on Telegram or WhatsApp (local stubs of their APIs)
asks for a person through the gateway and the real assistant; a staff member logs in to the console in
Chromium, claims the chat, replies (through the outbox and the notifier), reads the citizen's answer, ends
it; the assistant answers again. Then the same with every process restarted mid-handoff."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import delete, select

from bot.notifier import ChannelDeliverer, Notifier, utc_now
from console.app import Console, create_app
from mpp import notify_outbox as outbox
from mpp.catalogue.loader import read_catalogue
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.handoff_tables import HandoffDutyRow, HandoffMessageRow
from mpp.db.uow import UnitOfWork
from mpp.privacy import Crypto, Keys
from mpp.staff.accounts import add_staff
from testkit.core import on_database
from testkit.gateway_harness import Harness, restart_gateway, start, until
from testkit.stack import start_stack
from testkit.stubs.graph_api import webhook_body
from testkit.stubs.telegram_api import callback_update, text_update
from tests.conftest import CATALOGUE_DIR, require_model, unavailable
from tests.e2e.conftest import FIXED_NOW, Assistant
from tests.e2e.test_console_browser import CHROMIUM, FLAGS, SHOTS

pytestmark = pytest.mark.e2e
NOW = datetime.fromisoformat(FIXED_NOW)  # the assistant's clock: Friday, MPP Kota Bogor serving
PASSWORD = "kata-sandi-rahasia"


@pytest.fixture()
async def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        unavailable("Chromium is not installed; install it with: apt-get install -y chromium")
    from playwright.async_api import async_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        await chromium.close()


def add_clerk(db_url: str) -> str:
    username = f"clerk-{uuid.uuid4().hex[:8]}"
    factory = make_session_factory(make_engine(db_url))
    with UnitOfWork(factory, write=True) as uow:
        add_staff(uow.session, username, PASSWORD, "Sari", "kota_bogor", "disdukcapil")
        uow.commit()
    return username


@contextlib.asynccontextmanager
async def console(db_url: str, keys: Keys, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    """The console on the assistant's database and clock, with its keys (as in production: from the environment)."""
    monkeypatch.setenv("MPP_PII_KEY", keys.encryption.decode())
    monkeypatch.setenv("MPP_PII_HASH_KEY", keys.hashing.decode())
    factory = make_session_factory(make_engine(db_url))
    catalogue = read_catalogue(CATALOGUE_DIR).catalogue
    queue = on_database(factory, catalogue, lambda: NOW).queue
    server = TestServer(create_app(Console(factory, lambda: catalogue, queue, now=lambda: NOW)))
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


def notifier(db_url: str, gw: Harness, keys: Keys, now: Callable[[], datetime] = utc_now) -> Notifier:
    factory = make_session_factory(make_engine(db_url))
    return Notifier(factory, ChannelDeliverer(factory, gw.gateway.channels, now=now), crypto=Crypto(keys), now=now)


async def deliver(n: Notifier) -> None:
    while await n.run_once_db():
        pass


async def log_in(page, url: str, username: str) -> None:  # type: ignore[no-untyped-def]
    await page.goto(f"{url}/handoffs")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.get_by_role("button", name="Masuk").click()
    await page.goto(f"{url}/handoffs")


@dataclass
class TelegramCitizen:
    gw: Harness
    chat: int
    n: Any = None

    def __post_init__(self) -> None:
        self.n = iter(range(1, 1000))

    def texts(self) -> list[str]:
        return self.gw.telegram.texts(str(self.chat))

    async def say(self, text: str, expect_reply: bool = True) -> list[str]:
        before = len(self.texts())
        await self.gw.telegram_update(text_update(next(self.n) + self.chat * 1000, self.chat, text))
        if expect_reply:
            await until(lambda: len(self.texts()) > before, what=f"a reply to {text!r}")
        await until(self.gw.gateway_idle, what="the turn to finish")
        return self.texts()[before:]

    async def press(self, title: str) -> list[str]:
        before = len(self.texts())
        message = next(
            m for m in reversed(self.gw.telegram.sent("sendMessage", str(self.chat))) if m.get("reply_markup")
        )
        buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
        data = next(b["callback_data"] for b in buttons if b["text"] == title)
        await self.gw.telegram_update(callback_update(next(self.n) + self.chat * 1000, self.chat, data))
        await until(lambda: len(self.texts()) > before, what=f"a reply to the button {title!r}")
        await until(self.gw.gateway_idle, what="the turn to finish")
        return self.texts()[before:]


@dataclass
class WhatsAppCitizen:
    gw: Harness
    wa: str
    n: Any = None

    def __post_init__(self) -> None:
        self.n = iter(range(1, 1000))

    def texts(self) -> list[str]:
        out = []
        for m in self.gw.graph.to(self.wa):
            if m["type"] == "text":
                out.append(m["text"]["body"])
            elif m["type"] == "interactive":
                out.append(m["interactive"]["body"]["text"])
            elif m["type"] == "template":
                out.append(m["template"]["components"][0]["parameters"][0]["text"])
        return out

    async def _send(self, message: dict[str, Any], expect_reply: bool, what: str) -> list[str]:
        before = len(self.texts())
        await self.gw.whatsapp_post(webhook_body(self.wa, {"id": f"wamid.{self.wa}.{next(self.n)}", **message}))
        if expect_reply:
            await until(lambda: len(self.texts()) > before, what=what)
        await until(self.gw.gateway_idle, what="the turn to finish")
        return self.texts()[before:]

    async def say(self, text: str, expect_reply: bool = True) -> list[str]:
        return await self._send({"type": "text", "text": {"body": text}}, expect_reply, f"a reply to {text!r}")

    async def press(self, title: str) -> list[str]:
        interactive = next(m for m in reversed(self.gw.graph.to(self.wa)) if m["type"] == "interactive")
        button = next(b for b in interactive["interactive"]["action"]["buttons"] if b["reply"]["title"] == title)
        reply = {"type": "interactive", "interactive": {"type": "button_reply", "button_reply": button["reply"]}}
        return await self._send(reply, True, f"a reply to the button {title!r}")


async def staff_claims_and_replies(page, url: str, channel: str, reply: str, shot: str) -> None:  # type: ignore[no-untyped-def]
    await page.goto(f"{url}/handoffs")
    link = page.get_by_role("table", name="Menunggu").get_by_role("link", name=f"· {channel}").last
    await link.click()
    await page.screenshot(path=str(SHOTS / f"handoff-{shot}-waiting.png"), full_page=True)
    await page.get_by_role("button", name="Ambil chat ini").click()
    assert "sekarang Anda tangani" in await page.get_by_role("status").inner_text()
    await page.fill("textarea[name=text]", reply)
    await page.get_by_role("button", name="Kirim").click()
    assert "Balasan terkirim" in await page.get_by_role("status").inner_text()


async def one_handoff(citizen: TelegramCitizen | WhatsAppCitizen, page, url: str, n: Notifier, channel: str) -> None:  # type: ignore[no-untyped-def]
    offer = "\n".join(await citizen.say("mau ngobrol langsung sama petugas mpp bogor"))
    assert "Sambungkan sekarang?" in offer and "tidak ada yang mengantre sebelum Anda" in offer
    assert "urutan ke-1" in "\n".join(await citizen.press("Ya, sambungkan"))
    assert "teruskan" in "\n".join(await citizen.say("KK saya hilang, apa yang harus saya bawa?"))

    reply = f"Baik, saya cek dulu berkas Anda ({channel})."
    await staff_claims_and_replies(page, url, channel, reply, channel.lower())
    await deliver(n)
    told = "\n".join(citizen.texts()[-2:])
    assert "kini melayani chat Anda" in told and reply in told

    assert await citizen.say("baik, terima kasih pak", expect_reply=False) == []  # the assistant stays quiet
    await page.locator("#chat li.citizen", has_text="baik, terima kasih pak").wait_for(timeout=10_000)
    await page.screenshot(path=str(SHOTS / f"handoff-{channel.lower()}-chat.png"), full_page=True)
    await page.get_by_role("button", name="Akhiri chat").click()
    assert "Chat selesai" in await page.get_by_role("status").inner_text()
    await deliver(n)
    assert "sudah selesai" in citizen.texts()[-1]
    assert "Persyaratan KTP" in "\n".join(await citizen.say("syarat bikin ktp apa?"))  # the assistant again
    assert sum(reply in t for t in citizen.texts()) == 1


async def test_handoff_over_telegram_and_whatsapp_with_staff_in_the_browser(
    assistant: Assistant,
    browser,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    username = add_clerk(assistant.db_url)
    gw = await start(assistant.db_url, rasa_url=assistant.url, keys=assistant.keys)
    try:
        async with console(assistant.db_url, assistant.keys, monkeypatch) as url:
            page = await browser.new_page(viewport={"width": 1280, "height": 900})
            await log_in(page, url, username)  # the handoff page open: Sari is on duty
            await page.screenshot(path=str(SHOTS / "handoff-line-empty.png"), full_page=True)
            n = notifier(assistant.db_url, gw, assistant.keys)
            await one_handoff(TelegramCitizen(gw, 8_101_001), page, url, n, "Telegram")
            await one_handoff(WhatsAppCitizen(gw, "6285711112222"), page, url, n, "WhatsApp")
    finally:
        await gw.close()


async def test_nobody_on_duty_the_citizen_leaves_a_message_from_telegram(assistant: Assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    gw = await start(assistant.db_url, rasa_url=assistant.url, keys=assistant.keys)
    try:
        citizen = TelegramCitizen(gw, 8_101_002)
        with UnitOfWork(make_session_factory(make_engine(assistant.db_url)), write=True) as uow:
            uow.session.execute(delete(HandoffDutyRow))  # whoever an earlier test left on duty
            uow.commit()
        offer = "\n".join(await citizen.say("bisa bicara dengan petugas mpp bogor?"))
        assert "belum ada petugas yang bertugas di chat" in offer and "Mau meninggalkan pesan?" in offer
        assert "tulis pesan Anda" in "\n".join(await citizen.press("Tinggalkan pesan"))
        left = "\n".join(await citizen.say("Saya mau tanya apakah berkas pindah saya sudah selesai."))
        assert "sudah kami simpan" in left
        assert "Persyaratan KTP" in "\n".join(await citizen.say("syarat ktp apa"))  # the assistant meanwhile
    finally:
        await gw.close()


async def test_every_process_restarted_mid_handoff_loses_nothing(browser, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Rasa and the action server killed (SIGKILL), the gateway, the console and the notifier replaced,
    in the middle of a held chat; the citizen writes meanwhile. Afterwards: every message once in the
    transcript, every staff reply delivered; the one duplicate is the notifier's counted at-least-once
    case (killed after sending, before marking sent), re-sent when its lease ran out."""
    require_model()
    keys, work = Keys.generate(), tmp_path / "stack"
    stack = start_stack(work, fixed_now=FIXED_NOW, keys=keys)
    db_url, rasa_url = stack.db_url, stack.url
    username = add_clerk(db_url)
    gw = await start(db_url, rasa_url=rasa_url, keys=keys)
    gw.gateway.retry_delays = (3, 5, 10, 20, 40, 60)
    citizen = TelegramCitizen(gw, 8_101_003)
    try:
        async with console(db_url, keys, monkeypatch) as url:
            page = await browser.new_page(viewport={"width": 1280, "height": 900})
            await log_in(page, url, username)
            n1 = notifier(db_url, gw, keys)
            assert "Sambungkan sekarang?" in "\n".join(await citizen.say("minta disambungkan ke petugas mpp bogor"))
            assert "urutan ke-1" in "\n".join(await citizen.press("Ya, sambungkan"))
            await citizen.say("Pesan pertama sebelum restart.")
            await staff_claims_and_replies(page, url, "Telegram", "Balasan pertama.", "restart")
            await deliver(n1)
            # the notifier dies after sending the second reply but before marking it sent
            await page.fill("textarea[name=text]", "Balasan kedua.")
            await page.get_by_role("button", name="Kirim").click()
            claimed = await asyncio.to_thread(n1._db, outbox.claim, utc_now(), 50)
            assert [note.kind for note in claimed] == ["handoff_reply"]
            await n1._send(claimed[0].chat_id, claimed[0].text)  # sent; then the process is gone
            chat_path = page.url.split(url, 1)[1]

        stack.procs[1].kill()  # Rasa
        stack.procs[0].kill()  # the action server
        for proc in stack.procs:
            proc.wait(timeout=20)
        await restart_gateway(gw, db_url, keys, rasa_url)
        gw.gateway.retry_delays = (3, 5, 10, 20, 40, 60)
        before = len(citizen.texts())
        await gw.telegram_update(text_update(9_999_001, citizen.chat, "Pesan kedua, saat asisten mati."))
        await until(lambda: len(citizen.texts()) > before, what="the 'received, busy' notice")
        assert "Pesan Anda sudah kami terima" in citizen.texts()[-1]

        stack = start_stack(work, fixed_now=FIXED_NOW, keys=keys)  # Rasa and the action server again
        await restart_gateway(gw, db_url, keys, stack.url)  # the gateway again, now pointing at the new Rasa
        gw.gateway.retry_delays = (1, 2, 3, 5, 10, 20)
        await until(gw.gateway_idle, timeout=120, what="the kept message to reach the new Rasa")

        async with console(db_url, keys, monkeypatch) as url:  # a new console process; the session survives
            n2 = notifier(db_url, gw, keys, now=lambda: utc_now() + timedelta(seconds=61))  # the lease ran out
            await deliver(n2)
            await page.goto(f"{url}{chat_path}")
            await page.locator("#chat li.citizen", has_text="Pesan kedua").wait_for(timeout=10_000)
            await page.screenshot(path=str(SHOTS / "handoff-after-restart.png"), full_page=True)
            await page.get_by_role("button", name="Akhiri chat").click()
            await deliver(n2)
        assert "Persyaratan KTP" in "\n".join(await citizen.say("syarat ktp apa?"))
    finally:
        await gw.close()
        stack.stop()

    texts = citizen.texts()
    assert sum(t.endswith("Balasan pertama.") for t in texts) == 1
    assert sum(t.endswith("Balasan kedua.") for t in texts) == 2  # the counted at-least-once duplicate
    assert sum("kini melayani chat Anda" in t for t in texts) == 1
    assert sum("sudah selesai" in t for t in texts) == 1
    factory = make_session_factory(make_engine(db_url))
    crypto = Crypto(keys)
    with UnitOfWork(factory) as uow:
        bodies = [crypto.decrypt(b) for b in uow.session.execute(select(HandoffMessageRow.body_encrypted)).scalars()]
    for line in (
        "Pesan pertama sebelum restart.",
        "Pesan kedua, saat asisten mati.",
        "Balasan pertama.",
        "Balasan kedua.",
    ):
        assert bodies.count(line) == 1, (line, bodies)


async def test_handoff_from_the_terminal_chat(assistant: Assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The terminal goes through the same REST channel: the offer and the line from the assistant, the
    staff member's replies as the terminal's notifications, and nothing printed while staff hold the chat."""
    import mpp.wiring
    from bot.terminal import Notifications, render
    from mpp.config import Settings
    from mpp.handoff.service import HandoffService
    from mpp.staff.accounts import member_of
    from mpp.staff.roles import Role

    factory = make_session_factory(make_engine(assistant.db_url))
    catalogue = read_catalogue(CATALOGUE_DIR).catalogue
    staff_side = HandoffService(factory, lambda: catalogue, Crypto(assistant.keys), lambda: NOW)
    with UnitOfWork(factory, write=True) as uow:
        row = add_staff(
            uow.session, f"spv-{uuid.uuid4().hex[:8]}", PASSWORD, "Dewi", "kota_bogor", None, role=Role.SUPERVISOR
        )
        uow.session.flush()
        dewi = member_of(row)
        uow.commit()
    staff_side.seen(dewi)
    me = assistant.new_sender()
    assert "Sambungkan sekarang?" in assistant.text(me, "saya perlu bicara dengan petugas mpp bogor")
    assert "urutan ke-" in assistant.text(me, "ya")
    assert "teruskan" in assistant.text(me, "apakah bisa urus akta kelahiran anak di sini?")
    handoff = staff_side.current(me)
    assert handoff is not None
    staff_side.claim(dewi, handoff.id, "Dewi")
    quiet = assistant.say(me, "baik, saya tunggu")
    assert render(quiet) == ("", [])  # the terminal prints nothing
    staff_side.reply(dewi, handoff.id, "Bisa, di loket Disdukcapil.", "Dewi")
    await deliver(Notifier(factory, ChannelDeliverer(factory), crypto=Crypto(assistant.keys)))
    core = mpp.wiring.Core(
        Settings(database_url=assistant.db_url, catalogue_dir=CATALOGUE_DIR, catalogue_refresh_seconds=5)
    )
    monkeypatch.setattr(mpp.wiring, "_core", core)
    shown: list[str] = []
    Notifications(me, shown.append).poll_once()
    assert any("Dewi, petugas MPP Kota Bogor, kini melayani" in s for s in shown)
    assert any("Bisa, di loket Disdukcapil." in s for s in shown)
    back = assistant.text(me, "kembali ke asisten")
    assert "kembali dilayani asisten" in back
    assert "Persyaratan" in assistant.text(me, "syarat ktp apa")
    _, lines = staff_side.chat(dewi, handoff.id)
    assert [ln.text for ln in lines if ln.author.value == "citizen"][-2:] == [
        "apakah bisa urus akta kelahiran anak di sini?",
        "baik, saya tunggu",
    ]
