"""Messages pushed to terminal-chat users (``console:<name>``): written by the notifier, read by the terminal client.

The terminal client goes through these two functions rather than the table, so that the
table can change without the client knowing. Given the keys, a message is stored sealed
(``mpp.notify_outbox.seal``): a staff member's reply in a handoff may carry personal data.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mpp.db.queue_tables import ConsoleMessageRow
from mpp.notify_outbox import is_sealed, seal, unseal
from mpp.privacy import Crypto

KEEP_DAYS = 30


def post(session: Session, chat_id: str, text: str, now: datetime, crypto: Crypto | None = None) -> None:
    stored = seal(crypto, text) if crypto is not None else text
    session.add(ConsoleMessageRow(chat_id=chat_id, text=stored, created_at=now, delivered=False))


def take_undelivered(session: Session, chat_id: str, crypto: Crypto | None = None) -> list[str]:
    """The chat's messages not shown yet, oldest first, marked as shown (commit to keep the mark).

    Sealed ones are opened with ``crypto`` (None: the configured keys)."""
    rows = list(
        session.execute(
            select(ConsoleMessageRow)
            .where(ConsoleMessageRow.chat_id == chat_id, ConsoleMessageRow.delivered.is_(False))
            .order_by(ConsoleMessageRow.id)
        ).scalars()
    )
    for row in rows:
        row.delivered = True
    if crypto is None and any(is_sealed(row.text) for row in rows):
        from mpp.privacy import load_keys

        crypto = Crypto(load_keys())
    return [(unseal(crypto, row.text) if crypto else row.text) or "[pesan tidak terbaca]" for row in rows]


def purge(session: Session, now: datetime) -> int:
    result = session.execute(
        delete(ConsoleMessageRow)
        .where(ConsoleMessageRow.created_at < now - timedelta(days=KEEP_DAYS))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)
