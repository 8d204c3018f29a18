"""The SKM survey's answers and what the assistant understood of each turn (issue 15).

Nothing here holds personal data in clear: a survey comment is Fernet ciphertext; a recorded
turn keeps the sender only as a keyed hash (so "hapus data saya" can find it) and the text only
for fallbacks and low-confidence turns, masked (NIK, phone numbers) and then encrypted.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Float, Index, Integer, SmallInteger, String, Text

from mpp.db.base import Base


class SurveyRow(Base):
    """One survey offered after one served ticket: scheduled → sent → answering → comment → done."""

    __tablename__ = "survey"
    __table_args__ = (
        Index("ix_survey_report", "mpp_code", "agency_code", "served_day", "status"),
        Index("ix_survey_chat", "chat_id", "status"),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    ticket_id = Column(Integer, nullable=False, unique=True)  # never twice for the same ticket
    chat_id = Column(String(128), nullable=False)
    mpp_code = Column(String(64), nullable=False)
    agency_code = Column(String(64), nullable=False)
    service_code = Column(String(64), nullable=False)
    served_day = Column(Date, nullable=False)
    # scheduled | sent | answering | comment | complete | quick | declined | expired
    status = Column(String(16), nullable=False)
    u1 = Column(SmallInteger)
    u2 = Column(SmallInteger)
    u3 = Column(SmallInteger)
    u4 = Column(SmallInteger)
    u5 = Column(SmallInteger)
    u6 = Column(SmallInteger)
    u7 = Column(SmallInteger)
    u8 = Column(SmallInteger)
    u9 = Column(SmallInteger)
    overall = Column(SmallInteger)  # the one-tap score (1–4), reported beside the IKM
    complete = Column(Boolean, nullable=False, default=False)  # all nine answered: counts in the IKM
    comment_encrypted = Column(Text)
    complaint_like = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime(timezone=True), nullable=False)
    sent_at = Column(DateTime(timezone=True))
    expires_at = Column(DateTime(timezone=True))
    answered_at = Column(DateTime(timezone=True))


class TurnRow(Base):
    """What the assistant understood of one turn: intent, confidence, fallback, service."""

    __tablename__ = "nlu_turn"
    __table_args__ = (Index("ix_nlu_turn_fallback", "needs_review", "at"), Index("ix_nlu_turn_mpp", "mpp_code", "at"))

    id = Column(Integer, primary_key=True, autoincrement=True)
    source_key = Column(String(64), unique=True)  # the gateway's inbox id: a retried turn is counted once
    sender_hash = Column(String(64), nullable=False, index=True)
    at = Column(DateTime(timezone=True), nullable=False)
    intent = Column(String(64))
    confidence = Column(Float)
    fallback = Column(Boolean, nullable=False, default=False)
    needs_review = Column(Boolean, nullable=False, default=False)  # fallback or low confidence
    service_code = Column(String(64))
    mpp_code = Column(String(64))  # the conversation's MPP (its slot), when it had one (migration 0008p)
    text_encrypted = Column(Text)  # masked text, only when needs_review
    group_key = Column(String(64), index=True)  # similarity group of the masked text (a digest, not the words)


class FallbackGroupRow(Base):
    """A group of unanswered messages marked "add to training data", with its masked examples."""

    __tablename__ = "nlu_fallback_group"

    group_key = Column(String(64), primary_key=True)
    intent = Column(String(64))  # the intent staff suggest for it (may be empty: decide on review)
    examples_encrypted = Column(Text, nullable=False)  # JSON list of masked texts, encrypted
    marked_by = Column(Integer)
    marked_at = Column(DateTime(timezone=True), nullable=False)
    exported_at = Column(DateTime(timezone=True))
