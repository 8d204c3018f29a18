"""The notifier's dead letters, as a staff member may see them: their own MPP's only.

A notification carries no MPP of its own; it is traced through its booking (``booking_id``)
or, for the queue's messages, through the ticket named in its dedupe key
(``ticket:<id>:…``, see ``mpp.queue.service``). One that traces to no MPP is shown to
national administrators only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mpp.db.booking_tables import BookingRow
from mpp.db.queue_tables import NotificationRow, TicketRow
from mpp.staff.roles import Permission, StaffMember, authorize, mpp_scope

SCAN = 1000  # newest dead letters looked at; the page shows at most ``limit`` of those in scope


@dataclass(frozen=True)
class DeadLetter:
    id: int
    channel: str  # "telegram", "whatsapp", "console": never the chat id itself
    kind: str
    error: str
    created_at: datetime
    mpp_code: str | None


def _ticket_id(dedupe_key: str) -> int | None:
    parts = dedupe_key.split(":")
    if len(parts) >= 2 and parts[0] == "ticket" and parts[1].isdigit():
        return int(parts[1])
    return None


def dead_letters_for(session: Session, staff: StaffMember, limit: int = 100) -> list[DeadLetter]:
    authorize(staff, Permission.VIEW_DEAD_LETTERS)
    rows = list(
        session.execute(
            select(NotificationRow)
            .where(NotificationRow.status == "dead")
            .order_by(NotificationRow.id.desc())
            .limit(SCAN)
        ).scalars()
    )
    booking_ids = {r.booking_id for r in rows if r.booking_id is not None}
    ticket_ids = {t for r in rows if (t := _ticket_id(r.dedupe_key)) is not None}
    booking_mpp: dict[int, str] = {}
    ticket_mpp: dict[int, str] = {}
    if booking_ids:
        booking_mpp = dict(
            session.execute(select(BookingRow.id, BookingRow.mpp_code).where(BookingRow.id.in_(booking_ids))).all()  # type: ignore[arg-type]
        )
    if ticket_ids:
        ticket_mpp = dict(
            session.execute(select(TicketRow.id, TicketRow.mpp_code).where(TicketRow.id.in_(ticket_ids))).all()  # type: ignore[arg-type]
        )
    scope = mpp_scope(staff)
    out: list[DeadLetter] = []
    for r in rows:
        ticket = _ticket_id(r.dedupe_key)
        mpp = booking_mpp.get(r.booking_id) if r.booking_id is not None else None
        mpp = mpp or (ticket_mpp.get(ticket) if ticket is not None else None)
        if scope is not None and mpp != scope:
            continue
        out.append(DeadLetter(r.id, r.chat_id.split(":", 1)[0], r.kind, r.last_error or "", r.created_at, mpp))
        if len(out) >= limit:
            break
    return out
