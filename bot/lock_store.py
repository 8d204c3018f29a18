"""Rasa's Redis lock store, fixed so that a waiting turn keeps its place.

Rasa 3.6 serialises the turns of one conversation with ticket locks in Redis. A
worker killed mid-turn leaves its ticket behind until the ticket expires
(TICKET_LOCK_LIFETIME). But the waiting turn's own ticket has the same lifetime
and is only cleaned up once a second, so it is often thrown away together with
the dead one — and then it waits forever (until the HTTP request times out). This
store keeps a waiting ticket alive while it waits, so the conversation continues
on another worker within the lifetime (plus one poll interval).

Configured in deploy/endpoints.production.yml: ``type: bot.lock_store.RenewingRedisLockStore``.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

POLL_SECONDS = 0.25


class RenewingRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs}
        super().__init__(**kwargs)

    async def _acquire_lock(self, conversation_id: str, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        while True:
            lock = self.get_lock(conversation_id)
            if not lock:
                break
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(POLL_SECONDS)
            lock = self.get_lock(conversation_id)
            if lock:
                lock.remove_expired_tickets()  # a dead worker's ticket goes when it expires ...
                for waiting in lock.tickets:
                    if waiting.number == ticket:  # ... ours stays while we wait
                        waiting.expires = max(waiting.expires, time.time() + LOCK_LIFETIME)
                self.save_lock(lock)
        raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
