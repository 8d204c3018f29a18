"""The shape of the catalogue YAML files, checked field by field.

Two kinds of file: ``layanan.yaml`` defines each service nationally (requirements,
fees, legal basis, sources); ``mpp/<code>.yaml`` describes one MPP (address, hours,
closures, agencies, counters, and which services it offers). Unknown fields are
errors, so a typo in a field name cannot silently drop data.

Every node that states a fact carries ``sources`` (ids into the service's or the MPP
file's ``sources`` list) and ``checked`` (the date it was last checked against them).
They are optional here so that the audit can list what lacks them; the loader refuses
such a fact (``mpp.catalogue.rules``).
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
    PRESENCE_VALUES,
    SERVICE_CODES,
    VERIFICATION_LEVELS,
    WEEKDAYS_ID,
)

_TIME = re.compile(r"^([01]\d|2[0-3])[:.]([0-5]\d)$")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9_]*$")
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
    id: str | None = None  # required in layanan.yaml and MPP files (rules.py), optional in holiday files
    title: str
    url: str | None = None
    date: str | None = None
    confidence: str | None = None

    @validator("id")
    def _id(cls, value: str | None) -> str | None:
        if value is not None and not _SOURCE_ID.match(value):
            raise ValueError(f"'{value}' is not a source id like pp45_2024 (lowercase letters, digits, _)")
        return value


class FactIn(_Strict):
    """A node stating a fact: which sources support it and when it was last checked against them."""

    sources: List[str] = []
    checked: date | None = None


class ContactIn(FactIn):
    label: str
    value: str
    note: str | None = None


class FeeIn(FactIn):
    label: str
    amount: int | None = Field(None, ge=0)
    jenis: List[str] = []
    note: str | None = None
    verified: bool = True

    @validator("jenis", each_item=True)
    def _known_jenis(cls, value: str) -> str:
        if value not in JENIS_VALUES:
            raise ValueError(f"unknown jenis '{value}' (allowed: {', '.join(JENIS_VALUES)})")
        return value


class BookingIn(FactIn):
    mode: str
    url: str | None = None
    note: str | None = None

    @validator("mode")
    def _known_mode(cls, value: str) -> str:
        if value not in BOOKING_MODES:
            raise ValueError(f"unknown booking mode '{value}' (allowed: {', '.join(BOOKING_MODES)})")
        return value


class TextFactIn(FactIn):
    text: str


class FeeBlockIn(FactIn):
    """Whether the service costs anything, and the general fee note."""

    free: bool = False
    note: str | None = None
    verified: bool = True


class ProcessingIn(FactIn):
    text: str  # what the assistant says
    working_days: int | None = Field(None, ge=1, le=365)
    same_day: bool = False
    counted_from: str | None = None
    verified: bool = True

    @root_validator(skip_on_failure=True)
    def _one_bound(cls, values: dict) -> dict:
        if values.get("same_day") and values.get("working_days") is not None:
            raise ValueError("give either working_days or same_day, not both")
        return values


class RequirementsIn(FactIn):
    items: List[str] = []
    verified: bool = True

    @root_validator(skip_on_failure=True)
    def _listed(cls, values: dict) -> dict:
        if values.get("verified", True) and not values.get("items"):
            raise ValueError("no requirements listed but verified is true")
        return values


class ServiceIn(_Strict):
    code: str
    name: str
    aliases: List[str] = []
    agency_type: str
    summary: str | None = None
    jenis: List[str] = []
    verification: str
    verification_note: str | None = None
    legal_basis: List[TextFactIn] = []
    sources: List[SourceIn] = Field(..., min_items=1)
    booking: BookingIn
    fee: FeeBlockIn
    fees: List[FeeIn] = []
    processing: ProcessingIn | None = None
    processing_by_jenis: Dict[str, ProcessingIn] = {}
    requirements: RequirementsIn | None = None
    requirements_by_jenis: Dict[str, RequirementsIn] = {}
    notes: List[TextFactIn] = []
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
        for field_name in ("requirements_by_jenis", "processing_by_jenis"):
            for key in values.get(field_name) or {}:
                if key not in jenis:
                    raise ValueError(f"{field_name} has '{key}', which is not in this service's jenis list")
        fee = values["fee"]
        if fee.free and any(f.amount for f in values.get("fees") or []):
            raise ValueError("fee.free is true but fees list a non-zero amount")
        if not fee.free and not values.get("fees") and not fee.note:
            raise ValueError("no fee information: set fee.free, fees or fee.note")
        if values.get("requirements") is None and not values.get("requirements_by_jenis"):
            raise ValueError("no requirements block: list them, or give requirements with verified: false")
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


class HoursIn(FactIn):
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


class ClosureIn(FactIn):
    date: date
    reason: str


class AddressIn(FactIn):
    text: str
    note: str | None = None


class CoordinatesIn(FactIn):
    lat: float = Field(..., ge=-11.5, le=6.5)  # Indonesia's latitude span
    lon: float = Field(..., ge=94.5, le=141.5)
    note: str | None = None


class ComplaintIn(FactIn):
    name: str
    detail: str
    note: str | None = None


class MppIn(_Strict):
    code: str
    name: str
    brand: str | None = None
    aliases: List[str] = []  # other names citizens use ("tangsel"), recognised at run time
    city: str
    province: str
    address: AddressIn
    coordinates: CoordinatesIn | None = None
    coordinates_note: str | None = None  # why there are none (for operators; not shown to citizens)
    timezone: str
    hours: HoursIn
    closures: List[ClosureIn] = []
    facilities: List[str] = []
    complaint_channels: List[ComplaintIn] = Field(..., min_items=1)
    contact_hours: str | None = None
    notes: List[TextFactIn] = []
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


class AgencyIn(FactIn):
    """An agency (tenant) of the MPP. Its sources and checked date are those of its presence."""

    code: str
    name: str
    presence: str
    contact: List[ContactIn] = []
    note: str | None = None

    @validator("presence")
    def _known_presence(cls, value: str) -> str:
        if value not in PRESENCE_VALUES:
            raise ValueError(f"unknown presence '{value}' (allowed: {', '.join(PRESENCE_VALUES)})")
        return value


class CounterIn(FactIn):
    code: str
    name: str
    floor: str
    agency: str
    verified: bool = True

    @validator("code", pre=True)
    def _as_text(cls, value: object) -> str:
        return str(value)


class OfferingIn(FactIn):
    """A service at this MPP. Its sources say that this agency offers it here (and back its notes)."""

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
    checked: date  # when the list was last checked against the decree
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
