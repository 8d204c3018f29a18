"""Gateway settings, read once from the environment (see the README's table)."""

from __future__ import annotations

import os
from dataclasses import dataclass


def _bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class GatewaySettings:
    rasa_url: str
    rasa_timeout: float
    host: str
    port: int
    workers: int
    telegram_token: str | None
    telegram_secret: str | None
    telegram_base_url: str
    whatsapp_phone_number_id: str | None
    whatsapp_token: str | None
    whatsapp_app_secret: str | None
    whatsapp_verify_token: str | None
    whatsapp_base_url: str
    whatsapp_api_version: str
    whatsapp_hash_ids: bool
    max_message_chars: int
    rasa_rest_token: str | None = None
    whatsapp_template: str = "mpp_pemberitahuan"
    whatsapp_template_language: str = "id"

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_token)

    @property
    def whatsapp_enabled(self) -> bool:
        return bool(self.whatsapp_phone_number_id and self.whatsapp_token and self.whatsapp_app_secret)


def load_gateway_settings() -> GatewaySettings:
    env = os.environ.get
    return GatewaySettings(
        rasa_url=env("RASA_URL", "http://localhost:5005").rstrip("/"),
        rasa_timeout=float(env("RASA_TIMEOUT_SECONDS", "20")),
        host=env("GATEWAY_HOST", "0.0.0.0"),  # noqa: S104 - the gateway is the public entry point
        port=int(env("GATEWAY_PORT", "8080")),
        workers=int(env("GATEWAY_WORKERS", "8")),
        telegram_token=env("TELEGRAM_BOT_TOKEN") or None,
        telegram_secret=env("TELEGRAM_SECRET_TOKEN") or None,
        telegram_base_url=env("TELEGRAM_API_BASE_URL", "https://api.telegram.org/bot"),
        whatsapp_phone_number_id=env("WHATSAPP_PHONE_NUMBER_ID") or None,
        whatsapp_token=env("WHATSAPP_ACCESS_TOKEN") or None,
        whatsapp_app_secret=env("WHATSAPP_APP_SECRET") or None,
        whatsapp_verify_token=env("WHATSAPP_VERIFY_TOKEN") or None,
        whatsapp_base_url=env("WHATSAPP_API_BASE_URL", "https://graph.facebook.com").rstrip("/"),
        whatsapp_api_version=env("WHATSAPP_API_VERSION", "v21.0"),
        whatsapp_hash_ids=_bool("WHATSAPP_HASH_IDS", True),
        max_message_chars=int(env("GATEWAY_MAX_MESSAGE_CHARS", "2000")),
        rasa_rest_token=env("RASA_REST_TOKEN") or None,
        whatsapp_template=env("WHATSAPP_TEMPLATE_NOTIFICATION", "mpp_pemberitahuan"),
        whatsapp_template_language=env("WHATSAPP_TEMPLATE_LANGUAGE", "id"),
    )
