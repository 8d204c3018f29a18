"""The gateway: Telegram and WhatsApp webhooks in, Rasa's REST channel, replies out.

Assembled from three parts: ``bot.webhooks`` (checked webhooks into the durable, encrypted
inbox), ``bot.processing`` (workers taking each sender's messages in order to Rasa) and the
channel registry (``bot.channel``, built by ``bot.delivery``), which renders and sends the
replies. Several gateway processes can share one database.

    python -m bot.gateway                      # webhooks on GATEWAY_HOST:GATEWAY_PORT
    python -m bot.gateway --telegram-polling   # development: fetch Telegram updates instead
    python -m bot.gateway --set-telegram-webhook https://example.go.id/telegram/webhook
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from aiohttp import web

from bot import log as bot_log
from bot.channel import ChannelRegistry
from bot.config import GatewaySettings, load_gateway_settings
from bot.processing import BUSY, GAVE_UP, SLOW_DOWN, TOO_LONG, InboxWorkers
from bot.rasa_client import RasaClient
from bot.ratelimit import Limiter
from bot.telegram_channel import TelegramChannel, TelegramSender, parse_update
from bot.webhooks import Webhooks
from bot.whatsapp_channel import WhatsAppChannel, WhatsAppSender
from mpp.deployment import ConfigurationError
from mpp.privacy import Crypto

__all__ = ["BUSY", "GAVE_UP", "SLOW_DOWN", "TOO_LONG", "Gateway", "build_gateway", "create_app", "main"]
logger = logging.getLogger("bot.gateway")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Gateway:
    """The parts wired together; ``now`` is read at each use (tests move the clock)."""

    def __init__(
        self,
        settings: GatewaySettings,
        session_factory: Callable[[], Any],
        crypto: Crypto,
        rasa: RasaClient,
        telegram: TelegramSender | None = None,
        whatsapp: WhatsAppSender | None = None,
        now: Callable[[], datetime] = utc_now,
        channels: ChannelRegistry | None = None,
    ):
        self.settings, self._sessions, self.rasa, self._now = settings, session_factory, rasa, now
        if channels is None:
            channels = ChannelRegistry()
            if telegram is not None:
                channels.add(TelegramChannel(telegram))
            if whatsapp is not None:
                channels.add(
                    WhatsAppChannel(
                        whatsapp,
                        session_factory,
                        crypto,
                        settings.whatsapp_hash_ids,
                        settings.whatsapp_template,
                        settings.whatsapp_template_language,
                        settings.whatsapp_template_survey,
                    )
                )
        self.channels = channels
        tg, wa = channels.get("telegram"), channels.get("whatsapp")
        self.telegram: TelegramChannel | None = tg if isinstance(tg, TelegramChannel) else None
        self.whatsapp: WhatsAppChannel | None = wa if isinstance(wa, WhatsAppChannel) else None
        self.workers = InboxWorkers(settings, session_factory, crypto, rasa, channels, lambda: self._now())
        self.webhooks = Webhooks(
            settings, session_factory, crypto, self.telegram, self.whatsapp, lambda: self._now(), self.workers.wake.set
        )

    # the workers' knobs, as the tests and benchmarks know them
    @property
    def retry_delays(self) -> tuple[float, ...]:
        return self.workers.retry_delays

    @retry_delays.setter
    def retry_delays(self, value: tuple[float, ...]) -> None:
        self.workers.retry_delays = value

    @property
    def sender_limits(self) -> Limiter:
        return self.workers.sender_limits

    @sender_limits.setter
    def sender_limits(self, value: Limiter) -> None:
        self.workers.sender_limits = value

    async def process_next(self) -> bool:
        return await self.workers.process_next()

    def whatsapp_sender_id(self, wa_id: str) -> str:
        if self.whatsapp is None:
            raise ConfigurationError("WhatsApp is not configured")
        return self.whatsapp.sender_id(wa_id)

    async def notify(self, sender: str, text: str) -> str:
        """A message nobody asked for, the way the channel allows (see ``Channel.notify``)."""
        return await self.channels.notify(sender, text, self._now())

    def start_workers(self) -> None:
        self.workers.start()

    async def stop(self) -> None:
        await self.workers.stop()

    async def close(self) -> None:
        """Stop the workers and close every shared HTTP session (Rasa, Telegram, Graph API)."""
        await self.stop()
        try:
            await self.channels.close()
        finally:
            await self.rasa.close()

    async def poll_telegram(self) -> None:
        """Development: fetch updates instead of receiving webhooks."""
        assert self.telegram is not None
        bot = self.telegram.bot
        await bot.delete_webhook()
        offset = None
        while True:
            updates = await bot.get_updates(offset=offset, timeout=25)
            for update in updates:
                offset = update.update_id + 1
                incoming = parse_update(update.to_dict(), bot, self._now())
                if incoming is not None:
                    await self.webhooks.store("telegram", incoming)


def create_app(gateway: Gateway) -> web.Application:
    app = web.Application(client_max_size=256 * 1024)
    gateway.webhooks.routes(app)

    async def on_startup(_: web.Application) -> None:
        await gateway.channels.start()
        gateway.start_workers()

    async def on_cleanup(_: web.Application) -> None:
        await gateway.close()

    app.on_startup.append(on_startup)  # type: ignore[arg-type]
    app.on_cleanup.append(on_cleanup)  # type: ignore[arg-type]
    return app


def build_gateway(settings: GatewaySettings | None = None, *, polling: bool = False) -> Gateway:
    from bot.delivery import build_channels
    from mpp.wiring import get_core

    settings = settings or load_gateway_settings()
    settings.check(polling=polling)
    core = get_core()
    channels = build_channels(settings, core.session_factory, core.crypto)
    rasa = RasaClient(settings.rasa_url, settings.rasa_timeout, token=settings.rasa_rest_token)
    return Gateway(settings, core.session_factory, core.crypto, rasa, channels=channels)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Asisten MPP gateway (Telegram, WhatsApp)")
    parser.add_argument(
        "--telegram-polling", action="store_true", help="development: poll Telegram instead of a webhook"
    )
    parser.add_argument("--set-telegram-webhook", metavar="URL", help="register URL (with the secret token) and exit")
    args = parser.parse_args(argv)
    bot_log.configure()
    try:
        settings = load_gateway_settings()
        if (args.telegram_polling or args.set_telegram_webhook) and not settings.telegram_enabled:
            parser.error("TELEGRAM_BOT_TOKEN is not set")
        gateway = build_gateway(settings, polling=args.telegram_polling)
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.set_telegram_webhook:
        if not settings.telegram_secret:
            parser.error("TELEGRAM_SECRET_TOKEN is not set: the webhook would accept anyone")

        async def register() -> None:
            assert gateway.telegram is not None
            try:
                await gateway.telegram.start()
                await gateway.telegram.bot.set_webhook(
                    args.set_telegram_webhook,
                    secret_token=settings.telegram_secret,
                    allowed_updates=["message", "callback_query"],
                )
            finally:
                await gateway.close()

        asyncio.run(register())
        print(f"webhook set to {args.set_telegram_webhook}")
        return 0
    app = create_app(gateway)
    if args.telegram_polling:

        async def start_polling(_: web.Application) -> None:
            app["polling"] = asyncio.create_task(gateway.poll_telegram())

        async def stop_polling(_: web.Application) -> None:
            app["polling"].cancel()

        app.on_startup.append(start_polling)  # type: ignore[arg-type]
        app.on_shutdown.append(stop_polling)  # type: ignore[arg-type]
    web.run_app(app, host=settings.host, port=settings.port, access_log=None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
