"""Store a validated catalogue in SQL, and read it back as an in-memory snapshot.

``save_catalogue`` runs inside the caller's transaction: the whole catalogue is
replaced or, if anything fails, nothing is. Rows that other tables may reference
(MPPs, services, agencies, counters, offerings) are updated in place; detail rows
(hours, closures, requirements, fees) are rewritten.
"""

from __future__ import annotations

import threading
import time as _time
from dataclasses import asdict
from datetime import date, datetime, timezone
from typing import Any, Callable, Iterable, Mapping

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from mpp.catalogue.loader import LoadedCatalogue
from mpp.catalogue.model import (
    Agency,
    Catalogue,
    Closure,
    ComplaintChannel,
    Contact,
    Counter,
    DayHours,
    Fee,
    Holiday,
    Mpp,
    Offering,
    ProcessingTime,
    Provenance,
    Service,
    Source,
)
from mpp.db.catalogue_tables import (
    AgencyRow,
    CatalogueVersionRow,
    CounterRow,
    HolidayYearRow,
    MppClosureRow,
    MppHoursRow,
    MppRow,
    MppServiceRow,
    NationalHolidayRow,
    ServiceFeeRow,
    ServiceRequirementRow,
    ServiceRow,
)
from mpp.db.editor_tables import CatalogueRevisionRow


def _dicts(items: Iterable[Any]) -> list[dict]:
    return [{k: v for k, v in asdict(i).items() if v is not None} for i in items]


def _provenance_json(p: Provenance | None) -> dict | None:
    if p is None:
        return None
    return {"sources": list(p.sources), "checked": p.checked.isoformat(), "verified": p.verified}


def _provenance(d: dict | None) -> Provenance | None:
    if not d:
        return None
    return Provenance(tuple(d["sources"]), date.fromisoformat(d["checked"]), bool(d.get("verified", True)))


def _facts_json(facts: Mapping[str, Provenance]) -> dict:
    return {key: _provenance_json(p) for key, p in facts.items()}


def _facts(d: Mapping[str, Any] | None) -> dict[str, Provenance]:
    return {key: p for key, value in (d or {}).items() if (p := _provenance(value)) is not None}


def _processing_json(processing: Mapping[str | None, ProcessingTime]) -> dict:
    """Keyed by jenis; "" stands for the general entry (JSON keys cannot be null)."""
    return {
        (jenis or ""): {k: v for k, v in asdict(p).items() if v not in (None, False)} for jenis, p in processing.items()
    }


def _processing(d: Mapping[str, Any] | None) -> dict[str | None, ProcessingTime]:
    return {(jenis or None): ProcessingTime(**value) for jenis, value in (d or {}).items()}


def _delete_missing(session: Session, table: Any, key_columns: tuple, wanted: set) -> None:
    """Delete the rows of ``table`` whose key is not in ``wanted``."""
    for key in session.execute(select(*key_columns)).all():
        if tuple(key) not in wanted:
            condition = [column == value for column, value in zip(key_columns, key, strict=True)]
            session.execute(delete(table).where(*condition))


def save_catalogue(
    session: Session,
    loaded: LoadedCatalogue,
    *,
    origin: str = "yaml",
    staff_id: int | None = None,
    change_id: int | None = None,
    note: str | None = None,
) -> int:
    """Replace the stored catalogue with ``loaded``; returns the new version number.

    With the loaded document, the version's revision is stored too (``origin``: yaml, change,
    revert, onboarding; who and which change). Two writers starting from the same version
    cannot both succeed: the revision's parent is unique, so the second commit fails.
    """
    parent = current_version(session) or None
    cat = loaded.catalogue
    # Children first, so that parents can be removed or updated freely.
    for table in (MppHoursRow, MppClosureRow, ServiceRequirementRow, ServiceFeeRow, NationalHolidayRow, HolidayYearRow):
        session.execute(delete(table))
    _delete_missing(session, MppServiceRow, (MppServiceRow.mpp_code, MppServiceRow.service_code), set(cat.offerings))
    _delete_missing(
        session,
        CounterRow,
        (CounterRow.mpp_code, CounterRow.code),
        {(m.code, c) for m in cat.mpps.values() for c in m.counters},
    )
    _delete_missing(
        session,
        AgencyRow,
        (AgencyRow.mpp_code, AgencyRow.code),
        {(m.code, a) for m in cat.mpps.values() for a in m.agencies},
    )
    _delete_missing(session, MppRow, (MppRow.code,), {(m,) for m in cat.mpps})
    _delete_missing(session, ServiceRow, (ServiceRow.code,), {(s,) for s in cat.services})
    session.flush()

    for s in cat.services.values():
        session.merge(
            ServiceRow(
                code=s.code,
                name=s.name,
                aliases=list(s.aliases),
                agency_type=s.agency_type,
                summary=s.summary,
                jenis=list(s.jenis),
                verification=s.verification,
                verification_note=s.verification_note,
                verified_on=s.verified_on,
                legal_basis=list(s.legal_basis),
                sources=_dicts(s.sources),
                booking_mode=s.booking_mode,
                booking_url=s.booking_url,
                booking_note=s.booking_note,
                fee_free=s.fee_free,
                fee_note=s.fee_note,
                fee_verified=s.fee_verified,
                processing_time=s.processing_time,
                processing_time_by_jenis=dict(s.processing_time_by_jenis),
                processing=_processing_json(s.processing),
                requirements_verified=s.requirements_verified,
                notes=list(s.notes),
                contact=_dicts(s.contact),
                facts=_facts_json(s.facts),
            )
        )
        session.flush()  # the service row must exist before its requirement and fee rows
        for jenis, items in s.requirements.items():
            for position, text in enumerate(items):
                session.add(ServiceRequirementRow(service_code=s.code, jenis=jenis, position=position, text=text))
        for position, fee in enumerate(s.fees):
            session.add(
                ServiceFeeRow(
                    service_code=s.code,
                    position=position,
                    label=fee.label,
                    amount=fee.amount,
                    jenis=list(fee.jenis),
                    note=fee.note,
                )
            )
    for m in cat.mpps.values():
        session.merge(
            MppRow(
                code=m.code,
                name=m.name,
                brand=m.brand,
                city=m.city,
                province=m.province,
                address=m.address,
                address_note=m.address_note,
                latitude=m.latitude,
                longitude=m.longitude,
                coordinates_note=m.coordinates_note,
                timezone=m.timezone,
                hours_verified=m.hours_verified,
                hours_note=m.hours_note,
                facilities=list(m.facilities),
                complaint_channels=_dicts(m.complaint_channels),
                contact_hours=m.contact_hours,
                notes=list(m.notes),
                sources=_dicts(m.sources),
                last_verified=m.last_verified,
                source_file=f"mpp/{m.code}.yaml",
                facts=_facts_json(m.facts),
                aliases=list(m.aliases),
            )
        )
        session.flush()
        for h in m.hours:
            session.add(
                MppHoursRow(
                    mpp_code=m.code,
                    weekday=h.weekday,
                    opens=h.opens,
                    closes=h.closes,
                    break_start=h.break_start,
                    break_end=h.break_end,
                    break_reason=h.break_reason,
                )
            )
        for c in m.closures:
            session.add(
                MppClosureRow(
                    mpp_code=m.code,
                    date=c.day,
                    reason=c.reason,
                    source=c.source,
                    provenance=_provenance_json(c.provenance),
                )
            )
        for a in m.agencies.values():
            session.merge(
                AgencyRow(
                    mpp_code=m.code,
                    code=a.code,
                    name=a.name,
                    contact=_dicts(a.contact),
                    note=a.note,
                    presence=_provenance_json(a.presence),
                )
            )
        session.flush()
        for counter in m.counters.values():
            session.merge(
                CounterRow(
                    mpp_code=m.code,
                    code=counter.code,
                    name=counter.name,
                    floor=counter.floor,
                    agency_code=counter.agency_code,
                    provenance=_provenance_json(counter.provenance),
                )
            )
    session.flush()
    for o in cat.offerings.values():
        session.merge(
            MppServiceRow(
                mpp_code=o.mpp_code,
                service_code=o.service_code,
                agency_code=o.agency_code,
                counters=list(o.counters),
                queue_prefix=o.queue_prefix,
                booking_mode=o.booking_mode,
                slot_minutes=o.slot_minutes,
                quota_per_slot=o.quota_per_slot,
                hours_note=o.hours_note,
                note=o.note,
                contact=_dicts(o.contact),
                operator=o.operator,
                provenance=_provenance_json(o.provenance),
            )
        )
    for year, sources in cat.holiday_years.items():
        session.add(HolidayYearRow(year=year, sources=_dicts(sources), checked=cat.holiday_checked.get(year)))
    for holiday in cat.holidays.values():
        session.add(NationalHolidayRow(date=holiday.day, kind=holiday.kind, name=holiday.name))
    now = datetime.now(timezone.utc)
    version = CatalogueVersionRow(loaded_at=now, digest=loaded.digest, files=list(loaded.files))
    session.add(version)
    session.flush()
    if loaded.document is not None:
        session.add(
            CatalogueRevisionRow(
                version_id=version.id,
                parent_version=parent,
                origin=origin,
                change_id=change_id,
                staff_id=staff_id,
                note=note,
                document=dict(loaded.document),
                created_at=now,
            )
        )
        session.flush()
    return int(version.id)


def current_version(session: Session) -> int:
    return int(session.execute(select(func.max(CatalogueVersionRow.id))).scalar() or 0)


def load_from_db(session: Session) -> Catalogue:
    """Read the whole stored catalogue into an immutable snapshot."""
    version = current_version(session)
    requirements: dict[str, dict[str | None, list[str]]] = {}
    for r in session.execute(
        select(ServiceRequirementRow).order_by(ServiceRequirementRow.service_code, ServiceRequirementRow.position)
    ).scalars():
        requirements.setdefault(r.service_code, {}).setdefault(r.jenis, []).append(r.text)
    fees: dict[str, list[Fee]] = {}
    for f in session.execute(
        select(ServiceFeeRow).order_by(ServiceFeeRow.service_code, ServiceFeeRow.position)
    ).scalars():
        fees.setdefault(f.service_code, []).append(
            Fee(label=f.label, amount=f.amount, jenis=tuple(f.jenis or ()), note=f.note)
        )
    services = {}
    for s in session.execute(select(ServiceRow)).scalars():
        services[s.code] = Service(
            code=s.code,
            name=s.name,
            aliases=tuple(s.aliases),
            agency_type=s.agency_type,
            summary=s.summary,
            jenis=tuple(s.jenis),
            verification=s.verification,
            verification_note=s.verification_note,
            verified_on=s.verified_on,
            legal_basis=tuple(s.legal_basis),
            sources=tuple(Source(**d) for d in s.sources),
            booking_mode=s.booking_mode,
            booking_url=s.booking_url,
            booking_note=s.booking_note,
            fee_free=s.fee_free,
            fee_note=s.fee_note,
            fee_verified=s.fee_verified,
            fees=tuple(fees.get(s.code, ())),
            processing=_processing(s.processing),
            requirements_verified=s.requirements_verified,
            requirements={k: tuple(v) for k, v in requirements.get(s.code, {}).items()},
            notes=tuple(s.notes),
            contact=tuple(Contact(**d) for d in s.contact),
            facts=_facts(s.facts),
        )
    hours: dict[str, list[DayHours]] = {}
    for h in session.execute(select(MppHoursRow).order_by(MppHoursRow.mpp_code, MppHoursRow.weekday)).scalars():
        hours.setdefault(h.mpp_code, []).append(
            DayHours(
                weekday=h.weekday,
                opens=h.opens,
                closes=h.closes,
                break_start=h.break_start,
                break_end=h.break_end,
                break_reason=h.break_reason,
            )
        )
    closures: dict[str, list[Closure]] = {}
    for c in session.execute(select(MppClosureRow).order_by(MppClosureRow.mpp_code, MppClosureRow.date)).scalars():
        closures.setdefault(c.mpp_code, []).append(Closure(c.date, c.reason, c.source, _provenance(c.provenance)))
    agencies: dict[str, dict[str, Agency]] = {}
    for a in session.execute(select(AgencyRow)).scalars():
        agencies.setdefault(a.mpp_code, {})[a.code] = Agency(
            a.code, a.name, tuple(Contact(**d) for d in a.contact), a.note, _provenance(a.presence)
        )
    counters: dict[str, dict[str, Counter]] = {}
    for c in session.execute(select(CounterRow)).scalars():
        counters.setdefault(c.mpp_code, {})[c.code] = Counter(
            c.code, c.name, c.floor, c.agency_code, _provenance(c.provenance)
        )
    mpps = {}
    for m in session.execute(select(MppRow)).scalars():
        mpps[m.code] = Mpp(
            code=m.code,
            name=m.name,
            brand=m.brand,
            city=m.city,
            province=m.province,
            address=m.address,
            address_note=m.address_note,
            latitude=m.latitude,
            longitude=m.longitude,
            coordinates_note=m.coordinates_note,
            timezone=m.timezone,
            hours=tuple(hours.get(m.code, ())),
            hours_verified=m.hours_verified,
            hours_note=m.hours_note,
            closures=tuple(closures.get(m.code, ())),
            agencies=agencies.get(m.code, {}),
            counters=counters.get(m.code, {}),
            facilities=tuple(m.facilities),
            complaint_channels=tuple(ComplaintChannel(**d) for d in m.complaint_channels),
            contact_hours=m.contact_hours,
            notes=tuple(m.notes),
            sources=tuple(Source(**d) for d in m.sources),
            last_verified=m.last_verified,
            facts=_facts(m.facts),
            aliases=tuple(m.aliases or ()),
        )
    offerings = {}
    for o in session.execute(select(MppServiceRow)).scalars():
        offerings[(o.mpp_code, o.service_code)] = Offering(
            mpp_code=o.mpp_code,
            service_code=o.service_code,
            agency_code=o.agency_code,
            counters=tuple(o.counters),
            queue_prefix=o.queue_prefix,
            slot_minutes=o.slot_minutes,
            quota_per_slot=o.quota_per_slot,
            booking_mode=o.booking_mode,
            hours_note=o.hours_note,
            note=o.note,
            contact=tuple(Contact(**d) for d in o.contact),
            operator=o.operator,
            provenance=_provenance(o.provenance),
        )
    holidays = {h.date: Holiday(h.date, h.kind, h.name) for h in session.execute(select(NationalHolidayRow)).scalars()}
    years = list(session.execute(select(HolidayYearRow)).scalars())
    holiday_years = {y.year: tuple(Source(**d) for d in y.sources) for y in years}
    holiday_checked = {y.year: y.checked for y in years if y.checked is not None}
    return Catalogue(
        services=services,
        mpps=mpps,
        offerings=offerings,
        version=version,
        holidays=holidays,
        holiday_years=holiday_years,
        holiday_checked=holiday_checked,
    )


class CatalogueProvider:
    """Serves a cached snapshot, re-read when a newer catalogue version is stored.

    The version check is one indexed query, made at most every ``refresh_seconds``,
    so answering a question costs no catalogue queries in the common case.
    """

    def __init__(
        self,
        session_factory: Callable[[], Session],
        refresh_seconds: float = 5.0,
        clock: Callable[[], float] = _time.monotonic,
    ):
        self._session_factory = session_factory
        self._refresh_seconds = refresh_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._snapshot: Catalogue | None = None
        self._checked_at = float("-inf")

    def invalidate(self) -> None:
        """The next ``get`` checks the stored version at once (after this process stored a new one)."""
        self._checked_at = float("-inf")

    def get(self) -> Catalogue:
        now = self._clock()
        snapshot = self._snapshot
        if snapshot is not None and now - self._checked_at < self._refresh_seconds:
            return snapshot
        with self._lock:
            if self._snapshot is not None and now - self._checked_at < self._refresh_seconds:
                return self._snapshot
            with self._session_factory() as session:
                version = current_version(session)
                if self._snapshot is None or version != self._snapshot.version:
                    self._snapshot = load_from_db(session)
            self._checked_at = now
            return self._snapshot
