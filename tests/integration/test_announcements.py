"""Announcements: posted in the console, shown in the answers they concern, a closure told to each booking once."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import date, timedelta
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.faq import ActionJawabPertanyaan
from mpp.booking.model import Booking, BookingRequest
from mpp.booking.slots import day_slots
from mpp.db.queue_tables import NotificationRow
from tests.console_harness import running_console

DAY = date(2026, 12, 2)  # the console's clock: Tuesday 1 December 2026, 09.00 WIB


@pytest.fixture()
async def site(sqlite_url: str, demo):  # type: ignore[no-untyped-def]
    async with running_console(sqlite_url, demo, live=True) as running:
        yield running


def ask(site, intent: str, **entities: str) -> str:  # type: ignore[no-untyped-def]
    """The real FAQ action's answer (its core reads the notices from the same database)."""
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
    asyncio.run(ActionJawabPertanyaan(site.services).run(dispatcher, tracker, {}))
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


async def answers(site, intent: str, **entities: str) -> str:  # type: ignore[no-untyped-def]
    return await asyncio.to_thread(ask, site, intent, **entities)


def book(site, i: int, service: str, day: date) -> Booking:  # type: ignore[no-untyped-def]
    cat: Any = site.provider.get()
    start = day_slots(cat.mpps["kota_bogor"], cat.offering("kota_bogor", service), day)[0].start
    outcome = site.services.bookings.book(
        BookingRequest(
            f"req-{i}",
            f"telegram:{900 + i}",
            "kota_bogor",
            service,
            day,
            start,
            f"Warga {i}",
            f"327104{(i % 28) + 1:02d}0890{i + 1:04d}",
        )
    )
    assert isinstance(outcome, Booking), outcome
    return outcome


async def test_a_notice_changes_the_answers_of_the_service_it_names_only(site) -> None:  # type: ignore[no-untyped-def]
    before = await answers(site, "tanya_syarat", layanan="ktp_el", mpp="kota_bogor")
    admin, csrf = await site.login("admin.bogor")
    async with contextlib.aclosing(admin):
        posted = await admin.post(
            "/pengumuman",
            data={
                "csrf": csrf,
                "mpp": "kota_bogor",
                "service": "ktp_el",
                "kind": "blanko",
                "text": "Blanko KTP-el sedang habis; perekaman tetap dilayani.",
                "starts_on": "2026-12-01",
                "ends_on": "2026-12-04",
            },
        )
        assert posted.status_code == 303
        assert "dipasang" in (await admin.get("/pengumuman")).text
    notice = "📢 Pengumuman MPP Kota Bogor (berlaku s.d. Jumat, 4 Desember 2026): Blanko KTP-el sedang habis"
    after = await answers(site, "tanya_syarat", layanan="ktp_el", mpp="kota_bogor")
    assert after.startswith(notice) and after.endswith(before)
    # no MPP named: a service's notices of every MPP, each with its MPP
    assert notice in await answers(site, "tanya_biaya", layanan="ktp_el")
    assert "Pengumuman" not in await answers(site, "tanya_syarat", layanan="kk", mpp="kota_bogor")
    assert "Pengumuman" not in await answers(site, "tanya_syarat", layanan="ktp_el", mpp="kota_bekasi")
    assert "Pengumuman" not in await answers(site, "tanya_jadwal", mpp="kota_bogor")  # not about the MPP itself
    site.clock.at += timedelta(days=4)  # Saturday 5 December: past its validity
    assert "Pengumuman" not in await answers(site, "tanya_syarat", layanan="ktp_el", mpp="kota_bogor")


async def test_a_closure_reaches_each_affected_booking_once(site) -> None:  # type: ignore[no-untyped-def]
    hit = [book(site, 1, "ktp_el", DAY), book(site, 2, "kk", DAY)]
    spared = [book(site, 3, "pajak_kendaraan", DAY), book(site, 4, "ktp_el", DAY + timedelta(days=1))]
    admin, csrf = await site.login("admin.bogor")
    async with contextlib.aclosing(admin):
        closure = {
            "csrf": csrf,
            "mpp": "kota_bogor",
            "agency": "disdukcapil",
            "kind": "closure",
            "text": "Layanan Dukcapil tutup: pemeliharaan server SIAK.",
            "starts_on": "2026-12-02",
            "ends_on": "2026-12-02",
        }
        first = await admin.post("/pengumuman", data=closure)
        assert "2 booking diberi tahu" in (await admin.get(first.headers["Location"])).text
        # the same day closed again (this time the whole MPP): nobody hears of it twice; Samsat's booking does now
        again = await admin.post("/pengumuman", data={**closure, "agency": "", "text": "MPP tutup untuk pemeliharaan."})
        assert "1 booking diberi tahu" in (await admin.get(again.headers["Location"])).text
        refused = await admin.post("/pengumuman", data={**closure, "starts_on": "2026-11-01", "ends_on": "2026-11-02"})
        assert refused.status_code == 400 and "sudah lewat" in refused.text
        assert "Layanan Dukcapil tutup" in refused.text  # what was typed is kept
    with site.factory() as s:
        told = s.execute(
            select(NotificationRow.booking_id, NotificationRow.text).where(NotificationRow.kind == "closure")
        ).all()
    assert sorted(b for b, _ in told) == sorted(b.id for b in [*hit, spared[0]])
    assert all("ubah jadwal" in text for _, text in told)
    slots = site.services.bookings.free_slots("kota_bogor", "ktp_el", DAY)
    assert slots == []  # closed for new bookings too
    assert "Layanan Dukcapil tutup" in await answers(site, "tanya_jadwal", mpp="kota_bogor")


async def test_only_administrators_post_and_only_in_their_mpp(site) -> None:  # type: ignore[no-untyped-def]
    clerk, _ = await site.login("dukcapil.bogor")
    admin, csrf = await site.login("admin.bekasi")
    async with contextlib.aclosing(clerk), contextlib.aclosing(admin):
        assert (await clerk.get("/pengumuman")).status_code == 403
        other = await admin.post(
            "/pengumuman",
            data={
                "csrf": csrf,
                "mpp": "kota_bogor",
                "kind": "info",
                "text": "Pengumuman untuk MPP lain.",
                "starts_on": "2026-12-01",
                "ends_on": "2026-12-01",
            },
        )
        assert other.status_code == 403
