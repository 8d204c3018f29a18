"""Live handoff to staff: the chats handed to a person, what was said in them, who is on duty.

Message bodies are Fernet ciphertext (``mpp.privacy.Crypto``) from the first INSERT: what a
citizen or a staff member typed may hold a name, a NIK or an address.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, String, Text

from mpp.db.base import Base


class HandoffRow(Base):
    """One chat handed to staff: composing a message, waiting in line, left as a message, held, or ended."""

    __tablename__ = "handoff"
    __table_args__ = (
        Index("ix_handoff_queue", "mpp_code", "status", "queued_at"),
        Index("ix_handoff_mpp_created", "mpp_code", "created_at"),  # the dashboard (migration 0007d)
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    sender = Column(String(128), nullable=False, index=True)
    # The sender while the handoff is open, NULL once ended: a unique column, so a chat has at
    # most one open handoff on SQLite and PostgreSQL alike (NULLs never clash).
    open_sender = Column(String(128), unique=True)
    mpp_code = Column(String(64), nullable=False)
    agency_code = Column(String(64))  # NULL: any agency's staff of the MPP may take it
    service_code = Column(String(64))
    topic = Column(String(64))  # what the citizen was asking about (an intent name, or "fallback")
    status = Column(String(16), nullable=False)  # composing | waiting | message | active | ended
    ended_reason = Column(String(16))  # staff | timeout | citizen | erased
    staff_id = Column(Integer)  # who holds (held) it
    created_at = Column(DateTime(timezone=True), nullable=False)  # joined the line / started the message
    queued_at = Column(DateTime(timezone=True))  # entered the line or left the message: "oldest first"
    claimed_at = Column(DateTime(timezone=True))
    last_staff_at = Column(DateTime(timezone=True))
    last_citizen_at = Column(DateTime(timezone=True))
    ended_at = Column(DateTime(timezone=True))


class HandoffMessageRow(Base):
    """One line of a handoff's transcript: the conversation before it, then citizen and staff messages."""

    __tablename__ = "handoff_message"

    id = Column(Integer, primary_key=True, autoincrement=True)
    handoff_id = Column(Integer, nullable=False, index=True)
    author = Column(String(8), nullable=False)  # citizen | staff | bot (the assistant, before the handoff)
    staff_id = Column(Integer)
    body_encrypted = Column(Text, nullable=False)
    source_key = Column(String(64), unique=True)  # the gateway's inbox id: a redelivered message is stored once
    created_at = Column(DateTime(timezone=True), nullable=False)


class HandoffDutyRow(Base):
    """Who is on duty for handoffs: a staff member whose handoff page was open recently."""

    __tablename__ = "handoff_duty"

    staff_id = Column(Integer, primary_key=True, autoincrement=False)
    mpp_code = Column(String(64), nullable=False, index=True)
    agency_code = Column(String(64))  # NULL: a supervisor, who takes any agency's chats
    seen_at = Column(DateTime(timezone=True), nullable=False)
