"""Per-day figures of closed days, stored once (``dashboard_day``), so a page sums days instead of tickets.

A dashboard page over 90 days of three MPPs used to sort every ticket of the range for its
percentiles. Here each day contributes, per agency, its counts and its histograms of whole minutes
(wait, service) and of local hours (tickets issued): a percentile of any range is the nearest rank
over the summed histograms, exactly what sorting the tickets gives. Notifications contribute their
counts per channel and status, per local day of the range's zone.

* **Closed days only** are stored: a day before today in every zone concerned. Today (and any day
  not yet closed) is always computed live from the tickets.
* **Missing days are filled at read**, in one transaction of their own that excludes the writers
  of the source rows while it reads them (PostgreSQL: ``LOCK TABLE dashboard_day IN SHARE ROW
  EXCLUSIVE MODE``, which the triggers' ``DELETE`` waits for; SQLite: ``BEGIN IMMEDIATE``), so what
  is stored is the state after every committed write, and any later write deletes it.
* **Invalidated by triggers** (migration 0008p): a written ticket deletes its day's rows, a written
  notification the rows of the days around its creation; deleting (or moving to another MPP) a
  booking, ticket or handoff deletes every notification row (their tracing changed).
* **Whole weeks and months** of stored days are summed once more for the pages that only add them up
  (``ticket_days(fits=…)``, ``_closed``): a 90-day range reads 13 rows instead of 90.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from sqlalchemy import Date, Integer, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from mpp.catalogue.model import Catalogue
from mpp.dashboard.filters import Filters
from mpp.db.dashboard_tables import DashboardDayRow
from mpp.db.queue_tables import TicketRow

TICKETS, NOTIFICATIONS = "tickets", "notifications"
ALL = "*"  # the payload's entry for every agency together


def pairs(histogram: Counter[int] | list[int]) -> Iterable[Any]:
    """A histogram's (value, count) pairs, whether counted here (Counter) or as stored: one flat list
    ``[value, count, value, count, …]`` (one list to decode, not one per value: a page decodes tens of
    thousands of values, and so many small lists made the garbage collector's full passes frequent)."""
    if isinstance(histogram, Counter):
        return histogram.items()
    return zip(histogram[0::2], histogram[1::2], strict=True)


def _flat(histogram: Any) -> list[int]:
    return [x for pair in sorted(pairs(histogram)) for x in pair]


@dataclass
class Cell:
    """One day's figures (of one agency, or of all): tickets, bookings and survey answers."""

    tickets: int = 0
    booked: int = 0
    served: int = 0
    counter_no_shows: int = 0
    # Counted here: Counters; read from storage: the stored flat [value, count, …] list (``pairs``).
    wait: Any = field(default_factory=Counter)  # whole minutes → tickets
    service: Any = field(default_factory=Counter)
    hours: Any = field(default_factory=Counter)  # local hour of issue → tickets
    bookings: int = 0  # bookings of the day, by status (no-shows: those marked so)
    cancellations: int = 0
    no_shows: int = 0
    moves: int = 0
    complete: int = 0  # complete survey answers (in the IKM) and the sums of their nine elements
    element_sums: list[int] = field(default_factory=lambda: [0] * 9)
    quick: int = 0  # one-tap overall scores (beside the IKM) and their sum
    quick_sum: int = 0

    def dump(self) -> list[Any]:
        return [
            self.tickets,
            self.booked,
            self.served,
            self.counter_no_shows,
            _flat(self.wait),
            _flat(self.service),
            _flat(self.hours),
            [self.bookings, self.cancellations, self.no_shows, self.moves],
            [self.complete, *self.element_sums, self.quick, self.quick_sum],
        ]

    @classmethod
    def load(cls, data: list[Any]) -> Cell:
        t, b, s, c, wait, service, hours, booking, survey = data
        # The histograms stay the stored flat lists (``pairs``): a page only adds them up.
        bookings, cancellations, no_shows, moves = booking
        return cls(
            t,
            b,
            s,
            c,
            wait,
            service,
            hours,
            bookings,
            cancellations,
            no_shows,
            moves,
            survey[0],
            list(survey[1:10]),
            survey[10],
            survey[11],
        )


Day = dict[str, Cell]  # agency code (or ALL) → its cell


def minutes_between(session: Session, start: Any, stop: Any) -> Any:
    """Whole minutes (rounded down) from ``start`` to ``stop``, in SQL."""
    if session.get_bind().dialect.name == "postgresql":
        return func.floor(func.extract("epoch", stop - start) / 60)
    # julianday is a float of days: round to the millisecond before cutting to whole minutes
    return func.cast(func.round((func.julianday(stop) - func.julianday(start)) * 86400.0, 3) / 60, Integer)


def _utc_hour(session: Session, column: Any) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return func.extract("hour", func.timezone("UTC", column))
    return func.cast(func.strftime("%H", column), Integer)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _first_open_day(catalogue: Catalogue, mpp: str | None, now: datetime) -> date:
    """The first day not yet over in every zone concerned (the MPP's, or every MPP's)."""
    zones = {m.timezone for code, m in catalogue.mpps.items() if mpp in (None, code)} or {"Asia/Jakarta"}
    return min(now.astimezone(ZoneInfo(z)).date() for z in zones)


def ticket_days_computed(session: Session, catalogue: Catalogue, mpp: str | None, days: list[date]) -> dict[date, Day]:
    """The tickets of ``days`` (of ``mpp``, or every MPP) as cells per day and agency, from the tickets."""
    found: dict[date, Day] = {d: {} for d in days}
    if not days:
        return found
    where = [TicketRow.day >= min(days), TicketRow.day <= max(days), TicketRow.day.in_(days)]
    if mpp is not None:
        where.append(TicketRow.mpp_code == mpp)

    def cells(day: Any, agency: str | None) -> list[Cell]:
        cells_of = found[_as_date(day)]
        whole = cells_of.setdefault(ALL, Cell())
        return [whole, cells_of.setdefault(agency, Cell())] if agency is not None else [whole]

    counts = select(TicketRow.day, TicketRow.agency_code, TicketRow.kind, TicketRow.status, func.count())
    for t_day, agency, kind, status, n in session.execute(
        counts.where(*where).group_by(TicketRow.day, TicketRow.agency_code, TicketRow.kind, TicketRow.status)
    ):
        for cell in cells(t_day, agency):
            cell.tickets += n
            cell.booked += n if kind == "booking" else 0
            cell.served += n if status == "served" else 0
            cell.counter_no_shows += n if status == "no_show" else 0
    wait = minutes_between(session, TicketRow.issued_at, TicketRow.called_at).label("m")
    for t_day, agency, minutes, n in session.execute(
        select(TicketRow.day, TicketRow.agency_code, wait, func.count())
        .where(*where, TicketRow.called_at.isnot(None))
        .group_by(TicketRow.day, TicketRow.agency_code, wait)
    ):
        for cell in cells(t_day, agency):
            cell.wait[max(0, int(minutes))] += n
    service = minutes_between(session, TicketRow.called_at, TicketRow.finished_at).label("m")
    for t_day, agency, minutes, n in session.execute(
        select(TicketRow.day, TicketRow.agency_code, service, func.count())
        .where(*where, TicketRow.status == "served", TicketRow.finished_at.isnot(None))
        .group_by(TicketRow.day, TicketRow.agency_code, service)
    ):
        for cell in cells(t_day, agency):
            cell.service[max(0, int(minutes))] += n
    hour = _utc_hour(session, TicketRow.issued_at).label("h")
    for mpp_code, t_day, agency, utc_hour, n in session.execute(
        select(TicketRow.mpp_code, TicketRow.day, TicketRow.agency_code, hour, func.count())
        .where(*where)
        .group_by(TicketRow.mpp_code, TicketRow.day, TicketRow.agency_code, hour)
    ):
        owner = catalogue.mpp(mpp_code)
        zone = ZoneInfo(owner.timezone if owner else "Asia/Jakarta")
        # Indonesia keeps no daylight saving: the zone's offset on the day shifts the UTC hour.
        offset = datetime.combine(_as_date(t_day), datetime.min.time(), zone).utcoffset() or timedelta()
        local = (int(utc_hour) + int(offset.total_seconds() // 3600)) % 24
        for cell in cells(t_day, agency):
            cell.hours[local] += n
    _bookings_and_surveys(session, catalogue, mpp, days, cells)
    return found


def _bookings_and_surveys(
    session: Session,
    catalogue: Catalogue,
    mpp: str | None,
    days: list[date],
    cells: Callable[[Any, str | None], list[Cell]],
) -> None:
    from mpp.db.booking_tables import BookingRow
    from mpp.db.survey_tables import SurveyRow

    where = [BookingRow.day >= min(days), BookingRow.day <= max(days), BookingRow.day.in_(days)]
    if mpp is not None:
        where.append(BookingRow.mpp_code == mpp)
    keys = (BookingRow.mpp_code, BookingRow.day, BookingRow.service_code, BookingRow.status)
    grouped = select(*keys, func.count(), func.sum(BookingRow.moved_count)).where(*where).group_by(*keys)
    for mpp_code, b_day, service_code, status, n, moved in session.execute(grouped):
        offering = catalogue.offering(mpp_code, service_code)  # a booking's agency: its service's, here
        for cell in cells(b_day, offering.agency_code if offering is not None else None):
            cell.bookings += n
            cell.cancellations += n if status == "cancelled" else 0
            cell.no_shows += n if status == "no_show" else 0
            cell.moves += int(moved or 0)
    scope = [SurveyRow.served_day >= min(days), SurveyRow.served_day <= max(days), SurveyRow.served_day.in_(days)]
    if mpp is not None:
        scope.append(SurveyRow.mpp_code == mpp)
    elements = [func.sum(getattr(SurveyRow, f"u{i}")) for i in range(1, 10)]
    keys_ = (SurveyRow.served_day, SurveyRow.agency_code, SurveyRow.complete)
    answers = select(*keys_, func.count(), *elements, func.count(SurveyRow.overall), func.sum(SurveyRow.overall))
    for s_day, agency, complete, n, *sums, quick, quick_sum in session.execute(answers.where(*scope).group_by(*keys_)):
        for cell in cells(s_day, agency):
            if complete:
                cell.complete += n
                cell.element_sums = [a + int(b or 0) for a, b in zip(cell.element_sums, sums, strict=True)]
            else:
                cell.quick += quick
                cell.quick_sum += int(quick_sum or 0)


def _stored(session: Session, kind: str, scope: str, first: date, last: date) -> dict[date, bytes]:
    rows = session.execute(
        select(DashboardDayRow.day, DashboardDayRow.payload).where(
            DashboardDayRow.kind == kind,
            DashboardDayRow.scope == scope,
            DashboardDayRow.day >= first,
            DashboardDayRow.day <= last,
        )
    )
    return {_as_date(d): p.encode() for d, p in rows}


def _fill(
    engine: Engine,
    kind: str,
    scopes: list[str],
    days: list[date],
    compute: Callable[[Session, list[date]], dict[date, list[Any]]],
) -> dict[str, dict[date, bytes]]:
    """Compute ``days`` (one payload per scope) and store them, excluding the source tables' writers
    meanwhile (see above). Returns scope → day → payload for every day asked."""
    with Session(bind=engine) as session:
        session.connection(execution_options={"sqlite_immediate": True})
        if engine.dialect.name == "postgresql":
            session.execute(text("LOCK TABLE dashboard_day IN SHARE ROW EXCLUSIVE MODE"))
        # another page may have filled some meanwhile (the scopes of a day are written together)
        found = {scope: _stored(session, kind, scope, min(days), max(days)) for scope in scopes}
        missing = [d for d in days if d not in found[scopes[0]]]
        made = datetime.now(timezone.utc)
        rows = []
        for d, payloads in (compute(session, missing) if missing else {}).items():
            for scope, payload in zip(scopes, payloads, strict=True):
                found[scope][d] = orjson.dumps(payload)
                rows.append(
                    {"kind": kind, "scope": scope, "day": d, "payload": found[scope][d].decode(), "made_at": made}
                )
        if rows:
            session.execute(DashboardDayRow.__table__.insert(), rows)
        session.commit()
    return found


def _range(f: Filters) -> list[date]:
    return [f.start + timedelta(days=i) for i in range(f.days())]


def ticket_days(
    session: Session,
    catalogue: Catalogue,
    f: Filters,
    now: datetime,
    agencies: bool = False,
    fits: Callable[[date, date], bool] | None = None,
) -> Iterable[tuple[date, Cell | None, Day]]:
    """Each day of ``f``: its tickets (of the agency in ``f``, else all) and, when ``agencies``, per agency.

    Closed days are stored (two payloads a day: all agencies together, and per agency), the others live.
    ``fits``: a caller that only sums the days of a span (a whole week or month, first to last day)
    when ``fits(first, last)`` says so gets such spans as one entry under their first day (the days
    after it yield nothing): one stored sum instead of up to 31 days (see ``_closed``).
    """
    scopes = [f"{f.mpp or ALL}", f"{f.mpp or ALL}|agencies"]
    agencies = agencies or f.agency is not None
    open_from = _first_open_day(catalogue, f.mpp, now)
    days = _range(f)
    closed = [d for d in days if d < open_from]
    found: dict[date, tuple[Cell | None, Day]] = {}
    if closed:

        def compute(s: Session, wanted: list[date]) -> dict[date, list[Any]]:
            computed = ticket_days_computed(s, catalogue, f.mpp, wanted)
            return {
                d: [
                    cells[ALL].dump() if ALL in cells else None,
                    {a: c.dump() for a, c in cells.items() if a != ALL},
                ]
                for d, cells in computed.items()
            }

        for first, payloads in _closed(session, scopes, agencies, closed, fits, compute):
            whole = orjson.loads(payloads[0])
            per_agency = orjson.loads(payloads[1]) if agencies else {}
            found[first] = (
                Cell.load(whole) if whole else None,
                {a: Cell.load(v) for a, v in per_agency.items() if f.agency in (None, a)},
            )
    for d, cells in ticket_days_computed(session, catalogue, f.mpp, [d for d in days if d >= open_from]).items():
        found[d] = (cells.pop(ALL, None), cells)
    for d in days:
        whole, per_agency = found.get(d, (None, {}))
        if f.agency is not None:  # the agency's cell stands for the whole day
            whole = per_agency.get(f.agency)
            per_agency = {f.agency: whole} if whole is not None else {}
        yield d, whole, per_agency


# ---- whole weeks and months of stored days -------------------------------------------------------
# A span's sum is stored beside its days (kind "tickets_week" / "tickets_month", the days' scope, the
# span's first day) with a fingerprint of the stored days it was summed from (their ``made_at``). A
# trigger that deletes a day (migration 0008p) changes the day's ``made_at`` once it is filled again,
# so a span whose fingerprint no longer matches its days is summed again; no trigger needs to know it.
SPANS = {"month": "tickets_month", "week": "tickets_week"}


def cut_spans(closed: list[date], fits: Callable[[date, date], bool] | None) -> list[tuple[str | None, list[date]]]:
    """``closed`` (consecutive days) cut into whole months, then whole weeks (Monday–Sunday) in what
    the months leave, then days; a span only where ``fits(first, last)``."""
    units: list[tuple[str | None, list[date]]] = []
    gap: list[date] = []

    def span(first: date, kind: str) -> list[date] | None:
        if kind == "month":
            starts, after = first.day == 1, (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            starts, after = first.weekday() == 0, first + timedelta(days=7)
        last = after - timedelta(days=1)
        if fits is None or not starts or last > closed[-1] or not fits(first, last):
            return None
        return [first + timedelta(days=k) for k in range((last - first).days + 1)]

    def weeks(days: list[date]) -> None:
        i = 0
        while i < len(days):
            week = span(days[i], "week") if len(days) - i >= 7 else None
            units.append(("week", week) if week else (None, [days[i]]))
            i += len(week) if week else 1

    i = 0
    while i < len(closed):
        month = span(closed[i], "month")
        if month is None:
            gap.append(closed[i])
            i += 1
            continue
        weeks(gap)
        gap = []
        units.append(("month", month))
        i += len(month)
    weeks(gap)
    return units


def _fingerprint(made: dict[date, str], days: list[date]) -> str | None:
    marks = [made.get(d) for d in days]
    if any(m is None for m in marks):
        return None
    return hashlib.blake2b(";".join(str(m) for m in marks).encode(), digest_size=12).hexdigest()


def merged(cells: Iterable[Cell]) -> Cell:
    """The sum of days' cells (counts, histograms and survey sums add up exactly)."""
    out = Cell()
    for c in cells:
        out.tickets += c.tickets
        out.booked += c.booked
        out.served += c.served
        out.counter_no_shows += c.counter_no_shows
        for mine, theirs in ((out.wait, c.wait), (out.service, c.service), (out.hours, c.hours)):
            for value, n in pairs(theirs):
                mine[value] += n
        out.bookings += c.bookings
        out.cancellations += c.cancellations
        out.no_shows += c.no_shows
        out.moves += c.moves
        out.complete += c.complete
        out.element_sums = [a + b for a, b in zip(out.element_sums, c.element_sums, strict=True)]
        out.quick += c.quick
        out.quick_sum += c.quick_sum
    return out


def _merged_payload(payloads: list[bytes], agencies: bool) -> Any:
    loaded = [orjson.loads(p) for p in payloads]
    if not agencies:
        wholes = [Cell.load(w) for w in loaded if w]
        return merged(wholes).dump() if wholes else None
    by_agency: dict[str, list[Cell]] = defaultdict(list)
    for per_agency in loaded:
        for agency, data in per_agency.items():
            by_agency[agency].append(Cell.load(data))
    return {agency: merged(cells).dump() for agency, cells in by_agency.items()}


def _day_rows(session: Session, scopes: list[str], days: list[date]) -> dict[str, dict[date, tuple[str, bytes]]]:
    """Stored days of ``scopes``: scope → day → (made_at as read, payload)."""
    found: dict[str, dict[date, tuple[str, bytes]]] = {scope: {} for scope in scopes}
    if not days:
        return found
    first, last = min(days), max(days)
    where = [DashboardDayRow.kind == TICKETS, DashboardDayRow.scope.in_(scopes)]
    where += [DashboardDayRow.day >= first, DashboardDayRow.day <= last]
    if len(days) < (last - first).days + 1:
        where.append(DashboardDayRow.day.in_(days))
    cols = (DashboardDayRow.scope, DashboardDayRow.day, DashboardDayRow.made_at, DashboardDayRow.payload)
    for scope, d, made, payload in session.execute(select(*cols).where(*where)):
        found[scope][_as_date(d)] = (str(made), payload.encode())
    return found


def _closed(
    session: Session,
    scopes: list[str],
    agencies: bool,
    closed: list[date],
    fits: Callable[[date, date], bool] | None,
    compute: Callable[[Session, list[date]], dict[date, list[Any]]],
) -> Iterable[tuple[date, list[bytes]]]:
    """The stored payloads (one per scope of ``scopes[: 1 + agencies]``) of each day of ``closed``, or
    of each whole span ``fits`` accepts (under its first day): days missing are filled (``_fill``),
    spans whose days changed summed again and stored."""
    wanted = scopes[: 1 + agencies]
    units = cut_spans(closed, fits)
    spans = [(kind, unit) for kind, unit in units if kind is not None]
    made: dict[str, dict[date, str]] = {scope: {} for scope in wanted}
    stored: dict[tuple[str, str, date], bytes] = {}
    if spans:
        cols = (DashboardDayRow.scope, DashboardDayRow.day, DashboardDayRow.made_at)
        for scope, d, at in session.execute(
            select(*cols).where(
                DashboardDayRow.kind == TICKETS,
                DashboardDayRow.scope.in_(wanted),
                DashboardDayRow.day >= closed[0],
                DashboardDayRow.day <= closed[-1],
            )
        ):
            made[scope][_as_date(d)] = str(at)
        span_cols = (DashboardDayRow.kind, DashboardDayRow.scope, DashboardDayRow.day, DashboardDayRow.payload)
        for kind, scope, d, payload in session.execute(
            select(*span_cols).where(
                DashboardDayRow.kind.in_(list(SPANS.values())),
                DashboardDayRow.scope.in_(wanted),
                DashboardDayRow.day.in_([unit[0] for _, unit in spans]),
            )
        ):
            stored[(kind, scope, _as_date(d))] = payload.encode()
    ready: dict[date, list[bytes]] = {}  # spans whose stored sum is that of their days as stored now
    for kind, unit in spans:
        sums = []
        for scope in wanted:
            fingerprint = _fingerprint(made[scope], unit)
            payload = stored.get((SPANS[kind], scope, unit[0]))
            if fingerprint is None or payload is None or not payload.startswith(f'["{fingerprint}",'.encode()):
                break
            sums.append(payload[len(fingerprint) + 4 : -1])  # the sum after the fingerprint
        else:
            ready[unit[0]] = sums
    needed = [d for kind, unit in units if unit[0] not in ready for d in unit]
    rows = _day_rows(session, wanted, needed)
    missing = [d for d in needed if d not in rows[wanted[0]]]
    if missing:
        filled = _fill(session.get_bind(), TICKETS, scopes, missing, compute)  # type: ignore[arg-type]
        for scope in wanted:  # their made_at unknown here: the spans holding them are summed next time
            rows[scope].update({d: ("", p) for d, p in filled[scope].items() if d not in rows[scope]})
    sums_to_store = []
    for kind, unit in units:
        if unit[0] in ready:
            yield unit[0], ready[unit[0]]
        elif kind is None:
            yield unit[0], [rows[scope][unit[0]][1] for scope in wanted]
        else:
            payloads = [
                orjson.dumps(_merged_payload([rows[scope][d][1] for d in unit], i == 1))
                for i, scope in enumerate(wanted)
            ]
            yield unit[0], payloads
            for scope, payload in zip(wanted, payloads, strict=True):
                fingerprint = _fingerprint({d: rows[scope][d][0] for d in unit if rows[scope][d][0]}, unit)
                if fingerprint is not None:
                    sums_to_store.append((SPANS[kind], scope, unit[0], f'["{fingerprint}",{payload.decode()}]'))
    if sums_to_store:
        _store_spans(session.get_bind(), sums_to_store)  # type: ignore[arg-type]


def _store_spans(engine: Engine, sums: list[tuple[str, str, date, str]]) -> None:
    """Insert or replace spans' sums (another view may have stored the same span meanwhile)."""
    insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
    made = datetime.now(timezone.utc)
    with Session(bind=engine) as session:
        session.connection(execution_options={"sqlite_immediate": True})
        statement = insert(DashboardDayRow.__table__)
        statement = statement.on_conflict_do_update(
            index_elements=["kind", "scope", "day"],
            set_={"payload": statement.excluded.payload, "made_at": statement.excluded.made_at},
        )
        session.execute(
            statement,
            [{"kind": k, "scope": s, "day": d, "payload": p, "made_at": made} for k, s, d, p in sums],
        )
        session.commit()


# ---- notifications -------------------------------------------------------------------------------
Counts = dict[str, list[int]]  # channel → [sent, failed, pending]


def _channel(session: Session, column: Any) -> Any:
    """The chat id's channel prefix ("telegram", "whatsapp", "console")."""
    if session.get_bind().dialect.name == "postgresql":
        return func.split_part(column, ":", 1)
    return func.substr(column, 1, func.instr(column, ":") - 1)


def _count(found: Counts, name: str | None, status: str, n: int) -> None:
    row = found.setdefault(name or "lainnya", [0, 0, 0])
    if status == "sent":
        row[0] += n
    elif status == "dead":
        row[1] += n
    elif status != "cancelled":
        row[2] += n


def notification_days_computed(
    session: Session, catalogue: Catalogue, f: Filters, days: list[date], traced: Callable[[Session], Any] | None
) -> dict[date, Counts]:
    """Outbox messages created on each of ``days`` (local days of ``f``'s zone), per channel and status."""
    from mpp.db.queue_tables import NotificationRow

    found: dict[date, Counts] = {d: {} for d in days}
    if not days:
        return found
    zone = ZoneInfo(f.zone(catalogue))
    channel = _channel(session, NotificationRow.chat_id).label("channel")
    begin = datetime.combine(min(days), datetime.min.time(), zone)
    until = datetime.combine(max(days) + timedelta(days=1), datetime.min.time(), zone)
    scope = [NotificationRow.created_at >= begin, NotificationRow.created_at < until]
    if traced is not None:
        scope.append(traced(session))
    if session.get_bind().dialect.name == "postgresql":
        local = func.cast(func.timezone(f.zone(catalogue), NotificationRow.created_at), Date)
        grouped = select(local.label("d"), channel, NotificationRow.status, func.count()).where(*scope)
        for d, name, status, n in session.execute(grouped.group_by(local, channel, NotificationRow.status)):
            if _as_date(d) in found:
                _count(found[_as_date(d)], name, status, n)
        return found
    for d in days:  # SQLite: one query per day over the day's instants
        start = datetime.combine(d, datetime.min.time(), zone)
        one = [NotificationRow.created_at >= start, NotificationRow.created_at < start + timedelta(days=1)]
        query = select(channel, NotificationRow.status, func.count()).where(*one, *scope[2:])
        for name, status, n in session.execute(query.group_by(channel, NotificationRow.status)):
            _count(found[d], name, status, n)
    return found


def notification_counts(
    session: Session, catalogue: Catalogue, f: Filters, now: datetime, traced: Callable[[Session], Any] | None
) -> Counts:
    """Per channel [sent, failed, pending] over ``f``'s days: closed days stored, the others live."""
    zone = f.zone(catalogue)
    scope = f"{f.mpp or ALL}|{f.agency or ALL}|{zone}"
    open_from = now.astimezone(ZoneInfo(zone)).date()
    days = _range(f)
    closed = [d for d in days if d < open_from]
    per_day: list[Counts] = []
    if closed:
        payloads = _stored(session, NOTIFICATIONS, scope, closed[0], closed[-1])
        missing = [d for d in closed if d not in payloads]
        if missing:

            def compute(s: Session, wanted: list[date]) -> dict[date, list[Any]]:
                return {d: [c] for d, c in notification_days_computed(s, catalogue, f, wanted, traced).items()}

            payloads.update(_fill(session.get_bind(), NOTIFICATIONS, [scope], missing, compute)[scope])  # type: ignore[arg-type]
        per_day += [orjson.loads(payloads[d]) for d in closed]
    live = [d for d in days if d >= open_from]
    per_day += notification_days_computed(session, catalogue, f, live, traced).values()
    total: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for counts in per_day:
        for name, values in counts.items():
            row = total[name]
            for i in range(3):
                row[i] += values[i]
    return dict(total)
