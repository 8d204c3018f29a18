"""The booking and queue services wired as in production, on a given database or in memory.

``mpp.wiring.Core`` builds everything from the environment and the stored catalogue;
tests and benchmarks need the same wiring around a catalogue object, a clock they move,
and a database of their own (or none).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from mpp.booking.model import Policy
from mpp.booking.service import BookingService
from mpp.catalogue.model import Catalogue
from mpp.clock import Clock
from mpp.db.engine import make_engine, make_session_factory
from mpp.editor.announcements import AnnouncementBoard, FixedNotices
from mpp.handlers import BookingArrivals, build_handlers
from mpp.privacy import Crypto, Keys
from mpp.queue.service import QueueService
from mpp.uow import SqlUnitOfWork
from testkit.fakes import FakeStore, FakeUnitOfWork


class MovableClock:
    """A clock a test sets and advances: ``clock.at = …``, ``clock.advance(minutes=5)``."""

    def __init__(self, at: datetime):
        if at.tzinfo is None:
            raise ValueError("a clock needs a time zone")
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.at += timedelta(**delta)


class FixedCatalogue:
    """A catalogue source that always serves the same catalogue (``CatalogueProvider`` reads the database)."""

    def __init__(self, catalogue: Callable[[], Catalogue]):
        self._catalogue = catalogue

    def get(self) -> Catalogue:
        return self._catalogue()


@dataclass
class Services:
    """What an action or a test needs of the core (the same names as ``mpp.wiring.Core``)."""

    bookings: BookingService
    queue: QueueService
    uow: Callable[..., Any]  # uow() to read, uow(write=True) to change
    catalogue: FixedCatalogue
    clock: Clock
    store: FakeStore | None = None  # in memory: what was "stored"
    session_factory: Callable[[], Session] | None = None  # on a database
    announcements: Any = field(default_factory=FixedNotices)  # AnnouncementBoard on a database


def on_database(
    url_or_sessions: str | Callable[[], Session],
    catalogue: Catalogue | Callable[[], Catalogue],
    clock: Clock,
    *,
    policy: Policy | None = None,
    crypto: Crypto | None = None,
    away_threshold: int = 3,
) -> Services:
    sessions = (
        make_session_factory(make_engine(url_or_sessions)) if isinstance(url_or_sessions, str) else url_or_sessions
    )
    cat = catalogue if callable(catalogue) else (lambda: catalogue)
    policy = policy or Policy()
    crypto = crypto or Crypto(Keys.generate())
    handlers = build_handlers(cat, clock)

    def uow(write: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            sessions,
            write,
            handlers=handlers,
            crypto=lambda: crypto,
            arrivals=lambda u: BookingArrivals(u.bookings, cat, policy),
        )

    return Services(
        BookingService(uow, cat, crypto, policy, clock),
        QueueService(uow, cat, clock, away_threshold),
        uow,
        FixedCatalogue(cat),
        clock,
        session_factory=sessions,
        announcements=AnnouncementBoard(sessions, refresh_seconds=0),
    )


def in_memory(
    catalogue: Catalogue | Callable[[], Catalogue],
    clock: Clock,
    *,
    policy: Policy | None = None,
    crypto: Crypto | None = None,
    away_threshold: int = 3,
) -> Services:
    """The same services on a ``FakeUnitOfWork``: no database, no network."""
    cat = catalogue if callable(catalogue) else (lambda: catalogue)
    policy = policy or Policy()
    crypto = crypto or Crypto(Keys.generate())
    store = FakeStore()
    handlers = build_handlers(cat, clock)

    def uow(write: bool = False) -> FakeUnitOfWork:
        return FakeUnitOfWork(store, write, handlers, cat, policy)

    return Services(
        BookingService(uow, cat, crypto, policy, clock),
        QueueService(uow, cat, clock, away_threshold),
        uow,
        FixedCatalogue(cat),
        clock,
        store=store,
    )
