"""Onboarding a fourth MPP in the console: a draft that keeps what was typed (not the password), then live at once.

The MPP is fictional ("Kota Sukamaju"): test data in a temporary database, not a fact about a real MPP.
"""

from __future__ import annotations

import contextlib
import re
import time
from datetime import date

import pytest
from sqlalchemy import select

from mpp import faq
from mpp.booking.model import Booking, BookingRequest
from mpp.booking.slots import day_slots
from mpp.db.editor_tables import CatalogueChangeRow
from mpp.db.staff_tables import StaffRow
from nlu.extractor import MppEntityExtractor
from tests.console_harness import running_console

FOURTH = {
    "code": "kota_sukamaju",
    "name": "MPP Kota Sukamaju",
    "city": "Kota Sukamaju",
    "province": "Jawa Barat",
    "address": "Jl. Contoh No. 1, Kota Sukamaju (data uji)",
    "timezone": "Asia/Jakarta",
    **{f"{d}_open": "08:00" for d in ("senin", "selasa", "rabu", "kamis", "jumat")},
    **{f"{d}_close": "15:00" for d in ("senin", "selasa", "rabu", "kamis", "jumat")},
    "complaint_name": "SP4N-LAPOR!",
    "complaint_detail": "www.lapor.go.id",
    "agency_disdukcapil": "1",
    "presence_disdukcapil": "verified",
    "counters": "1 | Loket Dukcapil | Lantai 1 | disdukcapil",
    "svc_ktp_el": "1",
    "svc_ktp_el_agency": "disdukcapil",
    "svc_ktp_el_counters": "1",
    "svc_ktp_el_prefix": "A",
    "svc_ktp_el_slot": "15",
    "svc_ktp_el_quota": "2",
    "source_title": "Data uji (MPP fiktif)",
    "source_url": "https://contoh.example/sukamaju",
    "admin_username": "admin.sukamaju",
}


@pytest.fixture()
async def site(sqlite_url: str, demo):  # type: ignore[no-untyped-def]
    async with running_console(sqlite_url, demo, live=True) as running:
        yield running


async def test_a_fourth_mpp_is_onboarded_answered_and_bookable_without_restart(site, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    extractor = MppEntityExtractor(
        {},
        None,
        None,
        {
            "layanan": {"ktp": "ktp_el"},
            "mpp": {"bogor": "kota_bogor"},  # type: ignore[arg-type]
            "jenis": {},
        },
    )
    names = extractor.follow_stored_mpps(sqlite_url, 0.2)
    asked = "jam buka mpp sukamaju"
    assert not [e for e in extractor.extract(asked) if e["entity"] == "mpp"]

    national, csrf = await site.login("nasional")
    clerk, clerk_csrf = await site.login("dukcapil.bogor")
    async with contextlib.aclosing(national), contextlib.aclosing(clerk):
        assert (await clerk.get("/mpp/baru")).status_code == 403
        bad = {**FOURTH, "counters": "1 Loket Dukcapil", "csrf": csrf, "action": "publish", "admin_password": ""}
        refused = await national.post("/mpp/baru", data=bad)
        assert refused.status_code == 400
        assert "Loket baris 1: tulis" in refused.text and "Isi kata sandi admin" in refused.text
        assert 'value="MPP Kota Sukamaju"' in refused.text  # nothing typed is lost
        draft = re.search(r'action="/mpp/baru\?draft=(\d+)"', refused.text)
        assert draft
        with site.factory() as s:
            stored = s.execute(select(CatalogueChangeRow.form)).scalar_one()
        assert "admin_password" not in stored and stored["name"] == "MPP Kota Sukamaju"
        assert "kota_sukamaju" not in site.provider.get().mpps

        good = {**FOURTH, "csrf": csrf, "action": "publish", "admin_password": "kata-sandi-sukamaju"}
        published = await national.post(f"/mpp/baru?draft={draft.group(1)}", data=good)
        assert published.status_code == 303, published.text
        assert published.headers["Location"] == "/katalog?mpp=kota_sukamaju"

    cat = site.provider.get()
    assert "kota_sukamaju" in cat.mpps
    hours = faq.answer(cat, faq.Question("tanya_jadwal", mpp="kota_sukamaju"), date(2026, 12, 1)).text
    assert "MPP Kota Sukamaju" in hours and "08.00" in hours
    with site.factory() as s:
        admin = s.execute(select(StaffRow).where(StaffRow.username == "admin.sukamaju")).scalar_one()
    assert (admin.role, admin.mpp_code) == ("mpp_admin", "kota_sukamaju")

    day = date(2026, 12, 2)
    start = day_slots(cat.mpps["kota_sukamaju"], cat.offering("kota_sukamaju", "ktp_el"), day)[0].start  # type: ignore[arg-type]
    booked = site.services.bookings.book(
        BookingRequest("req-s", "telegram:77", "kota_sukamaju", "ktp_el", day, start, "Warga", "3271040108900001")
    )
    assert isinstance(booked, Booking) and booked.queue_number.startswith("A")

    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        found = [e for e in extractor.extract(asked) if e["entity"] == "mpp"]
        if found:
            break
        time.sleep(0.1)
    names.stop()
    assert [e["value"] for e in found] == ["kota_sukamaju"]
    assert [e["value"] for e in extractor.extract("antri di mpp bogor") if e["entity"] == "mpp"] == ["kota_bogor"]
