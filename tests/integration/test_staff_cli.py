"""``mpp staff add|list|disable`` with roles, on SQLite and PostgreSQL; migration 0005b keeps old accounts as clerks."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text

import mpp.db.tables  # noqa: F401  (every table on the metadata)
from mpp.cli import main as cli
from mpp.db.base import Base
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.staff_tables import StaffRow, StaffSessionRow
from mpp.staff import accounts
from mpp.wiring import alembic_config


@pytest.fixture()
def env(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("MPP_STAFF_PASSWORD", "kata-sandi-rahasia")
    assert cli(["catalogue", "load"]) == 0
    return db_url


def rows(db_url: str) -> dict[str, tuple[str, str | None, str | None]]:
    engine = make_engine(db_url)
    with make_session_factory(engine)() as s:
        found = {r.username: (r.role, r.mpp_code, r.agency_code) for r in s.execute(select(StaffRow)).scalars()}
    engine.dispose()
    return found


def test_accounts_of_every_role(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["staff", "add", "sari", "--mpp", "kota_bogor", "--agency", "disdukcapil", "--counter", "1"]) == 0
    assert cli(["staff", "add", "admin.bogor", "--role", "mpp_admin", "--mpp", "kota_bogor"]) == 0
    assert cli(["staff", "add", "sup.bogor", "--role", "supervisor", "--mpp", "kota_bogor"]) == 0
    assert cli(["staff", "add", "pusat", "--role", "national_admin"]) == 0
    assert "(national_admin) created for every MPP" in capsys.readouterr().out
    assert rows(env) == {
        "sari": ("clerk", "kota_bogor", "disdukcapil"),
        "admin.bogor": ("mpp_admin", "kota_bogor", None),
        "sup.bogor": ("supervisor", "kota_bogor", None),
        "pusat": ("national_admin", None, None),
    }
    assert cli(["staff", "list", "--mpp", "kota_bogor"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed == [
        "admin.bogor\tmpp_admin\tkota_bogor\t-\tactive",
        "sari\tclerk\tkota_bogor\tdisdukcapil\tactive",
        "sup.bogor\tsupervisor\tkota_bogor\t-\tactive",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x.clerk", "--mpp", "kota_bogor"], "a clerk needs --agency"),
        (["x.clerk", "--mpp", "atlantis", "--agency", "disdukcapil"], "unknown MPP 'atlantis'"),
        (["x.clerk", "--mpp", "kota_bogor", "--agency", "kua"], "not an agency of kota_bogor"),
        (["x.clerk", "--mpp", "kota_bogor", "--agency", "disdukcapil", "--counter", "99"], "counter '99'"),
        (["x.admin", "--role", "mpp_admin", "--mpp", "kota_bogor", "--agency", "disdukcapil"], "only clerks"),
        (["x.admin", "--role", "mpp_admin"], "needs --mpp"),
        (["x.pusat", "--role", "national_admin", "--mpp", "kota_bogor"], "works for every MPP"),
        (["X Y", "--role", "national_admin"], "username:"),
    ],
)
def test_bad_arguments_are_named_and_nothing_is_stored(
    env: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert cli(["staff", "add", *args]) == 2
    assert message in capsys.readouterr().err
    assert rows(env) == {}


def test_a_short_password_or_a_taken_name_is_refused(
    env: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli(["staff", "add", "pusat", "--role", "national_admin"]) == 0
    assert cli(["staff", "add", "pusat", "--role", "national_admin"]) == 2
    assert "exists already" in capsys.readouterr().err
    monkeypatch.setenv("MPP_STAFF_PASSWORD", "pendek")
    assert cli(["staff", "add", "other", "--role", "national_admin"]) == 2
    assert "password must have 10" in capsys.readouterr().err


def test_disabling_an_account_ends_its_sessions(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(["staff", "add", "pusat", "--role", "national_admin"]) == 0
    engine = make_engine(env)
    factory = make_session_factory(engine)
    now = datetime.now(timezone.utc)
    with factory() as s:
        token = accounts.login(s, "pusat", "kata-sandi-rahasia", now)
        s.commit()
    assert token
    assert cli(["staff", "disable", "pusat"]) == 0
    assert "1 session(s) ended" in capsys.readouterr().out
    with factory() as s:
        assert accounts.resolve(s, token, now) is None
        assert s.execute(select(StaffSessionRow)).first() is None
        assert accounts.login(s, "pusat", "kata-sandi-rahasia", now) is None
    assert cli(["staff", "disable", "nobody"]) == 2
    engine.dispose()


def test_migration_0005b_keeps_existing_accounts_as_clerks_and_matches_the_tables(db_url: str) -> None:
    cfg = alembic_config(db_url)
    command.downgrade(cfg, "0004")
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO staff (username, password_hash, display_name, mpp_code, agency_code, active, created_at)"
                " VALUES ('lama', 'x', 'Lama', 'kota_bogor', 'disdukcapil', true, CURRENT_TIMESTAMP)"
            )
        )
    command.upgrade(cfg, "head")
    assert rows(db_url) == {"lama": ("clerk", "kota_bogor", "disdukcapil")}
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diffs == []  # the ORM tables (mpp/db/*_tables.py) and the migrations describe the same schema


def test_kiosk_devices_from_the_command_line(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    from mpp.staff import kiosks

    assert cli(["kiosk", "add", "--mpp", "kota_bogor", "--name", "Lobi"]) == 0
    first = capsys.readouterr().out.split("enrolment code ")[1].split()[0]
    assert cli(["kiosk", "add", "--mpp", "kota_bogor", "--name", "Lobi"]) == 0  # same name: a new code, same device
    out = capsys.readouterr().out
    second = out.split("enrolment code ")[1].split()[0]
    assert out.startswith("kiosk 1 ") and first != second
    engine = make_engine(env)
    factory = make_session_factory(engine)
    now = datetime.now(timezone.utc)
    with factory() as s:
        assert kiosks.enrol(s, first, now) is None  # replaced
        enrolled = kiosks.enrol(s, second, now)
        s.commit()
    assert enrolled is not None
    credential = enrolled[1]
    assert cli(["kiosk", "revoke", "1"]) == 0
    with factory() as s:
        assert kiosks.resolve(s, credential) is None
    assert cli(["kiosk", "add", "--mpp", "atlantis", "--name", "X"]) == 2
    assert cli(["kiosk", "revoke", "42"]) == 2
    assert "kiosk 42: Anjungan itu tidak ada" in capsys.readouterr().err
    engine.dispose()
