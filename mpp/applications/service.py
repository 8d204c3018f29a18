"""Application status use cases: the clerk records a change, the chat is told, the citizen asks.

A change and its notice are written in one transaction: the notice goes through the outbox with
``dedupe_key = application:<id>:<version>``, so each change is told exactly once however often the
notifier restarts, and a repeated form post that changes nothing writes nothing. The notice is
sealed (``mpp.notify_outbox.seal``): it repeats the clerk's note. Every change is in the audit log
(state and version, never the note).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mpp.applications import replies
from mpp.applications.links import make_token, read_token
from mpp.applications.model import OPEN, ApplicationError, ApplicationView, Change, NotFound, State
from mpp.booking.codes import normalize_code
from mpp.catalogue.completion import promised_completion
from mpp.catalogue.model import Catalogue
from mpp.clock import Clock, utc_now
from mpp.db.application_tables import ApplicationRow
from mpp.db.booking_tables import BookingRow
from mpp.db.queue_tables import TicketRow
from mpp.db.uow import UnitOfWork
from mpp.notify_outbox import Notice, SqlOutbox, seal
from mpp.privacy import Crypto
from mpp.replies import Reply
from mpp.staff import audit
from mpp.staff.roles import Permission, Role, StaffMember, authorize

NOTICE_KIND = "application_status"
ANSWER_LIMIT = 3  # applications named in one answer
FINISHED_SHOWN = timedelta(days=30)  # a finished application is still mentioned this long


@dataclass(frozen=True)
class Served:
    """A ticket served today in the staff member's scope, with its application if recorded."""

    ticket_id: int
    number: str
    service_code: str
    kind: str
    application: ApplicationView | None


@dataclass(frozen=True)
class Overview:
    served_today: list[Served]
    open: list[ApplicationView]  # overdue first, then the oldest change first
    today: date


class ApplicationService:
    def __init__(
        self,
        session_factory: Callable[[], Session],
        catalogue: Callable[[], Catalogue],
        crypto: Crypto,
        clock: Clock,
    ):
        self._sessions, self._catalogue, self.crypto, self._clock = session_factory, catalogue, crypto, clock

    def now(self) -> datetime:
        return utc_now(self._clock)

    def _today(self, mpp_code: str | None) -> date:
        mpp = self._catalogue().mpp(mpp_code) if mpp_code else None
        return self.now().astimezone(ZoneInfo(mpp.timezone if mpp else "Asia/Jakarta")).date()

    def view(self, row: ApplicationRow) -> ApplicationView:
        return ApplicationView(
            row.id,
            row.ticket_id,
            row.number,
            row.mpp_code,
            row.agency_code,
            row.service_code,
            row.jenis,
            State(row.state),
            self.crypto.decrypt(row.note_encrypted) if row.note_encrypted else None,
            row.ready_until,
            row.started_on,
            row.promised_on,
            row.promised_reason,
            row.version,
            row.updated_at,
            row.chat_id is not None,
        )

    # ---- staff ------------------------------------------------------------------------------
    @staticmethod
    def _in_scope(staff: StaffMember, mpp_code: str, agency_code: str) -> bool:
        if staff.role is Role.NATIONAL_ADMIN:
            return True
        return mpp_code == staff.mpp_code and (staff.role is not Role.CLERK or agency_code == staff.agency_code)

    def record(self, staff: StaffMember, ticket_id: int, change: Change) -> tuple[ApplicationView, bool]:
        """Store the change of a served ticket's application and tell its chat; (view, changed)."""
        authorize(staff, Permission.RECORD_APPLICATIONS)
        now, cat = self.now(), self._catalogue()
        try:
            with UnitOfWork(self._sessions, write=True) as uow:
                s = uow.session
                ticket = s.get(TicketRow, ticket_id)
                if ticket is None or not self._in_scope(staff, ticket.mpp_code, ticket.agency_code):
                    raise NotFound("Nomor antrean tidak ditemukan di loket Anda.")
                authorize(staff, Permission.RECORD_APPLICATIONS, mpp=ticket.mpp_code, agency=ticket.agency_code)
                if ticket.status != "served":
                    raise ApplicationError("Catat permohonan setelah nomor ini ditandai selesai dilayani.")
                service = cat.service(ticket.service_code)
                if change.jenis and (service is None or change.jenis not in service.jenis):
                    raise ApplicationError(f"Jenis {change.jenis!r} tidak dikenal untuk layanan ini.")
                row = s.execute(
                    select(ApplicationRow).where(ApplicationRow.ticket_id == ticket_id).with_for_update()
                ).scalar_one_or_none()
                changed = self._apply(s, row, ticket, change, staff, now, cat)
                if changed is None:
                    assert row is not None
                    return self.view(row), False
                row = changed
                view = self.view(row)
                audit.record(
                    s,
                    f"application_{row.state}",
                    now,
                    staff_id=staff.id,
                    mpp_code=row.mpp_code,
                    ticket_id=ticket_id,
                    detail=f"{row.service_code} v{row.version}",
                )
                if row.chat_id:
                    self._notify(s, row.chat_id, view, now, cat)
                uow.commit()
                return view, True
        except IntegrityError:
            raise ApplicationError("Permohonan ini baru saja dicatat petugas lain. Muat ulang halaman.") from None

    def _apply(
        self,
        s: Session,
        row: ApplicationRow | None,
        ticket: TicketRow,
        change: Change,
        staff: StaffMember,
        now: datetime,
        cat: Catalogue,
    ) -> ApplicationRow | None:
        """The row after the change, or None when it changes nothing."""
        if row is None:
            row = ApplicationRow(
                ticket_id=ticket.id,
                booking_id=ticket.booking_id,
                chat_id=ticket.chat_id,
                mpp_code=ticket.mpp_code,
                agency_code=ticket.agency_code,
                service_code=ticket.service_code,
                number=ticket.number,
                started_on=ticket.day,
                version=0,
                created_at=now,
            )
            s.add(row)
        else:
            if row.state == State.SELESAI.value:
                raise ApplicationError("Permohonan ini sudah selesai; statusnya tidak bisa diubah lagi.")
            note = self.crypto.decrypt(row.note_encrypted) if row.note_encrypted else None
            jenis = change.jenis or row.jenis
            if (row.state, note, row.ready_until, row.jenis) == (
                change.state.value,
                change.note,
                change.ready_until,
                jenis,
            ):
                return None
        if row.version == 0 or (change.jenis and change.jenis != row.jenis):
            row.jenis = change.jenis or row.jenis
            done = promised_completion(cat, row.service_code, row.jenis, row.started_on, row.mpp_code)
            row.promised_on, row.promised_reason = done.day, done.reason
        row.state = change.state.value
        row.note_encrypted = self.crypto.encrypt(change.note) if change.note else None
        row.ready_until = change.ready_until
        row.version += 1
        row.staff_id, row.updated_at = staff.id, now
        row.finished_at = now if change.state is State.SELESAI else None
        s.flush()
        return row

    def _notify(self, s: Session, chat_id: str, view: ApplicationView, now: datetime, cat: Catalogue) -> None:
        text = seal(self.crypto, replies.notice(cat, view))
        SqlOutbox(s).add(Notice(chat_id, NOTICE_KIND, text, f"application:{view.id}:{view.version}"), now)

    def overview(self, staff: StaffMember) -> Overview:
        authorize(staff, Permission.VIEW_APPLICATIONS, mpp=staff.mpp_code)
        today = self._today(staff.mpp_code)
        with UnitOfWork(self._sessions) as uow:
            s = uow.session
            scope_t, scope_a = [], []
            if staff.role is not Role.NATIONAL_ADMIN:
                scope_t.append(TicketRow.mpp_code == staff.mpp_code)
                scope_a.append(ApplicationRow.mpp_code == staff.mpp_code)
            if staff.role is Role.CLERK:
                scope_t.append(TicketRow.agency_code == staff.agency_code)
                scope_a.append(ApplicationRow.agency_code == staff.agency_code)
            served_rows = s.execute(
                select(TicketRow, ApplicationRow)
                .outerjoin(ApplicationRow, ApplicationRow.ticket_id == TicketRow.id)
                .where(TicketRow.status == "served", TicketRow.day == today, *scope_t)
                .order_by(TicketRow.finished_at.desc(), TicketRow.id.desc())
                .limit(100)
            ).all()
            served = [
                Served(t.id, t.number, t.service_code, t.kind, self.view(a) if a is not None else None)
                for t, a in served_rows
            ]
            open_rows = s.execute(
                select(ApplicationRow)
                .where(ApplicationRow.state.in_((*OPEN, State.SIAP_DIAMBIL.value)), *scope_a)
                .order_by(ApplicationRow.updated_at)
                .limit(500)
            ).scalars()
            views = [self.view(r) for r in open_rows]
        views.sort(key=lambda v: (not v.overdue(today), v.promised_on or date.max, v.updated_at))
        return Overview(served, views, today)

    # ---- the citizen ------------------------------------------------------------------------
    def status(self, sender: str, booking_code: str | None = None, service_code: str | None = None) -> Reply:
        """The answer to "sudah jadi belum?": this chat's applications (by booking code, or by service)."""
        now, cat = self.now(), self._catalogue()
        with UnitOfWork(self._sessions) as uow:
            s = uow.session
            query = select(ApplicationRow).where(ApplicationRow.chat_id == sender)
            if booking_code:
                booking_id = s.execute(
                    select(BookingRow.id).where(
                        BookingRow.code == normalize_code(booking_code)[:16], BookingRow.chat_id == sender
                    )
                ).scalar_one_or_none()
                if booking_id is None:
                    return replies.none_recorded(True)
                query = query.where(ApplicationRow.booking_id == booking_id)
            else:
                recent = now - FINISHED_SHOWN
                query = query.where(or_(ApplicationRow.finished_at.is_(None), ApplicationRow.finished_at > recent))
            rows = [
                self.view(r) for r in s.execute(query.order_by(ApplicationRow.updated_at.desc()).limit(20)).scalars()
            ]
        if not rows:
            return replies.none_recorded(booking_code is not None)
        if service_code and not booking_code:
            rows = [r for r in rows if r.service_code == service_code] or rows
        return replies.status_answer(cat, rows[:ANSWER_LIMIT])

    # ---- the printed ticket's link ----------------------------------------------------------
    def token_for(self, ticket_id: int) -> str:
        return make_token(self.crypto, ticket_id, self.now())

    def bind(self, sender: str, token: str) -> Reply:
        """Bind this chat to the ticket the token was printed for: its calls and its application."""
        now = self.now()
        verdict = read_token(self.crypto, token, now)
        if verdict.ticket_id is None:
            return Reply(replies.link_refused())
        with UnitOfWork(self._sessions, write=True) as uow:
            s = uow.session
            ticket = s.execute(
                select(TicketRow).where(TicketRow.id == verdict.ticket_id).with_for_update()
            ).scalar_one_or_none()
            if ticket is None:
                return Reply(replies.link_refused())
            if ticket.chat_id == sender:
                return Reply(replies.already_bound(ticket.number))
            if ticket.chat_id is not None:
                return Reply(replies.bound_elsewhere())
            ticket.chat_id = sender
            s.execute(
                ApplicationRow.__table__.update()
                .where(and_(ApplicationRow.ticket_id == ticket.id, ApplicationRow.chat_id.is_(None)))
                .values(chat_id=sender)
            )
            audit.record(s, "ticket_link", now, mpp_code=ticket.mpp_code, ticket_id=ticket.id)
            uow.commit()
            return Reply(replies.bound(ticket.number))
