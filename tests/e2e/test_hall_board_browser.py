"""The hall board on a 1080p TV, in Debian's Chromium: a busy hall, a spoken call, a server restart.

Chromium runs with ``--autoplay-policy=no-user-gesture-required`` as the hall PC does (README).
Headless Chromium has no Indonesian voice of its own, so the spoken call comes from the console's
offline engine (espeak-ng); the test sees the board fetch and decode it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web

from console.app import Console, create_app
from console.settings import ConsoleSettings
from mpp.catalogue.store import save_catalogue
from mpp.config import PROJECT_ROOT
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.uow import UnitOfWork
from mpp.queue.service import Staff
from mpp.staff.accounts import add_staff
from mpp.staff.roles import Role
from testkit.core import Services, on_database
from tests.conftest import unavailable
from tests.console_harness import PASSWORD, Clock
from tests.e2e.test_console_browser import CHROMIUM, FLAGS
from tests.integration.test_board_hall import espeak

pytestmark = pytest.mark.e2e
DOCS_SHOTS = PROJECT_ROOT / "docs" / "screenshots"
HALL_PC = [*FLAGS, "--autoplay-policy=no-user-gesture-required"]
# Counters of kota_bogor and the agency serving there, with a service that agency offers.
BUSY = [("1", "disdukcapil", "ktp_el"), ("2", "disdukcapil", "kk"), ("3", "disdukcapil", "akta_kelahiran"),
        ("4", "polresta", "skck"), ("5", "imigrasi", "paspor"), ("6", "samsat", "pajak_kendaraan"),
        ("9", "bpjs_kesehatan", "bpjs_kesehatan"), ("11", "dpmptsp", "nib")]  # fmt: skip


@pytest.fixture()
async def hall_pc():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        unavailable("Chromium is not installed; install it with: apt-get install -y chromium")
    espeak()
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=CHROMIUM, args=HALL_PC)
        yield chromium
        await chromium.close()


class Hall:
    """A console on a fixed port that can be stopped and started again on the same database."""

    def __init__(self, sqlite_url: str, demo: Any):
        self.engine = make_engine(sqlite_url)
        self.factory = make_session_factory(self.engine)
        self.demo, self.clock = demo, Clock()
        with UnitOfWork(self.factory, write=True) as uow:
            save_catalogue(uow.session, demo)
            add_staff(uow.session, "admin.bogor", PASSWORD, "Admin", "kota_bogor", None, role=Role.MPP_ADMIN)
            uow.commit()
        from testkit.stack import free_port

        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.services: Services = on_database(self.factory, demo.catalogue, self.clock)
        self.runner: web.AppRunner | None = None

    async def start(self) -> None:
        settings = ConsoleSettings(board_poll_seconds=0.2, board_heartbeat_seconds=2.0, board_notices_seconds=0.2)
        console = Console(
            self.factory,
            lambda: self.demo.catalogue,
            self.services.queue,
            settings,
            now=self.clock,
            bookings=self.services.bookings,
        )
        self.runner = web.AppRunner(create_app(console))
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        assert self.runner is not None
        await self.runner.cleanup()
        self.runner = None

    def call(self, counter: str, agency: str) -> str:
        ticket = self.services.queue.call_next(Staff(1, "kota_bogor", agency, counter))
        assert ticket is not None
        return ticket.number

    async def announce(self, text: str) -> None:
        async with httpx.AsyncClient(base_url=self.base) as admin:
            await admin.post("/login", data={"username": "admin.bogor", "password": PASSWORD})
            page = (await admin.get("/pengumuman")).text
            csrf = page.split('name="csrf" value="')[1].split('"')[0]
            posted = await admin.post("/pengumuman", data={
                "csrf": csrf, "mpp": "kota_bogor", "kind": "info", "text": text,
                "starts_on": "2026-12-01", "ends_on": "2026-12-05",
            })  # fmt: skip
            assert posted.status_code == 303


async def until(page: Any, expression: str, seconds: float) -> None:
    """Poll an expression from here (the board's policy forbids the eval behind ``wait_for_function``)."""
    for _ in range(int(seconds * 10)):
        if await page.evaluate(expression):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"not true within {seconds} s: {expression}")


@asynccontextmanager
async def running_hall(sqlite_url: str, demo: Any) -> AsyncIterator[Hall]:
    hall = Hall(sqlite_url, demo)
    await hall.start()
    try:
        yield hall
    finally:
        if hall.runner is not None:
            await hall.stop()
        hall.engine.dispose()


async def test_a_busy_hall_on_a_1080p_tv_and_a_spoken_call(hall_pc, sqlite_url: str, demo) -> None:  # type: ignore[no-untyped-def]
    async with running_hall(sqlite_url, demo) as hall:
        queue = hall.services.queue
        for _counter, _agency, service in BUSY:
            for _ in range(3):
                queue.issue_walk_in("kota_bogor", service)
        for counter, agency, _service in BUSY:
            hall.call(counter, agency)
        await hall.announce("Layanan paspor hari Sabtu buka pukul 08.00–12.00. Siapkan KTP-el asli.")
        hall.clock.at += timedelta(minutes=2)  # those calls are history now

        tv = await hall_pc.new_page(viewport={"width": 1920, "height": 1080})
        clips: list[int] = []
        tv.on("response", lambda r: clips.append(r.status) if "/suara?" in r.url else None)
        await tv.goto(f"{hall.base}/board/kota_bogor")
        await tv.locator('.tile[data-counter="11"] .num').filter(has_text="-").wait_for(timeout=10_000)
        assert await tv.locator(".tile").count() == len(demo.catalogue.mpps["kota_bogor"].counters)
        assert await tv.locator("#recent li").count() == 5
        assert "paspor hari Sabtu" in await tv.locator("#ticker").inner_text()
        assert await tv.evaluate("window.hallBoard.spoken.length") == 0  # opening the page announces nothing old
        # the clock is the server's (a hall PC offline drifts): 09.02 WIB on Tuesday 1 December in this test
        assert await tv.locator("#date").inner_text() == "Selasa, 1 Desember 2026"
        assert (await tv.locator("#time").inner_text()).startswith("09.0")

        number = hall.call("2", "disdukcapil")  # a new call while the board watches
        await until(tv, "window.hallBoard.spoken.length === 1", 20)  # chime, fetch, decode, play
        spoken = await tv.evaluate("window.hallBoard.spoken[0]")
        assert spoken == {"number": number, "counter": "2", "mode": "server"}
        assert clips == [200]
        assert await tv.evaluate("window.hallBoard.lastClipSeconds") > 2.0  # the decoded clip is the sentence
        assert await tv.locator("#now-number").inner_text() == number
        assert await tv.locator('.tile[data-counter="2"] .num').inner_text() == number

        # ten metres: the counters' numbers and the current call are big (px on a 1920x1080 screen)
        tile_px = await tv.evaluate("parseFloat(getComputedStyle(document.querySelector('.tile .num')).fontSize)")
        now_px = await tv.evaluate("parseFloat(getComputedStyle(document.querySelector('#now-number')).fontSize)")
        print(f"\nboard on 1920x1080: counter numbers {tile_px:.0f} px, current call {now_px:.0f} px")
        assert tile_px >= 72 and now_px >= 110
        DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
        await tv.locator("#now.flash").wait_for(timeout=5_000)
        await tv.screenshot(path=str(DOCS_SHOTS / "board-1080p.png"))


async def test_the_board_reconnects_by_itself_after_the_server_restarts(hall_pc, sqlite_url: str, demo) -> None:  # type: ignore[no-untyped-def]
    async with running_hall(sqlite_url, demo) as hall:
        hall.services.queue.issue_walk_in("kota_bogor", "kk")
        hall.services.queue.issue_walk_in("kota_bogor", "kk")
        first = hall.call("1", "disdukcapil")
        tv = await hall_pc.new_page(viewport={"width": 1920, "height": 1080})
        await tv.goto(f"{hall.base}/board/kota_bogor")
        await tv.locator('.tile[data-counter="1"] .num').filter(has_text=first).wait_for(timeout=10_000)
        badge = tv.locator("#reconnecting")
        assert not await badge.is_visible()

        await hall.stop()
        await badge.wait_for(state="visible", timeout=15_000)
        assert await badge.inner_text() == "menyambung ulang…"
        await asyncio.sleep(3)  # the server stays down a while; the board keeps trying, with backoff
        hall.clock.at += timedelta(seconds=20)
        second = hall.call("1", "disdukcapil")  # a call made while the board was cut off
        await hall.start()

        await tv.locator('.tile[data-counter="1"] .num').filter(has_text=second).wait_for(timeout=30_000)
        await badge.wait_for(state="hidden", timeout=5_000)
        assert await tv.evaluate("window.hallBoard.connects") >= 2
        await until(tv, "window.hallBoard.spoken.length === 1", 20)  # missed a moment ago: still spoken
        assert await tv.evaluate("window.hallBoard.spoken[0].number") == second
        waiting = await tv.locator("#waiting-total").inner_text()
        assert waiting == "(0)"  # full state after the resync, not a patch on the old one
