"""Booking use cases: book, look up, cancel, move, confirm, erase, sweep the no-shows.

The same calls serve the chat, the console, the CLI and the tests. Each change is one
unit of work: the rules live on ``Booking``; this layer loads, asks the rule, takes or
frees a place in the slot ledger, and commits, and the unit of work hands the booking's
events to their handlers (reminders, notices) inside the same transaction. A full slot
rolls the whole unit back and the citizen gets the nearest free slots instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from mpp.booking import replies
from mpp.booking.availability import MPP_SLOT, Availability
from mpp.booking.calendar import closed_on
from mpp.booking.codes import new_code, normalize_code
from mpp.booking.confirmation import Operation, Pending
from mpp.booking.model import (
    Booking,
    BookingRequest,
    BookingStatus,
    Holder,
    Outcome,
    Policy,
    Reason,
    Refusal,
    RuleBroken,
    SlotOption,
)
from mpp.booking.ports import BookingUnitOfWork, BookingUnitOfWorkFactory
from mpp.booking.slots import day_slots
from mpp.catalogue.model import Catalogue
from mpp.clock import Clock, system_clock, utc_now
from mpp.numbering import queue_number
from mpp.privacy import TOKEN_PATTERN, Crypto
from mpp.storage import Conflict

DEFAULT_ZONE = "Asia/Jakarta"
Confirmed = Booking | Refusal | int  # int: how many bookings' personal data was erased


class BookingService:
    def __init__(
        self,
        uow: BookingUnitOfWorkFactory,
        catalogue: Callable[[], Catalogue],
        crypto: Crypto,
        policy: Policy | None = None,
        clock: Clock = system_clock,
    ):
        self._uow, self._catalogue, self._crypto = uow, catalogue, crypto
        self.policy = policy or Policy()
        self._clock = clock
        self.availability = Availability(uow, catalogue, self.policy, clock)
        self._confirmations: dict[Operation, Callable[[Pending, str, BookingRequest | None], Confirmed]] = {
            Operation.BOOK: self._confirm_book,
            Operation.CANCEL: lambda p, chat, _: self.cancel(p.booking_id or 0, chat),
            Operation.MOVE: self._confirm_move,
            Operation.ERASE: lambda _p, chat, _r: self.erase_chat(chat),
        }

    def now(self) -> datetime:
        return utc_now(self._clock)

    def zone(self, mpp_code: str) -> str:
        mpp = self._catalogue().mpp(mpp_code)
        return mpp.timezone if mpp else DEFAULT_ZONE

    def local_now(self, mpp_code: str | None) -> datetime:
        return self.now().astimezone(ZoneInfo(self.zone(mpp_code) if mpp_code else DEFAULT_ZONE))

    # ---- availability (read-only advice) ----------------------------------------------
    def free_slots(self, mpp_code: str, service_code: str, day: date) -> list[SlotOption]:
        return self.availability.free_slots(mpp_code, service_code, day)

    def free_days(self, mpp_code: str, service_code: str, limit: int = 6) -> list[date]:
        return self.availability.free_days(mpp_code, service_code, limit)

    def check_slot(self, mpp_code: str, service_code: str, day: date, start: time | None) -> Refusal | None:
        return self.availability.check_slot(mpp_code, service_code, day, start)

    # ---- booking --------------------------------------------------------------------
    def book(self, req: BookingRequest) -> Outcome:
        refusal = self.availability.check_slot(req.mpp_code, req.service_code, req.day, req.start)
        if refusal and refusal.reason is not Reason.FULL:
            return refusal
        cat = self._catalogue()
        offering = cat.offering(req.mpp_code, req.service_code)
        slot = self.availability.slot(req.mpp_code, req.service_code, req.day, req.start)
        assert offering is not None and slot is not None, "check_slot passed"
        nik_hash = self._crypto.keyed_hash(req.nik)
        now = self.now()
        try:
            with self._uow(write=True) as uow:
                uow.serialize(f"request:{req.request_id}", f"nik:{nik_hash}", f"chat:{req.chat_id}")
                existing = uow.bookings.by_request(req.request_id)
                if existing is not None:  # the same confirmation pressed twice
                    return existing
                problem = self._caps(uow, req, nik_hash, now)
                if problem is not None:
                    return problem
                if not uow.places.reserve(req.mpp_code, req.service_code, req.day, req.start, offering.quota_per_slot):
                    return self.availability.full(req.mpp_code, req.service_code, req.day, req.start)
                booking = Booking(
                    id=None,
                    code=self._unused_code(uow),
                    request_id=req.request_id,
                    mpp_code=req.mpp_code,
                    service_code=req.service_code,
                    jenis=req.jenis,
                    day=slot.day,
                    start=slot.start,
                    end=slot.end,
                    queue_number=queue_number(
                        offering.queue_prefix, uow.numbers.next(req.mpp_code, offering.queue_prefix, req.day)
                    ),
                    chat_id=req.chat_id,
                    created_at=now,
                    updated_at=now,
                    holder=Holder(
                        name_sealed=self._crypto.encrypt(req.name),
                        nik_hash=nik_hash,
                        nik_sealed=self._crypto.encrypt(req.nik),
                        phone_sealed=self._crypto.encrypt(req.phone) if req.phone else None,
                    ),
                )
                uow.bookings.add(booking)
                booking.record_made()
                uow.commit()
                return booking
        except Conflict:
            # A concurrent double tap (same request id) or the same NIK in two chats at once.
            with self._uow() as uow:
                existing = uow.bookings.by_request(req.request_id)
                if existing is not None:
                    return existing
            return Refusal(Reason.DUPLICATE, replies.duplicate(cat.services[req.service_code].name))

    def _caps(self, uow: BookingUnitOfWork, req: BookingRequest, nik_hash: str, now: datetime) -> Refusal | None:
        """One active booking per NIK, service and day; weekly caps per chat and per NIK (against calo)."""
        if uow.bookings.active_same_day(nik_hash, req.service_code, req.day) is not None:
            return Refusal(Reason.DUPLICATE, replies.duplicate(self._catalogue().services[req.service_code].name))
        week_ago = now - timedelta(days=7)
        if uow.bookings.recent_count(week_ago, chat_id=req.chat_id) >= self.policy.max_per_chat_week:
            return Refusal(Reason.CHAT_LIMIT, replies.chat_limit(self.policy))
        if uow.bookings.recent_count(week_ago, nik_hash=nik_hash) >= self.policy.max_per_nik_week:
            return Refusal(Reason.NIK_LIMIT, replies.nik_limit(self.policy))
        return None

    @staticmethod
    def _unused_code(uow: BookingUnitOfWork) -> str:
        while True:
            code = new_code()
            if not uow.bookings.code_taken(code):
                return code

    # ---- after booking ----------------------------------------------------------------
    def upcoming(self, chat_id: str) -> list[Booking]:
        """The chat's active bookings (from yesterday in any zone: nothing of today is missed)."""
        with self._uow() as uow:
            return uow.bookings.active_for_chat(chat_id, (self.now() + timedelta(hours=9)).date() - timedelta(days=1))

    def find(self, code: str, chat_id: str, last4: str | None = None) -> Outcome:
        """A booking by code: from its own chat freely, from another chat with the NIK's last 4 digits."""
        code, now = normalize_code(code), self.now()
        with self._uow(write=True) as uow:
            booking = uow.bookings.by_code(code)
            if booking is not None and booking.chat_id == chat_id:
                return booking
            if uow.lookups.attempts_since(chat_id, now - timedelta(hours=1)) >= self.policy.lookups_per_hour:
                return Refusal(Reason.RATE_LIMITED, replies.rate_limited())
            if last4 is None:
                return Refusal(Reason.WRONG_DIGITS, replies.ask_last_digits())
            sealed = booking.holder.nik_sealed if booking is not None else None
            nik = self._crypto.decrypt(sealed) if sealed is not None else None
            ok = nik is not None and nik[-4:] == last4
            uow.lookups.record(chat_id, now, ok)
            uow.commit()
            if not ok or booking is None:
                return Refusal(Reason.NOT_FOUND, replies.wrong_code_or_digits())
            return booking

    def cancel_problem(self, booking: Booking) -> Refusal | None:
        """Why this booking can no longer be cancelled (asked before the yes/no question)."""
        return self._problem(booking, lambda b: b.cancel(self.now(), self.zone(b.mpp_code)))

    def move_problem(self, booking: Booking) -> Refusal | None:
        """Why this booking can no longer be moved (the same rule the move itself applies)."""
        return self._problem(booking, lambda b: b.check_move(self.now(), self.zone(b.mpp_code), self.policy))

    def _problem(self, booking: Booking, rule: Callable[[Booking], object]) -> Refusal | None:
        with self._uow() as uow:  # rolled back: asking changes nothing
            current = uow.bookings.get(booking.id or 0)
            if current is None:
                return Refusal(Reason.NOT_FOUND, replies.not_found_here())
            try:
                rule(current)
            except RuleBroken as broken:
                return Refusal(broken.reason, replies.change_refused(broken.reason))
            return None

    def cancel(self, booking_id: int, chat_id: str) -> Outcome:
        """Until the slot starts; the place is free again at once."""
        with self._uow(write=True) as uow:
            booking = uow.bookings.get(booking_id, lock=True)
            if booking is None or booking.chat_id != chat_id:
                return Refusal(Reason.NOT_FOUND, replies.not_found_here())
            try:
                changed = booking.cancel(self.now(), self.zone(booking.mpp_code))
            except RuleBroken as broken:
                return Refusal(broken.reason, replies.change_refused(broken.reason))
            if changed:
                uow.places.release(booking.mpp_code, booking.service_code, booking.day, booking.start)
                uow.commit()
            return booking

    def move(self, booking_id: int, chat_id: str, day: date, start: time) -> Outcome:
        now = self.now()
        with self._uow() as uow:
            booking = uow.bookings.get(booking_id)
            if booking is None or booking.chat_id != chat_id:
                return Refusal(Reason.NOT_FOUND, replies.not_found_here())
            if (booking.day, booking.start) == (day, start):
                return booking  # pressed twice: already moved here
            try:
                booking.check_move(now, self.zone(booking.mpp_code), self.policy)
            except RuleBroken as broken:
                return Refusal(broken.reason, replies.change_refused(broken.reason))
            mpp_code, service_code = booking.mpp_code, booking.service_code
        refusal = self.availability.check_slot(mpp_code, service_code, day, start)
        if refusal and refusal.reason is not Reason.FULL:
            return refusal
        offering = self._catalogue().offering(mpp_code, service_code)
        slot = self.availability.slot(mpp_code, service_code, day, start)
        assert offering is not None and slot is not None, "check_slot passed"
        with self._uow(write=True) as uow:
            booking = uow.bookings.get(booking_id, lock=True)
            assert booking is not None
            nik_hash = booking.holder.nik_hash
            if day != booking.day and nik_hash and uow.bookings.active_same_day(nik_hash, service_code, day):
                return Refusal(Reason.DUPLICATE, replies.duplicate(self._catalogue().services[service_code].name))
            if not uow.places.reserve(mpp_code, service_code, day, start, offering.quota_per_slot):
                return self.availability.full(mpp_code, service_code, day, start)
            old_day, old_start = booking.day, booking.start
            number = booking.queue_number
            if day != old_day:
                number = queue_number(offering.queue_prefix, uow.numbers.next(mpp_code, offering.queue_prefix, day))
            try:
                booking.move(slot, number, now, self.zone(mpp_code), self.policy)
            except RuleBroken as broken:  # changed since the first look (another chat, a double tap)
                return Refusal(broken.reason, replies.change_refused(broken.reason))
            uow.places.release(mpp_code, service_code, old_day, old_start)
            uow.commit()
            return booking

    def erase_chat(self, chat_id: str) -> int:
        """'Hapus data saya': cancel the chat's active bookings and erase its personal data now.

        Returns how many bookings had personal data erased.
        """
        now = self.now()
        erased = 0
        with self._uow(write=True) as uow:
            for booking in uow.bookings.of_chat(chat_id):
                if booking.withdraw(now):
                    uow.places.release(booking.mpp_code, booking.service_code, booking.day, booking.start)
                erased += booking.erase_personal_data(now)
            uow.tokens.erase(chat_id)
            uow.commit()
        return erased

    def sweep_missed(self) -> int:
        """Bookings not checked in by the end of their slot plus the grace period become no-shows.

        Their citizens are told (through the outbox). Run every few minutes (``mpp booking
        sweep``); running it twice changes nothing.
        """
        now = self.now()
        missed = 0
        with self._uow(write=True) as uow:
            for booking in uow.bookings.active_until((now + timedelta(hours=9)).date()):
                missed += booking.expire(now, self.zone(booking.mpp_code), self.policy)
            uow.commit()
        return missed

    def personal_details(self, booking: Booking) -> dict[str, str | None]:
        with self._uow() as uow:
            current = uow.bookings.get(booking.id or 0)
            if current is None:
                return {}
            holder, open_ = current.holder, self._crypto.decrypt
            return {
                "name": open_(holder.name_sealed) if holder.name_sealed else None,
                "nik": open_(holder.nik_sealed) if holder.nik_sealed else None,
                "phone": open_(holder.phone_sealed) if holder.phone_sealed else None,
            }

    def resolve_personal(self, chat_id: str, text: str | None) -> str | None:
        """The NIK or phone number behind a token in ``text`` (a token belongs to one conversation).

        Raw digits (a message that did not pass through the REST channel's redaction) are
        returned as they are.
        """
        if not text:
            return None
        match = TOKEN_PATTERN.search(text)
        if match is None:
            return re.sub(r"[^\d+]", "", text) or None
        with self._uow() as uow:
            return uow.tokens.resolve(chat_id, match.group(0))

    def personal_token(self, chat_id: str, kind: str, value: str) -> str:
        """A vault token for a NIK or phone number (kind ``nik``/``telepon``): a raw value never goes into a slot.

        The REST channel tokenises what citizens type; this covers a value that reached an action
        some other way (a client that bypassed the channel, a spelling it did not know).
        """
        with self._uow(write=True) as uow:
            token = uow.tokens.store(chat_id, kind, value, self.now())
            uow.commit()
            return token

    # ---- confirmations --------------------------------------------------------------
    def ask(
        self,
        operation: Operation,
        *,
        request_id: str | None = None,
        booking_id: int | None = None,
        day: date | None = None,
        start: time | None = None,
    ) -> Pending:
        """A new question waiting for "ya"."""
        return Pending(operation, self.now(), request_id, booking_id, day, start)

    def pending(self, raw: str | None) -> Pending | None:
        """The question still waiting for an answer, or None (none, unreadable, or expired)."""
        pending = Pending.loads(raw)
        return pending if pending is not None and not pending.expired(self.now()) else None

    def confirm(self, pending: Pending, chat_id: str, form: BookingRequest | None = None) -> Confirmed:
        """Carry out what "ya" confirms. A booking needs the form's request; the rest need only the chat."""
        return self._confirmations[pending.operation](pending, chat_id, form)

    def _confirm_book(self, pending: Pending, chat_id: str, form: BookingRequest | None) -> Confirmed:
        if form is None or form.chat_id != chat_id or form.request_id != pending.request_id:
            return Refusal(Reason.NOT_FOUND, replies.form_incomplete())
        return self.book(form)

    def _confirm_move(self, pending: Pending, chat_id: str, _form: BookingRequest | None) -> Confirmed:
        assert pending.booking_id is not None and pending.day is not None and pending.start is not None
        return self.move(pending.booking_id, chat_id, pending.day, pending.start)

    # ---- closures after bookings exist ------------------------------------------------
    def unit_of_work(self, write: bool = False) -> BookingUnitOfWork:
        """A unit of work of this service's kind: a caller's change and the notices it causes commit together."""
        return self._uow(write=write)

    def add_outage(self, mpp_code: str, day: date, reason: str, service_code: str | None) -> int:
        """Close a day (or a service on a day) now, and tell the bookings it hits; returns how many.

        The closure and its notices are one transaction: a crash after it leaves both in the outbox
        for the notifier, a crash before it leaves neither.
        """
        with self._uow(write=True) as uow:
            _, told = self.add_outage_within(uow, mpp_code, day, reason, service_code)
            uow.commit()
        return told

    def add_outage_within(
        self, uow: BookingUnitOfWork, mpp_code: str, day: date, reason: str, service_code: str | None
    ) -> tuple[int, int]:
        """``add_outage`` inside the caller's unit of work (nothing is stored until it commits).

        Returns (the closure's id, how many bookings were told)."""
        cat = self._catalogue()
        if cat.mpp(mpp_code) is None:
            raise ValueError(f"unknown MPP {mpp_code}")
        if service_code is not None and cat.offering(mpp_code, service_code) is None:
            raise ValueError(f"{service_code} is not offered at {mpp_code}")
        outage_id = uow.outages.add(mpp_code, service_code, day, reason, self.now())
        affected = [(b.id, reason) for b in uow.bookings.active_on(mpp_code, day, service_code) if b.id is not None]
        return outage_id, self.disrupt_within(uow, affected, f"outage:{outage_id}", near=time(8))

    def withdraw_outage_within(self, uow: BookingUnitOfWork, outage_id: int) -> int:
        """Reopen a closure; tell the bookings it displaced that still stand as they were. Returns how many.

        A booking still stands when it is active on that very day and slot, the slot still exists, and
        nothing else (a holiday, another closure) closes the day. A citizen who moved or cancelled
        meanwhile hears nothing: their booking is elsewhere, or gone.
        """
        found = uow.outages.remove(outage_id)
        if found is None:
            return 0
        mpp_code, service_code, day = found
        if day < self.local_now(mpp_code).date():
            return 0
        standing = [b.id for b in uow.bookings.active_on(mpp_code, day, service_code) if b.id is not None]
        return self.reassure_within(uow, standing, f"outage:{outage_id}")

    def reassure_within(
        self, uow: BookingUnitOfWork, booking_ids: Sequence[int], tag: str, catalogue: Catalogue | None = None
    ) -> int:
        """Tell each booking that the closure or change (``tag``) that displaced it is undone, if it still
        stands: active, its slot still in ``catalogue`` (default: the live one), its day closed by nothing
        else. Inside the caller's unit of work; returns how many were told."""
        cat, now = catalogue or self._catalogue(), self.now()
        told = 0
        for booking_id in booking_ids:
            booking = uow.bookings.get(booking_id, lock=True)
            if booking is None or booking.status is not BookingStatus.ACTIVE:
                continue
            mpp, offering = cat.mpp(booking.mpp_code), cat.offering(booking.mpp_code, booking.service_code)
            if mpp is None or offering is None or cat.booking_mode(mpp.code, offering.service_code) != MPP_SLOT:
                continue
            if closed_on(cat, mpp, booking.day, uow.outages.for_service(mpp.code, booking.service_code)):
                continue
            if not any(s.start == booking.start for s in day_slots(mpp, offering, booking.day)):
                continue
            booking.closure_withdrawn(tag, now)
            told += 1
        return told

    def announce_closure(self, mpp_code: str, day: date, reason: str, service_code: str | None, tag: str) -> int:
        """Tell every active booking of that day (and service), with the nearest free slot; once per ``tag``."""
        with self._uow(write=True) as uow:
            affected = [(b.id, reason) for b in uow.bookings.active_on(mpp_code, day, service_code) if b.id is not None]
            told = self.disrupt_within(uow, affected, tag, near=time(8))
            uow.commit()
        return told

    def active_between(self, first: date, last: date) -> list[Booking]:
        """Active bookings from ``first`` to ``last`` (both included), of every MPP."""
        with self._uow() as uow:
            return [b for b in uow.bookings.active_until(last) if b.day >= first]

    def disrupt(self, affected: Sequence[tuple[int, str]], tag: str, near: time | None = None) -> int:
        """Tell each booking why it must move, offer the nearest free slot and a free move; once per ``tag``.

        ``near``: the time of day to look for a slot around (None: the booking's own time). Returns how
        many active bookings were told. Each booking is its own transaction.
        """
        told = 0
        for one in affected:
            with self._uow(write=True) as uow:
                told += self.disrupt_within(uow, [one], tag, near=near)
                uow.commit()
        return told

    def disrupt_within(
        self,
        uow: BookingUnitOfWork,
        affected: Sequence[tuple[int, str]],
        tag: str,
        *,
        near: time | None = None,
        catalogue: Catalogue | None = None,
    ) -> int:
        """``disrupt`` inside the caller's unit of work: the notices reach the outbox when it commits.

        ``catalogue``: the catalogue the suggested slot must exist in (a change not live yet); the
        suggestion also sees closures the unit of work has added but not committed.
        """
        availability = Availability(
            cast(BookingUnitOfWorkFactory, lambda write=False: _Borrowed(uow)),
            (lambda: catalogue) if catalogue is not None else self._catalogue,
            self.policy,
            self._clock,
        )
        told = 0
        for booking_id, reason in affected:
            booking = uow.bookings.get(booking_id, lock=True)
            if booking is None or booking.status is not BookingStatus.ACTIVE:
                continue
            anchor = datetime.combine(booking.day, near or booking.start)
            found = availability.nearest_free(booking.mpp_code, booking.service_code, anchor, limit=1)
            suggestion = replies.slot_label(found[0]) if found else None
            booking.disrupt(reason, suggestion, tag, self.policy, self.now())
            told += 1
        return told


class _Borrowed:
    """The caller's open unit of work, lent to a reader: leaving it neither commits nor rolls back."""

    def __init__(self, uow: BookingUnitOfWork):
        self._lent = uow

    def __enter__(self) -> BookingUnitOfWork:
        return self._lent

    def __exit__(self, *exc: object) -> None:
        return None
