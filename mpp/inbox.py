"""The gateway's durable inbox: store first, answer the webhook, process in order per sender.

Channel-agnostic: Telegram updates and WhatsApp messages arrive here as rows. A
duplicate delivery (same channel and external id: Telegram update_id, WhatsApp
message id) is recognised by a unique constraint and never processed twice. The
oldest unfinished message of a sender is the only one of that sender that can be
claimed, so several gateway processes keep each conversation in order; a claim is
a lease, so the messages of a crashed process are picked up again.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from mpp.codes import ALPHABET
from mpp.db.inbox_tables import ButtonRow, InboundMessageRow

LEASE_SECONDS = 60


@dataclass(frozen=True)
class Inbound:
    id: int
    channel: str
    sender: str
    kind: str
    body: str
    reply_to: str | None
    attempts: int


def store(
    session: Session,
    *,
    channel: str,
    external_id: str,
    sender: str,
    kind: str,
    body: str,
    reply_to: str | None,
    now: datetime,
) -> bool:
    """Keep an incoming message; False when the same delivery was already stored."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    result = session.execute(
        insert(InboundMessageRow)
        .values(
            channel=channel,
            external_id=external_id,
            sender=sender,
            kind=kind,
            body=body,
            reply_to=reply_to,
            status="pending",
            attempts=0,
            received_at=now,
            next_attempt_at=now,
        )
        .on_conflict_do_nothing(index_elements=["channel", "external_id"])
    )
    return bool(result.rowcount == 1)


def claim(session: Session, now: datetime, lease_seconds: int = LEASE_SECONDS) -> Inbound | None:
    """Lease the next message to process: the oldest unfinished one of its sender, if due."""
    m, earlier = InboundMessageRow, aliased(InboundMessageRow)
    claimable = or_(m.status == "pending", and_(m.status == "processing", m.lease_until < now))
    query = (
        select(m)
        .where(claimable, m.next_attempt_at <= now)
        .where(
            ~exists().where(
                earlier.sender == m.sender, earlier.id < m.id, earlier.status.in_(("pending", "processing"))
            )
        )
        .order_by(m.id)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=m)
    row = session.execute(query).scalar_one_or_none()
    if row is None:
        return None
    row.status, row.lease_until, row.attempts = "processing", now + timedelta(seconds=lease_seconds), row.attempts + 1
    return Inbound(row.id, row.channel, row.sender, row.kind, row.body, row.reply_to, row.attempts)


def finish(session: Session, message_id: int, now: datetime) -> None:
    session.execute(
        update(InboundMessageRow)
        .where(InboundMessageRow.id == message_id)
        .values(status="done", done_at=now, lease_until=None)
    )


def retry_later(session: Session, message_id: int, now: datetime, delay_seconds: float) -> None:
    session.execute(
        update(InboundMessageRow)
        .where(InboundMessageRow.id == message_id)
        .values(status="pending", lease_until=None, next_attempt_at=now + timedelta(seconds=delay_seconds))
    )


def defer(session: Session, message_id: int, now: datetime, delay_seconds: float) -> None:
    """Put a message back for later without counting it as a failed attempt (rate limiting)."""
    session.execute(
        update(InboundMessageRow)
        .where(InboundMessageRow.id == message_id)
        .values(
            status="pending",
            lease_until=None,
            next_attempt_at=now + timedelta(seconds=delay_seconds),
            attempts=InboundMessageRow.attempts - 1,
        )
    )


def give_up(session: Session, message_id: int, now: datetime) -> None:
    session.execute(
        update(InboundMessageRow)
        .where(InboundMessageRow.id == message_id)
        .values(status="failed", done_at=now, lease_until=None)
    )


def save_buttons(session: Session, sender: str, payloads: list[str], now: datetime) -> list[str]:
    """Short ids for our own button payloads (Telegram callback_data holds at most 64 bytes)."""
    ids = []
    for payload in payloads:
        button_id = "".join(secrets.choice(ALPHABET) for _ in range(12))
        session.add(ButtonRow(id=button_id, sender=sender, payload=payload, created_at=now))
        ids.append(button_id)
    return ids


def button_payload(session: Session, sender: str, button_id: str) -> str | None:
    """The payload behind a pressed button, only for the conversation it was shown in."""
    row = session.get(ButtonRow, button_id)
    return row.payload if row is not None and row.sender == sender else None
