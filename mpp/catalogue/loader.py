"""Read and validate the catalogue YAML files into a domain ``Catalogue``.

Every problem found is reported with the file, the field and what is wrong, all
at once, so an operator can fix a file in one pass. Nothing touches the database
here: storing happens only after the whole catalogue has been validated.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import yaml
from pydantic import ValidationError

from mpp.catalogue.model import (
    WEEKDAYS_ID,
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
    Service,
    Source,
)
from mpp.catalogue.schema import HolidayFile, MppFile, ServicesFile, parse_clock
from mpp.catalogue.yaml_io import read_yaml

SERVICES_FILE = "layanan.yaml"
MPP_DIR = "mpp"
HOLIDAY_DIR = "libur"


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


class CatalogueInvalid(Exception):
    """The catalogue files have problems; nothing was loaded."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class LoadedCatalogue:
    catalogue: Catalogue
    files: tuple[str, ...]
    digest: str


def read_catalogue(directory: Path) -> LoadedCatalogue:
    """Validate ``layanan.yaml`` and every ``mpp/*.yaml`` under ``directory``."""
    directory = Path(directory)
    problems: list[Problem] = []
    services_path = directory / SERVICES_FILE
    mpp_paths = sorted((directory / MPP_DIR).glob("*.y*ml"))
    if not services_path.exists():
        raise CatalogueInvalid([Problem(str(services_path), "-", "file not found")])
    if not mpp_paths:
        raise CatalogueInvalid([Problem(str(directory / MPP_DIR), "-", "no MPP files (*.yaml) found")])

    services_file = _parse(services_path, ServicesFile, problems)
    services = _services(services_file) if services_file else {}

    mpps: dict[str, Mpp] = {}
    offerings: dict[tuple[str, str], Offering] = {}
    for path in mpp_paths:
        parsed = _parse(path, MppFile, problems)
        if parsed is None:
            continue
        file_problems = _check_mpp(path, parsed, services, services_file is not None, mpps)
        problems.extend(file_problems)
        if not file_problems:
            mpp, mpp_offerings = _mpp(parsed)
            mpps[mpp.code] = mpp
            offerings.update(mpp_offerings)

    holiday_paths = sorted((directory / HOLIDAY_DIR).glob("*.y*ml"))
    holidays: dict = {}
    holiday_years: dict[int, tuple[Source, ...]] = {}
    for path in holiday_paths:
        parsed_days = _parse(path, HolidayFile, problems)
        if parsed_days is None:
            continue
        if parsed_days.year in holiday_years:
            problems.append(Problem(str(path), "year", f"{parsed_days.year} is already defined in another file"))
            continue
        holiday_years[parsed_days.year] = _sources(parsed_days.sources)
        holidays.update({d.date: Holiday(d.date, d.kind, d.name) for d in parsed_days.days})

    if problems:
        raise CatalogueInvalid(problems)
    offered = {s for (_, s) in offerings}
    missing = [code for code in services if code not in offered]
    if missing:
        raise CatalogueInvalid(
            [Problem(str(services_path), f"services ({c})", "no MPP offers this service") for c in missing]
        )
    paths = [services_path, *mpp_paths, *holiday_paths]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in paths)).hexdigest()
    return LoadedCatalogue(
        catalogue=Catalogue(
            services=services, mpps=mpps, offerings=offerings, holidays=holidays, holiday_years=holiday_years
        ),
        files=tuple(str(p.relative_to(directory)) for p in paths),
        digest=digest,
    )


def _parse(path: Path, model: Any, problems: list[Problem]) -> Any:
    try:
        raw = read_yaml(path)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "-"
        problems.append(Problem(str(path), where, f"not valid YAML: {getattr(exc, 'problem', exc)}"))
        return None
    except OSError as exc:
        problems.append(Problem(str(path), "-", f"cannot read: {exc.strerror}"))
        return None
    if not isinstance(raw, dict):
        problems.append(Problem(str(path), "-", "expected a mapping at the top of the file"))
        return None
    try:
        return model.parse_obj(raw)
    except ValidationError as exc:
        for error in exc.errors():
            problems.append(Problem(str(path), _field_path(raw, error["loc"]), _message(error)))
        return None


def _message(error: Any) -> str:
    if error["type"] == "value_error.missing":
        return "required field is missing"
    if error["type"] == "value_error.extra":
        return "unknown field (typo?)"
    return str(error["msg"])


def _field_path(raw: Any, loc: Iterable[Any]) -> str:
    """Render a pydantic location with the code of list items: services[3](paspor).fees[0]."""
    parts: list[str] = []
    node = raw
    for key in loc:
        if key == "__root__":
            continue
        if isinstance(key, int):
            label = f"[{key}]"
            item = node[key] if isinstance(node, list) and key < len(node) else None
            if isinstance(item, dict) and "code" in item:
                label += f"({item['code']})"
            parts.append(label)
            node = item
        else:
            parts.append(("." if parts else "") + str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return "".join(parts) or "-"


def _check_mpp(
    path: Path,
    parsed: MppFile,
    services: dict[str, Service],
    services_ok: bool,
    mpps: dict[str, Mpp],
) -> list[Problem]:
    problems: list[Problem] = []
    file = str(path)
    if parsed.mpp.code in mpps:
        problems.append(Problem(file, "mpp.code", f"MPP '{parsed.mpp.code}' is already defined in another file"))
    if path.stem != parsed.mpp.code:
        problems.append(Problem(file, "mpp.code", f"'{parsed.mpp.code}' does not match the file name '{path.name}'"))
    agencies: set[str] = set()
    for i, agency in enumerate(parsed.agencies):
        if agency.code in agencies:
            problems.append(Problem(file, f"agencies[{i}]({agency.code})", "duplicate agency code"))
        agencies.add(agency.code)
    counters: dict[str, str] = {}
    for i, counter in enumerate(parsed.counters):
        where = f"counters[{i}]({counter.code})"
        if counter.code in counters:
            problems.append(Problem(file, where, f"duplicate counter '{counter.code}'"))
        if counter.agency not in agencies:
            problems.append(Problem(file, f"{where}.agency", f"unknown agency '{counter.agency}'"))
        counters[counter.code] = counter.agency
    offered: set[str] = set()
    prefixes: dict[str, str] = {}
    for i, offering in enumerate(parsed.services):
        where = f"services[{i}]({offering.code})"
        if services_ok and offering.code not in services:
            problems.append(
                Problem(file, f"{where}.code", f"unknown service code '{offering.code}' (not in {SERVICES_FILE})")
            )
        if offering.code in offered:
            problems.append(Problem(file, where, "service listed twice"))
        offered.add(offering.code)
        if offering.agency not in agencies:
            problems.append(Problem(file, f"{where}.agency", f"unknown agency '{offering.agency}'"))
        for code in offering.counters:
            if code not in counters:
                problems.append(Problem(file, f"{where}.counters", f"unknown counter '{code}'"))
            elif counters[code] != offering.agency:
                problems.append(
                    Problem(
                        file,
                        f"{where}.counters",
                        f"counter '{code}' belongs to agency '{counters[code]}', not '{offering.agency}'",
                    )
                )
        owner = prefixes.setdefault(offering.queue_prefix, offering.agency)
        if owner != offering.agency:
            problems.append(
                Problem(
                    file,
                    f"{where}.queue_prefix",
                    f"prefix '{offering.queue_prefix}' is already used by agency '{owner}'",
                )
            )
    seen_days: set = set()
    for i, closure in enumerate(parsed.mpp.closures):
        if closure.date in seen_days:
            problems.append(Problem(file, f"mpp.closures[{i}]", f"date {closure.date} listed twice"))
        seen_days.add(closure.date)
    return problems


def _sources(items: Iterable[Any]) -> tuple[Source, ...]:
    return tuple(Source(title=s.title, url=s.url, date=s.date, confidence=s.confidence) for s in items)


def _contacts(items: Iterable[Any]) -> tuple[Contact, ...]:
    return tuple(Contact(label=c.label, value=c.value, note=c.note) for c in items)


def _services(parsed: ServicesFile) -> dict[str, Service]:
    services: dict[str, Service] = {}
    for s in parsed.services:
        requirements: dict[str | None, tuple[str, ...]] = {}
        if s.requirements:
            requirements[None] = tuple(s.requirements)
        for jenis, items in s.requirements_by_jenis.items():
            requirements[jenis] = tuple(items)
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
            sources=_sources(s.sources),
            booking_mode=s.booking.mode,
            booking_url=s.booking.url,
            booking_note=s.booking.note,
            fee_free=s.fee_free,
            fee_note=s.fee_note,
            fee_verified=s.fee_verified,
            fees=tuple(Fee(label=f.label, amount=f.amount, jenis=tuple(f.jenis), note=f.note) for f in s.fees),
            processing_time=s.processing_time,
            processing_time_by_jenis=dict(s.processing_time_by_jenis),
            requirements_verified=s.requirements_verified,
            requirements=requirements,
            notes=tuple(s.notes),
            contact=_contacts(s.contact),
        )
    return services


def _mpp(parsed: MppFile) -> tuple[Mpp, dict[tuple[str, str], Offering]]:
    m = parsed.mpp
    hours = []
    for day_name, day in m.hours.weekly.items():
        if day is None:
            continue
        hours.append(
            DayHours(
                weekday=WEEKDAYS_ID.index(day_name),
                opens=parse_clock(day.open),
                closes=parse_clock(day.close),
                break_start=parse_clock(day.break_start) if day.break_start else None,
                break_end=parse_clock(day.break_end) if day.break_end else None,
                break_reason=day.break_reason,
            )
        )
    mpp = Mpp(
        code=m.code,
        name=m.name,
        brand=m.brand,
        city=m.city,
        province=m.province,
        address=m.address,
        address_note=m.address_note,
        latitude=m.coordinates.lat if m.coordinates else None,
        longitude=m.coordinates.lon if m.coordinates else None,
        coordinates_note=m.coordinates.note if m.coordinates else None,
        timezone=m.timezone,
        hours=tuple(sorted(hours, key=lambda h: h.weekday)),
        hours_verified=m.hours.verified,
        hours_note=m.hours.note,
        closures=tuple(sorted((Closure(c.date, c.reason, c.source) for c in m.closures), key=lambda c: c.day)),
        agencies={a.code: Agency(a.code, a.name, _contacts(a.contact), a.note) for a in parsed.agencies},
        counters={c.code: Counter(c.code, c.name, c.floor, c.agency) for c in parsed.counters},
        facilities=tuple(m.facilities),
        complaint_channels=tuple(ComplaintChannel(c.name, c.detail, c.source, c.note) for c in m.complaint_channels),
        contact_hours=m.contact_hours,
        notes=tuple(m.notes),
        sources=_sources(m.sources),
        last_verified=m.last_verified,
    )
    offerings = {
        (m.code, o.code): Offering(
            mpp_code=m.code,
            service_code=o.code,
            agency_code=o.agency,
            counters=tuple(o.counters),
            queue_prefix=o.queue_prefix,
            slot_minutes=o.slot_minutes,
            quota_per_slot=o.quota_per_slot,
            booking_mode=o.booking_mode,
            hours_note=o.hours_note,
            note=o.note,
            contact=_contacts(o.contact),
            operator=o.operator,
        )
        for o in parsed.services
    }
    return mpp, offerings
