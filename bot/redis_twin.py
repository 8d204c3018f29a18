"""An asyncio Redis client beside a synchronous one, for Rasa's Redis stores.

Rasa 3.6's Redis tracker and lock stores use the synchronous client inside the worker's
event loop: while a tracker goes to or comes from Redis, the worker does nothing else
(7-9% of a saturated worker's time in benchmarks/suite.py --profile). Our stores keep
that client for Rasa's synchronous methods and use this twin, with the same connection
settings, in the methods a turn awaits.
"""

from __future__ import annotations

import asyncio
from typing import Any

import redis
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff


class AsyncTwin:
    def __init__(self, sync: redis.Redis) -> None:
        pool = sync.connection_pool
        self._kwargs = dict(pool.connection_kwargs)
        # The synchronous client tests a pooled connection before use; the asyncio one does
        # not, so after a Redis restart its first command meets a closed socket. It gets one
        # more try, on a new connection (a Lua script is run again only if Redis closed the
        # connection before answering, e.g. while restarting).
        self._kwargs["retry"] = AsyncRetry(NoBackoff(), 1)
        self._kwargs["retry_on_error"] = [redis.exceptions.ConnectionError]
        ssl = issubclass(pool.connection_class, redis.SSLConnection)
        self._connection_class = aioredis.SSLConnection if ssl else aioredis.Connection
        self._client: aioredis.Redis | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._scripts: dict[str, Any] = {}

    def client(self) -> aioredis.Redis:
        """The client for the running event loop (a client belongs to one loop)."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            pool = aioredis.ConnectionPool(connection_class=self._connection_class, **self._kwargs)
            self._client, self._loop = aioredis.Redis(connection_pool=pool), loop
            self._scripts = {}
        return self._client

    def script(self, lua: str) -> Any:
        """A Lua script on the running loop's client (EVALSHA, loaded again after a Redis restart)."""
        client = self.client()
        if lua not in self._scripts:
            self._scripts[lua] = client.register_script(lua)
        return self._scripts[lua]
