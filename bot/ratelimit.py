"""Token buckets: a steady rate with room for short bursts.

A fixed gap between messages would slow a three-bubble reply for nothing; a
bucket lets the burst through and only holds back sustained traffic, which is
what Telegram (about 30 messages/s per bot, about 1/s per chat sustained) and
WhatsApp (per-user pacing with short bursts) actually limit.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable


class TokenBucket:
    def __init__(self, rate: float, capacity: float, clock: Callable[[], float] = time.monotonic):
        self.rate, self.capacity = rate, capacity
        self._tokens = capacity
        self._clock = clock
        self._stamp = clock()
        self._lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def wait_time(self) -> float:
        """Seconds until one token is available (0 when one is available now)."""
        self._refill()
        return 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.rate

    def try_take(self) -> float:
        """Take a token if there is one (returns 0), else return the seconds until there will be one."""
        delay = self.wait_time()
        if delay <= 0:
            self._tokens -= 1
        return delay

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                delay = self.wait_time()
                if delay <= 0:
                    self._tokens -= 1
                    return
                await asyncio.sleep(delay)

    def pause(self, seconds: float) -> None:
        """The platform said "retry after N s": take the bucket's tokens away for that long."""
        self._refill()
        self._tokens = min(self._tokens, 0.0) - seconds * self.rate


class Limiter:
    """One bucket for the whole channel and one per chat (kept for the most recent chats only)."""

    def __init__(
        self,
        global_rate: float,
        global_burst: float,
        chat_rate: float,
        chat_burst: float,
        max_chats: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.global_bucket = TokenBucket(global_rate, global_burst, clock)
        self._chat_rate, self._chat_burst, self._max, self._clock = chat_rate, chat_burst, max_chats, clock
        self._chats: OrderedDict[str, TokenBucket] = OrderedDict()

    def chat(self, chat_id: str) -> TokenBucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            bucket = self._chats[chat_id] = TokenBucket(self._chat_rate, self._chat_burst, self._clock)
            if len(self._chats) > self._max:
                self._chats.popitem(last=False)
        else:
            self._chats.move_to_end(chat_id)
        return bucket

    async def acquire(self, chat_id: str) -> None:
        await self.chat(chat_id).acquire()
        await self.global_bucket.acquire()
