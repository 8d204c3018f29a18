"""The dashboard in Chromium over a simulated month: each page drawn, screenshotted, and its numbers
checked against an independent count of the same rows (``tests.integration.test_dashboard.expected``).

``MPP_SCREENSHOT_DOCS=1`` copies the screenshots to docs/screenshots/.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from mpp.dashboard.simulate import simulate
from mpp.db.uow import UnitOfWork
from tests.conftest import unavailable
from tests.console_harness import PASSWORD, running_console
from tests.e2e.test_onboarding_browser import CHROMIUM, FLAGS, shot_docs
from tests.integration import test_dashboard as counted

pytestmark = pytest.mark.e2e
MONTH_END = date(2026, 11, 30)  # the harness's clock is 1 December 2026: the default range is November


@pytest.fixture()
async def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        unavailable("Chromium is not installed; install it with: apt-get install -y chromium")
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        await chromium.close()


async def tile(page, key: str) -> str:  # type: ignore[no-untyped-def]
    return (await page.locator(f'[data-figure="{key}"] .v').inner_text()).strip()


async def test_dashboard_pages_in_chromium_show_the_simulated_month(
    sqlite_url: str, demo, browser, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(counted, "FIRST", date(2026, 11, 1))
    monkeypatch.setattr(counted, "LAST", MONTH_END)
    async with running_console(sqlite_url, demo) as site:
        with UnitOfWork(site.factory, write=True) as uow:
            simulate(uow.session, demo.catalogue, days=30, end=MONTH_END, mpps=sorted(demo.catalogue.mpps), seed=15)
            uow.commit()
        want = counted.expected(site, "kota_bogor")
        page = await browser.new_page(viewport={"width": 1400, "height": 1000})
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        await page.goto(f"{site.base}/login")
        await page.fill("input[name=username]", "admin.bogor")
        await page.fill("input[name=password]", PASSWORD)
        await page.get_by_role("button", name="Masuk").click()
        await page.get_by_role("link", name="Dasbor kinerja MPP (grafik, unduh CSV)").click()
        await page.wait_for_selector("body[data-charts-drawn='1']")

        # Summary: the tiles and the drawn chart hold the counted numbers.
        for key in (
            "tickets",
            "booked",
            "walk_in",
            "wait_p50",
            "wait_p90",
            "service_p50",
            "service_p90",
            "no_shows",
            "cancellations",
            "moves",
        ):
            assert await tile(page, key) == str(want[key]), key
        drawn = await page.evaluate(
            "() => Chart.getChart(document.querySelector('canvas[data-chart=tiket]')).data.datasets"
            ".map(d => d.data.reduce((a, b) => a + (b || 0), 0))"
        )
        assert drawn == [want["booked"], want["walk_in"]]
        assert await page.locator("canvas[data-drawn='1']").count() == 3
        await page.screenshot(path=str(tmp_path / "dashboard-summary.png"), full_page=True)
        shot_docs(tmp_path / "dashboard-summary.png")

        # Per agency: the table's rows add up to the MPP's tickets.
        await page.get_by_role("link", name="Per instansi").click()
        await page.wait_for_selector("body[data-charts-drawn='1']")
        cells = await page.locator("tr[data-agency] td:nth-child(2)").all_inner_texts()
        assert sum(int(c) for c in cells) == want["tickets"]
        await page.screenshot(path=str(tmp_path / "dashboard-agencies.png"), full_page=True)
        shot_docs(tmp_path / "dashboard-agencies.png")

        # Busiest hours: the heat map's cells add up to the same tickets.
        await page.get_by_role("link", name="Jam sibuk").click()
        heat = await page.locator("td[data-cell]").all_inner_texts()
        assert sum(int(c) for c in heat) == want["tickets"]
        await page.screenshot(path=str(tmp_path / "dashboard-hours.png"), full_page=True)
        shot_docs(tmp_path / "dashboard-hours.png")

        # Messages and handoffs, then the weekly view chosen with the filter form.
        await page.get_by_role("link", name="Notifikasi & pengalihan").click()
        await page.wait_for_selector("body[data-charts-drawn='1']")
        assert int(await tile(page, "handoffs")) >= int(await tile(page, "handoffs_answered")) > 0
        await page.screenshot(path=str(tmp_path / "dashboard-messages.png"), full_page=True)
        shot_docs(tmp_path / "dashboard-messages.png")

        await page.get_by_role("link", name="Ringkasan").click()
        await page.select_option("select[name=periode]", "week")
        await page.select_option("select[name=instansi]", "disdukcapil")
        await page.get_by_role("button", name="Terapkan").click()
        await page.wait_for_selector("body[data-charts-drawn='1']")
        labels = await page.evaluate(
            "() => Chart.getChart(document.querySelector('canvas[data-chart=tiket]')).data.labels"
        )
        assert labels == [f"2026-M{w}" for w in range(44, 50)]  # ISO weeks touching 1–30 November
        await page.screenshot(path=str(tmp_path / "dashboard-weekly-agency.png"), full_page=True)
        shot_docs(tmp_path / "dashboard-weekly-agency.png")
        assert errors == []
