"""Production mode and the secrets it demands: one setting, checked at every process's start-up.

``MPP_ENV=production`` turns every start-up check on: a secret that is unset, a placeholder
(``CHANGE-ME…``) or half of a pair stops the process with a precise error instead of falling back
to a generated or empty value. Unset (the embedded default, ``make run``) keeps local development
working with nothing configured. Secrets come from the environment or from a file named by
``<NAME>_FILE`` (systemd credentials, Docker secrets), never from a command line, where ``ps``
would show them.
"""

from __future__ import annotations

import os
from pathlib import Path

PLACEHOLDER_MARKERS = ("change-me", "changeme", "change_me", "replace-me", "your-secret")


class ConfigurationError(RuntimeError):
    """A setting that production mode refuses; the message names the variable and what to do."""


def production_mode() -> bool:
    """True when ``MPP_ENV`` is ``production`` (case-insensitive); anything else is development."""
    return os.environ.get("MPP_ENV", "development").strip().lower() == "production"


def secret(name: str) -> str | None:
    """The value of secret ``name`` from ``$name`` or from the file named by ``$name_FILE`` (stripped)."""
    value = os.environ.get(name)
    path = os.environ.get(f"{name}_FILE")
    if value and path:
        raise ConfigurationError(f"{name} and {name}_FILE are both set; set only one")
    if path:
        try:
            value = Path(path).read_text().strip()
        except OSError as exc:
            raise ConfigurationError(f"{name}_FILE={path} cannot be read: {exc.strerror}") from exc
    return value or None


def is_placeholder(value: str) -> bool:
    lowered = value.strip().lower()
    return any(marker in lowered for marker in PLACEHOLDER_MARKERS)


def required_secret(name: str, *, min_length: int = 16) -> str | None:
    """``secret(name)``; in production mode it must be set, long enough and not a placeholder."""
    value = secret(name)
    if not production_mode():
        return value
    if not value:
        raise ConfigurationError(f"{name} is not set (MPP_ENV=production requires it)")
    if is_placeholder(value):
        raise ConfigurationError(f"{name} is still a placeholder value; generate a real secret")
    if len(value) < min_length:
        raise ConfigurationError(f"{name} is too short ({len(value)} characters, at least {min_length})")
    return value
