"""The console's /permohonan: a clerk records each state of a served ticket's application, bad input is told
precisely and changes nothing, other scopes get "not found", administrators see overdue ones in red; the
kiosk's walk-in ticket carries the signed chat link."""

from __future__ import annotations

import contextlib
import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from mpp.applications.links import is_link_command
from mpp.applications.service import ApplicationService
from mpp.db.application_tables import ApplicationRow
from mpp.db.queue_tables import NotificationRow
from mpp.db.uow import UnitOfWork
from mpp.privacy import Crypto, Keys
from mpp.queue.service import Staff
from tests.console_harness import running_console

CHAT = "whatsapp:warga-1"


@pytest.fixture()
async def site(sqlite_url: str, demo, monkeypatch):  # type: ignore[no-untyped-def]
    keys = Keys.generate()
    monkeypatch.setenv("MPP_PII_KEY", keys.encryption.decode())
    monkeypatch.setenv("MPP_PII_HASH_KEY", keys.hashing.decode())
    monkeypatch.setenv("MPP_TELEGRAM_BOT_USERNAME", "AsistenMppBot")
    monkeypatch.setenv("MPP_WHATSAPP_NUMBER", "+62 811-0000-0000")
    async with running_console(sqlite_url, demo) as running:
        running.apps = ApplicationService(running.factory, lambda: demo.catalogue, Crypto(keys), running.clock)  # type: ignore[attr-defined]
        yield running


def served_walk_in(site, chat: str | None = CHAT) -> int:  # type: ignore[no-untyped-def]
    ticket = site.queue.issue_walk_in("kota_bogor", "kk")
    if chat:
        assert "terhubung" in site.apps.bind(chat, site.apps.token_for(ticket.id)).text
    clerk = Staff(1, "kota_bogor", "disdukcapil", "1")
    site.queue.call_next(clerk)
    site.queue.served(clerk, ticket.id)
    return ticket.id


def told(site) -> list[str]:  # type: ignore[no-untyped-def]
    with UnitOfWork(site.factory) as uow:
        return [
            r.dedupe_key
            for r in uow.session.execute(
                select(NotificationRow).where(NotificationRow.kind == "application_status")
            ).scalars()
        ]


async def test_a_clerk_records_every_state_and_each_is_told_once(site) -> None:  # type: ignore[no-untyped-def]
    ticket = served_walk_in(site)
    client, csrf = await site.login("dukcapil.bogor")
    async with contextlib.aclosing(client):
        home = (await client.get("/")).text
        assert 'href="/permohonan"' in home
        page = (await client.get("/permohonan")).text
        assert "belum dicatat" in page and f'action="/permohonan/{ticket}"' in page
        steps = [
            {"state": "diproses"},
            {"state": "diproses"},  # a double submit: no change, no second message
            {"state": "perlu_berkas", "note": "Surat pengantar RT/RW"},
            {"state": "siap_diambil", "note": "Loket 1 lantai 1, bawa karcis", "ready_until": "2026-12-18"},
            {"state": "selesai"},
        ]
        flashes = []
        for step in steps:
            r = await client.post(f"/permohonan/{ticket}", data={"csrf": csrf, **step})
            assert r.status_code == 303
            flashes.append(unquote(r.cookies.get("mpp_flash", "")))
        assert "warga diberi tahu" in flashes[0] and "tidak ada perubahan" in flashes[1]
        assert len(told(site)) == 4
        page = (await client.get("/permohonan")).text
        assert "selesai" in page
        again = await client.post(f"/permohonan/{ticket}", data={"csrf": csrf, "state": "diproses"})
        assert "sudah selesai" in unquote(again.cookies.get("mpp_flash", ""))
    assert len(told(site)) == 4


async def test_bad_input_and_other_scopes_change_nothing(site) -> None:  # type: ignore[no-untyped-def]
    ticket = served_walk_in(site)
    client, csrf = await site.login("dukcapil.bogor")
    async with contextlib.aclosing(client):
        for data, message in [
            ({"state": "perlu_berkas", "note": ""}, "berkas apa"),
            ({"state": "perlu_berkas", "note": "x" * 5000}, "terlalu panjang"),
            ({"state": "siap_diambil", "note": "Loket 1", "ready_until": "besok"}, "batas waktu"),
            ({"state": "<script>"}, "Pilih status"),
        ]:
            r = await client.post(f"/permohonan/{ticket}", data={"csrf": csrf, **data})
            assert message in unquote(r.cookies.get("mpp_flash", "")), data
        assert (await client.post(f"/permohonan/{ticket}", data={"state": "diproses"})).status_code == 403  # no CSRF
        assert (
            await client.post("/permohonan/99999999999", data={"csrf": csrf, "state": "diproses"})
        ).status_code == 404
    for username in ("dukcapil.bekasi", "samsat.bogor"):
        other, other_csrf = await site.login(username)
        async with contextlib.aclosing(other):
            r = await other.post(f"/permohonan/{ticket}", data={"csrf": other_csrf, "state": "diproses"})
            assert r.status_code == 404, username
            assert "Surat" not in (await other.get("/permohonan")).text
    admin, admin_csrf = await site.login("admin.bogor")
    async with contextlib.aclosing(admin):
        r = await admin.post(f"/permohonan/{ticket}", data={"csrf": admin_csrf, "state": "diproses"})
        assert r.status_code == 403  # an administrator sees, never records
    with UnitOfWork(site.factory) as uow:
        assert uow.session.execute(select(ApplicationRow)).first() is None
    assert told(site) == []


async def test_overdue_applications_are_red_for_the_clerk_and_the_administrator(site) -> None:  # type: ignore[no-untyped-def]
    paspor = site.queue.issue_walk_in("kota_bogor", "paspor")
    imigrasi = Staff(9, "kota_bogor", "imigrasi", "5")
    site.queue.call_next(imigrasi)
    site.queue.served(imigrasi, paspor.id)
    from mpp.staff.accounts import add_staff, member_of
    from mpp.staff.roles import Role

    with UnitOfWork(site.factory, write=True) as uow:
        row = add_staff(
            uow.session, "imigrasi.bogor", "kata-sandi-rahasia", "Imi", "kota_bogor", "imigrasi", "5", role=Role.CLERK
        )
        uow.session.flush()
        member = member_of(row)
        uow.commit()
    from mpp.applications.model import Change, State

    site.apps.record(member, paspor.id, Change(State.DIPROSES))
    admin, _ = await site.login("admin.bogor")
    async with contextlib.aclosing(admin):
        assert "TERLAMBAT" not in (await admin.get("/permohonan")).text
    site.clock.at += timedelta(days=10)  # past the promised day (4 working days), still being processed
    admin, _ = await site.login("admin.bogor")
    async with contextlib.aclosing(admin):
        page = (await admin.get("/permohonan")).text
        assert 'class="overdue"' in page and "TERLAMBAT" in page and "terlambat 1" in page
        assert "<form" not in page.split("Permohonan berjalan")[1]  # nothing to change for an administrator
        assert 'href="/permohonan"' in (await admin.get("/")).text
    clerk, _ = await site.login("imigrasi.bogor")
    async with contextlib.aclosing(clerk):
        assert "TERLAMBAT" in (await clerk.get("/permohonan")).text


async def test_the_walk_in_ticket_links_a_chat_with_a_signed_token(site) -> None:  # type: ignore[no-untyped-def]
    kiosk, token, _ = await site.kiosk()
    async with contextlib.aclosing(kiosk):
        page = (await kiosk.post("/kiosk/kota_bogor/walk-in", data={"kiosk": token, "service": "kk"})).text
    assert "Nomor antrean Anda" in page and 'alt="QR Telegram"' in page and 'alt="QR WhatsApp"' in page
    link = re.search(r"https://t\.me/AsistenMppBot\?start=(tk[0-9a-z_]+)", page)
    assert link and "https://wa.me/6281100000000?text=ikuti%20" + link.group(1) in page
    text = f"ikuti {link.group(1)}"
    assert is_link_command(text) == link.group(1)
    assert "terhubung dengan nomor antrean" in site.apps.bind("telegram:42", link.group(1)).text
