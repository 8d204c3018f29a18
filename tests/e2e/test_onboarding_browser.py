"""A fourth MPP onboarded in the browser is answered and bookable by chat, with no restart and no retrain.

The running assistant (Rasa server + action server, started before the MPP exists) and the console share
one database. The MPP is fictional ("Kota Sukamaju"): test data, not a fact about a real MPP.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from mpp.config import PROJECT_ROOT
from testkit.stack import Stack, start_stack
from tests.conftest import require_model, unavailable
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
FIXED_NOW = "2026-11-27T10:00:00+07:00"  # a Friday: "senin depan" is 30 November 2026
REFRESH_SECONDS = "1"
WEEKDAYS = ("senin", "selasa", "rabu", "kamis", "jumat")


@pytest.fixture()
def stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stack]:
    require_model()
    monkeypatch.setenv("MPP_CATALOGUE_REFRESH_SECONDS", REFRESH_SECONDS)
    started = start_stack(tmp_path / "assistant", fixed_now=FIXED_NOW)
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture()
async def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        unavailable("Chromium is not installed; install it with: apt-get install -y chromium")
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        await chromium.close()


def say(stack: Stack, sender: str, text: str) -> str:
    response = requests.post(f"{stack.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=30)
    response.raise_for_status()
    return "\n".join(m.get("text") or "" for m in response.json())


def shot_docs(path: Path) -> None:
    if os.environ.get("MPP_SCREENSHOT_DOCS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, DOCS / path.name)


async def test_a_fourth_mpp_onboarded_in_the_browser_is_answered_and_booked_by_chat(
    stack: Stack,
    browser,
    demo,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    pids = [p.pid for p in stack.procs]
    sender = "console:warga-sukamaju"
    before = say(stack, sender, "jam buka mpp sukamaju")
    assert "Sukamaju" not in before  # not known yet

    async with running_console(stack.db_url, demo, live=True) as site:
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        await page.goto(f"{site.base}/login")
        await page.fill("input[name=username]", "nasional")
        await page.fill("input[name=password]", PASSWORD)
        await page.get_by_role("button", name="Masuk").click()
        await page.get_by_role("link", name="Tambah MPP baru").click()
        fields = {
            "code": "kota_sukamaju",
            "name": "MPP Kota Sukamaju",
            "city": "Kota Sukamaju",
            "province": "Jawa Barat",
            "complaint_name": "SP4N-LAPOR!",
            "complaint_detail": "www.lapor.go.id",
            "source_title": "Data uji (MPP fiktif)",
            "source_url": "https://contoh.example/sukamaju",
            "admin_username": "admin.sukamaju",
            "admin_password": "kata-sandi-sukamaju",
            "svc_ktp_el_counters": "1",
            "svc_ktp_el_prefix": "A",
            "svc_kk_counters": "1",
            "svc_kk_prefix": "A",
            **{f"{d}_open": "08:00" for d in WEEKDAYS},
            **{f"{d}_close": "15:00" for d in WEEKDAYS},
        }
        for name, value in fields.items():
            await page.fill(f"input[name={name}]", value)
        await page.fill("textarea[name=address]", "Jl. Contoh No. 1, Kota Sukamaju (data uji)")
        await page.fill("textarea[name=counters]", "1 | Loket Dukcapil | Lantai 1 | disdukcapil")
        for box in ("agency_disdukcapil", "svc_ktp_el", "svc_kk"):
            await page.check(f"input[name={box}]")
        await page.screenshot(path=str(tmp_path / "onboarding-form.png"), full_page=True)
        shot_docs(tmp_path / "onboarding-form.png")
        await page.get_by_role("button", name="Terbitkan MPP").click()
        assert "MPP kota_sukamaju terbit" in await page.get_by_role("status").inner_text()
        await page.screenshot(path=str(tmp_path / "onboarding-done.png"), full_page=True)

    # The running assistant: same processes, same model; the catalogue and the names refresh by themselves.
    deadline, hours = time.monotonic() + 15, ""
    while time.monotonic() < deadline:
        hours = say(stack, sender, "jam buka mpp sukamaju")
        if "MPP Kota Sukamaju" in hours:
            break
        time.sleep(0.5)
    assert "Jam layanan MPP Kota Sukamaju" in hours and "08.00" in hours
    me = "console:warga-sukamaju-2"
    first = say(stack, me, "mau antri ktp senin depan jam 9 di mpp sukamaju")
    assert "Atas nama siapa" in first, first
    assert "16 angka" in say(stack, me, "Budi Santoso")
    assert "Nomor HP" in say(stack, me, "3271040108900002")
    summary = say(stack, me, "lewati")
    assert "MPP Kota Sukamaju" in summary and "Senin, 30 November 2026, pukul 09.00" in summary
    booked = say(stack, me, "ya")
    assert "Antrean berhasil dipesan" in booked and "Nomor antrean: A-" in booked
    assert [p.pid for p in stack.procs] == pids and all(p.poll() is None for p in stack.procs)  # no restart
