"""Erasure and retention of the live handoff's records (``mpp.handoff``): apart from the package so that
the privacy store and the retention job reach them without importing the handoff's use cases."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from mpp.db.handoff_tables import HandoffDutyRow, HandoffMessageRow, HandoffRow
from mpp.db.queue_tables import NotificationRow

NOTICE_KINDS = ("handoff_claimed", "handoff_reply", "handoff_ended", "handoff_timeout", "handoff_moved")
KEEP_DAYS = 30  # after a handoff ended, or after a message nobody answered was left (README: Privacy)


def erase_sender(session: Session, sender: str) -> int:
    """Every handoff of this chat, its transcript and the notices about it: gone ("hapus data saya")."""
    ids = list(session.execute(select(HandoffRow.id).where(HandoffRow.sender == sender)).scalars())
    if ids:
        session.execute(delete(HandoffMessageRow).where(HandoffMessageRow.handoff_id.in_(ids)))
        session.execute(delete(HandoffRow).where(HandoffRow.id.in_(ids)))
    session.execute(
        delete(NotificationRow)
        .where(NotificationRow.chat_id == sender, NotificationRow.kind.in_(NOTICE_KINDS))
        .execution_options(synchronize_session=False)
    )
    return len(ids)


def purge(session: Session, now: datetime, keep_days: int = KEEP_DAYS) -> dict[str, int]:
    """Ended chats ``keep_days`` after they ended, and left messages nobody answered that long after they were left."""
    cutoff = now - timedelta(days=keep_days)
    old = or_(
        and_(HandoffRow.status == "ended", HandoffRow.ended_at < cutoff),
        and_(HandoffRow.status != "ended", HandoffRow.created_at < cutoff),
    )
    ids = list(session.execute(select(HandoffRow.id).where(old)).scalars())
    lines_deleted = 0
    if ids:
        lines_deleted = int(
            session.execute(delete(HandoffMessageRow).where(HandoffMessageRow.handoff_id.in_(ids))).rowcount or 0
        )
        session.execute(delete(HandoffRow).where(HandoffRow.id.in_(ids)))
    duty = session.execute(delete(HandoffDutyRow).where(HandoffDutyRow.seen_at < now - timedelta(days=1)))
    return {"handoff": len(ids), "handoff_message": lines_deleted, "handoff_duty": int(duty.rowcount or 0)}
