"""Closures decided after bookings exist (a decree, a blanko shortage, a system down).

Recording one closes the day for new bookings at once; every citizen with a booking
that day is told, offered the nearest free slot, and given a free move (a move
they did not cause does not use up their one allowed move).
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select

from mpp.booking.replies import short_day
from mpp.booking.service import BookingService
from mpp.catalogue.model import Catalogue
from mpp.db.booking_tables import BookingRow
from mpp.db.queue_tables import OutageRow
from mpp.db.uow import UnitOfWork
from mpp.queue import messages, outbox
from mpp.text import clock


def add_outage(
    bookings: BookingService,
    catalogue: Catalogue,
    mpp_code: str,
    day: date,
    reason: str,
    service_code: str | None,
    now: datetime,
) -> int:
    """Record the closure and notify the affected bookings; returns how many were affected."""
    if catalogue.mpp(mpp_code) is None:
        raise ValueError(f"unknown MPP {mpp_code}")
    if service_code is not None and catalogue.offering(mpp_code, service_code) is None:
        raise ValueError(f"{service_code} is not offered at {mpp_code}")
    with UnitOfWork(bookings._session_factory, write=True) as uow:
        row = OutageRow(mpp_code=mpp_code, service_code=service_code, day=day, reason=reason, created_at=now)
        uow.session.add(row)
        uow.session.flush()
        tag = f"outage:{row.id}"
        uow.commit()
    return notify_affected(bookings, catalogue, mpp_code, day, reason, service_code, now, tag)


def notify_affected(
    bookings: BookingService,
    catalogue: Catalogue,
    mpp_code: str,
    day: date,
    reason: str,
    service_code: str | None,
    now: datetime,
    tag: str,
) -> int:
    """Tell every active booking of that day (and service) about the closure; idempotent per ``tag``."""
    mpp = catalogue.mpps[mpp_code]
    with UnitOfWork(bookings._session_factory) as uow:
        query = select(BookingRow).where(
            BookingRow.mpp_code == mpp_code, BookingRow.day == day, BookingRow.status == "active"
        )
        if service_code is not None:
            query = query.where(BookingRow.service_code == service_code)
        affected = [(b.id, b.code, b.chat_id, b.service_code) for b in uow.session.execute(query).scalars()]
    for booking_id, code, chat_id, service in affected:
        near = bookings.nearest_free(mpp_code, service, datetime.combine(day, time(8)), limit=1)
        suggestion = f"{short_day(near[0].slot.day)} {clock(near[0].slot.start)}" if near else None
        text = messages.closure(mpp.name, day, reason, catalogue.services[service].name, code, suggestion)
        with UnitOfWork(bookings._session_factory, write=True) as uow:
            booking = uow.session.get(BookingRow, booking_id)
            if booking is not None:
                booking.moved_count = min(booking.moved_count, bookings.policy.max_moves - 1)  # a free move
                outbox.cancel_reminders(uow.session, booking_id)
            outbox.add(
                uow.session,
                chat_id=chat_id,
                kind="closure",
                text=text,
                booking_id=booking_id,
                now=now,
                dedupe_key=f"{tag}:booking:{booking_id}",
            )
            uow.commit()
    return len(affected)


def newly_closed(old: Catalogue, new: Catalogue, today: date, days: int = 30) -> list[tuple[str, date, str]]:
    """(MPP, day, reason) closed in the new catalogue but open in the old one, over the next ``days``."""
    from datetime import timedelta

    from mpp.booking.calendar import closed_on

    found = []
    for code, mpp in new.mpps.items():
        before = old.mpp(code)
        for offset in range(days + 1):
            day = today + timedelta(days=offset)
            closed = closed_on(new, mpp, day)
            if closed and before is not None and closed_on(old, before, day) is None:
                found.append((code, day, closed.reason))
    return found
