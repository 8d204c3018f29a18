"""The editor's MPP and processing-time forms, and withdrawing a closure, in a real browser (Chromium).

Screenshots go to the test's tmp dir; with MPP_SCREENSHOT_DOCS=1 they are also copied to docs/screenshots/.
"""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from mpp.booking.slots import day_slots
from mpp.catalogue.completion import PROMISED, promised_completion
from mpp.db.queue_tables import NotificationRow
from tests.e2e import test_catalogue_editor_browser as base
from tests.e2e.test_catalogue_editor_browser import Shots, book, log_in

browser, shots = base.browser, base.shots  # the same fixtures as the fee editor's browser tests

pytestmark = pytest.mark.e2e
DAY = date(2026, 12, 2)  # the console's clock: Tuesday 1 December 2026, 09.00 WIB


@pytest.fixture()
async def site(sqlite_url: str, demo):  # type: ignore[no-untyped-def]
    from tests.console_harness import running_console

    async with running_console(sqlite_url, demo, live=True) as running:
        yield running


async def test_the_address_form_refuses_a_bad_pin_then_the_approved_pin_is_stored(browser, site, shots: Shots) -> None:  # type: ignore[no-untyped-def]
    admin = await log_in(browser, site.base, "admin.bogor")
    await admin.get_by_role("link", name="Katalog layanan").first.click()
    await admin.get_by_role("link", name="Alamat dan titik peta MPP — MPP Kota Bogor").click()
    await admin.fill("input[name=lat]", "selatan")
    await admin.fill("input[name=lon]", "106.8045")
    await admin.fill("input[name=source_title]", "CONTOH UJI — bukan sumber nyata")
    await admin.get_by_role("button", name="Ajukan untuk disetujui").click()
    problems = await admin.get_by_role("alert").inner_text()
    assert "lat" in problems and "angka desimal" in problems and "Draf Anda tersimpan" in problems
    assert await admin.input_value("input[name=lat]") == "selatan"  # nothing typed is lost
    await shots.take(admin, "editor-address-refused", docs=True)
    await admin.fill("input[name=lat]", "-6.6010")
    await admin.get_by_role("button", name="Ajukan untuk disetujui").click()
    assert "menunggu persetujuan admin MPP" in await admin.get_by_role("status").inner_text()
    change_url = admin.url

    national = await log_in(browser, site.base, "nasional")
    await national.goto(change_url)
    await shots.take(national, "editor-address-approve", docs=True)
    await national.get_by_role("button", name="Setujui").click()
    assert "Disetujui" in await national.get_by_role("status").inner_text()
    site.provider.invalidate()
    mpp = site.provider.get().mpps["kota_bogor"]
    assert (mpp.latitude, mpp.longitude) == (-6.601, 106.8045)


async def test_processing_per_jenis_counters_and_agencies_forms(browser, site, shots: Shots) -> None:  # type: ignore[no-untyped-def]
    clerk = await log_in(browser, site.base, "dukcapil.bogor")
    await clerk.goto(f"{site.base}/katalog/ubah?topic=processing&kind=service&key=kk")
    await clerk.fill("textarea[name=proc_hilang_text]", "2 hari kerja sejak berkas lengkap (uji)")
    await clerk.fill("input[name=proc_hilang_working_days]", "2")
    await clerk.check("input[name=proc_hilang_same_day]")
    await clerk.fill("input[name=source_title]", "CONTOH UJI — bukan sumber nyata")
    await clerk.get_by_role("button", name="Ajukan untuk disetujui").click()
    assert "jangan keduanya" in await clerk.get_by_role("alert").inner_text()
    await shots.take(clerk, "editor-processing-refused", docs=True)
    await clerk.uncheck("input[name=proc_hilang_same_day]")
    await clerk.get_by_role("button", name="Ajukan untuk disetujui").click()
    assert "menunggu persetujuan admin nasional" in await clerk.get_by_role("status").inner_text()
    national = await log_in(browser, site.base, "nasional")
    await national.goto(clerk.url)
    await national.get_by_role("button", name="Setujui").click()
    site.provider.invalidate()
    promise = promised_completion(site.provider.get(), "kk", "hilang", DAY, "kota_bogor")
    assert promise.reason == PROMISED and promise.day == date(2026, 12, 4)

    admin = await log_in(browser, site.base, "admin.bogor")
    await admin.goto(f"{site.base}/katalog/ubah?topic=counters&kind=site&key=kota_bogor")
    typed = await admin.input_value("textarea[name=counters]")
    await admin.fill("textarea[name=counters]", typed + "\n99 | Loket Uji | Lantai 9")
    await admin.fill("input[name=source_title]", "CONTOH UJI — bukan sumber nyata")
    await admin.get_by_role("button", name="Ajukan untuk disetujui").click()
    assert "kode | nama loket | lantai | kode instansi" in await admin.get_by_role("alert").inner_text()
    await shots.take(admin, "editor-counters-refused", docs=True)

    await admin.goto(f"{site.base}/katalog/ubah?topic=agencies&kind=site&key=kota_bogor")
    await admin.select_option("select[name=presence_samsat]", "unverified")
    await admin.fill("textarea[name=contact_samsat]", "Call center | 0800-000-0000 | nomor uji")
    await admin.fill("input[name=source_title]", "CONTOH UJI — bukan sumber nyata")
    await admin.get_by_role("button", name="Ajukan untuk disetujui").click()
    assert "menunggu persetujuan admin MPP" in await admin.get_by_role("status").inner_text()
    await shots.take(admin, "editor-agencies-submitted", docs=True)


async def test_a_closure_is_withdrawn_and_only_standing_bookings_hear_of_it(browser, site, shots: Shots) -> None:  # type: ignore[no-untyped-def]
    cat: Any = site.provider.get()
    first = day_slots(cat.mpps["kota_bogor"], cat.offering("kota_bogor", "ktp_el"), DAY)[0].start
    stays, moves = book(site, 1, DAY, first), book(site, 2, DAY, first)
    admin = await log_in(browser, site.base, "admin.bogor")
    await admin.goto(f"{site.base}/pengumuman")
    await admin.select_option("select[name=agency]", "disdukcapil")
    await admin.select_option("select[name=kind]", "closure")
    await admin.fill("textarea[name=text]", "Dukcapil tutup: pemeliharaan server SIAK (uji).")
    await admin.fill("input[name=starts_on]", "2026-12-02")
    await admin.fill("input[name=ends_on]", "2026-12-02")
    await admin.get_by_role("button", name="Pasang").click()
    assert "2 booking diberi tahu" in await admin.get_by_role("status").inner_text()
    moved = site.services.bookings.move(moves.id, moves.chat_id, date(2026, 12, 3), first)
    assert moved.day == date(2026, 12, 3)
    await admin.get_by_role("button", name="Tarik").first.click()
    status = await admin.get_by_role("status").inner_text()
    assert "ditarik" in status and "1 booking yang masih berlaku" in status
    await shots.take(admin, "announcement-closure-withdrawn", docs=True)
    with contextlib.closing(site.factory()) as s:
        told = s.execute(select(NotificationRow.booking_id).where(NotificationRow.kind == "reopened")).scalars().all()
    assert told == [stays.id]
    assert site.services.bookings.free_slots("kota_bogor", "ktp_el", DAY)
