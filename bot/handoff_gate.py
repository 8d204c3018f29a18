"""The REST channel's side of the live handoff: ask the core whether a person holds the chat.

While a staff member holds a chat (or the citizen is in the line, or writing a message to
leave), what the citizen types is kept for staff and Rasa never sees it; the REST channel
answers the turn itself (``mpp.handoff.service.HandoffService.gate``). The state is read from
the database on every turn, no cache, so a claim in the console takes effect on the citizen's
very next message, whichever Rasa worker takes it: for a typed message in the channel's one
database unit (``mpp.turn_start``, with the survey check, the turn record and the tracker key),
which calls ``check`` only when a person holds the chat; for a button's payload, ``check`` itself.

A turn the REST channel answers with nothing (a person holds the chat) still returns one
message, ``QUIET``, which no channel renders: the gateway treats an empty answer as Rasa being
down and would retry the message.
"""

from __future__ import annotations

import asyncio
from typing import Any

from mpp.handoff.service import Gate
from mpp.replies import Reply, payload

QUIET = {"type": "handoff_quiet"}


def as_messages(sender: str, replies: tuple[Reply, ...]) -> list[dict[str, Any]]:
    """Replies in the shape Rasa's REST channel answers with (text, buttons)."""
    messages: list[dict[str, Any]] = []
    for reply in replies:
        message: dict[str, Any] = {"recipient_id": sender, "text": reply.text}
        if reply.choices:
            message["buttons"] = [{"title": c.title, "payload": payload(c)} for c in reply.choices]
        messages.append(message)
    return messages


def quiet(sender: str) -> list[dict[str, Any]]:
    return [{"recipient_id": sender, "custom": dict(QUIET)}]


async def check(sender: str, text: str, message_id: Any) -> Gate | None:
    """The core's answer for this message (off the event loop: it reads the database)."""
    from mpp.wiring import get_core

    source_key = f"inbox:{message_id}" if isinstance(message_id, int) and not isinstance(message_id, bool) else None
    return await asyncio.to_thread(get_core().handoffs.gate, sender, text, source_key)
