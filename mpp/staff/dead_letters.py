"""The notifier's dead letters, as a staff member may see them: their own MPP's only.

A notification carries no MPP of its own; it is traced through its booking (``booking_id``)
or, for the queue's and the handoff's messages, through the ticket or handoff named in its
dedupe key (``ticket:<id>:…``, ``handoff:<id>:…``). One that traces to no MPP is shown to
national administrators only. The scope is applied in SQL, so an MPP's administrator sees all of
their MPP's dead letters however many other MPPs have (before: the newest 1,000 of all, filtered).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, func, or_, select
from sqlalchemy.orm import Session

from mpp.db.booking_tables import BookingRow
from mpp.db.handoff_tables import HandoffRow
from mpp.db.queue_tables import NotificationRow, TicketRow
from mpp.staff.roles import Permission, StaffMember, authorize, mpp_scope


@dataclass(frozen=True)
class DeadLetter:
    id: int
    channel: str  # "telegram", "whatsapp", "console": never the chat id itself
    kind: str
    error: str
    created_at: datetime
    mpp_code: str | None


def _key_id(dedupe_key: str, kind: str) -> int | None:
    parts = dedupe_key.split(":")
    if len(parts) >= 2 and parts[0] == kind and parts[1].isdigit():
        return int(parts[1])
    return None


def _key_part(session: Session, column: Any) -> Any:
    """The id in a dedupe key ``<kind>:<id>:…``, as text (compared as text: no cast can fail)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.split_part(column, ":", 2)
    rest = func.substr(column, func.instr(column, ":") + 1)
    return func.substr(rest, 1, func.instr(rest, ":") - 1)


def traced_to(session: Session, mpp: str | None, agency: str | None = None, services: list[str] | None = None) -> Any:
    """SQL condition: the notification belongs to ``mpp`` (and ``agency``: its ``services`` for bookings).

    Through its booking, or the ticket or handoff named in its dedupe key (``ticket:<id>:…``,
    ``handoff:<id>:…``). Used by the dead letters and the dashboard alike.
    """
    bookings = select(BookingRow.id)
    tickets = select(func.cast(TicketRow.id, String))
    handoffs = select(func.cast(HandoffRow.id, String))
    if mpp is not None:
        bookings = bookings.where(BookingRow.mpp_code == mpp)
        tickets = tickets.where(TicketRow.mpp_code == mpp)
        handoffs = handoffs.where(HandoffRow.mpp_code == mpp)
    if agency is not None:
        bookings = bookings.where(BookingRow.service_code.in_(services or [""]))
        tickets = tickets.where(TicketRow.agency_code == agency)
        handoffs = handoffs.where(HandoffRow.agency_code == agency)
    key = _key_part(session, NotificationRow.dedupe_key)
    untraced = NotificationRow.booking_id.is_(None)
    return or_(
        NotificationRow.booking_id.in_(bookings),
        and_(untraced, NotificationRow.dedupe_key.like("ticket:%"), key.in_(tickets)),
        and_(untraced, NotificationRow.dedupe_key.like("handoff:%"), key.in_(handoffs)),
    )


def dead_letters_for(session: Session, staff: StaffMember, limit: int = 100) -> list[DeadLetter]:
    """The newest dead letters the staff member may see: of their MPP (in SQL, however many others have)."""
    authorize(staff, Permission.VIEW_DEAD_LETTERS)
    scope = mpp_scope(staff)
    query = select(NotificationRow).where(NotificationRow.status == "dead")
    if scope is not None:
        query = query.where(traced_to(session, scope))
    rows = list(session.execute(query.order_by(NotificationRow.id.desc()).limit(limit)).scalars())
    booking_ids = {r.booking_id for r in rows if r.booking_id is not None}
    ticket_ids = {t for r in rows if (t := _key_id(r.dedupe_key, "ticket")) is not None}
    handoff_ids = {h for r in rows if (h := _key_id(r.dedupe_key, "handoff")) is not None}
    booking_mpp: dict[int, str] = {}
    ticket_mpp: dict[int, str] = {}
    handoff_mpp: dict[int, str] = {}
    if booking_ids:
        booking_mpp = dict(
            session.execute(select(BookingRow.id, BookingRow.mpp_code).where(BookingRow.id.in_(booking_ids))).all()  # type: ignore[arg-type]
        )
    if ticket_ids:
        ticket_mpp = dict(
            session.execute(select(TicketRow.id, TicketRow.mpp_code).where(TicketRow.id.in_(ticket_ids))).all()  # type: ignore[arg-type]
        )
    if handoff_ids:
        handoff_mpp = dict(
            session.execute(select(HandoffRow.id, HandoffRow.mpp_code).where(HandoffRow.id.in_(handoff_ids))).all()  # type: ignore[arg-type]
        )
    out: list[DeadLetter] = []
    for r in rows:
        mpp = booking_mpp.get(r.booking_id) if r.booking_id is not None else None
        ticket, handoff = _key_id(r.dedupe_key, "ticket"), _key_id(r.dedupe_key, "handoff")
        mpp = mpp or (ticket_mpp.get(ticket) if ticket is not None else None)
        mpp = mpp or (handoff_mpp.get(handoff) if handoff is not None else None)
        out.append(DeadLetter(r.id, r.chat_id.split(":", 1)[0], r.kind, r.last_error or "", r.created_at, mpp))
    return out
