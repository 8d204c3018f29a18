"""The dashboard's figures, computed in the database: grouped counts come back, never one row per ticket.

Definitions (the numbers on screen and in the CSV downloads are these):

* **tickets** — places in the queue (``ticket``) on the day, by ``kind``: ``booking`` (a checked-in
  booking) or ``walk_in``;
* **wait** — from the ticket's issue (check-in or walk-in) to its call; **service** — from the call to
  "selesai" (served tickets only). Percentiles are nearest-rank over whole minutes (rounded down);
* **no-shows** — bookings of the day that became no-shows (``mpp booking sweep`` or the counter) plus
  those still "active" whose slot and grace period passed (``Policy.missed``, the sweep's own rule);
* **cancellations** — bookings of the day cancelled; **moves** — times bookings were moved to that day;
* **busiest hours** — tickets issued per weekday and local hour;
* **notifications** — outbox messages created in the range, per channel (the chat id's prefix):
  ``sent`` delivered, ``dead`` failed for good, the rest still pending;
* **handoffs** — chats handed to staff, and the time from joining the line to a staff member's claim.

The survey's index (IKM) and the assistant's fallbacks come from the survey branch: ``survey_figures``
is the place they plug into (it returns ``None`` while the survey tables do not exist).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, DateTime, and_, func, inspect, select
from sqlalchemy.orm import Session

from mpp.booking.model import Policy
from mpp.catalogue.model import Catalogue
from mpp.dashboard import rollup
from mpp.dashboard.filters import Filters, bucket, bucket_label
from mpp.dashboard.filters import agencies as agencies_of
from mpp.db.booking_tables import BookingRow
from mpp.db.handoff_tables import HandoffRow
from mpp.staff.dead_letters import traced_to

WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


# ---- percentiles over histograms ---------------------------------------------------------
def percentile(histogram: Counter[int], q: float) -> int | None:
    """Nearest-rank percentile of the values counted in ``histogram`` (value → how many)."""
    total = sum(histogram.values())
    if total == 0:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen >= rank:
            return value
    return max(histogram)


@dataclass
class QueueRow:
    """The queue's figures for one period or one agency."""

    key: str
    label: str
    tickets: int = 0
    booked: int = 0
    walk_in: int = 0
    served: int = 0
    counter_no_shows: int = 0  # called at the counter, did not come
    bookings: int = 0
    no_shows: int = 0
    cancellations: int = 0
    moves: int = 0
    wait: Counter[int] = field(default_factory=Counter)
    service: Counter[int] = field(default_factory=Counter)
    percentiles: dict[str, int | None] | None = None  # computed by the database (PostgreSQL) instead

    def add(self, cell: rollup.Cell) -> None:
        """Count one day's cell (``mpp.dashboard.rollup``) in this row."""
        self.tickets += cell.tickets
        self.booked += cell.booked
        self.walk_in += cell.tickets - cell.booked
        self.served += cell.served
        self.counter_no_shows += cell.counter_no_shows
        self.bookings += cell.bookings
        self.cancellations += cell.cancellations
        self.no_shows += cell.no_shows
        self.moves += cell.moves
        for mine, theirs in ((self.wait, cell.wait), (self.service, cell.service)):
            for value, n in rollup.pairs(theirs):
                mine[value] += n

    def _percentiles(self) -> dict[str, int | None]:
        if self.percentiles is not None:
            return self.percentiles
        return {
            "wait_p50": percentile(self.wait, 0.5),
            "wait_p90": percentile(self.wait, 0.9),
            "service_p50": percentile(self.service, 0.5),
            "service_p90": percentile(self.service, 0.9),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "tickets": self.tickets,
            "booked": self.booked,
            "walk_in": self.walk_in,
            "served": self.served,
            "counter_no_shows": self.counter_no_shows,
            "bookings": self.bookings,
            "no_shows": self.no_shows,
            "cancellations": self.cancellations,
            "moves": self.moves,
            **self._percentiles(),
        }


@dataclass
class QueueFigures:
    total: QueueRow
    series: list[QueueRow]  # one per day, week or month of the range, oldest first, empty ones included
    agencies: list[QueueRow]  # busiest first


# ---- dialect helpers (the two databases we run on) ------------------------------------------
def _dialect(session: Session) -> str:
    bind = session.get_bind()
    return str(bind.dialect.name)


_minutes = rollup.minutes_between


def _period_of(session: Session, day: Any, period: str) -> Any:
    """The first day of the period (PostgreSQL: fewer rows leave the database), else the day itself."""
    if _dialect(session) == "postgresql" and period != "day":
        return func.cast(func.date_trunc(period, func.cast(day, DateTime)), Date)
    return day


def _services_of(catalogue: Catalogue, f: Filters) -> list[str] | None:
    if f.agency is None:
        return None
    return sorted({s for (m, s), o in catalogue.offerings.items() if o.agency_code == f.agency and f.mpp in (None, m)})


# ---- the queue -----------------------------------------------------------------------------
def queue_figures(
    session: Session,
    catalogue: Catalogue,
    f: Filters,
    now: datetime,
    policy: Policy,
    *,
    per_period: bool = True,
    per_agency: bool = True,
) -> QueueFigures:
    """Tickets, waits, service times, no-shows, cancellations and moves in ``f``, per period and agency.

    ``per_period``/``per_agency`` False: a page that does not show those rows leaves them empty and
    spares the work (per agency, the stored days' agency payloads are not even read).
    """
    buckets: dict[date, QueueRow] = {}
    day = bucket(f.start, f.period)
    while day <= f.end:
        buckets[day] = QueueRow(day.isoformat(), bucket_label(day, f.period))
        day = bucket(day + timedelta(days=32 if f.period == "month" else 7 if f.period == "week" else 1), f.period)
    agencies: dict[str, QueueRow] = {}
    names = agencies_of(catalogue, f.mpp)
    total = QueueRow("total", "Total")

    def rows(day: date, agency: str | None) -> list[QueueRow]:
        found = [total, buckets[bucket(day, f.period)]]
        if agency is not None:
            if agency not in agencies:
                agencies[agency] = QueueRow(agency, names.get(agency, agency))
            found.append(agencies[agency])
        return found

    def fits(first: date, last: date) -> bool:  # a stored week's or month's sum stays in one row
        return not per_period or bucket(first, f.period) == bucket(last, f.period)

    for day, whole, cells in rollup.ticket_days(session, catalogue, f, now, agencies=per_agency, fits=fits):
        if whole is None:
            continue
        total.add(whole)
        if per_period:
            buckets[bucket(day, f.period)].add(whole)
        for agency, cell in cells.items():
            row = agencies.get(agency)
            if row is None:
                row = agencies[agency] = QueueRow(agency, names.get(agency, agency))
            row.add(cell)
    _add_bookings(session, catalogue, f, now, policy, rows)
    ranked = sorted(agencies.values(), key=lambda r: (-r.tickets, r.key))
    return QueueFigures(total, list(buckets.values()), ranked)


def _add_bookings(session: Session, catalogue: Catalogue, f: Filters, now: datetime, policy: Policy, rows: Any) -> None:
    """The no-shows the sweep has not marked yet (the counts by status come with the day's cells)."""
    where = [BookingRow.day >= f.start, BookingRow.day <= f.end]
    if f.mpp:
        where.append(BookingRow.mpp_code == f.mpp)
    services = _services_of(catalogue, f)
    if services is not None:
        where.append(BookingRow.service_code.in_(services or [""]))
    # Still "active" after their slot and grace: no-shows the sweep has not marked yet (same rule).
    today = now.astimezone(ZoneInfo(f.zone(catalogue))).date() + timedelta(days=1)
    pending = session.execute(
        select(BookingRow.mpp_code, BookingRow.day, BookingRow.end, BookingRow.service_code).where(
            *where, BookingRow.status == "active", BookingRow.day <= today
        )
    )
    for mpp_code, b_day, end, service_code in pending:
        mpp = catalogue.mpp(mpp_code)
        offering = catalogue.offering(mpp_code, service_code)
        agency = offering.agency_code if offering is not None else None
        if f.agency is not None and agency != f.agency:
            continue
        if policy.missed(b_day, end, mpp.timezone if mpp else f.zone(catalogue), now):
            for row in rows(b_day, agency):
                row.no_shows += 1


# ---- busiest hours -------------------------------------------------------------------------
@dataclass
class HeatMap:
    hours: list[int]  # the local hours shown (opening hours of the data)
    cells: list[list[int]]  # [weekday 0 = Monday][index in hours] → tickets issued
    days_per_weekday: list[int]  # how many days of each weekday the range holds (for averages)

    def as_rows(self) -> list[dict[str, Any]]:
        return [
            {"weekday": WEEKDAYS[w], **{f"{h:02d}": self.cells[w][i] for i, h in enumerate(self.hours)}}
            for w in range(7)
        ]


def busiest_hours(session: Session, catalogue: Catalogue, f: Filters, now: datetime | None = None) -> HeatMap:
    """Tickets issued per weekday and local hour (the MPP's zone) in ``f``."""
    counts: dict[tuple[int, int], int] = Counter()
    for day, whole, _ in rollup.ticket_days(session, catalogue, f, now or datetime.now(timezone.utc)):
        for hour, n in rollup.pairs(whole.hours) if whole is not None else ():
            counts[(day.weekday(), hour)] += n
    used = sorted({h for _, h in counts}) or list(range(8, 16))
    hours = list(range(min(used), max(used) + 1))
    cells_ = [[counts.get((w, h), 0) for h in hours] for w in range(7)]
    per_weekday = [0] * 7
    for i in range(f.days()):
        per_weekday[(f.start + timedelta(days=i)).weekday()] += 1
    return HeatMap(hours, cells_, per_weekday)


# ---- notifications -------------------------------------------------------------------------
@dataclass
class ChannelRow:
    channel: str
    sent: int = 0
    failed: int = 0
    pending: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.failed + self.pending

    def as_dict(self) -> dict[str, Any]:
        return {"channel": self.channel, "sent": self.sent, "failed": self.failed, "pending": self.pending}


def notification_figures(
    session: Session, catalogue: Catalogue, f: Filters, now: datetime | None = None
) -> list[ChannelRow]:
    """Per channel: delivered, failed for good, not yet sent — of the MPP (and agency) in ``f``.

    A notification carries no MPP: it is traced through its booking, or the ticket or handoff in its
    dedupe key (``mpp.staff.dead_letters.traced_to``). Across every MPP, untraced ones count too.
    Closed days come from ``mpp.dashboard.rollup`` (counted once, kept by triggers).
    """
    traced = None
    if f.mpp is not None or f.agency is not None:
        services = _services_of(catalogue, f)

        def traced(s: Session) -> Any:
            return traced_to(s, f.mpp, f.agency, services)

    counts = rollup.notification_counts(session, catalogue, f, now or datetime.now(timezone.utc), traced)
    found = [ChannelRow(name, sent, failed, pending) for name, (sent, failed, pending) in counts.items()]
    return sorted(found, key=lambda r: r.channel)


# ---- handoffs ------------------------------------------------------------------------------
@dataclass
class HandoffFigures:
    total: int
    answered: int
    unanswered: int
    response: Counter[int]  # minutes from joining the line to a staff member's claim

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "answered": self.answered,
            "unanswered": self.unanswered,
            "response_p50": percentile(self.response, 0.5),
            "response_p90": percentile(self.response, 0.9),
        }


def handoff_figures(session: Session, catalogue: Catalogue, f: Filters) -> HandoffFigures:
    begin, until = f.instants(catalogue)
    where = [HandoffRow.created_at >= begin, HandoffRow.created_at < until]
    if f.mpp:
        where.append(HandoffRow.mpp_code == f.mpp)
    if f.agency:
        where.append(HandoffRow.agency_code == f.agency)
    answered = and_(HandoffRow.claimed_at.isnot(None), HandoffRow.queued_at.isnot(None))
    minutes = _minutes(session, HandoffRow.queued_at, HandoffRow.claimed_at).label("m")
    total = session.execute(select(func.count()).where(*where)).scalar() or 0
    response: Counter[int] = Counter()
    for m, n in session.execute(select(minutes, func.count()).where(*where, answered).group_by(minutes)):
        response[max(0, int(m))] += n
    done = sum(response.values())
    return HandoffFigures(int(total), done, int(total) - done, response)


# ---- the survey (plugs in from the survey branch) ------------------------------------------
@dataclass
class SurveyFigures:
    """The IKM per period and the one-tap scores beside it (filled by the survey branch)."""

    ikm: float | None
    category: str | None
    respondents: int
    one_tap: int
    fallbacks: int
    trend: list[tuple[str, float | None]] = field(default_factory=list)


SURVEY_TABLE = "survey"  # mpp.db.survey_tables.SurveyRow


def _as_date(value: Any) -> date:
    """SQLite hands a grouped DATE back as text; PostgreSQL as a date."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def survey_figures(
    session: Session, catalogue: Catalogue, f: Filters, now: datetime | None = None
) -> SurveyFigures | None:
    """The IKM (Permenpan RB 14/2017, ``mpp.survey.ikm``) for ``f``, its monthly trend, the one-tap
    scores beside it (never mixed in) and the turns that fell back in the range.

    The same figures as ``mpp.survey.report.ikm_report`` (complete answers only, element means),
    summed from the days' cells (``mpp.dashboard.rollup``). Returns ``None`` while the survey's
    tables do not exist (an install not yet migrated).
    """
    if not inspect(session.get_bind()).has_table(SURVEY_TABLE):
        return None
    from mpp.db.survey_tables import TurnRow
    from mpp.survey import ikm

    totals = [0] * 10  # complete answers, then the sums of the nine elements
    months: dict[str, list[int]] = {}
    quick = 0

    def one_month(first: date, last: date) -> bool:
        return (first.year, first.month) == (last.year, last.month)

    for day, whole, _ in rollup.ticket_days(session, catalogue, f, now or datetime.now(timezone.utc), fits=one_month):
        if whole is None:
            continue
        quick += whole.quick
        if whole.complete:
            for sums in (totals, months.setdefault(f"{day:%Y-%m}", [0] * 10)):
                sums[0] += whole.complete
                for i, v in enumerate(whole.element_sums, start=1):
                    sums[i] += v

    def index(found: list[int] | None) -> ikm.Index | None:
        return ikm.from_element_means(found[0], [t / found[0] for t in found[1:]]) if found and found[0] else None

    trend: list[tuple[str, float | None]] = []
    first = f.start.replace(day=1)
    while first <= f.end:
        of_month = index(months.get(f"{first:%Y-%m}"))
        trend.append((f"{first:%Y-%m}", of_month.converted if of_month else None))
        first = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    whole_index = index(totals)
    # A turn's MPP is its chat's when one was known (``mpp.turns.record``): an MPP's figure counts the
    # fallbacks of chats at that MPP only, as its "Pesan yang belum terjawab" page lists them; across
    # every MPP, those of chats with no MPP count too. (A fallback always needs review: its index.)
    begin, until = f.instants(catalogue)
    where = [TurnRow.needs_review.is_(True), TurnRow.fallback.is_(True), TurnRow.at >= begin, TurnRow.at < until]
    if f.mpp is not None:
        where.append(TurnRow.mpp_code == f.mpp)
    fallbacks = session.execute(select(func.count()).where(*where)).scalar_one()
    return SurveyFigures(
        whole_index.converted if whole_index else None,
        whole_index.category if whole_index else None,
        totals[0],
        quick,
        int(fallbacks),
        trend,
    )
