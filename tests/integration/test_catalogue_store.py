"""The catalogue in SQL, on SQLite and on PostgreSQL: round trip and atomic reload."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from mpp.catalogue import store
from mpp.catalogue.loader import read_catalogue
from mpp.catalogue.store import CatalogueProvider, current_version, load_from_db, save_catalogue
from mpp.cli import main as cli
from mpp.db.catalogue_tables import MppServiceRow, ServiceRow
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.uow import UnitOfWork
from tests.conftest import CATALOGUE_DIR


def _store(url: str, loaded) -> int:  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    try:
        with UnitOfWork(make_session_factory(engine)) as uow:
            version = save_catalogue(uow.session, loaded)
            uow.commit()
        return version
    finally:
        engine.dispose()


def _read(url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            return load_from_db(session)
    finally:
        engine.dispose()


def test_round_trip_gives_back_the_same_catalogue(db_url: str, demo) -> None:  # type: ignore[no-untyped-def]
    version = _store(db_url, demo)
    stored = _read(db_url)
    assert stored.version == version
    assert replace(stored, version=0) == demo.catalogue


def test_reload_is_idempotent_and_removes_what_the_files_dropped(db_url: str, demo, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _store(db_url, demo)
    _store(db_url, demo)
    directory = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, directory)
    path = directory / "mpp" / "kota_bekasi.yaml"
    data = yaml.safe_load(path.read_text())
    data["services"] = [s for s in data["services"] if s["code"] != "skck"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    _store(db_url, read_catalogue(directory))
    stored = _read(db_url)
    assert stored.offering("kota_bekasi", "skck") is None
    assert stored.offering("kota_bogor", "skck") is not None


def test_failed_reload_keeps_the_previous_catalogue(db_url: str, demo, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _store(db_url, demo)
    before = _read(db_url)
    changed = replace(
        demo,
        catalogue=replace(
            demo.catalogue,
            services={**demo.catalogue.services, "skck": replace(demo.catalogue.services["skck"], name="SKCK BARU")},
        ),
    )
    calls = {"n": 0}
    real_merge = store.Session.merge

    def failing_merge(self, instance, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if isinstance(instance, MppServiceRow) and calls["n"] > 40:
            raise RuntimeError("disk full (simulated halfway through the reload)")
        return real_merge(self, instance, *args, **kwargs)

    monkeypatch.setattr(store.Session, "merge", failing_merge)
    with pytest.raises(RuntimeError):
        _store(db_url, changed)
    monkeypatch.undo()
    after = _read(db_url)
    assert after == before
    assert after.services["skck"].name != "SKCK BARU"


def test_cli_rejects_a_bad_file_and_leaves_the_database_alone(db_url: str, tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert cli(["catalogue", "load"]) == 0
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        version = current_version(session)
        services = session.execute(select(func.count()).select_from(ServiceRow)).scalar_one()
    directory = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, directory)
    path = directory / "mpp" / "kota_bogor.yaml"
    data = yaml.safe_load(path.read_text())
    data["counters"].append(dict(data["counters"][0]))
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    capsys.readouterr()
    assert cli(["catalogue", "load", "--dir", str(directory)]) == 2
    err = capsys.readouterr().err
    assert "nothing was loaded" in err and "kota_bogor.yaml" in err and "duplicate counter" in err
    with make_session_factory(engine)() as session:
        assert current_version(session) == version
        assert session.execute(select(func.count()).select_from(ServiceRow)).scalar_one() == services
    engine.dispose()


def test_provider_serves_a_cached_snapshot_and_sees_a_reload(db_url: str, demo) -> None:  # type: ignore[no-untyped-def]
    _store(db_url, demo)
    engine = make_engine(db_url)
    now = {"t": 0.0}
    provider = CatalogueProvider(make_session_factory(engine), refresh_seconds=5, clock=lambda: now["t"])
    first = provider.get()
    assert provider.get() is first  # no query within the refresh window
    _store(db_url, demo)
    now["t"] = 6.0
    second = provider.get()
    assert second.version == first.version + 1
    engine.dispose()
