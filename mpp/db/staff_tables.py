"""Staff accounts and their sessions, kiosk devices, login attempts and the audit log.

Table names are those of migration 0004 (staff, staff_session, audit_log), so moving the
classes here needed no data migration; 0005b added roles, kiosk devices and login attempts.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String, Text

from mpp.db.base import Base


class StaffRow(Base):
    """An account. ``role`` is an ``mpp.staff.roles.Role`` value; the scope columns it needs are set."""

    __tablename__ = "staff"

    id = Column(Integer, primary_key=True, autoincrement=True)
    username = Column(String(64), nullable=False, unique=True)
    password_hash = Column(String(256), nullable=False)
    display_name = Column(String(120), nullable=False)
    role = Column(String(32), nullable=False, server_default="clerk")
    mpp_code = Column(String(64))  # NULL only for a national administrator
    agency_code = Column(String(64))  # set for clerks only
    counter_code = Column(String(16))
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime(timezone=True), nullable=False)


class StaffSessionRow(Base):
    """A server-side session; the cookie carries a random token, stored here only as a hash."""

    __tablename__ = "staff_session"

    token_hash = Column(String(64), primary_key=True)
    staff_id = Column(Integer, nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    counter_code = Column(String(16))
    created_at = Column(DateTime(timezone=True), nullable=False)
    expires_at = Column(DateTime(timezone=True), nullable=False)


class AuditRow(Base):
    """Who (staff member or kiosk device) did what to which ticket. Kiosk rate limits count these rows."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_device", "device_id", "action", "at"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    staff_id = Column(Integer)
    device_id = Column(Integer)  # the kiosk device, for kiosk actions
    mpp_code = Column(String(64))
    action = Column(String(32), nullable=False)
    ticket_id = Column(Integer)
    detail = Column(Text)
    at = Column(DateTime(timezone=True), nullable=False)


class KioskDeviceRow(Base):
    """An enrolled kiosk. Only hashes of its credential and of its one-time enrolment code are kept."""

    __tablename__ = "kiosk_device"

    id = Column(Integer, primary_key=True, autoincrement=True)
    mpp_code = Column(String(64), nullable=False, index=True)
    name = Column(String(80), nullable=False)
    credential_hash = Column(String(64), unique=True)  # set at enrolment
    csrf_token = Column(String(64))  # set at enrolment; every kiosk form carries it
    enrol_code_hash = Column(String(64), unique=True)  # cleared when used
    enrol_expires_at = Column(DateTime(timezone=True))
    created_by = Column(Integer)
    created_at = Column(DateTime(timezone=True), nullable=False)
    enrolled_at = Column(DateTime(timezone=True))
    revoked_at = Column(DateTime(timezone=True))
    revoked_by = Column(Integer)


class LoginAttemptRow(Base):
    """One login (or kiosk enrolment) attempt against a throttle key (a keyed hash of account or address)."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_key", "key_hash", "at"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    key_hash = Column(String(64), nullable=False)
    at = Column(DateTime(timezone=True), nullable=False)
