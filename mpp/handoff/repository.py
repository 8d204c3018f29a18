"""The handoff tables in SQL: rows to ``Handoff`` views, and every state change as a conditional UPDATE.

A change of state names the states it may start from (and, for staff actions, who may make
it); the UPDATE's row count says whether this request won. Two staff pressing "Ambil" at once,
the sweep and the REST channel expiring the same chat, a double-submitted form: exactly one
wins, on SQLite and PostgreSQL alike, without holding locks across a round trip.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from mpp.db.handoff_tables import HandoffDutyRow, HandoffMessageRow, HandoffRow
from mpp.db.queue_tables import OutageRow
from mpp.db.sql import aware
from mpp.db.staff_tables import StaffRow
from mpp.handoff.model import Author, EndedBy, Handoff, Status
from mpp.privacy import Crypto


def view(row: HandoffRow) -> Handoff:
    return Handoff(
        id=int(row.id),
        sender=row.sender,
        mpp_code=row.mpp_code,
        agency_code=row.agency_code,
        service_code=row.service_code,
        topic=row.topic,
        status=Status(row.status),
        staff_id=row.staff_id,
        created_at=aware(row.created_at),  # type: ignore[arg-type]
        queued_at=aware(row.queued_at),
        claimed_at=aware(row.claimed_at),
        last_staff_at=aware(row.last_staff_at),
        last_citizen_at=aware(row.last_citizen_at),
        ended_at=aware(row.ended_at),
        ended_reason=EndedBy(row.ended_reason) if row.ended_reason else None,
    )


_STATUS_OF = select(HandoffRow.status).where(HandoffRow.open_sender == bindparam("sender"))


def open_status(connection: Connection, sender: str) -> Status | None:
    """The state of the chat's open handoff, on a bare connection: the REST channel asks on every turn,
    and an ORM session around the same SELECT would cost a Rasa worker several times the CPU."""
    status = connection.execute(_STATUS_OF, {"sender": sender}).scalar_one_or_none()
    return Status(status) if status else None


def open_for(session: Session, sender: str) -> Handoff | None:
    row = session.execute(select(HandoffRow).where(HandoffRow.open_sender == sender)).scalar_one_or_none()
    return view(row) if row is not None else None


def get(session: Session, handoff_id: int) -> Handoff | None:
    row = session.get(HandoffRow, handoff_id)
    return view(row) if row is not None else None


def create(
    session: Session,
    sender: str,
    mpp_code: str,
    agency_code: str | None,
    service_code: str | None,
    topic: str | None,
    status: Status,
    now: datetime,
) -> int:
    row = HandoffRow(
        sender=sender,
        open_sender=sender,
        mpp_code=mpp_code,
        agency_code=agency_code,
        service_code=service_code,
        topic=topic,
        status=status.value,
        created_at=now,
        queued_at=now if status is Status.WAITING else None,
    )
    session.add(row)
    session.flush()
    return int(row.id)


def transition(session: Session, handoff_id: int, start: Iterable[Status], *conditions: Any, **values: Any) -> bool:
    """Move one handoff out of one of the ``start`` states (if ``conditions`` hold too); True if this call did."""
    if values.get("status") in (Status.ENDED, Status.ENDED.value):
        values["open_sender"] = None
    values = {k: (v.value if isinstance(v, (Status, EndedBy)) else v) for k, v in values.items()}
    result = session.execute(
        update(HandoffRow)
        .where(HandoffRow.id == handoff_id, HandoffRow.status.in_([s.value for s in start]), *conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0) == 1


def add_line(
    session: Session,
    crypto: Crypto,
    handoff_id: int,
    author: Author,
    text: str,
    now: datetime,
    staff_id: int | None = None,
    source_key: str | None = None,
) -> int | None:
    """Store one transcript line, encrypted; None when ``source_key`` was stored before (a redelivery)."""
    values = {
        "handoff_id": handoff_id,
        "author": author.value,
        "staff_id": staff_id,
        "body_encrypted": crypto.encrypt(text),
        "source_key": source_key,
        "created_at": now,
    }
    if source_key is None:
        row = HandoffMessageRow(**values)
        session.add(row)
        session.flush()
        return int(row.id)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    result = session.execute(
        insert(HandoffMessageRow).values(**values).on_conflict_do_nothing(index_elements=["source_key"])
    )
    if not result.rowcount:
        return None
    return int(
        session.execute(select(HandoffMessageRow.id).where(HandoffMessageRow.source_key == source_key)).scalar_one()
    )


def lines(session: Session, handoff_id: int, after: int = 0) -> list[tuple[int, str, str, datetime, str | None]]:
    """(id, author, encrypted body, at, staff display name), oldest first."""
    rows = session.execute(
        select(
            HandoffMessageRow.id,
            HandoffMessageRow.author,
            HandoffMessageRow.body_encrypted,
            HandoffMessageRow.created_at,
            StaffRow.display_name,
        )
        .outerjoin(StaffRow, StaffRow.id == HandoffMessageRow.staff_id)
        .where(HandoffMessageRow.handoff_id == handoff_id, HandoffMessageRow.id > after)
        .order_by(HandoffMessageRow.id)
    ).all()
    return [(int(i), a, b, aware(at), name) for i, a, b, at, name in rows]  # type: ignore[misc]


def _scope(mpp_code: str, agency_code: str | None) -> Any:
    """Handoffs a staff member of this agency (None: any agency, a supervisor) may take."""
    clauses = [HandoffRow.mpp_code == mpp_code]
    if agency_code is not None:
        clauses.append(or_(HandoffRow.agency_code.is_(None), HandoffRow.agency_code == agency_code))
    return and_(*clauses)


def queue(session: Session, mpp_code: str, agency_code: str | None, status: Status) -> list[Handoff]:
    """Chats in ``status`` this staff member may take, oldest first."""
    rows = session.execute(
        select(HandoffRow)
        .where(_scope(mpp_code, agency_code), HandoffRow.status == status.value)
        .order_by(HandoffRow.queued_at, HandoffRow.id)
    ).scalars()
    return [view(r) for r in rows]


def held(session: Session, mpp_code: str, agency_code: str | None) -> list[tuple[Handoff, str | None]]:
    """Chats held by someone now, with the holder's display name."""
    rows = session.execute(
        select(HandoffRow, StaffRow.display_name)
        .outerjoin(StaffRow, StaffRow.id == HandoffRow.staff_id)
        .where(_scope(mpp_code, agency_code), HandoffRow.status == Status.ACTIVE.value)
        .order_by(HandoffRow.claimed_at, HandoffRow.id)
    ).all()
    return [(view(r), name) for r, name in rows]


def ended_since(session: Session, staff_id: int, since: datetime) -> list[Handoff]:
    rows = session.execute(
        select(HandoffRow)
        .where(HandoffRow.staff_id == staff_id, HandoffRow.status == Status.ENDED.value, HandoffRow.ended_at >= since)
        .order_by(HandoffRow.ended_at.desc())
        .limit(20)
    ).scalars()
    return [view(r) for r in rows]


def ahead_of(session: Session, h: Handoff) -> int:
    """Waiting chats the same staff would take before this one."""
    if h.queued_at is None:
        return 0
    scope = [HandoffRow.mpp_code == h.mpp_code]
    if h.agency_code is not None:
        scope.append(or_(HandoffRow.agency_code.is_(None), HandoffRow.agency_code == h.agency_code))
    earlier = or_(HandoffRow.queued_at < h.queued_at, and_(HandoffRow.queued_at == h.queued_at, HandoffRow.id < h.id))
    return int(
        session.execute(
            select(func.count())
            .select_from(HandoffRow)
            .where(*scope, HandoffRow.status == Status.WAITING.value, earlier)
        ).scalar_one()
    )


def waiting_count(session: Session, mpp_code: str, agency_code: str | None) -> int:
    scope = [HandoffRow.mpp_code == mpp_code]
    if agency_code is not None:
        scope.append(or_(HandoffRow.agency_code.is_(None), HandoffRow.agency_code == agency_code))
    return int(
        session.execute(
            select(func.count()).select_from(HandoffRow).where(*scope, HandoffRow.status == Status.WAITING.value)
        ).scalar_one()
    )


# ---- who is on duty ----------------------------------------------------------------------
def seen(session: Session, staff_id: int, mpp_code: str, agency_code: str | None, now: datetime) -> None:
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(HandoffDutyRow).values(
        staff_id=staff_id, mpp_code=mpp_code, agency_code=agency_code, seen_at=now
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["staff_id"], set_={"mpp_code": mpp_code, "agency_code": agency_code, "seen_at": now}
        )
    )


def off_duty(session: Session, staff_id: int) -> None:
    session.execute(delete(HandoffDutyRow).where(HandoffDutyRow.staff_id == staff_id))


def on_duty(session: Session, mpp_code: str, agency_code: str | None, since: datetime) -> list[int]:
    """Staff seen since ``since`` who could take a chat of this agency (supervisors take any)."""
    query = select(HandoffDutyRow.staff_id).where(HandoffDutyRow.mpp_code == mpp_code, HandoffDutyRow.seen_at >= since)
    if agency_code is not None:
        query = query.where(or_(HandoffDutyRow.agency_code.is_(None), HandoffDutyRow.agency_code == agency_code))
    return [int(s) for s in session.execute(query).scalars()]


def busy(session: Session, staff_ids: Sequence[int]) -> set[int]:
    if not staff_ids:
        return set()
    rows = session.execute(
        select(HandoffRow.staff_id).where(
            HandoffRow.staff_id.in_(list(staff_ids)), HandoffRow.status == Status.ACTIVE.value
        )
    ).scalars()
    return {int(s) for s in rows}


def median_handling_minutes(session: Session, mpp_code: str, since: datetime, size: int, minimum: int) -> float | None:
    """The median time staff held a chat, over the latest ``size`` ended ones since ``since``; None under ``minimum``."""
    rows = session.execute(
        select(HandoffRow.claimed_at, HandoffRow.ended_at)
        .where(
            HandoffRow.mpp_code == mpp_code,
            HandoffRow.status == Status.ENDED.value,
            HandoffRow.claimed_at.is_not(None),
            HandoffRow.ended_at >= since,
            HandoffRow.ended_reason.in_([EndedBy.STAFF.value, EndedBy.CITIZEN.value]),
        )
        .order_by(HandoffRow.ended_at.desc())
        .limit(size)
    ).all()
    durations = [(aware(end) - aware(start)).total_seconds() / 60 for start, end in rows]  # type: ignore[operator]
    return statistics.median(durations) if len(durations) >= minimum else None


def whole_mpp_outages(session: Session, mpp_code: str, first: date, last: date) -> dict[date, str]:
    rows = session.execute(
        select(OutageRow.day, OutageRow.reason).where(
            OutageRow.mpp_code == mpp_code, OutageRow.service_code.is_(None), OutageRow.day.between(first, last)
        )
    ).all()
    return {day: reason for day, reason in rows}


# ---- time-outs ------------------------------------------------------------------------------
def stale(session: Session, status: Status, before: datetime) -> list[Handoff]:
    column = {
        Status.ACTIVE: func.coalesce(HandoffRow.last_staff_at, HandoffRow.claimed_at),
        Status.WAITING: HandoffRow.queued_at,
        Status.COMPOSING: HandoffRow.created_at,
    }[status]
    rows = session.execute(select(HandoffRow).where(HandoffRow.status == status.value, column < before)).scalars()
    return [view(r) for r in rows]


def all_waiting(session: Session) -> list[Handoff]:
    return [
        view(r) for r in session.execute(select(HandoffRow).where(HandoffRow.status == Status.WAITING.value)).scalars()
    ]
