"""The gateway: Telegram and WhatsApp webhooks in, Rasa's REST channel, replies out.

Each incoming message is stored (``mpp.inbox``) before the webhook is answered,
then worker tasks process the inbox in order per sender — several gateway
processes can share one database. When Rasa or its action server is down, the
citizen is told once that the message was received, and it is retried.

    python -m bot.gateway                      # webhooks on GATEWAY_HOST:GATEWAY_PORT
    python -m bot.gateway --telegram-polling   # development: fetch Telegram updates instead
    python -m bot.gateway --set-telegram-webhook https://example.go.id/telegram/webhook
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hmac
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from aiohttp import web

from bot.config import GatewaySettings, load_gateway_settings
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.ratelimit import Limiter
from bot.render import Text, from_rasa
from bot.telegram_channel import Incoming, PermanentDeliveryError, TelegramSender, make_bot, parse_update
from bot.whatsapp_channel import GraphError, WhatsAppSender, parse_webhook, signature_ok
from mpp import inbox
from mpp.db.inbox_tables import WhatsAppContactRow
from mpp.db.uow import UnitOfWork
from mpp.privacy import Crypto
from mpp.text import citizen_text

logger = logging.getLogger("bot.gateway")

MAX_ATTEMPTS = 6
WINDOW = timedelta(hours=24)  # WhatsApp's customer-service window
RETRY_DELAYS = (5, 15, 30, 60, 120, 300)
BUSY = "Maaf, asisten sedang sibuk. Pesan Anda sudah kami terima dan akan dijawab sebentar lagi. 🙏"
GAVE_UP = "Maaf, pesan Anda belum bisa diproses. Silakan coba kirim lagi beberapa saat lagi."
TYPE_PLEASE = "Maaf, saya baru bisa membaca pesan teks. Silakan ketik pertanyaan Anda. 🙏"
TOO_LONG = "Maaf, pesannya terlalu panjang. Mohon ringkas pertanyaan Anda (maksimal {limit} karakter)."
STALE_BUTTON = "Tombol itu sudah tidak berlaku. Silakan ketik pertanyaan Anda."
SLOW_DOWN = "Pesan Anda banyak sekali dalam waktu singkat. Kami jawab satu per satu ya, mohon tunggu sebentar. 🙏"
SENDER_RATE, SENDER_BURST = 0.5, 8  # per sender: 8 at once, then one every 2 seconds


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Gateway:
    def __init__(
        self,
        settings: GatewaySettings,
        session_factory: Callable[[], Any],
        crypto: Crypto,
        rasa: RasaClient,
        telegram: TelegramSender | None = None,
        whatsapp: WhatsAppSender | None = None,
        now: Callable[[], datetime] = utc_now,
    ):
        self.settings, self._sessions, self._crypto, self.rasa = settings, session_factory, crypto, rasa
        self.telegram, self.whatsapp, self._now = telegram, whatsapp, now
        self._wake = asyncio.Event()
        self._workers: list[asyncio.Task] = []
        self.retry_delays: tuple[float, ...] = RETRY_DELAYS
        # A flooding sender is slowed (their messages wait their turn), others are not affected.
        self.sender_limits = Limiter(global_rate=1e9, global_burst=1e9, chat_rate=SENDER_RATE, chat_burst=SENDER_BURST)
        self._told_to_wait: dict[str, float] = {}

    # ---- storing ------------------------------------------------------------------
    async def _store(self, channel: str, incoming: Incoming) -> bool:
        def work() -> bool:
            with UnitOfWork(self._sessions, write=True) as uow:
                stored = inbox.store(
                    uow.session,
                    channel=channel,
                    external_id=incoming.external_id,
                    sender=incoming.sender,
                    kind=incoming.kind,
                    body=incoming.body,
                    reply_to=incoming.reply_to,
                    now=self._now(),
                )
                uow.commit()
                return stored

        stored = await asyncio.to_thread(work)
        if stored:
            self._wake.set()
        else:
            logger.info("duplicate %s delivery %s ignored", channel, incoming.external_id)
        return stored

    def whatsapp_sender_id(self, wa_id: str) -> str:
        key = self._crypto.keyed_hash(f"whatsapp:{wa_id}")[:32] if self.settings.whatsapp_hash_ids else wa_id
        return f"whatsapp:{key}"

    def _remember_contact(self, sender: str, wa_id: str) -> None:
        with UnitOfWork(self._sessions, write=True) as uow:
            row = uow.session.get(WhatsAppContactRow, sender)
            if row is None:
                uow.session.add(
                    WhatsAppContactRow(
                        sender=sender, wa_id_encrypted=self._crypto.encrypt(wa_id), last_inbound_at=self._now()
                    )
                )
            else:
                row.last_inbound_at = self._now()
            uow.commit()

    def _wa_id(self, sender: str) -> str | None:
        key = sender.removeprefix("whatsapp:")
        if not self.settings.whatsapp_hash_ids:
            return key
        with UnitOfWork(self._sessions) as uow:
            row = uow.session.get(WhatsAppContactRow, sender)
            return self._crypto.decrypt(row.wa_id_encrypted) if row else None

    # ---- webhooks -----------------------------------------------------------------
    async def health(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def telegram_webhook(self, request: web.Request) -> web.Response:
        secret = self.settings.telegram_secret or ""
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
            logger.warning("telegram webhook refused: missing or wrong secret token from %s", request.remote)
            return web.json_response({"error": "forbidden"}, status=403)
        try:
            data = json.loads(await request.read())
            incoming = parse_update(data, self.telegram.bot) if self.telegram else None
        except Exception as exc:  # any shape Telegram never sends: refuse it, do not fall over
            logger.warning("telegram webhook: body is not a valid update (%s)", exc.__class__.__name__)
            return web.json_response({"error": "bad update"}, status=400)
        if incoming is not None:
            await self._store("telegram", incoming)
        return web.json_response({"ok": True})

    async def whatsapp_verify(self, request: web.Request) -> web.Response:
        q = request.query
        token = self.settings.whatsapp_verify_token or ""
        if q.get("hub.mode") == "subscribe" and token and hmac.compare_digest(q.get("hub.verify_token", ""), token):
            return web.Response(text=q.get("hub.challenge", ""))
        logger.warning("whatsapp verification refused from %s", request.remote)
        return web.Response(status=403, text="forbidden")

    async def whatsapp_webhook(self, request: web.Request) -> web.Response:
        raw = await request.read()
        if not signature_ok(self.settings.whatsapp_app_secret or "", raw, request.headers.get("X-Hub-Signature-256")):
            logger.warning("whatsapp webhook refused: missing or forged signature from %s", request.remote)
            return web.json_response({"error": "bad signature"}, status=401)
        try:
            messages, statuses = parse_webhook(json.loads(raw))
        except Exception as exc:  # as above
            logger.warning("whatsapp webhook: body is not a valid notification (%s)", exc.__class__.__name__)
            return web.json_response({"error": "bad body"}, status=400)
        for status in statuses:
            logger.debug("whatsapp status %s for %s", status.get("status"), status.get("id"))
        for m in messages:
            sender = self.whatsapp_sender_id(m.wa_id)
            await asyncio.to_thread(self._remember_contact, sender, m.wa_id)
            await self._store("whatsapp", Incoming(m.external_id, sender, m.kind, m.body))
        return web.json_response({"ok": True})

    # ---- processing ---------------------------------------------------------------
    async def process_next(self) -> bool:
        """Process one message if one is due; False when the inbox has nothing to do."""

        def claim() -> inbox.Inbound | None:
            with UnitOfWork(self._sessions, write=True) as uow:
                claimed = inbox.claim(uow.session, self._now())
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

    async def _deliver(self, sender: str, pieces: list, button_ids: dict[str, str]) -> None:
        channel, chat = sender.split(":", 1)
        try:
            if channel == "telegram" and self.telegram:
                await self.telegram.send(chat, pieces, button_ids)
            elif channel == "whatsapp" and self.whatsapp:
                wa_id = await asyncio.to_thread(self._wa_id, sender)
                if wa_id:
                    await self.whatsapp.send(wa_id, pieces, button_ids)
        except PermanentDeliveryError as exc:
            logger.info("%s cannot be reached: %s", channel, exc)

    async def _handle(self, m: inbox.Inbound) -> None:
        if m.reply_to and m.channel == "telegram" and self.telegram and m.attempts == 1:
            await self.telegram.answer_callback(m.reply_to)
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
            replies = await self.rasa.ask(m.sender, body)
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
                self._wake.clear()
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=1.0)

    def start_workers(self) -> None:
        self._workers = [asyncio.create_task(self._worker()) for _ in range(self.settings.workers)]

    async def stop(self) -> None:
        for task in self._workers:
            task.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)

    # ---- messages the assistant starts (notifications) ----------------------------------
    async def notify(self, sender: str, text: str) -> str:
        """Send a message nobody asked for, the way the channel allows; returns how it went out.

        WhatsApp allows free text only within 24 hours of the citizen's last message;
        after that only an approved template (WHATSAPP_TEMPLATE_NOTIFICATION, one body
        parameter carrying the text).
        """
        channel = sender.split(":", 1)[0]
        if channel == "whatsapp" and self.whatsapp:
            wa_id, last = await asyncio.to_thread(self._contact, sender)
            if wa_id is None:
                raise PermanentDeliveryError("unknown WhatsApp contact")
            if last is not None and self._now() - last < WINDOW:
                await self.whatsapp.send_text(wa_id, text)
                return "text"
            await self.whatsapp.send_template(
                wa_id, self.settings.whatsapp_template, self.settings.whatsapp_template_language, [text]
            )
            return "template"
        await self._deliver(sender, [Text(text)], {})
        return "text"

    def _contact(self, sender: str) -> tuple[str | None, datetime | None]:
        with UnitOfWork(self._sessions) as uow:
            row = uow.session.get(WhatsAppContactRow, sender)
            if row is None:
                return (None if self.settings.whatsapp_hash_ids else sender.removeprefix("whatsapp:")), None
            last = row.last_inbound_at
            if last is not None and last.tzinfo is None:  # SQLite keeps no time zone
                last = last.replace(tzinfo=timezone.utc)
            return self._crypto.decrypt(row.wa_id_encrypted), last

    # ---- development: Telegram polling ------------------------------------------------
    async def poll_telegram(self) -> None:
        assert self.telegram is not None
        await self.telegram.bot.delete_webhook()
        offset = None
        while True:
            updates = await self.telegram.bot.get_updates(offset=offset, timeout=25)
            for update in updates:
                offset = update.update_id + 1
                incoming = parse_update(update.to_dict(), self.telegram.bot)
                if incoming is not None:
                    await self._store("telegram", incoming)


def create_app(gateway: Gateway) -> web.Application:
    app = web.Application(client_max_size=256 * 1024)
    app.router.add_get("/healthcheck", gateway.health)
    app.router.add_post("/telegram/webhook", gateway.telegram_webhook)
    app.router.add_get("/whatsapp/webhook", gateway.whatsapp_verify)
    app.router.add_post("/whatsapp/webhook", gateway.whatsapp_webhook)

    async def on_startup(_: web.Application) -> None:
        if gateway.telegram is not None:
            await gateway.telegram.bot.initialize()
        gateway.start_workers()

    async def on_cleanup(_: web.Application) -> None:
        await gateway.stop()
        await gateway.rasa.close()
        if gateway.telegram is not None:
            await gateway.telegram.bot.shutdown()
        if gateway.whatsapp is not None:
            await gateway.whatsapp.close()

    app.on_startup.append(on_startup)  # type: ignore[arg-type]
    app.on_cleanup.append(on_cleanup)  # type: ignore[arg-type]
    return app


def build_gateway(settings: GatewaySettings | None = None) -> Gateway:
    from mpp.wiring import get_core

    settings = settings or load_gateway_settings()
    core = get_core()
    telegram = None
    if settings.telegram_token:
        telegram = TelegramSender(make_bot(settings.telegram_token, settings.telegram_base_url))
    whatsapp = None
    if settings.whatsapp_enabled:
        assert settings.whatsapp_phone_number_id and settings.whatsapp_token
        whatsapp = WhatsAppSender(
            settings.whatsapp_phone_number_id,
            settings.whatsapp_token,
            settings.whatsapp_base_url,
            settings.whatsapp_api_version,
        )
    return Gateway(
        settings,
        core.session_factory,
        core.crypto,
        RasaClient(settings.rasa_url, settings.rasa_timeout, token=settings.rasa_rest_token),
        telegram,
        whatsapp,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Asisten MPP gateway (Telegram, WhatsApp)")
    parser.add_argument(
        "--telegram-polling", action="store_true", help="development: poll Telegram instead of a webhook"
    )
    parser.add_argument("--set-telegram-webhook", metavar="URL", help="register URL (with the secret token) and exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = load_gateway_settings()
    if (args.telegram_polling or args.set_telegram_webhook) and not settings.telegram_enabled:
        parser.error("TELEGRAM_BOT_TOKEN is not set")
    gateway = build_gateway(settings)
    if args.set_telegram_webhook:
        if not settings.telegram_secret:
            parser.error("TELEGRAM_SECRET_TOKEN is not set: the webhook would accept anyone")

        async def register() -> None:
            assert gateway.telegram is not None
            await gateway.telegram.bot.set_webhook(
                args.set_telegram_webhook,
                secret_token=settings.telegram_secret,
                allowed_updates=["message", "callback_query"],
            )

        asyncio.run(register())
        print(f"webhook set to {args.set_telegram_webhook}")
        return 0
    app = create_app(gateway)
    if args.telegram_polling:

        async def start_polling(_: web.Application) -> None:
            app["polling"] = asyncio.create_task(gateway.poll_telegram())

        app.on_startup.append(start_polling)  # type: ignore[arg-type]
    web.run_app(app, host=settings.host, port=settings.port, access_log=None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
