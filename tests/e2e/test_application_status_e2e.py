"""Application status end to end, through the REST channel of the running assistant: a walk-in binds its chat
with the printed ticket's link, a clerk moves the application through every state in the console, each change
reaches the chat once (through the outbox and the notifier, also when the notifier runs again), the status
question is answered from the record, and an overdue case shows in the console."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.notifier import ChannelDeliverer, Notifier
from console.app import Console, create_app
from mpp import console_chat
from mpp.applications.service import ApplicationService
from mpp.catalogue.loader import read_catalogue
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.queue_tables import NotificationRow
from mpp.db.uow import UnitOfWork
from mpp.privacy import Crypto
from mpp.queue.service import Staff
from mpp.staff.accounts import add_staff
from testkit.core import on_database
from tests.conftest import CATALOGUE_DIR, unavailable
from tests.e2e.conftest import FIXED_NOW, Assistant
from tests.e2e.test_console_browser import CHROMIUM, FLAGS, SHOTS

pytestmark = pytest.mark.e2e
NOW = datetime.fromisoformat(FIXED_NOW)  # Friday 27 November 2026, 10.00 WIB
PASSWORD = "kata-sandi-rahasia"
STATUS_QUESTION = "paspor saya kapan bisa diambil"


class Clock:
    def __init__(self) -> None:
        self.at = NOW

    def __call__(self) -> datetime:
        return self.at


@contextlib.asynccontextmanager
async def console(assistant: Assistant, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    monkeypatch.setenv("MPP_PII_KEY", assistant.keys.encryption.decode())
    monkeypatch.setenv("MPP_PII_HASH_KEY", assistant.keys.hashing.decode())
    factory = make_session_factory(make_engine(assistant.db_url))
    catalogue = read_catalogue(CATALOGUE_DIR).catalogue
    queue = on_database(factory, catalogue, clock).queue
    server = TestServer(create_app(Console(factory, lambda: catalogue, queue, now=clock)))
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


async def log_in(base: str, username: str) -> tuple[httpx.AsyncClient, str]:
    client = httpx.AsyncClient(base_url=base, follow_redirects=False)
    assert (await client.post("/login", data={"username": username, "password": PASSWORD})).status_code == 303
    csrf = re.search(r'name="csrf" value="([^"]+)"', (await client.get("/")).text)
    assert csrf
    return client, csrf.group(1)


async def test_an_application_through_every_state_told_once_and_answered_from_the_record(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    factory = make_session_factory(make_engine(assistant.db_url))
    catalogue = read_catalogue(CATALOGUE_DIR).catalogue
    crypto = Crypto(assistant.keys)
    clock = Clock()
    core = on_database(factory, catalogue, clock, crypto=crypto)
    apps = ApplicationService(factory, lambda: catalogue, crypto, clock)
    username = f"imigrasi-{uuid.uuid4().hex[:8]}"
    with UnitOfWork(factory, write=True) as uow:
        add_staff(uow.session, username, PASSWORD, "Rudi", "kota_bogor", "imigrasi", "5")
        uow.commit()

    me = assistant.new_sender()
    ticket = core.queue.issue_walk_in("kota_bogor", "paspor")  # a walk-in: no chat yet
    assert "Belum ada catatan permohonan" in assistant.text(me, STATUS_QUESTION)
    assert "tidak sah atau sudah kedaluwarsa" in assistant.text(me, "ikuti tk1_1_" + "0" * 24)  # forged
    token = apps.token_for(ticket.id)
    assert f"terhubung dengan nomor antrean {ticket.number}" in assistant.text(me, f"ikuti {token}")
    assert "chat lain" in assistant.text(assistant.new_sender(), f"ikuti {token}")  # a photo of the ticket

    clerk = Staff(1, "kota_bogor", "imigrasi", "5")
    assert core.queue.call_next(clerk) is not None
    core.queue.served(clerk, ticket.id)

    notifier = Notifier(factory, ChannelDeliverer(factory), crypto=crypto)

    async def deliver() -> list[str]:
        while await notifier.run_once_db():
            pass
        with UnitOfWork(factory, write=True) as uow:
            shown = console_chat.take_undelivered(uow.session, me, crypto)
            uow.commit()
        return [s for s in shown if "Kabar permohonan" in s]

    steps = [
        ({"state": "diproses"}, "diproses", "Dijanjikan selesai paling lambat"),
        (
            {"state": "perlu_berkas", "note": "Kartu Keluarga asli belum dibawa"},
            "perlu melengkapi berkas",
            "Kartu Keluarga asli",
        ),
        (
            {"state": "siap_diambil", "note": "Loket 5 lantai 2, bawa bukti permohonan", "ready_until": "2026-12-24"},
            "siap diambil",
            "Loket 5 lantai 2",
        ),
        ({"state": "selesai"}, "selesai", "Terima kasih"),
    ]
    async with console(assistant, clock, monkeypatch) as base:
        staff, csrf = await log_in(base, username)
        async with contextlib.aclosing(staff):
            for form, label, detail in steps:
                r = await staff.post(f"/permohonan/{ticket.id}", data={"csrf": csrf, **form})
                assert r.status_code == 303
                again = await staff.post(f"/permohonan/{ticket.id}", data={"csrf": csrf, **form})  # a double submit
                assert again.status_code == 303
                told = await deliver()
                assert len(told) == 1 and label in told[0] and detail in told[0], (label, told)
                answer = assistant.text(me, STATUS_QUESTION)
                assert label in answer and detail in answer, (label, answer)
            assert await deliver() == []  # a notifier started again sends nothing new
            second = Notifier(factory, ChannelDeliverer(factory), crypto=crypto)
            assert await second.run_once_db() == 0
    with UnitOfWork(factory) as uow:
        keys = [
            r.dedupe_key
            for r in uow.session.execute(
                select(NotificationRow).where(
                    NotificationRow.chat_id == me, NotificationRow.kind == "application_status"
                )
            ).scalars()
        ]
    assert len(keys) == len(set(keys)) == 4
    # the queue question still goes to the queue
    assert "Belum ada catatan permohonan" not in assistant.text(me, "antrean saya nomor berapa")


async def test_an_overdue_application_shows_in_the_console(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    factory = make_session_factory(make_engine(assistant.db_url))
    catalogue = read_catalogue(CATALOGUE_DIR).catalogue
    clock = Clock()
    core = on_database(factory, catalogue, clock, crypto=Crypto(assistant.keys))
    username = f"imigrasi-{uuid.uuid4().hex[:8]}"
    with UnitOfWork(factory, write=True) as uow:
        add_staff(uow.session, username, PASSWORD, "Rudi", "kota_bogor", "imigrasi", "5")
        uow.commit()
    ticket = core.queue.issue_walk_in("kota_bogor", "paspor")
    clerk = Staff(1, "kota_bogor", "imigrasi", "5")
    while (called := core.queue.call_next(clerk)) is not None and called.id != ticket.id:
        core.queue.served(clerk, called.id)
    core.queue.served(clerk, ticket.id)
    async with console(assistant, clock, monkeypatch) as base:
        staff, csrf = await log_in(base, username)
        async with contextlib.aclosing(staff):
            await staff.post(f"/permohonan/{ticket.id}", data={"csrf": csrf, "state": "diproses"})
        clock.at = NOW + timedelta(days=14)  # well past 4 working days
        staff, _ = await log_in(base, username)
        async with contextlib.aclosing(staff):
            page = (await staff.get("/permohonan")).text
        row = re.search(rf'<tr class="overdue"[^>]*><td>{re.escape(ticket.number)} ', page)
        assert row and "TERLAMBAT" in page
        await screenshot(base, username)


async def screenshot(base: str, username: str) -> None:
    """The clerk's /permohonan in Chromium, the overdue row red (results/screenshots/application-overdue.png)."""
    if not Path(CHROMIUM).exists():
        unavailable("Chromium is not installed; install it with: apt-get install -y chromium")
    from playwright.async_api import async_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = await chromium.new_page(viewport={"width": 1280, "height": 800})
            await page.goto(f"{base}/permohonan")
            await page.fill("input[name=username]", username)
            await page.fill("input[name=password]", PASSWORD)
            await page.click("button")
            await page.goto(f"{base}/permohonan")
            overdue = page.locator("tr.overdue").first
            assert "TERLAMBAT" in await overdue.inner_text()
            assert await overdue.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(253, 224, 224)"
            await page.screenshot(path=str(SHOTS / "application-overdue.png"), full_page=True)
        finally:
            await chromium.close()
