"""The token vault: NIK and phone tokens seen by Rasa, and the encrypted values behind them;
and the erasure of everything the channels keep about one conversation."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mpp.db.booking_tables import PiiTokenRow
from mpp.db.inbox_tables import ConversationKeyRow
from mpp.privacy import Crypto, new_token

RETENTION_DAYS = 30  # personal data is erased this many days after the visit (README: Privacy)


def store_token(session: Session, crypto: Crypto, sender: str, kind: str, value: str, now: datetime) -> str:
    token = new_token(kind)
    session.add(
        PiiTokenRow(token=token, kind=kind, sender=sender, value_encrypted=crypto.encrypt(value), created_at=now)
    )
    return token


def resolve_token(session: Session, crypto: Crypto, sender: str, token: str) -> str | None:
    """The value behind a token, only for the conversation that sent it."""
    row = session.execute(select(PiiTokenRow).where(PiiTokenRow.token == token)).scalar_one_or_none()
    if row is None or row.sender != sender:
        return None
    return crypto.decrypt(row.value_encrypted)


def erase_conversation(session: Session, sender: str, crypto: Crypto | None = None) -> None:
    """ "Hapus data saya" at the channels: the conversation's tokens, its finished inbound messages and
    buttons, its handoffs to staff with their transcripts, its applications' chat and notes, and the key of its stored Rasa tracker (which makes every copy of the tracker unreadable:
    the name typed in it goes with it)."""
    from mpp import inbox
    from mpp.application_records import erase_sender as erase_applications
    from mpp.handoff_records import erase_sender as erase_handoffs

    session.execute(delete(PiiTokenRow).where(PiiTokenRow.sender == sender))
    session.execute(delete(ConversationKeyRow).where(ConversationKeyRow.sender == sender))
    inbox.erase_sender(session, sender)
    erase_handoffs(session, sender)  # handed-over chats: transcripts, staff replies, their notices
    erase_applications(session, sender)  # applications: the chat and the clerk's note, their notices
    from mpp.survey.records import erase_sender as erase_survey

    erase_survey(session, crypto, sender)  # survey comments and the link to the chat; recorded turns (with the keys)
    from mpp.complaint_records import erase_sender as erase_complaints

    erase_complaints(session, sender, datetime.now(timezone.utc))  # complaints: texts gone, counts kept


def erase_tokens(session: Session, sender: str, crypto: Crypto | None = None) -> None:
    """Kept for ``BookingService.erase_chat``: erases everything the channels keep (``erase_conversation``)."""
    erase_conversation(session, sender, crypto)


def purge_tokens(session: Session, now: datetime) -> int:
    result = session.execute(delete(PiiTokenRow).where(PiiTokenRow.created_at < now - timedelta(days=RETENTION_DAYS)))
    return int(result.rowcount or 0)
