"""Messages pushed to terminal-chat users (``console:<name>``): written by the notifier, read by the terminal client.

The terminal client goes through these two functions rather than the table, so that the
table can change without the client knowing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mpp.db.queue_tables import ConsoleMessageRow

KEEP_DAYS = 30


def post(session: Session, chat_id: str, text: str, now: datetime) -> None:
    session.add(ConsoleMessageRow(chat_id=chat_id, text=text, created_at=now, delivered=False))


def take_undelivered(session: Session, chat_id: str) -> list[str]:
    """The chat's messages not shown yet, oldest first, marked as shown (commit to keep the mark)."""
    rows = list(
        session.execute(
            select(ConsoleMessageRow)
            .where(ConsoleMessageRow.chat_id == chat_id, ConsoleMessageRow.delivered.is_(False))
            .order_by(ConsoleMessageRow.id)
        ).scalars()
    )
    for row in rows:
        row.delivered = True
    return [row.text for row in rows]


def purge(session: Session, now: datetime) -> int:
    result = session.execute(
        delete(ConsoleMessageRow)
        .where(ConsoleMessageRow.created_at < now - timedelta(days=KEEP_DAYS))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)
