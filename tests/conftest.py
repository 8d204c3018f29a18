"""Shared fixtures: the demo catalogue, databases (SQLite, PostgreSQL), service checks.

PostgreSQL and Redis tests run against the real servers. When one is down, they
skip with a message saying how to start it; under CI=true they fail instead.
"""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path
from typing import Any, Iterator, NoReturn
from urllib.parse import urlparse

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from mpp.catalogue.loader import LoadedCatalogue, read_catalogue
from mpp.config import PROJECT_ROOT
from mpp.db.engine import make_engine
from mpp.wiring import upgrade_database
from testkit.stack import XDIST_WORKER

CI = os.environ.get("CI", "").lower() == "true"
CATALOGUE_DIR = PROJECT_ROOT / "data" / "catalogue"
MODEL = PROJECT_ROOT / "models" / "asisten.tar.gz"
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
# One Redis database per pytest-xdist worker (scripts/test.sh runs the suite on several): 15, 14, 13, ...
REDIS_URL = os.environ.get("TEST_REDIS_URL", f"redis://127.0.0.1:6379/{15 - XDIST_WORKER}")
START_HINTS = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no',
}


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def unavailable(message: str) -> NoReturn:
    """Something a test needs is missing here: skip, saying how to get it; under CI=true, fail."""
    if CI:
        pytest.fail(message)
    pytest.skip(message)


def require(service: str, host: str, port: int) -> None:
    if not _port_open(host, port):
        unavailable(f"{service} is not running on {host}:{port}; start it with: {START_HINTS[service]}")


def redis_store_args() -> dict[str, Any]:
    """host, port and db of the test Redis (TEST_REDIS_URL), for Rasa's Redis stores; requires it running."""
    url = urlparse(REDIS_URL)
    require("Redis", url.hostname or "127.0.0.1", url.port or 6379)
    return {"host": url.hostname or "127.0.0.1", "port": url.port or 6379, "db": int(url.path.strip("/") or 0)}


def require_model() -> Path:
    """The trained model the NLU and end-to-end tests use."""
    if not MODEL.exists():
        unavailable(f"no trained model at {MODEL}; run scripts/train.sh (make train)")
    return MODEL


@pytest.fixture(scope="session")
def demo() -> LoadedCatalogue:
    return read_catalogue(CATALOGUE_DIR)


@pytest.fixture()
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'mpp.db'}"
    upgrade_database(url)
    return url


@pytest.fixture(scope="session")
def _pg_database() -> Iterator[str]:
    admin = make_url(PG_ADMIN_URL)
    require("PostgreSQL", admin.host or "127.0.0.1", admin.port or 5432)
    name = f"mpp_test_{uuid.uuid4().hex[:10]}"
    engine = make_engine(PG_ADMIN_URL)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture()
def pg_url(_pg_database: str) -> Iterator[str]:
    """A migrated, empty PostgreSQL database for one test."""
    upgrade_database(_pg_database)
    yield _pg_database
    engine = make_engine(_pg_database)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """Runs a test once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("pg_url")
