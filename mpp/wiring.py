"""Builds the core's collaborators from settings, lazily and once per process."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from mpp.booking.service import BookingService
from mpp.catalogue.store import CatalogueProvider
from mpp.config import PROJECT_ROOT, Settings, load_settings
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.uow import UnitOfWork
from mpp.privacy import Crypto, load_keys
from mpp.queue.service import QueueService


@dataclass
class Core:
    settings: Settings

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.database_url)

    @cached_property
    def session_factory(self) -> sessionmaker:
        return make_session_factory(self.engine)

    @cached_property
    def catalogue(self) -> CatalogueProvider:
        return CatalogueProvider(self.session_factory, self.settings.catalogue_refresh_seconds)

    @cached_property
    def crypto(self) -> Crypto:
        return Crypto(load_keys())

    @cached_property
    def bookings(self) -> BookingService:
        fixed = self.settings.fixed_now
        if fixed is not None:
            return BookingService(self.session_factory, self.catalogue.get, self.crypto, now=lambda: fixed)
        return BookingService(self.session_factory, self.catalogue.get, self.crypto)

    @cached_property
    def queue(self) -> QueueService:
        fixed = self.settings.fixed_now
        if fixed is not None:
            return QueueService(
                self.session_factory, self.catalogue.get, now=lambda: fixed, away_threshold=self.settings.notify_away
            )
        return QueueService(self.session_factory, self.catalogue.get, away_threshold=self.settings.notify_away)

    def uow(self, write: bool = False) -> UnitOfWork:
        return UnitOfWork(self.session_factory, write=write)


_core: Core | None = None
_lock = threading.Lock()


def get_core() -> Core:
    """The process-wide core, built on first use from the environment."""
    global _core
    with _lock:
        if _core is None:
            _core = Core(load_settings())
        return _core


def alembic_config(database_url: str) -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    cfg.attributes["database_url"] = database_url
    cfg.attributes["configure_logging"] = False
    return cfg


def upgrade_database(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "head")
