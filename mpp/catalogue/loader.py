"""Read and validate the catalogue YAML files into a domain ``Catalogue``.

Every problem found is reported with the file, the field and what is wrong, all
at once, so an operator can fix a file in one pass. Nothing touches the database
here: storing happens only after the whole catalogue has been validated.

A fact without a source or a checked date is refused; ``strict=False`` (used by the
audit) loads anyway and returns those facts as findings instead.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable, Mapping, Sequence

import yaml
from pydantic import ValidationError

from mpp.catalogue.errors import field_path, message
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
    ProcessingTime,
    Provenance,
    Service,
    Source,
)
from mpp.catalogue.rules import (
    INVALID,
    UNSOURCED,
    OfferingContext,
    RuleProblem,
    fact_problems,
    offering_problems,
    service_facts,
    service_problems,
    source_id_problems,
)
from mpp.catalogue.schema import FactIn, HolidayFile, MppFile, ServicesFile, parse_clock
from mpp.catalogue.yaml_io import read_yaml

SERVICES_FILE = "layanan.yaml"
MPP_DIR = "mpp"
HOLIDAY_DIR = "libur"


@dataclass(frozen=True)
class Problem:
    file: str
    field: str
    message: str
    kind: str = INVALID  # or UNSOURCED: a fact lacking a source or a checked date

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
    unsourced: tuple[Problem, ...] = ()  # only when read with strict=False
    # The validated content itself (relative file name -> content, JSON-safe): stored with each version
    # so that the console's editor and ``mpp catalogue export`` start from exactly what is live.
    document: Mapping[str, Any] | None = None


def read_documents(directory: Path) -> tuple[dict[str, Any], list[Problem]]:
    """The catalogue files under ``directory`` as one document: relative path -> content (JSON-safe).

    Files that are not valid YAML are left out and reported; nothing else is checked here.
    """
    directory = Path(directory)
    services_path = directory / SERVICES_FILE
    mpp_paths = sorted((directory / MPP_DIR).glob("*.y*ml"))
    if not services_path.exists():
        raise CatalogueInvalid([Problem(str(services_path), "-", "file not found")])
    if not mpp_paths:
        raise CatalogueInvalid([Problem(str(directory / MPP_DIR), "-", "no MPP files (*.yaml) found")])
    files: dict[str, Any] = {}
    problems: list[Problem] = []
    unread: list[str] = []
    for path in [services_path, *mpp_paths, *sorted((directory / HOLIDAY_DIR).glob("*.y*ml"))]:
        try:
            files[path.relative_to(directory).as_posix()] = plain(read_yaml(path))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "-"
            problems.append(Problem(str(path), where, f"not valid YAML: {getattr(exc, 'problem', exc)}"))
            unread.append(path.relative_to(directory).as_posix())
        except OSError as exc:
            problems.append(Problem(str(path), "-", f"cannot read: {exc.strerror}"))
            unread.append(path.relative_to(directory).as_posix())
    files.update({name: _UNREAD for name in unread})
    return files, problems


def read_catalogue(directory: Path, strict: bool = True) -> LoadedCatalogue:
    """Validate ``layanan.yaml``, every ``mpp/*.yaml`` and ``libur/*.yaml`` under ``directory``."""
    directory = Path(directory)
    files, problems = read_documents(directory)
    paths = [directory / name for name, content in files.items() if content is not _UNREAD]
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in paths)).hexdigest()
    return build_catalogue(
        files, strict=strict, label=lambda name: str(directory / name), problems=problems, digest=digest
    )


def document_digest(files: Mapping[str, Any]) -> str:
    """A digest of a stored document (canonical JSON), for versions that did not come from files."""
    return hashlib.sha256(json.dumps(files, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def build_catalogue(
    files: Mapping[str, Any],
    strict: bool = True,
    label: Callable[[str], str] = str,
    problems: Sequence[Problem] = (),
    digest: str | None = None,
) -> LoadedCatalogue:
    """Validate a catalogue document (relative file name -> content) with every rule of the loader.

    The YAML files and the console's editor both come through here, so an edit is held to exactly
    the rules of a file. ``label`` turns a relative name into what a problem report calls the file.
    """
    found: list[Problem] = list(problems)
    services_name = SERVICES_FILE
    services_file = _parse(label(services_name), files.get(services_name, _ABSENT), ServicesFile, found)
    services: dict[str, Service] = {}
    if services_file:
        for i, parsed_service in enumerate(services_file.services):
            where = f"services[{i}]({parsed_service.code})"
            found += _located(label(services_name), where, service_problems(parsed_service))
        services = _services(services_file)

    mpps: dict[str, Mpp] = {}
    offerings: dict[tuple[str, str], Offering] = {}
    mpp_names = sorted(n for n in files if n.startswith(MPP_DIR + "/"))
    for name in mpp_names:
        parsed = _parse(label(name), files[name], MppFile, found)
        if parsed is None:
            continue
        file_problems = _check_mpp(label(name), PurePosixPath(name).stem, parsed, services, bool(services_file), mpps)
        found.extend(file_problems)
        if not any(p.kind == INVALID for p in file_problems):
            mpp, mpp_offerings = _mpp(parsed)
            mpps[mpp.code] = mpp
            offerings.update(mpp_offerings)

    holidays: dict = {}
    holiday_years: dict[int, tuple[Source, ...]] = {}
    holiday_checked: dict = {}
    for name in sorted(n for n in files if n.startswith(HOLIDAY_DIR + "/")):
        parsed_days = _parse(label(name), files[name], HolidayFile, found)
        if parsed_days is None:
            continue
        if parsed_days.year in holiday_years:
            found.append(Problem(label(name), "year", f"{parsed_days.year} is already defined in another file"))
            continue
        holiday_years[parsed_days.year] = _sources(parsed_days.sources)
        holiday_checked[parsed_days.year] = parsed_days.checked
        holidays.update({d.date: Holiday(d.date, d.kind, d.name) for d in parsed_days.days})

    unsourced = tuple(p for p in found if p.kind == UNSOURCED)
    blocking = found if strict else [p for p in found if p.kind != UNSOURCED]
    if blocking:
        raise CatalogueInvalid(blocking)
    offered = {s for (_, s) in offerings}
    missing = [code for code in services if code not in offered]
    if missing:
        raise CatalogueInvalid(
            [Problem(label(services_name), f"services ({c})", "no MPP offers this service") for c in missing]
        )
    return LoadedCatalogue(
        catalogue=Catalogue(
            services=services,
            mpps=mpps,
            offerings=offerings,
            holidays=holidays,
            holiday_years=holiday_years,
            holiday_checked=holiday_checked,
        ),
        files=tuple(files),
        digest=digest or document_digest(files),
        unsourced=() if strict else unsourced,
        document=dict(files),
    )


_ABSENT, _UNREAD = object(), object()


def plain(value: Any) -> Any:
    """YAML content as JSON-safe values: dates as ISO text (the schema reads them back as dates)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _located(file: str, prefix: str, found: Iterable[RuleProblem]) -> list[Problem]:
    problems = []
    for p in found:
        where = prefix + (p.field if not p.field or p.field.startswith("[") else "." + p.field) if prefix else p.field
        problems.append(Problem(file, where or "-", p.message, p.kind))
    return problems


def _parse(file: str, raw: Any, model: Any, problems: list[Problem]) -> Any:
    if raw is _UNREAD:
        return None  # not valid YAML: reported already
    if raw is _ABSENT:
        problems.append(Problem(file, "-", "file not found"))
        return None
    if not isinstance(raw, dict):
        problems.append(Problem(file, "-", "expected a mapping at the top of the file"))
        return None
    try:
        return model.parse_obj(raw)
    except ValidationError as exc:
        for error in exc.errors():
            problems.append(Problem(file, field_path(raw, error["loc"]), message(error)))
        return None


def mpp_facts(parsed: MppFile) -> list[tuple[str, str, FactIn]]:
    """The MPP's own fact nodes: (fact key, field path, node)."""
    m = parsed.mpp
    facts: list[tuple[str, str, FactIn]] = [("address", "mpp.address", m.address), ("hours", "mpp.hours", m.hours)]
    if m.coordinates is not None:
        facts.append(("coordinates", "mpp.coordinates", m.coordinates))
    facts += [(f"closure:{c.date}", f"mpp.closures[{i}]", c) for i, c in enumerate(m.closures)]
    facts += [(f"complaint_channel:{i}", f"mpp.complaint_channels[{i}]", c) for i, c in enumerate(m.complaint_channels)]
    facts += [(f"note:{i}", f"mpp.notes[{i}]", n) for i, n in enumerate(m.notes)]
    return facts


def _check_mpp(
    file: str,
    stem: str,
    parsed: MppFile,
    services: dict[str, Service],
    services_ok: bool,
    mpps: dict[str, Mpp],
) -> list[Problem]:
    problems: list[Problem] = []
    if parsed.mpp.code in mpps:
        problems.append(Problem(file, "mpp.code", f"MPP '{parsed.mpp.code}' is already defined in another file"))
    if stem != parsed.mpp.code:
        problems.append(Problem(file, "mpp.code", f"'{parsed.mpp.code}' does not match the file name '{stem}.yaml'"))
    known, source_problems = source_id_problems(parsed.mpp.sources, "mpp.sources")
    problems += _located(file, "", source_problems)
    for _, where, fact in mpp_facts(parsed):
        problems += _located(file, "", fact_problems(fact, where, known))
    agencies: set[str] = set()
    for i, agency in enumerate(parsed.agencies):
        where = f"agencies[{i}]({agency.code})"
        if agency.code in agencies:
            problems.append(Problem(file, where, "duplicate agency code"))
        agencies.add(agency.code)
        problems += _located(file, where, fact_problems(agency, "", known))
    counters: dict[str, str] = {}
    for i, counter in enumerate(parsed.counters):
        where = f"counters[{i}]({counter.code})"
        if counter.code in counters:
            problems.append(Problem(file, where, f"duplicate counter '{counter.code}'"))
        if counter.agency not in agencies:
            problems.append(Problem(file, f"{where}.agency", f"unknown agency '{counter.agency}'"))
        counters[counter.code] = counter.agency
        problems += _located(file, where, fact_problems(counter, "", known))
    offered: set[str] = set()
    prefixes: dict[str, str] = {}
    for i, offering in enumerate(parsed.services):
        where = f"services[{i}]({offering.code})"
        if offering.code in offered:
            problems.append(Problem(file, where, "service listed twice"))
        offered.add(offering.code)
        ctx = OfferingContext(
            agencies=frozenset(agencies),
            counters=counters,
            prefixes=prefixes,
            sources=frozenset(known),
            services=frozenset(services) if services_ok else None,
        )
        problems += _located(file, where, offering_problems(offering, ctx))
        prefixes.setdefault(offering.queue_prefix, offering.agency)
    seen_days: set = set()
    for i, closure in enumerate(parsed.mpp.closures):
        if closure.date in seen_days:
            problems.append(Problem(file, f"mpp.closures[{i}]", f"date {closure.date} listed twice"))
        seen_days.add(closure.date)
    return problems


def _provenance(fact: FactIn, verified: bool = True) -> Provenance | None:
    if fact.checked is None:  # only in non-strict reads; the audit lists the fact
        return None
    return Provenance(sources=tuple(fact.sources), checked=fact.checked, verified=verified)


def _facts(nodes: Iterable[tuple[str, str, FactIn]]) -> dict[str, Provenance]:
    facts: dict[str, Provenance] = {}
    for key, _, node in nodes:
        provenance = _provenance(node, bool(getattr(node, "verified", True)))
        if provenance is not None:
            facts[key] = provenance
    return facts


def _sources(items: Iterable[Any]) -> tuple[Source, ...]:
    return tuple(Source(title=s.title, url=s.url, date=s.date, confidence=s.confidence, id=s.id) for s in items)


def _contacts(items: Iterable[Any]) -> tuple[Contact, ...]:
    return tuple(Contact(label=c.label, value=c.value, note=c.note) for c in items)


def _processing(p: Any) -> ProcessingTime:
    return ProcessingTime(text=p.text, working_days=p.working_days, same_day=p.same_day, counted_from=p.counted_from)


def _services(parsed: ServicesFile) -> dict[str, Service]:
    services: dict[str, Service] = {}
    for s in parsed.services:
        requirements: dict[str | None, tuple[str, ...]] = {}
        if s.requirements is not None and s.requirements.items:
            requirements[None] = tuple(s.requirements.items)
        for jenis, block in s.requirements_by_jenis.items():
            requirements[jenis] = tuple(block.items)
        processing: dict[str | None, ProcessingTime] = {}
        if s.processing is not None:
            processing[None] = _processing(s.processing)
        for jenis, p in s.processing_by_jenis.items():
            processing[jenis] = _processing(p)
        facts = _facts(service_facts(s))
        general = s.requirements
        services[s.code] = Service(
            code=s.code,
            name=s.name,
            aliases=tuple(s.aliases),
            agency_type=s.agency_type,
            summary=s.summary,
            jenis=tuple(s.jenis),
            verification=s.verification,
            verification_note=s.verification_note,
            verified_on=min((f.checked for f in facts.values()), default=date.min),
            legal_basis=tuple(b.text for b in s.legal_basis),
            sources=_sources(s.sources),
            booking_mode=s.booking.mode,
            booking_url=s.booking.url,
            booking_note=s.booking.note,
            fee_free=s.fee.free,
            fee_note=s.fee.note,
            fee_verified=s.fee.verified,
            fees=tuple(Fee(label=f.label, amount=f.amount, jenis=tuple(f.jenis), note=f.note) for f in s.fees),
            processing=processing,
            requirements_verified=(
                general.verified if general is not None else all(b.verified for b in s.requirements_by_jenis.values())
            ),
            requirements=requirements,
            notes=tuple(n.text for n in s.notes),
            contact=_contacts(s.contact),
            facts=facts,
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
    titles = {s.id: s.title for s in m.sources if s.id}
    closures = tuple(
        sorted(
            (
                Closure(c.date, c.reason, "; ".join(titles.get(i, i) for i in c.sources) or None, _provenance(c))
                for c in m.closures
            ),
            key=lambda c: c.day,
        )
    )
    mpp = Mpp(
        code=m.code,
        name=m.name,
        brand=m.brand,
        city=m.city,
        province=m.province,
        address=m.address.text,
        address_note=m.address.note,
        latitude=m.coordinates.lat if m.coordinates else None,
        longitude=m.coordinates.lon if m.coordinates else None,
        coordinates_note=m.coordinates.note if m.coordinates else None,
        timezone=m.timezone,
        hours=tuple(sorted(hours, key=lambda h: h.weekday)),
        hours_verified=m.hours.verified,
        hours_note=m.hours.note,
        closures=closures,
        agencies={
            a.code: Agency(a.code, a.name, _contacts(a.contact), a.note, _provenance(a, a.presence == "verified"))
            for a in parsed.agencies
        },
        counters={
            c.code: Counter(c.code, c.name, c.floor, c.agency, _provenance(c, c.verified)) for c in parsed.counters
        },
        facilities=tuple(m.facilities),
        complaint_channels=tuple(
            ComplaintChannel(c.name, c.detail, "; ".join(titles.get(i, i) for i in c.sources) or None, c.note)
            for c in m.complaint_channels
        ),
        contact_hours=m.contact_hours,
        notes=tuple(n.text for n in m.notes),
        sources=_sources(m.sources),
        last_verified=m.last_verified,
        facts=_facts((k, w, n) for k, w, n in mpp_facts(parsed) if not k.startswith("closure:")),
        aliases=tuple(m.aliases),
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
            provenance=_provenance(o),
        )
        for o in parsed.services
    }
    return mpp, offerings
