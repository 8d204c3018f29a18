"""A local stand-in for the WhatsApp Cloud (Graph) API over real HTTP, strict where Meta is strict.

POST /{version}/{phone_number_id}/messages and /media. Refuses, with Graph-style
error bodies: more than 3 reply buttons or a button title over 20 characters, a
list with more than 10 rows or a row title over 24, an interactive body over
1,024 characters, a text over 4,096, a missing bearer token.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class GraphStub:
    token: str = "EAAG-test"
    phone_number_id: str = "1029384756"
    version: str = "v21.0"
    calls: list[dict[str, Any]] = field(default_factory=list)
    uploads: int = 0
    rate_limit_next: int = 0
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def app(self) -> web.Application:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_post("/{version}/{phone}/messages", self.messages)
        app.router.add_post("/{version}/{phone}/media", self.media)
        return app

    def to(self, wa_id: str) -> list[dict[str, Any]]:
        return [c for c in self.calls if c.get("to") == wa_id]

    @staticmethod
    def error(code: int, message: str, details: str, status: int = 400) -> web.Response:
        return web.json_response(
            {
                "error": {
                    "message": message,
                    "type": "OAuthException",
                    "code": code,
                    "error_data": {"messaging_product": "whatsapp", "details": details},
                    "fbtrace_id": "AbCdEf",
                }
            },
            status=status,
        )

    def _auth(self, request: web.Request) -> web.Response | None:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return self.error(190, "Invalid OAuth access token - Cannot parse access token", "", status=401)
        if request.match_info["phone"] != self.phone_number_id:
            return self.error(100, "Unsupported post request.", "unknown phone number id")
        return None

    async def media(self, request: web.Request) -> web.Response:
        refused = self._auth(request)
        if refused:
            return refused
        await request.post()
        self.uploads += 1
        return web.json_response({"id": f"media{self.uploads}"})

    async def messages(self, request: web.Request) -> web.Response:
        refused = self._auth(request)
        if refused:
            return refused
        body = await request.json()
        if self.rate_limit_next > 0:
            self.rate_limit_next -= 1
            return self.error(130429, "(#130429) Rate limit hit", "Cloud API message throughput has been reached.")
        problem = self._check(body)
        if problem:
            return self.error(131009, "(#131009) Parameter value is not valid", problem)
        self.calls.append(body)
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                "messages": [{"id": f"wamid.stub{next(self._ids)}"}],
            }
        )

    @staticmethod
    def _check(body: dict[str, Any]) -> str | None:
        kind = body.get("type")
        if kind == "text" and len(body["text"]["body"]) > 4096:
            return "Param text['body'] must be at most 4096 characters long."
        if kind == "interactive":
            interactive = body["interactive"]
            if len(interactive.get("body", {}).get("text", "")) > 1024:
                return "Param interactive['body']['text'] must be at most 1024 characters long."
            action = interactive.get("action", {})
            if interactive["type"] == "button":
                buttons = action.get("buttons", [])
                if not 1 <= len(buttons) <= 3:
                    return "Param interactive['action']['buttons'] must have between 1 and 3 items."
                if any(len(b["reply"]["title"]) > 20 for b in buttons):
                    return "Param interactive['action']['buttons'][0]['reply']['title'] must be at most 20 characters long."
            if interactive["type"] == "list":
                rows = [r for s in action.get("sections", []) for r in s.get("rows", [])]
                if not 1 <= len(rows) <= 10:
                    return "Param interactive['action']['sections'] total rows must be between 1 and 10."
                if any(len(r["title"]) > 24 for r in rows):
                    return "Param interactive['action']['sections'][0]['rows'][0]['title'] must be at most 24 characters long."
                if any(len(r.get("description", "")) > 72 for r in rows):
                    return "Param ...['rows'][0]['description'] must be at most 72 characters long."
                if len(action.get("button", "")) > 20:
                    return "Param interactive['action']['button'] must be at most 20 characters long."
        return None


def webhook_body(wa_id: str, message: dict[str, Any], phone_number_id: str = "1029384756") -> dict[str, Any]:
    message = {"from": wa_id, "timestamp": str(int(time.time())), **message}
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "6281100000000", "phone_number_id": phone_number_id},
        "contacts": [{"profile": {"name": "Warga"}, "wa_id": wa_id}],
        "messages": [message],
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA1", "changes": [{"value": value, "field": "messages"}]}],
    }
