"""`mpp catalogue audit` lists, per MPP, what is unverified, stale (per kind of fact) or missing."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from mpp.catalogue.audit import MISSING, NATIONAL, STALE, UNVERIFIED, audit
from mpp.catalogue.loader import read_catalogue
from mpp.cli import main as cli
from tests.conftest import CATALOGUE_DIR


def _report(directory: Path, today: date):  # type: ignore[no-untyped-def]
    return audit(read_catalogue(directory, strict=False), directory, today)


def _has(report, scope: str, entry: str, fact: str, status: str) -> bool:  # type: ignore[no-untyped-def]
    return any((f.scope, f.entry, f.fact, f.status) == (scope, entry, fact, status) for f in report.findings)


def test_shipped_data_unverified_presence_hours_counters_and_missing_coordinates() -> None:
    report = _report(CATALOGUE_DIR, date(2026, 12, 3))
    assert _has(report, "kota_bogor", "agencies (presence)", "presence:bpn", UNVERIFIED)
    assert _has(report, "kota_bogor", "agencies (presence)", "presence:kpp", UNVERIFIED)
    assert not _has(report, "kota_tangerang_selatan", "agencies (presence)", "presence:bpn", UNVERIFIED)
    for code in ("kota_bogor", "kota_bekasi", "kota_tangerang_selatan"):
        assert _has(report, code, "mpp", "hours", UNVERIFIED)  # placeholder hours
        assert _has(report, code, "counters", "counter:1", UNVERIFIED)  # demo configuration
        assert _has(report, code, "mpp", "coordinates", MISSING)
    assert _has(report, NATIONAL, "air_pdam", "fee", UNVERIFIED)
    assert _has(report, NATIONAL, "ktp_el", "processing_time", MISSING)
    assert _has(report, NATIONAL, "libur:2027", "holidays", MISSING)
    assert not report.unsourced


def test_staleness_follows_the_period_of_each_kind_of_fact() -> None:
    # Facts checked 2026-03-20: on 2026-12-03 (258 days) fees (180) are stale, legal bases (365) are not;
    # on 2026-05-01 (42 days) nothing is, not even hours (90).
    late = _report(CATALOGUE_DIR, date(2026, 12, 3))
    assert _has(late, NATIONAL, "ktp_el", "fee", STALE)
    assert not _has(late, NATIONAL, "ktp_el", "legal_basis:0", STALE)
    assert _has(late, "kota_bogor", "mpp", "hours", STALE)
    assert not _has(late, NATIONAL, "paspor", "fee:5", STALE)  # re-checked 2026-12-03
    early = _report(CATALOGUE_DIR, date(2026, 5, 1))
    assert not [f for f in early.findings if f.status == STALE]


@pytest.fixture()
def catalogue_copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, target)
    return target


def test_a_stale_national_fee_counts_for_the_mpps_offering_the_service(catalogue_copy: Path) -> None:
    path = catalogue_copy / "layanan.yaml"
    data = yaml.safe_load(path.read_text())
    sim = next(s for s in data["services"] if s["code"] == "sim")
    sim["fees"][0]["checked"] = "2025-01-02"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    before = _report(CATALOGUE_DIR, date(2026, 4, 1))
    after = _report(catalogue_copy, date(2026, 4, 1))
    assert _has(after, NATIONAL, "sim", "fee:0", STALE)
    assert after.counts("kota_bekasi")[STALE] == before.counts("kota_bekasi")[STALE] + 1  # SIM is offered there
    assert after.counts("kota_bogor")[STALE] == before.counts("kota_bogor")[STALE]  # and not there


def test_audit_command_prints_every_mpp_and_a_summary(capsys) -> None:  # type: ignore[no-untyped-def]
    assert cli(["catalogue", "audit", "--dir", str(CATALOGUE_DIR), "--today", "2026-12-03"]) == 0
    out = capsys.readouterr().out
    for title in ("== Nasional", "== MPP Kota Bogor", "== MPP Kota Bekasi", "== MPP Kota Tangerang Selatan"):
        assert title in out
    assert "Summary per MPP" in out
    bogor = out.split("== MPP Kota Bogor")[1].split("\n== ")[0]
    assert "unverified agencies (presence)" in bogor and "bpn, kpp" in bogor
    assert cli(["catalogue", "audit", "--dir", str(CATALOGUE_DIR), "--today", "2026-12-03", "--format", "json"]) == 0
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert {"scope": "kota_bogor", "fact": "presence:bpn", "status": "unverified"}.items() <= next(
        f for f in findings if f["fact"] == "presence:bpn" and f["scope"] == "kota_bogor"
    ).items()
    assert cli(["catalogue", "audit", "--today", "3 Desember"]) == 2
