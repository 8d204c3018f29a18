"""Demo data for the dashboard: ``mpp demo simulate --days 30`` fills past days with a realistic queue.

Deterministic: the same seed, catalogue and end day give the same rows. Per MPP and open day
(the catalogue's opening hours), each service's arrivals follow the hour of the day (a morning peak
and a smaller one after the midday break) and the weekday (Monday busiest, Friday quieter); about a
third came with a booking, of which some were cancelled, moved or not used (no-show). Each agency's
counters serve their queue in order, so waits grow at the peaks; service times are per service
(log-normal around a mean that differs by service). Outbox messages (Telegram and WhatsApp, a few
failed) and handoffs to staff come with them.

Days the MPP is closed are skipped: its weekly hours, its own closures, decreed holidays and cuti
bersama (``data/catalogue/libur/``) and ``mpp outage add`` closures (a closed service only misses
that day). Served tickets get the SKM survey as citizens answer it: some complete (the nine
elements, in the IKM), some the one-tap overall score, some declined, most never answered (expired).

Only past days are written, all in final states: nothing is pending, nothing due, so the notifier
and the queue ignore them. No personal data: names, NIKs and phones stay empty, chat ids are
``<channel>:sim-<n>``. Running it again first deletes the rows it wrote before (``SIM_MARK``).
"""

from __future__ import annotations

import math
import random
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from mpp.booking.calendar import closed_on
from mpp.catalogue.model import Catalogue, Mpp, Offering
from mpp.db.booking_tables import BookingRow
from mpp.db.handoff_tables import HandoffRow
from mpp.db.queue_tables import SIMULATED_TICKET, NotificationRow, OutageRow, TicketRow
from mpp.db.survey_tables import SurveyRow

SIM_MARK = ":sim-"  # in every simulated chat id: how a re-run finds what it wrote
CHANNELS = (("telegram", 0.6), ("whatsapp", 0.4))
HOUR_WEIGHT = {7: 0.4, 8: 1.4, 9: 1.8, 10: 1.6, 11: 1.2, 12: 0.5, 13: 1.0, 14: 0.9, 15: 0.5, 16: 0.3, 17: 0.2}
WEEKDAY_WEIGHT = (1.3, 1.1, 1.0, 1.0, 0.8, 0.6, 0.5)
POPULAR = {
    "ktp_el": 3.0,
    "kk": 2.5,
    "akta_kelahiran": 1.6,
    "skck": 2.2,
    "sim_perpanjangan": 1.8,
    "pajak_kendaraan": 2.0,
}
BOOKED_SHARE = 0.35
CANCELLED, NO_SHOW, MOVED, COUNTER_NO_SHOW, FAILED = 0.07, 0.09, 0.06, 0.03, 0.03
BATCH = 2000
# The SKM survey after a served ticket: how citizens answer it (shares of surveys sent).
SURVEY_COMPLETE, SURVEY_QUICK, SURVEY_DECLINED = 0.22, 0.18, 0.10  # the rest expire unanswered
# Element offsets from a respondent's general satisfaction: cost (U4) is free at most counters, waiting
# time (U3) and complaint handling (U8) are judged harder.
ELEMENT_OFFSET = (0.0, -0.05, -0.2, 0.45, 0.0, 0.05, 0.1, -0.15, 0.0)
SURVEY_DELAY, SURVEY_EXPIRY = timedelta(minutes=15), timedelta(days=3)


@dataclass(frozen=True)
class Simulated:
    days: int
    mpps: tuple[str, ...]
    tickets: int
    bookings: int
    notifications: int
    handoffs: int
    surveys: int = 0
    closed_days: int = 0


def _mean_service_minutes(service_code: str) -> float:
    return 5.0 + zlib.crc32(service_code.encode()) % 11  # 5–15 minutes, fixed per service


def _hours(mpp: Mpp, day: date) -> tuple[time, time] | None:
    for h in mpp.hours:
        if h.weekday == day.weekday():
            return h.opens, h.closes
    return None


def _poisson(rng: random.Random, mean: float) -> int:
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _channel(rng: random.Random) -> str:
    return "telegram" if rng.random() < CHANNELS[0][1] else "whatsapp"


def clear(session: Session) -> None:
    """Delete what earlier runs wrote (and only that)."""
    like = f"%{SIM_MARK}%"
    session.execute(
        delete(NotificationRow).where(NotificationRow.chat_id.like(like)).execution_options(synchronize_session=False)
    )
    session.execute(delete(TicketRow).where(TicketRow.chat_id.like(like)).execution_options(synchronize_session=False))
    session.execute(
        delete(BookingRow).where(BookingRow.chat_id.like(like)).execution_options(synchronize_session=False)
    )
    session.execute(delete(HandoffRow).where(HandoffRow.sender.like(like)).execution_options(synchronize_session=False))
    session.execute(delete(SurveyRow).where(SurveyRow.chat_id.like(like)).execution_options(synchronize_session=False))


def _insert(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    for i in range(0, len(rows), BATCH):
        session.execute(insert(table), rows[i : i + BATCH])


def simulate(
    session: Session, catalogue: Catalogue, *, days: int, end: date, mpps: Iterable[str], seed: int = 15
) -> Simulated:
    """Write ``days`` days ending with ``end`` (inclusive) for ``mpps``; the caller commits."""
    clear(session)
    rng = random.Random(seed)
    codes = tuple(sorted(mpps))
    bookings: list[dict[str, Any]] = []
    tickets: list[dict[str, Any]] = []
    handoffs: list[dict[str, Any]] = []
    by_code: dict[str, dict[str, Any]] = {}
    serial = 0
    closed_days = 0
    outages: dict[tuple[str, date], set[str | None]] = defaultdict(set)  # (MPP, day) → services (None: all)
    for o_mpp, o_service, o_day in session.execute(select(OutageRow.mpp_code, OutageRow.service_code, OutageRow.day)):
        outages[(o_mpp, o_day)].add(o_service)
    for mpp_code in codes:
        mpp = catalogue.mpps[mpp_code]
        zone = ZoneInfo(mpp.timezone)
        offerings = sorted(
            (o for (m, _), o in catalogue.offerings.items() if m == mpp_code), key=lambda o: o.service_code
        )
        for offset in range(days - 1, -1, -1):
            day = end - timedelta(days=offset)
            hours = _hours(mpp, day)
            closed_services = outages.get((mpp_code, day), set())
            if hours is None or None in closed_services or closed_on(catalogue, mpp, day) is not None:
                closed_days += 1
                continue
            open_offerings = [o for o in offerings if o.service_code not in closed_services]
            arrivals = _arrivals(rng, mpp_code, day, hours, zone, open_offerings)
            numbers: dict[str, int] = defaultdict(int)
            today: list[dict[str, Any]] = []
            for at, offering in arrivals:
                serial += 1
                chat = f"{_channel(rng)}{SIM_MARK}{serial}"
                numbers[offering.queue_prefix] += 1
                number = f"{offering.queue_prefix}-{numbers[offering.queue_prefix]:03d}"
                ticket = _ticket(mpp_code, day, offering, number, at, chat)
                if rng.random() < BOOKED_SHARE:
                    booking = _booking(rng, serial, mpp_code, day, offering, number, at, chat, zone)
                    bookings.append(booking)
                    if booking["status"] in ("cancelled", "no_show"):
                        continue
                    ticket["kind"], ticket["booking_code"] = "booking", booking["code"]
                    ticket["slot_start"] = booking["start"]
                    by_code[booking["code"]] = booking
                today.append(ticket)
            _serve(rng, today, mpp)
            tickets.extend(today)
            handoffs.extend(_handoffs(rng, mpp, day, hours, zone, serial))
            serial += 20
    for t in tickets:  # a booking follows its ticket: called but absent at the counter is a no-show too
        if t.get("booking_code") and t["status"] == "no_show":
            by_code[t["booking_code"]]["status"] = "no_show"
    _insert(session, BookingRow, bookings)
    booking_ids = _ids(session, BookingRow.code, BookingRow.id, [b["code"] for b in bookings])
    for t in tickets:
        code = t.pop("booking_code", None)
        t["booking_id"] = booking_ids.get(code) if code else None
    _insert(session, TicketRow, tickets)
    ticket_ids = dict(
        session.execute(select(TicketRow.chat_id, TicketRow.id).where(TicketRow.chat_id.like(f"%{SIM_MARK}%"))).all()  # type: ignore[arg-type]
    )
    notes = _notifications(rng, bookings, booking_ids, tickets, ticket_ids)
    _insert(session, NotificationRow, notes)
    _insert(session, HandoffRow, handoffs)
    surveys = _surveys(random.Random(seed + 1), tickets, ticket_ids)
    _insert(session, SurveyRow, surveys)
    return Simulated(days, codes, len(tickets), len(bookings), len(notes), len(handoffs), len(surveys), closed_days)


def _ids(session: Session, key: Any, id_column: Any, keys: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i in range(0, len(keys), BATCH):
        found.update(dict(session.execute(select(key, id_column).where(key.in_(keys[i : i + BATCH]))).all()))  # type: ignore[arg-type]
    return found


def _arrivals(
    rng: random.Random, mpp_code: str, day: date, hours: tuple[time, time], zone: ZoneInfo, offerings: list[Offering]
) -> list[tuple[datetime, Offering]]:
    opens = datetime.combine(day, hours[0], zone)
    closes = datetime.combine(day, hours[1], zone) - timedelta(minutes=30)  # the last ticket half an hour before
    size = 1.0 + zlib.crc32(mpp_code.encode()) % 5 / 10  # MPPs differ in size
    means = {o.service_code: 12.0 * POPULAR.get(o.service_code, 0.6) * size for o in offerings}
    # An agency's demand stays below what its counters can serve in a day (queues grow at peaks only).
    open_minutes = (closes - opens).total_seconds() / 60
    demand: dict[str, float] = defaultdict(float)
    capacity: dict[str, float] = defaultdict(float)
    for o in offerings:
        demand[o.agency_code] += means[o.service_code] * _mean_service_minutes(o.service_code)
        capacity[o.agency_code] = max(capacity[o.agency_code], max(1, len(o.counters)) * open_minutes * 0.8)
    found: list[tuple[datetime, Offering]] = []
    for offering in offerings:
        scale = min(1.0, capacity[offering.agency_code] / max(1.0, demand[offering.agency_code]))
        mean_day = means[offering.service_code] * scale * WEEKDAY_WEIGHT[day.weekday()]
        hour = opens.replace(minute=0)
        while hour < closes:
            weight = HOUR_WEIGHT.get(hour.hour, 0.1) / 10.0
            for _ in range(_poisson(rng, mean_day * weight)):
                at = hour + timedelta(seconds=rng.randrange(3600))
                if opens <= at < closes:
                    found.append((at.astimezone(timezone.utc), offering))
            hour += timedelta(hours=1)
    found.sort(key=lambda pair: (pair[0], pair[1].service_code))
    return found


def _ticket(mpp_code: str, day: date, offering: Offering, number: str, at: datetime, chat: str) -> dict[str, Any]:
    return {
        "mpp_code": mpp_code,
        "agency_code": offering.agency_code,
        "service_code": offering.service_code,
        "day": day,
        "number": number,
        "kind": "walk_in",
        "priority": False,
        "status": "waiting",
        "slot_start": None,
        "issued_at": at,
        "chat_id": chat,
        "recall_count": 0,
        "away_notified": False,
    }


def _booking(
    rng: random.Random,
    serial: int,
    mpp_code: str,
    day: date,
    offering: Offering,
    number: str,
    at: datetime,
    chat: str,
    zone: ZoneInfo,
) -> dict[str, Any]:
    local = at.astimezone(zone)
    minute = local.hour * 60 + local.minute
    start_minute = minute - minute % offering.slot_minutes
    start = time(start_minute // 60, start_minute % 60)
    end_minute = start_minute + offering.slot_minutes
    end = time(min(23, end_minute // 60), end_minute % 60 if end_minute < 24 * 60 else 59)
    created = at - timedelta(days=rng.randint(1, 10), minutes=rng.randrange(600))
    draw = rng.random()
    status = "cancelled" if draw < CANCELLED else "no_show" if draw < CANCELLED + NO_SHOW else "served"
    updated = at if status != "cancelled" else created + timedelta(hours=rng.randint(1, 20))
    return {
        "code": f"SIM{serial:07d}",
        "request_id": f"sim-{serial}",
        "mpp_code": mpp_code,
        "service_code": offering.service_code,
        "day": day,
        "start": start,
        "end": end,
        "queue_number": number,
        "status": status,
        "chat_id": chat,
        "moved_count": 1 if rng.random() < MOVED else 0,
        "created_at": created,
        "updated_at": updated,
        "cancelled_at": updated if status == "cancelled" else None,
    }


def _serve(rng: random.Random, day_tickets: list[dict[str, Any]], mpp: Mpp) -> None:
    """Each agency's counters call their waiting tickets in order of issue (a booking first when both wait)."""
    by_agency: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for t in day_tickets:
        by_agency[t["agency_code"]].append(t)
    for agency, queue in by_agency.items():
        counters = sorted(c.code for c in mpp.counters.values() if c.agency_code == agency) or ["1"]
        free = {c: queue[0]["issued_at"] for c in counters}
        for t in sorted(queue, key=lambda t: (t["issued_at"], t["kind"] != "booking")):
            counter = min(free, key=lambda c: (free[c], c))
            called = max(t["issued_at"], free[counter]) + timedelta(seconds=rng.randint(10, 60))
            minutes = rng.lognormvariate(math.log(_mean_service_minutes(t["service_code"])), 0.4)
            t["called_at"], t["counter_code"] = called, counter
            if rng.random() < COUNTER_NO_SHOW:
                t["status"], t["finished_at"], t["recall_count"] = "no_show", called + timedelta(minutes=4), 1
                free[counter] = t["finished_at"]
            else:
                t["status"], t["finished_at"] = "served", called + timedelta(seconds=round(minutes * 60))
                free[counter] = t["finished_at"]


def _note(rng: random.Random, chat: str, kind: str, key: str, at: datetime, booking_id: int | None) -> dict[str, Any]:
    failed = rng.random() < FAILED
    return {
        "chat_id": chat,
        "kind": kind,
        "text": f"(data simulasi: {kind})",
        "dedupe_key": key,
        "booking_id": booking_id,
        "due_at": at,
        "status": "dead" if failed else "sent",
        "attempts": 5 if failed else 1,
        "last_error": "simulasi: chat tidak dapat dihubungi" if failed else None,
        "created_at": at,
        "sent_at": None if failed else at + timedelta(seconds=rng.randint(1, 20)),
    }


def _notifications(
    rng: random.Random,
    bookings: list[dict[str, Any]],
    booking_ids: dict[str, int],
    tickets: list[dict[str, Any]],
    ticket_ids: dict[str, int],
) -> list[dict[str, Any]]:
    notes = []
    for b in bookings:
        bid = booking_ids[b["code"]]
        notes.append(_note(rng, b["chat_id"], "booking_reminder", f"sim:booking:{bid}:reminder", b["created_at"], bid))
        if b["status"] == "no_show":
            notes.append(_note(rng, b["chat_id"], "booking_missed", f"sim:booking:{bid}:missed", b["updated_at"], bid))
    for t in tickets:
        tid = ticket_ids[t["chat_id"]]
        if t.get("called_at") is not None:
            notes.append(
                _note(rng, t["chat_id"], "called", f"ticket:{tid}:sim-called", t["called_at"], t["booking_id"])
            )
    return notes


def _handoffs(
    rng: random.Random, mpp: Mpp, day: date, hours: tuple[time, time], zone: ZoneInfo, serial: int
) -> list[dict[str, Any]]:
    found = []
    agencies = sorted(mpp.agencies)
    opens = datetime.combine(day, hours[0], zone)
    span = int((datetime.combine(day, hours[1], zone) - opens).total_seconds())
    for i in range(_poisson(rng, 5.0 * WEEKDAY_WEIGHT[day.weekday()])):
        created = (opens + timedelta(seconds=rng.randrange(max(1, span)))).astimezone(timezone.utc)
        answered = rng.random() < 0.88
        claimed = created + timedelta(seconds=round(60 * rng.lognormvariate(math.log(4.0), 0.7))) if answered else None
        ended = (claimed or created) + timedelta(minutes=rng.randint(3, 25))
        found.append(
            {
                "sender": f"{_channel(rng)}{SIM_MARK}h{serial}-{i}",
                "open_sender": None,
                "mpp_code": mpp.code,
                "agency_code": rng.choice(agencies) if agencies and rng.random() < 0.7 else None,
                "topic": "fallback",
                "status": "ended",
                "ended_reason": "staff" if answered else "timeout",
                "created_at": created,
                "queued_at": created,
                "claimed_at": claimed,
                "last_staff_at": claimed,
                "last_citizen_at": created,
                "ended_at": ended,
            }
        )
    return found


def _score(rng: random.Random, level: float) -> int:
    return min(4, max(1, round(level + rng.gauss(0.0, 0.45))))


def _surveys(rng: random.Random, tickets: list[dict[str, Any]], ticket_ids: dict[str, int]) -> list[dict[str, Any]]:
    """The survey of every served ticket, answered as citizens do: complete, one tap, declined or never."""
    found = []
    for t in tickets:
        if t["status"] != "served":
            continue
        sent = t["finished_at"] + SURVEY_DELAY
        draw = rng.random()
        status = (
            "complete"
            if draw < SURVEY_COMPLETE
            else "quick"
            if draw < SURVEY_COMPLETE + SURVEY_QUICK
            else "declined"
            if draw < SURVEY_COMPLETE + SURVEY_QUICK + SURVEY_DECLINED
            else "expired"
        )
        waited = (t["called_at"] - t["issued_at"]).total_seconds() / 60
        mood = rng.gauss(3.3, 0.35) - (0.3 if waited > 30 else 0.0)  # a long wait colours every answer
        row: dict[str, Any] = {
            "ticket_id": ticket_ids[t["chat_id"]],
            "chat_id": t["chat_id"],
            "mpp_code": t["mpp_code"],
            "agency_code": t["agency_code"],
            "service_code": t["service_code"],
            "served_day": t["day"],
            "status": status,
            **{f"u{i}": None for i in range(1, 10)},
            "overall": None,
            "complete": status == "complete",
            "comment_encrypted": None,
            "complaint_like": False,
            "created_at": sent,
            "sent_at": sent,
            "expires_at": sent + SURVEY_EXPIRY,
            "answered_at": None,
        }
        if status == "complete":
            for i, offset in enumerate(ELEMENT_OFFSET, start=1):
                row[f"u{i}"] = _score(rng, mood + offset - (0.4 if i == 3 and waited > 30 else 0.0))
        elif status == "quick":
            row["overall"] = _score(rng, mood)
        if status in ("complete", "quick", "declined"):
            row["answered_at"] = sent + timedelta(seconds=rng.randint(60, 6 * 3600))
        found.append(row)
    return found


def has_simulated(session: Session, mpp: str | None = None) -> bool:
    """Whether simulated tickets (of ``mpp``) are stored: the console says when it shows demo data."""
    where = [text(SIMULATED_TICKET)]  # the predicate of the partial index ix_ticket_simulated
    if mpp is not None:
        where.append(TicketRow.mpp_code == mpp)
    return session.execute(select(TicketRow.id).where(*where).limit(1)).first() is not None
