"""Complaint deadlines: read from ``data/catalogue/pengaduan.yaml`` (each figure with its source), counted in
working days (Monday–Friday, national holidays and cuti bersama excluded), overridable per deployment.

``COMPLAINT_RESPONSE_DAYS`` overrides the first-response deadline, ``COMPLAINT_RESOLVE_DAYS_<CATEGORY>``
(e.g. ``COMPLAINT_RESOLVE_DAYS_PUNGLI``) a completion deadline; a bad value stops the process
(``ConfigurationError``) instead of silently using another number.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from mpp.booking.calendar import national_day_off
from mpp.catalogue.model import Catalogue
from mpp.catalogue.yaml_io import read_yaml
from mpp.config import PROJECT_ROOT
from mpp.deployment import ConfigurationError
from mpp.grievance.model import Category

RULES_FILE = PROJECT_ROOT / "data" / "catalogue" / "pengaduan.yaml"
MAX_DAYS = 365


@dataclass(frozen=True)
class Deadline:
    days: int
    source: str  # a source id of the rules file ("config" when the environment set it)
    basis: str = ""


@dataclass(frozen=True)
class Rules:
    first_response: Deadline
    resolve: dict[Category, Deadline]
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    working_days: bool = True
    max_chars: int = 2000  # a complaint's description, and a staff reply
    lookups_per_hour: int = 5  # failed checks of a number from a chat (wrong number or secret)

    def source_title(self, source_id: str) -> str:
        s = self.sources.get(source_id)
        return f"{s['title']} ({s['url']})" if s else source_id


def _env_days(name: str) -> int | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_DAYS:
        raise ConfigurationError(f"{name} must be a whole number of days from 1 to {MAX_DAYS}, not {raw!r}")
    return int(raw)


def load_rules(path: Path = RULES_FILE) -> Rules:
    data = read_yaml(path)
    sources = {s["id"]: s for s in data.get("sources", [])}
    first = Deadline(int(data["first_response_days"]), str(data["first_response_source"]))
    override = _env_days("COMPLAINT_RESPONSE_DAYS")
    if override is not None:
        first = Deadline(override, "config")
    resolve: dict[Category, Deadline] = {}
    for category in Category:
        entry = data["resolve_days"][category.value]
        deadline = Deadline(int(entry["days"]), str(entry["source"]), str(entry.get("basis", "")))
        override = _env_days(f"COMPLAINT_RESOLVE_DAYS_{category.value.upper()}")
        resolve[category] = Deadline(override, "config") if override is not None else deadline
    for d in (first, *resolve.values()):
        if d.source != "config" and d.source not in sources:
            raise ConfigurationError(f"{path}: deadline cites unknown source {d.source!r}")
    return Rules(first, resolve, sources, bool(data.get("working_days", True)))


def add_days(catalogue: Catalogue, start: date, days: int, working: bool = True) -> date:
    """``days`` working days after ``start`` (the day of filing does not count)."""
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if not working or (day.weekday() < 5 and national_day_off(catalogue, day) is None):
            left -= 1
    return day
