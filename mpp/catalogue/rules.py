"""Rules beyond the field shapes, shared by the loader and by forms that edit one entry.

A form that edits one service or one MPP offering calls ``validate_service`` or
``validate_offering`` and gets ``{field: problem}``; the loader applies the very same
rules to every entry of every file, so an entry a form accepts loads, and one the
loader refuses, a form refuses too.

Two kinds of problem: ``invalid`` (a wrong value, an unknown source id) is always an
error; ``unsourced`` (a fact naming no source, or no date it was checked) is an error
for the loader and for forms, and a finding for ``mpp catalogue audit``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from pydantic import ValidationError

from mpp.catalogue.errors import field_path, message
from mpp.catalogue.model import Catalogue
from mpp.catalogue.schema import FactIn, OfferingIn, ServiceIn

INVALID = "invalid"
UNSOURCED = "unsourced"

NO_SOURCE = "no source: name at least one source id from this entry's sources list"
NO_CHECKED = "no checked date: give the date (YYYY-MM-DD) this fact was last checked against its sources"


@dataclass(frozen=True)
class RuleProblem:
    field: str  # relative to the entry, e.g. "fees[2].sources"
    message: str
    kind: str = INVALID


def _join(prefix: str, name: str) -> str:
    if not prefix:
        return name
    return prefix + (name if name.startswith("[") else "." + name)


def fact_problems(fact: FactIn, where: str, known: set[str]) -> list[RuleProblem]:
    """A fact must name known sources and the date it was checked."""
    problems: list[RuleProblem] = []
    if not fact.sources:
        problems.append(RuleProblem(_join(where, "sources"), NO_SOURCE, UNSOURCED))
    for source_id in fact.sources:
        if source_id not in known:
            problems.append(
                RuleProblem(
                    _join(where, "sources"),
                    f"unknown source '{source_id}' (known here: {', '.join(sorted(known)) or 'none'})",
                )
            )
    if fact.checked is None:
        problems.append(RuleProblem(_join(where, "checked"), NO_CHECKED, UNSOURCED))
    return problems


def source_id_problems(sources: Iterable[Any], where: str = "sources") -> tuple[set[str], list[RuleProblem]]:
    """Source ids are required and unique within a service or an MPP file."""
    known: set[str] = set()
    problems: list[RuleProblem] = []
    for i, source in enumerate(sources):
        if source.id is None:
            problems.append(RuleProblem(f"{where}[{i}].id", "required field is missing"))
        elif source.id in known:
            problems.append(RuleProblem(f"{where}[{i}].id", f"source id '{source.id}' is used twice"))
        else:
            known.add(source.id)
    return known, problems


def service_facts(service: ServiceIn) -> list[tuple[str, str, FactIn]]:
    """Every fact node of a service: (fact key, field path, node)."""
    facts: list[tuple[str, str, FactIn]] = [("booking", "booking", service.booking), ("fee", "fee", service.fee)]
    facts += [(f"fee:{i}", f"fees[{i}]", f) for i, f in enumerate(service.fees)]
    facts += [(f"legal_basis:{i}", f"legal_basis[{i}]", b) for i, b in enumerate(service.legal_basis)]
    if service.requirements is not None:
        facts.append(("requirement", "requirements", service.requirements))
    facts += [(f"requirement:{j}", f"requirements_by_jenis.{j}", r) for j, r in service.requirements_by_jenis.items()]
    if service.processing is not None:
        facts.append(("processing_time", "processing", service.processing))
    facts += [(f"processing_time:{j}", f"processing_by_jenis.{j}", p) for j, p in service.processing_by_jenis.items()]
    facts += [(f"note:{i}", f"notes[{i}]", n) for i, n in enumerate(service.notes)]
    facts += [(f"contact:{i}", f"contact[{i}]", c) for i, c in enumerate(service.contact)]
    return facts


def service_problems(service: ServiceIn) -> list[RuleProblem]:
    known, problems = source_id_problems(service.sources)
    for _, where, fact in service_facts(service):
        problems += fact_problems(fact, where, known)
    return problems


@dataclass(frozen=True)
class OfferingContext:
    """What an offering is checked against: its MPP's agencies, counters, prefixes and sources."""

    agencies: frozenset[str]
    counters: Mapping[str, str]  # counter code -> agency code
    prefixes: Mapping[str, str]  # queue prefix -> agency code already using it
    sources: frozenset[str]
    services: frozenset[str] | None = None  # known service codes (None: not checked)

    @classmethod
    def for_mpp(cls, catalogue: Catalogue, mpp_code: str, editing: str | None = None) -> OfferingContext:
        """The context of a stored MPP, leaving out the offering being edited."""
        mpp = catalogue.mpps[mpp_code]
        prefixes = {
            o.queue_prefix: o.agency_code for (m, s), o in catalogue.offerings.items() if m == mpp_code and s != editing
        }
        return cls(
            agencies=frozenset(mpp.agencies),
            counters={c.code: c.agency_code for c in mpp.counters.values()},
            prefixes=prefixes,
            sources=frozenset(s.id for s in mpp.sources if s.id),
            services=frozenset(catalogue.services),
        )


def offering_problems(offering: OfferingIn, ctx: OfferingContext) -> list[RuleProblem]:
    problems: list[RuleProblem] = []
    if ctx.services is not None and offering.code not in ctx.services:
        problems.append(RuleProblem("code", f"unknown service code '{offering.code}' (not in layanan.yaml)"))
    if offering.agency not in ctx.agencies:
        problems.append(RuleProblem("agency", f"unknown agency '{offering.agency}'"))
    for code in offering.counters:
        if code not in ctx.counters:
            problems.append(RuleProblem("counters", f"unknown counter '{code}'"))
        elif ctx.counters[code] != offering.agency:
            problems.append(
                RuleProblem(
                    "counters", f"counter '{code}' belongs to agency '{ctx.counters[code]}', not '{offering.agency}'"
                )
            )
    owner = ctx.prefixes.get(offering.queue_prefix, offering.agency)
    if owner != offering.agency:
        problems.append(
            RuleProblem("queue_prefix", f"prefix '{offering.queue_prefix}' is already used by agency '{owner}'")
        )
    problems += fact_problems(offering, "", set(ctx.sources))
    return problems


def _pydantic_problems(model: Any, raw: Mapping[str, Any]) -> tuple[Any, dict[str, str]]:
    try:
        return model.parse_obj(raw), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors():
            errors.setdefault(field_path(raw, error["loc"]), message(error))
        return None, errors


def _as_dict(problems: Iterable[RuleProblem]) -> dict[str, str]:
    found: dict[str, str] = {}
    for problem in problems:
        found.setdefault(problem.field, problem.message)
    return found


def validate_service(raw: Mapping[str, Any]) -> dict[str, str]:
    """Problems of one service entry (as in layanan.yaml) as {field: problem}; empty when it loads."""
    parsed, errors = _pydantic_problems(ServiceIn, raw)
    if parsed is None:
        return errors
    return _as_dict(service_problems(parsed))


def validate_offering(raw: Mapping[str, Any], ctx: OfferingContext) -> dict[str, str]:
    """Problems of one MPP offering (an item of ``services`` in an MPP file) as {field: problem}."""
    parsed, errors = _pydantic_problems(OfferingIn, raw)
    if parsed is None:
        return errors
    return _as_dict(offering_problems(parsed, ctx))
