"""The asyncio twin of a Redis client keeps its connection settings, TLS included."""

from __future__ import annotations

import redis

from bot.redis_twin import AsyncTwin


async def test_twin_connects_like_the_synchronous_client() -> None:
    sync = redis.StrictRedis(host="redis.internal", port=6380, db=3, password="rahasia", socket_timeout=7)
    connection = AsyncTwin(sync).client().connection_pool.make_connection()
    assert (connection.host, connection.port, connection.db, connection.password) == (
        "redis.internal",
        6380,
        3,
        "rahasia",
    )
    assert connection.socket_timeout == 7 and connection.retry._retries == 1  # one more try on a closed connection


async def test_twin_keeps_tls() -> None:
    import redis.asyncio as aioredis

    sync = redis.StrictRedis(host="redis.internal", ssl=True, ssl_ca_certs="/etc/ssl/mpp/ca.pem")
    connection = AsyncTwin(sync).client().connection_pool.make_connection()
    assert isinstance(connection, aioredis.SSLConnection)
    assert connection.ssl_context.ca_certs == "/etc/ssl/mpp/ca.pem"
