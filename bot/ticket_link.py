"""The REST channel's side of the printed ticket's link: "ikuti <token>" binds this chat to a walk-in ticket.

The message is answered here (``mpp.applications.service.ApplicationService.bind``) and never reaches
Rasa: the token is a one-purpose credential, not something to keep in a tracker. Telegram's deep link
arrives as "/start <token>", which the gateway turns into "ikuti <token>" (``bot.telegram_channel``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.handoff_gate import as_messages
from mpp.applications.links import is_link_command


def token_in(text: str) -> str | None:
    return is_link_command(text)


async def bind(sender: str, token: str) -> list[dict[str, Any]]:
    from mpp.wiring import get_core

    reply = await asyncio.to_thread(get_core().applications.bind, sender, token)
    return as_messages(sender, (reply,))
