"""One protocol for every messaging channel, and the registry that picks a channel by sender id.

A channel knows how to render our reply pieces for its platform (``send``), its rate limits
(``limiter``), and its rules for messages nobody asked for (``notify``: WhatsApp's 24-hour
window, for example). The gateway's delivery and the notifier use the same registry, so a new
channel is one class registered in ``bot.delivery.build_channels``.

Sender ids are ``<prefix>:<address>`` (``telegram:123``, ``telegram-group:-100…``,
``whatsapp:<keyed hash>``, ``console:<user>``); a channel lists the prefixes it serves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from bot.render import Piece, Text


class PermanentDeliveryError(Exception):
    """The user cannot be reached (blocked the bot, chat gone, unknown contact): retrying will not help."""


class Channel(Protocol):
    name: str
    prefixes: tuple[str, ...]

    async def send(self, sender: str, pieces: Sequence[Piece], button_ids: Mapping[str, str]) -> None:
        """A reply within a conversation; ``button_ids`` maps each Rasa payload to its stored short id."""

    async def notify(self, sender: str, text: str, now: datetime) -> str:
        """A message nobody asked for, the way the platform allows; returns how it went ("text", "template")."""

    async def acknowledge(self, reply_to: str) -> None:
        """Tell the platform an interaction was received (e.g. answer a Telegram callback query)."""

    async def start(self) -> None: ...

    async def close(self) -> None:
        """Close the channel's HTTP sessions."""


def split_sender(sender: str) -> tuple[str, str]:
    prefix, _, address = sender.partition(":")
    return prefix, address


class ChannelRegistry:
    def __init__(self, channels: Sequence[Channel] = ()) -> None:
        self._by_prefix: dict[str, Channel] = {}
        self.channels: list[Channel] = []
        for channel in channels:
            self.add(channel)

    def add(self, channel: Channel) -> None:
        for prefix in channel.prefixes:
            if prefix in self._by_prefix:
                raise ValueError(f"two channels claim the sender prefix {prefix!r}")
            self._by_prefix[prefix] = channel
        self.channels.append(channel)

    def get(self, name: str) -> Channel | None:
        return next((c for c in self.channels if c.name == name), None)

    def for_sender(self, sender: str) -> Channel:
        channel = self._by_prefix.get(split_sender(sender)[0])
        if channel is None:
            raise PermanentDeliveryError(f"no channel for {split_sender(sender)[0]!r}")
        return channel

    async def send(self, sender: str, pieces: Sequence[Piece], button_ids: Mapping[str, str]) -> None:
        await self.for_sender(sender).send(sender, pieces, button_ids)

    async def notify(self, sender: str, text: str, now: datetime) -> str:
        return await self.for_sender(sender).notify(sender, text, now)

    async def notify_choices(
        self, sender: str, text: str, buttons: Sequence[tuple[str, str]], button_ids: Mapping[str, str], now: datetime
    ) -> str:
        """A message nobody asked for, with buttons ((title, payload), the survey's): a channel with window
        rules (WhatsApp) has ``notify_choices``; the others send it as an ordinary reply."""
        channel = self.for_sender(sender)
        special = getattr(channel, "notify_choices", None)
        if special is not None:
            return str(await special(sender, text, buttons, button_ids, now))
        await channel.send(sender, [Text(text, tuple(buttons))], button_ids)
        return "text"

    async def start(self) -> None:
        for channel in self.channels:
            await channel.start()

    async def close(self) -> None:
        """Close every channel's sessions, even when one of them fails to close."""
        errors = []
        for channel in self.channels:
            try:
                await channel.close()
            except Exception as exc:
                errors.append(exc)
        if errors:
            raise errors[0]
