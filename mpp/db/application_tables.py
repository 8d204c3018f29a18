"""What a citizen applied for at the counter and where it stands (issue 14 part 3, ``mpp.applications``).

``note_encrypted`` (what is missing, where to pick it up) is Fernet ciphertext from the first INSERT: a
clerk types it freely and it may hold a name or a number. ``chat_id`` is the chat told of each change.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Index, Integer, String, Text

from mpp.db.base import Base


class ApplicationRow(Base):
    """One application, recorded by the clerk who served its ticket; ``version`` counts its changes."""

    __tablename__ = "application"
    __table_args__ = (Index("ix_application_scope", "mpp_code", "agency_code", "state"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    ticket_id = Column(Integer, nullable=False, unique=True)
    booking_id = Column(Integer, index=True)
    chat_id = Column(String(128), index=True)  # NULL: a walk-in whose chat is not bound (yet)
    mpp_code = Column(String(64), nullable=False)
    agency_code = Column(String(64), nullable=False)
    service_code = Column(String(64), nullable=False)
    jenis = Column(String(32))
    number = Column(String(16), nullable=False)  # the ticket's queue number, as the citizen knows it
    state = Column(String(16), nullable=False)  # diproses | perlu_berkas | siap_diambil | selesai
    note_encrypted = Column(Text)  # what is missing / where to pick it up
    ready_until = Column(Date)  # siap_diambil: pick up by this day
    started_on = Column(Date, nullable=False)  # the day of the visit: the count of working days starts here
    promised_on = Column(Date)  # NULL: nothing was promised (see promised_reason)
    promised_reason = Column(String(32), nullable=False)
    version = Column(Integer, nullable=False, default=1)
    staff_id = Column(Integer)  # who made the latest change
    created_at = Column(DateTime(timezone=True), nullable=False)
    updated_at = Column(DateTime(timezone=True), nullable=False)
    finished_at = Column(DateTime(timezone=True))  # state selesai
