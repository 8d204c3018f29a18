"""The display boards: one poller per MPP however many screens watch, none when nobody does; a cap; heartbeats.

Queries are counted with a SQLAlchemy event listener on the console's engine. Run with ``-s`` to
see the figures (the README's table quotes them).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable

import httpx
import pytest
from sqlalchemy import event

from console.settings import ConsoleSettings
from tests.console_harness import Site, running_console

POLL = 0.2
VIEWERS = 500


class QueryCounter:
    def __init__(self, site: Site):
        self.count = self.selects = 0
        event.listen(site.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: object, _cursor: object, statement: str, *_: object) -> None:
        self.count += 1
        self.selects += statement.lstrip().upper().startswith("SELECT")

    async def per_second(self, seconds: float) -> float:
        start, began = self.count, time.monotonic()
        await asyncio.sleep(seconds)
        return (self.count - start) / (time.monotonic() - began)


async def until(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


async def watch(client: httpx.AsyncClient, path: str, first: asyncio.Event | None = None) -> None:
    async with client.stream("GET", path) as events:
        async for line in events.aiter_lines():
            if line.startswith("data:") and first is not None:
                first.set()


async def test_500_screens_cost_the_queries_of_one_poller_and_none_once_they_leave(sqlite_url: str, demo) -> None:  # type: ignore[no-untyped-def]
    settings = ConsoleSettings(board_poll_seconds=POLL, board_max_connections=VIEWERS + 10)
    async with running_console(sqlite_url, demo, settings) as site:
        queries = QueryCounter(site)
        idle = await queries.per_second(1.0)
        limits = httpx.Limits(max_connections=VIEWERS + 10, max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=site.base, limits=limits, timeout=60) as client:
            first = asyncio.Event()
            one = asyncio.create_task(watch(client, "/board/kota_bogor/events", first))
            await asyncio.wait_for(first.wait(), 10)
            selects_before, began = queries.selects, time.monotonic()
            single = await queries.per_second(3.0)
            reads = (queries.selects - selects_before) / (time.monotonic() - began)
            screens = [asyncio.create_task(watch(client, "/board/kota_bogor/events")) for _ in range(VIEWERS - 1)]
            await until(lambda: site.console.boards.connections == VIEWERS, timeout=60)
            assert site.console.boards.pollers() == 1
            crowd = await queries.per_second(3.0)
            for task in [one, *screens]:
                task.cancel()
            await asyncio.gather(one, *screens, return_exceptions=True)
        await until(lambda: site.console.boards.connections == 0, timeout=60)
        assert site.console.boards.pollers() == 0
        await asyncio.sleep(1.0)  # a read already handed to a thread may still finish
        after = await queries.per_second(2.0)
    print(
        f"\nboard queries/s: nobody {idle:.1f}; 1 screen {single:.1f} ({reads:.1f} SELECTs); {VIEWERS} screens {crowd:.1f}; "
        f"after they left {after:.1f} (poll every {POLL} s; one poller per connection would be "
        f"{VIEWERS * single:.0f}/s)"
    )
    assert idle == 0
    assert single > 0
    # one SELECT per poll for the whole hall (tickets), the announcements cached apart (one read per 10 s)
    assert reads <= 1 / POLL + 1
    assert crowd <= single * 1.5 + 1  # one poller, not one per screen
    assert after == 0  # nobody watching: no polling


async def test_screens_above_the_cap_are_refused_and_may_come_back(sqlite_url: str, demo) -> None:  # type: ignore[no-untyped-def]
    settings = ConsoleSettings(board_poll_seconds=POLL, board_max_connections=3)
    async with running_console(sqlite_url, demo, settings) as site:
        async with httpx.AsyncClient(base_url=site.base, timeout=10) as client:
            screens = [asyncio.create_task(watch(client, "/board/kota_bogor/events")) for _ in range(3)]
            await until(lambda: site.console.boards.connections == 3)
            refused = await client.get("/board/kota_bekasi/events")
            assert refused.status_code == 503 and refused.headers["Retry-After"] == "30"
            assert "penuh" in refused.text
            screens[0].cancel()
            await asyncio.gather(screens[0], return_exceptions=True)
            await until(lambda: site.console.boards.connections == 2)
            first = asyncio.Event()
            again = asyncio.create_task(watch(client, "/board/kota_bekasi/events", first))
            await asyncio.wait_for(first.wait(), 10)
            assert site.console.boards.pollers() == 2  # one per MPP watched
            for task in [*screens[1:], again]:
                task.cancel()
            await asyncio.gather(*screens[1:], again, return_exceptions=True)


async def test_an_idle_board_gets_heartbeats_and_a_new_call_at_once(sqlite_url: str, demo) -> None:  # type: ignore[no-untyped-def]
    settings = ConsoleSettings(board_poll_seconds=POLL, board_heartbeat_seconds=0.3)
    async with running_console(sqlite_url, demo, settings) as site:
        lines: list[str] = []
        async with httpx.AsyncClient(base_url=site.base, timeout=10) as client:
            async with client.stream("GET", "/board/kota_bogor/events") as events:
                assert events.headers["content-type"] == "text/event-stream"
                started = time.monotonic()
                async for line in events.aiter_lines():
                    lines.append(line)
                    pings = lines.count("event: ping")  # one on connect (the server's time), then heartbeats
                    if line == "event: ping" and pings >= 2 and not any(">" in x for x in lines):
                        ticket = site.queue.issue_walk_in("kota_bogor", "kk")
                        from mpp.queue.service import Staff

                        await asyncio.to_thread(site.queue.call_next, Staff(1, "kota_bogor", "disdukcapil", "1"))
                        lines.append(">")
                    if ">" in lines and line.startswith("data: {") and json.loads(line[5:])["calls"]:
                        break
                    assert time.monotonic() - started < 10
        assert lines[0] == "retry: 5000"
        assert lines.count("event: ping") >= 2
        call = json.loads(lines[-1][5:])["calls"][0]
        assert call["number"] == ticket.number and call["counter"] == "1"


@pytest.mark.parametrize("path", ["/board/atlantis", "/board/atlantis/events"])
async def test_an_unknown_mpp_has_no_board(sqlite_url: str, demo, path: str) -> None:  # type: ignore[no-untyped-def]
    async with running_console(sqlite_url, demo) as site, httpx.AsyncClient(base_url=site.base) as client:
        assert (await client.get(path)).status_code == 404
        assert site.console.boards.pollers() == 0
