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


def _local_secrets_dir() -> Path:
    from mpp.config import PROJECT_ROOT

    return PROJECT_ROOT / "var" / "secrets"


def local_secret(name: str, directory: Path | None = None) -> str:
    """A random secret generated once into ``var/secrets/<name>`` (mode 600) and shared by local processes.

    Several processes starting together (Rasa and the action server) get the same value: the file
    is written under a unique name and linked into place, and the loser reads the winner's.
    """
    import secrets as random

    directory = directory or _local_secrets_dir()
    path = directory / name
    if path.exists():
        return path.read_text().strip()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = directory / f".{name}.{os.getpid()}.{random.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(random.token_urlsafe(32))
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return path.read_text().strip()


def shared_secret(name: str, *, min_length: int = 24) -> str:
    """A secret two of our processes share: ``required_secret`` in production mode; locally the
    environment (or ``*_FILE``) when set, else one generated once into ``var/secrets/``."""
    value = required_secret(name, min_length=min_length)
    if value:
        return value
    return local_secret(name.lower())
