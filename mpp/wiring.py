"""Builds the core's collaborators from settings, lazily and once per process.

The composition root: the one clock (``MPP_NOW`` or the system clock), the SQL unit of
work with its event handlers, and the booking and queue services on top of it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from mpp.applications.service import ApplicationService
from mpp.booking.model import Policy
from mpp.booking.service import BookingService
from mpp.catalogue.store import CatalogueProvider
from mpp.clock import Clock, fixed_clock, system_clock
from mpp.config import PROJECT_ROOT, Settings, load_settings
from mpp.db.engine import make_engine, make_session_factory
from mpp.editor.announcements import AnnouncementBoard
from mpp.events import Handlers
from mpp.grievance.service import ComplaintService
from mpp.handlers import BookingArrivals, build_handlers
from mpp.handoff.model import Rules as HandoffRules
from mpp.handoff.service import HandoffService
from mpp.privacy import Crypto, load_keys
from mpp.queue.service import QueueService
from mpp.uow import SqlUnitOfWork


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
    def announcements(self) -> AnnouncementBoard:
        """The notices posted in the console, re-read within the catalogue's refresh period."""
        return AnnouncementBoard(self.session_factory, self.settings.catalogue_refresh_seconds)

    @cached_property
    def crypto(self) -> Crypto:
        return Crypto(load_keys())

    @cached_property
    def clock(self) -> Clock:
        """The one clock of this process: ``MPP_NOW`` (tests only) or the system clock."""
        fixed = self.settings.fixed_now
        return fixed_clock(fixed) if fixed is not None else system_clock

    @cached_property
    def policy(self) -> Policy:
        return Policy()

    def uow(self, write: bool = False) -> SqlUnitOfWork:
        """A unit of work on the core database, with every repository and the event handlers."""
        return SqlUnitOfWork(
            self.session_factory,
            write,
            handlers=self.handlers,
            crypto=lambda: self.crypto,
            arrivals=lambda uow: BookingArrivals(uow.bookings, self.catalogue.get, self.policy),
        )

    @cached_property
    def handlers(self) -> Handlers:
        return build_handlers(self.catalogue.get, self.clock)

    @cached_property
    def bookings(self) -> BookingService:
        return BookingService(self.uow, self.catalogue.get, self.crypto, self.policy, self.clock)

    @cached_property
    def queue(self) -> QueueService:
        return QueueService(self.uow, self.catalogue.get, self.clock, away_threshold=self.settings.notify_away)

    @cached_property
    def handoffs(self) -> HandoffService:
        return HandoffService(
            self.session_factory, self.catalogue.get, self.crypto, self.clock, HandoffRules.from_env()
        )

    @cached_property
    def applications(self) -> ApplicationService:
        return ApplicationService(self.session_factory, self.catalogue.get, self.crypto, self.clock)

    @cached_property
    def complaints(self) -> ComplaintService:
        return ComplaintService(self.session_factory, self.catalogue.get, self.crypto, self.clock)


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
