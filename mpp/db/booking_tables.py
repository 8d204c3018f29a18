"""Booking tables: slot usage (the capacity guard), queue numbers, bookings, PII tokens.

Capacity is guarded by one conditional UPDATE on ``slot_usage``
(``booked = booked + 1 WHERE booked < quota``): PostgreSQL re-checks the condition
after a concurrent writer commits and SQLite serialises writers, so two requests
can never both take the last place. One active booking per NIK, service and day
is a partial unique index.
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    Time,
    text,
)

from mpp.db.base import Base


class SlotUsageRow(Base):
    __tablename__ = "slot_usage"
    __table_args__ = (CheckConstraint("booked >= 0", name="booked_not_negative"),)

    mpp_code = Column(String(64), primary_key=True)
    service_code = Column(String(64), primary_key=True)
    day = Column(Date, primary_key=True)
    start = Column(Time, primary_key=True)
    booked = Column(Integer, nullable=False, default=0)


class QueueCounterRow(Base):
    """The last queue number issued per MPP, prefix and day (A-001, A-002, …)."""

    __tablename__ = "queue_counter"

    mpp_code = Column(String(64), primary_key=True)
    prefix = Column(String(4), primary_key=True)
    day = Column(Date, primary_key=True)
    last_number = Column(Integer, nullable=False, default=0)


class BookingRow(Base):
    __tablename__ = "booking"
    __table_args__ = (
        Index(
            "uq_booking_active_nik_service_day",
            "nik_hash",
            "service_code",
            "day",
            unique=True,
            postgresql_where=text("status = 'active'"),
            sqlite_where=text("status = 'active'"),
        ),
        Index("ix_booking_chat_status", "chat_id", "status"),
        Index("ix_booking_nik_created", "nik_hash", "created_at"),
        Index("ix_booking_mpp_day", "mpp_code", "day"),  # the dashboard (migration 0007d)
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    code = Column(String(16), nullable=False, unique=True)
    request_id = Column(String(64), nullable=False, unique=True)  # idempotency of the confirmation
    mpp_code = Column(String(64), nullable=False)
    service_code = Column(String(64), nullable=False)
    jenis = Column(String(32))
    day = Column(Date, nullable=False)
    start = Column(Time, nullable=False)
    end = Column(Time, nullable=False)
    queue_number = Column(String(16), nullable=False)
    status = Column(String(16), nullable=False, default="active")
    chat_id = Column(String(128), nullable=False)
    name_encrypted = Column(Text)
    nik_hash = Column(String(64))
    nik_encrypted = Column(Text)
    phone_encrypted = Column(Text)
    moved_count = Column(Integer, nullable=False, default=0)
    created_at = Column(DateTime(timezone=True), nullable=False)
    updated_at = Column(DateTime(timezone=True), nullable=False)
    cancelled_at = Column(DateTime(timezone=True))
    erased_at = Column(DateTime(timezone=True))


class PiiTokenRow(Base):
    """A token that stands for a NIK or phone number in Rasa's view of a conversation."""

    __tablename__ = "pii_token"

    token = Column(String(32), primary_key=True)
    kind = Column(String(16), nullable=False)
    sender = Column(String(128), nullable=False, index=True)
    value_encrypted = Column(Text, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False)


class LookupAttemptRow(Base):
    """Look-ups of a booking code from another chat, for rate limiting."""

    __tablename__ = "lookup_attempt"

    id = Column(Integer, primary_key=True, autoincrement=True)
    chat_id = Column(String(128), nullable=False, index=True)
    at = Column(DateTime(timezone=True), nullable=False)
    succeeded = Column(Integer, nullable=False, default=0)
