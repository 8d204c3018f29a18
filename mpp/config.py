"""Settings read from the environment, once, in one place.

Every setting has a default that gives the embedded local setup (SQLite file,
in-memory stores, demo catalogue), so a fresh clone runs without configuration.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    database_url: str
    catalogue_dir: Path
    catalogue_refresh_seconds: float
    fixed_now: datetime | None = None  # tests only: a frozen clock for the booking rules
    notify_away: int = 3  # "tinggal N nomor lagi" is sent when N or fewer are ahead


def _default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'var' / 'mpp.db'}"


def fixed_now_from_env() -> datetime | None:
    """MPP_NOW (tests only): the frozen "now" of every process of a test stack, the NLU's dates included."""
    value = os.environ.get("MPP_NOW")
    if not value:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"MPP_NOW must be an ISO date and time with a time zone (tests only), got {value!r}") from None
    if at.tzinfo is None:
        raise ValueError(f"MPP_NOW needs a time zone, e.g. 2026-11-27T10:00:00+07:00; got {value!r}")
    return at


def load_settings() -> Settings:
    """Read the settings from the environment (see the README's table)."""
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or _default_database_url(),
        catalogue_dir=Path(os.environ.get("MPP_CATALOGUE_DIR") or PROJECT_ROOT / "data" / "catalogue"),
        catalogue_refresh_seconds=float(os.environ.get("MPP_CATALOGUE_REFRESH_SECONDS", "5")),
        fixed_now=fixed_now_from_env(),
        notify_away=int(os.environ.get("MPP_NOTIFY_AWAY", "3")),
    )
