"""A running console on a migrated SQLite database with the demo catalogue, for the console's tests."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import httpx
from aiohttp.test_utils import TestServer
from sqlalchemy.engine import Engine

from console.app import Console, create_app
from console.settings import ConsoleSettings
from mpp.catalogue.loader import LoadedCatalogue
from mpp.catalogue.store import CatalogueProvider, save_catalogue
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.uow import UnitOfWork
from mpp.queue.service import QueueService
from mpp.staff.accounts import add_staff
from mpp.staff.kiosks import create_device
from mpp.staff.roles import OPERATOR, Role
from testkit.core import on_database

PASSWORD = "kata-sandi-rahasia"
# (username, display name, role, MPP, agency, counter)
ACCOUNTS = [
    ("dukcapil.bogor", "Sari", Role.CLERK, "kota_bogor", "disdukcapil", "1"),
    ("samsat.bogor", "Joko", Role.CLERK, "kota_bogor", "samsat", None),
    ("polres.bogor", "Bima", Role.CLERK, "kota_bogor", "polresta", None),
    ("dukcapil.bekasi", "Rina", Role.CLERK, "kota_bekasi", "disdukcapil", None),
    ("admin.bogor", "Admin Bogor", Role.MPP_ADMIN, "kota_bogor", None, None),
    ("admin.bekasi", "Admin Bekasi", Role.MPP_ADMIN, "kota_bekasi", None, None),
    ("supervisor.bogor", "Supervisor Bogor", Role.SUPERVISOR, "kota_bogor", None, None),
    ("nasional", "Admin Nasional", Role.NATIONAL_ADMIN, None, None, None),
]


class Clock:
    def __init__(self) -> None:
        self.at = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)  # 09.00 WIB, a Tuesday

    def __call__(self) -> datetime:
        return self.at


@dataclass
class Site:
    base: str
    queue: QueueService
    clock: Clock
    factory: Any
    engine: Engine
    console: Console
    services: Any = None  # testkit.core.Services: bookings, queue, uow on this database
    provider: CatalogueProvider | None = None

    def enrolment_code(self, mpp: str = "kota_bogor", name: str = "Lobi") -> tuple[int, str]:
        with UnitOfWork(self.factory, write=True) as uow:
            device_id, code = create_device(uow.session, OPERATOR, mpp, name, self.clock())
            uow.commit()
        return device_id, code

    async def kiosk(self, mpp: str = "kota_bogor") -> tuple[httpx.AsyncClient, str, int]:
        """An enrolled kiosk browser: (client, the form token on its page, device id)."""
        device_id, code = self.enrolment_code(mpp)
        client = httpx.AsyncClient(base_url=self.base, follow_redirects=True)
        page = await client.post("/kiosk/enrol", data={"code": code})
        assert page.status_code == 200, page.text
        token = re.search(r'name="kiosk" value="([^"]+)"', page.text)
        assert token, page.text
        return client, token.group(1), device_id

    async def login(self, username: str, headers: dict[str, str] | None = None) -> tuple[httpx.AsyncClient, str]:
        client = httpx.AsyncClient(base_url=self.base, follow_redirects=False, headers=headers or {})
        response = await client.post("/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 303, response.text
        page = (await client.get("/")).text
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf
        return client, csrf.group(1)


@asynccontextmanager
async def running_console(
    sqlite_url: str, demo: LoadedCatalogue, settings: ConsoleSettings | None = None, *, live: bool = False
) -> AsyncIterator[Site]:
    """``live``: the console reads the stored catalogue (as in production) instead of the demo object."""
    engine = make_engine(sqlite_url)
    factory = make_session_factory(engine)
    with UnitOfWork(factory, write=True) as uow:
        save_catalogue(uow.session, demo)
        for username, name, role, mpp, agency, counter in ACCOUNTS:
            add_staff(uow.session, username, PASSWORD, name, mpp, agency, counter, role=role)
        uow.commit()
    clock = Clock()
    provider = CatalogueProvider(factory, refresh_seconds=0.5)
    catalogue = provider.get if live else (lambda: demo.catalogue)
    services = on_database(factory, catalogue, clock)
    queue = services.queue
    console = Console(
        factory,
        catalogue,
        queue,
        settings=settings,
        now=clock,
        bookings=services.bookings,
        catalogue_changed=provider.invalidate,
    )
    server = TestServer(create_app(console))
    await server.start_server()
    try:
        yield Site(str(server.make_url("")).rstrip("/"), queue, clock, factory, engine, console, services, provider)
    finally:
        await server.close()
        engine.dispose()
