"""The console's settings, read once from the environment; production mode refuses what is unsafe.

With ``MPP_ENV=production`` session and kiosk cookies are always ``Secure`` (whatever
``CONSOLE_SECURE_COOKIES`` says), and the console does not start without ``DATABASE_URL``,
and the keyed-hash secret ``MPP_PII_HASH_KEY`` (login throttling keys). The client's address
comes from ``MPP_TRUSTED_PROXIES`` (``mpp.net``), shared with the gateway.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace

from mpp.deployment import ConfigurationError, production_mode, required_secret, secret
from mpp.net import Network, trusted_proxies
from mpp.staff.kiosks import KioskPolicy


def _int(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a whole number") from None
    if value < minimum:
        raise ConfigurationError(f"{name}={value} must be at least {minimum}")
    return value


def _float(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigurationError(f"{name}={raw!r} is not a number") from None
    if value <= 0:
        raise ConfigurationError(f"{name}={value} must be above 0")
    return value


@dataclass(frozen=True)
class ConsoleSettings:
    host: str = "127.0.0.1"
    port: int = 8090
    secure_cookies: bool = False
    trusted_proxies: tuple[Network, ...] = ()  # from_env: MPP_TRUSTED_PROXIES (unset: the local nginx)
    board_max_connections: int = 1000  # all boards' event streams together; more get 503
    board_poll_seconds: float = 0.5  # one query per MPP watched, this often
    board_heartbeat_seconds: float = 15.0  # a ping event keeps proxies open, finds gone clients, tells screens we live
    board_notices_seconds: float = 10.0  # announcements on the boards are re-read this often (all MPPs: one query)
    login_workers: int = 2  # threads that run scrypt; nothing else runs there
    login_queue: int = 16  # logins waiting for those threads; more are told to retry
    kiosk: KioskPolicy = field(default_factory=KioskPolicy)

    @classmethod
    def from_env(cls) -> ConsoleSettings:
        production = production_mode()
        try:
            trusted = trusted_proxies()
            kiosk = KioskPolicy.from_env()
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from None
        settings = cls(
            host=os.environ.get("CONSOLE_HOST", "127.0.0.1"),
            port=_int("CONSOLE_PORT", 8090),
            secure_cookies=os.environ.get("CONSOLE_SECURE_COOKIES", "false").strip().lower() == "true",
            trusted_proxies=trusted,
            board_max_connections=_int("CONSOLE_BOARD_MAX_CONNECTIONS", 1000),
            board_poll_seconds=_float("CONSOLE_BOARD_POLL_SECONDS", 0.5),
            login_workers=_int("CONSOLE_LOGIN_WORKERS", 2),
            kiosk=kiosk,
        )
        if production:
            if not secret("DATABASE_URL"):
                raise ConfigurationError("DATABASE_URL is not set (MPP_ENV=production requires it)")
            required_secret("MPP_PII_HASH_KEY")
            settings = replace(settings, secure_cookies=True)
        return settings
