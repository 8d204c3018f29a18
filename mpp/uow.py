"""The SQL unit of work: one session, every repository hanging off it, events handled at commit.

``commit()`` hands the events the loaded and added aggregates recorded to their handlers
(which may write to the outbox or change other aggregates), writes back what changed,
and commits once: a change and everything it causes are durable together, or not at
all. Leaving without ``commit()`` rolls everything back. The database's own errors leave
as the core's (``mpp.storage``): a unique-key clash as ``Conflict``, a lost connection as
``Unavailable``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from itertools import chain
from types import TracebackType

from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from mpp.booking.repository import SqlBookingRepository, SqlLookupLog, SqlOutageLog, SqlSlotLedger
from mpp.db import sql
from mpp.db.staff_tables import AuditRow
from mpp.db.uow import UnitOfWork
from mpp.events import Handlers, Recorder, publish
from mpp.notify_outbox import SqlOutbox
from mpp.numbering import SqlQueueNumbers
from mpp.privacy import Crypto
from mpp.privacy_store import erase_tokens, resolve_token, store_token
from mpp.queue.model import Arrival, QueueError
from mpp.queue.ports import Arrivals
from mpp.queue.repository import SqlTicketRepository
from mpp.storage import Conflict, Unavailable


class SqlTokenVault:
    def __init__(self, session: Session, crypto: Callable[[], Crypto] | None):
        self.session, self._crypto = session, crypto

    def resolve(self, sender: str, token: str) -> str | None:
        if self._crypto is None:
            raise RuntimeError("this unit of work was made without the keys to open personal data")
        return resolve_token(self.session, self._crypto(), sender, token)

    def store(self, sender: str, kind: str, value: str, now: datetime) -> str:
        if self._crypto is None:
            raise RuntimeError("this unit of work was made without the keys to store personal data")
        return store_token(self.session, self._crypto(), sender, kind, value, now)

    def erase(self, sender: str) -> None:
        erase_tokens(self.session, sender, self._crypto() if self._crypto is not None else None)


def _translated(exc: DBAPIError) -> Exception:
    """The core's name for a database failure; other errors (a bug in a query) stay as they are."""
    if isinstance(exc, IntegrityError):
        return Conflict(str(exc.orig))
    if isinstance(exc, (OperationalError, InterfaceError)) or exc.connection_invalidated:
        return Unavailable(str(exc.orig))
    return exc


class _NoArrivals:
    def check_in(self, code: str, mpp_code: str, now: datetime) -> Arrival:
        raise QueueError("check-in is not wired in this unit of work")


class SqlUnitOfWork(UnitOfWork):
    def __init__(
        self,
        session_factory: Callable[[], Session],
        write: bool = False,
        *,
        handlers: Handlers | None = None,
        crypto: Callable[[], Crypto] | None = None,
        arrivals: Callable[[SqlUnitOfWork], Arrivals] | None = None,
    ):
        super().__init__(session_factory, write=write)
        self._handlers: Handlers = handlers or {}
        self._crypto = crypto
        self._arrivals = arrivals

    def __enter__(self) -> SqlUnitOfWork:
        try:
            super().__enter__()  # a write unit of work connects here (BEGIN IMMEDIATE on SQLite)
        except DBAPIError as exc:
            self.session.close()
            raise _translated(exc) from exc
        s = self.session
        self.bookings = SqlBookingRepository(s)
        self.places = SqlSlotLedger(s)
        self.numbers = SqlQueueNumbers(s)
        self.lookups = SqlLookupLog(s)
        self.outages = SqlOutageLog(s)
        self.tokens = SqlTokenVault(s, self._crypto)
        self.tickets = SqlTicketRepository(s)
        self.outbox = SqlOutbox(s)
        self.arrivals: Arrivals = self._arrivals(self) if self._arrivals else _NoArrivals()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        super().__exit__(exc_type, exc, tb)
        if isinstance(exc, DBAPIError) and _translated(exc) is not exc:
            raise _translated(exc) from exc

    def _seen(self) -> Iterator[Recorder]:
        return chain(self.bookings.seen(), self.tickets.seen())

    def serialize(self, *keys: str) -> None:
        sql.serialize(self.session, *keys)

    def audit(
        self, staff_id: int | None, mpp_code: str, action: str, ticket_id: int | None, detail: str | None, at: datetime
    ) -> None:
        self.session.add(
            AuditRow(staff_id=staff_id, mpp_code=mpp_code, action=action, ticket_id=ticket_id, detail=detail, at=at)
        )

    def commit(self) -> None:
        publish(self, self._handlers, self._seen)
        self.bookings.flush()
        self.tickets.flush()
        self.session.commit()
