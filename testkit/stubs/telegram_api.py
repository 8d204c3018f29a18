"""A local stand-in for the Telegram Bot API over real HTTP, strict where Telegram is strict.

Enough of the API for the gateway: getMe, sendMessage, sendPhoto, sendVenue,
answerCallbackQuery, setWebhook, deleteWebhook, getUpdates. It refuses what the
real API refuses, with its error bodies: callback_data over 64 bytes
(BUTTON_DATA_INVALID), text over 4,096 characters ("message is too long"), and it
can answer 429 with retry_after. Every call is recorded for the tests.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class TelegramStub:
    token: str = "123456:TEST"
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    flood_next: int = 0  # answer this many calls with 429
    retry_after: int = 1
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def sent(self, method: str, chat_id: str | None = None) -> list[dict[str, Any]]:
        return [p for m, p in self.calls if m == method and (chat_id is None or str(p.get("chat_id")) == str(chat_id))]

    def texts(self, chat_id: str) -> list[str]:
        return [p["text"] for p in self.sent("sendMessage", chat_id)]

    def app(self) -> web.Application:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_post("/bot{token}/{method}", self.handle)
        app.router.add_get("/bot{token}/{method}", self.handle)
        return app

    @staticmethod
    def _error(code: int, description: str, **extra: Any) -> web.Response:
        return web.json_response({"ok": False, "error_code": code, "description": description, **extra}, status=code)

    async def handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        method = request.match_info["method"]
        params: dict[str, Any] = {}
        if request.content_type == "application/json":
            params = await request.json()
        elif request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                params[key] = value if hasattr(value, "file") else _maybe_json(str(value))
        self.calls.append((method, params))
        if self.flood_next > 0 and method.startswith("send"):
            self.flood_next -= 1
            return self._error(
                429, f"Too Many Requests: retry after {self.retry_after}", parameters={"retry_after": self.retry_after}
            )
        handler = getattr(self, f"m_{method}", None)
        if handler is None:
            return self._error(404, "Not Found: method not found")
        return await handler(params)

    def _message(self, chat_id: Any, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": int(chat_id), "type": "private"},
            **content,
        }

    async def m_getMe(self, params: dict[str, Any]) -> web.Response:
        return web.json_response(
            {
                "ok": True,
                "result": {"id": 999, "is_bot": True, "first_name": "Asisten MPP", "username": "asisten_mpp_bot"},
            }
        )

    async def m_sendMessage(self, params: dict[str, Any]) -> web.Response:
        text = str(params.get("text", ""))
        if not text.strip():
            return self._error(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            return self._error(400, "Bad Request: message is too long")
        markup = params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if len(str(button.get("callback_data", "")).encode()) > 64:
                    return self._error(400, "Bad Request: BUTTON_DATA_INVALID")
        return web.json_response({"ok": True, "result": self._message(params["chat_id"], text=text)})

    async def m_sendPhoto(self, params: dict[str, Any]) -> web.Response:
        photo = [{"file_id": "photo1", "file_unique_id": "u1", "width": 200, "height": 200}]
        return web.json_response({"ok": True, "result": self._message(params["chat_id"], photo=photo)})

    async def m_sendVenue(self, params: dict[str, Any]) -> web.Response:
        venue = {
            "location": {"latitude": float(params["latitude"]), "longitude": float(params["longitude"])},
            "title": params["title"],
            "address": params["address"],
        }
        return web.json_response({"ok": True, "result": self._message(params["chat_id"], venue=venue)})

    async def m_answerCallbackQuery(self, params: dict[str, Any]) -> web.Response:
        return web.json_response({"ok": True, "result": True})

    async def m_setWebhook(self, params: dict[str, Any]) -> web.Response:
        return web.json_response({"ok": True, "result": True, "description": "Webhook was set"})

    async def m_deleteWebhook(self, params: dict[str, Any]) -> web.Response:
        return web.json_response({"ok": True, "result": True})

    async def m_getUpdates(self, params: dict[str, Any]) -> web.Response:
        return web.json_response({"ok": True, "result": []})


def _maybe_json(value: str) -> Any:
    if value[:1] in "{[":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def text_update(update_id: int, chat_id: int, text: str) -> dict[str, Any]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Warga"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "text": text,
            "chat": {"id": chat_id, "type": "private"},
            "from": user,
        },
    }


def callback_update(update_id: int, chat_id: int, data: str) -> dict[str, Any]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Warga"}
    message = {"message_id": 1, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"}, "text": "x"}
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cq{update_id}",
            "from": user,
            "chat_instance": "1",
            "data": data,
            "message": message,
        },
    }


def voice_update(update_id: int, chat_id: int) -> dict[str, Any]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Warga"}
    voice = {"file_id": "v1", "file_unique_id": "uv1", "duration": 3}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "voice": voice,
            "chat": {"id": chat_id, "type": "private"},
            "from": user,
        },
    }
