"""Domain objects of the catalogue. Plain frozen dataclasses: no SQLAlchemy, no Rasa."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from typing import Mapping

# The 18 service codes of the NLU contract (architecture.md §3). Fixed.
SERVICE_CODES: tuple[str, ...] = (
    "ktp_el",
    "kk",
    "akta_kelahiran",
    "akta_kematian",
    "kia",
    "pindah",
    "skck",
    "paspor",
    "sim",
    "pajak_kendaraan",
    "npwp",
    "bpjs_kesehatan",
    "bpjs_ketenagakerjaan",
    "nib",
    "pbg",
    "sertifikat_tanah",
    "air_pdam",
    "nikah",
)
JENIS_VALUES: tuple[str, ...] = ("baru", "hilang", "rusak", "perpanjangan", "perubahan")
JENIS_LABELS: Mapping[str, str] = {
    "baru": "pembuatan baru",
    "hilang": "karena hilang",
    "rusak": "karena rusak",
    "perpanjangan": "perpanjangan",
    "perubahan": "perubahan data",
}
BOOKING_MODES: tuple[str, ...] = ("mpp_slot", "agency_system", "walk_in")
VERIFICATION_LEVELS: tuple[str, ...] = ("terverifikasi", "perlu_dicek", "belum_terverifikasi")
WEEKDAYS_ID: tuple[str, ...] = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")


@dataclass(frozen=True)
class Source:
    title: str
    url: str | None = None
    date: str | None = None
    confidence: str | None = None


@dataclass(frozen=True)
class Contact:
    """A way to reach an agency or channel, e.g. ("WhatsApp", "0811-9600-0060")."""

    label: str
    value: str
    note: str | None = None


@dataclass(frozen=True)
class DayHours:
    weekday: int  # 0 = Monday
    opens: time
    closes: time
    break_start: time | None = None
    break_end: time | None = None
    break_reason: str | None = None


@dataclass(frozen=True)
class Closure:
    day: date
    reason: str
    source: str | None = None


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    contact: tuple[Contact, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class Counter:
    code: str
    name: str
    floor: str
    agency_code: str


@dataclass(frozen=True)
class ComplaintChannel:
    name: str
    detail: str
    source: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Mpp:
    code: str
    name: str
    city: str
    province: str
    address: str
    timezone: str
    last_verified: date
    brand: str | None = None
    address_note: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    coordinates_note: str | None = None
    hours: tuple[DayHours, ...] = ()
    hours_verified: bool = False
    hours_note: str | None = None
    closures: tuple[Closure, ...] = ()
    agencies: Mapping[str, Agency] = field(default_factory=dict)
    counters: Mapping[str, Counter] = field(default_factory=dict)
    facilities: tuple[str, ...] = ()
    complaint_channels: tuple[ComplaintChannel, ...] = ()
    contact_hours: str | None = None
    notes: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()

    def hours_on(self, weekday: int) -> DayHours | None:
        return next((h for h in self.hours if h.weekday == weekday), None)


@dataclass(frozen=True)
class Fee:
    label: str
    amount: int | None = None  # rupiah; None when it is a formula or varies
    jenis: tuple[str, ...] = ()  # empty: any jenis
    note: str | None = None


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    agency_type: str
    verification: str
    verified_on: date
    booking_mode: str
    aliases: tuple[str, ...] = ()
    summary: str | None = None
    jenis: tuple[str, ...] = ()
    verification_note: str | None = None
    legal_basis: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    booking_url: str | None = None
    booking_note: str | None = None
    fee_free: bool = False
    fee_note: str | None = None
    fee_verified: bool = True
    fees: tuple[Fee, ...] = ()
    processing_time: str | None = None
    processing_time_by_jenis: Mapping[str, str] = field(default_factory=dict)
    requirements_verified: bool = True
    # requirements[None] apply to every jenis; requirements["hilang"] only to that jenis.
    requirements: Mapping[str | None, tuple[str, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    contact: tuple[Contact, ...] = ()

    def requirements_for(self, jenis: str | None) -> tuple[str, ...]:
        """Requirements for a jenis: its own list if it has one, else the general list."""
        if jenis and jenis in self.requirements:
            return self.requirements[jenis]
        return self.requirements.get(None, ())

    @property
    def jenis_with_own_requirements(self) -> tuple[str, ...]:
        return tuple(j for j in self.jenis if j in self.requirements)

    def fees_for(self, jenis: str | None) -> tuple[Fee, ...]:
        if not jenis:
            return self.fees
        return tuple(f for f in self.fees if not f.jenis or jenis in f.jenis)

    def processing_time_for(self, jenis: str | None) -> str | None:
        if jenis and jenis in self.processing_time_by_jenis:
            return self.processing_time_by_jenis[jenis]
        return self.processing_time

    @property
    def is_unverified(self) -> bool:
        return self.verification == "belum_terverifikasi"


@dataclass(frozen=True)
class Offering:
    """A service as one MPP offers it."""

    mpp_code: str
    service_code: str
    agency_code: str
    counters: tuple[str, ...]
    queue_prefix: str
    slot_minutes: int = 15
    quota_per_slot: int = 2
    booking_mode: str | None = None  # None: the service's national mode
    hours_note: str | None = None
    note: str | None = None
    contact: tuple[Contact, ...] = ()
    operator: str | None = None


HOLIDAY_KINDS: tuple[str, ...] = ("libur_nasional", "cuti_bersama")


@dataclass(frozen=True)
class Holiday:
    """A national day off: a libur nasional or a cuti bersama, as decreed (SKB)."""

    day: date
    kind: str  # one of HOLIDAY_KINDS
    name: str


@dataclass(frozen=True)
class Catalogue:
    """An immutable snapshot of the whole catalogue, cheap to query in memory."""

    services: Mapping[str, Service]
    mpps: Mapping[str, Mpp]
    offerings: Mapping[tuple[str, str], Offering]
    version: int = 0
    # Decreed national days off, and for which years the decree is in the catalogue.
    holidays: Mapping[date, Holiday] = field(default_factory=dict)
    holiday_years: Mapping[int, tuple[Source, ...]] = field(default_factory=dict)

    def service(self, code: str | None) -> Service | None:
        return self.services.get(code) if code else None

    def mpp(self, code: str | None) -> Mpp | None:
        return self.mpps.get(code) if code else None

    def offering(self, mpp_code: str | None, service_code: str | None) -> Offering | None:
        if not mpp_code or not service_code:
            return None
        return self.offerings.get((mpp_code, service_code))

    def mpps_offering(self, service_code: str) -> list[Mpp]:
        return [self.mpps[m] for (m, s) in sorted(self.offerings) if s == service_code and m in self.mpps]

    def services_at(self, mpp_code: str) -> list[Service]:
        codes = [s for (m, s) in self.offerings if m == mpp_code]
        return [self.services[c] for c in SERVICE_CODES if c in codes]

    def booking_mode(self, mpp_code: str | None, service_code: str) -> str:
        offering = self.offering(mpp_code, service_code)
        if offering and offering.booking_mode:
            return offering.booking_mode
        service = self.services[service_code]
        return service.booking_mode
