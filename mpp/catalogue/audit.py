"""What in the catalogue a citizen should not rely on yet: per MPP, the facts that are
unsourced, unverified, stale (checked longer ago than their kind allows,
``STALE_AFTER_DAYS``) or missing (no coordinates, no processing-time bound, no holiday
decree for next year).

The audit reads the files leniently (``read_catalogue(strict=False)``) so that it can
list facts the loader would refuse; every other problem still stops it.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from mpp.catalogue.loader import MPP_DIR, SERVICES_FILE, LoadedCatalogue
from mpp.catalogue.model import STALE_AFTER_DAYS, Catalogue, Provenance, fact_kind

UNSOURCED = "unsourced"
UNVERIFIED = "unverified"
STALE = "stale"
MISSING = "missing"
STATUSES = (UNSOURCED, UNVERIFIED, STALE, MISSING)
NATIONAL = "nasional"
_GROUPS = ("closures", "agencies (presence)", "counters", "services (offerings)")


@dataclass(frozen=True)
class Finding:
    scope: str  # NATIONAL or an MPP code
    entry: str  # a service code, or an MPP element such as "agency:bpn"
    fact: str  # the fact key (e.g. "fee:5") or a field path
    status: str  # one of STATUSES
    detail: str
    checked: date | None = None


def _judge(scope: str, entry: str, key: str, p: Provenance, today: date) -> list[Finding]:
    found = []
    if not p.verified:
        found.append(Finding(scope, entry, key, UNVERIFIED, "its sources do not establish it here", p.checked))
    kind = fact_kind(key)
    age = (today - p.checked).days
    if p.stale(kind, today):
        found.append(
            Finding(
                scope,
                entry,
                key,
                STALE,
                f"{age} days since checked (limit for {kind}: {STALE_AFTER_DAYS[kind]})",
                p.checked,
            )
        )
    return found


def _national(cat: Catalogue, today: date) -> list[Finding]:
    found: list[Finding] = []
    for service in cat.services.values():
        for key, p in service.facts.items():
            found += _judge(NATIONAL, service.code, key, p, today)
        jenis_keys = [None, *service.jenis]
        if not service.processing:
            found.append(
                Finding(NATIONAL, service.code, "processing_time", MISSING, "no processing time: no date promised")
            )
        elif not any(p.bounded for j, p in service.processing.items() if j in jenis_keys):
            found.append(
                Finding(NATIONAL, service.code, "processing_time", MISSING, "no working-day bound: no date promised")
            )
    for year, checked in sorted(cat.holiday_checked.items()):
        found += _judge(NATIONAL, f"libur:{year}", "holidays", Provenance(("decree",), checked), today)
    next_year = today.year + 1
    if next_year not in cat.holiday_years:
        found.append(
            Finding(
                NATIONAL,
                f"libur:{next_year}",
                "holidays",
                MISSING,
                f"no holiday decree for {next_year}: bookings use an estimate, completion dates are not promised",
            )
        )
    return found


def _mpp(cat: Catalogue, code: str, today: date) -> list[Finding]:
    mpp = cat.mpps[code]
    found: list[Finding] = []
    for key, p in mpp.facts.items():
        found += _judge(code, "mpp", key, p, today)
    if mpp.latitude is None:
        found.append(Finding(code, "mpp", "coordinates", MISSING, "no coordinates: no map pin is sent"))
    for closure in mpp.closures:
        if closure.provenance:
            found += _judge(code, "closures", f"closure:{closure.day}", closure.provenance, today)
    for agency in mpp.agencies.values():
        if agency.presence:
            found += _judge(code, "agencies (presence)", f"presence:{agency.code}", agency.presence, today)
    for counter in mpp.counters.values():
        if counter.provenance:
            found += _judge(code, "counters", f"counter:{counter.code}", counter.provenance, today)
    for (m, s), offering in sorted(cat.offerings.items()):
        if m == code and offering.provenance:
            found += _judge(code, "services (offerings)", f"offering:{s}", offering.provenance, today)
    return found


def _natural(key: str) -> tuple[str, int, str]:
    """Sort "note:10" after "note:2" and counter "10" after "9"."""
    head, _, tail = key.rpartition(":")
    return (head, int(tail), "") if tail.isdigit() else (head, -1, tail)


def _unsourced(loaded: LoadedCatalogue) -> list[Finding]:
    """Facts the loader would refuse; a service's entry is its code, as for the other national findings."""
    found = []
    for problem in loaded.unsourced:
        path = Path(problem.file)
        scope = NATIONAL if path.name == SERVICES_FILE else path.stem
        head = problem.field.split(".")[0]
        code = re.search(r"\((\w+)\)", head)
        entry = code.group(1) if scope == NATIONAL and code else head
        found.append(Finding(scope, entry, problem.field, UNSOURCED, problem.message))
    return found


@dataclass(frozen=True)
class AuditReport:
    directory: str
    today: date
    findings: tuple[Finding, ...]
    offered: dict[str, tuple[str, ...]]  # MPP code -> service codes offered there

    def for_scope(self, scope: str) -> list[Finding]:
        return [f for f in self.findings if f.scope == scope]

    def counts(self, scope: str) -> dict[str, int]:
        """An MPP's own findings plus the national findings of the services it offers."""
        relevant = self.for_scope(scope)
        services = set(self.offered.get(scope, ()))
        relevant += [f for f in self.findings if f.scope == NATIONAL and f.entry in services]
        counts = {status: 0 for status in STATUSES}
        for finding in relevant:
            counts[finding.status] += 1
        return counts

    @property
    def unsourced(self) -> list[Finding]:
        return [f for f in self.findings if f.status == UNSOURCED]


def audit(loaded: LoadedCatalogue, directory: Path, today: date) -> AuditReport:
    cat = loaded.catalogue
    findings = _unsourced(loaded) + _national(cat, today)
    for code in sorted(cat.mpps):
        findings += _mpp(cat, code, today)
    offered: dict[str, list[str]] = defaultdict(list)
    for m, s in sorted(cat.offerings):
        offered[m].append(s)
    return AuditReport(str(directory), today, tuple(findings), {m: tuple(s) for m, s in offered.items()})


def render_text(report: AuditReport, cat: Catalogue) -> str:
    """One line per entry, status and check date, facts listed; then a summary per MPP."""
    limits = ", ".join(f"{k} {v}" for k, v in sorted(STALE_AFTER_DAYS.items(), key=lambda kv: (kv[1], kv[0])))
    lines = [
        f"Catalogue audit of {report.directory} on {report.today.isoformat()}",
        f"Stale after (days): {limits}",
    ]
    scopes = [NATIONAL, *sorted(cat.mpps)]
    for scope in scopes:
        title = (
            f"Nasional ({SERVICES_FILE}, libur/)"
            if scope == NATIONAL
            else f"{cat.mpps[scope].name} ({MPP_DIR}/{scope}.yaml)"
        )
        lines += ["", f"== {title} =="]
        grouped: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        for f in report.for_scope(scope):
            detail = f"checked {f.checked}" if f.status in (STALE, UNVERIFIED) else f.detail
            grouped[(f.status, f.entry, detail)].append(f.fact)
        if not grouped:
            lines.append("  (nothing to report)")
        for (status, entry, detail), facts in sorted(
            grouped.items(), key=lambda kv: (STATUSES.index(kv[0][0]), kv[0][1])
        ):
            names = sorted((f.split(":", 1)[1] if entry in _GROUPS else f for f in facts), key=_natural)
            shown = "" if status == MISSING else ", ".join(names)
            lines.append(f"  {status:<10} {entry:<26} {detail}" + (f": {shown}" if shown else ""))
    lines += ["", "Summary per MPP (own facts + national facts of the services it offers):"]
    lines.append(f"  {'MPP':<26}" + "".join(f"{s:>11}" for s in STATUSES))
    for code in sorted(cat.mpps):
        counts = report.counts(code)
        lines.append(f"  {code:<26}" + "".join(f"{counts[s]:>11}" for s in STATUSES))
    national = {s: sum(1 for f in report.for_scope(NATIONAL) if f.status == s) for s in STATUSES}
    lines.append(f"  {'(nasional, all services)':<26}" + "".join(f"{national[s]:>11}" for s in STATUSES))
    return "\n".join(lines)


def render_json(report: AuditReport) -> str:
    return json.dumps(
        {
            "directory": report.directory,
            "today": report.today.isoformat(),
            "stale_after_days": dict(STALE_AFTER_DAYS),
            "findings": [
                {**asdict(f), "checked": f.checked.isoformat() if f.checked else None} for f in report.findings
            ],
        },
        ensure_ascii=False,
        indent=2,
    )
