"""The counter console over HTTP: login, sessions, CSRF, who may touch which queue, the kiosk, the audit log."""

from __future__ import annotations

import contextlib
import re
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from mpp.db.staff_tables import AuditRow
from tests.console_harness import PASSWORD, running_console


@pytest.fixture()
async def site(sqlite_url: str, demo):  # type: ignore[no-untyped-def]
    async with running_console(sqlite_url, demo) as running:
        yield running.base, running.queue, running.clock, running.factory, running


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
    base, queue, *_ = site
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
    base, _, clock, *_ = site
    client, csrf = await login(base, "dukcapil.bogor")
    clock.at += timedelta(hours=11)
    assert (await client.get("/")).headers["location"] == "/login"
    assert (await client.post("/call-next", data={"csrf": csrf})).status_code == 401
    await client.aclose()


async def test_staff_see_and_touch_only_their_mpp_and_agency(site) -> None:  # type: ignore[no-untyped-def]
    base, queue, *_ = site
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
    base, *_, running = site
    kiosk, form_token, _ = await running.kiosk()  # an enrolled kiosk device (see test_console_kiosk.py)
    async with contextlib.aclosing(kiosk):
        page = (await kiosk.get("/kiosk/kota_bogor")).text
        token = re.search(r'name="kiosk" value="([^"]+)"', page)
        assert token and token.group(1) == form_token
        ticket = await kiosk.post(
            "/kiosk/kota_bogor/walk-in", data={"kiosk": token.group(1), "service": "kk", "priority": "lansia"}
        )
        assert "Nomor antrean Anda: A-" in ticket.text
        unknown = await kiosk.post("/kiosk/kota_bogor/check-in", data={"kiosk": token.group(1), "code": "ZZZZ2222"})
        assert "tidak ditemukan" in unknown.text
    async with httpx.AsyncClient(base_url=base) as stranger:
        assert (
            await stranger.post("/kiosk/kota_bogor/walk-in", data={"kiosk": "x", "service": "kk"})
        ).status_code == 403


async def test_staff_actions_are_audited(site) -> None:  # type: ignore[no-untyped-def]
    base, queue, _, factory, _ = site
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
    base, queue, *_ = site
    ticket = queue.issue_walk_in("kota_bogor", "kk")
    client, csrf = await login(base, "dukcapil.bogor")
    await client.post("/call-next", data={"csrf": csrf})
    async with httpx.AsyncClient(base_url=base) as screen, screen.stream("GET", "/board/kota_bogor/events") as events:
        kind = "message"
        async for line in events.aiter_lines():
            if line.startswith("event:"):
                kind = line[6:].strip()  # "ping": the clock's heartbeat, not the hall's state
            elif line.startswith("data:") and kind == "message":
                assert ticket.number in line and '"counter": "1"' in line
                break
            elif not line:
                kind = "message"
    await client.aclose()
