"""Complaints with a tracking number (``mpp.grievance``).

What the citizen typed (description, when, contact) and what staff wrote are Fernet ciphertext
from the first INSERT; the secret given at filing is kept only as a keyed hash. After "hapus data
saya" (or the retention period) those columns are emptied and ``sender`` is NULL: the row stays
as an anonymised count (number, MPP, category, dates, state).
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Index, Integer, String, Text

from mpp.db.base import Base


class ComplaintRow(Base):
    __tablename__ = "complaint"
    __table_args__ = (Index("ix_complaint_triage", "mpp_code", "status", "filed_at"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    number = Column(String(20), nullable=False, unique=True)  # ADU-2026-000123
    sender = Column(String(128), index=True)  # the chat that filed it; NULL once erased
    secret_hash = Column(String(64))
    mpp_code = Column(String(64), nullable=False)
    named_agency = Column(String(64))
    assigned_agency = Column(String(64))
    category = Column(String(16), nullable=False)
    status = Column(String(16), nullable=False)
    description_encrypted = Column(Text)
    occurred_encrypted = Column(Text)
    contact_encrypted = Column(Text)
    filed_at = Column(DateTime(timezone=True), nullable=False)
    respond_by = Column(Date, nullable=False)
    resolve_by = Column(Date, nullable=False)
    responded_at = Column(DateTime(timezone=True))
    resolved_at = Column(DateTime(timezone=True))
    erased_at = Column(DateTime(timezone=True))


class ComplaintNoteRow(Base):
    """What happened to a complaint: an assignment, a staff reply (sent to the chat), a resolution."""

    __tablename__ = "complaint_note"

    id = Column(Integer, primary_key=True, autoincrement=True)
    complaint_id = Column(Integer, nullable=False, index=True)
    kind = Column(String(16), nullable=False)  # assigned | reply | resolved
    staff_id = Column(Integer)
    body_encrypted = Column(Text)
    created_at = Column(DateTime(timezone=True), nullable=False)


class ComplaintLookupRow(Base):
    """A failed check of a complaint number (unknown number or wrong secret), for throttling; the chat as a keyed hash."""

    __tablename__ = "complaint_lookup"

    id = Column(Integer, primary_key=True, autoincrement=True)
    chat_hash = Column(String(64), nullable=False, index=True)
    at = Column(DateTime(timezone=True), nullable=False)
