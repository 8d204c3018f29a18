"""Kiosk devices: enrolled by staff, each with a revocable credential, rate-limited and audited.

A kiosk is a public screen, so a browser is a kiosk only after an MPP administrator created
a device in the console and the kiosk used its one-time enrolment code (valid
``ENROL_MINUTES``). The kiosk then holds a random credential (only its hash is stored);
revoking the device refuses its next request. Every kiosk action is written to the audit log
with the device, and the limits below count those rows per device over a sliding window:
walk-in tickets, priority tickets (the citizen picks a reason, which is counted; past the
limit the kiosk sends them to a staff member, who confirms priority in the console) and
check-ins with an unknown code (guessing codes).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from mpp.db.staff_tables import AuditRow, KioskDeviceRow
from mpp.db.uow import UnitOfWork
from mpp.queue.service import QueueError, QueueService, TicketView
from mpp.staff import audit
from mpp.staff.roles import Permission, StaffMember, authorize, mpp_scope

ENROL_MINUTES = 30
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: typed by hand on a kiosk
PRIORITY_REASONS = {"lansia": "Lansia", "disabilitas": "Penyandang disabilitas", "hamil": "Ibu hamil"}
WALK_IN, PRIORITY, CHECK_IN, CHECK_IN_FAILED = "kiosk_walk_in", "kiosk_priority", "kiosk_check_in", "kiosk_bad_code"


class KioskRefused(Exception):
    """The kiosk may not do this now; the message is for the citizen at the screen (Indonesian)."""


@dataclass(frozen=True)
class KioskPolicy:
    walk_ins: int = 30  # walk-in tickets per device per window (priority ones included)
    priority: int = 6  # of which priority tickets
    bad_codes: int = 10  # check-ins with a code that is not found
    window: timedelta = timedelta(minutes=10)

    @classmethod
    def from_env(cls) -> KioskPolicy:
        def number(name: str, default: int) -> int:
            raw = os.environ.get(name, "").strip()
            if not raw:
                return default
            if not raw.isdigit() or int(raw) < 1:
                raise ValueError(f"{name}={raw!r}: a whole number of at least 1 is needed")
            return int(raw)

        return cls(
            walk_ins=number("KIOSK_WALK_IN_LIMIT", cls.walk_ins),
            priority=number("KIOSK_PRIORITY_LIMIT", cls.priority),
            bad_codes=number("KIOSK_BAD_CODE_LIMIT", cls.bad_codes),
            window=timedelta(minutes=number("KIOSK_WINDOW_MINUTES", 10)),
        )


@dataclass(frozen=True)
class KioskDevice:
    id: int
    mpp_code: str
    name: str
    csrf_token: str | None
    enrolled: bool
    revoked: bool
    created_at: datetime
    enrol_expires_at: datetime | None


def _device(row: KioskDeviceRow) -> KioskDevice:
    return KioskDevice(
        row.id,
        row.mpp_code,
        row.name,
        row.csrf_token,
        row.enrolled_at is not None,
        row.revoked_at is not None,
        row.created_at,
        row.enrol_expires_at,
    )


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())[:20]


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def _aware(value: datetime, like: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=like.tzinfo)


# ---- devices (staff side) ---------------------------------------------------------------
def create_device(session: Session, actor: StaffMember, mpp_code: str, name: str, now: datetime) -> tuple[int, str]:
    """A new device at ``mpp_code`` and its one-time enrolment code (shown once, stored hashed)."""
    authorize(actor, Permission.MANAGE_KIOSKS, mpp=mpp_code)
    name = " ".join(name.split())[:80]
    if not name:
        raise ValueError("Beri nama anjungan (misalnya: Anjungan lobi lantai 1).")
    code = _new_code()
    row = KioskDeviceRow(
        mpp_code=mpp_code,
        name=name,
        enrol_code_hash=_hash(normalize_code(code)),
        enrol_expires_at=now + timedelta(minutes=ENROL_MINUTES),
        created_by=actor.id,
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit.record(session, "kiosk_created", now, staff_id=actor.id, device_id=row.id, mpp_code=mpp_code, detail=name)
    return row.id, code


def _own_device(session: Session, actor: StaffMember, device_id: int) -> KioskDeviceRow:
    row = session.get(KioskDeviceRow, device_id)
    if row is None:
        raise ValueError("Anjungan itu tidak ada.")
    authorize(actor, Permission.MANAGE_KIOSKS, mpp=row.mpp_code)
    return row


def new_enrolment_code(session: Session, actor: StaffMember, device_id: int, now: datetime) -> str:
    """Enrol the device again (a new browser, lost cookie): the old credential stops at once."""
    row = _own_device(session, actor, device_id)
    if row.revoked_at is not None:
        raise ValueError("Anjungan ini sudah dicabut; buat anjungan baru.")
    code = _new_code()
    row.enrol_code_hash, row.enrol_expires_at = _hash(normalize_code(code)), now + timedelta(minutes=ENROL_MINUTES)
    row.credential_hash, row.csrf_token, row.enrolled_at = None, None, None
    audit.record(session, "kiosk_reenrol", now, staff_id=actor.id, device_id=row.id, mpp_code=row.mpp_code)
    return code


def revoke(session: Session, actor: StaffMember, device_id: int, now: datetime) -> KioskDevice:
    row = _own_device(session, actor, device_id)
    if row.revoked_at is None:
        row.revoked_at, row.revoked_by = now, actor.id
        row.credential_hash = row.enrol_code_hash = row.csrf_token = None
        audit.record(session, "kiosk_revoked", now, staff_id=actor.id, device_id=row.id, mpp_code=row.mpp_code)
    return _device(row)


def list_devices(session: Session, actor: StaffMember) -> list[KioskDevice]:
    authorize(actor, Permission.MANAGE_KIOSKS)
    query = select(KioskDeviceRow).order_by(KioskDeviceRow.mpp_code, KioskDeviceRow.id)
    scope = mpp_scope(actor)
    if scope is not None:
        query = query.where(KioskDeviceRow.mpp_code == scope)
    return [_device(r) for r in session.execute(query).scalars()]


def activity(session: Session, device_ids: list[int], since: datetime) -> dict[int, dict[str, int]]:
    """Per device: how many of each kiosk action since ``since`` (the console's kiosk page)."""
    if not device_ids:
        return {}
    rows = session.execute(
        select(AuditRow.device_id, AuditRow.action, func.count())
        .where(AuditRow.device_id.in_(device_ids), AuditRow.at > since)
        .group_by(AuditRow.device_id, AuditRow.action)
    ).all()
    out: dict[int, dict[str, int]] = {}
    for device_id, action, count in rows:
        out.setdefault(int(device_id), {})[str(action)] = int(count)
    return out


# ---- the kiosk itself --------------------------------------------------------------------
def enrol(session: Session, code: str, now: datetime) -> tuple[KioskDevice, str] | None:
    """Use a one-time code: the device and its new credential, or None (unknown, used, expired, revoked)."""
    normalized = normalize_code(code)
    if len(normalized) != 10:
        return None
    row = session.execute(
        select(KioskDeviceRow).where(KioskDeviceRow.enrol_code_hash == _hash(normalized))
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None or row.enrol_expires_at is None:
        return None
    if _aware(row.enrol_expires_at, now) <= now:
        return None
    credential = secrets.token_urlsafe(32)
    row.credential_hash, row.csrf_token = _hash(credential), secrets.token_urlsafe(24)
    row.enrol_code_hash, row.enrol_expires_at, row.enrolled_at = None, None, now
    audit.record(session, "kiosk_enrolled", now, device_id=row.id, mpp_code=row.mpp_code)
    return _device(row), credential


def resolve(session: Session, credential: str | None) -> KioskDevice | None:
    """The enrolled, unrevoked device holding ``credential``; checked on every kiosk request."""
    if not credential or len(credential) > 128:
        return None
    row = session.execute(
        select(KioskDeviceRow).where(KioskDeviceRow.credential_hash == _hash(credential))
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        return None
    return _device(row)


def _serialize(session: Session, device_id: int) -> None:
    """Limits are count-then-insert: one device's requests take turns (SQLite: the write lock)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"kiosk:{device_id}"})


class KioskService:
    """What a kiosk may do: walk-in tickets and check-ins, each counted and audited with the device."""

    def __init__(
        self,
        session_factory: Callable[[], Session],
        queue: QueueService,
        policy: KioskPolicy,
        now: Callable[[], datetime],
    ):
        self._sessions, self._queue, self.policy, self._now = session_factory, queue, policy, now

    def _reserve(self, device: KioskDevice, action: str, detail: str, checks: list[tuple[tuple[str, ...], int]]) -> int:
        now = self._now()
        with UnitOfWork(self._sessions, write=True) as uow:
            _serialize(uow.session, device.id)
            for actions, limit in checks:
                if audit.device_count(uow.session, device.id, actions, now - self.policy.window) >= limit:
                    raise KioskRefused(self._limit_message(actions))
            row = audit.record(uow.session, action, now, device_id=device.id, mpp_code=device.mpp_code, detail=detail)
            uow.commit()
            return int(row.id)

    @staticmethod
    def _limit_message(actions: tuple[str, ...]) -> str:
        if actions == (PRIORITY,):
            return "Nomor prioritas dari anjungan ini sedang dibatasi. Silakan minta nomor prioritas kepada petugas."
        if actions == (CHECK_IN_FAILED,):
            return "Terlalu banyak kode booking yang tidak ditemukan di anjungan ini. Silakan minta bantuan petugas."
        return "Anjungan ini sedang dibatasi karena terlalu banyak permintaan. Silakan tunggu sebentar atau minta bantuan petugas."

    def _settle(self, audit_id: int, ticket_id: int | None, detail: str | None = None) -> None:
        with UnitOfWork(self._sessions, write=True) as uow:
            row = uow.session.get(AuditRow, audit_id)
            if row is not None:
                row.ticket_id = ticket_id
                if detail:
                    row.detail = f"{row.detail or ''} — {detail}"[:500]
            uow.commit()

    def walk_in(self, device: KioskDevice, service_code: str, reason: str | None) -> TicketView:
        """A walk-in ticket; ``reason`` (a PRIORITY_REASONS key) asks for the priority lane."""
        if reason is not None and reason not in PRIORITY_REASONS:
            raise KioskRefused("Pilih alasan prioritas dari daftar, atau ambil nomor biasa.")
        walk_ins = ((WALK_IN, PRIORITY), self.policy.walk_ins)
        if reason is None:
            audit_id = self._reserve(device, WALK_IN, service_code[:64], [walk_ins])
        else:
            audit_id = self._reserve(
                device, PRIORITY, f"{service_code[:64]} {reason}", [walk_ins, ((PRIORITY,), self.policy.priority)]
            )
        try:
            ticket = self._queue.issue_walk_in(device.mpp_code, service_code, reason is not None)
        except QueueError as exc:
            self._settle(audit_id, None, f"ditolak: {exc}")
            raise
        self._settle(audit_id, ticket.id)
        return ticket

    def check_in(self, device: KioskDevice, code: str) -> TicketView:
        now = self._now()
        with UnitOfWork(self._sessions) as uow:
            if (
                audit.device_count(uow.session, device.id, (CHECK_IN_FAILED,), now - self.policy.window)
                >= self.policy.bad_codes
            ):
                raise KioskRefused(self._limit_message((CHECK_IN_FAILED,)))
        try:
            ticket = self._queue.check_in(device.mpp_code, code)
        except QueueError as exc:
            with UnitOfWork(self._sessions, write=True) as uow:
                # The code itself is not kept: it is what opens a citizen's booking.
                audit.record(
                    uow.session, CHECK_IN_FAILED, now, device_id=device.id, mpp_code=device.mpp_code, detail=str(exc)
                )
                uow.commit()
            raise
        with UnitOfWork(self._sessions, write=True) as uow:
            audit.record(uow.session, CHECK_IN, now, device_id=device.id, mpp_code=device.mpp_code, ticket_id=ticket.id)
            uow.commit()
        return ticket
