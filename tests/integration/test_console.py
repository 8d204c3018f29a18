"""The counter console over HTTP: login, sessions, CSRF, who may touch which queue, the kiosk, the audit log."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from console.app import Console, create_app
from console.auth import add_staff
from mpp.catalogue.store import save_catalogue
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.queue_tables import AuditRow
from mpp.db.uow import UnitOfWork
from testkit.core import on_database

PASSWORD = "kata-sandi-rahasia"


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)  # 09.00 WIB, a Tuesday

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture()
async def site(sqlite_url: str, demo):  # type: ignore[no-untyped-def]
    factory = make_session_factory(make_engine(sqlite_url))
    with UnitOfWork(factory, write=True) as uow:
        save_catalogue(uow.session, demo)
        add_staff(uow.session, "dukcapil.bogor", PASSWORD, "Sari", "kota_bogor", "disdukcapil", "1")
        add_staff(uow.session, "samsat.bogor", PASSWORD, "Joko", "kota_bogor", "samsat", None)
        add_staff(uow.session, "dukcapil.bekasi", PASSWORD, "Rina", "kota_bekasi", "disdukcapil", None)
        uow.commit()
    clock = Clock()
    queue = on_database(factory, demo.catalogue, clock).queue
    console = Console(factory, lambda: demo.catalogue, queue, now=clock)
    server = TestServer(create_app(console))
    await server.start_server()
    base = str(server.make_url("")).rstrip("/")
    yield base, queue, clock, factory
    await server.close()


async def login(base: str, username: str) -> tuple[httpx.AsyncClient, str]:
    client = httpx.AsyncClient(base_url=base, follow_redirects=False)
    response = await client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 303
    page = (await client.get("/")).text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page)
    assert csrf
    return client, csrf.group(1)


async def test_wrong_password_is_refused_and_pages_need_a_session(site) -> None:  # type: ignore[no-untyped-def]
    base, *_ = site
    async with httpx.AsyncClient(base_url=base) as client:
        bad = await client.post("/login", data={"username": "dukcapil.bogor", "password": "salah"})
        assert bad.status_code == 401 and "salah" in bad.text
        assert (await client.get("/", follow_redirects=False)).headers["location"] == "/login"
        assert (await client.post("/call-next", data={})).status_code == 401


async def test_call_next_needs_the_csrf_token(site) -> None:  # type: ignore[no-untyped-def]
    base, queue, _, _ = site
    queue.issue_walk_in("kota_bogor", "kk")
    client, csrf = await login(base, "dukcapil.bogor")
    assert (await client.post("/call-next", data={})).status_code == 403
    assert (await client.post("/call-next", data={"csrf": "forged"})).status_code == 403
    cross = await client.post("/call-next", data={"csrf": csrf}, headers={"Origin": "https://evil.example"})
    assert cross.status_code == 403
    ok = await client.post("/call-next", data={"csrf": csrf})
    assert ok.status_code == 303
    assert "Memanggil A-" in (await client.get("/")).text
    await client.aclose()


async def test_an_expired_session_must_log_in_again(site) -> None:  # type: ignore[no-untyped-def]
    base, _, clock, _ = site
    client, csrf = await login(base, "dukcapil.bogor")
    clock.at += timedelta(hours=11)
    assert (await client.get("/")).headers["location"] == "/login"
    assert (await client.post("/call-next", data={"csrf": csrf})).status_code == 401
    await client.aclose()


async def test_staff_see_and_touch_only_their_mpp_and_agency(site) -> None:  # type: ignore[no-untyped-def]
    base, queue, _, _ = site
    kk = queue.issue_walk_in("kota_bogor", "kk")
    samsat_ticket = queue.issue_walk_in("kota_bogor", "pajak_kendaraan")
    client, csrf = await login(base, "dukcapil.bogor")
    page = (await client.get("/")).text
    assert kk.number in page and samsat_ticket.number not in page
    await client.post("/call-next", data={"csrf": csrf})
    other, other_csrf = await login(base, "dukcapil.bekasi")
    refused = await other.post(f"/tickets/{kk.id}/served", data={"csrf": other_csrf})
    assert refused.status_code == 303
    assert "bukan antrean instansi Anda" in (await other.get("/")).text
    samsat_counter = next(c for c, v in demo_counters(base) if v == "samsat")
    await client.post("/counter", data={"csrf": csrf, "counter": samsat_counter})
    assert "bukan milik instansi Anda" in (await client.get("/")).text
    await client.aclose()
    await other.aclose()


def demo_counters(_: str) -> list[tuple[str, str]]:
    from pathlib import Path

    from mpp.catalogue.loader import read_catalogue

    bogor = read_catalogue(Path("data/catalogue")).catalogue.mpps["kota_bogor"]
    return [(c.code, c.agency_code) for c in bogor.counters.values()]


async def test_kiosk_check_in_and_walk_in_need_the_kiosk_cookie(site) -> None:  # type: ignore[no-untyped-def]
    base, *_ = site
    async with httpx.AsyncClient(base_url=base, follow_redirects=True) as kiosk:
        page = (await kiosk.get("/kiosk/kota_bogor")).text
        token = re.search(r'name="kiosk" value="([^"]+)"', page)
        assert token
        ticket = await kiosk.post(
            "/kiosk/kota_bogor/walk-in", data={"kiosk": token.group(1), "service": "kk", "priority": "1"}
        )
        assert "Nomor antrean Anda: A-" in ticket.text
        unknown = await kiosk.post("/kiosk/kota_bogor/check-in", data={"kiosk": token.group(1), "code": "ZZZZ2222"})
        assert "tidak ditemukan" in unknown.text
    async with httpx.AsyncClient(base_url=base) as stranger:
        assert (
            await stranger.post("/kiosk/kota_bogor/walk-in", data={"kiosk": "x", "service": "kk"})
        ).status_code == 403


async def test_staff_actions_are_audited(site) -> None:  # type: ignore[no-untyped-def]
    base, queue, _, factory = site
    queue.issue_walk_in("kota_bogor", "kk")
    client, csrf = await login(base, "dukcapil.bogor")
    await client.post("/call-next", data={"csrf": csrf})
    async with httpx.AsyncClient(base_url=base) as intruder:
        await intruder.post("/login", data={"username": "dukcapil.bogor", "password": "tebak"})
    with factory() as s:
        actions = [
            (a.action, a.staff_id is not None) for a in s.execute(select(AuditRow).order_by(AuditRow.id)).scalars()
        ]
    assert ("call", True) in actions and ("login_failed", False) in actions
    await client.aclose()


async def test_board_is_public_and_streams_the_calls(site) -> None:  # type: ignore[no-untyped-def]
    base, queue, _, _ = site
    ticket = queue.issue_walk_in("kota_bogor", "kk")
    client, csrf = await login(base, "dukcapil.bogor")
    await client.post("/call-next", data={"csrf": csrf})
    async with httpx.AsyncClient(base_url=base) as screen, screen.stream("GET", "/board/kota_bogor/events") as events:
        async for line in events.aiter_lines():
            if line.startswith("data:"):
                assert ticket.number in line and '"counter": "1"' in line
                break
    await client.aclose()
