"""1,000 notifications through the notifier with a fake channel: is the rate limit held, and at what throughput?

    .venv/bin/python -m benchmarks.notifier_throughput [--count 1000] [--rate 30] [--burst 30] [--transport db|redis]

The fake channel answers at once (1 ms) and records the send time of each message.
The notifier's token bucket is set to the platform's ceiling (Telegram: about 30
messages/s per bot); 200 chats get 5 messages each. Reported: throughput against
the ceiling, the most messages sent in any 1-second window (must not exceed
rate + burst), and per-chat pacing.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

from bot.notifier import Notifier
from bot.ratelimit import Limiter
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.uow import UnitOfWork
from mpp.notify_outbox import Notice, SqlOutbox
from mpp.wiring import upgrade_database


class FakeChannel:
    def __init__(self) -> None:
        self.times: list[float] = []
        self.per_chat: dict[str, list[float]] = defaultdict(list)

    async def deliver(self, chat_id: str, text: str) -> None:
        await asyncio.sleep(0.001)
        now = time.perf_counter()
        self.times.append(now)
        self.per_chat[chat_id].append(now)


async def run(count: int, rate: float, burst: float, transport: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        upgrade_database(url)
        factory = make_session_factory(make_engine(url))
        now = datetime.now(timezone.utc)
        with UnitOfWork(factory, write=True) as uow:
            for i in range(count):
                chat = f"telegram:{i % 200}"
                SqlOutbox(uow.session).add(Notice(chat, "bench", f"pesan {i}", f"b{i}"), now)
            uow.commit()
        channel = FakeChannel()
        limiter = Limiter(global_rate=rate, global_burst=burst, chat_rate=1, chat_burst=5)
        redis = None
        if transport == "redis":
            import redis.asyncio as aioredis

            redis = aioredis.from_url("redis://127.0.0.1:6379/14")
            await redis.flushdb()
        notifier = Notifier(factory, channel, redis, limiter=limiter, batch=200)
        start = time.perf_counter()
        if redis is None:
            while notifier.sent < count:
                await notifier.run_once_db()
        else:
            await notifier.setup_redis()
            while await notifier.relay_once():
                pass
            while notifier.sent < count:
                await notifier.consume_once(block_ms=100)
            await redis.flushdb()
            await redis.close()
        elapsed = time.perf_counter() - start
    times = sorted(channel.times)
    worst_window = max(sum(1 for u in times[i:] if u - t < 1.0) for i, t in enumerate(times))
    chat_worst = max(
        max(sum(1 for u in ts[i:] if u - t < 1.0) for i, t in enumerate(ts)) for ts in channel.per_chat.values()
    )
    steady = (count - burst) / (times[-1] - times[0]) if len(times) > 1 else 0.0
    print(f"transport {transport}: {count} notifications, ceiling {rate:.0f}/s (burst {burst:.0f}), 200 chats x 5\n")
    print(f"elapsed                          {elapsed:8.2f} s")
    print(f"throughput                       {count / elapsed:8.1f} msg/s ({count / elapsed / rate:.1%} of ceiling)")
    print(f"throughput after the burst       {steady:8.1f} msg/s ({steady / rate:.1%} of ceiling)")
    print(
        f"most sent in any 1 s window      {worst_window:8d} (limit {rate + burst:.0f}: {'held' if worst_window <= rate + burst else 'EXCEEDED'})"
    )
    print(f"most to one chat in any 1 s      {chat_worst:8d} (per-chat bucket: 1/s, burst 5)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=30)
    parser.add_argument("--burst", type=float, default=30)
    parser.add_argument("--transport", choices=("db", "redis"), default="db")
    args = parser.parse_args()
    asyncio.run(run(args.count, args.rate, args.burst, args.transport))


if __name__ == "__main__":
    main()
