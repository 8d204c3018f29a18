"""Catalogue tables: MPPs, their hours and closures, agencies, counters, services.

Natural keys (MPP code, service code, counter code) are primary keys so that a
catalogue reload can upsert rows in place instead of renumbering them.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    String,
    Text,
    Time,
)

from mpp.db.base import Base


class MppRow(Base):
    __tablename__ = "mpp"

    code = Column(String(64), primary_key=True)
    name = Column(String(200), nullable=False)
    brand = Column(String(200))
    city = Column(String(120), nullable=False)
    province = Column(String(120), nullable=False)
    address = Column(Text, nullable=False)
    address_note = Column(Text)
    latitude = Column(Float)
    longitude = Column(Float)
    coordinates_note = Column(Text)
    timezone = Column(String(64), nullable=False)
    hours_verified = Column(Boolean, nullable=False, default=False)
    hours_note = Column(Text)
    facilities = Column(JSON, nullable=False, default=list)
    complaint_channels = Column(JSON, nullable=False, default=list)
    contact_hours = Column(Text)
    notes = Column(JSON, nullable=False, default=list)
    sources = Column(JSON, nullable=False, default=list)
    last_verified = Column(Date, nullable=False)
    source_file = Column(String(255), nullable=False)
    # Provenance of the MPP's own facts: {"address": {"sources": [...], "checked": "2026-03-20", "verified": true}, ...}
    facts = Column(JSON, nullable=False, default=dict, server_default="{}")
    # Other names citizens use for it ("tangsel"); the assistant recognises them at run time (nlu.mpp_names).
    aliases = Column(JSON, nullable=False, default=list, server_default="[]")


class MppHoursRow(Base):
    """Opening hours for one weekday (0 = Monday); closed days have no row."""

    __tablename__ = "mpp_hours"

    mpp_code = Column(String(64), ForeignKey("mpp.code", ondelete="CASCADE"), primary_key=True)
    weekday = Column(Integer, primary_key=True)
    opens = Column(Time, nullable=False)
    closes = Column(Time, nullable=False)
    break_start = Column(Time)
    break_end = Column(Time)
    break_reason = Column(String(120))


class MppClosureRow(Base):
    __tablename__ = "mpp_closure"

    id = Column(Integer, primary_key=True, autoincrement=True)
    mpp_code = Column(String(64), ForeignKey("mpp.code", ondelete="CASCADE"), nullable=False)
    date = Column(Date, nullable=False)
    reason = Column(Text, nullable=False)
    source = Column(Text)
    provenance = Column(JSON)


class AgencyRow(Base):
    __tablename__ = "agency"

    mpp_code = Column(String(64), ForeignKey("mpp.code", ondelete="CASCADE"), primary_key=True)
    code = Column(String(64), primary_key=True)
    name = Column(String(200), nullable=False)
    contact = Column(JSON, nullable=False, default=list)
    note = Column(Text)
    presence = Column(JSON)  # provenance of the agency's presence at this MPP; verified false: unverified


class CounterRow(Base):
    __tablename__ = "counter"
    __table_args__ = (
        ForeignKeyConstraint(["mpp_code", "agency_code"], ["agency.mpp_code", "agency.code"], ondelete="CASCADE"),
    )

    mpp_code = Column(String(64), ForeignKey("mpp.code", ondelete="CASCADE"), primary_key=True)
    code = Column(String(16), primary_key=True)
    name = Column(String(200), nullable=False)
    floor = Column(String(64), nullable=False)
    agency_code = Column(String(64), nullable=False)
    provenance = Column(JSON)


class ServiceRow(Base):
    """A service as it is defined nationally (requirements, fees, legal basis)."""

    __tablename__ = "service"

    code = Column(String(64), primary_key=True)
    name = Column(String(200), nullable=False)
    aliases = Column(JSON, nullable=False, default=list)
    agency_type = Column(String(64), nullable=False)
    summary = Column(Text)
    jenis = Column(JSON, nullable=False, default=list)
    verification = Column(String(32), nullable=False)
    verification_note = Column(Text)
    verified_on = Column(Date, nullable=False)  # the oldest check of any of the service's facts
    legal_basis = Column(JSON, nullable=False, default=list)
    sources = Column(JSON, nullable=False, default=list)
    booking_mode = Column(String(32), nullable=False)
    booking_url = Column(String(500))
    booking_note = Column(Text)
    fee_free = Column(Boolean, nullable=False, default=False)
    fee_note = Column(Text)
    fee_verified = Column(Boolean, nullable=False, default=True)
    processing_time = Column(Text)
    processing_time_by_jenis = Column(JSON, nullable=False, default=dict)
    # Structured processing times keyed by jenis ("" = general): text, working_days, same_day, counted_from.
    processing = Column(JSON, nullable=False, default=dict, server_default="{}")
    requirements_verified = Column(Boolean, nullable=False, default=True)
    notes = Column(JSON, nullable=False, default=list)
    contact = Column(JSON, nullable=False, default=list)
    # Provenance of each fact, keyed as Service.facts.
    facts = Column(JSON, nullable=False, default=dict, server_default="{}")


class ServiceRequirementRow(Base):
    __tablename__ = "service_requirement"

    id = Column(Integer, primary_key=True, autoincrement=True)
    service_code = Column(String(64), ForeignKey("service.code", ondelete="CASCADE"), nullable=False, index=True)
    jenis = Column(String(32))  # NULL: applies whatever the jenis
    position = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)


class ServiceFeeRow(Base):
    __tablename__ = "service_fee"

    id = Column(Integer, primary_key=True, autoincrement=True)
    service_code = Column(String(64), ForeignKey("service.code", ondelete="CASCADE"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    label = Column(Text, nullable=False)
    amount = Column(Integer)  # rupiah; NULL when it is a formula or varies
    jenis = Column(JSON, nullable=False, default=list)  # empty: any jenis
    note = Column(Text)


class MppServiceRow(Base):
    """A service as one MPP offers it: which agency, counters, and how it is booked there."""

    __tablename__ = "mpp_service"
    __table_args__ = (
        ForeignKeyConstraint(["mpp_code", "agency_code"], ["agency.mpp_code", "agency.code"], ondelete="CASCADE"),
    )

    mpp_code = Column(String(64), ForeignKey("mpp.code", ondelete="CASCADE"), primary_key=True)
    service_code = Column(String(64), ForeignKey("service.code", ondelete="CASCADE"), primary_key=True)
    agency_code = Column(String(64), nullable=False)
    counters = Column(JSON, nullable=False, default=list)
    queue_prefix = Column(String(4), nullable=False)
    booking_mode = Column(String(32))  # NULL: the service's national mode
    slot_minutes = Column(Integer, nullable=False, default=15)
    quota_per_slot = Column(Integer, nullable=False, default=2)
    hours_note = Column(Text)
    note = Column(Text)
    contact = Column(JSON, nullable=False, default=list)
    operator = Column(Text)
    provenance = Column(JSON)


class CatalogueVersionRow(Base):
    """One row per successful load; readers cache the catalogue until this changes."""

    __tablename__ = "catalogue_version"

    id = Column(Integer, primary_key=True, autoincrement=True)
    loaded_at = Column(DateTime(timezone=True), nullable=False)
    digest = Column(String(64), nullable=False)
    files = Column(JSON, nullable=False, default=list)


class HolidayYearRow(Base):
    """A year whose national holidays and cuti bersama come from a decree in the catalogue."""

    __tablename__ = "holiday_year"

    year = Column(Integer, primary_key=True, autoincrement=False)
    sources = Column(JSON, nullable=False, default=list)
    checked = Column(Date)  # when the list was last checked against the decree


class NationalHolidayRow(Base):
    __tablename__ = "national_holiday"

    date = Column(Date, primary_key=True)
    kind = Column(String(32), nullable=False)
    name = Column(Text, nullable=False)
