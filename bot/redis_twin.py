"""An asyncio Redis client beside a synchronous one, for Rasa's Redis stores.

Rasa 3.6's Redis tracker and lock stores use the synchronous client inside the worker's
event loop: while a tracker goes to or comes from Redis, the worker does nothing else
(7-9% of a saturated worker's time in benchmarks/suite.py --profile). Our stores keep
that client for Rasa's synchronous methods and use this twin, with the same connection
settings, in the methods a turn awaits.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import redis
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff


class AsyncTwin:
    def __init__(self, sync: redis.Redis) -> None:
        pool = sync.connection_pool
        ssl = issubclass(pool.connection_class, redis.SSLConnection)
        self._connection_class = aioredis.SSLConnection if ssl else aioredis.Connection
        accepted = {
            name
            for cls in self._connection_class.__mro__
            if "__init__" in vars(cls)
            for name in inspect.signature(vars(cls)["__init__"]).parameters
        }
        unsupported = sorted(k for k, v in pool.connection_kwargs.items() if k not in accepted and v)
        if unsupported:  # e.g. OCSP checks: the asyncio client has none
            raise ValueError(f"Redis settings the asyncio client cannot honour: {', '.join(unsupported)}")
        self._kwargs = {k: v for k, v in pool.connection_kwargs.items() if k in accepted}
        # The synchronous client tests a pooled connection before use; the asyncio one does
        # not, so after a Redis restart its first command meets a closed socket. It gets one
        # more try, on a new connection (a Lua script is run again only if Redis closed the
        # connection before answering, e.g. while restarting).
        self._kwargs["retry"] = AsyncRetry(NoBackoff(), 1)
        self._kwargs["retry_on_error"] = [redis.exceptions.ConnectionError]
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
