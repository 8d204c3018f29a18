"""YAML loads never silently wipe console edits; export gives the live catalogue back as YAML, exactly."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import Engine

from mpp.catalogue.loader import read_catalogue
from mpp.catalogue.store import CatalogueProvider
from mpp.cli import main as cli
from mpp.clock import fixed_clock
from mpp.db.editor_tables import CatalogueRevisionRow
from mpp.db.engine import make_engine, make_session_factory
from mpp.editor.changes import CatalogueEditor
from mpp.editor.document import SERVICE, Target
from mpp.staff.roles import Role, StaffMember
from testkit.core import on_database
from tests.conftest import CATALOGUE_DIR

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)


@pytest.fixture()
def files(tmp_path: Path) -> Path:
    target = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, target)
    return target


@pytest.fixture()
def engines() -> Iterator[list[Engine]]:
    made: list[Engine] = []
    yield made
    for engine in made:
        engine.dispose()


def approve_fee_change(db_url: str, engines: list[Engine]) -> CatalogueProvider:
    engines.append(make_engine(db_url))
    factory = make_session_factory(engines[-1])
    provider = CatalogueProvider(factory, refresh_seconds=0)
    editor = CatalogueEditor(factory, on_database(factory, provider.get, fixed_clock(NOW)).bookings, lambda: NOW)
    form = {**editor.fields("fees", Target(SERVICE, service="skck")), "fee_0_amount": "35000", "source_title": "Uji"}
    change = editor.save(
        StaffMember(1, "polres", Role.CLERK, "kota_bogor", "polresta"),
        "fees",
        Target(SERVICE, service="skck"),
        form,
        submit=True,
    )
    editor.approve(StaffMember(2, "pusat", Role.NATIONAL_ADMIN, None, None), change.id)
    return provider


def test_a_yaml_load_keeps_or_refuses_but_never_silently_wipes_console_edits(
    db_url: str, files: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], engines: list[Engine]
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert cli(["catalogue", "load", "--dir", str(files)]) == 0
    provider = approve_fee_change(db_url, engines)
    capsys.readouterr()

    assert cli(["catalogue", "load", "--dir", str(files)]) == 0  # the same files again (make run's setup)
    assert "unchanged since version 1" in capsys.readouterr().out
    assert provider.get().services["skck"].fees[0].amount == 35000

    bogor = files / "mpp" / "kota_bogor.yaml"
    bogor.write_text(bogor.read_text().replace("name: MPP Kota Bogor", "name: MPP Kota Bogor (baru)", 1))
    assert cli(["catalogue", "load", "--dir", str(files)]) == 2
    err = capsys.readouterr().err
    assert "1 console version(s) since the YAML load of version 1" in err and "mpp catalogue export" in err
    assert provider.get().services["skck"].fees[0].amount == 35000 and provider.get().version == 2

    assert cli(["catalogue", "load", "--dir", str(files), "--force"]) == 0
    assert provider.get().services["skck"].fees[0].amount == 30000


def test_export_round_trips_the_live_catalogue_with_its_console_edits(
    db_url: str,
    files: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    engines: list[Engine],
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert cli(["catalogue", "load", "--dir", str(files)]) == 0
    provider = approve_fee_change(db_url, engines)
    out = tmp_path / "export"
    assert cli(["catalogue", "export", "--dir", str(out)]) == 0
    assert "exported catalogue version 2" in capsys.readouterr().out
    exported = read_catalogue(out)
    engines.append(make_engine(db_url))
    with make_session_factory(engines[-1])() as s:
        assert exported.document == s.get(CatalogueRevisionRow, 2).document  # type: ignore[union-attr]
    skck = next(s for s in yaml.safe_load((out / "layanan.yaml").read_text())["services"] if s["code"] == "skck")
    assert skck["fees"][0]["amount"] == 35000 and skck["fees"][0]["sources"][0].startswith("konsol_")
    assert cli(["catalogue", "export", "--dir", str(out)]) == 2  # not into a directory that is not empty
    # the export is the live catalogue: loading it replaces nothing, so it needs no --force
    assert cli(["catalogue", "load", "--dir", str(out)]) == 0
    assert provider.get().services["skck"].fees[0].amount == 35000
