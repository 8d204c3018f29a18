"""The terminal chat as a channel: what the notifier sends to ``console:<user>`` waits in the core
(``mpp.console_chat``) until the terminal client shows it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from bot.channel import PermanentDeliveryError
from bot.render import Piece, Text
from mpp import console_chat
from mpp.db.uow import UnitOfWork
from mpp.privacy import Crypto


class ConsoleChannel:
    name = "console"
    prefixes: tuple[str, ...] = ("console",)

    def __init__(self, session_factory: Callable[[], Any], crypto: Crypto | None = None) -> None:
        self._sessions, self._crypto = session_factory, crypto  # with keys: stored sealed

    def _post(self, sender: str, text: str) -> None:
        with UnitOfWork(self._sessions, write=True) as uow:
            console_chat.post(uow.session, sender, text, datetime.now(timezone.utc), self._crypto)
            uow.commit()

    async def send(self, sender: str, pieces: Sequence[Piece], button_ids: Mapping[str, str]) -> None:
        texts = [p.text for p in pieces if isinstance(p, Text)]
        if not texts:
            raise PermanentDeliveryError("the terminal chat shows text only")
        await asyncio.to_thread(self._post, sender, "\n".join(texts))

    async def notify(self, sender: str, text: str, now: datetime) -> str:
        await asyncio.to_thread(self._post, sender, text)
        return "text"

    async def acknowledge(self, reply_to: str) -> None:
        return None

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None
