"""Catalogue files are validated with errors naming the file, the field and the problem."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from mpp.catalogue.loader import CatalogueInvalid, read_catalogue
from mpp.catalogue.model import SERVICE_CODES
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


def _problems(directory: Path) -> list[str]:
    with pytest.raises(CatalogueInvalid) as raised:
        read_catalogue(directory)
    return [str(p) for p in raised.value.problems]


def test_demo_catalogue_covers_every_contract_service_in_three_mpps(demo) -> None:  # type: ignore[no-untyped-def]
    cat = demo.catalogue
    assert set(cat.services) == set(SERVICE_CODES)
    assert set(cat.mpps) == {"kota_bogor", "kota_bekasi", "kota_tangerang_selatan"}
    assert {s for (_, s) in cat.offerings} == set(SERVICE_CODES)
    # Not every MPP offers every service, so the assistant must be able to point elsewhere.
    assert any(len(cat.mpps_offering(code)) < 3 for code in SERVICE_CODES)


def test_dukcapil_documents_are_free_and_skck_costs_30000(demo) -> None:  # type: ignore[no-untyped-def]
    cat = demo.catalogue
    for code in ("ktp_el", "kk", "akta_kelahiran", "akta_kematian", "kia", "pindah"):
        assert cat.services[code].fee_free, code
        assert any("79A" in basis for basis in cat.services[code].legal_basis), code
    assert next(f.amount for f in cat.services["skck"].fees) == 30000
    paspor = {f.label: f.amount for f in cat.services["paspor"].fees}
    assert {350000, 650000, 950000} <= set(paspor.values())


def test_missing_field_names_file_and_field(catalogue_copy: Path) -> None:
    path = catalogue_copy / "mpp" / "kota_bogor.yaml"
    _edit(path, lambda d: d["mpp"].pop("address"))
    assert _problems(catalogue_copy) == [f"{path}: mpp.address: required field is missing"]


def test_unknown_service_code(catalogue_copy: Path) -> None:
    path = catalogue_copy / "mpp" / "kota_bekasi.yaml"
    _edit(path, lambda d: d["services"][0].update(code="ktp_elektronik"))
    problems = _problems(catalogue_copy)
    assert any(
        p.startswith(f"{path}: services[0](ktp_elektronik).code: unknown service code 'ktp_elektronik'")
        for p in problems
    ), problems


def test_impossible_hours(catalogue_copy: Path) -> None:
    path = catalogue_copy / "mpp" / "kota_tangerang_selatan.yaml"
    _edit(path, lambda d: d["mpp"]["hours"]["weekly"].update(senin={"open": "16:00", "close": "08:00"}))
    _edit(path, lambda d: d["mpp"]["hours"]["weekly"].update(selasa={"open": "08:00", "close": "25:00"}))
    problems = _problems(catalogue_copy)
    assert any("mpp.hours.weekly.senin" in p and "not after it opens" in p for p in problems), problems
    assert any("mpp.hours.weekly.selasa" in p and "'25:00' is not a time" in p for p in problems), problems


def test_friday_break_outside_opening_hours(catalogue_copy: Path) -> None:
    path = catalogue_copy / "mpp" / "kota_bogor.yaml"
    _edit(path, lambda d: d["mpp"]["hours"]["weekly"]["jumat"].update(break_start="17:00", break_end="18:00"))
    problems = _problems(catalogue_copy)
    assert any("mpp.hours.weekly.jumat" in p and "not inside opening hours" in p for p in problems), problems


def test_duplicate_counter(catalogue_copy: Path) -> None:
    path = catalogue_copy / "mpp" / "kota_bogor.yaml"

    def duplicate(d: dict) -> None:
        d["counters"].append(dict(d["counters"][0]))

    _edit(path, duplicate)
    problems = _problems(catalogue_copy)
    first = yaml.safe_load(path.read_text())["counters"][0]["code"]
    assert any(f"duplicate counter '{first}'" in p and str(path) in p for p in problems), problems


def test_typo_in_field_name_is_an_error_not_silence(catalogue_copy: Path) -> None:
    path = catalogue_copy / "layanan.yaml"
    _edit(path, lambda d: d["services"][0].update(fee_notes="typo"))
    problems = _problems(catalogue_copy)
    assert any("services[0](ktp_el).fee_notes: unknown field" in p for p in problems), problems


def test_repeated_yaml_key_is_caught(catalogue_copy: Path) -> None:
    path = catalogue_copy / "mpp" / "kota_bogor.yaml"
    text = path.read_text()
    path.write_text(text.replace("  code: kota_bogor\n", "  code: kota_bogor\n  code: kota_bogor\n", 1))
    problems = _problems(catalogue_copy)
    assert any("appears twice" in p and str(path) in p for p in problems), problems


def test_unquoted_times_stay_times(tmp_path: Path) -> None:
    from mpp.catalogue.yaml_io import read_yaml

    path = tmp_path / "t.yaml"
    path.write_text("open: 13:00\nclose: 08:00\n")
    # PyYAML's default would read 13:00 as the integer 780.
    assert read_yaml(path) == {"open": "13:00", "close": "08:00"}


def test_unverified_service_must_name_a_contact(catalogue_copy: Path) -> None:
    path = catalogue_copy / "layanan.yaml"

    def strip(d: dict) -> None:
        pdam = next(s for s in d["services"] if s["code"] == "air_pdam")
        pdam["verification"] = "belum_terverifikasi"
        pdam["contact"] = []

    _edit(path, strip)
    problems = _problems(catalogue_copy)
    assert any("(air_pdam)" in p and "contact" in p for p in problems), problems
