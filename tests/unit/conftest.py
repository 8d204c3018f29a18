"""The unit tier runs without PostgreSQL, Redis, RabbitMQ or a SQLite file: any attempt fails the test.

Rules are tested on the in-memory unit of work (testkit.fakes); whatever needs a real
database or server belongs in tests/integration. Loopback servers a test starts itself
(an aiohttp app on a free port) are allowed.
"""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest

SERVICE_PORTS = {5432: "PostgreSQL", 6379: "Redis", 5672: "RabbitMQ"}


def _refuse(what: str) -> None:
    raise AssertionError(
        f"the unit tier runs without {what}: use testkit.fakes, or move this test to tests/integration"
    )


@pytest.fixture(autouse=True)
def _no_database_or_service(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    connect = socket.socket.connect
    connect_ex = socket.socket.connect_ex

    def port_of(address: Any) -> int | None:
        return address[1] if isinstance(address, tuple) and len(address) >= 2 else None

    def guarded(sock: socket.socket, address: Any) -> Any:
        if port_of(address) in SERVICE_PORTS:
            _refuse(SERVICE_PORTS[port_of(address)])  # type: ignore[index]
        return connect(sock, address)

    def guarded_ex(sock: socket.socket, address: Any) -> Any:
        if port_of(address) in SERVICE_PORTS:
            _refuse(SERVICE_PORTS[port_of(address)])  # type: ignore[index]
        return connect_ex(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_ex)
    monkeypatch.setattr(sqlite3.dbapi2, "connect", lambda *a, **k: _refuse("a SQLite database"))
    # A loaded model's entity extractor follows the stored catalogue's MPP names (nlu.mpp_names): not here.
    from nlu.mpp_names import RuntimeMppNames

    monkeypatch.setattr(RuntimeMppNames, "start", lambda self: None)
    try:
        import psycopg2

        monkeypatch.setattr(psycopg2, "connect", lambda *a, **k: _refuse("PostgreSQL"))
    except ImportError:
        pass
    yield
