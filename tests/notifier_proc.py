"""A notifier process for the crash tests: it records each delivery in a Redis list.

    python -m tests.notifier_proc <database-url> <redis-url> <record-key> [crash-after-N]

With crash-after-N it kills itself (os._exit, like kill -9) right after the N-th
delivery, before marking it sent or acknowledging it: the crash window.
"""

from __future__ import annotations

import asyncio
import os
import sys

import redis.asyncio as aioredis

from bot.notifier import Notifier
from mpp.db.engine import make_engine, make_session_factory


class Recording:
    def __init__(self, redis: aioredis.Redis, key: str, crash_after: int | None):
        self.redis, self.key, self.crash_after, self.count = redis, key, crash_after, 0

    async def deliver(self, chat_id: str, text: str) -> None:
        await self.redis.rpush(self.key, f"{chat_id}|{text}")
        self.count += 1
        if self.crash_after is not None and self.count >= self.crash_after:
            os._exit(137)
        await asyncio.sleep(0.002)  # a network round trip, roughly


async def main() -> None:
    db_url, redis_url, key = sys.argv[1:4]
    crash_after = int(sys.argv[4]) if len(sys.argv) > 4 else None
    redis = aioredis.from_url(redis_url)
    notifier = Notifier(
        make_session_factory(make_engine(db_url)),
        Recording(redis, key, crash_after),
        redis,
        consumer="test-consumer",
        batch=20,
    )
    await notifier.run(poll_seconds=0.1)


if __name__ == "__main__":
    asyncio.run(main())
