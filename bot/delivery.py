"""Builds the channel registry from the settings: the one place that knows which channels exist.

Used by the gateway (replies) and the notifier (notifications); neither builds the other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.channel import ChannelRegistry
from bot.config import GatewaySettings
from bot.console_channel import ConsoleChannel
from bot.telegram_channel import TelegramChannel, TelegramSender, make_bot
from bot.whatsapp_channel import WhatsAppChannel, WhatsAppSender
from mpp.privacy import Crypto


def build_channels(
    settings: GatewaySettings, session_factory: Callable[[], Any], crypto: Crypto, *, console: bool = False
) -> ChannelRegistry:
    registry = ChannelRegistry()
    if settings.telegram_token:
        registry.add(TelegramChannel(TelegramSender(make_bot(settings.telegram_token, settings.telegram_base_url))))
    if settings.whatsapp_enabled:
        assert settings.whatsapp_phone_number_id and settings.whatsapp_token
        sender = WhatsAppSender(
            settings.whatsapp_phone_number_id,
            settings.whatsapp_token,
            settings.whatsapp_base_url,
            settings.whatsapp_api_version,
        )
        registry.add(
            WhatsAppChannel(
                sender,
                session_factory,
                crypto,
                settings.whatsapp_hash_ids,
                settings.whatsapp_template,
                settings.whatsapp_template_language,
                settings.whatsapp_template_survey,
            )
        )
    if console:
        registry.add(ConsoleChannel(session_factory, crypto))
    return registry
