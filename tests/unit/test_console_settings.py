"""The console's settings: production mode forces secure cookies and refuses to start without what it needs."""

from __future__ import annotations

import pytest

from console.settings import ConsoleSettings
from mpp.deployment import ConfigurationError

HASH_KEY = "a-real-hash-key-of-enough-length-0123456789"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "MPP_ENV",
        "DATABASE_URL",
        "MPP_PII_HASH_KEY",
        "MPP_PII_HASH_KEY_FILE",
        "MPP_TRUSTED_PROXIES",
        "CONSOLE_SECURE_COOKIES",
        "CONSOLE_PORT",
        "KIOSK_WALK_IN_LIMIT",
    ):
        monkeypatch.delenv(name, raising=False)


def production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MPP_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg2://mpp@127.0.0.1/mpp")
    monkeypatch.setenv("MPP_PII_HASH_KEY", HASH_KEY)


def test_development_needs_nothing_and_keeps_cookies_as_set() -> None:
    settings = ConsoleSettings.from_env()
    assert settings.secure_cookies is False
    assert [str(n) for n in settings.trusted_proxies] == ["127.0.0.1/32", "::1/128"]  # the local nginx
    assert settings.host == "127.0.0.1"


def test_production_turns_secure_cookies_on_whatever_the_setting_says(monkeypatch: pytest.MonkeyPatch) -> None:
    production(monkeypatch)
    monkeypatch.setenv("CONSOLE_SECURE_COOKIES", "false")
    settings = ConsoleSettings.from_env()
    assert settings.secure_cookies is True


@pytest.mark.parametrize(
    ("unset", "message"),
    [
        ("DATABASE_URL", "DATABASE_URL is not set"),
        ("MPP_PII_HASH_KEY", "MPP_PII_HASH_KEY is not set"),
    ],
)
def test_production_refuses_to_start_without(monkeypatch: pytest.MonkeyPatch, unset: str, message: str) -> None:
    production(monkeypatch)
    monkeypatch.delenv(unset)
    with pytest.raises(ConfigurationError, match=message):
        ConsoleSettings.from_env()


def test_an_explicit_none_trusts_no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    production(monkeypatch)
    monkeypatch.setenv("MPP_TRUSTED_PROXIES", "none")
    assert ConsoleSettings.from_env().trusted_proxies == ()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("MPP_TRUSTED_PROXIES", "nginx", "'nginx' is not an IP"),
        ("CONSOLE_PORT", "eighty", "not a whole number"),
        ("KIOSK_WALK_IN_LIMIT", "0", "at least 1"),
    ],
)
def test_bad_values_are_named(monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=message):
        ConsoleSettings.from_env()


def test_the_console_process_does_not_start_and_says_why(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from console.app import main

    production(monkeypatch)
    monkeypatch.delenv("MPP_PII_HASH_KEY")
    assert main() == 2
    assert "console not started: MPP_PII_HASH_KEY is not set" in caplog.text
    assert "Traceback" not in caplog.text
