"""Login floods: throttled per account and per address, the right user still gets in, no stack traces."""

from __future__ import annotations

import asyncio
import logging
import threading
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select

from console.settings import ConsoleSettings
from mpp.db.staff_tables import LoginAttemptRow
from mpp.net import parse_trusted
from mpp.staff import accounts
from tests.console_harness import PASSWORD, running_console

BEHIND_NGINX = ConsoleSettings(trusted_proxies=parse_trusted("127.0.0.1"))


def from_address(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


async def attempt(client: httpx.AsyncClient, username: str, password: str, address: str) -> httpx.Response:
    return await client.post("/login", data={"username": username, "password": password}, headers=from_address(address))


@pytest.fixture()
async def site(sqlite_url: str, demo):  # type: ignore[no-untyped-def]
    async with running_console(sqlite_url, demo, BEHIND_NGINX) as running:
        yield running


async def test_a_flood_against_one_account_is_throttled_and_the_owner_gets_in_after_the_window(  # type: ignore[no-untyped-def]
    site, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with httpx.AsyncClient(base_url=site.base) as attacker:
        statuses = [
            (await attempt(attacker, "dukcapil.bogor", f"tebakan-{i}", f"198.51.100.{i}")).status_code
            for i in range(14)
        ]
    assert statuses[:10] == [401] * 10 and statuses[10:] == [429] * 4
    async with httpx.AsyncClient(base_url=site.base) as owner:
        locked = await attempt(owner, "dukcapil.bogor", PASSWORD, "203.0.113.5")
        assert locked.status_code == 429 and "Coba lagi dalam" in locked.text
        assert 'value="dukcapil.bogor"' in locked.text  # what was typed is kept
        assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
        other_user = await attempt(owner, "samsat.bogor", PASSWORD, "203.0.113.5")
        assert other_user.status_code == 303  # other accounts are untouched
        site.clock.at += timedelta(minutes=15, seconds=1)
        back = await attempt(owner, "dukcapil.bogor", PASSWORD, "203.0.113.5")
        assert back.status_code == 303 and "mpp_session" in back.cookies
    assert "Traceback" not in caplog.text and not any(r.exc_info for r in caplog.records)
    assert "console login throttled for 'dukcapil.bogor' from 198.51.100.10" in caplog.text
    throttled = [r for r in caplog.records if "throttled" in r.getMessage()]
    assert len(throttled) == 5  # one per (account, address) a minute: 4 attacker addresses and the owner's


async def test_a_flood_from_one_address_blocks_that_address_only(site, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.WARNING)
    async with httpx.AsyncClient(base_url=site.base) as attacker:
        statuses = [
            (await attempt(attacker, f"tebak{i}.bogor", "salah-salah-salah", "198.51.100.66")).status_code
            for i in range(33)
        ]
        assert statuses[:30] == [401] * 30 and statuses[30:] == [429] * 3
        # even the right password is not checked from that address now
        assert (await attempt(attacker, "dukcapil.bogor", PASSWORD, "198.51.100.66")).status_code == 429
    async with httpx.AsyncClient(base_url=site.base) as owner:
        assert (await attempt(owner, "dukcapil.bogor", PASSWORD, "203.0.113.5")).status_code == 303
    assert "from 198.51.100.66" in caplog.text  # the client's address, not nginx's 127.0.0.1
    assert "Traceback" not in caplog.text and not any(r.exc_info for r in caplog.records)


async def test_forwarded_for_from_an_untrusted_peer_is_ignored(sqlite_url: str, demo) -> None:  # type: ignore[no-untyped-def]
    async with running_console(sqlite_url, demo) as site, httpx.AsyncClient(base_url=site.base) as attacker:
        # rotating a forged header does not escape the per-address limit: the peer is what counts
        statuses = [
            (await attempt(attacker, f"tebak{i}.bogor", "salah-salah-salah", f"10.0.{i}.1")).status_code
            for i in range(31)
        ]
        assert statuses[-1] == 429


async def test_passwords_are_checked_on_a_small_executor_of_their_own(site, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    threads: set[str] = set()
    real = accounts.verify_password

    def spy(password: str, stored: str) -> bool:
        threads.add(threading.current_thread().name)
        return real(password, stored)

    monkeypatch.setattr("console.login.verify_password", spy)
    async with httpx.AsyncClient(base_url=site.base) as clients:
        await asyncio.gather(
            *(attempt(clients, f"user{i}.bogor", "salah-salah-salah", f"198.51.100.{i}") for i in range(8))
        )
    assert threads and all(name.startswith("scrypt") for name in threads)
    assert len(threads) <= site.console.settings.login_workers


async def test_when_every_check_is_busy_a_login_is_told_to_retry_and_not_counted(  # type: ignore[no-untyped-def]
    sqlite_url: str, demo, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    real = accounts.verify_password

    def slow(password: str, stored: str) -> bool:
        release.wait(10)
        return real(password, stored)

    monkeypatch.setattr("console.login.verify_password", slow)
    settings = ConsoleSettings(trusted_proxies=parse_trusted("127.0.0.1"), login_workers=1, login_queue=0)
    async with running_console(sqlite_url, demo, settings) as site, httpx.AsyncClient(base_url=site.base) as c:
        first = asyncio.create_task(attempt(c, "dukcapil.bogor", "salah-salah-salah", "198.51.100.1"))
        await until_busy(site)
        busy = await attempt(c, "samsat.bogor", PASSWORD, "198.51.100.2")
        assert busy.status_code == 503 and "Coba lagi sebentar" in busy.text and busy.headers["Retry-After"] == "5"
        with site.factory() as s:
            assert s.execute(select(func.count()).select_from(LoginAttemptRow)).scalar_one() == 2  # only the first
        release.set()
        assert (await first).status_code == 401
        assert (await attempt(c, "samsat.bogor", PASSWORD, "198.51.100.2")).status_code == 303


async def until_busy(site) -> None:  # type: ignore[no-untyped-def]
    for _ in range(200):
        if site.console.passwords.in_use:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the first password check never started")


async def test_an_empty_form_gets_a_clear_message(site) -> None:  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=site.base) as client:
        empty = await client.post("/login", data={"username": "dukcapil.bogor", "password": ""})
        assert empty.status_code == 400 and "Isi nama pengguna dan kata sandi" in empty.text
        assert 'value="dukcapil.bogor"' in empty.text


async def test_secure_cookies_when_set(sqlite_url: str, demo) -> None:  # type: ignore[no-untyped-def]
    async with running_console(sqlite_url, demo, ConsoleSettings(secure_cookies=True)) as site:
        async with httpx.AsyncClient(base_url=site.base) as client:
            response = await client.post("/login", data={"username": "dukcapil.bogor", "password": PASSWORD})
            cookie = response.headers["set-cookie"]
            assert "mpp_session=" in cookie and "Secure" in cookie and "HttpOnly" in cookie
