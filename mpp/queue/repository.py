"""Tickets in SQL: rows mapped to ``Ticket`` objects and back (explicit mapping, as for bookings).

A loaded ticket remembers its values; at commit only what a rule changed is written back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from mpp.db.queue_tables import TicketRow
from mpp.db.sql import aware
from mpp.queue.model import Ticket, TicketKind, TicketStatus

_PLAIN = tuple(f.name for f in fields(Ticket) if f.name not in ("id", "status", "kind"))
_TIMES = ("issued_at", "called_at", "finished_at")


def _to_ticket(row: TicketRow) -> Ticket:
    values = {name: getattr(row, name) for name in _PLAIN}
    for name in _TIMES:
        values[name] = aware(values[name])
    return Ticket(id=row.id, status=TicketStatus(row.status), kind=TicketKind(row.kind), **values)


def _columns(ticket: Ticket) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(ticket, name) for name in _PLAIN}
    values["status"], values["kind"] = ticket.status.value, ticket.kind.value
    return values


class SqlTicketRepository:
    def __init__(self, session: Session):
        self.session = session
        self._rows: dict[int, TicketRow] = {}
        self._loaded: dict[int, tuple[Ticket, dict[str, Any]]] = {}

    def seen(self) -> Iterator[Ticket]:
        return iter([ticket for ticket, _ in self._loaded.values()])

    def flush(self) -> None:
        """Write back what rules changed since the ticket was loaded (before every query, and at commit)."""
        for ticket_id, (ticket, before) in self._loaded.items():
            now = _columns(ticket)
            row = self._rows[ticket_id]
            for column, value in now.items():
                if before.get(column) != value:
                    setattr(row, column, value)
            self._loaded[ticket_id] = (ticket, now)
        self.session.flush()

    def _track(self, row: TicketRow) -> Ticket:
        known = self._loaded.get(row.id)
        if known is not None:
            return known[0]
        ticket = _to_ticket(row)
        self._rows[row.id], self._loaded[row.id] = row, (ticket, _columns(ticket))
        return ticket

    def _all(self, query: Select) -> list[Ticket]:
        self.flush()  # a query sees what rules changed so far, as SQLAlchemy's autoflush would
        return [self._track(row) for row in self.session.execute(query).scalars()]

    def add(self, ticket: Ticket) -> None:
        row = TicketRow(**_columns(ticket))
        self.session.add(row)
        self.session.flush()
        ticket.id = row.id
        self._rows[row.id], self._loaded[row.id] = row, (ticket, _columns(ticket))

    def get(self, ticket_id: int, lock: bool = False) -> Ticket | None:
        row = self.session.get(
            TicketRow, ticket_id, with_for_update=lock and self.session.get_bind().dialect.name == "postgresql"
        )
        return self._track(row) if row is not None else None

    def for_booking(self, booking_id: int) -> Ticket | None:
        found = self._all(select(TicketRow).where(TicketRow.booking_id == booking_id))
        return found[0] if found else None

    def _today(self, mpp_code: str, agency_code: str, day: date) -> Select:
        return select(TicketRow).where(
            TicketRow.mpp_code == mpp_code, TicketRow.agency_code == agency_code, TicketRow.day == day
        )

    def waiting(self, mpp_code: str, agency_code: str, day: date) -> list[Ticket]:
        query = self._today(mpp_code, agency_code, day).where(TicketRow.status == TicketStatus.WAITING.value)
        return self._all(query.order_by(TicketRow.id))

    def called(self, mpp_code: str, agency_code: str, day: date) -> list[Ticket]:
        query = self._today(mpp_code, agency_code, day).where(TicketRow.status == TicketStatus.CALLED.value)
        return self._all(query.order_by(TicketRow.called_at))

    def finished(self, mpp_code: str, agency_code: str, day: date, limit: int) -> list[Ticket]:
        done = (TicketStatus.SERVED.value, TicketStatus.NO_SHOW.value)
        query = self._today(mpp_code, agency_code, day).where(TicketRow.status.in_(done))
        return self._all(query.order_by(TicketRow.finished_at.desc()).limit(limit))

    def hall_today(self, mpp_code: str, day: date) -> list[Ticket]:
        return self._all(
            select(TicketRow).where(
                TicketRow.mpp_code == mpp_code,
                TicketRow.day == day,
                or_(
                    TicketRow.status == TicketStatus.WAITING.value,
                    and_(TicketRow.called_at.is_not(None), TicketRow.counter_code.is_not(None)),
                ),
            )
        )

    def open_for_chat(self, chat_id: str) -> list[Ticket]:
        open_ = (TicketStatus.WAITING.value, TicketStatus.CALLED.value)
        return self._all(
            select(TicketRow).where(TicketRow.chat_id == chat_id, TicketRow.status.in_(open_)).order_by(TicketRow.id)
        )

    def service_minutes(self, mpp_code: str, service_code: str, day: date) -> list[float]:
        self.flush()
        finished = self.session.execute(
            select(TicketRow.called_at, TicketRow.finished_at)
            .where(
                TicketRow.mpp_code == mpp_code,
                TicketRow.service_code == service_code,
                TicketRow.day == day,
                TicketRow.status == TicketStatus.SERVED.value,
            )
            .order_by(TicketRow.finished_at)
        ).all()
        return [
            (aware(done) - aware(called)).total_seconds() / 60  # type: ignore[operator]
            for called, done in finished
            if called and done
        ]

    def counters_calling_since(self, mpp_code: str, agency_code: str, day: date, since: datetime) -> int:
        self.flush()
        count = self.session.execute(
            select(func.count(func.distinct(TicketRow.counter_code))).where(
                TicketRow.mpp_code == mpp_code,
                TicketRow.agency_code == agency_code,
                TicketRow.day == day,
                TicketRow.called_at >= since,
            )
        ).scalar_one()
        return int(count)
