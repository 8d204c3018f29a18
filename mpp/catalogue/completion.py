"""When an application will be done: a promised date, counted in working days, or none.

A date is promised only from a processing time that gives a bound (``working_days`` or
``same_day``) and whose fact is sourced and verified; a sentence such as "sering selesai
di hari yang sama" never becomes a date. Working days are Monday to Friday, minus the
national holidays and cuti bersama decreed for the year (libur/<year>.yaml), minus the
MPP's own closures and any extra closed days the caller knows of (outages). A count that
runs into a year whose decree is not in the catalogue promises nothing: guessing the
holidays would make the date a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Collection

from mpp.catalogue.model import Catalogue, Mpp, ProcessingTime, Source

PROMISED = "promised"
NO_PROCESSING_TIME = "no_processing_time"  # the catalogue has none for this service/jenis
NOT_BOUNDED = "not_bounded"  # only a sentence, no working-day bound from a source
UNVERIFIED = "unverified"  # the processing-time fact is not verified
HOLIDAYS_UNKNOWN = "holidays_unknown"  # the count reaches a year without a decree in the catalogue
UNKNOWN_SERVICE = "unknown_service"

# Bounds beyond this many calendar days are not searched (no service here takes longer).
MAX_CALENDAR_DAYS = 730


@dataclass(frozen=True)
class Completion:
    """A promised completion date, or why there is none (``day`` is None)."""

    day: date | None
    reason: str
    processing: ProcessingTime | None = None
    sources: tuple[Source, ...] = ()

    @property
    def promised(self) -> bool:
        return self.day is not None


def is_working_day(
    catalogue: Catalogue, mpp: Mpp | None, day: date, extra_closed: Collection[date] = ()
) -> bool | None:
    """True or False; None when the year's holidays are not decreed in the catalogue."""
    if day.year not in catalogue.holiday_years:
        return None
    if day.weekday() >= 5 or day in catalogue.holidays or day in extra_closed:
        return False
    if mpp is not None and any(c.day == day for c in mpp.closures):
        return False
    return True


def add_working_days(
    catalogue: Catalogue, mpp: Mpp | None, start: date, days: int, extra_closed: Collection[date] = ()
) -> date | None:
    """The ``days``-th working day after ``start`` (0: ``start`` itself if it is a working day, else
    the next one); None if the count reaches a year whose holidays are not decreed."""
    day, counted = start, 0
    working = is_working_day(catalogue, mpp, day, extra_closed)
    if working is None:
        return None
    if days == 0 and working:
        return day
    for _ in range(MAX_CALENDAR_DAYS):
        day += timedelta(days=1)
        working = is_working_day(catalogue, mpp, day, extra_closed)
        if working is None:
            return None
        if working:
            counted += 1
            if counted >= max(days, 1):
                return day
    return None


def promised_completion(
    catalogue: Catalogue,
    service_code: str,
    jenis: str | None,
    start: date,
    mpp_code: str | None = None,
    extra_closed: Collection[date] = (),
) -> Completion:
    """The latest day the application started on ``start`` should be done, per its sourced bound."""
    service = catalogue.service(service_code)
    if service is None:
        return Completion(None, UNKNOWN_SERVICE)
    processing, provenance = service.processing_for(jenis)
    if processing is None or provenance is None:
        return Completion(None, NO_PROCESSING_TIME, processing)
    sources = tuple(s for s in (service.source(i) for i in provenance.sources) if s is not None)
    if not provenance.verified:
        return Completion(None, UNVERIFIED, processing, sources)
    if not processing.bounded:
        return Completion(None, NOT_BOUNDED, processing, sources)
    days = 0 if processing.same_day else int(processing.working_days or 0)
    day = add_working_days(catalogue, catalogue.mpp(mpp_code), start, days, extra_closed)
    if day is None:
        return Completion(None, HOLIDAYS_UNKNOWN, processing, sources)
    return Completion(day, PROMISED, processing, sources)
