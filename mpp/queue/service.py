"""Today's queue: check-in, walk-in tickets, and what staff do at the counter.

Each call is one unit of work; the rules live on ``Ticket``, and the notifications and
the booking's status follow from the ticket's events, committed with the change.
Calls at one agency's counters are serialised (an advisory lock on PostgreSQL, BEGIN
IMMEDIATE on SQLite), so two counters never call the same ticket.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from mpp.catalogue.model import Catalogue, Mpp
from mpp.clock import Clock, system_clock, utc_now
from mpp.numbering import queue_number
from mpp.queue.model import QueueError, Ticket, TicketKind, TicketStatus, TicketView
from mpp.queue.ordering import Waiting, estimate_wait, in_order, minutes_per_ticket
from mpp.queue.ports import QueueUnitOfWork, QueueUnitOfWorkFactory

__all__ = ["QueueError", "QueueService", "Staff", "TicketView"]

AWAY_DEFAULT = 3
OPEN_COUNTER_WINDOW = timedelta(minutes=30)  # a counter that called someone this recently is open
DONE_SHOWN = 10


@dataclass(frozen=True)
class Staff:
    id: int
    mpp_code: str
    agency_code: str
    counter_code: str | None


def _waiting(t: Ticket) -> Waiting:
    assert t.id is not None
    return Waiting(t.id, t.issued_at, t.priority, t.slot_start, t.target_counter)


class QueueService:
    def __init__(
        self,
        uow: QueueUnitOfWorkFactory,
        catalogue: Callable[[], Catalogue],
        clock: Clock = system_clock,
        away_threshold: int = AWAY_DEFAULT,
    ):
        self._uow, self._catalogue, self._clock, self.away_threshold = uow, catalogue, clock, away_threshold

    def _now(self) -> datetime:
        return utc_now(self._clock)

    def _mpp(self, code: str) -> Mpp:
        mpp = self._catalogue().mpp(code)
        if mpp is None:
            raise QueueError(f"unknown MPP {code}")
        return mpp

    def _local(self, mpp_code: str, now: datetime) -> datetime:
        return now.astimezone(ZoneInfo(self._mpp(mpp_code).timezone))

    def today(self, mpp_code: str) -> date:
        return self._local(mpp_code, self._now()).date()

    def _floor(self, mpp_code: str, counter: str | None) -> str:
        found = self._mpp(mpp_code).counters.get(counter or "")
        return found.floor if found else "-"

    # ---- arrivals -------------------------------------------------------------------
    def check_in(self, mpp_code: str, code: str) -> TicketView:
        """A booking arrives (QR or code at the kiosk, or typed by staff): it joins today's queue."""
        now = self._now()
        with self._uow(write=True) as uow:
            arrival = uow.arrivals.check_in(code, mpp_code, now)
            existing = uow.tickets.for_booking(arrival.booking_id)
            if existing is not None:
                return TicketView.of(existing)  # scanned twice
            offering = self._catalogue().offering(mpp_code, arrival.service_code)
            if offering is None:
                raise QueueError("Layanan ini tidak lagi tersedia di MPP ini.")
            ticket = Ticket(
                id=None,
                mpp_code=mpp_code,
                agency_code=offering.agency_code,
                service_code=arrival.service_code,
                day=arrival.day,
                number=arrival.number,
                kind=TicketKind.BOOKING,
                issued_at=now,
                booking_id=arrival.booking_id,
                slot_start=arrival.slot_start,
                chat_id=arrival.chat_id,
            )
            uow.tickets.add(ticket)
            self._tell_the_near(uow, mpp_code, offering.agency_code, now)
            uow.commit()
            return TicketView.of(ticket)

    def issue_walk_in(
        self, mpp_code: str, service_code: str, priority: bool = False, staff: Staff | None = None
    ) -> TicketView:
        offering = self._catalogue().offering(mpp_code, service_code)
        if offering is None:
            raise QueueError("Layanan ini tidak tersedia di MPP ini.")
        if not self._catalogue().present(mpp_code, service_code):
            raise QueueError("Layanan ini belum dilayani di MPP ini (kehadiran loket instansinya belum terverifikasi).")
        if staff is not None and staff.agency_code != offering.agency_code:
            raise QueueError("Layanan ini milik instansi lain.")
        now, day = self._now(), self.today(mpp_code)
        with self._uow(write=True) as uow:
            number = uow.numbers.next(mpp_code, offering.queue_prefix, day)
            ticket = Ticket(
                id=None,
                mpp_code=mpp_code,
                agency_code=offering.agency_code,
                service_code=service_code,
                day=day,
                number=queue_number(offering.queue_prefix, number),
                kind=TicketKind.WALK_IN,
                issued_at=now,
                priority=priority,
            )
            uow.tickets.add(ticket)
            detail = f"{service_code}{' prioritas' if priority else ''}"
            uow.audit(staff.id if staff else None, mpp_code, "walk_in", ticket.id, detail, now)
            uow.commit()
            return TicketView.of(ticket)

    # ---- at the counter ---------------------------------------------------------------
    def call_next(self, staff: Staff) -> TicketView | None:
        if not staff.counter_code:
            raise QueueError("Pilih loket Anda dulu.")
        now = self._now()
        with self._uow(write=True) as uow:
            uow.serialize(f"queue:{staff.mpp_code}:{staff.agency_code}")
            waiting = uow.tickets.waiting(staff.mpp_code, staff.agency_code, self.today(staff.mpp_code))
            order = in_order([_waiting(t) for t in waiting], self._local(staff.mpp_code, now), staff.counter_code)
            if not order:
                return None
            ticket = next(t for t in waiting if t.id == order[0].id)
            ticket.call(staff.counter_code, self._floor(staff.mpp_code, staff.counter_code), now)
            self._tell_the_near(uow, staff.mpp_code, staff.agency_code, now)
            uow.audit(staff.id, staff.mpp_code, "call", ticket.id, f"loket {staff.counter_code}", now)
            uow.commit()
            return TicketView.of(ticket)

    def _at_counter(
        self, staff: Staff, ticket_id: int, action: str, change: Callable[[Ticket, datetime], None]
    ) -> TicketView:
        now = self._now()
        with self._uow(write=True) as uow:
            ticket = self._own(uow, staff, ticket_id)
            change(ticket, now)
            detail = f"ke loket {ticket.target_counter}" if action == "transfer" else None
            uow.audit(staff.id, staff.mpp_code, action, ticket.id, detail, now)
            uow.commit()
            return TicketView.of(ticket)

    def recall(self, staff: Staff, ticket_id: int) -> TicketView:
        return self._at_counter(
            staff, ticket_id, "recall", lambda t, now: t.recall(self._floor(t.mpp_code, t.counter_code), now)
        )

    def no_show(self, staff: Staff, ticket_id: int) -> TicketView:
        return self._at_counter(staff, ticket_id, "no_show", lambda t, now: t.mark_no_show(now))

    def served(self, staff: Staff, ticket_id: int) -> TicketView:
        return self._at_counter(staff, ticket_id, "served", lambda t, now: t.serve(now))

    def transfer(self, staff: Staff, ticket_id: int, counter_code: str) -> TicketView:
        counter = self._mpp(staff.mpp_code).counters.get(counter_code)
        if counter is None:
            raise QueueError(f"Loket {counter_code} tidak ada.")
        return self._at_counter(
            staff,
            ticket_id,
            "transfer",
            lambda t, now: t.transfer(counter_code, counter.agency_code, counter.floor, now),
        )

    # ---- views ------------------------------------------------------------------------
    def queue(self, mpp_code: str, agency_code: str, counter: str | None = None) -> dict[str, list[TicketView]]:
        now, today = self._now(), self.today(mpp_code)
        with self._uow() as uow:
            waiting = uow.tickets.waiting(mpp_code, agency_code, today)
            order = [w.id for w in in_order([_waiting(t) for t in waiting], self._local(mpp_code, now), counter)]
            by_id = {t.id: t for t in waiting}
            return {
                "waiting": [TicketView.of(by_id[i]) for i in order],
                "called": [TicketView.of(t) for t in uow.tickets.called(mpp_code, agency_code, today)],
                "done": [TicketView.of(t) for t in uow.tickets.finished(mpp_code, agency_code, today, DONE_SHOWN)],
            }

    def hall(self, mpp_code: str) -> tuple[date, list[Ticket]]:
        """Today's date at the MPP and its tickets waiting or called at a counter (the display board, one query)."""
        day = self.today(mpp_code)
        with self._uow() as uow:
            return day, uow.tickets.hall_today(mpp_code, day)

    def position(self, chat_id: str) -> list[tuple[TicketView, int, float]]:
        """For a citizen: each of today's tickets, how many are ahead, and the estimated minutes."""
        now = self._now()
        with self._uow() as uow:
            out = []
            for t in uow.tickets.open_for_chat(chat_id):
                if t.day != self.today(t.mpp_code):
                    continue
                if t.status is TicketStatus.CALLED:
                    out.append((TicketView.of(t), 0, 0.0))
                    continue
                ahead, minutes = self._ahead(uow, t, now)
                out.append((TicketView.of(t), ahead, minutes))
            return out

    def estimate(self, ticket_id: int) -> tuple[int, float]:
        """(people ahead, estimated minutes until called) for one waiting ticket."""
        with self._uow() as uow:
            ticket = uow.tickets.get(ticket_id)
            if ticket is None or ticket.status is not TicketStatus.WAITING:
                return 0, 0.0
            return self._ahead(uow, ticket, self._now())

    # ---- internals --------------------------------------------------------------------
    def _own(self, uow: QueueUnitOfWork, staff: Staff, ticket_id: int) -> Ticket:
        ticket = uow.tickets.get(ticket_id, lock=True)
        if ticket is None or ticket.mpp_code != staff.mpp_code or ticket.agency_code != staff.agency_code:
            raise QueueError("Nomor ini bukan antrean instansi Anda.")
        return ticket

    def _ahead(self, uow: QueueUnitOfWork, ticket: Ticket, now: datetime) -> tuple[int, float]:
        waiting = uow.tickets.waiting(ticket.mpp_code, ticket.agency_code, ticket.day)
        local = self._local(ticket.mpp_code, now)
        order = [w.id for w in in_order([_waiting(t) for t in waiting], local, ticket.target_counter)]
        ahead = order.index(ticket.id) if ticket.id in order else len(order)
        offering = self._catalogue().offering(ticket.mpp_code, ticket.service_code)
        per_ticket = minutes_per_ticket(
            uow.tickets.service_minutes(ticket.mpp_code, ticket.service_code, ticket.day),
            float(offering.slot_minutes if offering else 15),
        )
        counters = uow.tickets.counters_calling_since(
            ticket.mpp_code, ticket.agency_code, ticket.day, now - OPEN_COUNTER_WINDOW
        )
        return ahead, estimate_wait(ahead, per_ticket, max(1, counters))

    def _tell_the_near(self, uow: QueueUnitOfWork, mpp_code: str, agency_code: str, now: datetime) -> None:
        """Everyone now N or fewer places from their turn is told (once per ticket)."""
        waiting = uow.tickets.waiting(mpp_code, agency_code, self.today(mpp_code))
        order = [w.id for w in in_order([_waiting(t) for t in waiting], self._local(mpp_code, now))]
        by_id = {t.id: t for t in waiting}
        for ahead, ticket_id in enumerate(order[: self.away_threshold + 1]):
            ticket = by_id[ticket_id]
            if ticket.chat_id and not ticket.away_notified:
                ticket.approaching(ahead, self._ahead(uow, ticket, now)[1])
