"""The gateway's public side: the platforms' webhooks, checked, then stored in the durable inbox.

Fail closed: a channel's route exists only when its secret is set (no route: 404, nothing
stored); a call without the right secret or signature is refused (403) and stores nothing;
a delivery seen before (same update/message id) or older than the inbox keeps stores nothing.
The webhook is answered only after the message is stored, encrypted (``mpp.inbox``).
Refusals are logged with the client's address, taken from X-Forwarded-For only when the
peer is a trusted proxy (``MPP_TRUSTED_PROXIES``: our nginx).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from aiohttp import web

from bot.config import GatewaySettings
from bot.telegram_channel import Incoming, TelegramChannel, parse_update
from bot.whatsapp_channel import WhatsAppChannel, parse_webhook, signature_ok
from mpp import inbox
from mpp.db.uow import UnitOfWork
from mpp.net import client_address
from mpp.privacy import Crypto

logger = logging.getLogger("bot.gateway")


class Webhooks:
    def __init__(
        self,
        settings: GatewaySettings,
        session_factory: Callable[[], Any],
        crypto: Crypto,
        telegram: TelegramChannel | None,
        whatsapp: WhatsAppChannel | None,
        now: Callable[[], datetime],
        stored: Callable[[], None],
    ) -> None:
        self.settings, self._sessions, self._crypto = settings, session_factory, crypto
        self.telegram, self.whatsapp, self._now, self._stored = telegram, whatsapp, now, stored

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/healthcheck", self.health)
        if self.telegram is not None and self.settings.telegram_secret:
            app.router.add_post("/telegram/webhook", self.telegram_webhook)
        if self.whatsapp is not None and self.settings.whatsapp_app_secret:
            app.router.add_get("/whatsapp/webhook", self.whatsapp_verify)
            app.router.add_post("/whatsapp/webhook", self.whatsapp_webhook)

    def _client(self, request: web.Request) -> str:
        return client_address(
            request.remote, request.headers.getall("X-Forwarded-For", []), self.settings.trusted_proxies
        )

    async def store(self, channel: str, incoming: Incoming) -> bool:
        def work() -> bool:
            with UnitOfWork(self._sessions, write=True) as uow:
                stored = inbox.store(
                    uow.session,
                    self._crypto,
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
            self._stored()
        else:
            logger.info("duplicate %s delivery %s ignored", channel, incoming.external_id)
        return stored

    async def health(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def telegram_webhook(self, request: web.Request) -> web.Response:
        secret = self.settings.telegram_secret or ""
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not secret or self.telegram is None or not hmac.compare_digest(given.encode(), secret.encode()):
            logger.warning("telegram webhook refused: missing or wrong secret token from %s", self._client(request))
            return web.json_response({"error": "forbidden"}, status=403)
        try:
            data = json.loads(await request.read())
            incoming = parse_update(data, self.telegram.bot, self._now())
        except Exception as exc:  # any shape Telegram never sends: refuse it, do not fall over
            logger.warning("telegram webhook: body is not a valid update (%s)", exc.__class__.__name__)
            return web.json_response({"error": "bad update"}, status=400)
        if incoming is not None:
            await self.store("telegram", incoming)
        return web.json_response({"ok": True})

    async def whatsapp_verify(self, request: web.Request) -> web.Response:
        q = request.query
        token = self.settings.whatsapp_verify_token or ""
        if q.get("hub.mode") == "subscribe" and token and hmac.compare_digest(q.get("hub.verify_token", ""), token):
            return web.Response(text=q.get("hub.challenge", ""))
        logger.warning("whatsapp verification refused from %s", self._client(request))
        return web.Response(status=403, text="forbidden")

    async def whatsapp_webhook(self, request: web.Request) -> web.Response:
        raw = await request.read()
        secret = self.settings.whatsapp_app_secret or ""
        if self.whatsapp is None or not signature_ok(secret, raw, request.headers.get("X-Hub-Signature-256")):
            logger.warning("whatsapp webhook refused: missing or forged signature from %s", self._client(request))
            return web.json_response({"error": "bad signature"}, status=401 if secret else 403)
        try:
            messages, statuses = parse_webhook(json.loads(raw), self._now())
        except Exception as exc:  # as above
            logger.warning("whatsapp webhook: body is not a valid notification (%s)", exc.__class__.__name__)
            return web.json_response({"error": "bad body"}, status=400)
        for status in statuses:
            logger.debug("whatsapp status %s for %s", status.get("status"), status.get("id"))
        for m in messages:
            sender = self.whatsapp.sender_id(m.wa_id)
            await asyncio.to_thread(self.whatsapp.remember, sender, m.wa_id, self._now())
            await self.store("whatsapp", Incoming(m.external_id, sender, m.kind, m.body))
        return web.json_response({"ok": True})
