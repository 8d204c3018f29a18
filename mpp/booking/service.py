"""Booking rules: book, look up, cancel, move, erase — the same calls for chat, console and tests.

Each call is one unit of work. Booking takes a place with a conditional UPDATE
(see ``repository.reserve_place``); a full slot rolls the whole transaction back
and the citizen gets the nearest free slots and other MPPs instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from mpp.booking import model as m
from mpp.booking import repository as repo
from mpp.booking.calendar import closed_on
from mpp.booking.codes import new_code, normalize_code, queue_number
from mpp.booking.model import Booking, BookingRequest, Refusal, SlotOption
from mpp.booking.slots import Policy, Slot, bookable_slots, local_now, window
from mpp.catalogue.model import Catalogue
from mpp.db.booking_tables import BookingRow
from mpp.db.queue_tables import OutageRow
from mpp.db.uow import UnitOfWork
from mpp.privacy import Crypto
from mpp.queue import outbox
from mpp.text import clock, join_names, tanggal

Outcome = Booking | Refusal


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class BookingService:
    def __init__(
        self,
        session_factory: Callable[[], Session],
        catalogue: Callable[[], Catalogue],
        crypto: Crypto,
        policy: Policy | None = None,
        now: Callable[[], datetime] = utc_now,
    ):
        self._session_factory = session_factory
        self._catalogue = catalogue
        self._crypto = crypto
        self.policy = policy or Policy()
        self._clock = now

    def _now(self) -> datetime:
        # Stored times are UTC: SQLite keeps no time zone, so mixing zones would shift them.
        return self._clock().astimezone(timezone.utc)

    def now(self) -> datetime:
        return self._now()

    def outages(self, mpp_code: str, service_code: str) -> dict[date, str]:
        """Closures decided after the catalogue was loaded, for this MPP (and service)."""
        with self._uow() as uow:
            rows = uow.session.execute(
                select(OutageRow).where(
                    OutageRow.mpp_code == mpp_code,
                    or_(OutageRow.service_code.is_(None), OutageRow.service_code == service_code),
                )
            ).scalars()
            return {r.day: r.reason for r in rows}

    def _uow(self, write: bool = False) -> UnitOfWork:
        return UnitOfWork(self._session_factory, write=write)

    # ---- availability -------------------------------------------------------------
    def free_slots(self, mpp_code: str, service_code: str, day: date) -> list[SlotOption]:
        return self._free(mpp_code, service_code, [day])

    def _free(self, mpp_code: str, service_code: str, days: list[date]) -> list[SlotOption]:
        """Free places per bookable slot over several days, with one query."""
        cat = self._catalogue()
        mpp, offering = cat.mpp(mpp_code), cat.offering(mpp_code, service_code)
        if mpp is None or offering is None:
            return []
        now = self._now()
        outages = self.outages(mpp_code, service_code)
        slots = [s for day in days for s in bookable_slots(cat, mpp, offering, day, now, self.policy, outages)]
        if not slots:
            return []
        with self._uow() as uow:
            counts = repo.booked_counts(uow.session, mpp_code, service_code, sorted({s.day for s in slots}))
        options = [SlotOption(mpp_code, s, offering.quota_per_slot - counts.get((s.day, s.start), 0)) for s in slots]
        return [o for o in options if o.free > 0]

    def nearest_free(self, mpp_code: str, service_code: str, near: datetime, limit: int = 4) -> list[SlotOption]:
        """Free slots closest in time to ``near`` (local), looking across the whole booking window."""
        mpp = self._catalogue().mpp(mpp_code)
        if mpp is None:
            return []
        options = self._free(mpp_code, service_code, window(mpp, self._now(), self.policy))

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
        days = sorted({o.slot.day for o in self._free(mpp_code, service_code, window(mpp, self._now(), self.policy))})
        return days[:limit]

    def other_mpps(self, mpp_code: str, service_code: str, day: date) -> list[SlotOption]:
        """For each other MPP offering the service, its first free slot on ``day`` (or the nearest)."""
        cat = self._catalogue()
        found = []
        for other in cat.mpps_offering(service_code):
            if other.code == mpp_code or cat.booking_mode(other.code, service_code) != "mpp_slot":
                continue
            near = self.nearest_free(other.code, service_code, datetime.combine(day, time(8)), limit=1)
            found.extend(near)
        return found

    # ---- booking ------------------------------------------------------------------
    def check_slot(self, mpp_code: str, service_code: str, day: date, start: time | None) -> Refusal | None:
        """Why this slot (or day, when start is None) cannot be booked, with alternatives; None if it can."""
        cat = self._catalogue()
        mpp, offering, service = cat.mpp(mpp_code), cat.offering(mpp_code, service_code), cat.service(service_code)
        if mpp is None or service is None:
            return Refusal(m.NOT_FOUND, "Layanan atau MPP tidak dikenal.")
        if offering is None:
            names = join_names([x.name for x in cat.mpps_offering(service_code)])
            return Refusal(
                m.NOT_OFFERED, f"{service.name} tidak tersedia di {mpp.name}" + (f"; ada di {names}." if names else ".")
            )
        if cat.booking_mode(mpp_code, service_code) != "mpp_slot":
            return Refusal(m.NOT_BOOKABLE, f"{service.name} tidak dipesan lewat antrean MPP.")
        today = local_now(mpp, self._now()).date()
        near = datetime.combine(day, start or time(8))
        if day < today or day > today + timedelta(days=self.policy.window_days):
            last = today + timedelta(days=self.policy.window_days)
            return Refusal(
                m.OUTSIDE_WINDOW,
                f"Antrean bisa dipesan mulai hari ini sampai {tanggal(last)} ({self.policy.window_days} hari ke depan).",
                tuple(self.nearest_free(mpp_code, service_code, near)),
            )
        closed = closed_on(cat, mpp, day, self.outages(mpp_code, service_code))
        if closed:
            return Refusal(
                m.CLOSED,
                f"{mpp.name} tutup pada {tanggal(day)} ({closed.reason}).",
                tuple(self.nearest_free(mpp_code, service_code, near)),
            )
        free = self.free_slots(mpp_code, service_code, day)
        if start is None:
            if free:
                return None
            return self.full(mpp_code, service_code, day, None, near)
        slots = bookable_slots(cat, mpp, offering, day, self._now(), self.policy, self.outages(mpp_code, service_code))
        if not any(s.start == start for s in slots):
            return Refusal(
                m.CLOSED,
                f"Tidak ada slot pukul {clock(start)} pada {tanggal(day)} (di luar jam layanan atau sudah lewat).",
                tuple(self.nearest_free(mpp_code, service_code, near)),
            )
        if not any(o.slot.start == start for o in free):
            return self.full(mpp_code, service_code, day, start, near)
        return None

    def full(self, mpp_code: str, service_code: str, day: date, start: time | None, near: datetime) -> Refusal:
        when = f"pukul {clock(start)} " if start else ""
        return Refusal(
            m.FULL,
            f"Maaf, antrean {when}pada {tanggal(day)} sudah penuh.",
            tuple(self.nearest_free(mpp_code, service_code, near)),
            tuple(self.other_mpps(mpp_code, service_code, day)),
        )

    def book(self, req: BookingRequest) -> Outcome:
        refusal = self.check_slot(req.mpp_code, req.service_code, req.day, req.start)
        if refusal and refusal.reason != m.FULL:
            return refusal
        cat = self._catalogue()
        offering = cat.offering(req.mpp_code, req.service_code)
        assert offering is not None
        slot = next(
            s
            for s in bookable_slots(
                cat,
                cat.mpps[req.mpp_code],
                offering,
                req.day,
                self._now(),
                self.policy,
                self.outages(req.mpp_code, req.service_code),
            )
            if s.start == req.start
        )
        nik_hash = self._crypto.keyed_hash(req.nik)
        now = self._now()
        try:
            with self._uow(write=True) as uow:
                s = uow.session
                repo.serialize(s, f"request:{req.request_id}", f"nik:{nik_hash}", f"chat:{req.chat_id}")
                existing = repo.by_request(s, req.request_id)
                if existing is not None:  # the same confirmation pressed twice
                    return repo.to_booking(existing)
                same = repo.active_same_day(s, nik_hash, req.service_code, req.day)
                if same is not None:
                    return Refusal(
                        m.DUPLICATE,
                        f"NIK ini sudah punya antrean {cat.services[req.service_code].name} pada "
                        f"{tanggal(req.day)} (kode {same.code}). Satu NIK satu antrean per layanan per hari.",
                    )
                week_ago = now - timedelta(days=7)
                if repo.recent_count(s, week_ago, chat_id=req.chat_id) >= self.policy.max_per_chat_week:
                    return Refusal(
                        m.CHAT_LIMIT,
                        f"Satu chat hanya bisa memesan {self.policy.max_per_chat_week} antrean "
                        "dalam 7 hari. Batalkan antrean yang tidak dipakai bila perlu.",
                    )
                if repo.recent_count(s, week_ago, nik_hash=nik_hash) >= self.policy.max_per_nik_week:
                    return Refusal(
                        m.NIK_LIMIT, f"Satu NIK hanya bisa memesan {self.policy.max_per_nik_week} antrean dalam 7 hari."
                    )
                if not repo.reserve_place(
                    s, req.mpp_code, req.service_code, req.day, req.start, offering.quota_per_slot
                ):
                    uow.session.rollback()
                    return self.full(
                        req.mpp_code, req.service_code, req.day, req.start, datetime.combine(req.day, req.start)
                    )
                number = repo.next_queue_number(s, req.mpp_code, offering.queue_prefix, req.day)
                row = BookingRow(
                    code=self._unused_code(s),
                    request_id=req.request_id,
                    mpp_code=req.mpp_code,
                    service_code=req.service_code,
                    jenis=req.jenis,
                    day=req.day,
                    start=slot.start,
                    end=slot.end,
                    queue_number=queue_number(offering.queue_prefix, number),
                    status="active",
                    chat_id=req.chat_id,
                    name_encrypted=self._crypto.encrypt(req.name),
                    nik_hash=nik_hash,
                    nik_encrypted=self._crypto.encrypt(req.nik),
                    phone_encrypted=self._crypto.encrypt(req.phone) if req.phone else None,
                    moved_count=0,
                    created_at=now,
                    updated_at=now,
                )
                s.add(row)
                s.flush()
                booking = repo.to_booking(row)
                outbox.schedule_reminders(s, cat, booking, now)
                uow.commit()
                return booking
        except IntegrityError:
            # A concurrent double tap (same request id) or the same NIK in two chats at once.
            with self._uow() as uow:
                existing = repo.by_request(uow.session, req.request_id)
                if existing is not None:
                    return repo.to_booking(existing)
            return Refusal(m.DUPLICATE, "NIK ini sudah punya antrean untuk layanan ini pada hari itu.")

    @staticmethod
    def _unused_code(session: Session) -> str:
        while True:
            code = new_code()
            if repo.by_code(session, code) is None:
                return code

    # ---- after booking ------------------------------------------------------------
    def upcoming(self, chat_id: str) -> list[Booking]:
        with self._uow() as uow:
            today = (self._now() + timedelta(hours=7)).date() - timedelta(days=1)  # generous: any MPP zone
            return [repo.to_booking(r) for r in repo.active_for_chat(uow.session, chat_id, today)]

    def find(self, code: str, chat_id: str, last4: str | None = None) -> Outcome:
        """A booking by code: from its own chat freely, from another chat with the NIK's last 4 digits."""
        code = normalize_code(code)
        now = self._now()
        with self._uow(write=True) as uow:
            s = uow.session
            row = repo.by_code(s, code)
            if row is not None and row.chat_id == chat_id:
                return repo.to_booking(row)
            if repo.lookup_attempts(s, chat_id, now) >= self.policy.lookups_per_hour:
                return Refusal(m.RATE_LIMITED, "Terlalu banyak percobaan cek kode. Silakan coba lagi 1 jam lagi.")
            if last4 is None:
                return Refusal(
                    m.WRONG_DIGITS, "Untuk melihat antrean dari chat lain, kirim 4 angka terakhir NIK pemesan."
                )
            nik = self._crypto.decrypt(row.nik_encrypted) if row is not None and row.nik_encrypted else None
            ok = nik is not None and nik[-4:] == last4
            repo.record_lookup(s, chat_id, now, ok)
            uow.commit()
            if not ok or row is None:
                return Refusal(m.NOT_FOUND, "Kode booking atau 4 angka terakhir NIK tidak cocok.")
            return repo.to_booking(row)

    def _changeable(self, row: BookingRow) -> Refusal | None:
        cat = self._catalogue()
        mpp = cat.mpps.get(row.mpp_code)
        today = local_now(mpp, self._now()).date() if mpp else self._now().date()
        if row.status != "active":
            return Refusal(m.NOT_FOUND, "Antrean ini sudah tidak aktif.")
        if (row.day - today).days < self.policy.change_until_days_before:
            return Refusal(
                m.TOO_LATE, "Antrean hanya bisa dibatalkan atau dipindah paling lambat sehari sebelum jadwal."
            )
        return None

    def change_problem(self, booking: Booking) -> Refusal | None:
        """Why this booking can no longer be cancelled or moved (checked again when it is done)."""
        with self._uow() as uow:
            row = repo.by_id(uow.session, booking.id)
            if row is None:
                return Refusal(m.NOT_FOUND, "Antrean tidak ditemukan.")
            return self._changeable(row)

    def cancel(self, booking_id: int, chat_id: str) -> Outcome:
        with self._uow(write=True) as uow:
            row = repo.by_id(uow.session, booking_id, lock=True)
            if row is None or row.chat_id != chat_id:
                return Refusal(m.NOT_FOUND, "Antrean tidak ditemukan di chat ini.")
            if row.status == "cancelled":
                return repo.to_booking(row)  # pressed twice: already done
            refusal = self._changeable(row)
            if refusal:
                return refusal
            repo.release_place(uow.session, row.mpp_code, row.service_code, row.day, row.start)
            row.status, row.cancelled_at, row.updated_at = "cancelled", self._now(), self._now()
            outbox.cancel_reminders(uow.session, row.id)
            booking = repo.to_booking(row)
            uow.commit()
            return booking

    def move(self, booking_id: int, chat_id: str, day: date, start: time) -> Outcome:
        cat = self._catalogue()
        with self._uow(write=True) as uow:
            row = repo.by_id(uow.session, booking_id, lock=True)
            if row is None or row.chat_id != chat_id:
                return Refusal(m.NOT_FOUND, "Antrean tidak ditemukan di chat ini.")
            if row.day == day and row.start == start:
                return repo.to_booking(row)  # pressed twice: already moved here
            refusal = self._changeable(row)
            if refusal:
                return refusal
            if row.moved_count >= self.policy.max_moves:
                return Refusal(
                    m.MOVED_ALREADY, "Jadwal antrean hanya bisa dipindah satu kali. Silakan batalkan lalu pesan baru."
                )
            mpp_code, service_code = row.mpp_code, row.service_code
        refusal = self.check_slot(mpp_code, service_code, day, start)
        if refusal and refusal.reason != m.FULL:
            return refusal
        offering = cat.offering(mpp_code, service_code)
        assert offering is not None
        slot: Slot = next(
            s
            for s in bookable_slots(
                cat, cat.mpps[mpp_code], offering, day, self._now(), self.policy, self.outages(mpp_code, service_code)
            )
            if s.start == start
        )
        with self._uow(write=True) as uow:
            s = uow.session
            row = repo.by_id(s, booking_id, lock=True)
            assert row is not None
            if row.moved_count >= self.policy.max_moves or row.status != "active":
                return Refusal(m.MOVED_ALREADY, "Jadwal antrean hanya bisa dipindah satu kali.")
            if row.day != day and repo.active_same_day(s, row.nik_hash, row.service_code, day) is not None:
                return Refusal(m.DUPLICATE, "NIK ini sudah punya antrean layanan yang sama pada hari itu.")
            if not repo.reserve_place(s, row.mpp_code, row.service_code, day, start, offering.quota_per_slot):
                s.rollback()
                return self.full(row.mpp_code, row.service_code, day, start, datetime.combine(day, start))
            repo.release_place(s, row.mpp_code, row.service_code, row.day, row.start)
            if row.day != day:
                number = repo.next_queue_number(s, row.mpp_code, offering.queue_prefix, day)
                row.queue_number = queue_number(offering.queue_prefix, number)
            row.day, row.start, row.end = day, slot.start, slot.end
            row.moved_count += 1
            row.updated_at = self._now()
            booking = repo.to_booking(row)
            outbox.cancel_reminders(s, row.id)
            outbox.schedule_reminders(s, cat, booking, self._now())
            uow.commit()
            return booking

    def erase_chat(self, chat_id: str) -> int:
        """'Hapus data saya': cancel upcoming bookings and erase personal data of this chat."""
        from mpp.privacy_store import erase_tokens

        now = self._now()
        with self._uow(write=True) as uow:
            rows = repo.active_for_chat(uow.session, chat_id, date.min)
            for row in rows:
                repo.release_place(uow.session, row.mpp_code, row.service_code, row.day, row.start)
                row.status, row.cancelled_at = "cancelled", now
                outbox.cancel_reminders(uow.session, row.id)
            erased = repo.erase_personal_data(uow.session, chat_id, now)
            erase_tokens(uow.session, chat_id)
            uow.commit()
            return erased

    def personal_details(self, booking: Booking) -> dict[str, str | None]:
        with self._uow() as uow:
            row = repo.by_id(uow.session, booking.id)
            if row is None:
                return {}
            decrypt = self._crypto.decrypt
            return {
                "name": decrypt(row.name_encrypted) if row.name_encrypted else None,
                "nik": decrypt(row.nik_encrypted) if row.nik_encrypted else None,
                "phone": decrypt(row.phone_encrypted) if row.phone_encrypted else None,
            }


def database_unavailable(exc: Exception) -> bool:
    return isinstance(exc, OperationalError)
