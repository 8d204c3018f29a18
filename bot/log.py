"""Logging of the gateway and the notifier: INFO, without the lines that would print a secret.

httpx (python-telegram-bot's HTTP client) logs every request's URL at INFO, and a Telegram Bot
API URL carries the bot token (``https://api.telegram.org/bot<token>/sendMessage``): whoever
reads the log could then act as the bot. Its request lines are therefore kept at WARNING.
"""

from __future__ import annotations

import logging

QUIET = ("httpx", "httpcore")  # request URLs (the bot token) at INFO and below


def configure(level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    for name in QUIET:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))
