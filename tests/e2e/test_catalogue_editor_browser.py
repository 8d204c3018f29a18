"""The catalogue editor in a real browser (Chromium via Playwright), with the answer checked through the real FAQ action.

Screenshots go to the test's tmp dir; with MPP_SCREENSHOT_DOCS=1 they are also copied to docs/screenshots/
(the README shows them).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.faq import ActionJawabPertanyaan
from mpp.booking.model import Booking, BookingRequest
from mpp.booking.slots import day_slots
from mpp.catalogue.store import CatalogueProvider
from mpp.config import PROJECT_ROOT
from mpp.db.queue_tables import NotificationRow
from testkit.core import on_database
from tests.conftest import unavailable
from tests.console_harness import PASSWORD, running_console

pytestmark = pytest.mark.e2e
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
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
DOCS = PROJECT_ROOT / "docs" / "screenshots"
REFRESH_SECONDS = 1.0  # the action server's MPP_CATALOGUE_REFRESH_SECONDS in this test


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
async def site(sqlite_url: str, demo):  # type: ignore[no-untyped-def]
    async with running_console(sqlite_url, demo, live=True) as running:
        yield running


class Shots:
    def __init__(self, directory: Path):
        self.directory = directory

    async def take(self, page, name: str, docs: bool = False) -> None:  # type: ignore[no-untyped-def]
        path = self.directory / f"{name}.png"
        await page.screenshot(path=str(path), full_page=True)
        if docs and os.environ.get("MPP_SCREENSHOT_DOCS") == "1":
            DOCS.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, DOCS / path.name)


@pytest.fixture()
def shots(tmp_path: Path) -> Shots:
    return Shots(tmp_path)


async def log_in(browser, base: str, username: str):  # type: ignore[no-untyped-def]
    page = await browser.new_page(viewport={"width": 1280, "height": 900})
    await page.goto(f"{base}/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.get_by_role("button", name="Masuk").click()
    return page


def chat_answer(action: ActionJawabPertanyaan, intent: str, **entities: str) -> str:
    """What the real FAQ action says to a message with this intent and these entities."""
    tracker = Tracker(
        "console:warga",
        {"layanan": None, "jenis": None, "mpp": None, "topik": None},
        {
            "intent": {"name": intent, "confidence": 0.9},
            "text": "",
            "entities": [{"entity": k, "value": v} for k, v in entities.items()],
        },
        [],
        False,
        None,
        {},
        None,
    )
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, tracker, {}))
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


async def answer_becomes(action: ActionJawabPertanyaan, expected: str, **ask: str) -> float:
    """Seconds until the chat's answer contains ``expected`` (fails after twice the refresh period)."""
    started = time.monotonic()
    while True:
        text = await asyncio.to_thread(chat_answer, action, ask["intent"], layanan=ask["layanan"])
        if expected in text:
            return time.monotonic() - started
        if time.monotonic() - started > 2 * REFRESH_SECONDS + 2:
            raise AssertionError(f"the chat still answers:\n{text}")
        await asyncio.sleep(0.1)


async def test_a_clerk_edits_a_fee_the_admin_approves_the_chat_answer_changes_and_undo_restores_it(
    browser,
    site,
    shots: Shots,  # type: ignore[no-untyped-def]
) -> None:
    # The action server's own catalogue cache, as in production: re-read within its refresh period.
    action_core = on_database(site.factory, CatalogueProvider(site.factory, REFRESH_SECONDS).get, site.clock)
    action = ActionJawabPertanyaan(action_core)
    fee = {"intent": "tanya_biaya", "layanan": "skck"}
    assert "SKCK untuk WNI: Rp30.000" in await asyncio.to_thread(chat_answer, action, **fee)

    clerk = await log_in(browser, site.base, "polres.bogor")
    await clerk.get_by_role("link", name="Katalog layanan").click()
    await clerk.get_by_role("link", name="Biaya dan dasar hukum").first.click()
    assert await clerk.input_value("input[name=fee_0_amount]") == "30000"
    await clerk.fill("input[name=fee_0_amount]", "35000")
    await clerk.fill("input[name=source_title]", "CONTOH UJI — bukan sumber nyata")
    await clerk.fill("input[name=source_url]", "https://contoh.example/edaran-uji")
    await clerk.fill("textarea[name=reason]", "Uji coba editor katalog")
    await shots.take(clerk, "editor-fee-form", docs=True)
    await clerk.get_by_role("button", name="Ajukan untuk disetujui").click()
    assert "menunggu persetujuan admin nasional" in await clerk.get_by_role("status").inner_text()
    change_url = clerk.url

    other = await log_in(browser, site.base, "samsat.bogor")
    response = await other.goto(f"{site.base}/katalog/ubah?topic=fees&kind=service&key=skck")
    assert response is not None and response.status == 403
    assert "hanya untuk instansi samsat" in await other.content()
    await shots.take(other, "editor-other-agency-refused")

    admin = await log_in(browser, site.base, "nasional")
    await admin.get_by_role("link", name="Katalog layanan: ubah, setujui, riwayat").click()
    waiting = admin.get_by_role("table", name="Menunggu persetujuan")
    assert "Biaya dan dasar hukum" in await waiting.inner_text()
    await waiting.get_by_role("link").first.click()
    diff = admin.get_by_role("table", name="Jawaban 'berapa biayanya?'")
    assert "Rp30.000" in await diff.inner_text() and "Rp35.000" in await diff.inner_text()
    await shots.take(admin, "editor-approve-diff", docs=True)
    await admin.get_by_role("button", name="Setujui").click()
    assert "Disetujui" in await admin.get_by_role("status").inner_text()
    took = await answer_becomes(action, "SKCK untuk WNI: Rp35.000", **fee)
    assert took <= REFRESH_SECONDS + 1

    await admin.goto(change_url)
    await admin.get_by_role("button", name="Kembalikan ke sebelum perubahan ini").click()
    assert "Dikembalikan" in await admin.get_by_role("status").inner_text()
    assert await admin.locator("#status").inner_text() == "dikembalikan"
    await answer_becomes(action, "SKCK untuk WNI: Rp30.000", **fee)
    await admin.goto(f"{site.base}/katalog/versi")
    await shots.take(admin, "editor-versions", docs=True)


async def test_an_invalid_edit_is_refused_with_field_and_reason_and_the_draft_survives(
    browser,
    site,
    shots: Shots,  # type: ignore[no-untyped-def]
) -> None:
    clerk = await log_in(browser, site.base, "polres.bogor")
    await clerk.goto(f"{site.base}/katalog/ubah?topic=fees&kind=service&key=skck")
    await clerk.fill("input[name=fee_0_amount]", "-5000")
    await clerk.fill("input[name=source_title]", "CONTOH UJI — bukan sumber nyata")
    await clerk.get_by_role("button", name="Ajukan untuk disetujui").click()
    problems = await clerk.get_by_role("alert").inner_text()
    assert "fees[0].amount" in problems and "greater than or equal to 0" in problems
    assert "Draf Anda tersimpan" in problems
    assert await clerk.input_value("input[name=fee_0_amount]") == "-5000"
    await shots.take(clerk, "editor-invalid-refused", docs=True)
    await clerk.goto(f"{site.base}/katalog")
    mine = await clerk.get_by_role("table", name="Draf saya").inner_text()
    assert "draf" in mine and "Biaya dan dasar hukum" in mine
    assert site.provider.get().services["skck"].fees[0].amount == 30000


def book(site, i: int, day: date, start) -> Booking:  # type: ignore[no-untyped-def]
    outcome = site.services.bookings.book(
        BookingRequest(
            f"req-{i}",
            f"telegram:{500 + i}",
            "kota_bogor",
            "ktp_el",
            day,
            start,
            f"Warga {i}",
            f"327104{(i % 28) + 1:02d}0890{i + 1:04d}",
        )
    )
    assert isinstance(outcome, Booking), outcome
    return outcome


async def test_a_quota_cut_reoffers_the_bookings_it_displaces(browser, site, shots: Shots) -> None:  # type: ignore[no-untyped-def]
    day = date(2026, 12, 2)  # the console's clock: Tuesday 1 December 2026, 09.00 WIB
    cat: Any = site.provider.get()
    start = day_slots(cat.mpps["kota_bogor"], cat.offering("kota_bogor", "ktp_el"), day)[0].start
    bookings = [book(site, i, day, start) for i in range(3)]

    clerk = await log_in(browser, site.base, "dukcapil.bogor")
    await clerk.goto(f"{site.base}/katalog/ubah?topic=offering&kind=offering&key=kota_bogor/ktp_el")
    assert await clerk.input_value("input[name=quota_per_slot]") == "3"
    await clerk.fill("input[name=quota_per_slot]", "1")
    await clerk.select_option("select[name=source_id]", "demo_config")
    await clerk.get_by_role("button", name="Ajukan untuk disetujui").click()
    assert "menunggu persetujuan admin MPP" in await clerk.get_by_role("status").inner_text()
    change_url = clerk.url

    admin = await log_in(browser, site.base, "admin.bogor")
    await admin.goto(change_url)
    assert "2 booking" in await admin.content()
    await shots.take(admin, "editor-quota-cut", docs=True)
    await admin.get_by_role("button", name="Setujui").click()
    assert "2 booking diberi tahu dan ditawari jadwal lain" in await admin.get_by_role("status").inner_text()
    with site.factory() as s:
        notices = s.execute(select(NotificationRow).where(NotificationRow.kind == "closure")).scalars().all()
    assert sorted(n.booking_id for n in notices) == sorted(b.id for b in bookings[1:])
    assert all("ubah jadwal" in n.text and "Slot terdekat" in n.text for n in notices)
