"""Announcements: a notice for citizens about one MPP, one agency there or one service there, for a period.

An administrator posts it in the console; the assistant shows it in the answers it concerns
(``mpp.faq``) while it is valid. A *closure* also closes those days for new bookings and tells each
booking already on them, once, through the outage flow (``BookingService.add_outage_within``: one
outage per day and service, each notice keyed by its outage, so a booking hears of a closed day once).
The notice, its outages and the bookings' notices are one transaction, so the outbox holds every
notice the moment the closure exists. Withdrawing a closure reopens its outages in one transaction
and tells only the bookings still standing as they were.
Notices are read by the action server through ``AnnouncementBoard``, cached for the catalogue's
refresh period like the catalogue itself.
"""

from __future__ import annotations

import threading
import time as _time
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from mpp.booking.calendar import closed_on
from mpp.booking.service import BookingService
from mpp.catalogue.model import Catalogue
from mpp.catalogue.notices import CLOSURE, KINDS, MAX_DAYS, MAX_TEXT, MIN_TEXT, Announcement
from mpp.db.editor_tables import AnnouncementRow
from mpp.db.queue_tables import OutageRow
from mpp.db.uow import UnitOfWork
from mpp.editor.changes import today_wib
from mpp.staff import audit
from mpp.staff.roles import Permission, Role, StaffMember, authorize
from mpp.uow import SqlUnitOfWork


def _announcement(row: AnnouncementRow) -> Announcement:
    return Announcement(
        row.id,
        row.mpp_code,
        row.agency_code,
        row.service_code,
        row.kind,
        row.text,
        row.starts_on,
        row.ends_on,
        row.notified or 0,
        row.withdrawn_at is not None,
    )


class AnnouncementRefused(ValueError):
    """Bad input or a scope the staff member may not post for; ``str()`` is the message (Indonesian)."""


class AnnouncementBoard:
    """The notices valid from today on, re-read at most every ``refresh_seconds`` (the action server's view)."""

    def __init__(
        self,
        sessions: Callable[[], Session],
        refresh_seconds: float = 5.0,
        clock: Callable[[], float] = _time.monotonic,
    ):
        self._sessions, self._refresh, self._clock = sessions, refresh_seconds, clock
        self._lock = threading.Lock()
        self._cached: tuple[Announcement, ...] = ()
        self._read_at = float("-inf")

    def active(self, day: date) -> tuple[Announcement, ...]:
        now = self._clock()
        if now - self._read_at >= self._refresh:
            with self._lock:
                if now - self._read_at >= self._refresh:
                    with self._sessions() as session:
                        rows = session.execute(
                            select(AnnouncementRow).where(
                                AnnouncementRow.withdrawn_at.is_(None),
                                AnnouncementRow.ends_on >= day - timedelta(days=1),
                            )
                        ).scalars()
                        self._cached = tuple(_announcement(r) for r in rows)
                    self._read_at = now
        return tuple(n for n in self._cached if n.shown_on(day))


class FixedNotices:
    """A board that serves a given list (tests and the in-memory core)."""

    def __init__(self, notices: Sequence[Announcement] = ()):
        self.notices = list(notices)

    def active(self, day: date) -> tuple[Announcement, ...]:
        return tuple(n for n in self.notices if n.shown_on(day))


class Announcements:
    """Posting and withdrawing notices (the console's use cases)."""

    def __init__(
        self,
        sessions: Callable[[], Session],
        bookings: BookingService,
        catalogue: Callable[[], Catalogue],
        now: Callable[[], datetime],
    ):
        self._sessions, self._bookings, self._catalogue, self._now = sessions, bookings, catalogue, now

    def listing(self, staff: StaffMember, limit: int = 50) -> list[Announcement]:
        with UnitOfWork(self._sessions) as uow:
            query = select(AnnouncementRow).order_by(AnnouncementRow.id.desc()).limit(limit)
            if staff.role is not Role.NATIONAL_ADMIN:
                query = query.where(AnnouncementRow.mpp_code == staff.mpp_code)
            return [_announcement(r) for r in uow.session.execute(query).scalars()]

    def _check(
        self,
        staff: StaffMember,
        mpp_code: str,
        agency: str | None,
        service: str | None,
        kind: str,
        text: str,
        starts: date,
        ends: date,
    ) -> None:
        authorize(staff, Permission.POST_ANNOUNCEMENTS, mpp=mpp_code)
        cat = self._catalogue()
        mpp = cat.mpp(mpp_code)
        if mpp is None:
            raise AnnouncementRefused("Pilih MPP dari daftar.")
        if kind not in KINDS:
            raise AnnouncementRefused("Pilih jenis pengumuman dari daftar.")
        if not MIN_TEXT <= len(text) <= MAX_TEXT:
            raise AnnouncementRefused(f"Isi pengumuman {MIN_TEXT}-{MAX_TEXT} karakter (sekarang {len(text)}).")
        if agency is not None and agency not in mpp.agencies:
            raise AnnouncementRefused(f"Instansi {agency} tidak ada di {mpp.name}.")
        if service is not None:
            offering = cat.offering(mpp_code, service)
            if offering is None:
                raise AnnouncementRefused(f"Layanan {service} tidak ada di {mpp.name}.")
            if agency is not None and offering.agency_code != agency:
                raise AnnouncementRefused(f"Layanan {service} di {mpp.name} bukan milik instansi {agency}.")
        today = today_wib(self._now())
        if ends < starts:
            raise AnnouncementRefused("Tanggal selesai tidak boleh sebelum tanggal mulai.")
        if ends < today:
            raise AnnouncementRefused("Masa berlaku sudah lewat: tanggal selesai paling cepat hari ini.")
        if (ends - starts).days + 1 > MAX_DAYS:
            raise AnnouncementRefused(f"Satu pengumuman berlaku paling lama {MAX_DAYS} hari.")

    def post(
        self,
        staff: StaffMember,
        mpp_code: str,
        agency: str | None,
        service: str | None,
        kind: str,
        text: str,
        starts: date,
        ends: date,
    ) -> Announcement:
        """Store the notice; a closure closes its days and tells each booking on them once."""
        text = " ".join(text.split())
        self._check(staff, mpp_code, agency, service, kind, text, starts, ends)
        now = self._now()
        # One transaction: the notice, the closed days and every booking's notice in the outbox.
        with self._bookings.unit_of_work(write=True) as buow:
            uow = cast(SqlUnitOfWork, buow)
            row = AnnouncementRow(
                mpp_code=mpp_code,
                agency_code=agency,
                service_code=service,
                kind=kind,
                text=text,
                starts_on=starts,
                ends_on=ends,
                staff_id=staff.id,
                created_at=now,
                notified=0,
            )
            uow.session.add(row)
            uow.session.flush()
            audit.record(
                uow.session,
                "announcement",
                now,
                staff_id=staff.id,
                mpp_code=mpp_code,
                detail=f"{row.id} {kind} {service or agency or 'mpp'} {starts}..{ends}",
            )
            if kind == CLOSURE:
                row.notified = self._close(uow, _announcement(row), today_wib(now))
            uow.commit()
            return _announcement(row)

    def _services(self, notice: Announcement) -> list[str]:
        cat = self._catalogue()
        return [
            s
            for (m, s), o in sorted(cat.offerings.items())
            if m == notice.mpp_code
            and (notice.service_code is None or s == notice.service_code)
            and (notice.agency_code is None or o.agency_code == notice.agency_code)
        ]

    def _close(self, uow: SqlUnitOfWork, notice: Announcement, today: date) -> int:
        """Close each (day, service) the notice covers that is still open, telling its bookings.

        A day already closed for a service (a holiday, a catalogue closure, an earlier notice) is left
        alone: its bookings were told then, and hear of it once. Each outage is tied to the notice,
        so withdrawing the notice reopens exactly these.
        """
        cat = self._catalogue()
        mpp = cat.mpps[notice.mpp_code]
        reason = notice.text[:200]
        told = 0
        day = max(notice.starts_on, today)
        while day <= notice.ends_on:
            for service in self._services(notice):
                if closed_on(cat, mpp, day, uow.outages.for_service(notice.mpp_code, service)) is None:
                    outage_id, n = self._bookings.add_outage_within(uow, notice.mpp_code, day, reason, service)
                    outage = uow.session.get(OutageRow, outage_id)
                    assert outage is not None
                    outage.announcement_id, told = notice.id, told + n
            day += timedelta(days=1)
        return told

    def withdraw(self, staff: StaffMember, announcement_id: int) -> tuple[Announcement, int]:
        """Take a notice down (role-checked, audited). A closure's days reopen in the same transaction,
        and each booking it displaced that still stands as it was is told so; nobody else hears of it.
        Returns the notice and how many bookings were told."""
        now = self._now()
        with self._bookings.unit_of_work(write=True) as buow:
            uow = cast(SqlUnitOfWork, buow)
            row = uow.session.get(AnnouncementRow, announcement_id)
            if row is None:
                raise AnnouncementRefused("Pengumuman itu tidak ada.")
            authorize(staff, Permission.POST_ANNOUNCEMENTS, mpp=row.mpp_code)
            if row.withdrawn_at is not None:
                raise AnnouncementRefused("Pengumuman itu sudah ditarik sebelumnya.")
            told = 0
            if row.kind == CLOSURE:
                outages = uow.session.execute(
                    select(OutageRow.id).where(OutageRow.announcement_id == row.id).order_by(OutageRow.id)
                ).scalars()
                for outage_id in list(outages):
                    told += self._bookings.withdraw_outage_within(uow, int(outage_id))
            row.withdrawn_at, row.withdrawn_by = now, staff.id
            audit.record(
                uow.session,
                "announcement_withdrawn",
                now,
                staff_id=staff.id,
                mpp_code=row.mpp_code,
                detail=f"{row.id} {row.kind}" + (f": {told} booking diberi tahu tetap berlaku" if told else ""),
            )
            uow.commit()
            return _announcement(row), told
