"""The display boards' live feed: one poller per MPP, fanned out to every screen watching it.

Each MPP with at least one viewer has one task that asks the database for the board every
``poll_seconds`` and wakes the viewers only when it changed; the task stops when the last
viewer leaves, so nobody watching means no queries. Viewers above ``max_connections`` (all
MPPs together) get 503 and the board page retries later with backoff. Each stream sends a
``ping`` event (carrying the server's time) on connect and every ``heartbeat_seconds`` so that
proxies keep it open and the screen knows the stream is alive (it reopens a silent one), and notices a gone client within about a second
(the transport closes) even when nothing changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone

from aiohttp import web

logger = logging.getLogger("console.board")
Fetch = Callable[[str], Awaitable[str]]
CHECK_SECONDS = 1.0  # how often an idle stream looks whether its client is still there


class BoardFeed:
    """One MPP's latest board (JSON text) and the task that keeps it fresh while it has viewers."""

    def __init__(self, mpp_code: str, fetch: Fetch, poll_seconds: float):
        self.mpp_code, self._fetch, self._poll = mpp_code, fetch, poll_seconds
        self.latest: str | None = None
        self.version = 0
        self.viewers = 0
        self.changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def join(self) -> None:
        self.viewers += 1
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name=f"board:{self.mpp_code}")

    def leave(self) -> None:
        self.viewers -= 1
        if self.viewers <= 0 and self._task is not None:
            self._task.cancel()
            self._task = None
            self.latest = None  # a stale board is never shown to the next viewer

    async def _run(self) -> None:
        while self.viewers > 0:
            try:
                data = await self._fetch(self.mpp_code)
            except asyncio.CancelledError:
                raise
            except Exception:  # a database hiccup: keep the last board, try again next round
                logger.exception("board %s: could not read the calls", self.mpp_code)
            else:
                if data != self.latest:
                    self.latest, self.version = data, self.version + 1
                    changed, self.changed = self.changed, asyncio.Event()
                    changed.set()
            await asyncio.sleep(self._poll)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


class BoardHub:
    def __init__(
        self,
        fetch: Fetch,
        poll_seconds: float,
        heartbeat_seconds: float,
        max_connections: int,
        now: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ):
        self._fetch, self._poll, self._heartbeat, self.max_connections = (
            fetch,
            poll_seconds,
            heartbeat_seconds,
            max_connections,
        )
        self._now = now
        self.feeds: dict[str, BoardFeed] = {}
        self.connections = 0

    def pollers(self) -> int:
        """How many MPPs are being polled now (tests and the health route)."""
        return sum(1 for f in self.feeds.values() if f.viewers > 0)

    async def stream(self, request: web.Request, mpp_code: str, stopping: asyncio.Event) -> web.StreamResponse:
        if self.connections >= self.max_connections:
            logger.warning("board stream refused: %d connections open (limit)", self.connections)
            raise web.HTTPServiceUnavailable(
                text="Layar antrean sedang penuh. Coba lagi sebentar.", headers={"Retry-After": "30"}
            )
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        )
        await response.prepare(request)
        feed = self.feeds.get(mpp_code)
        if feed is None:
            feed = self.feeds[mpp_code] = BoardFeed(mpp_code, self._fetch, self._poll)
        self.connections += 1
        feed.join()
        try:
            await response.write(b"retry: 5000\n\n" + self._ping())
            sent_version, last_write = 0, time.monotonic()
            while not stopping.is_set():
                transport = request.transport
                if transport is None or transport.is_closing():
                    break
                if feed.version != sent_version and feed.latest is not None:
                    sent_version = feed.version
                    await response.write(f"data: {feed.latest}\n\n".encode())
                    last_write = time.monotonic()
                elif time.monotonic() - last_write >= self._heartbeat:
                    await response.write(self._ping())
                    last_write = time.monotonic()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(feed.changed.wait(), timeout=CHECK_SECONDS)
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self.connections -= 1
            feed.leave()
        return response

    def _ping(self) -> bytes:
        """The heartbeat; its data is the server's time (epoch ms), so a hall PC without NTP shows the right clock."""
        return f"event: ping\ndata: {int(self._now().timestamp() * 1000)}\n\n".encode()

    async def close(self) -> None:
        for feed in self.feeds.values():
            await feed.stop()
