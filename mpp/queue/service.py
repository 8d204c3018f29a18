"""Today's queue: check-in, walk-in tickets, and what staff do at the counter.

Every state change and the notifications it causes commit together (see
``outbox``). Calls at one agency's counters are serialised (an advisory lock on
PostgreSQL, BEGIN IMMEDIATE on SQLite), so two counters never call the same ticket.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mpp.booking import repository as booking_repo
from mpp.booking.codes import normalize_code, queue_number
from mpp.catalogue.model import Catalogue, Mpp
from mpp.db.booking_tables import BookingRow
from mpp.db.queue_tables import TicketRow
from mpp.db.staff_tables import AuditRow
from mpp.db.uow import UnitOfWork
from mpp.queue import messages, outbox
from mpp.queue.ordering import Waiting, estimate_wait, in_order, minutes_per_ticket

GRACE = timedelta(minutes=3)  # a called ticket may be marked no-show only after this, and after one recall
AWAY_DEFAULT = 3


@dataclass(frozen=True)
class Staff:
    id: int
    mpp_code: str
    agency_code: str
    counter_code: str | None


@dataclass(frozen=True)
class Ticket:
    id: int
    mpp_code: str
    agency_code: str
    service_code: str
    number: str
    kind: str
    status: str
    priority: bool
    counter_code: str | None
    target_counter: str | None
    recall_count: int
    issued_at: datetime
    called_at: datetime | None
    slot_start: str | None
    chat_id: str | None


class QueueError(Exception):
    """A request the queue cannot honour; the message is for staff (or the kiosk screen)."""


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


def _ticket(row: TicketRow) -> Ticket:
    return Ticket(
        row.id,
        row.mpp_code,
        row.agency_code,
        row.service_code,
        row.number,
        row.kind,
        row.status,
        row.priority,
        row.counter_code,
        row.target_counter,
        row.recall_count,
        _aware(row.issued_at),  # type: ignore[arg-type]
        _aware(row.called_at),
        row.slot_start.strftime("%H:%M") if row.slot_start else None,
        row.chat_id,
    )


class QueueService:
    def __init__(
        self,
        session_factory: Callable[[], Session],
        catalogue: Callable[[], Catalogue],
        now: Callable[[], datetime] = utc_now,
        away_threshold: int = AWAY_DEFAULT,
    ):
        self._sessions, self._catalogue, self.away_threshold = session_factory, catalogue, away_threshold
        self._clock = now

    def _now(self) -> datetime:
        # Stored times are UTC: SQLite keeps no time zone, so mixing zones would shift them.
        return self._clock().astimezone(timezone.utc)

    def _uow(self, write: bool = False) -> UnitOfWork:
        return UnitOfWork(self._sessions, write=write)

    def _mpp(self, code: str) -> Mpp:
        mpp = self._catalogue().mpp(code)
        if mpp is None:
            raise QueueError(f"unknown MPP {code}")
        return mpp

    def today(self, mpp_code: str) -> date:
        return self._now().astimezone(ZoneInfo(self._mpp(mpp_code).timezone)).date()

    # ---- arrivals -----------------------------------------------------------------
    def check_in(self, mpp_code: str, code: str) -> Ticket:
        """A booking arrives (QR or code at the kiosk, or typed by staff): it joins today's queue."""
        cat, now = self._catalogue(), self._now()
        with self._uow(write=True) as uow:
            s = uow.session
            booking = booking_repo.by_code(s, normalize_code(code))
            if booking is None or booking.mpp_code != mpp_code:
                raise QueueError("Kode booking tidak ditemukan di MPP ini.")
            existing = s.execute(select(TicketRow).where(TicketRow.booking_id == booking.id)).scalar_one_or_none()
            if existing is not None:
                return _ticket(existing)  # scanned twice
            if booking.status != "active":
                raise QueueError("Antrean ini sudah tidak aktif (dibatalkan atau sudah dilayani).")
            if booking.day != self.today(mpp_code):
                raise QueueError(f"Jadwal antrean ini bukan hari ini (jadwal: {booking.day.isoformat()}).")
            offering = cat.offering(mpp_code, booking.service_code)
            if offering is None:
                raise QueueError("Layanan ini tidak lagi tersedia di MPP ini.")
            row = TicketRow(
                mpp_code=mpp_code,
                agency_code=offering.agency_code,
                service_code=booking.service_code,
                day=booking.day,
                number=booking.queue_number,
                kind="booking",
                booking_id=booking.id,
                priority=False,
                status="waiting",
                slot_start=booking.start,
                issued_at=now,
                chat_id=booking.chat_id,
            )
            s.add(row)
            booking.status = "checked_in"
            s.flush()
            self._notify_away(s, mpp_code, offering.agency_code, now)
            ticket = _ticket(row)
            uow.commit()
            return ticket

    def issue_walk_in(
        self, mpp_code: str, service_code: str, priority: bool = False, staff: Staff | None = None
    ) -> Ticket:
        cat, now = self._catalogue(), self._now()
        offering = cat.offering(mpp_code, service_code)
        if offering is None:
            raise QueueError("Layanan ini tidak tersedia di MPP ini.")
        if staff is not None and staff.agency_code != offering.agency_code:
            raise QueueError("Layanan ini milik instansi lain.")
        day = self.today(mpp_code)
        with self._uow(write=True) as uow:
            s = uow.session
            number = booking_repo.next_queue_number(s, mpp_code, offering.queue_prefix, day)
            row = TicketRow(
                mpp_code=mpp_code,
                agency_code=offering.agency_code,
                service_code=service_code,
                day=day,
                number=queue_number(offering.queue_prefix, number),
                kind="walk_in",
                priority=priority,
                status="waiting",
                issued_at=now,
            )
            s.add(row)
            s.flush()
            self._audit(s, staff, mpp_code, "walk_in", row.id, f"{service_code}{' prioritas' if priority else ''}")
            ticket = _ticket(row)
            uow.commit()
            return ticket

    # ---- at the counter -----------------------------------------------------------
    def call_next(self, staff: Staff) -> Ticket | None:
        if not staff.counter_code:
            raise QueueError("Pilih loket Anda dulu.")
        now = self._now()
        with self._uow(write=True) as uow:
            s = uow.session
            booking_repo.serialize(s, f"queue:{staff.mpp_code}:{staff.agency_code}")
            rows = self._waiting_rows(s, staff.mpp_code, staff.agency_code)
            order = in_order([self._waiting(r) for r in rows], self._local(staff.mpp_code, now), staff.counter_code)
            if not order:
                return None
            row = next(r for r in rows if r.id == order[0].id)
            row.status, row.counter_code, row.called_at, row.target_counter = "called", staff.counter_code, now, None
            self._set_booking(s, row, "called")
            self._notify_called(s, row, now)
            self._notify_away(s, staff.mpp_code, staff.agency_code, now)
            self._audit(s, staff, staff.mpp_code, "call", row.id, f"loket {staff.counter_code}")
            ticket = _ticket(row)
            uow.commit()
            return ticket

    def recall(self, staff: Staff, ticket_id: int) -> Ticket:
        now = self._now()
        with self._uow(write=True) as uow:
            row = self._own(uow.session, staff, ticket_id)
            if row.status != "called":
                raise QueueError("Hanya nomor yang sedang dipanggil yang bisa dipanggil ulang.")
            if row.recall_count >= 1:
                raise QueueError("Nomor ini sudah dipanggil ulang sekali; tandai tidak hadir bila belum datang.")
            row.recall_count += 1
            row.called_at = now
            self._notify_called(uow.session, row, now)
            self._audit(uow.session, staff, staff.mpp_code, "recall", row.id, None)
            ticket = _ticket(row)
            uow.commit()
            return ticket

    def no_show(self, staff: Staff, ticket_id: int) -> Ticket:
        now = self._now()
        with self._uow(write=True) as uow:
            row = self._own(uow.session, staff, ticket_id)
            if row.status != "called":
                raise QueueError("Hanya nomor yang sedang dipanggil yang bisa ditandai tidak hadir.")
            if row.recall_count < 1:
                raise QueueError("Panggil ulang sekali dulu sebelum menandai tidak hadir.")
            if now - _aware(row.called_at) < GRACE:  # type: ignore[operator]
                raise QueueError(f"Tunggu {int(GRACE.total_seconds() // 60)} menit setelah panggilan ulang.")
            row.status, row.finished_at = "no_show", now
            self._set_booking(uow.session, row, "no_show")
            outbox.add(
                uow.session,
                chat_id=row.chat_id,
                kind="no_show",
                text=messages.no_show(row.number),
                dedupe_key=f"ticket:{row.id}:no_show",
                now=now,
            )
            self._audit(uow.session, staff, staff.mpp_code, "no_show", row.id, None)
            ticket = _ticket(row)
            uow.commit()
            return ticket

    def served(self, staff: Staff, ticket_id: int) -> Ticket:
        now = self._now()
        with self._uow(write=True) as uow:
            row = self._own(uow.session, staff, ticket_id)
            if row.status != "called":
                raise QueueError("Hanya nomor yang sedang dipanggil yang bisa ditandai selesai.")
            row.status, row.finished_at = "served", now
            self._set_booking(uow.session, row, "served")
            self._audit(uow.session, staff, staff.mpp_code, "served", row.id, None)
            ticket = _ticket(row)
            uow.commit()
            return ticket

    def transfer(self, staff: Staff, ticket_id: int, counter_code: str) -> Ticket:
        mpp = self._mpp(staff.mpp_code)
        counter = mpp.counters.get(counter_code)
        if counter is None:
            raise QueueError(f"Loket {counter_code} tidak ada.")
        now = self._now()
        with self._uow(write=True) as uow:
            row = self._own(uow.session, staff, ticket_id)
            if row.status not in ("called", "waiting"):
                raise QueueError("Nomor ini sudah selesai.")
            row.status, row.target_counter, row.counter_code, row.agency_code = (
                "waiting",
                counter_code,
                None,
                counter.agency_code,
            )
            outbox.add(
                uow.session,
                chat_id=row.chat_id,
                kind="transfer",
                now=now,
                text=messages.transferred(row.number, counter_code, counter.floor),
                dedupe_key=f"ticket:{row.id}:transfer:{counter_code}:{now.timestamp():.0f}",
            )
            self._audit(uow.session, staff, staff.mpp_code, "transfer", row.id, f"ke loket {counter_code}")
            ticket = _ticket(row)
            uow.commit()
            return ticket

    # ---- views --------------------------------------------------------------------
    def queue(self, mpp_code: str, agency_code: str, counter: str | None = None) -> dict[str, list[Ticket]]:
        now = self._now()
        with self._uow() as uow:
            s = uow.session
            rows = self._waiting_rows(s, mpp_code, agency_code)
            order = [w.id for w in in_order([self._waiting(r) for r in rows], self._local(mpp_code, now), counter)]
            by_id = {r.id: r for r in rows}
            today = self.today(mpp_code)
            called = s.execute(
                select(TicketRow)
                .where(
                    TicketRow.mpp_code == mpp_code,
                    TicketRow.agency_code == agency_code,
                    TicketRow.day == today,
                    TicketRow.status == "called",
                )
                .order_by(TicketRow.called_at)
            ).scalars()
            done = s.execute(
                select(TicketRow)
                .where(
                    TicketRow.mpp_code == mpp_code,
                    TicketRow.agency_code == agency_code,
                    TicketRow.day == today,
                    TicketRow.status.in_(("served", "no_show")),
                )
                .order_by(TicketRow.finished_at.desc())
                .limit(10)
            ).scalars()
            return {
                "waiting": [_ticket(by_id[i]) for i in order],
                "called": [_ticket(r) for r in called],
                "done": [_ticket(r) for r in done],
            }

    def board(self, mpp_code: str) -> list[tuple[str, str, datetime]]:
        """(counter, number, called at) of the latest call at each counter today, newest first."""
        today = self.today(mpp_code)
        with self._uow() as uow:
            rows = uow.session.execute(
                select(TicketRow).where(
                    TicketRow.mpp_code == mpp_code,
                    TicketRow.day == today,
                    TicketRow.called_at.is_not(None),
                    TicketRow.counter_code.is_not(None),
                )
            ).scalars()
            latest: dict[str, TicketRow] = {}
            for row in rows:
                if row.counter_code not in latest or _aware(row.called_at) > _aware(latest[row.counter_code].called_at):  # type: ignore[operator]
                    latest[row.counter_code] = row
            board = [(c, r.number, _aware(r.called_at)) for c, r in latest.items()]
            return sorted(board, key=lambda b: b[2], reverse=True)  # type: ignore[arg-type, return-value]

    def position(self, chat_id: str) -> list[tuple[Ticket, int, float]]:
        """For a citizen: each of today's tickets, how many are ahead, and the estimated minutes."""
        now = self._now()
        with self._uow() as uow:
            s = uow.session
            mine = (
                s.execute(
                    select(TicketRow).where(TicketRow.chat_id == chat_id, TicketRow.status.in_(("waiting", "called")))
                )
                .scalars()
                .all()
            )
            out = []
            for row in mine:
                if row.day != self.today(row.mpp_code):
                    continue
                if row.status == "called":
                    out.append((_ticket(row), 0, 0.0))
                    continue
                ahead, minutes = self._ahead(s, row, now)
                out.append((_ticket(row), ahead, minutes))
            return out

    def estimate(self, ticket_id: int) -> tuple[int, float]:
        """(people ahead, estimated minutes until called) for one waiting ticket."""
        with self._uow() as uow:
            row = uow.session.get(TicketRow, ticket_id)
            if row is None or row.status != "waiting":
                return 0, 0.0
            return self._ahead(uow.session, row, self._now())

    # ---- internals ----------------------------------------------------------------
    def _local(self, mpp_code: str, now: datetime) -> datetime:
        return now.astimezone(ZoneInfo(self._mpp(mpp_code).timezone))

    @staticmethod
    def _waiting(row: TicketRow) -> Waiting:
        return Waiting(row.id, _aware(row.issued_at), row.priority, row.slot_start, row.target_counter)  # type: ignore[arg-type]

    def _waiting_rows(self, s: Session, mpp_code: str, agency_code: str) -> list[TicketRow]:
        return list(
            s.execute(
                select(TicketRow).where(
                    TicketRow.mpp_code == mpp_code,
                    TicketRow.agency_code == agency_code,
                    TicketRow.day == self.today(mpp_code),
                    TicketRow.status == "waiting",
                )
            ).scalars()
        )

    def _own(self, s: Session, staff: Staff, ticket_id: int) -> TicketRow:
        row = s.get(TicketRow, ticket_id, with_for_update=s.get_bind().dialect.name == "postgresql")
        if row is None or row.mpp_code != staff.mpp_code or row.agency_code != staff.agency_code:
            raise QueueError("Nomor ini bukan antrean instansi Anda.")
        return row

    @staticmethod
    def _set_booking(s: Session, row: TicketRow, status: str) -> None:
        if row.booking_id is not None:
            booking = s.get(BookingRow, row.booking_id)
            if booking is not None:
                booking.status = status

    def _notify_called(self, s: Session, row: TicketRow, now: datetime) -> None:
        counter = self._mpp(row.mpp_code).counters.get(row.counter_code or "")
        floor = counter.floor if counter else "-"
        outbox.add(
            s,
            chat_id=row.chat_id,
            kind="called",
            now=now,
            text=messages.called(row.number, row.counter_code or "-", floor, recall=row.recall_count > 0),
            dedupe_key=f"ticket:{row.id}:called:{row.recall_count}:{row.counter_code}",
        )

    def _service_minutes(self, s: Session, row: TicketRow) -> float:
        """Mean service time today for this service at this MPP, measured from call to finish."""
        finished = s.execute(
            select(TicketRow.called_at, TicketRow.finished_at)
            .where(
                TicketRow.mpp_code == row.mpp_code,
                TicketRow.service_code == row.service_code,
                TicketRow.day == row.day,
                TicketRow.status == "served",
            )
            .order_by(TicketRow.finished_at)
        ).all()
        durations = [(_aware(f) - _aware(c)).total_seconds() / 60 for c, f in finished if c and f]  # type: ignore[operator]
        offering = self._catalogue().offering(row.mpp_code, row.service_code)
        return minutes_per_ticket(durations, float(offering.slot_minutes if offering else 15))

    def _open_counters(self, s: Session, row: TicketRow, now: datetime) -> int:
        """Counters of the agency that called someone in the last 30 minutes (at least one)."""
        count = s.execute(
            select(func.count(func.distinct(TicketRow.counter_code))).where(
                TicketRow.mpp_code == row.mpp_code,
                TicketRow.agency_code == row.agency_code,
                TicketRow.day == row.day,
                TicketRow.called_at >= now - timedelta(minutes=30),
            )
        ).scalar_one()
        return max(1, int(count))

    def _ahead(self, s: Session, row: TicketRow, now: datetime) -> tuple[int, float]:
        waiting = self._waiting_rows(s, row.mpp_code, row.agency_code)
        order = [
            w.id
            for w in in_order([self._waiting(r) for r in waiting], self._local(row.mpp_code, now), row.target_counter)
        ]
        ahead = order.index(row.id) if row.id in order else len(order)
        return ahead, estimate_wait(ahead, self._service_minutes(s, row), self._open_counters(s, row, now))

    def _notify_away(self, s: Session, mpp_code: str, agency_code: str, now: datetime) -> None:
        """Tell everyone who is now N or fewer places from their turn (once per ticket)."""
        waiting = self._waiting_rows(s, mpp_code, agency_code)
        order = [w.id for w in in_order([self._waiting(r) for r in waiting], self._local(mpp_code, now))]
        by_id = {r.id: r for r in waiting}
        for ahead, ticket_id in enumerate(order):
            row = by_id[ticket_id]
            if ahead > self.away_threshold:
                break
            if row.chat_id and not row.away_notified:
                _, minutes = self._ahead(s, row, now)
                outbox.add(
                    s,
                    chat_id=row.chat_id,
                    kind="away",
                    now=now,
                    dedupe_key=f"ticket:{row.id}:away",
                    text=messages.away(row.number, ahead, minutes),
                )
                row.away_notified = True

    @staticmethod
    def _audit(
        s: Session, staff: Staff | None, mpp_code: str, action: str, ticket_id: int | None, detail: str | None
    ) -> None:
        s.add(
            AuditRow(
                staff_id=staff.id if staff else None,
                mpp_code=mpp_code,
                action=action,
                ticket_id=ticket_id,
                detail=detail,
                at=utc_now(),
            )
        )
