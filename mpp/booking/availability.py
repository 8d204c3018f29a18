"""Which slots are free, and why one cannot be booked (with the nearest alternatives).

Reads only: every question is one read-only unit of work. The answers are advice; the
booking itself takes its place with the ledger's atomic reserve, so a slot shown free a
moment ago may still turn out full (and the citizen is offered the next ones).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta

from mpp.booking import replies
from mpp.booking.calendar import closed_on
from mpp.booking.model import Policy, Reason, Refusal, Slot, SlotOption
from mpp.booking.ports import BookingUnitOfWorkFactory
from mpp.booking.slots import bookable_slots, local_now, window
from mpp.catalogue.model import Catalogue
from mpp.clock import Clock, utc_now

MPP_SLOT = "mpp_slot"  # booked by MPP queue slot (not the agency's own system, not walk-in only)


class Availability:
    def __init__(self, uow: BookingUnitOfWorkFactory, catalogue: Callable[[], Catalogue], policy: Policy, clock: Clock):
        self._uow, self._catalogue, self.policy, self._clock = uow, catalogue, policy, clock

    def outages(self, mpp_code: str, service_code: str) -> Mapping[date, str]:
        """Closures decided after the catalogue was loaded, for this MPP (and service)."""
        with self._uow() as uow:
            return dict(uow.outages.for_service(mpp_code, service_code))

    def slot(self, mpp_code: str, service_code: str, day: date, start: time) -> Slot | None:
        """The bookable slot starting at ``start``, or None."""
        cat = self._catalogue()
        mpp, offering = cat.mpp(mpp_code), cat.offering(mpp_code, service_code)
        if mpp is None or offering is None:
            return None
        outages = self.outages(mpp_code, service_code)
        slots = bookable_slots(cat, mpp, offering, day, utc_now(self._clock), self.policy, outages)
        return next((s for s in slots if s.start == start), None)

    def free_slots(self, mpp_code: str, service_code: str, day: date) -> list[SlotOption]:
        return self._free(mpp_code, service_code, [day])

    def _free(self, mpp_code: str, service_code: str, days: list[date]) -> list[SlotOption]:
        """Free places per bookable slot over several days."""
        cat = self._catalogue()
        mpp, offering = cat.mpp(mpp_code), cat.offering(mpp_code, service_code)
        if mpp is None or offering is None:
            return []
        now = utc_now(self._clock)
        with self._uow() as uow:
            outages = uow.outages.for_service(mpp_code, service_code)
            slots = [s for day in days for s in bookable_slots(cat, mpp, offering, day, now, self.policy, outages)]
            if not slots:
                return []
            taken = uow.places.taken(mpp_code, service_code, sorted({s.day for s in slots}))
        options = [SlotOption(mpp_code, s, offering.quota_per_slot - taken.get((s.day, s.start), 0)) for s in slots]
        return [o for o in options if o.free > 0]

    def nearest_free(self, mpp_code: str, service_code: str, near: datetime, limit: int = 4) -> list[SlotOption]:
        """Free slots closest in time to ``near`` (local, naive), across the whole booking window."""
        mpp = self._catalogue().mpp(mpp_code)
        if mpp is None:
            return []
        options = self._free(mpp_code, service_code, window(mpp, utc_now(self._clock), self.policy))

        def distance(o: SlotOption) -> tuple[int, float]:
            # the nearest open day first, then the time closest to the one asked for
            minutes = abs((datetime.combine(near.date(), o.slot.start) - near).total_seconds()) / 60
            return abs((o.slot.day - near.date()).days), minutes

        options.sort(key=distance)
        return sorted(options[:limit], key=lambda o: (o.slot.day, o.slot.start))

    def free_days(self, mpp_code: str, service_code: str, limit: int = 6) -> list[date]:
        """The next days with at least one free slot."""
        mpp = self._catalogue().mpp(mpp_code)
        if mpp is None:
            return []
        options = self._free(mpp_code, service_code, window(mpp, utc_now(self._clock), self.policy))
        return sorted({o.slot.day for o in options})[:limit]

    def other_mpps(self, mpp_code: str, service_code: str, day: date) -> list[SlotOption]:
        """For each other MPP offering the service by slot, its free slot nearest to ``day``."""
        cat = self._catalogue()
        found = []
        for other in cat.mpps_offering(service_code):
            if other.code == mpp_code or cat.booking_mode(other.code, service_code) != MPP_SLOT:
                continue
            found.extend(self.nearest_free(other.code, service_code, datetime.combine(day, time(8)), limit=1))
        return found

    def check_slot(self, mpp_code: str, service_code: str, day: date, start: time | None) -> Refusal | None:
        """Why this slot (or day, when start is None) cannot be booked, with alternatives; None if it can."""
        cat = self._catalogue()
        mpp, offering, service = cat.mpp(mpp_code), cat.offering(mpp_code, service_code), cat.service(service_code)
        if mpp is None or service is None:
            return Refusal(Reason.NOT_FOUND, replies.unknown_service_or_mpp())
        if offering is None:
            elsewhere = [m.name for m in cat.mpps_offering(service_code)]
            return Refusal(Reason.NOT_OFFERED, replies.not_offered(service.name, mpp.name, elsewhere))
        if cat.booking_mode(mpp_code, service_code) != MPP_SLOT:
            return Refusal(Reason.NOT_BOOKABLE, replies.not_bookable(service.name))
        now = utc_now(self._clock)
        today = local_now(mpp, now).date()
        near = datetime.combine(day, start or time(8))
        last = today + timedelta(days=self.policy.window_days)
        if not today <= day <= last:
            nearest = tuple(self.nearest_free(mpp_code, service_code, near))
            return Refusal(Reason.OUTSIDE_WINDOW, replies.outside_window(last, self.policy), nearest)
        outages = self.outages(mpp_code, service_code)
        closed = closed_on(cat, mpp, day, outages)
        if closed:
            nearest = tuple(self.nearest_free(mpp_code, service_code, near))
            return Refusal(Reason.CLOSED, replies.closed_day(mpp.name, day, closed.reason), nearest)
        free = self.free_slots(mpp_code, service_code, day)
        if start is None:
            return None if free else self.full(mpp_code, service_code, day, None)
        slots = bookable_slots(cat, mpp, offering, day, now, self.policy, outages)
        if not any(s.start == start for s in slots):
            nearest = tuple(self.nearest_free(mpp_code, service_code, near))
            return Refusal(Reason.CLOSED, replies.no_such_slot(day, start), nearest)
        if not any(o.slot.start == start for o in free):
            return self.full(mpp_code, service_code, day, start)
        return None

    def full(self, mpp_code: str, service_code: str, day: date, start: time | None) -> Refusal:
        near = datetime.combine(day, start or time(8))
        return Refusal(
            Reason.FULL,
            replies.full(day, start),
            tuple(self.nearest_free(mpp_code, service_code, near)),
            tuple(self.other_mpps(mpp_code, service_code, day)),
        )

    def first_open_day(self, mpp_code: str, service_code: str, days: list[date]) -> date | Refusal:
        """The first of the candidate days (one day, or a range like "minggu depan") with a free slot."""
        refusal: Refusal | None = None
        for day in days:
            refusal = self.check_slot(mpp_code, service_code, day, None)
            if refusal is None:
                return day
        return refusal or Refusal(Reason.CLOSED, replies.day_not_understood())

    def exact_time(self, mpp_code: str, service_code: str, day: date, start: time) -> SlotOption | Refusal:
        """The free slot starting at ``start`` itself: a time kept from before a change of service, MPP or day.

        A time off this service's grid (08.45 on a 10-minute grid) is refused with the nearest free slots,
        never moved to another time without saying so.
        """
        free = self.free_slots(mpp_code, service_code, day)
        chosen = next((o for o in free if o.slot.start == start), None)
        if chosen is not None:
            return chosen
        if any(o.slot.start < start < o.slot.end for o in free):  # inside a slot, not at its start
            cat = self._catalogue()
            offering, service = cat.offering(mpp_code, service_code), cat.service(service_code)
            minutes = offering.slot_minutes if offering else 0
            near = tuple(self.nearest_free(mpp_code, service_code, datetime.combine(day, start)))
            return Refusal(Reason.CLOSED, replies.off_grid(service.name if service else "", start, minutes), near)
        return self.check_slot(mpp_code, service_code, day, start) or self.full(mpp_code, service_code, day, start)

    def choose_time(self, mpp_code: str, service_code: str, day: date, low: time, high: time) -> SlotOption | Refusal:
        """A free slot for what was asked: the slot containing an exact time, or the first one in a range."""
        free = self.free_slots(mpp_code, service_code, day)
        if low == high:
            chosen = next((o for o in free if o.slot.start <= low < o.slot.end), None)
        else:
            chosen = next((o for o in free if low <= o.slot.start < high), None)
        if chosen is not None:
            return chosen
        return self.check_slot(mpp_code, service_code, day, low) or self.full(mpp_code, service_code, day, low)
