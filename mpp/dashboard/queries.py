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
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, DateTime, Integer, and_, func, inspect, select, text
from sqlalchemy.orm import Session

from mpp.booking.model import Policy
from mpp.catalogue.model import Catalogue
from mpp.dashboard.filters import Filters, bucket, bucket_label
from mpp.dashboard.filters import agencies as agencies_of
from mpp.db.booking_tables import BookingRow
from mpp.db.handoff_tables import HandoffRow
from mpp.db.queue_tables import NotificationRow, TicketRow
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


def _minutes(session: Session, start: Any, stop: Any) -> Any:
    """Whole minutes (rounded down) from ``start`` to ``stop``, in SQL."""
    if _dialect(session) == "postgresql":
        return func.floor(func.extract("epoch", stop - start) / 60)
    # julianday is a float of days: round to the millisecond before cutting to whole minutes
    return func.cast(func.round((func.julianday(stop) - func.julianday(start)) * 86400.0, 3) / 60, Integer)


def _period_of(session: Session, day: Any, period: str) -> Any:
    """The first day of the period (PostgreSQL: fewer rows leave the database), else the day itself."""
    if _dialect(session) == "postgresql" and period != "day":
        return func.cast(func.date_trunc(period, func.cast(day, DateTime)), Date)
    return day


def _utc_hour(session: Session, column: Any) -> Any:
    if _dialect(session) == "postgresql":
        return func.extract("hour", func.timezone("UTC", column))
    return func.cast(func.strftime("%H", column), Integer)


def _channel(session: Session, column: Any) -> Any:
    """The chat id's channel prefix ("telegram", "whatsapp", "console")."""
    if _dialect(session) == "postgresql":
        return func.split_part(column, ":", 1)
    return func.substr(column, 1, func.instr(column, ":") - 1)


def _ticket_scope(f: Filters) -> list[Any]:
    where = [TicketRow.day >= f.start, TicketRow.day <= f.end]
    if f.mpp:
        where.append(TicketRow.mpp_code == f.mpp)
    if f.agency:
        where.append(TicketRow.agency_code == f.agency)
    return where


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

    ``per_period``/``per_agency`` False: a page that does not show those rows spares the database
    their sorts (on PostgreSQL they stay empty; elsewhere they are filled anyway).
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

    if _dialect(session) == "postgresql":
        _tickets_in_postgresql(session, f, total, buckets, agencies, names, per_period, per_agency)
    else:
        _tickets_portable(session, f, rows)
    _add_bookings(session, catalogue, f, now, policy, rows)
    ranked = sorted(agencies.values(), key=lambda r: (-r.tickets, r.key))
    return QueueFigures(total, list(buckets.values()), ranked)


# One pass over the range's tickets: counts and nearest-rank percentiles (percentile_disc) per period,
# per agency and in total (GROUPING SETS), so that only a few dozen rows leave the database. The
# percentiles are taken over intervals (cheap) and cut to whole minutes after: the nearest rank of
# the rounded-down values is the rounded-down nearest rank, and numeric arithmetic on every row is
# what made this query slow.
_PG_TICKETS = """
SELECT {gb} AS gb, {ga} AS ga, {b} AS b, {agency} AS agency_code, count(*) AS tickets,
  count(*) FILTER (WHERE kind = 'booking') AS booked,
  count(*) FILTER (WHERE status = 'served') AS served,
  count(*) FILTER (WHERE status = 'no_show') AS counter_no_shows,
  percentile_disc(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY wait) AS wait,
  percentile_disc(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY service) AS service
FROM (
  SELECT {period} AS b, agency_code, kind, status, called_at - issued_at AS wait,
    CASE WHEN status = 'served' THEN finished_at - called_at END AS service
  FROM ticket WHERE day >= :start AND day <= :end {scope}
) AS t
GROUP BY GROUPING SETS ({sets})
"""


WORK_MEM = "32MB"


def _whole_minutes(value: timedelta | None) -> int | None:
    return None if value is None else max(0, int(value.total_seconds() // 60))


def _tickets_in_postgresql(
    session: Session,
    f: Filters,
    total: QueueRow,
    buckets: dict[date, QueueRow],
    agencies: dict[str, QueueRow],
    names: dict[str, str],
    per_period: bool = True,
    per_agency: bool = True,
) -> None:
    scope = ""
    # The sorts behind the percentiles of a quarter of three MPPs need ~10 MB: in memory, not on disk
    # (SET LOCAL: this transaction only).
    session.execute(text(f"SET LOCAL work_mem = '{WORK_MEM}'"))
    period = "day" if f.period == "day" else f"CAST(date_trunc('{f.period}', CAST(day AS timestamp)) AS date)"
    params: dict[str, Any] = {"start": f.start, "end": f.end}
    if f.mpp:
        scope, params["mpp"] = scope + " AND mpp_code = :mpp", f.mpp
    if f.agency:
        scope, params["agency"] = scope + " AND agency_code = :agency", f.agency
    for r in session.execute(
        text(
            _PG_TICKETS.format(
                scope=scope,
                period=period,
                gb="GROUPING(b)" if per_period else "1",
                b="b" if per_period else "NULL",
                agency="agency_code" if per_agency else "NULL",
                ga="GROUPING(agency_code)" if per_agency else "1",
                sets=", ".join([*(["(b)"] if per_period else []), *(["(agency_code)"] if per_agency else []), "()"]),
            )
        ),
        params,
    ).mappings():
        if r["gb"] == 0:
            row = buckets[bucket(r["b"], f.period)]
        elif r["ga"] == 0:
            row = agencies.setdefault(
                r["agency_code"], QueueRow(r["agency_code"], names.get(r["agency_code"], r["agency_code"]))
            )
        else:
            row = total
        row.tickets, row.booked, row.served = int(r["tickets"]), int(r["booked"]), int(r["served"])
        row.walk_in, row.counter_no_shows = row.tickets - row.booked, int(r["counter_no_shows"])
        wait, service = r["wait"] or [None, None], r["service"] or [None, None]
        row.percentiles = {
            "wait_p50": _whole_minutes(wait[0]),
            "wait_p90": _whole_minutes(wait[1]),
            "service_p50": _whole_minutes(service[0]),
            "service_p90": _whole_minutes(service[1]),
        }


def _tickets_portable(session: Session, f: Filters, rows: Any) -> None:
    """Any database: counts and minute histograms per day and agency; percentiles in Python."""
    where = _ticket_scope(f)
    counts = session.execute(
        select(TicketRow.day, TicketRow.agency_code, TicketRow.kind, TicketRow.status, func.count())
        .where(*where)
        .group_by(TicketRow.day, TicketRow.agency_code, TicketRow.kind, TicketRow.status)
    )
    for t_day, agency, kind, status, n in counts:
        for row in rows(t_day, agency):
            row.tickets += n
            row.booked += n if kind == "booking" else 0
            row.walk_in += n if kind != "booking" else 0
            row.served += n if status == "served" else 0
            row.counter_no_shows += n if status == "no_show" else 0

    wait = _minutes(session, TicketRow.issued_at, TicketRow.called_at).label("m")
    for t_day, agency, minutes, n in session.execute(
        select(TicketRow.day, TicketRow.agency_code, wait, func.count())
        .where(*where, TicketRow.called_at.isnot(None))
        .group_by(TicketRow.day, TicketRow.agency_code, wait)
    ):
        for row in rows(t_day, agency):
            row.wait[max(0, int(minutes))] += n

    service = _minutes(session, TicketRow.called_at, TicketRow.finished_at).label("m")
    for t_day, agency, minutes, n in session.execute(
        select(TicketRow.day, TicketRow.agency_code, service, func.count())
        .where(*where, TicketRow.status == "served", TicketRow.finished_at.isnot(None))
        .group_by(TicketRow.day, TicketRow.agency_code, service)
    ):
        for row in rows(t_day, agency):
            row.service[max(0, int(minutes))] += n


def _add_bookings(session: Session, catalogue: Catalogue, f: Filters, now: datetime, policy: Policy, rows: Any) -> None:
    where = [BookingRow.day >= f.start, BookingRow.day <= f.end]
    if f.mpp:
        where.append(BookingRow.mpp_code == f.mpp)
    services = _services_of(catalogue, f)
    if services is not None:
        where.append(BookingRow.service_code.in_(services or [""]))
    period = _period_of(session, BookingRow.day, f.period).label("b")
    grouped = session.execute(
        select(
            BookingRow.mpp_code,
            period,
            BookingRow.service_code,
            BookingRow.status,
            func.count(),
            func.sum(BookingRow.moved_count),
        )
        .where(*where)
        .group_by(BookingRow.mpp_code, period, BookingRow.service_code, BookingRow.status)
    )
    for mpp_code, b_day, service_code, status, n, moved in grouped:
        offering = catalogue.offering(mpp_code, service_code)
        agency = offering.agency_code if offering is not None else None
        if f.agency is not None and agency != f.agency:
            continue
        for row in rows(b_day, agency):
            row.bookings += n
            row.cancellations += n if status == "cancelled" else 0
            row.no_shows += n if status == "no_show" else 0
            row.moves += int(moved or 0)
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


def busiest_hours(session: Session, catalogue: Catalogue, f: Filters) -> HeatMap:
    hour = _utc_hour(session, TicketRow.issued_at).label("h")
    counts: dict[tuple[int, int], int] = Counter()
    for mpp_code, t_day, utc_hour, n in session.execute(
        select(TicketRow.mpp_code, TicketRow.day, hour, func.count())
        .where(*_ticket_scope(f))
        .group_by(TicketRow.mpp_code, TicketRow.day, hour)
    ):
        mpp = catalogue.mpp(mpp_code)
        zone = ZoneInfo(mpp.timezone if mpp else f.zone(catalogue))
        # Indonesia keeps no daylight saving: the zone's offset on the day shifts the UTC hour.
        offset = datetime.combine(t_day, datetime.min.time(), zone).utcoffset() or timedelta()
        local = (int(utc_hour) + int(offset.total_seconds() // 3600)) % 24
        counts[(t_day.weekday(), local)] += n
    used = sorted({h for _, h in counts}) or list(range(8, 16))
    hours = list(range(min(used), max(used) + 1))
    cells = [[counts.get((w, h), 0) for h in hours] for w in range(7)]
    per_weekday = [0] * 7
    for i in range(f.days()):
        per_weekday[(f.start + timedelta(days=i)).weekday()] += 1
    return HeatMap(hours, cells, per_weekday)


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


def notification_figures(session: Session, catalogue: Catalogue, f: Filters) -> list[ChannelRow]:
    """Per channel: delivered, failed for good, not yet sent — of the MPP (and agency) in ``f``.

    A notification carries no MPP: it is traced through its booking, or the ticket or handoff in its
    dedupe key (``mpp.staff.dead_letters.traced_to``). Across every MPP, untraced ones count too.
    """
    begin, until = f.instants(catalogue)
    channel = _channel(session, NotificationRow.chat_id).label("channel")
    in_range = [NotificationRow.created_at >= begin, NotificationRow.created_at < until]
    query = select(channel, NotificationRow.status, func.count()).where(*in_range)
    if f.mpp is not None or f.agency is not None:
        query = query.where(traced_to(session, f.mpp, f.agency, _services_of(catalogue, f)))
    queries = [query.group_by(channel, NotificationRow.status)]
    found: dict[str, ChannelRow] = {}
    for query in queries:
        for name, status, n in session.execute(query):
            row = found.setdefault(name or "lainnya", ChannelRow(name or "lainnya"))
            if status == "sent":
                row.sent += n
            elif status == "dead":
                row.failed += n
            elif status != "cancelled":
                row.pending += n
    return sorted(found.values(), key=lambda r: r.channel)


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


def survey_figures(session: Session, catalogue: Catalogue, f: Filters) -> SurveyFigures | None:
    """The IKM (Permenpan RB 14/2017, ``mpp.survey.ikm``) for ``f``, its monthly trend, the one-tap
    scores beside it (never mixed in) and the turns that fell back in the range.

    Returns ``None`` while the survey's tables do not exist (an install not yet migrated).
    """
    if not inspect(session.get_bind()).has_table(SURVEY_TABLE):
        return None
    from mpp.db.survey_tables import SurveyRow, TurnRow
    from mpp.survey import ikm
    from mpp.survey.report import ikm_report

    report = ikm_report(session, f.start, f.end, f.mpp, f.agency)
    # the trend: one query of complete answers per day (count and element sums), folded into months here
    elements = [getattr(SurveyRow, f"u{i}") for i in range(1, 10)]
    scope = [SurveyRow.served_day >= f.start, SurveyRow.served_day <= f.end, SurveyRow.complete.is_(True)]
    if f.mpp:
        scope.append(SurveyRow.mpp_code == f.mpp)
    if f.agency:
        scope.append(SurveyRow.agency_code == f.agency)
    months: dict[str, list[float]] = {}
    per_day = select(SurveyRow.served_day, func.count(), *(func.sum(c) for c in elements)).where(*scope)
    for day, n, *sums in session.execute(per_day.group_by(SurveyRow.served_day)):
        totals = months.setdefault(f"{_as_date(day):%Y-%m}", [0.0] * 10)
        for i, v in enumerate((n, *sums)):
            totals[i] += float(v or 0)
    trend: list[tuple[str, float | None]] = []
    month = f.start.replace(day=1)
    while month <= f.end:
        found = months.get(f"{month:%Y-%m}")
        index = ikm.from_element_means(int(found[0]), [t / found[0] for t in found[1:]]) if found else None
        trend.append((f"{month:%Y-%m}", index.converted if index else None))
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    # turns carry no MPP (a chat is not tied to one): the fallback count is national, shown to all
    begin, until = f.instants(catalogue)
    fallbacks = session.execute(
        select(func.count()).where(TurnRow.fallback.is_(True), TurnRow.at >= begin, TurnRow.at < until)
    ).scalar_one()
    return SurveyFigures(
        report.index.converted if report.index else None,
        report.index.category if report.index else None,
        report.respondents,
        report.quick_count,
        int(fallbacks),
        trend,
    )
