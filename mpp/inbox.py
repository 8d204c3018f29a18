"""The gateway's durable inbox: store first, answer the webhook, process in order per sender.

Channel-agnostic: Telegram updates and WhatsApp messages arrive here as rows. A
duplicate delivery (same channel and external id: Telegram update_id, WhatsApp
message id) is recognised by a unique constraint and never processed twice. The
oldest unfinished message of a sender is the only one of that sender that can be
claimed, so several gateway processes keep each conversation in order; a claim is
a lease, so the messages of a crashed process are picked up again.

A body is encrypted (``Crypto``) before the row is first written: no NIK, phone number or
name typed by a citizen is ever in a database page, WAL file or dead tuple in clear text.
Finished rows are kept ``KEEP_DAYS`` for recognising redeliveries, then purged; webhooks
older than that are refused by the channels (``MAX_DELIVERY_AGE``), so a replay after the
purge is not processed again.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import and_, delete, exists, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased

from mpp.codes import ALPHABET
from mpp.db.inbox_tables import ButtonRow, InboundMessageRow, WhatsAppContactRow
from mpp.privacy import Crypto

LEASE_SECONDS = 60
KEEP_DAYS = 7  # finished messages (encrypted) are kept this long to recognise a redelivery
MAX_DELIVERY_AGE = timedelta(days=KEEP_DAYS - 1)  # older deliveries are refused: their twin may be purged
BUTTON_DAYS = 7  # a button older than this is stale ("Tombol itu sudah tidak berlaku")
CONTACT_DAYS = 45  # a WhatsApp contact unheard-of this long is forgotten (14 days of booking ahead + 30 of retention)


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
    crypto: Crypto,
    *,
    channel: str,
    external_id: str,
    sender: str,
    kind: str,
    body: str,
    reply_to: str | None,
    now: datetime,
) -> bool:
    """Keep an incoming message, its body encrypted; False when the same delivery was already stored."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    result = session.execute(
        insert(InboundMessageRow)
        .values(
            channel=channel,
            external_id=external_id,
            sender=sender,
            kind=kind,
            body_encrypted=crypto.encrypt(body.replace("\x00", "")),  # as every stored text (mpp.db.engine)
            reply_to=reply_to,
            status="pending",
            attempts=0,
            received_at=now,
            next_attempt_at=now,
        )
        .on_conflict_do_nothing(index_elements=["channel", "external_id"])
    )
    return bool(result.rowcount == 1)


def claim(session: Session, crypto: Crypto, now: datetime, lease_seconds: int = LEASE_SECONDS) -> Inbound | None:
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
    body = crypto.decrypt(row.body_encrypted)
    if body is None:  # encrypted under a key no longer configured: nothing sensible can be sent on
        row.status, row.done_at, row.lease_until = "failed", now, None
        return claim(session, crypto, now, lease_seconds)
    return Inbound(row.id, row.channel, row.sender, row.kind, body, row.reply_to, row.attempts)


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


def remember_contact(session: Session, crypto: Crypto, sender: str, wa_id: str, now: datetime) -> None:
    """Where to reach a WhatsApp sender whose id is a keyed hash, and when they last wrote (the 24-hour window)."""
    row = session.get(WhatsAppContactRow, sender)
    if row is None:
        session.add(WhatsAppContactRow(sender=sender, wa_id_encrypted=crypto.encrypt(wa_id), last_inbound_at=now))
    else:
        row.last_inbound_at = now


def contact(session: Session, crypto: Crypto, sender: str) -> tuple[str | None, datetime | None]:
    """The WhatsApp number behind ``sender`` and the time of their last message (None, None if unknown)."""
    row = session.get(WhatsAppContactRow, sender)
    if row is None:
        return None, None
    last = row.last_inbound_at
    if last is not None and last.tzinfo is None:  # SQLite keeps no time zone
        last = last.replace(tzinfo=timezone.utc)
    return crypto.decrypt(row.wa_id_encrypted), last


def erase_sender(session: Session, sender: str) -> None:
    """ "Hapus data saya": the finished messages and the buttons of this conversation go now.

    Messages still waiting are kept (they are the citizen's next turns) and purged like any other.
    """
    session.execute(
        delete(InboundMessageRow)
        .where(InboundMessageRow.sender == sender, InboundMessageRow.status.in_(("done", "failed")))
        .execution_options(synchronize_session=False)
    )
    session.execute(delete(ButtonRow).where(ButtonRow.sender == sender).execution_options(synchronize_session=False))


def purge(session: Session, now: datetime) -> dict[str, int]:
    """Retention: finished messages after KEEP_DAYS, buttons after BUTTON_DAYS, contacts after CONTACT_DAYS."""
    counts = {}
    result = session.execute(
        delete(InboundMessageRow)
        .where(
            InboundMessageRow.status.in_(("done", "failed")),
            InboundMessageRow.received_at < now - timedelta(days=KEEP_DAYS),
        )
        .execution_options(synchronize_session=False)
    )
    counts["inbound_message"] = int(result.rowcount or 0)
    result = session.execute(
        delete(ButtonRow)
        .where(ButtonRow.created_at < now - timedelta(days=BUTTON_DAYS))
        .execution_options(synchronize_session=False)
    )
    counts["button"] = int(result.rowcount or 0)
    result = session.execute(
        delete(WhatsAppContactRow)
        .where(WhatsAppContactRow.last_inbound_at < now - timedelta(days=CONTACT_DAYS))
        .execution_options(synchronize_session=False)
    )
    counts["whatsapp_contact"] = int(result.rowcount or 0)
    return counts
