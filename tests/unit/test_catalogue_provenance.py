"""Every fact carries its sources and the date it was checked; the loader, the check command and
one-entry form validation refuse a fact without them, with the file, the field and the problem."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from mpp.catalogue.audit import audit
from mpp.catalogue.loader import CatalogueInvalid, read_catalogue
from mpp.catalogue.rules import NO_CHECKED, NO_SOURCE, OfferingContext, validate_offering, validate_service
from mpp.cli import main as cli
from tests.conftest import CATALOGUE_DIR


@pytest.fixture()
def catalogue_copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, target)
    return target


def _edit(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def _service(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(s for s in data["services"] if s["code"] == code)


def _problems(directory: Path) -> list[str]:
    with pytest.raises(CatalogueInvalid) as raised:
        read_catalogue(directory)
    return [str(p) for p in raised.value.problems]


def test_the_shipped_catalogue_has_no_fact_without_a_source_or_a_checked_date() -> None:
    loaded = read_catalogue(CATALOGUE_DIR, strict=False)
    assert loaded.unsourced == ()
    cat = loaded.catalogue
    for service in cat.services.values():
        assert service.facts, service.code
        for key, fact in service.facts.items():
            assert fact.sources and all(service.source(i) for i in fact.sources), (service.code, key)
    for mpp in cat.mpps.values():
        assert {"address", "hours"} <= set(mpp.facts)
        assert all(a.presence is not None and a.presence.sources for a in mpp.agencies.values()), mpp.code
        assert all(c.provenance is not None for c in mpp.counters.values()), mpp.code
    assert all(o.provenance is not None and o.provenance.sources for o in cat.offerings.values())


def test_a_fee_without_sources_is_refused_with_file_field_and_problem(catalogue_copy: Path) -> None:
    path = catalogue_copy / "layanan.yaml"
    _edit(path, lambda d: _service(d, "paspor")["fees"][5].pop("sources"))
    assert _problems(catalogue_copy) == [f"{path}: services[7](paspor).fees[5].sources: {NO_SOURCE}"]


def test_a_fact_without_a_checked_date_is_refused(catalogue_copy: Path) -> None:
    path = catalogue_copy / "mpp" / "kota_bogor.yaml"
    _edit(path, lambda d: d["mpp"]["hours"].pop("checked"))
    assert _problems(catalogue_copy) == [f"{path}: mpp.hours.checked: {NO_CHECKED}"]


def test_an_agency_presence_needs_a_source_and_names_only_known_ones(catalogue_copy: Path) -> None:
    path = catalogue_copy / "mpp" / "kota_bekasi.yaml"

    def change(d: dict[str, Any]) -> None:
        d["agencies"][0]["sources"] = []
        d["agencies"][1]["sources"] = ["rumor_di_grup_wa"]

    _edit(path, change)
    problems = _problems(catalogue_copy)
    assert f"{path}: agencies[0](disdukcapil).sources: {NO_SOURCE}" in problems
    assert any(
        p.startswith(f"{path}: agencies[1](polres).sources: unknown source 'rumor_di_grup_wa'") for p in problems
    ), problems


def test_check_command_refuses_an_unsourced_fact_and_audit_lists_it(catalogue_copy: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = catalogue_copy / "layanan.yaml"
    _edit(path, lambda d: _service(d, "skck")["legal_basis"][0].pop("sources"))
    assert cli(["catalogue", "check", "--dir", str(catalogue_copy)]) == 2
    err = capsys.readouterr().err
    assert "services[6](skck).legal_basis[0].sources: no source" in err
    assert cli(["catalogue", "audit", "--dir", str(catalogue_copy), "--today", "2026-12-03"]) == 1
    out = capsys.readouterr().out
    assert "unsourced" in out and "services[6](skck).legal_basis[0].sources" in out
    report = audit(read_catalogue(catalogue_copy, strict=False), catalogue_copy, date(2026, 12, 3))
    assert [(f.entry, f.fact) for f in report.unsourced] == [("skck", "services[6](skck).legal_basis[0].sources")]
    assert all(report.counts(m)["unsourced"] == 1 for m in ("kota_bogor", "kota_bekasi", "kota_tangerang_selatan"))


def test_source_ids_are_required_and_unique_within_an_entry(catalogue_copy: Path) -> None:
    path = catalogue_copy / "layanan.yaml"

    def change(d: dict[str, Any]) -> None:
        sources = _service(d, "kk")["sources"]
        sources[1]["id"] = sources[0]["id"]
        sources[2].pop("id")

    _edit(path, change)
    problems = _problems(catalogue_copy)
    assert any("services[1](kk).sources[1].id: source id 'dukcapil_sragen' is used twice" in p for p in problems)
    assert any("services[1](kk).sources[2].id: required field is missing" in p for p in problems)


def test_validate_service_gives_field_problems_for_a_form(demo) -> None:  # type: ignore[no-untyped-def]
    raw = yaml.safe_load((CATALOGUE_DIR / "layanan.yaml").read_text())
    paspor = _service(raw, "paspor")
    assert validate_service(paspor) == {}
    paspor["fees"][0]["amount"] = -5
    paspor["fees"][1].pop("checked")
    paspor["notes"][0]["sources"] = ["tidak_ada"]
    assert validate_service(paspor) == {"fees[0].amount": "ensure this value is greater than or equal to 0"}
    paspor["fees"][0]["amount"] = 350000
    problems = validate_service(paspor)
    assert problems["fees[1].checked"] == NO_CHECKED
    assert problems["notes[0].sources"].startswith("unknown source 'tidak_ada'")
    assert set(problems) == {"fees[1].checked", "notes[0].sources"}


def test_validate_offering_uses_the_mpp_it_belongs_to(demo) -> None:  # type: ignore[no-untyped-def]
    ctx = OfferingContext.for_mpp(demo.catalogue, "kota_bogor", editing="skck")
    good = {
        "code": "skck",
        "agency": "polresta",
        "counters": ["4"],
        "queue_prefix": "B",
        "sources": ["mediabogor_2019"],
        "checked": "2026-12-03",
    }
    assert validate_offering(good, ctx) == {}
    bad = {**good, "counters": ["1"], "queue_prefix": "A", "sources": []}
    problems = validate_offering(bad, ctx)
    assert problems["counters"] == "counter '1' belongs to agency 'disdukcapil', not 'polresta'"
    assert problems["queue_prefix"] == "prefix 'A' is already used by agency 'disdukcapil'"
    assert problems["sources"] == NO_SOURCE
    assert validate_offering({**good, "slot_minutes": 1}, ctx) == {
        "slot_minutes": "ensure this value is greater than or equal to 5"
    }
