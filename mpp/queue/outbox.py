"""Writing notifications into the outbox, inside the caller's transaction.

The outbox row commits or rolls back with the change it reports, so a call to
the counter can never be recorded without its "silakan menuju loket" message, nor
a message sent for a call that did not happen. ``dedupe_key`` makes writing the
same notification twice harmless.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mpp.booking.model import Booking
from mpp.booking.replies import ZONE_LABELS
from mpp.catalogue.model import Catalogue
from mpp.db.queue_tables import NotificationRow
from mpp.queue import messages

REMINDER_EVENING = time(18, 0)  # the day-before reminder goes out at 18.00 local time


def add(
    session: Session,
    *,
    chat_id: str | None,
    kind: str,
    text: str,
    dedupe_key: str,
    now: datetime,
    due_at: datetime | None = None,
    booking_id: int | None = None,
) -> None:
    if not chat_id:
        return  # a walk-in ticket without a chat: nobody to tell
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(NotificationRow)
        .values(
            chat_id=chat_id,
            kind=kind,
            text=text,
            dedupe_key=dedupe_key,
            booking_id=booking_id,
            due_at=due_at or now,
            status="pending",
            attempts=0,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
    )


def schedule_reminders(session: Session, catalogue: Catalogue, booking: Booking, now: datetime) -> None:
    """The day-before and one-hour-before reminders of a booking (those still in the future)."""
    mpp, service = catalogue.mpp(booking.mpp_code), catalogue.service(booking.service_code)
    if mpp is None or service is None:
        return
    tz = ZoneInfo(mpp.timezone)
    visit = datetime.combine(booking.day, booking.start, tz)
    zone = ZONE_LABELS.get(mpp.timezone, "")
    evening_before = datetime.combine(booking.day - timedelta(days=1), REMINDER_EVENING, tz)
    base = f"booking:{booking.id}:{booking.moved_count}"
    if evening_before > now:
        add(
            session,
            chat_id=booking.chat_id,
            kind="reminder_day",
            booking_id=booking.id,
            now=now,
            due_at=evening_before,
            dedupe_key=f"{base}:reminder_day",
            text=messages.reminder_day(
                service.name, mpp.name, booking.day, booking.start, zone, booking.queue_number, booking.code
            ),
        )
    hour_before = visit - timedelta(hours=1)
    if hour_before > now:
        add(
            session,
            chat_id=booking.chat_id,
            kind="reminder_hour",
            booking_id=booking.id,
            now=now,
            due_at=hour_before,
            dedupe_key=f"{base}:reminder_hour",
            text=messages.reminder_hour(service.name, mpp.name, booking.start, zone, booking.code),
        )


def cancel_reminders(session: Session, booking_id: int) -> None:
    session.execute(
        update(NotificationRow)
        .where(
            NotificationRow.booking_id == booking_id,
            NotificationRow.status == "pending",
            NotificationRow.kind.in_(("reminder_day", "reminder_hour")),
        )
        .values(status="cancelled")
        .execution_options(synchronize_session=False)
    )


def pending_for(session: Session, chat_id: str) -> list[NotificationRow]:
    return list(
        session.execute(
            select(NotificationRow).where(NotificationRow.chat_id == chat_id).order_by(NotificationRow.id)
        ).scalars()
    )
