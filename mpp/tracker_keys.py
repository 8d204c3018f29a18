"""Per-conversation keys for the stored Rasa trackers (crypto-shredding).

A tracker holds everything said in a conversation, the name typed for a booking included.
Each conversation's tracker is stored encrypted with its own random key; the key lives here,
itself encrypted with MPP_PII_KEY. Deleting the key ("hapus data saya", or after
``KEY_DAYS``) makes the tracker unreadable wherever a copy of it was written — Redis, its
append-only file, a replica — without having to find those copies.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from cryptography.fernet import Fernet
from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from mpp.db.inbox_tables import ConversationKeyRow
from mpp.privacy import Crypto

_KEY_OF = select(ConversationKeyRow.key_encrypted).where(ConversationKeyRow.sender == bindparam("sender"))
KEY_DAYS = 30  # a conversation's stored history lives at most this long, then starts afresh


def get_key(session: Session, crypto: Crypto, sender: str) -> bytes | None:
    row = session.get(ConversationKeyRow, sender)
    if row is None:
        return None
    key = crypto.decrypt(row.key_encrypted)
    return key.encode() if key else None


def read_key(connection: Connection, crypto: Crypto, sender: str) -> bytes | None:
    """``get_key`` on a bare connection: a Rasa worker reads a key on every turn, and the ORM
    session around the same SELECT costs it about three times as much CPU."""
    wrapped = connection.execute(_KEY_OF, {"sender": sender}).scalar_one_or_none()
    key = crypto.decrypt(wrapped) if wrapped else None
    return key.encode() if key else None


def get_or_create_key(session: Session, crypto: Crypto, sender: str, now: datetime) -> bytes:
    """The conversation's key, made on first use (two workers racing get the same one)."""
    key = get_key(session, crypto, sender)
    if key is not None:
        return key
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(ConversationKeyRow)
        .values(sender=sender, key_encrypted=crypto.encrypt(Fernet.generate_key().decode()), created_at=now)
        .on_conflict_do_nothing(index_elements=["sender"])
    )
    key = get_key(session, crypto, sender)
    assert key is not None
    return key


def purge(session: Session, now: datetime) -> int:
    result = session.execute(
        delete(ConversationKeyRow)
        .where(ConversationKeyRow.created_at < now - timedelta(days=KEY_DAYS))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)
