"""Erasure and retention of complaints (``mpp.grievance``): apart from the package so that the privacy store and
the retention job reach them without importing the complaint use cases (as ``mpp.handoff_records``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from mpp.db.complaint_tables import ComplaintLookupRow, ComplaintNoteRow, ComplaintRow
from mpp.db.queue_tables import NotificationRow

NOTICE_KINDS = ("complaint_reply", "complaint_assigned", "complaint_resolved")
KEEP_DAYS = 365  # the texts of a resolved complaint (README: Privacy); counts stay
LOOKUP_DAYS = 7


def _erase(session: Session, where: Any, now: datetime) -> int:
    ids = list(session.execute(select(ComplaintRow.id).where(where)).scalars())
    if not ids:
        return 0
    session.execute(
        update(ComplaintRow)
        .where(ComplaintRow.id.in_(ids))
        .values(
            sender=None,
            secret_hash=None,
            description_encrypted=None,
            occurred_encrypted=None,
            contact_encrypted=None,
            erased_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(ComplaintNoteRow)
        .where(ComplaintNoteRow.complaint_id.in_(ids))
        .values(body_encrypted=None)
        .execution_options(synchronize_session=False)
    )
    return len(ids)


def erase_sender(session: Session, sender: str, now: datetime) -> int:
    """ "Hapus data saya": the chat's complaints keep only what counts need (number, MPP, category, dates, state)."""
    count = _erase(session, ComplaintRow.sender == sender, now)
    session.execute(
        delete(NotificationRow)
        .where(NotificationRow.chat_id == sender, NotificationRow.kind.in_(NOTICE_KINDS))
        .execution_options(synchronize_session=False)
    )
    return count


def purge(session: Session, now: datetime, keep_days: int = KEEP_DAYS) -> dict[str, int]:
    """Texts of complaints resolved ``keep_days`` ago (or filed that long ago and still open: the same rule
    as a left message nobody answered); failed look-ups after ``LOOKUP_DAYS``."""
    cutoff = now - timedelta(days=keep_days)
    old = or_(ComplaintRow.resolved_at < cutoff, ComplaintRow.filed_at < cutoff)
    erased = _erase(session, old & ComplaintRow.erased_at.is_(None), now)
    lookups = session.execute(
        delete(ComplaintLookupRow).where(ComplaintLookupRow.at < now - timedelta(days=LOOKUP_DAYS))
    )
    return {"complaint": erased, "complaint_lookup": int(lookups.rowcount or 0)}
