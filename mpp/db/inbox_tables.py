"""Durable queues of the gateway: incoming messages, button payloads, WhatsApp contacts; tracker keys.

Nothing here holds personal data in clear: message bodies and WhatsApp numbers are Fernet
ciphertext (``mpp.privacy.Crypto``), written encrypted by the first INSERT, never blanked afterwards.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, String, Text, UniqueConstraint

from mpp.db.base import Base


class InboundMessageRow(Base):
    """A message from a citizen, stored before the webhook is answered, processed in order per sender."""

    __tablename__ = "inbound_message"
    __table_args__ = (
        UniqueConstraint("channel", "external_id", name="uq_inbound_message_channel_external"),
        Index("ix_inbound_message_sender_status", "sender", "status", "id"),
        Index("ix_inbound_message_status_next", "status", "next_attempt_at"),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    channel = Column(String(16), nullable=False)
    external_id = Column(String(128), nullable=False)  # Telegram update_id, WhatsApp message id
    sender = Column(String(128), nullable=False)  # telegram:<chat_id>, whatsapp:<wa_id or its keyed hash>
    kind = Column(String(16), nullable=False)  # text, payload, unsupported
    body_encrypted = Column(Text, nullable=False)  # what goes to Rasa (text or our own payload), encrypted
    reply_to = Column(String(256))  # e.g. a Telegram callback query id to answer
    status = Column(String(16), nullable=False, default="pending")  # pending, processing, done, failed
    attempts = Column(Integer, nullable=False, default=0)
    received_at = Column(DateTime(timezone=True), nullable=False)
    next_attempt_at = Column(DateTime(timezone=True), nullable=False)
    lease_until = Column(DateTime(timezone=True))
    done_at = Column(DateTime(timezone=True))


class ButtonRow(Base):
    """A button we rendered: the short id travels through the channel, the payload stays here."""

    __tablename__ = "button"

    id = Column(String(16), primary_key=True)
    sender = Column(String(128), nullable=False, index=True)
    payload = Column(Text, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False)


class WhatsAppContactRow(Base):
    """Where to reach a WhatsApp user whose id is hashed in sender ids, and when they last wrote."""

    __tablename__ = "whatsapp_contact"

    sender = Column(String(128), primary_key=True)
    wa_id_encrypted = Column(Text, nullable=False)
    last_inbound_at = Column(DateTime(timezone=True), nullable=False)


class ConversationKeyRow(Base):
    """The key one conversation's stored Rasa tracker is encrypted with (itself encrypted with MPP_PII_KEY).

    Deleting the row ("hapus data saya", or the retention job) makes that tracker unreadable
    everywhere it was ever written (Redis, its AOF file, replicas): crypto-shredding.
    """

    __tablename__ = "conversation_key"

    sender = Column(String(128), primary_key=True)
    key_encrypted = Column(Text, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, index=True)
