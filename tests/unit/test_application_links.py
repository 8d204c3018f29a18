"""The printed ticket's chat link: signed, expiring, typed or deep-linked; and the Telegram /start that carries it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from telegram import Bot

from bot.telegram_channel import parse_update
from mpp.applications.links import LIFETIME, Links, is_link_command, make_token, read_token
from mpp.privacy import Crypto, Keys
from testkit.stubs.telegram_api import text_update

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
CRYPTO = Crypto(Keys.generate())


def test_a_token_opens_its_own_ticket_until_it_expires() -> None:
    token = make_token(CRYPTO, 1234, NOW)
    assert len(token) <= 64 and all(c.isalnum() or c == "_" for c in token)  # a Telegram start parameter
    assert read_token(CRYPTO, token, NOW).ticket_id == 1234
    assert read_token(CRYPTO, token.upper(), NOW).ticket_id == 1234  # typed in capitals
    assert read_token(CRYPTO, token, NOW + LIFETIME + timedelta(minutes=2)).reason == "expired"


def test_forged_tokens_open_nothing() -> None:
    token = make_token(CRYPTO, 1234, NOW)
    prefix, ticket, expires, sig = token[:2], *token[2:].split("_")
    other = Crypto(Keys.generate())
    for forged in (
        f"{prefix}{ticket}_{int(expires, 36) + 9999:x}_{sig}",  # stretched
        f"{prefix}yb_{expires}_{sig}",  # another ticket (1234 is "ya")
        make_token(other, 1234, NOW),  # another installation's key
        "tk",
        "",
        "tk1_1_" + "g" * 24,
    ):
        assert read_token(CRYPTO, forged, NOW).ticket_id is None, forged


def test_the_words_to_type_and_the_deep_links() -> None:
    token = make_token(CRYPTO, 7, NOW)
    assert is_link_command(f"ikuti {token}") == token
    assert is_link_command(f"  IKUTI   {token} ") == token
    assert is_link_command(f"start {token}") == token  # "/start" after the leading slash went
    assert is_link_command(f"mau ikuti {token}") is None and is_link_command("ikuti antrean") is None
    links = dict(Links("AsistenMppBot", "6281100000000").for_token(token))
    assert links == {
        "Telegram": f"https://t.me/AsistenMppBot?start={token}",
        "WhatsApp": f"https://wa.me/6281100000000?text=ikuti%20{token}",
    }
    assert Links().for_token(token) == []


def test_telegram_deep_link_start_becomes_the_words_to_type() -> None:
    bot = Bot("123:abc")
    token = make_token(CRYPTO, 7, NOW)
    update = text_update(1, 42, f"/start {token}")
    incoming = parse_update(update, bot, datetime.fromtimestamp(update["message"]["date"], timezone.utc))
    assert incoming is not None and (incoming.kind, incoming.body) == ("text", f"ikuti {token}")
    plain = text_update(2, 42, "/start")
    incoming = parse_update(plain, bot, datetime.fromtimestamp(plain["message"]["date"], timezone.utc))
    assert incoming is not None and (incoming.kind, incoming.body) == ("payload", "/sapa")
