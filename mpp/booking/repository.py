"""SQL for bookings. Every function runs inside the caller's unit of work."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mpp.booking.model import Booking
from mpp.db.booking_tables import BookingRow, LookupAttemptRow, QueueCounterRow, SlotUsageRow


def _insert_ignore(session: Session, table, values: dict, keys: list[str]) -> None:  # type: ignore[no-untyped-def]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(insert(table).values(**values).on_conflict_do_nothing(index_elements=keys))


def serialize(session: Session, *keys: str) -> None:
    """Serialise transactions that touch the same request, NIK or chat (PostgreSQL advisory locks).

    Without it, two concurrent taps of one confirmation, or one NIK booking from two chats at
    once, would both pass the checks under READ COMMITTED. SQLite needs nothing: write units
    of work start with BEGIN IMMEDIATE and so already run one at a time. Keys are locked in a
    fixed order, so two transactions cannot wait on each other.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted(set(keys)):
        session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(key, 0))))


def reserve_place(session: Session, mpp: str, service: str, day: date, start: time, quota: int) -> bool:
    """Take one place in the slot if one is left. The WHERE clause is the capacity guard."""
    _insert_ignore(
        session,
        SlotUsageRow,
        {"mpp_code": mpp, "service_code": service, "day": day, "start": start, "booked": 0},
        ["mpp_code", "service_code", "day", "start"],
    )
    result = session.execute(
        update(SlotUsageRow)
        .where(
            SlotUsageRow.mpp_code == mpp,
            SlotUsageRow.service_code == service,
            SlotUsageRow.day == day,
            SlotUsageRow.start == start,
            SlotUsageRow.booked < quota,
        )
        .values(booked=SlotUsageRow.booked + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)


def release_place(session: Session, mpp: str, service: str, day: date, start: time) -> None:
    session.execute(
        update(SlotUsageRow)
        .where(
            SlotUsageRow.mpp_code == mpp,
            SlotUsageRow.service_code == service,
            SlotUsageRow.day == day,
            SlotUsageRow.start == start,
            SlotUsageRow.booked > 0,
        )
        .values(booked=SlotUsageRow.booked - 1)
        .execution_options(synchronize_session=False)
    )


def booked_counts(session: Session, mpp: str, service: str, days: list[date]) -> dict[tuple[date, time], int]:
    rows = session.execute(
        select(SlotUsageRow.day, SlotUsageRow.start, SlotUsageRow.booked).where(
            SlotUsageRow.mpp_code == mpp, SlotUsageRow.service_code == service, SlotUsageRow.day.in_(days)
        )
    )
    return {(d, s): int(b) for d, s, b in rows}


def next_queue_number(session: Session, mpp: str, prefix: str, day: date) -> int:
    _insert_ignore(
        session,
        QueueCounterRow,
        {"mpp_code": mpp, "prefix": prefix, "day": day, "last_number": 0},
        ["mpp_code", "prefix", "day"],
    )
    key = and_(QueueCounterRow.mpp_code == mpp, QueueCounterRow.prefix == prefix, QueueCounterRow.day == day)
    session.execute(
        update(QueueCounterRow)
        .where(key)
        .values(last_number=QueueCounterRow.last_number + 1)
        .execution_options(synchronize_session=False)
    )
    return int(session.execute(select(QueueCounterRow.last_number).where(key)).scalar_one())


def to_booking(row: BookingRow) -> Booking:
    return Booking(
        id=row.id,
        code=row.code,
        mpp_code=row.mpp_code,
        service_code=row.service_code,
        jenis=row.jenis,
        day=row.day,
        start=row.start,
        end=row.end,
        queue_number=row.queue_number,
        status=row.status,
        chat_id=row.chat_id,
        moved_count=row.moved_count,
        created_at=row.created_at,
    )


def by_request(session: Session, request_id: str) -> BookingRow | None:
    return session.execute(select(BookingRow).where(BookingRow.request_id == request_id)).scalar_one_or_none()


def by_code(session: Session, code: str) -> BookingRow | None:
    return session.execute(select(BookingRow).where(BookingRow.code == code)).scalar_one_or_none()


def by_id(session: Session, booking_id: int, lock: bool = False) -> BookingRow | None:
    query = select(BookingRow).where(BookingRow.id == booking_id)
    if lock:
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def active_for_chat(session: Session, chat_id: str, from_day: date) -> list[BookingRow]:
    return list(
        session.execute(
            select(BookingRow)
            .where(BookingRow.chat_id == chat_id, BookingRow.status == "active", BookingRow.day >= from_day)
            .order_by(BookingRow.day, BookingRow.start)
        ).scalars()
    )


def active_same_day(session: Session, nik_hash: str, service: str, day: date) -> BookingRow | None:
    return (
        session.execute(
            select(BookingRow).where(
                BookingRow.nik_hash == nik_hash,
                BookingRow.service_code == service,
                BookingRow.day == day,
                BookingRow.status == "active",
            )
        )
        .scalars()
        .first()
    )


def recent_count(session: Session, since: datetime, *, chat_id: str | None = None, nik_hash: str | None = None) -> int:
    query = (
        select(func.count())
        .select_from(BookingRow)
        .where(BookingRow.status == "active", BookingRow.created_at >= since)
    )
    if chat_id is not None:
        query = query.where(BookingRow.chat_id == chat_id)
    if nik_hash is not None:
        query = query.where(BookingRow.nik_hash == nik_hash)
    return int(session.execute(query).scalar_one())


def lookup_attempts(session: Session, chat_id: str, now: datetime) -> int:
    return int(
        session.execute(
            select(func.count())
            .select_from(LookupAttemptRow)
            .where(LookupAttemptRow.chat_id == chat_id, LookupAttemptRow.at >= now - timedelta(hours=1))
        ).scalar_one()
    )


def record_lookup(session: Session, chat_id: str, now: datetime, succeeded: bool) -> None:
    session.add(LookupAttemptRow(chat_id=chat_id, at=now, succeeded=int(succeeded)))


def erase_personal_data(session: Session, chat_id: str, now: datetime) -> int:
    """Blank the personal fields of every booking of a chat; the booking itself stays for statistics."""
    result = session.execute(
        update(BookingRow)
        .where(BookingRow.chat_id == chat_id, BookingRow.erased_at.is_(None))
        .values(name_encrypted=None, nik_encrypted=None, phone_encrypted=None, nik_hash=None, erased_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def purge_personal_data(session: Session, visited_before: date, now: datetime) -> int:
    """Retention: erase personal fields of bookings whose visit day is older than the cut-off."""
    result = session.execute(
        update(BookingRow)
        .where(BookingRow.day < visited_before, BookingRow.erased_at.is_(None))
        .values(name_encrypted=None, nik_encrypted=None, phone_encrypted=None, nik_hash=None, erased_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)
