"""The printed ticket's link to a chat: a signed, expiring token in a t.me deep link or a wa.me text.

A walk-in ticket has no chat. The kiosk prints a QR of ``https://t.me/<bot>?start=<token>`` (Telegram
sends "/start <token>", which the gateway turns into "ikuti <token>") or of
``https://wa.me/<number>?text=ikuti%20<token>``; the REST channel binds the chat that sends it
(``bot.ticket_link``). The token is the ticket id and an expiry, signed with the keyed hash of
``mpp.privacy.Crypto`` (``MPP_PII_HASH_KEY``): it cannot be made for another ticket or stretched,
and it opens nothing but the binding, which a ticket accepts once.
"""

from __future__ import annotations

import hmac
import os
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from mpp.privacy import Crypto

LIFETIME = timedelta(days=3)  # time to scan the ticket: its application is followed long after
PREFIX = "tk"
SIG_CHARS = 24
# Telegram allows [A-Za-z0-9_-], at most 64 characters, in a start parameter.
TOKEN = re.compile(rf"{PREFIX}([0-9a-z]{{1,10}})_([0-9a-z]{{1,10}})_([0-9a-f]{{{SIG_CHARS}}})")
COMMAND = re.compile(rf"^\s*(?:ikuti|/?start)\s+({PREFIX}[0-9a-z_]{{1,60}})\s*$", re.IGNORECASE)


def _b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def _sign(crypto: Crypto, body: str) -> str:
    return crypto.keyed_hash(f"ticket-link:{body}")[:SIG_CHARS]


def make_token(crypto: Crypto, ticket_id: int, now: datetime, lifetime: timedelta = LIFETIME) -> str:
    expires = int((now + lifetime).timestamp() // 60)
    body = f"{_b36(ticket_id)}_{_b36(expires)}"
    return f"{PREFIX}{body}_{_sign(crypto, body)}"


def is_link_command(text: str) -> str | None:
    """The token of an "ikuti <token>" message (or Telegram's "/start <token>"), else None."""
    found = COMMAND.match(text)
    return found.group(1).lower() if found else None


@dataclass(frozen=True)
class Verdict:
    ticket_id: int | None  # None: refused
    reason: str  # ok | forged | expired


def read_token(crypto: Crypto, token: str, now: datetime) -> Verdict:
    found = TOKEN.fullmatch(token.strip().lower())
    if found is None:
        return Verdict(None, "forged")
    ticket, expires, sig = found.groups()
    if not hmac.compare_digest(sig, _sign(crypto, f"{ticket}_{expires}")):
        return Verdict(None, "forged")
    if datetime.fromtimestamp(int(expires, 36) * 60, timezone.utc) < now:
        return Verdict(None, "expired")
    return Verdict(int(ticket, 36), "ok")


@dataclass(frozen=True)
class Links:
    """Where the kiosk's QR points: the Telegram bot and the WhatsApp number, when configured."""

    telegram_bot: str | None = None
    whatsapp_number: str | None = None

    @classmethod
    def from_env(cls) -> Links:
        bot = (os.environ.get("MPP_TELEGRAM_BOT_USERNAME") or "").strip().lstrip("@") or None
        number = re.sub(r"\D", "", os.environ.get("MPP_WHATSAPP_NUMBER") or "") or None
        return cls(bot, number)

    def for_token(self, token: str) -> list[tuple[str, str]]:
        """(label, URL) for each configured channel."""
        out = []
        if self.telegram_bot:
            out.append(("Telegram", f"https://t.me/{quote(self.telegram_bot)}?start={token}"))
        if self.whatsapp_number:
            out.append(("WhatsApp", f"https://wa.me/{self.whatsapp_number}?text={quote('ikuti ' + token)}"))
        return out
