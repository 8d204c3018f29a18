"""Gateway settings, read once from the environment (see the README's table).

Secrets (tokens, the WhatsApp app secret) may come from ``<NAME>_FILE`` instead of the
environment. ``check`` refuses a half-configured channel always, and in production mode
(``MPP_ENV=production``) also a placeholder or short secret and an unset REST token.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from mpp.deployment import ConfigurationError, is_placeholder, production_mode, secret
from mpp.net import LOCAL_NGINX, Network, parse_trusted, trusted_proxies


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
    whatsapp_template_survey: str = "mpp_survei"
    trusted_proxies: tuple[Network, ...] = field(default_factory=lambda: parse_trusted(LOCAL_NGINX))

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_token)

    @property
    def whatsapp_enabled(self) -> bool:
        return bool(self.whatsapp_phone_number_id and self.whatsapp_token and self.whatsapp_app_secret)

    def check(self, *, polling: bool = False) -> None:
        """Refuse settings that would open a route without its secret or fall back silently."""
        wa = {
            "WHATSAPP_PHONE_NUMBER_ID": self.whatsapp_phone_number_id,
            "WHATSAPP_ACCESS_TOKEN": self.whatsapp_token,
            "WHATSAPP_APP_SECRET": self.whatsapp_app_secret,
            "WHATSAPP_VERIFY_TOKEN": self.whatsapp_verify_token,
        }
        if any(wa.values()) and not all(wa.values()):
            missing = ", ".join(k for k, v in wa.items() if not v)
            raise ConfigurationError(f"WhatsApp is half configured: {missing} not set (set all four, or none)")
        if self.telegram_token and not self.telegram_secret and not polling:
            raise ConfigurationError(
                "TELEGRAM_BOT_TOKEN is set but TELEGRAM_SECRET_TOKEN is not: the webhook would accept anyone"
            )
        if not production_mode():
            return
        if polling:
            raise ConfigurationError("--telegram-polling is for development; MPP_ENV=production uses the webhook")
        named = {
            "TELEGRAM_BOT_TOKEN": self.telegram_token,
            "TELEGRAM_SECRET_TOKEN": self.telegram_secret,
            "WHATSAPP_ACCESS_TOKEN": self.whatsapp_token,
            "WHATSAPP_APP_SECRET": self.whatsapp_app_secret,
            "WHATSAPP_VERIFY_TOKEN": self.whatsapp_verify_token,
            "RASA_REST_TOKEN": self.rasa_rest_token,
        }
        for name, value in named.items():
            if value and (is_placeholder(value) or len(value) < 16):
                raise ConfigurationError(f"{name} is a placeholder or shorter than 16 characters")
        if not self.rasa_rest_token:
            raise ConfigurationError("RASA_REST_TOKEN is not set (MPP_ENV=production requires it)")
        if not (self.telegram_enabled or self.whatsapp_enabled):
            raise ConfigurationError("no channel configured: set the Telegram or the WhatsApp variables")


def _trusted() -> tuple[Network, ...]:
    try:
        return trusted_proxies()
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from None


def load_gateway_settings() -> GatewaySettings:
    env = os.environ.get
    return GatewaySettings(
        rasa_url=env("RASA_URL", "http://localhost:5005").rstrip("/"),
        rasa_timeout=float(env("RASA_TIMEOUT_SECONDS", "20")),
        host=env("GATEWAY_HOST", "127.0.0.1"),  # behind nginx (deploy/nginx.conf), the public entry point
        port=int(env("GATEWAY_PORT", "8080")),
        workers=int(env("GATEWAY_WORKERS", "8")),
        telegram_token=secret("TELEGRAM_BOT_TOKEN"),
        telegram_secret=secret("TELEGRAM_SECRET_TOKEN"),
        telegram_base_url=env("TELEGRAM_API_BASE_URL", "https://api.telegram.org/bot"),
        whatsapp_phone_number_id=env("WHATSAPP_PHONE_NUMBER_ID") or None,
        whatsapp_token=secret("WHATSAPP_ACCESS_TOKEN"),
        whatsapp_app_secret=secret("WHATSAPP_APP_SECRET"),
        whatsapp_verify_token=secret("WHATSAPP_VERIFY_TOKEN"),
        whatsapp_base_url=env("WHATSAPP_API_BASE_URL", "https://graph.facebook.com").rstrip("/"),
        whatsapp_api_version=env("WHATSAPP_API_VERSION", "v21.0"),
        whatsapp_hash_ids=_bool("WHATSAPP_HASH_IDS", True),
        max_message_chars=int(env("GATEWAY_MAX_MESSAGE_CHARS", "2000")),
        rasa_rest_token=secret("RASA_REST_TOKEN"),
        whatsapp_template=env("WHATSAPP_TEMPLATE_NOTIFICATION", "mpp_pemberitahuan"),
        whatsapp_template_language=env("WHATSAPP_TEMPLATE_LANGUAGE", "id"),
        whatsapp_template_survey=env("WHATSAPP_TEMPLATE_SURVEY", "mpp_survei"),
        trusted_proxies=_trusted(),
    )
