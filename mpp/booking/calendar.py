"""Which days an MPP is closed: its weekly hours, its own closures, national days off.

Decreed national holidays and cuti bersama come from the catalogue (one YAML file
per year, with the SKB as source). For a year without a decree in the catalogue,
the ``holidays`` package is the fallback; it knows cuti bersama only up to 2025
and estimates Islamic holidays, so such a day is marked as an estimate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import holidays as holidays_pkg

from mpp.catalogue.model import Catalogue, Mpp
from mpp.text import WEEKDAY_NAMES


@dataclass(frozen=True)
class Closed:
    reason: str
    estimate: bool = False  # from the holidays package, not from a decree


@lru_cache(maxsize=32)
def _package_holidays(year: int) -> dict[date, str]:
    days = holidays_pkg.country_holidays("ID", years=year, categories=("public", "government"))
    return dict(days.items())


def national_day_off(catalogue: Catalogue, day: date) -> Closed | None:
    if day.year in catalogue.holiday_years:
        holiday = catalogue.holidays.get(day)
        if holiday is None:
            return None
        kind = "cuti bersama" if holiday.kind == "cuti_bersama" else "libur nasional"
        return Closed(f"{kind}: {holiday.name}")
    name = _package_holidays(day.year).get(day)
    if name is None:
        return None
    return Closed(f"hari libur ({name}; perkiraan, SKB tahun {day.year} belum ada di katalog)", estimate=True)


def closed_on(catalogue: Catalogue, mpp: Mpp, day: date, outages: Mapping[date, str] | None = None) -> Closed | None:
    """Why the MPP is closed on ``day``, or None if it is open.

    ``outages`` are closures decided after the catalogue was loaded (mpp outage add).
    """
    if outages and day in outages:
        return Closed(outages[day])
    for closure in mpp.closures:
        if closure.day == day:
            return Closed(closure.reason)
    national = national_day_off(catalogue, day)
    if national:
        return national
    if mpp.hours_on(day.weekday()) is None:
        return Closed(f"{mpp.name} tutup setiap hari {WEEKDAY_NAMES[day.weekday()]}")
    return None
