"""The notifier: database transport, and Redis streams against a real Redis, with crashes."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest
import redis as redis_sync
import redis.asyncio as aioredis
from sqlalchemy import select

from bot.notifier import STREAM, Notifier, TransientDeliveryError
from bot.telegram_channel import PermanentDeliveryError
from mpp.config import PROJECT_ROOT
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.queue_tables import NotificationRow
from mpp.db.uow import UnitOfWork
from mpp.notify_outbox import Notice, SqlOutbox
from tests.conftest import REDIS_URL, require

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)


class Recorder:
    def __init__(self, fail: dict[str, Exception] | None = None):
        self.sent: list[tuple[str, str]] = []
        self.fail = fail or {}

    async def deliver(self, chat_id: str, text: str) -> None:
        if chat_id in self.fail:
            raise self.fail[chat_id]
        self.sent.append((chat_id, text))


def add_notes(factory, count: int, chat: str = "telegram:1", due: datetime = NOW, prefix: str = "n") -> None:  # type: ignore[no-untyped-def]
    with UnitOfWork(factory, write=True) as uow:
        for i in range(count):
            SqlOutbox(uow.session).add(Notice(chat, "test", f"{prefix}{i}", f"{chat}:{prefix}{i}", due), NOW)
        uow.commit()


def statuses(factory) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with factory() as s:
        out: dict[str, int] = {}
        for row in s.execute(select(NotificationRow)).scalars():
            out[row.status] = out.get(row.status, 0) + 1
        return out


async def test_database_transport_sends_in_order_and_marks_sent(db_url: str) -> None:
    factory = make_session_factory(make_engine(db_url))
    add_notes(factory, 5, "telegram:1")
    add_notes(factory, 3, "whatsapp:abc")
    add_notes(factory, 2, "telegram:1", due=NOW + timedelta(hours=1), prefix="later")  # a reminder for later
    recorder = Recorder()
    notifier = Notifier(factory, recorder, now=lambda: NOW)
    assert await notifier.run_once_db() == 8
    assert [t for c, t in recorder.sent if c == "telegram:1"] == [f"n{i}" for i in range(5)]
    assert statuses(factory) == {"sent": 8, "pending": 2}
    assert await notifier.run_once_db() == 0  # nothing due, nothing sent twice


async def test_failures_retry_with_backoff_or_go_to_the_dead_letters(db_url: str) -> None:
    factory = make_session_factory(make_engine(db_url))
    add_notes(factory, 1, "telegram:blocked")
    add_notes(factory, 1, "telegram:flaky")
    recorder = Recorder(
        {
            "telegram:blocked": PermanentDeliveryError("Forbidden: bot was blocked by the user"),
            "telegram:flaky": TransientDeliveryError("timeout"),
        }
    )
    clock = {"now": NOW}
    notifier = Notifier(factory, recorder, now=lambda: clock["now"])
    await notifier.run_once_db()
    assert statuses(factory) == {"dead": 1, "pending": 1}
    assert await notifier.run_once_db() == 0  # backing off
    del recorder.fail["telegram:flaky"]
    clock["now"] = NOW + timedelta(seconds=6)
    await notifier.run_once_db()
    assert recorder.sent == [("telegram:flaky", "n0")] and statuses(factory) == {"dead": 1, "sent": 1}


async def test_a_lease_from_a_crashed_notifier_runs_out(db_url: str) -> None:
    factory = make_session_factory(make_engine(db_url))
    add_notes(factory, 1)
    with UnitOfWork(factory, write=True) as uow:  # a notifier claimed it, sent it, and died
        from mpp import notify_outbox

        assert len(notify_outbox.claim(uow.session, NOW)) == 1
        uow.commit()
    recorder = Recorder()
    assert await Notifier(factory, recorder, now=lambda: NOW + timedelta(seconds=30)).run_once_db() == 0
    assert await Notifier(factory, recorder, now=lambda: NOW + timedelta(seconds=61)).run_once_db() == 1


@pytest.fixture()
async def redis_db():  # type: ignore[no-untyped-def]
    require("Redis", "127.0.0.1", 6379)
    client = aioredis.from_url(REDIS_URL)
    await client.flushdb()
    yield client
    await client.flushdb()
    await client.close()


async def test_redis_transport_relays_once_and_acknowledges(sqlite_url: str, redis_db) -> None:  # type: ignore[no-untyped-def]
    factory = make_session_factory(make_engine(sqlite_url))
    add_notes(factory, 6)
    recorder = Recorder()
    notifier = Notifier(factory, recorder, redis_db, consumer="c1", now=lambda: NOW)
    await notifier.setup_redis()
    assert await notifier.relay_once() == 6
    # a second relay of the same rows (e.g. after a crash before the rows were marked) adds nothing
    with UnitOfWork(factory, write=True) as uow:
        for row in uow.session.execute(select(NotificationRow)).scalars():
            row.status = "pending"
        uow.commit()
    await notifier.relay_once()
    assert await redis_db.xlen(STREAM) == 6
    assert await notifier.consume_once(block_ms=100) == 6
    assert [t for _, t in recorder.sent] == [f"n{i}" for i in range(6)]
    pending = await redis_db.xpending(STREAM, "notifier")
    assert pending["pending"] == 0 and statuses(factory) == {"sent": 6}


def _spawn(db_url: str, key: str, crash_after: int | None = None) -> subprocess.Popen:
    args = [sys.executable, "-m", "tests.notifier_proc", db_url, REDIS_URL, key]
    if crash_after is not None:
        args.append(str(crash_after))
    return subprocess.Popen(args, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_delivered(client: redis_sync.Redis, key: str, want: set[str], seconds: float = 60) -> list[str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = [v.decode() for v in client.lrange(key, 0, -1)]
        if want <= set(got):
            return got
        time.sleep(0.1)
    raise AssertionError(f"missing {len(want - set(got))} deliveries")


async def test_kill_between_send_and_ack_duplicates_only_that_message(sqlite_url: str, redis_db) -> None:  # type: ignore[no-untyped-def]
    factory = make_session_factory(make_engine(sqlite_url))
    add_notes(factory, 40, "telegram:1", due=datetime.now(timezone.utc))  # a real process: due by the real clock
    want = {f"telegram:1|n{i}" for i in range(40)}
    client = redis_sync.from_url(REDIS_URL)
    crashed = _spawn(sqlite_url, "test:delivered", crash_after=15)  # dies right after the 15th send
    assert crashed.wait(timeout=60) == 137
    restarted = _spawn(sqlite_url, "test:delivered")
    try:
        got = _wait_delivered(client, "test:delivered", want)
    finally:
        restarted.kill()
        restarted.wait()
    duplicates = len(got) - len(set(got))
    assert set(got) == want  # nothing lost
    assert duplicates == 1  # only the message in the crash window
    assert [g for g in got if got.count(g) > 1] == ["telegram:1|n14", "telegram:1|n14"]


async def test_notifier_killed_mid_stream_loses_nothing(sqlite_url: str, redis_db) -> None:  # type: ignore[no-untyped-def]
    factory = make_session_factory(make_engine(sqlite_url))
    for chat in range(20):
        add_notes(factory, 15, f"telegram:{chat}", due=datetime.now(timezone.utc))
    want = {f"telegram:{c}|n{i}" for c in range(20) for i in range(15)}
    client = redis_sync.from_url(REDIS_URL)
    first = _spawn(sqlite_url, "test:delivered")
    deadline = time.monotonic() + 60
    while client.llen("test:delivered") < 100 and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    first.kill()  # SIGKILL, wherever it is
    first.wait()
    second = _spawn(sqlite_url, "test:delivered")
    try:
        got = _wait_delivered(client, "test:delivered", want)
    finally:
        second.kill()
        second.wait()
    duplicates = len(got) - len(set(got))
    print(f"delivered {len(set(got))} of {len(want)}, {duplicates} duplicate(s) from the kill")
    assert set(got) == want
    assert duplicates <= 20  # at most one in flight per chat (chats are sent side by side)
