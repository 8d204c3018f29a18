"""Rasa 3.6's Pika event broker against RabbitMQ, measured before relying on it (README: *What the
assistant could not answer*).

    .venv/bin/python -m benchmarks.event_broker_probe [--amqp amqp://guest:guest@127.0.0.1:5672/]

What it shows, each as a number:
* start-up without RabbitMQ: ``EventBroker.create`` raises (Rasa does not start) after
  ``connection_attempts`` × ``retry_delay_in_seconds`` (defaults 20 × 5 s = 100 s; measured here
  with 2 × 1 s);
* publishing cost: events/s through ``publish`` (fire-and-forget tasks) with RabbitMQ up;
* an outage: RabbitMQ reached through a proxy this probe cuts; events published meanwhile wait
  in the broker's in-memory deque (``_unpublished_events``), gone if the process restarts;
* raw text: a consumer on the queue reads the user's words exactly as typed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import time
import uuid
from typing import Any

AMQP = "amqp://guest:guest@127.0.0.1:5672/"


class Proxy:
    """A TCP forwarder to RabbitMQ that can be cut (all connections closed, new ones refused)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.writers: list[asyncio.StreamWriter] = []
        self.up = True
        self.server: Any = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.up:
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection(self.host, self.port)
        self.writers += [writer, up_writer]

        async def pipe(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            with contextlib.suppress(Exception):
                while data := await r.read(65536):
                    w.write(data)
                    await w.drain()
            w.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    def cut(self) -> None:
        self.up = False
        for w in self.writers:
            w.close()
        self.writers.clear()


def event(i: int, text: str) -> dict[str, Any]:
    return {
        "sender_id": f"telegram:{i}",
        "event": "user",
        "timestamp": time.time(),
        "text": text,
        "parse_data": {"intent": {"name": "nlu_fallback", "confidence": 0.3}},
    }


async def main_async(amqp: str) -> None:
    import aio_pika
    import rasa.shared.core.events  # noqa: F401  (the broker reaches it as an attribute; Rasa imports it at start-up)
    from rasa.core.brokers.broker import EventBroker
    from rasa.utils.endpoints import EndpointConfig
    from yarl import URL

    url = URL(amqp)
    queue = f"mpp_probe_{uuid.uuid4().hex[:8]}"

    def config(port: int, **extra: Any) -> EndpointConfig:
        return EndpointConfig(
            type="pika",
            url=url.host,
            port=port,
            username=url.user,
            password=url.password,
            queues=[queue],
            **extra,
        )

    started = time.perf_counter()
    try:
        await EventBroker.create(config(1, connection_attempts=2, retry_delay_in_seconds=1))
        refused = "started"
    except Exception as exc:
        refused = exc.__class__.__name__
    print(
        f"start-up with RabbitMQ unreachable: {refused} after {time.perf_counter() - started:.1f} s "
        "(2 attempts × 1 s; Rasa's defaults: 20 × 5 s)"
    )

    proxy = Proxy(url.host or "127.0.0.1", url.port or 5672)
    port = await proxy.start()
    broker = await EventBroker.create(config(port))
    assert broker is not None
    n = 2000
    started = time.perf_counter()
    for i in range(n):
        broker.publish(event(i, f"kucing saya hilang, nama saya Budi Santoso {i}"))
    while broker._background_tasks:  # type: ignore[attr-defined]
        await asyncio.sleep(0.01)
    elapsed = time.perf_counter() - started
    print(f"unpublished after the first batch: {len(broker._unpublished_events)}")  # type: ignore[attr-defined]
    print(f"published {n} events in {elapsed:.2f} s: {n / elapsed:.0f} events/s ({elapsed / n * 1e6:.0f} µs each)")

    proxy.cut()
    await asyncio.sleep(0.5)
    for i in range(100):
        broker.publish(event(i, "selama RabbitMQ tidak terjangkau"))
    while broker._background_tasks:  # type: ignore[attr-defined]
        await asyncio.sleep(0.01)
    waiting = len(broker._unpublished_events)  # type: ignore[attr-defined]
    print(
        f"RabbitMQ cut: {waiting} of 100 events published meanwhile wait in process memory only "
        "(lost if Rasa restarts before it reconnects)"
    )

    connection = await aio_pika.connect_robust(amqp)
    async with connection:
        channel = await connection.channel()
        q = await channel.declare_queue(queue, durable=True)
        print(f"queue {queue} holds {q.declaration_result.message_count} messages")
        message = await q.get(timeout=5)
        body = json.loads(message.body)
        await message.ack()
        print(f"what a consumer reads: text={body.get('text')!r} (raw, as typed)")
        await q.delete(if_unused=False, if_empty=False)
    with contextlib.suppress(Exception):
        await broker.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--amqp", default=AMQP)
    args = parser.parse_args()
    asyncio.run(main_async(args.amqp))


if __name__ == "__main__":
    main()
