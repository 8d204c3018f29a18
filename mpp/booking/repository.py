"""Bookings in SQL: rows mapped to ``Booking`` objects and back, and the slot ledger.

Explicit mapping, not SQLAlchemy's imperative mapping: the tables are shared with the
console, the notifier and the migrations as declarative classes, the capacity guard and
the queue counter are conditional UPDATEs rather than loaded objects, and a plain
``Booking`` works the same in the in-memory unit of work. A loaded booking remembers its
values; at commit only the fields a rule changed are written back, so a bulk UPDATE in
the same unit of work (retention) is never overwritten by a stale object.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import fields
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from mpp.booking.model import Booking, BookingStatus, Holder
from mpp.db.booking_tables import BookingRow, LookupAttemptRow, SlotUsageRow
from mpp.db.queue_tables import OutageRow
from mpp.db.sql import aware, insert_ignore

_HOLDER = {
    "name_sealed": "name_encrypted",
    "nik_hash": "nik_hash",
    "nik_sealed": "nik_encrypted",
    "phone_sealed": "phone_encrypted",
}
_PLAIN = tuple(f.name for f in fields(Booking) if f.name not in ("id", "status", "holder"))


def _to_booking(row: BookingRow) -> Booking:
    values = {name: getattr(row, name) for name in _PLAIN}
    for name in ("created_at", "updated_at", "cancelled_at", "erased_at"):
        values[name] = aware(values[name])
    holder = Holder(**{attr: getattr(row, column) for attr, column in _HOLDER.items()})
    return Booking(id=row.id, status=BookingStatus(row.status), holder=holder, **values)


def _columns(booking: Booking) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(booking, name) for name in _PLAIN}
    values["status"] = booking.status.value
    values.update({column: getattr(booking.holder, attr) for attr, column in _HOLDER.items()})
    values["updated_at"] = booking.updated_at or booking.created_at
    return values


class SqlBookingRepository:
    def __init__(self, session: Session):
        self.session = session
        self._rows: dict[int, BookingRow] = {}
        self._loaded: dict[int, tuple[Booking, dict[str, Any]]] = {}

    # ---- the unit of work's side ------------------------------------------------------
    def seen(self) -> Iterator[Booking]:
        return iter([booking for booking, _ in self._loaded.values()])

    def flush(self) -> None:
        """Write back what rules changed since the booking was loaded (before every query, and at commit)."""
        for booking_id, (booking, before) in self._loaded.items():
            now = _columns(booking)
            row = self._rows[booking_id]
            for column, value in now.items():
                if before.get(column) != value:
                    setattr(row, column, value)
            self._loaded[booking_id] = (booking, now)
        self.session.flush()

    def _track(self, row: BookingRow) -> Booking:
        known = self._loaded.get(row.id)
        if known is not None:
            return known[0]  # one object per booking in a unit of work
        booking = _to_booking(row)
        self._rows[row.id], self._loaded[row.id] = row, (booking, _columns(booking))
        return booking

    def _one(self, query: Select) -> Booking | None:
        self.flush()  # a query sees what rules changed so far, as SQLAlchemy's autoflush would
        row = self.session.execute(query).scalars().first()
        return self._track(row) if row is not None else None

    def _all(self, query: Select) -> list[Booking]:
        self.flush()
        return [self._track(row) for row in self.session.execute(query).scalars()]

    # ---- BookingRepository ------------------------------------------------------------
    def add(self, booking: Booking) -> None:
        row = BookingRow(**_columns(booking))
        self.session.add(row)
        self.session.flush()
        booking.id = row.id
        self._rows[row.id], self._loaded[row.id] = row, (booking, _columns(booking))

    def get(self, booking_id: int, lock: bool = False) -> Booking | None:
        query = select(BookingRow).where(BookingRow.id == booking_id)
        return self._one(query.with_for_update() if lock else query)

    def by_code(self, code: str) -> Booking | None:
        return self._one(select(BookingRow).where(BookingRow.code == code))

    def by_request(self, request_id: str) -> Booking | None:
        return self._one(select(BookingRow).where(BookingRow.request_id == request_id))

    def code_taken(self, code: str) -> bool:
        self.flush()
        return self.session.execute(select(BookingRow.id).where(BookingRow.code == code)).first() is not None

    def of_chat(self, chat_id: str) -> list[Booking]:
        return self._all(select(BookingRow).where(BookingRow.chat_id == chat_id).order_by(BookingRow.id))

    def active_for_chat(self, chat_id: str, from_day: date) -> list[Booking]:
        return self._all(
            select(BookingRow)
            .where(BookingRow.chat_id == chat_id, BookingRow.status == BookingStatus.ACTIVE.value)
            .where(BookingRow.day >= from_day)
            .order_by(BookingRow.day, BookingRow.start)
        )

    def active_same_day(self, nik_hash: str, service_code: str, day: date) -> Booking | None:
        return self._one(
            select(BookingRow).where(
                BookingRow.nik_hash == nik_hash,
                BookingRow.service_code == service_code,
                BookingRow.day == day,
                BookingRow.status == BookingStatus.ACTIVE.value,
            )
        )

    def recent_count(self, since: datetime, *, chat_id: str | None = None, nik_hash: str | None = None) -> int:
        self.flush()
        query = (
            select(func.count())
            .select_from(BookingRow)
            .where(BookingRow.status == BookingStatus.ACTIVE.value, BookingRow.created_at >= since)
        )
        if chat_id is not None:
            query = query.where(BookingRow.chat_id == chat_id)
        if nik_hash is not None:
            query = query.where(BookingRow.nik_hash == nik_hash)
        return int(self.session.execute(query).scalar_one())

    def active_on(self, mpp_code: str, day: date, service_code: str | None = None) -> list[Booking]:
        query = select(BookingRow).where(
            BookingRow.mpp_code == mpp_code, BookingRow.day == day, BookingRow.status == BookingStatus.ACTIVE.value
        )
        if service_code is not None:
            query = query.where(BookingRow.service_code == service_code)
        return self._all(query.order_by(BookingRow.id))

    def active_until(self, day: date) -> list[Booking]:
        return self._all(
            select(BookingRow)
            .where(BookingRow.status == BookingStatus.ACTIVE.value, BookingRow.day <= day)
            .order_by(BookingRow.id)
        )

    def purge_personal_data(self, visited_before: date, now: datetime) -> int:
        self.flush()
        return purge_personal_data(self.session, visited_before, now)


def purge_personal_data(session: Session, visited_before: date, now: datetime) -> int:
    """Retention: erase personal fields of bookings whose visit day is older than the cut-off."""
    result = session.execute(
        update(BookingRow)
        .where(BookingRow.day < visited_before, BookingRow.erased_at.is_(None))
        .values(name_encrypted=None, nik_encrypted=None, phone_encrypted=None, nik_hash=None, erased_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


class SqlSlotLedger:
    """Capacity is one conditional UPDATE (``booked = booked + 1 WHERE booked < quota``):
    PostgreSQL re-checks the condition after a concurrent writer commits and SQLite runs
    writers one at a time, so two requests can never both take the last place."""

    def __init__(self, session: Session):
        self.session = session

    def _key(self, mpp_code: str, service_code: str, day: date, start: time) -> Any:
        return and_(
            SlotUsageRow.mpp_code == mpp_code,
            SlotUsageRow.service_code == service_code,
            SlotUsageRow.day == day,
            SlotUsageRow.start == start,
        )

    def reserve(self, mpp_code: str, service_code: str, day: date, start: time, quota: int) -> bool:
        insert_ignore(
            self.session,
            SlotUsageRow,
            {"mpp_code": mpp_code, "service_code": service_code, "day": day, "start": start, "booked": 0},
            ["mpp_code", "service_code", "day", "start"],
        )
        result = self.session.execute(
            update(SlotUsageRow)
            .where(self._key(mpp_code, service_code, day, start), SlotUsageRow.booked < quota)
            .values(booked=SlotUsageRow.booked + 1)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)

    def release(self, mpp_code: str, service_code: str, day: date, start: time) -> None:
        self.session.execute(
            update(SlotUsageRow)
            .where(self._key(mpp_code, service_code, day, start), SlotUsageRow.booked > 0)
            .values(booked=SlotUsageRow.booked - 1)
            .execution_options(synchronize_session=False)
        )

    def taken(self, mpp_code: str, service_code: str, days: list[date]) -> dict[tuple[date, time], int]:
        rows = self.session.execute(
            select(SlotUsageRow.day, SlotUsageRow.start, SlotUsageRow.booked).where(
                SlotUsageRow.mpp_code == mpp_code,
                SlotUsageRow.service_code == service_code,
                SlotUsageRow.day.in_(days),
            )
        )
        return {(d, s): int(b) for d, s, b in rows}


class SqlLookupLog:
    def __init__(self, session: Session):
        self.session = session

    def attempts_since(self, chat_id: str, since: datetime) -> int:
        return int(
            self.session.execute(
                select(func.count())
                .select_from(LookupAttemptRow)
                .where(LookupAttemptRow.chat_id == chat_id, LookupAttemptRow.at >= since)
            ).scalar_one()
        )

    def record(self, chat_id: str, at: datetime, succeeded: bool) -> None:
        self.session.add(LookupAttemptRow(chat_id=chat_id, at=at, succeeded=int(succeeded)))


class SqlOutageLog:
    def __init__(self, session: Session):
        self.session = session

    def for_service(self, mpp_code: str, service_code: str) -> Mapping[date, str]:
        rows = self.session.execute(
            select(OutageRow).where(
                OutageRow.mpp_code == mpp_code,
                (OutageRow.service_code.is_(None)) | (OutageRow.service_code == service_code),
            )
        ).scalars()
        return {r.day: r.reason for r in rows}

    def add(self, mpp_code: str, service_code: str | None, day: date, reason: str, at: datetime) -> int:
        row = OutageRow(mpp_code=mpp_code, service_code=service_code, day=day, reason=reason, created_at=at)
        self.session.add(row)
        self.session.flush()
        return int(row.id)

    def remove(self, outage_id: int) -> tuple[str, str | None, date] | None:
        row = self.session.get(OutageRow, outage_id)
        if row is None:
            return None
        found = (str(row.mpp_code), row.service_code, row.day)
        self.session.delete(row)
        self.session.flush()
        return found
