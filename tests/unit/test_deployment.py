"""Production mode refuses unset, placeholder and short secrets; development lets them be."""

from __future__ import annotations

import pytest

from mpp.deployment import ConfigurationError, production_mode, required_secret, secret


def test_development_is_the_default_and_lets_a_missing_secret_be(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MPP_ENV", raising=False)
    monkeypatch.delenv("SOME_TOKEN", raising=False)
    assert not production_mode()
    assert required_secret("SOME_TOKEN") is None


@pytest.mark.parametrize(
    ("value", "problem"),
    [(None, "not set"), ("CHANGE-ME-to-a-long-random-value", "placeholder"), ("short", "too short")],
)
def test_production_refuses_bad_secrets(monkeypatch: pytest.MonkeyPatch, value: str | None, problem: str) -> None:
    monkeypatch.setenv("MPP_ENV", "production")
    if value is None:
        monkeypatch.delenv("SOME_TOKEN", raising=False)
    else:
        monkeypatch.setenv("SOME_TOKEN", value)
    with pytest.raises(ConfigurationError, match=problem):
        required_secret("SOME_TOKEN")


def test_a_secret_can_come_from_a_file_but_not_from_both(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    path = tmp_path / "token"
    path.write_text("s3cr3t-from-a-file-0123456789\n")
    monkeypatch.delenv("SOME_TOKEN", raising=False)
    monkeypatch.setenv("SOME_TOKEN_FILE", str(path))
    monkeypatch.setenv("MPP_ENV", "production")
    assert required_secret("SOME_TOKEN") == "s3cr3t-from-a-file-0123456789"
    monkeypatch.setenv("SOME_TOKEN", "also-set-in-the-environment")
    with pytest.raises(ConfigurationError, match="both set"):
        secret("SOME_TOKEN")
