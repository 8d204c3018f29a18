"""What a dashboard page shows: which MPP, agency, dates and period, checked against who is asking.

An administrator or supervisor of one MPP sees that MPP only, whatever the address bar asks;
a national administrator chooses any MPP or all. Bad input (a date that is not a date, a range
backwards or longer than ``MAX_DAYS``) is refused with a message fit for the console.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from mpp.catalogue.model import Catalogue
from mpp.staff.roles import Permission, StaffMember, authorize, mpp_scope

PERIODS = {"day": "Harian", "week": "Mingguan", "month": "Bulanan"}
DEFAULT_DAYS = 30
MAX_DAYS = 366
DEFAULT_ZONE = "Asia/Jakarta"


class BadFilter(ValueError):
    """The filter cannot be used; ``str()`` is the message for the console (Indonesian)."""


@dataclass(frozen=True)
class Filters:
    start: date  # first day, inclusive (the MPP's local calendar)
    end: date  # last day, inclusive
    mpp: str | None = None  # None: every MPP (national administrators only)
    agency: str | None = None
    period: str = "day"

    def __post_init__(self) -> None:
        if self.period not in PERIODS:
            raise BadFilter(f"Periode harus salah satu dari: {', '.join(PERIODS)}.")
        if self.end < self.start:
            raise BadFilter("Tanggal akhir sebelum tanggal mulai.")
        if (self.end - self.start).days + 1 > MAX_DAYS:
            raise BadFilter(f"Rentang tanggal paling panjang {MAX_DAYS} hari.")

    def days(self) -> int:
        return (self.end - self.start).days + 1

    def zone(self, catalogue: Catalogue) -> str:
        mpp = catalogue.mpp(self.mpp)
        return mpp.timezone if mpp is not None else DEFAULT_ZONE

    def instants(self, catalogue: Catalogue) -> tuple[datetime, datetime]:
        """The range as [from, until) instants, for records stamped with a time rather than a day."""
        zone = ZoneInfo(self.zone(catalogue))
        begin = datetime.combine(self.start, datetime.min.time(), zone)
        until = datetime.combine(self.end + timedelta(days=1), datetime.min.time(), zone)
        return begin, until

    def query(self) -> str:
        """The filter as a query string (links between the pages, CSV downloads)."""
        parts = [f"dari={self.start.isoformat()}", f"sampai={self.end.isoformat()}", f"periode={self.period}"]
        if self.mpp:
            parts.append(f"mpp={self.mpp}")
        if self.agency:
            parts.append(f"instansi={self.agency}")
        return "&".join(parts)


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise BadFilter(f"Tanggal {name} tidak dikenali: pakai format TTTT-BB-HH, mis. 2026-11-01.") from None


def filters_for(
    staff: StaffMember,
    catalogue: Catalogue,
    today: date,
    *,
    mpp: str | None = None,
    agency: str | None = None,
    start: str | None = None,
    end: str | None = None,
    period: str | None = None,
) -> Filters:
    """The filters ``staff`` may use; raises ``Refused`` (not allowed) or ``BadFilter`` (bad input)."""
    scope = mpp_scope(staff)
    mpp = (mpp or "").strip() or None
    if scope is not None:
        mpp = scope  # one MPP's staff see that MPP only, whatever was asked
    authorize(staff, Permission.VIEW_DASHBOARD, mpp=mpp)
    if mpp is not None and catalogue.mpp(mpp) is None:
        raise BadFilter(f"MPP {mpp} tidak ada di katalog.")
    agency = (agency or "").strip() or None
    if agency is not None and agency not in agencies(catalogue, mpp):
        raise BadFilter(f"Instansi {agency} tidak ada di MPP yang dipilih.")
    last = _day(end, "akhir") or today - timedelta(days=1)
    first = _day(start, "mulai") or last - timedelta(days=DEFAULT_DAYS - 1)
    return Filters(first, last, mpp, agency, (period or "day").strip() or "day")


def agencies(catalogue: Catalogue, mpp: str | None) -> dict[str, str]:
    """Agency code → name of the agencies offering a service at ``mpp`` (or anywhere)."""
    found: dict[str, str] = {}
    for (mpp_code, _service), offering in sorted(catalogue.offerings.items()):
        if mpp is not None and mpp_code != mpp:
            continue
        owner = catalogue.mpps.get(mpp_code)
        agency = owner.agencies.get(offering.agency_code) if owner is not None else None
        found.setdefault(offering.agency_code, agency.name if agency is not None else offering.agency_code)
    return found


def bucket(day: date, period: str) -> date:
    """The first day of the period ``day`` falls in (Monday for weeks)."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def bucket_label(first: date, period: str) -> str:
    if period == "week":
        year, week, _ = first.isocalendar()
        return f"{year}-M{week:02d}"
    if period == "month":
        return first.strftime("%Y-%m")
    return first.isoformat()
