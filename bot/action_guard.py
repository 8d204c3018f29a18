"""Only Rasa may call the action server: a shared secret on every call, checked before any action runs.

Rasa sends ``X-Action-Token`` (``headers:`` of the action endpoint in the endpoints file, filled
from ``MPP_ACTION_TOKEN`` — a header, not ``token:``, which would travel in the query string and
land in proxy logs). A call without it gets 401 and runs nothing: the action server trusts the
sender id and slots it is given, so whoever could post to it could erase, cancel or list another
chat's bookings. Production mode requires the secret; locally it is generated once into
``var/secrets/mpp_action_token`` and read by both processes. Every start command also binds the
action server to 127.0.0.1 (``SANIC_HOST``; rasa_sdk 3.6 has no interface flag).

The guard also refuses, for group chats (``bot.group_policy``), every action but answering questions.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any

from sanic import response
from sanic.request import Request

from bot.group_policy import GROUP_ACTIONS, PRIVATE_CHAT_PLEASE, is_group
from mpp.deployment import shared_secret

logger = logging.getLogger(__name__)
HEADER = "X-Action-Token"
TOKEN_NAME = "MPP_ACTION_TOKEN"  # noqa: S105 - the variable's name, not a secret
OPEN_PATHS = frozenset({"/health"})  # says only "ok"


def action_token() -> str:
    return shared_secret(TOKEN_NAME)


def group_refusal(sender: str) -> dict[str, Any]:
    """The action server's answer to a personal action in a group: the request for a private chat, any form stopped."""
    return {
        "events": [
            {"event": "active_loop", "name": None},
            {"event": "slot", "name": "requested_slot", "value": None},
        ],
        "responses": [{"text": PRIVATE_CHAT_PLEASE, "recipient_id": sender}],
    }


def attach(app: Any, token: str | None = None) -> None:
    expected = (token or action_token()).encode()

    async def guard(request: Request) -> Any:
        if request.path in OPEN_PATHS:
            return None
        given = request.headers.get(HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            logger.warning("action server call refused: missing or wrong %s from %s", HEADER, request.ip)
            return response.json({"error": "unauthorized"}, status=401)
        if request.path == "/webhook" and request.method == "POST":
            try:
                body = request.json or {}
            except Exception:  # not JSON: the SDK answers that itself
                return None
            sender, action = str(body.get("sender_id") or ""), str(body.get("next_action") or "")
            if is_group(sender) and action not in GROUP_ACTIONS:
                logger.info("action %s refused for a group chat", action)
                return response.json(group_refusal(sender))
        return None

    app.register_middleware(guard, "request")
