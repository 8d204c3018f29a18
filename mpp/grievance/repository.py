"""The complaint tables in SQL: rows to ``Complaint`` views, numbering, notes, look-up throttling, erasure, retention."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from mpp.db.complaint_tables import ComplaintLookupRow, ComplaintNoteRow, ComplaintRow
from mpp.db.queue_tables import NotificationRow
from mpp.db.sql import aware
from mpp.grievance.model import Category, Complaint, Status
from mpp.numbering import SqlQueueNumbers

# Complaint numbers reuse the queue's counters (one row per key and day, incremented under its row lock, so
# two filings never get the same number on PostgreSQL or SQLite): the key is this pseudo-MPP, the day 1 January.
COUNTER_KEY = "(pengaduan)"


def view(row: ComplaintRow) -> Complaint:
    return Complaint(
        id=int(row.id),
        number=row.number,
        sender=row.sender,
        mpp_code=row.mpp_code,
        named_agency=row.named_agency,
        assigned_agency=row.assigned_agency,
        category=Category(row.category),
        status=Status(row.status),
        filed_at=aware(row.filed_at),  # type: ignore[arg-type]
        respond_by=row.respond_by,
        resolve_by=row.resolve_by,
        responded_at=aware(row.responded_at),
        resolved_at=aware(row.resolved_at),
        has_contact=row.contact_encrypted is not None,
        erased=row.erased_at is not None,
    )


def next_sequence(session: Session, year: int) -> int:
    return SqlQueueNumbers(session).next(COUNTER_KEY, "ADU", date(year, 1, 1))


def row(session: Session, complaint_id: int) -> ComplaintRow | None:
    return session.get(ComplaintRow, complaint_id)


def by_number(session: Session, number: str) -> ComplaintRow | None:
    return session.execute(select(ComplaintRow).where(ComplaintRow.number == number)).scalar_one_or_none()


def of_sender(session: Session, sender: str, limit: int = 5) -> list[Complaint]:
    rows = session.execute(
        select(ComplaintRow).where(ComplaintRow.sender == sender).order_by(ComplaintRow.id.desc()).limit(limit)
    ).scalars()
    return [view(r) for r in rows]


def in_mpp(
    session: Session, mpp_code: str | None, since: datetime | None = None, until: datetime | None = None
) -> list[Complaint]:
    q = select(ComplaintRow)
    if mpp_code is not None:
        q = q.where(ComplaintRow.mpp_code == mpp_code)
    if since is not None:
        q = q.where(ComplaintRow.filed_at >= since)
    if until is not None:
        q = q.where(ComplaintRow.filed_at < until)
    return [view(r) for r in session.execute(q.order_by(ComplaintRow.filed_at, ComplaintRow.id)).scalars()]


def change(session: Session, complaint_id: int, start: tuple[Status, ...], **values: Any) -> bool:
    """Move a complaint out of one of ``start``; False when another request changed it first."""
    values = {k: (v.value if isinstance(v, Status) else v) for k, v in values.items()}
    result = session.execute(
        update(ComplaintRow)
        .where(ComplaintRow.id == complaint_id, ComplaintRow.status.in_([s.value for s in start]))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0) == 1


def add_note(
    session: Session, complaint_id: int, kind: str, staff_id: int | None, body: str | None, at: datetime
) -> None:
    session.add(
        ComplaintNoteRow(complaint_id=complaint_id, kind=kind, staff_id=staff_id, body_encrypted=body, created_at=at)
    )


def notes(session: Session, complaint_id: int) -> list[ComplaintNoteRow]:
    return list(
        session.execute(
            select(ComplaintNoteRow).where(ComplaintNoteRow.complaint_id == complaint_id).order_by(ComplaintNoteRow.id)
        ).scalars()
    )


def notice_exists(session: Session, dedupe_key: str) -> bool:
    return (
        session.execute(select(NotificationRow.id).where(NotificationRow.dedupe_key == dedupe_key)).first() is not None
    )


def failed_lookups(session: Session, chat_hash: str, since: datetime) -> int:
    return int(
        session.execute(
            select(func.count())
            .select_from(ComplaintLookupRow)
            .where(ComplaintLookupRow.chat_hash == chat_hash, ComplaintLookupRow.at >= since)
        ).scalar_one()
    )


def record_failed_lookup(session: Session, chat_hash: str, at: datetime) -> None:
    session.add(ComplaintLookupRow(chat_hash=chat_hash, at=at))
