"""Roles in the console: each role sees only its pages; dead letters are scoped to the staff member's MPP."""

from __future__ import annotations

import contextlib
from datetime import datetime, time, timezone

import pytest

from mpp.booking.model import Booking, BookingRequest
from mpp.db.queue_tables import NotificationRow
from mpp.db.uow import UnitOfWork
from testkit.core import on_database
from tests.console_harness import running_console


@pytest.fixture()
async def site(sqlite_url: str, demo):  # type: ignore[no-untyped-def]
    async with running_console(sqlite_url, demo) as running:
        yield running


def dead(site, chat: str, key: str, booking_id: int | None = None) -> None:  # type: ignore[no-untyped-def]
    now = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
    with UnitOfWork(site.factory, write=True) as uow:
        uow.session.add(
            NotificationRow(
                chat_id=chat,
                kind="called",
                text="Silakan menuju loket 1.",
                dedupe_key=key,
                booking_id=booking_id,
                due_at=now,
                status="dead",
                attempts=7,
                last_error=f"Forbidden: bot was blocked by the user ({key})",
                created_at=now,
            )
        )
        uow.commit()


async def test_each_role_starts_on_the_pages_it_may_use(site) -> None:  # type: ignore[no-untyped-def]
    pages = {}
    for username in ("dukcapil.bogor", "admin.bogor", "supervisor.bogor", "nasional"):
        client, _ = await site.login(username)
        async with contextlib.aclosing(client):
            pages[username] = (await client.get("/")).text
    assert 'id="call-next"' in pages["dukcapil.bogor"] and "/dead-letters" not in pages["dukcapil.bogor"]
    assert 'href="/kiosks"' not in pages["dukcapil.bogor"]
    assert 'href="/kiosks"' in pages["admin.bogor"] and 'href="/dead-letters"' in pages["admin.bogor"]
    assert 'id="call-next"' not in pages["admin.bogor"] and "Admin MPP" in pages["admin.bogor"]
    assert 'href="/dead-letters"' in pages["supervisor.bogor"] and 'href="/kiosks"' not in pages["supervisor.bogor"]
    assert "semua MPP" in pages["nasional"] and "/board/kota_bekasi" in pages["nasional"]
    assert "/board/kota_bekasi" not in pages["admin.bogor"]


async def test_staff_without_a_queue_cannot_work_one(site) -> None:  # type: ignore[no-untyped-def]
    site.queue.issue_walk_in("kota_bogor", "kk")
    client, csrf = await site.login("admin.bogor")
    async with contextlib.aclosing(client):
        refused = await client.post("/call-next", data={"csrf": csrf})
        assert refused.status_code == 403 and "tidak berwenang melayani antrean" in refused.text
        assert (await client.post("/walk-in", data={"csrf": csrf, "service": "kk"})).status_code == 403


async def test_dead_letters_are_scoped_to_the_staff_members_mpp(site, demo) -> None:  # type: ignore[no-untyped-def]
    bogor_ticket = site.queue.issue_walk_in("kota_bogor", "kk")
    bekasi_ticket = site.queue.issue_walk_in("kota_bekasi", "kk")
    booked_on = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)
    bookings = on_database(site.factory, demo.catalogue, lambda: booked_on).bookings
    booking = bookings.book(
        BookingRequest(
            "r1", "telegram:7", "kota_bekasi", "kk", site.clock().date(), time(10, 0), "Warga", "3271045708900001"
        )
    )
    assert isinstance(booking, Booking), booking
    keys = {
        "bogor": f"ticket:{bogor_ticket.id}:called:0:1",
        "bekasi": f"ticket:{bekasi_ticket.id}:called:0:1",
        "bekasi-booking": f"booking:{booking.id}:closure-test",
        "nowhere": "something-else:1",
    }
    dead(site, "telegram:1001", keys["bogor"])
    dead(site, "whatsapp:1002", keys["bekasi"])
    dead(site, "telegram:1003", keys["bekasi-booking"], booking_id=booking.id)
    dead(site, "telegram:1004", keys["nowhere"])
    shown = {}
    for username in ("admin.bogor", "admin.bekasi", "supervisor.bogor", "nasional"):
        client, _ = await site.login(username)
        async with contextlib.aclosing(client):
            page = await client.get("/dead-letters")
            assert page.status_code == 200
            assert "telegram:100" not in page.text and "whatsapp:100" not in page.text  # the channel, not the chat
            shown[username] = {name for name, key in keys.items() if f"({key})" in page.text}
    assert shown["admin.bogor"] == {"bogor"}
    assert shown["supervisor.bogor"] == {"bogor"}
    assert shown["admin.bekasi"] == {"bekasi", "bekasi-booking"}
    assert shown["nasional"] == set(keys)  # every MPP, and the one that traces to none
    clerk, _ = await site.login("dukcapil.bogor")
    async with contextlib.aclosing(clerk):
        assert (await clerk.get("/dead-letters")).status_code == 403
