"""Telegram: incoming updates as inbox rows, and replies sent with python-telegram-bot.

Buttons become inline keyboards whose callback_data is our short button id
("b:<id>", well under Telegram's 64 bytes); the payload stays in the database.
Callback queries are answered. The QR code goes as a photo, a place as a venue,
long texts in chunks of at most 4,096 characters.

Private chats are ``telegram:<chat id>`` (the sender-id contract). A group's messages come as
``telegram-group:<chat id>``: one conversation for the group, in which the assistant answers
questions but takes no booking and no personal data (``bot.group_policy``), so no member can
see, book under or erase another member's data. Deliveries older than ``MAX_DELIVERY_AGE`` are
ignored: a replay cannot bring back a message whose inbox row was already purged.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.request import HTTPXRequest

from bot.channel import PermanentDeliveryError, split_sender
from bot.ratelimit import Limiter
from bot.render import Image, Piece, Place, Text, split_text
from mpp.applications.links import is_link_command
from mpp.inbox import MAX_DELIVERY_AGE

logger = logging.getLogger(__name__)
TEXT_LIMIT = 4096
COMMANDS = {"/start": "/sapa", "/batal": "/negasi", "/bantuan": "/bantuan", "/help": "/bantuan"}
UNSUPPORTED = ("voice", "audio", "video", "video_note", "sticker", "photo", "document", "animation", "contact", "poll")


@dataclass(frozen=True)
class Incoming:
    external_id: str
    sender: str
    kind: str  # text | payload | button | unsupported
    body: str
    reply_to: str | None = None


__all__ = ["Incoming", "PermanentDeliveryError", "TelegramChannel", "TelegramSender", "make_bot", "parse_update"]
PRIVATE, GROUP = "telegram", "telegram-group"


def parse_update(data: dict[str, Any], bot: Bot, now: dt.datetime | None = None) -> Incoming | None:
    """An update as an inbox entry; None for updates we ignore (edits, joins, our own messages, stale replays)."""
    update = Update.de_json(data, bot)
    if update is None:
        return None
    external_id = str(_typed(update.update_id, int, "update_id"))
    query = update.callback_query
    if query is not None and query.message is not None:
        button = _typed(query.data or "", str, "callback data").removeprefix("b:")
        chat = _chat_id(query.message.chat.id, query.message.chat.type)
        return Incoming(external_id, chat, "button", button, reply_to=_typed(query.id, str, "callback id"))
    message = update.message
    if message is None or message.chat is None:
        return None
    if now is not None and message.date is not None and now - message.date > MAX_DELIVERY_AGE:
        logger.warning("telegram update %s ignored: sent %s, older than the inbox keeps", external_id, message.date)
        return None
    sender = _chat_id(message.chat.id, message.chat.type)
    if message.text and _typed(message.text, str, "text"):
        words = message.text.split()
        command = words[0].split("@")[0].lower() if words else ""
        if command == "/start" and len(words) == 2 and is_link_command(f"ikuti {words[1]}"):
            return Incoming(external_id, sender, "text", f"ikuti {words[1]}")  # a printed ticket's deep link
        if command in COMMANDS:
            return Incoming(external_id, sender, "payload", COMMANDS[command])
        return Incoming(external_id, sender, "text", message.text)
    if message.location is not None:
        return Incoming(external_id, sender, "payload", "/tanya_lokasi")
    if any(getattr(message, kind, None) for kind in UNSUPPORTED):
        return Incoming(external_id, sender, "unsupported", "")
    return None


def _typed(value: Any, kind: type, what: str) -> Any:
    """python-telegram-bot trusts the JSON's types; a forged body must not reach the database."""
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ValueError(f"{what} is not {kind.__name__}")
    return value


def _chat_id(value: Any, chat_type: Any = "private") -> str:
    if not -(2**53) < _typed(value, int, "chat id") < 2**53:  # Telegram: at most 52 significant bits
        raise ValueError("chat id out of range")
    return f"{PRIVATE if chat_type == 'private' else GROUP}:{value}"


def make_bot(token: str, base_url: str) -> Bot:
    request = HTTPXRequest(connection_pool_size=32, read_timeout=15, write_timeout=15, connect_timeout=5)
    return Bot(token, base_url=base_url, request=request)


def _seconds(retry_after: int | dt.timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, dt.timedelta) else float(retry_after)


class TelegramSender:
    """The one Telegram sender, shared by replies and notifications, holding the rate limits."""

    def __init__(self, bot: Bot, limiter: Limiter | None = None, max_retries: int = 5):
        self.bot = bot
        self.limiter = limiter or Limiter(global_rate=30, global_burst=30, chat_rate=1, chat_burst=4)
        self.max_retries = max_retries

    async def _call(self, target: str, method: str, **kwargs: Any) -> Any:
        for _ in range(self.max_retries):
            await self.limiter.acquire(target)
            try:
                return await getattr(self.bot, method)(**kwargs)
            except RetryAfter as exc:
                wait = _seconds(exc.retry_after)
                logger.warning("telegram 429 on %s: retrying after %.1f s", method, wait)
                self.limiter.chat(target).pause(wait)
                await asyncio.sleep(wait)
            except Forbidden as exc:
                raise PermanentDeliveryError(str(exc)) from exc
        raise TelegramError(f"{method} still rate-limited after {self.max_retries} tries")

    async def answer_callback(self, query_id: str) -> None:
        try:
            await self.bot.answer_callback_query(query_id)
        except BadRequest as exc:  # too old or already answered: the user is not waiting any more
            logger.info("callback query not answered: %s", exc)

    async def send(self, chat_id: str, pieces: list[Piece], button_ids: dict[str, str]) -> None:
        """Send the reply; ``button_ids`` maps each Rasa payload to its stored short id."""
        for piece in pieces:
            if isinstance(piece, Text):
                chunks = split_text(piece.text, TEXT_LIMIT)
                keyboard = None
                if piece.buttons:
                    keyboard = InlineKeyboardMarkup(
                        [
                            [InlineKeyboardButton(title, callback_data=f"b:{button_ids[payload]}")]
                            for title, payload in piece.buttons
                        ]
                    )
                for i, chunk in enumerate(chunks):
                    last = i == len(chunks) - 1
                    await self._call(
                        chat_id, "send_message", chat_id=chat_id, text=chunk, reply_markup=keyboard if last else None
                    )
            elif isinstance(piece, Image):
                await self._call(
                    chat_id, "send_photo", chat_id=chat_id, photo=piece.png or piece.url, caption=piece.caption or None
                )
            elif isinstance(piece, Place):
                await self._call(
                    chat_id,
                    "send_venue",
                    chat_id=chat_id,
                    latitude=piece.latitude,
                    longitude=piece.longitude,
                    title=piece.title or "Lokasi",
                    address=piece.address or "-",
                )


class TelegramChannel:
    """The Telegram channel: private chats and groups, both sent to by chat id."""

    name = "telegram"
    prefixes: tuple[str, ...] = (PRIVATE, GROUP)

    def __init__(self, sender: TelegramSender) -> None:
        self.sender = sender
        self.limiter = sender.limiter

    @property
    def bot(self) -> Bot:
        return self.sender.bot

    async def send(self, sender: str, pieces: Sequence[Piece], button_ids: Mapping[str, str]) -> None:
        await self.sender.send(split_sender(sender)[1], list(pieces), dict(button_ids))

    async def notify(self, sender: str, text: str, now: dt.datetime) -> str:
        await self.sender.send(split_sender(sender)[1], [Text(text)], {})
        return "text"

    async def acknowledge(self, reply_to: str) -> None:
        await self.sender.answer_callback(reply_to)

    async def start(self) -> None:
        await self.sender.bot.initialize()

    async def close(self) -> None:
        await self.sender.bot.shutdown()
