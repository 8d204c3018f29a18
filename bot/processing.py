"""The gateway's inbox workers: each stored message, in order per sender, to Rasa and the reply back.

When Rasa or its action server is down the citizen is told once that the message was received,
and it is retried with back-off (``retry_delays``), up to ``MAX_ATTEMPTS``. A flooding sender
is slowed (their messages wait their turn) and told so once a minute; others are not affected.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.channel import ChannelRegistry, PermanentDeliveryError
from bot.config import GatewaySettings
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.ratelimit import Limiter
from bot.render import Piece, Text, from_rasa
from bot.whatsapp_channel import GraphError
from mpp import inbox
from mpp.db.uow import UnitOfWork
from mpp.privacy import Crypto
from mpp.text import citizen_text

logger = logging.getLogger("bot.gateway")

MAX_ATTEMPTS = 6
RETRY_DELAYS = (5, 15, 30, 60, 120, 300)
BUSY = "Maaf, asisten sedang sibuk. Pesan Anda sudah kami terima dan akan dijawab sebentar lagi. 🙏"
GAVE_UP = "Maaf, pesan Anda belum bisa diproses. Silakan coba kirim lagi beberapa saat lagi."
TYPE_PLEASE = "Maaf, saya baru bisa membaca pesan teks. Silakan ketik pertanyaan Anda. 🙏"
TOO_LONG = "Maaf, pesannya terlalu panjang. Mohon ringkas pertanyaan Anda (maksimal {limit} karakter)."
STALE_BUTTON = "Tombol itu sudah tidak berlaku. Silakan ketik pertanyaan Anda."
SLOW_DOWN = "Pesan Anda banyak sekali dalam waktu singkat. Kami jawab satu per satu ya, mohon tunggu sebentar. 🙏"
SENDER_RATE, SENDER_BURST = 0.5, 8  # per sender: 8 at once, then one every 2 seconds


class InboxWorkers:
    def __init__(
        self,
        settings: GatewaySettings,
        session_factory: Callable[[], Any],
        crypto: Crypto,
        rasa: RasaClient,
        channels: ChannelRegistry,
        now: Callable[[], datetime],
    ) -> None:
        self.settings, self._sessions, self._crypto, self.rasa = settings, session_factory, crypto, rasa
        self.channels, self._now = channels, now
        self.wake = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self.retry_delays: tuple[float, ...] = RETRY_DELAYS
        self.sender_limits = Limiter(global_rate=1e9, global_burst=1e9, chat_rate=SENDER_RATE, chat_burst=SENDER_BURST)
        self._told_to_wait: dict[str, float] = {}

    async def process_next(self) -> bool:
        """Process one message if one is due; False when the inbox has nothing to do."""

        def claim() -> inbox.Inbound | None:
            with UnitOfWork(self._sessions, write=True) as uow:
                claimed = inbox.claim(uow.session, self._crypto, self._now())
                uow.commit()
                return claimed

        message = await asyncio.to_thread(claim)
        if message is None:
            return False
        try:
            await self._handle(message)
        except Exception:
            logger.exception("message %s could not be processed", message.id)
            await asyncio.to_thread(self._mark, inbox.give_up, message.id)
        return True

    def _mark(self, fn: Callable[..., None], message_id: int, *args: Any) -> None:
        with UnitOfWork(self._sessions, write=True) as uow:
            fn(uow.session, message_id, self._now(), *args)
            uow.commit()

    async def _reply_text(self, sender: str, text: str) -> None:
        await self._deliver(sender, [Text(text)], {})

    async def _deliver(self, sender: str, pieces: list[Piece], button_ids: dict[str, str]) -> None:
        try:
            await self.channels.send(sender, pieces, button_ids)
        except PermanentDeliveryError as exc:
            logger.info("%s cannot be reached: %s", sender.split(":", 1)[0], exc)

    async def _handle(self, m: inbox.Inbound) -> None:
        if m.reply_to and m.attempts == 1:
            with contextlib.suppress(PermanentDeliveryError):
                await self.channels.for_sender(m.sender).acknowledge(m.reply_to)
        if m.kind == "unsupported":
            await self._reply_text(m.sender, TYPE_PLEASE)
            await asyncio.to_thread(self._mark, inbox.finish, m.id)
            return
        delay = self.sender_limits.chat(m.sender).try_take()
        if delay > 0:
            last = self._told_to_wait.get(m.sender, 0.0)
            if self._now().timestamp() - last > 60:
                self._told_to_wait.pop(m.sender, None)
                self._told_to_wait[m.sender] = self._now().timestamp()
                if len(self._told_to_wait) > 10_000:  # bounded like the limiters: oldest first
                    self._told_to_wait.pop(next(iter(self._told_to_wait)))
                await self._reply_text(m.sender, SLOW_DOWN)
            await asyncio.to_thread(self._mark, inbox.defer, m.id, delay)
            return
        body = m.body
        if m.kind == "button":
            payload: str | None = await asyncio.to_thread(self._payload, m.sender, m.body)
            body = payload or ""
            if not body:
                await self._reply_text(m.sender, STALE_BUTTON)
                await asyncio.to_thread(self._mark, inbox.finish, m.id)
                return
        elif m.kind == "text":
            if len(body) > self.settings.max_message_chars:
                await self._reply_text(m.sender, TOO_LONG.format(limit=self.settings.max_message_chars))
                await asyncio.to_thread(self._mark, inbox.finish, m.id)
                return
            body = citizen_text(body)  # citizens' text is text: "/intent{...}" must not set intents
        try:
            replies = await self.rasa.ask(m.sender, body, m.id)
        except RasaUnavailable as exc:
            logger.warning("message %s: %s (attempt %d)", m.id, exc, m.attempts)
            if m.attempts >= MAX_ATTEMPTS:
                await self._reply_text(m.sender, GAVE_UP)
                await asyncio.to_thread(self._mark, inbox.give_up, m.id)
                return
            if m.attempts == 1:
                await self._reply_text(m.sender, BUSY)
            await asyncio.to_thread(self._mark, inbox.retry_later, m.id, self.retry_delays[m.attempts - 1])
            return
        pieces = from_rasa(replies)
        payloads = [p for piece in pieces if isinstance(piece, Text) for _, p in piece.buttons]
        ids = await asyncio.to_thread(self._save_buttons, m.sender, payloads)
        try:
            await self._deliver(m.sender, pieces, dict(zip(payloads, ids, strict=True)))
        except GraphError as exc:
            logger.error("whatsapp refused a reply to message %s: %s", m.id, exc)
        await asyncio.to_thread(self._mark, inbox.finish, m.id)

    def _payload(self, sender: str, button_id: str) -> str | None:
        with UnitOfWork(self._sessions) as uow:
            return inbox.button_payload(uow.session, sender, button_id)

    def _save_buttons(self, sender: str, payloads: list[str]) -> list[str]:
        if not payloads:
            return []
        with UnitOfWork(self._sessions, write=True) as uow:
            ids = inbox.save_buttons(uow.session, sender, payloads, self._now())
            uow.commit()
            return ids

    async def _worker(self) -> None:
        while True:
            try:
                busy = await self.process_next()
            except Exception:
                logger.exception("gateway worker error")
                busy = False
            if not busy:
                self.wake.clear()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), timeout=1.0)

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._worker()) for _ in range(self.settings.workers)]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
