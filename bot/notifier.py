"""The notifier: sends what the outbox holds — turn notices, calls, reminders, closures.

Two transports, one behaviour:
* database (the embedded default): due outbox rows are claimed with a lease, sent,
  and marked sent;
* Redis (production, REDIS_URL set): due rows are relayed once (an atomic SET NX +
  XADD) into the stream ``mpp:notify``; notifier processes read it through the
  consumer group ``notifier``, mark each message sent (``mpp:sent:<id>``) and XACK
  it. A notifier killed between sending and acknowledging leaves the entry pending;
  after a restart (or XAUTOCLAIM by another process) it is sent again — the only
  way a message is duplicated. Retries wait in a sorted set with back-off;
  permanent failures go to ``mpp:notify:dead`` and are marked dead in the outbox,
  where the counter console lists them.

    python -m bot.notifier
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import sys
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, Protocol

from bot import log as bot_log
from bot.channel import ChannelRegistry, PermanentDeliveryError
from bot.console_channel import ConsoleChannel
from bot.ratelimit import Limiter
from mpp import notify_outbox as ob
from mpp.db.uow import UnitOfWork
from mpp.privacy import Crypto

logger = logging.getLogger("bot.notifier")
STREAM, GROUP = "mpp:notify", "notifier"
RETRY_SET, DEAD_STREAM = "mpp:notify:retry", "mpp:notify:dead"
SENT_TTL = 7 * 24 * 3600
CLAIM_IDLE_MS = 30_000
HANDOFF_SWEEP_SECONDS = 30
COMPOSED_KINDS = ("survey",)  # notices whose text and buttons are composed when sent (``mpp.survey.notice``)

RELAY = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[6]) then
  return redis.call('XADD', KEYS[2], '*', 'id', ARGV[1], 'chat', ARGV[2], 'kind', ARGV[3], 'text', ARGV[4], 'attempts', ARGV[5])
end
return false
"""
REQUEUE = """
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
  local m = cjson.decode(ARGV[1])
  return redis.call('XADD', KEYS[2], '*', 'id', m.id, 'chat', m.chat, 'kind', m.kind, 'text', m.text, 'attempts', m.attempts)
end
return false
"""


class Deliverer(Protocol):
    async def deliver(self, chat_id: str, text: str) -> None: ...


class Composed(Protocol):
    text: str
    buttons: list[tuple[str, str]]  # (title, payload)


class TransientDeliveryError(Exception):
    """Worth retrying later (network, 5xx, still rate-limited)."""


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class ChannelDeliverer:
    """Sends through the channel registry (``bot.channel``): console:… to the terminal chat,
    telegram:/whatsapp: through their channels, each with its window rules."""

    def __init__(
        self,
        session_factory: Callable[[], Any],
        channels: ChannelRegistry | None = None,
        now: Callable[[], datetime] = utc_now,
    ):
        self._sessions = session_factory
        self.channels = channels if channels is not None else ChannelRegistry()
        if self.channels.get("console") is None:
            self.channels.add(ConsoleChannel(session_factory))
        self._now = now

    async def deliver(self, chat_id: str, text: str) -> None:
        try:
            await self.channels.notify(chat_id, text, self._now())
        except PermanentDeliveryError:
            raise
        except Exception as exc:  # network trouble, 5xx, still rate-limited after retries
            raise TransientDeliveryError(f"{exc.__class__.__name__}: {exc}") from exc

    async def deliver_choices(self, chat_id: str, text: str, buttons: list[tuple[str, str]]) -> None:
        """A notice with buttons (the survey): each payload gets its stored short id, as the gateway's replies do."""
        payloads = [p for _, p in buttons]
        ids = await asyncio.to_thread(self._save_buttons, chat_id, payloads)
        try:
            await self.channels.notify_choices(
                chat_id, text, buttons, dict(zip(payloads, ids, strict=True)), self._now()
            )
        except PermanentDeliveryError:
            raise
        except Exception as exc:
            raise TransientDeliveryError(f"{exc.__class__.__name__}: {exc}") from exc

    def _save_buttons(self, chat_id: str, payloads: list[str]) -> list[str]:
        from mpp import inbox

        with UnitOfWork(self._sessions, write=True) as uow:
            ids = inbox.save_buttons(uow.session, chat_id, payloads, self._now())
            uow.commit()
            return ids

    async def close(self) -> None:
        await self.channels.close()


class Notifier:
    def __init__(
        self,
        session_factory: Callable[[], Any],
        deliverer: Deliverer,
        redis: Any = None,  # redis.asyncio.Redis: the Redis transport
        limiter: Limiter | None = None,
        consumer: str | None = None,
        batch: int = 50,
        now: Callable[[], datetime] = utc_now,
        crypto: Crypto | None = None,  # opens sealed notices; None: the configured keys, loaded when first needed
        compose: Callable[[str, str, str], Composed | None] | None = None,  # (kind, chat, text): a notice with buttons
    ):
        self._sessions, self.deliverer, self.redis, self.limiter = session_factory, deliverer, redis, limiter
        self._crypto = crypto
        self.consumer = consumer or f"{socket.gethostname()}-{os.getpid()}"
        self.batch, self._now = batch, now
        self._compose = compose
        self.sent = 0

    # ---- shared -------------------------------------------------------------------
    def _open(self, text: str) -> str:
        """A sealed notice opened at the last moment (``mpp.notify_outbox.seal``); others as they are."""
        if not ob.is_sealed(text):
            return text
        if self._crypto is None:
            from mpp.privacy import Crypto, load_keys

            self._crypto = Crypto(load_keys())
        opened = ob.unseal(self._crypto, text)
        if opened is None:
            raise PermanentDeliveryError("sealed notice: no configured MPP_PII_KEY opens it")
        return opened

    async def _send(self, chat_id: str, text: str, kind: str = "") -> None:
        text = self._open(text)
        composed = None
        if self._compose is not None and kind in COMPOSED_KINDS:
            composed = await asyncio.to_thread(self._compose, kind, chat_id, text)
            if composed is None:
                return  # nothing to send any more (a survey already offered for this ticket)
        if self.limiter is not None:
            await self.limiter.acquire(chat_id)
        if composed is not None and composed.buttons and hasattr(self.deliverer, "deliver_choices"):
            await self.deliverer.deliver_choices(chat_id, composed.text, composed.buttons)
        else:
            await self.deliverer.deliver(chat_id, composed.text if composed is not None else text)
        self.sent += 1

    def _db(self, fn: Callable[..., Any], *args: Any) -> Any:
        with UnitOfWork(self._sessions, write=True) as uow:
            result = fn(uow.session, *args)
            uow.commit()
            return result

    # ---- database transport -------------------------------------------------------------
    async def run_once_db(self) -> int:
        """Send one batch of due notifications; returns how many were claimed."""
        claimed: list[ob.Pending] = await asyncio.to_thread(self._db, ob.claim, self._now(), self.batch)
        by_chat: dict[str, list[ob.Pending]] = defaultdict(list)
        for note in claimed:
            by_chat[note.chat_id].append(note)  # one chat's messages in order, chats side by side
        await asyncio.gather(*(self._send_chat_db(notes) for notes in by_chat.values()))
        return len(claimed)

    async def _send_chat_db(self, notes: list[ob.Pending]) -> None:
        for note in notes:
            try:
                await self._send(note.chat_id, note.text, note.kind)
            except PermanentDeliveryError as exc:
                await asyncio.to_thread(self._db, ob.dead, note.id, str(exc))
                continue
            except Exception as exc:
                logger.warning("notification %s failed (attempt %d): %s", note.id, note.attempts, exc)
                await asyncio.to_thread(self._db, ob.retry, note.id, note.attempts, str(exc), self._now())
                continue
            await asyncio.to_thread(self._db, ob.mark_sent, [note.id], self._now())

    # ---- Redis transport ------------------------------------------------------------------
    async def setup_redis(self) -> None:
        try:
            await self.redis.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
        except Exception as exc:  # BUSYGROUP: the group exists already
            if "BUSYGROUP" not in str(exc):
                raise

    async def relay_once(self) -> int:
        """Move due outbox rows into the stream, each exactly once."""
        claimed: list[ob.Pending] = await asyncio.to_thread(self._db, ob.claim, self._now(), self.batch)
        for note in claimed:
            await self.redis.eval(
                RELAY,
                2,
                f"mpp:relayed:{note.id}",
                STREAM,
                note.id,
                note.chat_id,
                note.kind,
                note.text,
                note.attempts,
                SENT_TTL,
            )
        await asyncio.to_thread(self._db, ob.mark_relayed, [n.id for n in claimed])
        return len(claimed)

    async def requeue_due_retries(self) -> int:
        due = await self.redis.zrangebyscore(RETRY_SET, "-inf", self._now().timestamp(), start=0, num=100)
        for member in due:
            await self.redis.eval(REQUEUE, 2, RETRY_SET, STREAM, member)
        return len(due)

    async def consume_once(self, block_ms: int = 1000, pending_first: bool = False) -> int:
        """Read and handle one batch: our own unacknowledged entries first after a restart."""
        streams = await self.redis.xreadgroup(
            GROUP,
            self.consumer,
            {STREAM: "0" if pending_first else ">"},
            count=self.batch,
            block=None if pending_first else block_ms,
        )
        entries = [e for _, batch in (streams or []) for e in batch if e[1]]
        if not entries and not pending_first:
            claimed = await self.redis.xautoclaim(STREAM, GROUP, self.consumer, CLAIM_IDLE_MS, "0-0", count=self.batch)
            entries = [e for e in claimed[1] if e[1]]  # a dead consumer's entries
        by_chat: dict[str, list[tuple[str, dict[str, str]]]] = defaultdict(list)
        for entry_id, fields in entries:
            decoded = {
                k.decode() if isinstance(k, bytes) else k: v.decode() if isinstance(v, bytes) else v
                for k, v in fields.items()
            }
            by_chat[decoded["chat"]].append((entry_id, decoded))
        await asyncio.gather(*(self._handle_chat_stream(items) for items in by_chat.values()))
        return len(entries)

    async def _handle_chat_stream(self, items: list[tuple[str, dict[str, str]]]) -> None:
        for entry_id, m in items:
            if await self.redis.exists(f"mpp:sent:{m['id']}"):
                await self.redis.xack(STREAM, GROUP, entry_id)  # sent before a crash, not yet acknowledged
                continue
            attempts = int(m.get("attempts", 1))
            try:
                await self._send(m["chat"], m["text"], m.get("kind", ""))
            except PermanentDeliveryError as exc:
                await self.redis.xadd(DEAD_STREAM, {**m, "error": str(exc)[:500]})
                await asyncio.to_thread(self._db, ob.dead, int(m["id"]), str(exc))
                await self.redis.xack(STREAM, GROUP, entry_id)
                continue
            except Exception as exc:
                logger.warning("notification %s failed (attempt %d): %s", m["id"], attempts, exc)
                if attempts > len(ob.BACKOFF):
                    await self.redis.xadd(DEAD_STREAM, {**m, "error": str(exc)[:500]})
                    await asyncio.to_thread(self._db, ob.dead, int(m["id"]), str(exc))
                else:
                    due = self._now().timestamp() + ob.BACKOFF[attempts - 1]
                    await self.redis.zadd(RETRY_SET, {json.dumps({**m, "attempts": attempts + 1}): due})
                await self.redis.xack(STREAM, GROUP, entry_id)
                continue
            await self.redis.set(f"mpp:sent:{m['id']}", "1", ex=SENT_TTL)
            await self.redis.xack(STREAM, GROUP, entry_id)
            await asyncio.to_thread(self._db, ob.mark_sent, [int(m["id"])], self._now())

    # ---- loops ----------------------------------------------------------------------------
    async def run(self, poll_seconds: float = 1.0) -> None:
        if self.redis is None:
            while True:
                if not await self.run_once_db():
                    await asyncio.sleep(poll_seconds)
        await self.setup_redis()
        while await self.consume_once(pending_first=True):
            pass

        async def relay_loop() -> None:
            while True:
                moved = await self.relay_once() + await self.requeue_due_retries()
                if not moved:
                    await asyncio.sleep(poll_seconds)

        relay = asyncio.create_task(relay_loop())
        try:
            while True:
                await self.consume_once()
        finally:
            relay.cancel()


def main() -> int:
    from bot.config import load_gateway_settings
    from bot.delivery import build_channels
    from mpp.deployment import ConfigurationError
    from mpp.wiring import get_core

    bot_log.configure()
    try:
        settings = load_gateway_settings()
        settings.check()
        core = get_core()
        channels = build_channels(settings, core.session_factory, core.crypto, console=True)
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    redis = None
    if os.environ.get("REDIS_URL"):
        import redis.asyncio as aioredis

        redis = aioredis.from_url(os.environ["REDIS_URL"])
    deliverer = ChannelDeliverer(core.session_factory, channels)
    from mpp.survey.notice import composer

    notifier = Notifier(
        core.session_factory,
        deliverer,
        redis,
        crypto=core.crypto,
        compose=composer(core.session_factory, core.catalogue.get, core.clock),
    )

    async def sweep_handoffs() -> None:
        """The live handoff's time-outs and closing time (``mpp.handoff``); the citizens are told through the outbox."""
        while True:
            try:
                counts = await asyncio.to_thread(core.handoffs.sweep)
                if any(counts.values()):
                    logger.info("handoff sweep: %s", counts)
            except Exception:
                logger.exception("handoff sweep failed; trying again in %d s", HANDOFF_SWEEP_SECONDS)
            await asyncio.sleep(HANDOFF_SWEEP_SECONDS)

    async def run() -> None:
        await channels.start()
        sweeper = asyncio.create_task(sweep_handoffs())
        try:
            await notifier.run()
        finally:  # shared HTTP sessions are closed, also on Ctrl-C / SIGTERM
            sweeper.cancel()
            await deliverer.close()
            if redis is not None:
                await redis.close()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
