"""The notification outbox: written with the change it reports, claimed and sent by the notifier.

Writing (``SqlOutbox``): a notice is inserted in the same transaction as the change it
reports, so a call to the counter is never recorded without its "silakan menuju loket"
message, nor a message sent for a call that did not happen. ``dedupe_key`` makes
writing the same notice twice harmless.

Claiming: due, leased, retried with back-off, or dead. A claim is a lease: if the notifier dies after sending but before marking the row
sent, the lease runs out and the row is sent again — the only way a citizen can
get a message twice. A message that can never be delivered (the user blocked the
bot) is marked dead and listed in the console instead of being retried forever.

Sealed notices: a text that may carry personal data (a staff member's reply in a handoff) is
stored as ``seal(crypto, text)``, Fernet ciphertext behind a marker, and travels sealed through
the outbox, the Redis stream and the dead letters; the notifier opens it just before sending.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from mpp.db.queue_tables import NotificationRow
from mpp.db.sql import insert_ignore
from mpp.privacy import Crypto

LEASE = timedelta(seconds=60)
BACKOFF = (5, 20, 60, 300, 900, 3600)  # seconds; after these, the message is dead


REMINDERS = ("reminder_day", "reminder_hour")
SEALED = "sealed:"


def seal(crypto: Crypto, text: str) -> str:
    """A notice text kept encrypted at rest until the notifier sends it."""
    return SEALED + crypto.encrypt(text)


def is_sealed(text: str) -> bool:
    return text.startswith(SEALED)


def unseal(crypto: Crypto, text: str) -> str | None:
    """The text to send: as is, or opened; None when no configured key opens it."""
    return crypto.decrypt(text[len(SEALED) :]) if is_sealed(text) else text


@dataclass(frozen=True)
class Notice:
    """One message to one chat; ``due_at`` None means as soon as possible."""

    chat_id: str
    kind: str
    text: str
    dedupe_key: str
    due_at: datetime | None = None
    booking_id: int | None = None


class Outbox(Protocol):
    def add(self, notice: Notice, now: datetime) -> None: ...

    def cancel_reminders(self, booking_id: int) -> None:
        """Reminders of this booking not sent yet are not sent at all."""


class SqlOutbox:
    def __init__(self, session: Session):
        self.session = session

    def add(self, notice: Notice, now: datetime) -> None:
        insert_ignore(
            self.session,
            NotificationRow,
            {
                "chat_id": notice.chat_id,
                "kind": notice.kind,
                "text": notice.text,
                "dedupe_key": notice.dedupe_key,
                "booking_id": notice.booking_id,
                "due_at": notice.due_at or now,
                "status": "pending",
                "attempts": 0,
                "created_at": now,
            },
            ["dedupe_key"],
        )

    def cancel_reminders(self, booking_id: int) -> None:
        self.session.execute(
            update(NotificationRow)
            .where(
                NotificationRow.booking_id == booking_id,
                NotificationRow.status == "pending",
                NotificationRow.kind.in_(REMINDERS),
            )
            .values(status="cancelled")
            .execution_options(synchronize_session=False)
        )


@dataclass(frozen=True)
class Pending:
    id: int
    chat_id: str
    kind: str
    text: str
    attempts: int


def claim(session: Session, now: datetime, limit: int = 50, status: str = "pending") -> list[Pending]:
    leased_out = or_(NotificationRow.lease_until.is_(None), NotificationRow.lease_until < now)
    query = (
        select(NotificationRow)
        .where(NotificationRow.status == status, NotificationRow.due_at <= now, leased_out)
        .order_by(NotificationRow.due_at, NotificationRow.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.execute(query).scalars())
    for row in rows:
        row.lease_until, row.attempts = now + LEASE, row.attempts + 1
    return [Pending(r.id, r.chat_id, r.kind, r.text, r.attempts) for r in rows]


def mark_sent(session: Session, ids: list[int], now: datetime) -> None:
    if ids:
        session.execute(
            update(NotificationRow)
            .where(NotificationRow.id.in_(ids))
            .values(status="sent", sent_at=now, lease_until=None)
            .execution_options(synchronize_session=False)
        )


def mark_relayed(session: Session, ids: list[int]) -> None:
    if ids:
        session.execute(
            update(NotificationRow)
            .where(NotificationRow.id.in_(ids))
            .values(status="relayed", lease_until=None)
            .execution_options(synchronize_session=False)
        )


def retry(session: Session, note_id: int, attempts: int, error: str, now: datetime) -> str:
    """Back off, or give up after the last delay; returns the new status."""
    if attempts > len(BACKOFF):
        return dead(session, note_id, error)
    session.execute(
        update(NotificationRow)
        .where(NotificationRow.id == note_id)
        .values(
            status="pending",
            due_at=now + timedelta(seconds=BACKOFF[attempts - 1]),
            lease_until=None,
            last_error=error[:500],
        )
        .execution_options(synchronize_session=False)
    )
    return "pending"


def dead(session: Session, note_id: int, error: str) -> str:
    session.execute(
        update(NotificationRow)
        .where(NotificationRow.id == note_id)
        .values(status="dead", lease_until=None, last_error=error[:500])
        .execution_options(synchronize_session=False)
    )
    return "dead"


def dead_letters(session: Session, limit: int = 100) -> list[NotificationRow]:
    return list(
        session.execute(
            select(NotificationRow)
            .where(NotificationRow.status == "dead")
            .order_by(NotificationRow.id.desc())
            .limit(limit)
        ).scalars()
    )
