"""The complaint use cases: filing and checking by chat; triage, assignment, replies, resolution in the console;
the export for SP4N-LAPOR.

Replies and notices reach the citizen's chat through the outbox, written in the same transaction as the
change they report (the notifier sends them with its rate limits, WhatsApp rules, retries and dead
letters); a staff reply is sealed there because staff may type personal data. What staff see of the
citizen's text has NIK and phone numbers masked (``mpp.handoff.transcript.mask``).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from mpp.catalogue.model import Catalogue
from mpp.clock import Clock, utc_now
from mpp.codes import ALPHABET
from mpp.db.complaint_tables import ComplaintRow
from mpp.db.sql import aware
from mpp.grievance import replies
from mpp.grievance import repository as repo
from mpp.grievance.model import (
    NUMBER,
    SECRET_LENGTH,
    Category,
    Complaint,
    ComplaintError,
    Draft,
    NotFound,
    Status,
    categorize,
    format_number,
    may_assign,
    may_see,
    parse_number,
)
from mpp.grievance.rules import Rules, add_days, load_rules
from mpp.handoff.transcript import mask
from mpp.notify_outbox import Notice, SqlOutbox, seal
from mpp.privacy import TOKEN_PATTERN, Crypto
from mpp.privacy_store import resolve_token
from mpp.replies import Reply
from mpp.staff.roles import Permission, StaffMember, authorize
from mpp.uow import SqlUnitOfWork

OPEN = (Status.BARU, Status.DITERUSKAN, Status.DIJAWAB)


@dataclass(frozen=True)
class Note:
    kind: str
    text: str | None
    at: datetime


@dataclass(frozen=True)
class Detail:
    complaint: Complaint
    description: str  # masked
    occurred: str | None
    contact: str | None  # masked
    notes: list[Note]


def new_secret() -> str:
    """Six characters with at least two digits, so that it is told apart from a word when typed in a sentence, and a
    letter first: typed right after the number's ten digits, digits would make a run of twelve, which the REST
    channel takes for a NIK and swaps for a token (``mpp.privacy.find_personal_data``)."""
    while True:
        secret = "".join(secrets.choice(ALPHABET) for _ in range(SECRET_LENGTH))
        if sum(ch.isdigit() for ch in secret) >= 2 and secret[0].isalpha():
            return secret


def check_description(text: str, limit: int) -> str | None:
    """The citizen-facing reason a description cannot be filed, or None."""
    text = (text or "").strip()
    if not text:
        return replies.EMPTY
    if len(text) > limit:
        return replies.too_long(len(text), limit)
    return None


class ComplaintService:
    def __init__(
        self,
        session_factory: Callable[[], Session],
        catalogue: Callable[[], Catalogue],
        crypto: Crypto,
        clock: Clock,
        rules: Rules | None = None,
    ):
        self._sessions, self._catalogue, self.crypto, self._clock = session_factory, catalogue, crypto, clock
        self.rules = rules or load_rules()

    def now(self) -> datetime:
        return utc_now(self._clock)

    def _uow(self, write: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._sessions, write)

    def _local_day(self, mpp_code: str, at: datetime) -> date:
        mpp = self._catalogue().mpp(mpp_code)
        return at.astimezone(ZoneInfo(mpp.timezone if mpp else "Asia/Jakarta")).date()

    def today(self, mpp_code: str) -> date:
        return self._local_day(mpp_code, self.now())

    def _open(self, value: str | None) -> str | None:
        return self.crypto.decrypt(value) if value else None

    # ---- the citizen ------------------------------------------------------------------------
    def file(self, sender: str, draft: Draft) -> tuple[Complaint, Reply]:
        problem = check_description(draft.description, self.rules.max_chars)
        if problem:
            raise ComplaintError(problem)
        cat = self._catalogue()
        mpp = cat.mpp(draft.mpp_code)
        if mpp is None:
            raise ComplaintError(replies.unknown_mpp(cat).text)
        agency = draft.agency_code if draft.agency_code in mpp.agencies else None
        now = self.now()
        day = self._local_day(mpp.code, now)
        category = categorize(draft.description)
        secret = new_secret()
        with self._uow(write=True) as uow:
            s = uow.session
            number = format_number(day.year, repo.next_sequence(s, day.year))
            row = ComplaintRow(
                number=number,
                sender=sender,
                secret_hash=self.crypto.keyed_hash(secret),
                mpp_code=mpp.code,
                named_agency=agency,
                assigned_agency=None,
                category=category.value,
                status=Status.BARU.value,
                description_encrypted=self.crypto.encrypt(draft.description.strip()),
                occurred_encrypted=self.crypto.encrypt(draft.occurred.strip()) if draft.occurred else None,
                contact_encrypted=self.crypto.encrypt(self._contact(s, sender, draft.contact))
                if draft.contact
                else None,
                filed_at=now,
                respond_by=add_days(cat, day, self.rules.first_response.days, self.rules.working_days),
                resolve_by=add_days(cat, day, self.rules.resolve[category].days, self.rules.working_days),
            )
            s.add(row)
            s.flush()
            complaint = repo.view(row)
            uow.commit()
        return complaint, replies.filed(complaint, secret, cat, self.rules.first_response.days)

    def _contact(self, s: Session, sender: str, contact: str) -> str:
        """The contact as typed: a phone number arrives as a token (``bot.rasa_channel``), kept here as its value
        so that it outlives the token vault's 30 days (sealed like the rest)."""
        return TOKEN_PATTERN.sub(
            lambda m: resolve_token(s, self.crypto, sender, m.group(0)) or m.group(0), contact.strip()
        )

    def check(self, sender: str, text: str) -> Reply:
        """ "cek pengaduan [nomor] [kode]": the chat's own complaints freely, another's only with its secret."""
        number = parse_number(text or "")
        cat = self._catalogue()
        now = self.now()
        chat_hash = self.crypto.keyed_hash(f"complaint-lookup:{sender}")
        with self._uow(write=True) as uow:
            s = uow.session
            if number is None:
                mine = repo.of_sender(s, sender)
                if not mine:
                    return Reply(replies.NONE_HERE)
                if len(mine) > 1:
                    return replies.several(mine)
                return self._status(s, mine[0], cat)
            row = repo.by_number(s, number)
            if row is not None and row.sender == sender:
                return self._status(s, repo.view(row), cat)
            secret = secret_in(text, number)
            if secret is None:  # the same answer whether the number exists or not
                return Reply(replies.NEEDS_CODE)
            if repo.failed_lookups(s, chat_hash, now - timedelta(hours=1)) >= self.rules.lookups_per_hour:
                return Reply(replies.THROTTLED)
            ok = (
                row is not None
                and row.secret_hash is not None
                and secrets.compare_digest(row.secret_hash, self.crypto.keyed_hash(secret))
            )
            if not ok or row is None:
                repo.record_failed_lookup(s, chat_hash, now)
                uow.commit()
                return Reply(replies.NOT_FOUND)
            return self._status(s, repo.view(row), cat)

    def _status(self, s: Session, c: Complaint, cat: Catalogue) -> Reply:
        last = None
        for note in reversed(repo.notes(s, c.id)):
            if note.kind in ("reply", "resolved") and note.body_encrypted:
                last = self._open(note.body_encrypted)
                break
        return replies.status(c, cat, last, self.today(c.mpp_code))

    def mine(self, sender: str) -> list[Complaint]:
        with self._uow() as uow:
            return repo.of_sender(uow.session, sender)

    # ---- staff ------------------------------------------------------------------------------
    def _visible(self, s: Session, staff: StaffMember, complaint_id: int) -> ComplaintRow:
        authorize(staff, Permission.TRIAGE_COMPLAINTS)
        row = repo.row(s, complaint_id)
        if row is None or not may_see(staff, repo.view(row)):
            raise NotFound("Pengaduan tidak ditemukan di daftar Anda.")
        return row

    def triage(self, staff: StaffMember) -> list[Complaint]:
        """What this staff member may see: open ones oldest first, then the resolved ones, newest first."""
        authorize(staff, Permission.TRIAGE_COMPLAINTS)
        with self._uow() as uow:
            items = [c for c in repo.in_mpp(uow.session, staff.mpp_code) if may_see(staff, c)]
        open_ = [c for c in items if c.status is not Status.SELESAI]
        done = sorted((c for c in items if c.status is Status.SELESAI), key=lambda c: c.filed_at, reverse=True)
        return open_ + done

    def detail(self, staff: StaffMember, complaint_id: int) -> Detail:
        with self._uow() as uow:
            s = uow.session
            row = self._visible(s, staff, complaint_id)
            c = repo.view(row)
            owner = row.sender or ""
            desc = self._open(row.description_encrypted)
            contact = self._open(row.contact_encrypted)
            return Detail(
                c,
                mask(s, self.crypto, owner, desc) if desc else "(dihapus atas permintaan warga atau masa simpan habis)",
                self._open(row.occurred_encrypted),
                mask(s, self.crypto, owner, contact) if contact else None,
                [Note(n.kind, self._open(n.body_encrypted), aware(n.created_at)) for n in repo.notes(s, c.id)],  # type: ignore[arg-type]
            )

    def assign(self, staff: StaffMember, complaint_id: int, agency_code: str) -> Complaint:
        if not may_assign(staff):
            raise ComplaintError("Hanya admin MPP atau supervisor yang dapat meneruskan pengaduan ke instansi.")
        now = self.now()
        with self._uow(write=True) as uow:
            s = uow.session
            c = repo.view(self._visible(s, staff, complaint_id))
            if c.category is Category.PUNGLI:
                raise ComplaintError("Laporan pungli tidak diteruskan ke instansi; supervisor menanganinya langsung.")
            mpp = self._catalogue().mpp(c.mpp_code)
            agency = mpp.agencies.get(agency_code) if mpp else None
            if agency is None:
                raise ComplaintError(f"Instansi {agency_code!r} tidak ada di {c.mpp_code}.")
            if not repo.change(
                s,
                c.id,
                OPEN,
                assigned_agency=agency.code,
                status=Status.DITERUSKAN if c.status is Status.BARU else c.status,
            ):
                raise ComplaintError("Pengaduan ini sudah selesai.")
            repo.add_note(s, c.id, "assigned", staff.id, self.crypto.encrypt(agency.name), now)
            if c.sender:
                text = replies.assigned_notice(c, agency.name)
                SqlOutbox(s).add(
                    Notice(c.sender, "complaint_assigned", text, f"complaint:{c.id}:assigned:{agency.code}"), now
                )
            uow.commit()
        return c

    def reply(self, staff: StaffMember, complaint_id: int, text: str, nonce: str | None = None) -> None:
        body = (text or "").strip()
        if not body:
            raise ComplaintError("Balasan masih kosong.")
        if len(body) > self.rules.max_chars:
            raise ComplaintError(f"Balasan terlalu panjang ({len(body)} karakter; maksimal {self.rules.max_chars}).")
        now = self.now()
        with self._uow(write=True) as uow:
            s = uow.session
            c = repo.view(self._visible(s, staff, complaint_id))
            key = f"complaint:{c.id}:reply:{nonce or secrets.token_hex(8)}"
            if nonce and repo.notice_exists(s, key):  # the same form submitted twice: sent (and noted) once
                return
            if c.status is Status.SELESAI:
                raise ComplaintError("Pengaduan ini sudah selesai; balasan tidak dikirim.")
            values: dict[str, Any] = {"status": Status.DIJAWAB}
            if c.responded_at is None:
                values["responded_at"] = now
            if not repo.change(s, c.id, OPEN, **values):
                raise ComplaintError("Pengaduan ini baru saja diubah petugas lain. Muat ulang halaman.")
            repo.add_note(s, c.id, "reply", staff.id, self.crypto.encrypt(body), now)
            if c.sender:
                SqlOutbox(s).add(
                    Notice(c.sender, "complaint_reply", seal(self.crypto, replies.reply_notice(c, body)), key), now
                )
            uow.commit()

    def resolve(self, staff: StaffMember, complaint_id: int, text: str = "") -> None:
        body = (text or "").strip() or None
        if body and len(body) > self.rules.max_chars:
            raise ComplaintError(f"Catatan terlalu panjang ({len(body)} karakter; maksimal {self.rules.max_chars}).")
        now = self.now()
        with self._uow(write=True) as uow:
            s = uow.session
            c = repo.view(self._visible(s, staff, complaint_id))
            values: dict[str, Any] = {"status": Status.SELESAI, "resolved_at": now}
            if c.responded_at is None:
                values["responded_at"] = now
            if not repo.change(s, c.id, OPEN, **values):
                raise ComplaintError("Pengaduan ini sudah selesai.")
            repo.add_note(s, c.id, "resolved", staff.id, self.crypto.encrypt(body) if body else None, now)
            if c.sender:
                text_out = seal(self.crypto, replies.resolved_notice(c, body))
                SqlOutbox(s).add(Notice(c.sender, "complaint_resolved", text_out, f"complaint:{c.id}:resolved"), now)
            uow.commit()

    # ---- export for SP4N-LAPOR ------------------------------------------------------------------
    def export(self, staff: StaffMember, start: date, end: date) -> list[dict[str, Any]]:
        """One record per complaint filed from ``start`` to ``end`` (inclusive, UTC days) that ``staff`` may see."""
        from mpp.grievance.export import record

        authorize(staff, Permission.TRIAGE_COMPLAINTS)
        if end < start:
            raise ComplaintError("Tanggal akhir sebelum tanggal awal.")
        since = datetime(start.year, start.month, start.day, tzinfo=ZoneInfo("UTC"))
        until = datetime(end.year, end.month, end.day, tzinfo=ZoneInfo("UTC")) + timedelta(days=1)
        cat = self._catalogue()
        out = []
        with self._uow() as uow:
            s = uow.session
            for c in repo.in_mpp(s, staff.mpp_code, since, until):
                if not may_see(staff, c):
                    continue
                row = repo.row(s, c.id)
                assert row is not None
                desc = self._open(row.description_encrypted)
                masked = mask(s, self.crypto, row.sender or "", desc) if desc else None
                out.append(record(cat, c, masked, self._open(row.occurred_encrypted)))
        return out


def secret_in(text: str, number: str) -> str | None:
    """The secret typed next to the number, if any (six characters of the code alphabet, with digits)."""
    rest = NUMBER.sub(" ", text)
    for word in re.findall(r"[A-Za-z0-9]+", rest):
        w = word.upper()
        if len(w) == SECRET_LENGTH and all(ch in ALPHABET for ch in w) and any(ch.isdigit() for ch in w):
            return w
    return None
