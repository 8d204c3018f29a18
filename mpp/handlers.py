"""How bookings, the queue and the outbox learn from each other: the one place that knows them all.

``mpp.booking`` and ``mpp.queue`` never import each other. A booking's events become
reminders and notices in the outbox; a ticket's events become notices and move its
booking along (called, served, no-show); a booking arriving at the MPP reaches the queue
through ``BookingArrivals``. Every handler runs inside the unit of work that raised the
event, so its effects commit or roll back with the change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from mpp.booking import replies as booking_text
from mpp.booking.codes import normalize_code
from mpp.booking.events import (
    BookingCancelled,
    BookingClosureWithdrawn,
    BookingDisrupted,
    BookingFacts,
    BookingMade,
    BookingMissed,
    BookingMoved,
)
from mpp.booking.model import BookingStatus, Policy, RuleBroken
from mpp.booking.ports import BookingRepository
from mpp.catalogue.model import Catalogue
from mpp.clock import Clock, utc_now
from mpp.events import Event, Handlers
from mpp.notify_outbox import Notice, Outbox
from mpp.queue import messages as queue_text
from mpp.queue.events import TicketCalled, TicketNoShow, TicketServed, TicketTransferred, TurnApproaching
from mpp.queue.model import Arrival, QueueError
from mpp.survey import service as survey

REMINDER_EVENING = time(18, 0)  # the day-before reminder goes out at 18.00 local time
REMINDER_BEFORE = timedelta(hours=1)


class HandlerUnitOfWork(Protocol):
    @property
    def bookings(self) -> BookingRepository: ...

    @property
    def outbox(self) -> Outbox: ...


def build_handlers(catalogue: Callable[[], Catalogue], clock: Clock) -> Handlers:
    """The handler table: which events cause what."""

    def now() -> datetime:
        return utc_now(clock)

    def names(b: BookingFacts) -> tuple[str, str, str]:
        """(service, MPP, zone label) of a booking, as the citizen reads them."""
        cat = catalogue()
        mpp, service = cat.mpp(b.mpp_code), cat.service(b.service_code)
        return (
            service.name if service else b.service_code,
            mpp.name if mpp else b.mpp_code,
            booking_text.zone(cat, b.mpp_code),
        )

    def schedule_reminders(event: BookingMade | BookingMoved, uow: HandlerUnitOfWork) -> None:
        """The day-before and one-hour-before reminders (those still in the future)."""
        remind(event.booking, f"booking:{event.booking.id}:{event.booking.moved_count}", uow)

    def remind(b: BookingFacts, base: str, uow: HandlerUnitOfWork) -> None:
        at = now()
        mpp = catalogue().mpp(b.mpp_code)
        if mpp is None:
            return
        tz = ZoneInfo(mpp.timezone)
        service, mpp_name, zone = names(b)
        evening_before = datetime.combine(b.day - timedelta(days=1), REMINDER_EVENING, tz)
        if evening_before > at:
            text = booking_text.reminder_day(service, mpp_name, b.day, b.start, zone, b.queue_number, b.code)
            uow.outbox.add(Notice(b.chat_id, "reminder_day", text, f"{base}:reminder_day", evening_before, b.id), at)
        hour_before = datetime.combine(b.day, b.start, tz) - REMINDER_BEFORE
        if hour_before > at:
            text = booking_text.reminder_hour(service, mpp_name, b.start, zone, b.code)
            uow.outbox.add(Notice(b.chat_id, "reminder_hour", text, f"{base}:reminder_hour", hour_before, b.id), at)

    def withdraw_reminders(event: Any, uow: HandlerUnitOfWork) -> None:
        uow.outbox.cancel_reminders(event.booking.id)

    def tell_missed(event: BookingMissed, uow: HandlerUnitOfWork) -> None:
        b = event.booking
        service, mpp_name, zone = names(b)
        text = booking_text.missed(service, mpp_name, b.day, b.start, zone, b.queue_number)
        uow.outbox.add(Notice(b.chat_id, "missed", text, f"booking:{b.id}:missed", booking_id=b.id), now())

    def tell_closure(event: BookingDisrupted, uow: HandlerUnitOfWork) -> None:
        b = event.booking
        service, mpp_name, _ = names(b)
        text = booking_text.closure(mpp_name, b.day, event.reason, service, b.code, event.suggestion)
        uow.outbox.add(Notice(b.chat_id, "closure", text, f"{event.tag}:booking:{b.id}", booking_id=b.id), now())

    def tell_reopened(event: BookingClosureWithdrawn, uow: HandlerUnitOfWork) -> None:
        b = event.booking
        service, mpp_name, zone = names(b)
        text = booking_text.closure_withdrawn(mpp_name, b.day, b.start, zone, service, b.code)
        key = f"{event.tag}:withdrawn:booking:{b.id}"
        uow.outbox.add(Notice(b.chat_id, "reopened", text, key, booking_id=b.id), now())
        remind(b, f"booking:{b.id}:{b.moved_count}:{event.tag}", uow)  # the closure withdrew them

    def tell_called(event: TicketCalled, uow: HandlerUnitOfWork) -> None:
        t = event.ticket
        if t.chat_id:
            text = queue_text.called(t.number, event.counter, event.floor, recall=event.recall)
            key = f"ticket:{t.id}:called:{int(event.recall)}:{event.counter}"
            uow.outbox.add(Notice(t.chat_id, "called", text, key), now())

    def tell_no_show(event: TicketNoShow, uow: HandlerUnitOfWork) -> None:
        t = event.ticket
        if t.chat_id:
            uow.outbox.add(Notice(t.chat_id, "no_show", queue_text.no_show(t.number), f"ticket:{t.id}:no_show"), now())

    def tell_transferred(event: TicketTransferred, uow: HandlerUnitOfWork) -> None:
        t = event.ticket
        if t.chat_id:
            text = queue_text.transferred(t.number, event.counter, event.floor)
            key = f"ticket:{t.id}:transfer:{event.counter}:{event.at:.0f}"
            uow.outbox.add(Notice(t.chat_id, "transfer", text, key), now())

    def tell_approaching(event: TurnApproaching, uow: HandlerUnitOfWork) -> None:
        t = event.ticket
        if t.chat_id:
            text = queue_text.away(t.number, event.ahead, event.minutes)
            uow.outbox.add(Notice(t.chat_id, "away", text, f"ticket:{t.id}:away"), now())

    def offer_survey(event: TicketServed, uow: HandlerUnitOfWork) -> None:
        """The SKM survey, shortly after the visit (``mpp.survey.service``: the notifier composes it)."""
        t = event.ticket
        if t.chat_id:
            at = now()
            key = survey.schedule_key(t.id)
            uow.outbox.add(Notice(t.chat_id, survey.KIND, f"{survey.KIND}:{t.id}", key, at + survey.DELAY), at)

    def booking_follows(status: BookingStatus) -> Callable[[Any, HandlerUnitOfWork], None]:
        def follow(event: Any, uow: HandlerUnitOfWork) -> None:
            booking_id = event.ticket.booking_id
            booking = uow.bookings.get(booking_id) if booking_id is not None else None
            if booking is not None:
                booking.follow_ticket(status, now())

        return follow

    table: dict[type[Event], list[Callable[[Any, Any], None]]] = {
        BookingMade: [schedule_reminders],
        BookingMoved: [withdraw_reminders, schedule_reminders],
        BookingCancelled: [withdraw_reminders],
        BookingMissed: [withdraw_reminders, tell_missed],
        BookingDisrupted: [withdraw_reminders, tell_closure],
        BookingClosureWithdrawn: [tell_reopened],
        TicketCalled: [tell_called, booking_follows(BookingStatus.CALLED)],
        TicketServed: [booking_follows(BookingStatus.SERVED), offer_survey],
        TicketNoShow: [tell_no_show, booking_follows(BookingStatus.NO_SHOW)],
        TicketTransferred: [tell_transferred],
        TurnApproaching: [tell_approaching],
    }
    return table


class BookingArrivals:
    """The queue's ``Arrivals`` port, answered by the booking rules (``Booking.check_in``)."""

    def __init__(self, bookings: BookingRepository, catalogue: Callable[[], Catalogue], policy: Policy):
        self._bookings, self._catalogue, self._policy = bookings, catalogue, policy

    def check_in(self, code: str, mpp_code: str, now: datetime) -> Arrival:
        booking = self._bookings.by_code(normalize_code(code))
        mpp = self._catalogue().mpp(mpp_code)
        if booking is None or mpp is None or booking.mpp_code != mpp_code:
            raise QueueError(booking_text.code_not_here())
        try:
            booking.check_in(now, mpp.timezone, self._policy)
        except RuleBroken as broken:
            raise QueueError(booking_text.check_in_refused(broken.reason, booking)) from None
        assert booking.id is not None
        return Arrival(
            booking.id, booking.service_code, booking.day, booking.start, booking.queue_number, booking.chat_id
        )
