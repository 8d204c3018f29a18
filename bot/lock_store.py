"""Rasa's Redis ticket lock, done in one atomic step per operation.

Rasa 3.6 serialises the turns of one conversation with ticket locks in Redis, but it
reads the lock, changes it in Python and writes it back: seven round trips a turn, and
two workers can read the same lock at once and hand out the same ticket. A worker
killed mid-turn leaves its ticket behind until the ticket expires
(TICKET_LOCK_LIFETIME); Rasa's waiting ticket has the same lifetime and is thrown away
with the dead one, and then the turn waits until the HTTP request times out.

Here each step is one Lua script, run atomically by Redis:

* issue: drop expired tickets, append ours, tell whether it is served now;
* poll (only when another turn of the conversation is in progress): drop expired
  tickets, tell whether ours is first, and keep ours alive while it waits — so the
  conversation continues on another worker within the lifetime (plus one poll);
* release: drop our ticket; the lock goes when no ticket is left.

A turn costs two round trips. The stored lock keeps Rasa's format (``TicketLock``), so
``get_lock`` still reads it, and the key expires a second after its last ticket.

Configured in deploy/endpoints.production.yml: ``type: bot.lock_store.RenewingRedisLockStore``.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.redis_twin import AsyncTwin

POLL_SECONDS = 0.25

_LOAD = """
local now = tonumber(ARGV[1])
local conversation_id = ARGV[3]
local tickets = {}
local raw = redis.call('GET', KEYS[1])
if raw then
  local lock = cjson.decode(raw)
  if type(lock.conversation_id) == 'string' then conversation_id = lock.conversation_id end
  for _, dumped in ipairs(lock.tickets or {}) do
    local ticket = cjson.decode(dumped)
    if ticket.expires >= now then table.insert(tickets, ticket) end  -- Rasa: expired once now > expires
  end
end
local function save()
  if #tickets == 0 then
    redis.call('DEL', KEYS[1])
    return
  end
  local dumped, last = {}, 0
  for i, ticket in ipairs(tickets) do
    dumped[i] = cjson.encode({number = ticket.number, expires = ticket.expires})
    if ticket.expires > last then last = ticket.expires end
  end
  redis.call('SET', KEYS[1], cjson.encode({conversation_id = conversation_id, tickets = dumped}),
             'PX', math.ceil((last - now + 1) * 1000))
end
"""

# ARGV: now, lifetime, conversation id -> {ticket number, 1 if it is served now}
_ISSUE = (
    _LOAD
    + """
local number = 0
if #tickets > 0 then number = tickets[#tickets].number + 1 end
table.insert(tickets, {number = number, expires = now + tonumber(ARGV[2])})
save()
if tickets[1].number == number then return {number, 1} end
return {number, 0}
"""
)

# ARGV: now, lifetime, conversation id, ticket -> 1 served, 0 wait, -1 our ticket is gone
_POLL = (
    _LOAD
    + """
local mine = tonumber(ARGV[4])
local found = false
for _, ticket in ipairs(tickets) do
  if ticket.number == mine then
    found = true
    ticket.expires = math.max(ticket.expires, now + tonumber(ARGV[2]))
  end
end
save()
if not found then return -1 end
if tickets[1].number == mine then return 1 end
return 0
"""
)

# ARGV: now, lifetime (unused), conversation id, ticket
_RELEASE = (
    _LOAD
    + """
local mine = tonumber(ARGV[4])
for i = #tickets, 1, -1 do
  if tickets[i].number == mine then table.remove(tickets, i) end
end
save()
return #tickets
"""
)


class RenewingRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url, **endpoint_config.kwargs}
        super().__init__(**kwargs)
        # Rasa's synchronous methods (issue_ticket, cleanup) run the scripts on Rasa's client;
        # a turn's lock() awaits them on the asyncio twin.
        self._issue = self.red.register_script(_ISSUE)
        self._release = self.red.register_script(_RELEASE)
        self.twin = AsyncTwin(self.red)

    def _call(self, conversation_id: str, lifetime: float, *more: int) -> dict[str, list]:
        return {
            "keys": [self.key_prefix + conversation_id],
            "args": [repr(time.time()), repr(float(lifetime)), conversation_id, *more],
        }

    async def _run_async(self, script: str, conversation_id: str, lifetime: float, *more: int) -> Any:
        return await self.twin.script(script)(**self._call(conversation_id, lifetime, *more))

    def _run(self, script: Any, conversation_id: str, lifetime: float, *more: int) -> Any:
        return script(**self._call(conversation_id, lifetime, *more))

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            number, _ = self._run(self._issue, conversation_id, lock_lifetime)
        except Exception as e:
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e
        return int(number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        self._run(self._release, conversation_id, 0, ticket_number)

    @asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME, wait_time_in_seconds: float = 1
    ) -> AsyncIterator[TicketLock]:
        try:
            number, serving = await self._run_async(_ISSUE, conversation_id, lock_lifetime)
        except Exception as e:
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e
        ticket = int(number)
        try:
            while not serving:
                await asyncio.sleep(POLL_SECONDS)
                state = await self._run_async(_POLL, conversation_id, lock_lifetime, ticket)
                if state < 0:
                    raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
                serving = state == 1
            yield TicketLock(conversation_id, deque([Ticket(ticket, time.time() + lock_lifetime)]))
        finally:  # shielded: a turn cancelled (client gone) twice still gives its ticket back
            await asyncio.shield(self._run_async(_RELEASE, conversation_id, 0, ticket))
