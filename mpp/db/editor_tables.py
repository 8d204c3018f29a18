"""Tables of the catalogue editor: stored versions (revisions), proposed changes, announcements.

A revision keeps the whole validated catalogue document of one ``catalogue_version``, so that an
edit starts from exactly what is live, a change can be undone, and ``mpp catalogue export``
writes it back as YAML. ``parent_version`` is unique: two writers that started from the same
version cannot both store a successor (the second one fails and is told to try again).
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, ForeignKey, Index, Integer, String, Text

from mpp.db.base import Base


class CatalogueRevisionRow(Base):
    __tablename__ = "catalogue_revision"

    version_id = Column(Integer, ForeignKey("catalogue_version.id", ondelete="CASCADE"), primary_key=True)
    parent_version = Column(Integer, unique=True)  # the version it replaced; NULL for the first
    origin = Column(String(16), nullable=False)  # yaml | change | revert | onboarding
    change_id = Column(Integer)  # the catalogue_change it carried out (change, revert, onboarding)
    staff_id = Column(Integer)  # who made it live; NULL: the command line
    note = Column(Text)
    document = Column(JSON, nullable=False)  # relative file name -> content, as the loader validated it
    created_at = Column(DateTime(timezone=True), nullable=False)


class CatalogueChangeRow(Base):
    """A change proposed in the console: a draft until submitted, live once approved."""

    __tablename__ = "catalogue_change"
    __table_args__ = (Index("ix_catalogue_change_status", "status", "mpp_code"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    kind = Column(String(16), nullable=False)  # service | offering | mpp | onboarding
    target = Column(String(140), nullable=False)  # ktp_el | kota_bogor/ktp_el | kota_bogor
    topic = Column(String(32), nullable=False)  # which form: fees, requirements, processing, offering, hours, ...
    mpp_code = Column(String(64))  # the MPP it was made for (NULL: national, by a national administrator)
    agency_code = Column(String(64))
    national = Column(Boolean, nullable=False)  # changes national facts: only a national administrator approves
    status = Column(String(16), nullable=False)  # draft | submitted | approved | rejected | reverted
    author_id = Column(Integer, nullable=False)
    form = Column(JSON, nullable=False)  # the fields as typed (a refused submit keeps them)
    base_entry = Column(JSON)  # the entry when the draft was started (NULL: a new MPP)
    entry = Column(JSON)  # the proposed entry, when the form could be read
    problems = Column(JSON, nullable=False, default=dict)  # field -> problem, from the last submit
    reason = Column(Text)
    created_at = Column(DateTime(timezone=True), nullable=False)
    updated_at = Column(DateTime(timezone=True), nullable=False)
    decided_by = Column(Integer)
    decided_at = Column(DateTime(timezone=True))
    decision_note = Column(Text)
    version_id = Column(Integer)  # the catalogue version that made it live
    reverted_in = Column(Integer)  # the catalogue version that undid it


class AnnouncementRow(Base):
    """A notice for citizens about one MPP, one agency there or one service there, for a period."""

    __tablename__ = "announcement"
    __table_args__ = (Index("ix_announcement_mpp_ends", "mpp_code", "ends_on"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    mpp_code = Column(String(64), nullable=False)
    agency_code = Column(String(64))
    service_code = Column(String(64))
    kind = Column(String(16), nullable=False)  # closure | blanko | outage | info
    text = Column(Text, nullable=False)
    starts_on = Column(Date, nullable=False)
    ends_on = Column(Date, nullable=False)
    staff_id = Column(Integer)
    created_at = Column(DateTime(timezone=True), nullable=False)
    withdrawn_at = Column(DateTime(timezone=True))
    withdrawn_by = Column(Integer)
    notified = Column(Integer, nullable=False, default=0)  # bookings told of a closure
