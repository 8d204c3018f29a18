"""The console and the display board in a real headless browser (Debian's Chromium, driven by Playwright)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from console.app import Console, create_app
from mpp.catalogue.store import save_catalogue
from mpp.clock import system_clock
from mpp.config import PROJECT_ROOT
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.uow import UnitOfWork
from mpp.staff.accounts import add_staff
from mpp.staff.roles import Role
from testkit.core import on_database
from tests.conftest import unavailable

pytestmark = pytest.mark.e2e
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = PROJECT_ROOT / "results" / "screenshots"
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture()
async def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        unavailable("Chromium is not installed; install it with: apt-get install -y chromium")
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        await chromium.close()


@pytest.fixture()
async def console_url(sqlite_url: str, demo):  # type: ignore[no-untyped-def]
    factory = make_session_factory(make_engine(sqlite_url))
    with UnitOfWork(factory, write=True) as uow:
        save_catalogue(uow.session, demo)
        add_staff(uow.session, "sari", "kata-sandi-rahasia", "Sari", "kota_bogor", "disdukcapil", "2")
        add_staff(uow.session, "admin.bogor", "kata-sandi-rahasia", "Admin", "kota_bogor", None, role=Role.MPP_ADMIN)
        uow.commit()
    queue = on_database(factory, demo.catalogue, system_clock).queue
    server = TestServer(create_app(Console(factory, lambda: demo.catalogue, queue)))
    await server.start_server()
    yield str(server.make_url("")).rstrip("/")
    await server.close()


async def log_in(page, console_url: str, username: str) -> None:  # type: ignore[no-untyped-def]
    await page.goto(f"{console_url}/")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", "kata-sandi-rahasia")
    await page.get_by_role("button", name="Masuk").click()


async def enrolled_kiosk(browser, console_url: str):  # type: ignore[no-untyped-def]
    """An MPP administrator creates a kiosk in the console; the kiosk's browser enrols with the code."""
    admin = await browser.new_page(viewport={"width": 1280, "height": 800})
    await log_in(admin, console_url, "admin.bogor")
    await admin.get_by_role("link", name="Anjungan (kiosk): daftarkan, lihat aktivitas, cabut").click()
    await admin.fill("input[name=name]", "Lobi lantai 1")
    await admin.get_by_role("button", name="Buat dan tampilkan kode").click()
    code = await admin.locator("#enrol-code").inner_text()
    await admin.screenshot(path=str(SHOTS / "kiosk-enrol-code.png"))
    kiosk = await browser.new_page()
    await kiosk.goto(f"{console_url}/kiosk/kota_bogor")
    assert "belum terdaftar" in await kiosk.content()
    await kiosk.goto(f"{console_url}/kiosk/enrol")
    await kiosk.fill("input[name=code]", code)
    await kiosk.get_by_role("button", name="Daftarkan").click()
    assert "Lobi lantai 1" in await kiosk.get_by_role("status").inner_text()
    return admin, kiosk


async def test_call_next_in_the_console_updates_the_board_live(browser, console_url: str) -> None:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    board = await browser.new_page(viewport={"width": 1280, "height": 720})
    await board.goto(f"{console_url}/board/kota_bogor")

    admin, kiosk = await enrolled_kiosk(browser, console_url)
    await kiosk.select_option("select[name=service]", "kk")
    await kiosk.get_by_role("button", name="Ambil nomor").click()
    status = kiosk.get_by_role("status")
    await status.wait_for()
    number = (await status.inner_text()).split("Nomor antrean Anda: ")[1].split(".")[0]
    await kiosk.screenshot(path=str(SHOTS / "kiosk.png"))

    staff = await browser.new_page(viewport={"width": 1280, "height": 800})
    await log_in(staff, console_url, "sari")
    assert number in await staff.get_by_role("table", name="Menunggu").inner_text()
    await staff.locator("#call-next").click()
    await staff.get_by_role("status").wait_for()
    assert f"Memanggil {number} ke loket 2" in await staff.get_by_role("status").inner_text()
    await staff.screenshot(path=str(SHOTS / "console.png"), full_page=True)

    tile = board.locator('.tile[data-counter="2"] .num')
    # every counter has a tile from the start ("—"): wait for the call, pushed by server-sent events, no reload
    await board.wait_for_function(
        "n => document.querySelector('.tile[data-counter=\"2\"] .num')?.textContent.trim() === n",
        arg=number,
        timeout=10_000,
    )
    assert await tile.inner_text() == number
    await board.screenshot(path=str(SHOTS / "board.png"))

    await staff.get_by_role("button", name="Selesai").click()
    assert f"{number} selesai dilayani" in await staff.get_by_role("status").inner_text()

    # the administrator revokes the kiosk: its next tap gets nothing
    await admin.goto(f"{console_url}/kiosks")
    await admin.get_by_role("button", name="Cabut").click()
    assert "dicabut" in await admin.get_by_role("status").inner_text()
    await admin.screenshot(path=str(SHOTS / "kiosks.png"), full_page=True)
    await kiosk.select_option("select[name=service]", "kk")
    await kiosk.get_by_role("button", name="Ambil nomor").click()
    assert "belum terdaftar" in await kiosk.content()


async def test_login_with_a_wrong_password_stays_out(browser, console_url: str) -> None:  # type: ignore[no-untyped-def]
    page = await browser.new_page()
    await page.goto(f"{console_url}/")
    await page.fill("input[name=username]", "sari")
    await page.fill("input[name=password]", "bukan-ini")
    await page.get_by_role("button", name="Masuk").click()
    assert "salah" in await page.get_by_role("status").inner_text()
    assert page.url.endswith("/login")
