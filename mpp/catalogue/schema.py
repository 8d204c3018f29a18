"""The shape of the catalogue YAML files, checked field by field.

Two kinds of file: ``layanan.yaml`` defines each service nationally (requirements,
fees, legal basis, sources); ``mpp/<code>.yaml`` describes one MPP (address, hours,
closures, agencies, counters, and which services it offers). Unknown fields are
errors, so a typo in a field name cannot silently drop data.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Dict, List

from pydantic import BaseModel, Field, root_validator, validator

from mpp.catalogue.model import (
    BOOKING_MODES,
    HOLIDAY_KINDS,
    JENIS_VALUES,
    SERVICE_CODES,
    VERIFICATION_LEVELS,
    WEEKDAYS_ID,
)

_TIME = re.compile(r"^([01]\d|2[0-3])[:.]([0-5]\d)$")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
ALLOWED_TIMEZONES = ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")  # WIB, WITA, WIT


def parse_clock(value: str) -> time:
    match = _TIME.match(str(value).strip())
    if not match:
        raise ValueError(f"'{value}' is not a time of day in HH:MM (00:00-23:59)")
    return time(int(match.group(1)), int(match.group(2)))


class _Strict(BaseModel):
    class Config:
        extra = "forbid"
        anystr_strip_whitespace = True
        min_anystr_length = 1


class SourceIn(_Strict):
    title: str
    url: str | None = None
    date: str | None = None
    confidence: str | None = None


class ContactIn(_Strict):
    label: str
    value: str
    note: str | None = None


class FeeIn(_Strict):
    label: str
    amount: int | None = Field(None, ge=0)
    jenis: List[str] = []
    note: str | None = None

    @validator("jenis", each_item=True)
    def _known_jenis(cls, value: str) -> str:
        if value not in JENIS_VALUES:
            raise ValueError(f"unknown jenis '{value}' (allowed: {', '.join(JENIS_VALUES)})")
        return value


class BookingIn(_Strict):
    mode: str
    url: str | None = None
    note: str | None = None

    @validator("mode")
    def _known_mode(cls, value: str) -> str:
        if value not in BOOKING_MODES:
            raise ValueError(f"unknown booking mode '{value}' (allowed: {', '.join(BOOKING_MODES)})")
        return value


class ServiceIn(_Strict):
    code: str
    name: str
    aliases: List[str] = []
    agency_type: str
    summary: str | None = None
    jenis: List[str] = []
    verification: str
    verification_note: str | None = None
    verified_on: date
    legal_basis: List[str] = []
    sources: List[SourceIn] = Field(..., min_items=1)
    booking: BookingIn
    fee_free: bool = False
    fee_note: str | None = None
    fee_verified: bool = True
    fees: List[FeeIn] = []
    processing_time: str | None = None
    processing_time_by_jenis: Dict[str, str] = {}
    requirements_verified: bool = True
    requirements: List[str] = []
    requirements_by_jenis: Dict[str, List[str]] = {}
    notes: List[str] = []
    contact: List[ContactIn] = []

    @validator("code")
    def _known_code(cls, value: str) -> str:
        if value not in SERVICE_CODES:
            raise ValueError(f"unknown service code '{value}' (the contract has: {', '.join(SERVICE_CODES)})")
        return value

    @validator("verification")
    def _known_level(cls, value: str) -> str:
        if value not in VERIFICATION_LEVELS:
            raise ValueError(f"unknown verification '{value}' (allowed: {', '.join(VERIFICATION_LEVELS)})")
        return value

    @validator("jenis", each_item=True)
    def _known_jenis(cls, value: str) -> str:
        if value not in JENIS_VALUES:
            raise ValueError(f"unknown jenis '{value}' (allowed: {', '.join(JENIS_VALUES)})")
        return value

    @root_validator(skip_on_failure=True)
    def _consistent(cls, values: dict) -> dict:
        jenis = set(values.get("jenis") or [])
        for field_name in ("requirements_by_jenis", "processing_time_by_jenis"):
            for key in values.get(field_name) or {}:
                if key not in jenis:
                    raise ValueError(f"{field_name} has '{key}', which is not in this service's jenis list")
        if values.get("fee_free") and values.get("fees"):
            if any(f.amount for f in values["fees"]):
                raise ValueError("fee_free is true but fees list a non-zero amount")
        if not values.get("fee_free") and not values.get("fees") and not values.get("fee_note"):
            raise ValueError("no fee information: set fee_free, fees or fee_note")
        if not values.get("requirements") and not values.get("requirements_by_jenis"):
            if values.get("requirements_verified", True):
                raise ValueError("no requirements listed but requirements_verified is true")
        if values.get("verification") == "belum_terverifikasi" and not values.get("contact"):
            raise ValueError("an unverified service must give a contact to ask")
        return values


class ServicesFile(_Strict):
    services: List[ServiceIn]

    @validator("services")
    def _unique(cls, services: List[ServiceIn]) -> List[ServiceIn]:
        seen: set[str] = set()
        for s in services:
            if s.code in seen:
                raise ValueError(f"service '{s.code}' is defined twice")
            seen.add(s.code)
        return services


class DayHoursIn(_Strict):
    open: str
    close: str
    break_start: str | None = Field(None, alias="break_start")
    break_end: str | None = None
    break_reason: str | None = None

    @root_validator(skip_on_failure=True)
    def _possible(cls, values: dict) -> dict:
        opens, closes = parse_clock(values["open"]), parse_clock(values["close"])
        if closes <= opens:
            raise ValueError(f"closes at {values['close']}, not after it opens at {values['open']}")
        bs, be = values.get("break_start"), values.get("break_end")
        if (bs is None) != (be is None):
            raise ValueError("break_start and break_end go together")
        if bs is not None and be is not None:
            b0, b1 = parse_clock(bs), parse_clock(be)
            if not (opens < b0 < b1 < closes):
                raise ValueError(f"break {bs}-{be} is not inside opening hours {values['open']}-{values['close']}")
        return values


class HoursIn(_Strict):
    verified: bool
    note: str | None = None
    weekly: Dict[str, DayHoursIn | None]

    @validator("weekly")
    def _weekdays(cls, weekly: Dict[str, DayHoursIn | None]) -> Dict[str, DayHoursIn | None]:
        for day in weekly:
            if day not in WEEKDAYS_ID:
                raise ValueError(f"unknown weekday '{day}' (use: {', '.join(WEEKDAYS_ID)})")
        if not any(weekly.values()):
            raise ValueError("the MPP is never open")
        return weekly


class ClosureIn(_Strict):
    date: date
    reason: str
    source: str | None = None


class CoordinatesIn(_Strict):
    lat: float = Field(..., ge=-11.5, le=6.5)  # Indonesia's latitude span
    lon: float = Field(..., ge=94.5, le=141.5)
    note: str | None = None


class ComplaintIn(_Strict):
    name: str
    detail: str
    source: str | None = None
    note: str | None = None


class MppIn(_Strict):
    code: str
    name: str
    brand: str | None = None
    city: str
    province: str
    address: str
    address_note: str | None = None
    coordinates: CoordinatesIn | None = None
    timezone: str
    hours: HoursIn
    closures: List[ClosureIn] = []
    facilities: List[str] = []
    complaint_channels: List[ComplaintIn] = Field(..., min_items=1)
    contact_hours: str | None = None
    notes: List[str] = []
    sources: List[SourceIn] = Field(..., min_items=1)
    last_verified: date

    @validator("code")
    def _slug(cls, value: str) -> str:
        if not _CODE.match(value):
            raise ValueError(f"'{value}' is not a lowercase code like kota_bogor")
        return value

    @validator("timezone")
    def _tz(cls, value: str) -> str:
        if value not in ALLOWED_TIMEZONES:
            raise ValueError(f"unknown time zone '{value}' (WIB/WITA/WIT: {', '.join(ALLOWED_TIMEZONES)})")
        return value


class AgencyIn(_Strict):
    code: str
    name: str
    contact: List[ContactIn] = []
    note: str | None = None


class CounterIn(_Strict):
    code: str
    name: str
    floor: str
    agency: str

    @validator("code", pre=True)
    def _as_text(cls, value: object) -> str:
        return str(value)


class OfferingIn(_Strict):
    code: str
    agency: str
    counters: List[str] = Field(..., min_items=1)
    queue_prefix: str = Field(..., regex=r"^[A-Z]{1,3}$")
    booking_mode: str | None = None
    slot_minutes: int = Field(15, ge=5, le=240)
    quota_per_slot: int = Field(2, ge=1, le=200)
    hours_note: str | None = None
    note: str | None = None
    contact: List[ContactIn] = []
    operator: str | None = None

    @validator("counters", pre=True, each_item=True)
    def _as_text(cls, value: object) -> str:
        return str(value)

    @validator("booking_mode")
    def _known_mode(cls, value: str | None) -> str | None:
        if value is not None and value not in BOOKING_MODES:
            raise ValueError(f"unknown booking mode '{value}' (allowed: {', '.join(BOOKING_MODES)})")
        return value


class MppFile(_Strict):
    mpp: MppIn
    agencies: List[AgencyIn] = Field(..., min_items=1)
    counters: List[CounterIn] = Field(..., min_items=1)
    services: List[OfferingIn] = Field(..., min_items=1)


class HolidayIn(_Strict):
    date: date
    kind: str
    name: str

    @validator("kind")
    def _known_kind(cls, value: str) -> str:
        if value not in HOLIDAY_KINDS:
            raise ValueError(f"unknown kind '{value}' (allowed: {', '.join(HOLIDAY_KINDS)})")
        return value


class HolidayFile(_Strict):
    year: int = Field(..., ge=2000, le=2100)
    sources: List[SourceIn] = Field(..., min_items=1)
    days: List[HolidayIn] = Field(..., min_items=1)

    @root_validator(skip_on_failure=True)
    def _same_year_no_repeats(cls, values: dict) -> dict:
        seen: set = set()
        for day in values["days"]:
            if day.date.year != values["year"]:
                raise ValueError(f"{day.date} is not in {values['year']}")
            if day.date in seen:
                raise ValueError(f"{day.date} is listed twice")
            seen.add(day.date)
        return values
