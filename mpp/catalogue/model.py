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
PRESENCE_VALUES: tuple[str, ...] = ("verified", "unverified")

# Every fact the assistant states has a kind; a fact checked longer ago than its kind's period is
# stale and shown as "perlu dicek ulang". The periods follow how often such facts change in practice:
# opening hours and counters move with a building or a season, fees and requirements with a regulation
# (yearly at most), legal bases and addresses rarely.
STALE_AFTER_DAYS: Mapping[str, int] = {
    "hours": 90,
    "counter": 90,
    "closure": 90,
    "fee": 180,
    "requirement": 180,
    "processing_time": 180,
    "presence": 180,
    "offering": 180,
    "booking": 180,
    "contact": 180,
    "note": 180,
    "legal_basis": 365,
    "address": 365,
    "coordinates": 365,
    "complaint_channel": 365,
    "holidays": 365,
}
FACT_KINDS: tuple[str, ...] = tuple(STALE_AFTER_DAYS)


@dataclass(frozen=True)
class Source:
    title: str
    url: str | None = None
    date: str | None = None
    confidence: str | None = None
    id: str | None = None  # facts name their sources by this id (unique within a service or an MPP file)


@dataclass(frozen=True)
class Provenance:
    """Where a fact comes from and when it was last checked against that source.

    ``sources`` are ids into the owning service's (or MPP file's) source list. ``verified`` is false
    when the sources do not establish the fact for this MPP (e.g. a demo placeholder, an MoU that
    only announced a tenant); the assistant then says the fact is unverified.
    """

    sources: tuple[str, ...]
    checked: date
    verified: bool = True

    def stale(self, kind: str, today: date) -> bool:
        return (today - self.checked).days > STALE_AFTER_DAYS[kind]


def fact_kind(key: str) -> str:
    """The kind of a fact key such as ``fee:3`` or ``requirement:hilang``."""
    return key.split(":", 1)[0]


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
    provenance: Provenance | None = None


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    contact: tuple[Contact, ...] = ()
    note: str | None = None
    # Is the agency at this MPP at all? Unverified: only announced (an MoU) or not in any recent tenant list.
    presence: Provenance | None = None

    @property
    def present(self) -> bool:
        return self.presence is not None and self.presence.verified


@dataclass(frozen=True)
class Counter:
    code: str
    name: str
    floor: str
    agency_code: str
    provenance: Provenance | None = None


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
    # Provenance of the MPP's own facts: "address", "coordinates", "hours", "complaint_channel:<i>", "note:<i>".
    facts: Mapping[str, Provenance] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()  # other names citizens use for it

    def hours_on(self, weekday: int) -> DayHours | None:
        return next((h for h in self.hours if h.weekday == weekday), None)

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)


@dataclass(frozen=True)
class Fee:
    label: str
    amount: int | None = None  # rupiah; None when it is a formula or varies
    jenis: tuple[str, ...] = ()  # empty: any jenis
    note: str | None = None


@dataclass(frozen=True)
class ProcessingTime:
    """How long a service takes: the sentence the assistant says, and where a source gives one, a bound.

    A completion date is promised only from a bound (``working_days`` or ``same_day``) whose fact is
    sourced and verified; the text alone never yields a date.
    """

    text: str
    working_days: int | None = None  # at most this many working days after the day counting starts
    same_day: bool = False
    counted_from: str | None = None  # when counting starts, e.g. "setelah persyaratan lengkap"

    @property
    def bounded(self) -> bool:
        return self.same_day or self.working_days is not None


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    agency_type: str
    verification: str
    verified_on: date  # the oldest check of any of this service's facts
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
    # processing[None] for every jenis; processing["hilang"] only for that jenis.
    processing: Mapping[str | None, ProcessingTime] = field(default_factory=dict)
    requirements_verified: bool = True
    # requirements[None] apply to every jenis; requirements["hilang"] only to that jenis.
    requirements: Mapping[str | None, tuple[str, ...]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    contact: tuple[Contact, ...] = ()
    # Provenance of each fact, keyed "fee", "fee:<i>", "legal_basis:<i>", "requirement", "requirement:<jenis>",
    # "processing_time", "processing_time:<jenis>", "booking", "note:<i>", "contact:<i>".
    facts: Mapping[str, Provenance] = field(default_factory=dict)

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

    @property
    def processing_time(self) -> str | None:
        general = self.processing.get(None)
        return general.text if general else None

    @property
    def processing_time_by_jenis(self) -> Mapping[str, str]:
        return {j: p.text for j, p in self.processing.items() if j is not None}

    def processing_for(self, jenis: str | None) -> tuple[ProcessingTime | None, Provenance | None]:
        """The processing time for a jenis (its own, else the general one) and its provenance."""
        if jenis and jenis in self.processing:
            return self.processing[jenis], self.facts.get(f"processing_time:{jenis}")
        return self.processing.get(None), self.facts.get("processing_time")

    def processing_time_for(self, jenis: str | None) -> str | None:
        found, _ = self.processing_for(jenis)
        return found.text if found else None

    def requirements_verified_for(self, jenis: str | None) -> bool:
        key = f"requirement:{jenis}" if jenis and jenis in self.requirements else "requirement"
        fact = self.facts.get(key)
        return bool(self.requirements_for(jenis)) and (fact.verified if fact else self.requirements_verified)

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)

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
    # The fact that this agency offers this service here (and the offering's note and hours note).
    provenance: Provenance | None = None


@dataclass(frozen=True)
class BookingRoute:
    """How a citizen gets a service at one MPP, and why.

    ``reason``: "national" (the service's own mode), "offering" (this MPP's override),
    "presence_unverified" (the agency's presence at this MPP is unverified: its own channel instead).
    """

    mode: str
    reason: str
    note: str | None = None
    url: str | None = None


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
    holiday_checked: Mapping[int, date] = field(default_factory=dict)

    def service(self, code: str | None) -> Service | None:
        return self.services.get(code) if code else None

    def mpp(self, code: str | None) -> Mpp | None:
        return self.mpps.get(code) if code else None

    def offering(self, mpp_code: str | None, service_code: str | None) -> Offering | None:
        if not mpp_code or not service_code:
            return None
        return self.offerings.get((mpp_code, service_code))

    def agency_of(self, mpp_code: str | None, service_code: str | None) -> Agency | None:
        offering = self.offering(mpp_code, service_code)
        mpp = self.mpp(mpp_code)
        return mpp.agencies.get(offering.agency_code) if offering and mpp else None

    def present(self, mpp_code: str | None, service_code: str | None) -> bool:
        """The service is listed at this MPP and its agency's presence there is verified."""
        agency = self.agency_of(mpp_code, service_code)
        return agency is not None and agency.present

    def mpps_offering(self, service_code: str) -> list[Mpp]:
        """The MPPs where the service is known to be offered (agency presence verified)."""
        return [self.mpps[m] for (m, s) in sorted(self.offerings) if s == service_code and self.present(m, s)]

    def mpps_listing(self, service_code: str) -> list[Mpp]:
        """Every MPP whose file lists the service, including where the agency's presence is unverified."""
        return [self.mpps[m] for (m, s) in sorted(self.offerings) if s == service_code and m in self.mpps]

    def services_at(self, mpp_code: str) -> list[Service]:
        codes = [s for (m, s) in self.offerings if m == mpp_code]
        return [self.services[c] for c in SERVICE_CODES if c in codes]

    def booking_route(self, mpp_code: str | None, service_code: str) -> BookingRoute:
        service = self.services[service_code]
        offering = self.offering(mpp_code, service_code)
        if offering is not None and not self.present(mpp_code, service_code):
            return BookingRoute("agency_system", "presence_unverified", service.booking_note, service.booking_url)
        if offering and offering.booking_mode:
            return BookingRoute(offering.booking_mode, "offering", offering.hours_note or offering.note)
        return BookingRoute(service.booking_mode, "national", service.booking_note, service.booking_url)

    def booking_mode(self, mpp_code: str | None, service_code: str) -> str:
        """mpp_slot, agency_system or walk_in. An agency of unverified presence takes no MPP bookings."""
        return self.booking_route(mpp_code, service_code).mode
