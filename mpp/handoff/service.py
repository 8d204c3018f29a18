"""The handoff's use cases: the assistant's offer and line, the REST channel's gate, staff's claim, reply, end.

Everything is in the database (nothing in a process's memory), so any process may stop at
any time: the gateway, Rasa, the action server, the console and the notifier read the same
rows. Staff replies and the "you are now with an officer" notices go through the outbox with
the change they report, in one transaction (sent by the notifier with its rate limits,
WhatsApp window rules, retries and dead letters); a reply is sealed there
(``mpp.notify_outbox.seal``) because staff may type personal data.

The assistant's own answers about the handoff (the offer, the place in line, the left
message, the way back) are returned to the caller, which answers the conversation turn with
them: they work with no staff logged in and in the terminal chat.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from mpp.catalogue.model import Catalogue, Mpp
from mpp.clock import Clock, utc_now
from mpp.db.handoff_tables import HandoffRow
from mpp.db.uow import UnitOfWork
from mpp.handoff import replies
from mpp.handoff import repository as repo
from mpp.handoff.hours import current_opening, next_opening
from mpp.handoff.model import (
    CLAIMABLE,
    HELD,
    Author,
    EndedBy,
    Handoff,
    HandoffError,
    Line,
    NotFound,
    Rules,
    Situation,
    Status,
    Wait,
)
from mpp.handoff.transcript import mask
from mpp.notify_outbox import Notice, SqlOutbox, seal
from mpp.privacy import Crypto
from mpp.replies import Reply
from mpp.staff.roles import Permission, Role, StaffMember, authorize
from mpp.storage import Unavailable
from mpp.uow import SqlUnitOfWork

_WORDS = re.compile(r"[^\w]+")
# "kembali ke asisten" and its everyday spellings, compared after lower-casing and dropping punctuation.
WAY_BACK = frozenset(
    {
        "kembali ke asisten",
        "kembali ke bot",
        "balik ke asisten",
        "balik ke bot",
        "kembali ke asisten mpp",
        "kembali asisten",
        "selesai chat petugas",
        "akhiri chat petugas",
        "keluar dari antrean petugas",
    }
)
# The one request that must reach the assistant from a held chat: erasing one's data (UU 27/2022).
ERASE = frozenset({"hapus data saya", "hapus data", "hapus semua data saya"})


def phrase(text: str) -> str:
    """Lower case, punctuation and extra spaces gone: how typed commands are compared."""
    return " ".join(_WORDS.sub(" ", unicodedata.normalize("NFKC", text).lower()).split())


@dataclass(frozen=True)
class Gate:
    """What the REST channel does with a message: answer with ``replies`` (nothing: stay quiet), and
    hand the message on to the assistant too when ``to_assistant``."""

    replies: tuple[Reply, ...] = ()
    to_assistant: bool = False


@dataclass(frozen=True)
class Overview:
    """A staff member's handoff page: what they may take (oldest first), what they hold, what others hold."""

    waiting: list[Handoff]
    messages: list[Handoff]
    mine: list[Handoff]
    others: list[tuple[Handoff, str | None]]
    ended: list[Handoff]
    on_duty: int


class HandoffService:
    def __init__(
        self,
        session_factory: Callable[[], Session],
        catalogue: Callable[[], Catalogue],
        crypto: Crypto,
        clock: Clock,
        rules: Rules | None = None,
    ):
        self._sessions, self._catalogue, self.crypto, self._clock = session_factory, catalogue, crypto, clock
        self.rules = rules or Rules()

    # ---- plumbing ---------------------------------------------------------------------------
    def now(self) -> datetime:
        return utc_now(self._clock)

    def _uow(self, write: bool = False) -> UnitOfWork:
        """A unit of work whose database failures leave as ``mpp.storage.Unavailable``/``Conflict``."""
        return SqlUnitOfWork(self._sessions, write)

    def _status(self, sender: str) -> Status | None:
        bind = getattr(self._sessions, "kw", {}).get("bind")
        if bind is None:  # a session factory without an engine of its own (tests): the same SELECT
            with self._uow() as uow:
                return repo.open_status(uow.session.connection(), sender)
        try:
            with bind.connect() as connection:
                return repo.open_status(connection, sender)
        except DBAPIError as exc:
            raise Unavailable(str(exc.orig)) from exc

    def _mpp(self, code: str) -> Mpp:
        mpp = self._catalogue().mpp(code)
        if mpp is None:
            raise HandoffError(f"MPP {code} tidak ada di katalog.")
        return mpp

    # ---- the line: hours, duty, estimate ----------------------------------------------------
    def _situation(self, s: Session, mpp: Mpp, agency_code: str | None, now: datetime) -> Situation:
        local = now.astimezone(ZoneInfo(mpp.timezone))
        outages = repo.whole_mpp_outages(
            s, mpp.code, local.date() - timedelta(days=1), local.date() + timedelta(days=32)
        )
        cat = self._catalogue()
        opening = current_opening(cat, mpp, now, outages)
        duty = repo.on_duty(s, mpp.code, agency_code, now - self.rules.on_duty) if opening else []
        return Situation(
            mpp.code,
            agency_code,
            serving=opening is not None,
            on_duty=len(duty),
            closes_at=opening.end if opening else None,
            next_opening=next_opening(cat, mpp, now, outages),
        )

    def situation(self, mpp_code: str, agency_code: str | None) -> Situation:
        with self._uow() as uow:
            return self._situation(uow.session, self._mpp(mpp_code), agency_code, self.now())

    def _wait(self, s: Session, mpp_code: str, agency_code: str | None, ahead: int, now: datetime) -> Wait:
        duty = repo.on_duty(s, mpp_code, agency_code, now - self.rules.on_duty)
        free = len(set(duty) - repo.busy(s, duty))
        if duty and ahead < free:
            return Wait(ahead, 0, free_now=True)
        median = repo.median_handling_minutes(
            s, mpp_code, now - timedelta(days=self.rules.sample_days), self.rules.sample_size, self.rules.min_samples
        )
        if median is None or not duty:
            return Wait(ahead, None)
        return Wait(ahead, max(1, math.ceil(median * (ahead + 1) / len(duty))))

    # ---- the assistant's side -----------------------------------------------------------------
    def current(self, sender: str) -> Handoff | None:
        with self._uow() as uow:
            return repo.open_for(uow.session, sender)

    def offer(self, sender: str, mpp_code: str, agency_code: str | None, second_fallback: bool = False) -> Reply:
        """What the assistant says when a person is asked for: join the line now, or leave a message."""
        mpp, now = self._mpp(mpp_code), self.now()
        with self._uow() as uow:
            s = uow.session
            situation = self._situation(s, mpp, agency_code, now)
            if situation.live:
                wait = self._wait(s, mpp.code, agency_code, repo.waiting_count(s, mpp.code, agency_code), now)
                return replies.offer_live(mpp, wait, second_fallback)
            return replies.offer_message(mpp, situation, second_fallback)

    def join(
        self,
        sender: str,
        mpp_code: str,
        agency_code: str | None,
        service_code: str | None,
        topic: str | None,
        history: Sequence[tuple[Author, str, datetime]] = (),
    ) -> Reply:
        """The citizen said yes: into the line (service hours, someone on duty), or write a message to leave.

        ``history``: the conversation with the assistant so far (tokens for NIK and phone numbers),
        kept with the handoff for the staff member who takes it. Saying yes twice joins once.
        """
        mpp, now = self._mpp(mpp_code), self.now()
        with self._uow(write=True) as uow:
            s = uow.session
            existing = repo.open_for(s, sender)
            if existing is not None:  # the open one decides where: a chat has one handoff at a time
                situation = self._situation(s, self._mpp(existing.mpp_code), existing.agency_code, now)
            else:
                situation = self._situation(s, mpp, agency_code, now)
            if existing is not None and existing.status is Status.WAITING:
                wait = self._wait(s, existing.mpp_code, existing.agency_code, repo.ahead_of(s, existing), now)
                return replies.joined(self._mpp(existing.mpp_code), wait)
            if existing is not None and existing.status is Status.COMPOSING:
                return replies.compose(self._mpp(existing.mpp_code), self.rules.max_chars)
            if existing is not None and existing.status is Status.MESSAGE and situation.live:
                # A left message, and now someone is on duty: into the line, at its old place (oldest first).
                repo.transition(s, existing.id, [Status.MESSAGE], status=Status.WAITING)
                uow.commit()
                wait = self._wait(s, existing.mpp_code, existing.agency_code, repo.ahead_of(s, existing), now)
                return replies.joined(self._mpp(existing.mpp_code), wait)
            if existing is not None and existing.status is Status.MESSAGE:
                # A second message to the same waiting one: write it, the first one stays in line.
                repo.transition(s, existing.id, [Status.MESSAGE], status=Status.COMPOSING)
                uow.commit()
                return replies.compose(self._mpp(existing.mpp_code), self.rules.max_chars)
            if existing is not None:  # ACTIVE: the REST channel keeps such chats away from the assistant
                return replies.button_while_held()
            status = Status.WAITING if situation.live else Status.COMPOSING
            handoff_id = repo.create(s, sender, mpp.code, agency_code, service_code, topic, status, now)
            for author, text, at in list(history)[-self.rules.transcript_lines :]:
                repo.add_line(s, self.crypto, handoff_id, author, text[: self.rules.max_chars], at)
            uow.commit()
            if status is Status.COMPOSING:
                return replies.compose(mpp, self.rules.max_chars)
            created = repo.get(s, handoff_id)
            assert created is not None
            wait = self._wait(s, mpp.code, agency_code, repo.ahead_of(s, created), now)
            return replies.joined(mpp, wait)

    def gate(self, sender: str, text: str, source_key: str | None = None) -> Gate | None:
        """The REST channel's question for every message: does a person hold this chat?

        (A typed message's first look is ``mpp.turn_start``'s SELECT, in the unit that records the
        turn; the channel asks here when that look found the chat held, and for buttons' payloads.)
        None: no — the assistant answers as usual. Otherwise the message is kept for staff (once,
        whatever the redeliveries: ``source_key``) and the channel answers with the ``Gate``.
        Time-outs that have passed take effect here too, so a chat is never held longer than the
        rules say even when no sweep runs.
        """
        if self._status(sender) not in HELD:
            return Gate((replies.already_with_assistant(),)) if text.strip() == replies.BACK_PAYLOAD else None
        said = phrase(text)
        back = text.strip() == replies.BACK_PAYLOAD or said in WAY_BACK
        with self._uow() as uow:
            h = repo.open_for(uow.session, sender)
        if h is None or h.status not in HELD:  # changed in between: as if it had not been held
            return None
        now = self.now()
        with self._uow(write=True) as uow:
            s = uow.session
            expired = self._expire_on_arrival(s, h, now)
            if expired is not None:  # no longer held: the assistant answers, after saying so
                gate = Gate((*expired, replies.already_with_assistant())) if back else Gate(expired, True)
            elif back or said in ERASE:
                repo.transition(s, h.id, [h.status], status=Status.ENDED, ended_reason=EndedBy.CITIZEN, ended_at=now)
                reply = replies.back_to_assistant(h.status is Status.WAITING, h.status is Status.COMPOSING)
                gate = Gate((reply,)) if back else Gate(to_assistant=True)  # "hapus data saya": the assistant asks
            else:
                gate = self._keep(s, h, text, source_key, now)
            uow.commit()
            return gate

    def _expire_on_arrival(self, s: Session, h: Handoff, now: datetime) -> tuple[Reply, ...] | None:
        """A time-out that has passed, applied now: what to tell the citizen first (None: still held)."""
        if h.status is Status.ACTIVE and now - h.idle_since() >= self.rules.idle:
            won = self._end_idle(s, h, now, notify=False)  # the sweep may have told them already
            minutes = int(self.rules.idle.total_seconds() // 60)
            return (Reply(replies.timed_out(self._mpp(h.mpp_code), minutes)),) if won else ()
        if h.status is Status.COMPOSING and now - h.created_at >= self.rules.composing:
            repo.transition(
                s, h.id, [Status.COMPOSING], status=Status.ENDED, ended_reason=EndedBy.TIMEOUT, ended_at=now
            )
            return ()
        return None

    def _keep(self, s: Session, h: Handoff, text: str, source_key: str | None, now: datetime) -> Gate:
        mpp = self._mpp(h.mpp_code)
        body = text.strip()
        if body.startswith("/"):  # a button from the assistant's earlier messages: not words for staff
            return Gate((replies.button_while_held(),))
        if not body:
            return Gate((replies.empty_message(),))
        if len(body) > self.rules.max_chars:
            return Gate((replies.too_long(self.rules.max_chars),))
        repo.add_line(s, self.crypto, h.id, Author.CITIZEN, body, now, source_key=source_key)
        s.query(HandoffRow).filter(HandoffRow.id == h.id).update({"last_citizen_at": now}, synchronize_session=False)
        if h.status is Status.ACTIVE:
            return Gate()  # a person holds the chat: the assistant says nothing
        situation = self._situation(s, mpp, h.agency_code, now)
        if h.status is Status.COMPOSING:
            repo.transition(s, h.id, [Status.COMPOSING], status=Status.MESSAGE, queued_at=h.queued_at or now)
            return Gate((replies.message_left(mpp, situation),))
        # WAITING: still in line, unless the wait ran out or the MPP stopped serving meanwhile
        assert h.queued_at is not None
        if not situation.live or now - h.queued_at >= self.rules.wait:
            repo.transition(s, h.id, [Status.WAITING], status=Status.MESSAGE)
            return Gate((Reply(replies.moved_to_message(mpp, situation)),))
        return Gate((replies.still_waiting(mpp, self._wait(s, h.mpp_code, h.agency_code, repo.ahead_of(s, h), now)),))

    # ---- staff ----------------------------------------------------------------------------------
    @staticmethod
    def _staff_scope(staff: StaffMember) -> tuple[str, str | None]:
        authorize(staff, Permission.HANDLE_HANDOFFS)
        assert staff.mpp_code is not None and staff.id is not None  # every role with the permission has both
        return staff.mpp_code, staff.agency_code if staff.role is Role.CLERK else None

    def _visible(self, s: Session, staff: StaffMember, handoff_id: int) -> Handoff:
        """The handoff if this staff member may take or see it; the same NotFound for unknown and out-of-scope ids."""
        mpp_code, agency = self._staff_scope(staff)
        h = repo.get(s, handoff_id)
        if h is None or h.mpp_code != mpp_code or (agency is not None and h.agency_code not in (None, agency)):
            raise NotFound("Percakapan tidak ditemukan di antrean Anda.")
        return h

    def seen(self, staff: StaffMember) -> None:
        """The staff member has the handoff page open: on duty for ``Rules.on_duty`` from now."""
        mpp_code, agency = self._staff_scope(staff)
        with self._uow(write=True) as uow:
            repo.seen(uow.session, staff.id or 0, mpp_code, agency, self.now())
            uow.commit()

    def off_duty(self, staff_id: int) -> None:
        with self._uow(write=True) as uow:
            repo.off_duty(uow.session, staff_id)
            uow.commit()

    def overview(self, staff: StaffMember) -> Overview:
        mpp_code, agency = self._staff_scope(staff)
        now = self.now()
        with self._uow() as uow:
            s = uow.session
            held = repo.held(s, mpp_code, agency)
            return Overview(
                waiting=repo.queue(s, mpp_code, agency, Status.WAITING),
                messages=repo.queue(s, mpp_code, agency, Status.MESSAGE),
                mine=[h for h, _ in held if h.staff_id == staff.id],
                others=[(h, name) for h, name in held if h.staff_id != staff.id],
                ended=repo.ended_since(s, staff.id or 0, now - timedelta(hours=12)),
                on_duty=len(repo.on_duty(s, mpp_code, agency, now - self.rules.on_duty)),
            )

    def may_read(self, staff: StaffMember, h: Handoff) -> bool:
        """Transcripts: of chats one may take, of one's own, and every one for a supervisor."""
        return h.status in CLAIMABLE or h.staff_id == staff.id or staff.role is Role.SUPERVISOR

    def chat(self, staff: StaffMember, handoff_id: int, after: int = 0) -> tuple[Handoff, list[Line]]:
        """A chat and its transcript (personal data masked), lines after ``after`` only."""
        with self._uow() as uow:
            s = uow.session
            h = self._visible(s, staff, handoff_id)
            if not self.may_read(staff, h):
                raise HandoffError("Percakapan ini sedang ditangani petugas lain.")
            rows = repo.lines(s, h.id, after)
            shown = [
                Line(i, Author(a), mask(s, self.crypto, h.sender, self.crypto.decrypt(b) or "[tidak terbaca]"), at, n)
                for i, a, b, at, n in rows
            ]
            return h, shown

    def claim(self, staff: StaffMember, handoff_id: int, staff_name: str) -> Handoff:
        """Take a waiting chat or a left message; of two staff pressing at once, one wins."""
        now = self.now()
        with self._uow(write=True) as uow:
            s = uow.session
            h = self._visible(s, staff, handoff_id)
            won = repo.transition(
                s,
                h.id,
                CLAIMABLE,
                status=Status.ACTIVE,
                staff_id=staff.id,
                claimed_at=now,
                last_staff_at=None,
            )
            if not won:
                current = repo.get(s, h.id)
                if current is not None and current.status is Status.ACTIVE and current.staff_id == staff.id:
                    return current  # pressed twice
                if current is not None and current.status is Status.ACTIVE:
                    raise HandoffError("Chat ini sudah diambil petugas lain.")
                raise HandoffError("Chat ini sudah tidak menunggu (warga kembali ke asisten atau chat sudah selesai).")
            mpp = self._mpp(h.mpp_code)
            SqlOutbox(s).add(
                Notice(h.sender, "handoff_claimed", replies.claimed(mpp, staff_name), f"handoff:{h.id}:claimed"), now
            )
            repo.seen(s, staff.id or 0, h.mpp_code, self._staff_scope(staff)[1], now)
            uow.commit()
            claimed = repo.get(s, h.id)
            assert claimed is not None
            return claimed

    def reply(self, staff: StaffMember, handoff_id: int, text: str, staff_name: str, nonce: str | None = None) -> int:
        """Send the citizen a message; returns the transcript line's id. ``nonce``: one per form, so a
        double-submitted form sends once."""
        body = (text or "").strip()
        if not body:
            raise HandoffError("Balasan kosong: tulis pesan dulu.")
        if len(body) > self.rules.max_chars:
            raise HandoffError(
                f"Balasan terlalu panjang ({len(body):,} karakter; paling panjang {self.rules.max_chars:,}). "
                "Belum ada yang terkirim; bagi menjadi beberapa pesan.".replace(",", ".")
            )
        now = self.now()
        with self._uow(write=True) as uow:
            s = uow.session
            h = self._visible(s, staff, handoff_id)
            if not repo.transition(s, h.id, [Status.ACTIVE], HandoffRow.staff_id == staff.id, last_staff_at=now):
                raise HandoffError(self._not_holding(h, staff))
            last_word = h.last_citizen_at or h.created_at
            if h.channel == "whatsapp" and now - last_word >= self.rules.whatsapp_window:
                if len(body) > self.rules.template_chars:
                    raise HandoffError(
                        "Warga terakhir menulis lebih dari 24 jam yang lalu, jadi WhatsApp hanya mengizinkan pesan "
                        f"templat: paling panjang {self.rules.template_chars} karakter, tanpa baris baru. "
                        "Persingkat balasan; belum ada yang terkirim."
                    )
            key = f"reply:{h.id}:{nonce}" if nonce else None
            line = repo.add_line(s, self.crypto, h.id, Author.STAFF, body, now, staff_id=staff.id, source_key=key)
            if line is None:  # the same form twice: sent already
                uow.session.rollback()
                return 0
            mpp = self._mpp(h.mpp_code)
            text_out = seal(self.crypto, replies.staff_reply(mpp, staff_name, body))
            SqlOutbox(s).add(Notice(h.sender, "handoff_reply", text_out, f"handoff:{h.id}:reply:{line}"), now)
            uow.commit()
            return line

    @staticmethod
    def _not_holding(h: Handoff, staff: StaffMember) -> str:
        if h.status is Status.ENDED:
            reasons = {
                EndedBy.CITIZEN: "warga sudah kembali ke asisten",
                EndedBy.TIMEOUT: "waktu habis tanpa balasan",
                EndedBy.STAFF: "sudah diakhiri",
                EndedBy.ERASED: "data percakapan dihapus atas permintaan warga",
            }
            return f"Percakapan sudah selesai ({reasons.get(h.ended_reason, 'selesai') if h.ended_reason else 'selesai'}). Balasan tidak terkirim."
        if h.status is Status.ACTIVE and h.staff_id != staff.id:
            return "Percakapan ini ditangani petugas lain. Balasan tidak terkirim."
        return "Ambil percakapan ini dulu sebelum membalas. Balasan tidak terkirim."

    def end(self, staff: StaffMember, handoff_id: int) -> Handoff:
        now = self.now()
        with self._uow(write=True) as uow:
            s = uow.session
            h = self._visible(s, staff, handoff_id)
            if not repo.transition(
                s,
                h.id,
                [Status.ACTIVE],
                HandoffRow.staff_id == staff.id,
                status=Status.ENDED,
                ended_reason=EndedBy.STAFF,
                ended_at=now,
            ):
                raise HandoffError(self._not_holding(h, staff).replace("Balasan tidak terkirim.", "").strip())
            mpp = self._mpp(h.mpp_code)
            SqlOutbox(s).add(
                Notice(h.sender, "handoff_ended", replies.ended_by_staff(mpp), f"handoff:{h.id}:ended"), now
            )
            uow.commit()
            ended = repo.get(s, h.id)
            assert ended is not None
            return ended

    # ---- time-outs ----------------------------------------------------------------------------
    def _end_idle(self, s: Session, h: Handoff, now: datetime, notify: bool = True) -> bool:
        idle_before = now - self.rules.idle
        won = repo.transition(
            s,
            h.id,
            [Status.ACTIVE],
            HandoffRow.staff_id == h.staff_id,
            func.coalesce(HandoffRow.last_staff_at, HandoffRow.claimed_at) <= idle_before,
            status=Status.ENDED,
            ended_reason=EndedBy.TIMEOUT,
            ended_at=now,
        )
        if won and notify:
            mpp = self._mpp(h.mpp_code)
            minutes = int(self.rules.idle.total_seconds() // 60)
            SqlOutbox(s).add(
                Notice(h.sender, "handoff_timeout", replies.timed_out(mpp, minutes), f"handoff:{h.id}:timeout"), now
            )
        return won

    def sweep(self) -> dict[str, int]:
        """Apply the time-outs and closing time; tell each citizen once (the notifier runs it every 30 s,
        ``mpp handoff sweep`` too; running it twice changes nothing)."""
        now = self.now()
        counts = {"timed_out": 0, "moved_to_message": 0, "dropped": 0}
        with self._uow(write=True) as uow:
            s = uow.session
            for h in repo.stale(s, Status.ACTIVE, now - self.rules.idle):
                counts["timed_out"] += self._end_idle(s, h, now)
            for h in repo.stale(s, Status.COMPOSING, now - self.rules.composing):
                counts["dropped"] += repo.transition(
                    s, h.id, [Status.COMPOSING], status=Status.ENDED, ended_reason=EndedBy.TIMEOUT, ended_at=now
                )
            for h in repo.all_waiting(s):
                mpp = self._catalogue().mpp(h.mpp_code)
                if mpp is None or h.queued_at is None:
                    continue
                situation = self._situation(s, mpp, h.agency_code, now)
                if (situation.live and now - h.queued_at < self.rules.wait) or not repo.transition(
                    s, h.id, [Status.WAITING], status=Status.MESSAGE
                ):
                    continue
                counts["moved_to_message"] += 1
                SqlOutbox(s).add(
                    Notice(
                        h.sender, "handoff_moved", replies.moved_to_message(mpp, situation), f"handoff:{h.id}:moved"
                    ),
                    now,
                )
            uow.commit()
        return counts
