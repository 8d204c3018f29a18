"""Erasure and retention of application records (``mpp.applications``), apart from the package so that the
privacy store and the retention job reach them without importing its use cases.

What is personal in an application is the chat told about it and the clerk's note. "Hapus data saya"
takes both (and the chat's binding to its tickets, and the notices not yet read): the record stays at
the counter as an anonymous line (service, state, dates), so the agency's work and the overdue list go
on, but nothing leads back to the citizen. Retention: a finished application is deleted
``KEEP_DAYS`` after it was finished; one never finished, ``STALE_DAYS`` after its last change.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, update
from sqlalchemy.orm import Session

from mpp.db.application_tables import ApplicationRow
from mpp.db.queue_tables import NotificationRow, TicketRow

NOTICE_KIND = "application_status"
KEEP_DAYS = 30
STALE_DAYS = 365


def erase_sender(session: Session, sender: str) -> int:
    result = session.execute(
        update(ApplicationRow)
        .where(ApplicationRow.chat_id == sender)
        .values(chat_id=None, note_encrypted=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(TicketRow)
        .where(TicketRow.chat_id == sender, TicketRow.booking_id.is_(None))
        .values(chat_id=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(NotificationRow)
        .where(NotificationRow.chat_id == sender, NotificationRow.kind == NOTICE_KIND)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def purge(session: Session, now: datetime) -> dict[str, int]:
    old = or_(
        and_(ApplicationRow.finished_at.is_not(None), ApplicationRow.finished_at < now - timedelta(days=KEEP_DAYS)),
        and_(ApplicationRow.finished_at.is_(None), ApplicationRow.updated_at < now - timedelta(days=STALE_DAYS)),
    )
    result = session.execute(delete(ApplicationRow).where(old).execution_options(synchronize_session=False))
    return {"application": int(result.rowcount or 0)}
