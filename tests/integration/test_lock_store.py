"""The Redis ticket lock that serialises one conversation's turns across Rasa workers (real Redis)."""

from __future__ import annotations

import asyncio
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.lock_store import POLL_SECONDS, RenewingRedisLockStore
from tests.conftest import redis_store_args

pytestmark = pytest.mark.redis


@pytest.fixture()
def stores() -> list[RenewingRedisLockStore]:
    return [RenewingRedisLockStore(**redis_store_args(), key_prefix="t") for _ in range(2)]  # two workers' views


def conversation() -> str:
    return f"telegram:{uuid.uuid4().hex[:8]}"


async def test_turns_of_one_conversation_run_one_after_the_other(stores: list[RenewingRedisLockStore]) -> None:
    me, order = conversation(), []

    async def turn(store: RenewingRedisLockStore, name: str, hold: float) -> None:
        async with store.lock(me, lock_lifetime=10):
            order.append(f"{name} in")
            await asyncio.sleep(hold)
            order.append(f"{name} out")

    first = asyncio.create_task(turn(stores[0], "a", 0.4))
    await asyncio.sleep(0.05)
    await asyncio.gather(first, turn(stores[1], "b", 0))
    assert order == ["a in", "a out", "b in", "b out"]
    assert stores[0].get_lock(me) is None  # the last one out removes the lock


async def test_other_conversations_do_not_wait(stores: list[RenewingRedisLockStore]) -> None:
    busy, other = conversation(), conversation()
    async with stores[0].lock(busy, lock_lifetime=10):
        started = time.monotonic()
        async with stores[1].lock(other, lock_lifetime=10):
            assert time.monotonic() - started < POLL_SECONDS


async def test_lock_is_stored_in_rasas_format_while_held(stores: list[RenewingRedisLockStore]) -> None:
    me = conversation()
    async with stores[0].lock(me, lock_lifetime=10):
        lock = stores[1].get_lock(me)  # Rasa's own reader
        assert lock is not None and lock.conversation_id == me
        assert [t.number for t in lock.tickets] == [0] and 9 < lock.tickets[0].expires - time.time() <= 10
        assert 10 <= stores[1].red.pttl(stores[1].key_prefix + me) / 1000 <= 11  # gone a second after its ticket


def test_tickets_are_unique_when_workers_ask_at_once(stores: list[RenewingRedisLockStore]) -> None:
    me = conversation()
    with ThreadPoolExecutor(16) as pool:
        numbers = list(pool.map(lambda i: stores[i % 2].issue_ticket(me, 30), range(200)))
    assert sorted(numbers) == list(range(200))  # Rasa's read-modify-write hands out duplicates here
    lock = stores[0].get_lock(me)
    assert lock is not None and len(lock.tickets) == 200
    for number in numbers:
        stores[number % 2].cleanup(me, number)
    assert stores[0].get_lock(me) is None


async def test_a_dead_workers_turn_blocks_only_for_the_lifetime(stores: list[RenewingRedisLockStore]) -> None:
    me, lifetime = conversation(), 1.0
    stores[0].issue_ticket(me, lifetime)  # a worker took the turn and was killed: never released
    await asyncio.sleep(0.05)  # the next message: unrenewed, its ticket would expire with the dead one
    started = time.monotonic()
    async with stores[1].lock(me, lock_lifetime=lifetime):
        waited = time.monotonic() - started
        lock = stores[1].get_lock(me)
        assert lock is not None and [t.number for t in lock.tickets] == [1]  # ours survived, renewed while waiting
    assert 0.8 < waited < lifetime + 2 * POLL_SECONDS


async def test_a_waiting_turn_whose_lock_vanished_fails_instead_of_hanging(
    stores: list[RenewingRedisLockStore],
) -> None:
    from rasa.core.lock_store import LockError

    me = conversation()
    stores[0].issue_ticket(me, 30)

    async def wipe() -> None:
        await asyncio.sleep(0.1)
        stores[0].red.delete(stores[0].key_prefix + me)  # e.g. Redis flushed

    wiper = asyncio.create_task(wipe())
    with pytest.raises(LockError, match="Could not acquire lock"):
        async with stores[1].lock(me, lock_lifetime=30):
            pass
    await wiper


async def test_a_cancelled_turn_gives_its_place_back(stores: list[RenewingRedisLockStore]) -> None:
    me = conversation()

    async def turn() -> None:
        async with stores[0].lock(me, lock_lifetime=30):
            await asyncio.sleep(10)  # e.g. waiting on the action server when the client goes away

    task = asyncio.create_task(turn())
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    started = time.monotonic()
    async with stores[1].lock(me, lock_lifetime=30):  # not 30 s behind a ticket nobody releases
        assert time.monotonic() - started < POLL_SECONDS


async def test_any_conversation_id_is_only_data_to_the_lock(stores: list[RenewingRedisLockStore]) -> None:
    hostile = ['x"}]; redis.call("FLUSHALL") --', "telegram:\x00\x1b[31m", "wa:😀<script>", "{{7*7}}' OR 1=1 --", "\\"]
    for me in (h + uuid.uuid4().hex[:6] for h in hostile):
        async with stores[0].lock(me, lock_lifetime=10):
            lock = stores[1].get_lock(me)
            assert lock is not None and lock.conversation_id == me
        assert stores[0].get_lock(me) is None
    assert stores[0].red.ping()
