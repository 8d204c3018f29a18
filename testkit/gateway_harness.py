"""Runs the gateway in-process against local stubs of Telegram, the Graph API and (optionally) Rasa."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import httpx
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.config import GatewaySettings
from bot.gateway import Gateway, create_app
from bot.rasa_client import RasaClient
from bot.telegram_channel import TelegramSender, make_bot
from bot.whatsapp_channel import WhatsAppSender
from mpp.db.engine import make_engine, make_session_factory
from mpp.privacy import Crypto, Keys
from testkit.stubs.graph_api import GraphStub
from testkit.stubs.telegram_api import TelegramStub

TELEGRAM_SECRET = "s3cret-token-for-tests"
WA_APP_SECRET = "app-secret-for-tests"
WA_VERIFY = "verify-me"


def settings(rasa_url: str, telegram_url: str, graph_url: str, **overrides: Any) -> GatewaySettings:
    base = GatewaySettings(
        rasa_url=rasa_url,
        rasa_timeout=20,
        host="127.0.0.1",
        port=0,
        workers=4,
        telegram_token="123456:TEST",
        telegram_secret=TELEGRAM_SECRET,
        telegram_base_url=f"{telegram_url}/bot",
        whatsapp_phone_number_id="1029384756",
        whatsapp_token="EAAG-test",
        whatsapp_app_secret=WA_APP_SECRET,
        whatsapp_verify_token=WA_VERIFY,
        whatsapp_base_url=graph_url,
        whatsapp_api_version="v21.0",
        whatsapp_hash_ids=True,
        max_message_chars=2000,
    )
    return replace(base, **overrides)


@dataclass
class Harness:
    gateway: Gateway
    url: str
    telegram: TelegramStub
    graph: GraphStub
    http: httpx.AsyncClient
    servers: list[TestServer]

    async def telegram_update(self, update: dict[str, Any], secret: str | None = TELEGRAM_SECRET) -> httpx.Response:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        return await self.http.post(f"{self.url}/telegram/webhook", json=update, headers=headers)

    async def whatsapp_post(self, body: dict[str, Any], secret: str | None = WA_APP_SECRET) -> httpx.Response:
        raw = json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Hub-Signature-256"] = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
        return await self.http.post(f"{self.url}/whatsapp/webhook", content=raw, headers=headers)

    def gateway_idle(self) -> bool:
        """No message waiting or being processed."""
        from sqlalchemy import func, select

        from mpp.db.inbox_tables import InboundMessageRow

        with self.gateway._sessions() as session:
            busy = session.execute(
                select(func.count())
                .select_from(InboundMessageRow)
                .where(InboundMessageRow.status.in_(("pending", "processing")))
            ).scalar_one()
        return int(busy) == 0

    async def close(self) -> None:
        await self.http.aclose()
        for server in reversed(self.servers):
            await server.close()


async def until(check: Callable[[], bool], timeout: float = 20.0, what: str = "condition") -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def start(
    db_url: str,
    rasa_url: str | None = None,
    rasa_app: web.Application | None = None,
    keys: Keys | None = None,
    **overrides: Any,
) -> Harness:
    telegram, graph = TelegramStub(), GraphStub()
    servers = [TestServer(telegram.app()), TestServer(graph.app())]
    if rasa_app is not None:
        servers.append(TestServer(rasa_app))
    for server in servers:
        await server.start_server()
    if rasa_url is None:
        rasa_url = str(servers[2].make_url("")).rstrip("/")
    cfg = settings(
        rasa_url, str(servers[0].make_url("")).rstrip("/"), str(servers[1].make_url("")).rstrip("/"), **overrides
    )
    sender_tg = TelegramSender(make_bot(cfg.telegram_token or "", cfg.telegram_base_url))
    sender_wa = WhatsAppSender(
        cfg.whatsapp_phone_number_id or "", cfg.whatsapp_token or "", cfg.whatsapp_base_url, cfg.whatsapp_api_version
    )
    gateway = Gateway(
        cfg,
        make_session_factory(make_engine(db_url)),
        Crypto(keys or Keys.generate()),
        RasaClient(cfg.rasa_url, token=cfg.rasa_rest_token),
        sender_tg,
        sender_wa,
    )
    app_server = TestServer(create_app(gateway))
    await app_server.start_server()
    servers.append(app_server)
    return Harness(
        gateway, str(app_server.make_url("")).rstrip("/"), telegram, graph, httpx.AsyncClient(timeout=30), servers
    )


async def restart_gateway(harness: Harness, db_url: str, keys: Keys, rasa_url: str) -> None:
    """Stop the gateway (workers and HTTP server) and start a new one on the same database and stubs."""
    await harness.gateway.close()
    old = harness.servers.pop()  # the gateway's own server is the last one started
    await old.close()
    cfg = harness.gateway.settings
    gateway = Gateway(
        cfg,
        make_session_factory(make_engine(db_url)),
        Crypto(keys),
        RasaClient(rasa_url, token=cfg.rasa_rest_token),
        TelegramSender(make_bot(cfg.telegram_token or "", cfg.telegram_base_url)),
        WhatsAppSender(
            cfg.whatsapp_phone_number_id or "",
            cfg.whatsapp_token or "",
            cfg.whatsapp_base_url,
            cfg.whatsapp_api_version,
        ),
    )
    server = TestServer(create_app(gateway))
    await server.start_server()
    harness.servers.append(server)
    harness.gateway, harness.url = gateway, str(server.make_url("")).rstrip("/")
