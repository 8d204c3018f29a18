"""Staff accounts, passwords, server-side sessions and CSRF tokens.

Passwords are hashed with scrypt (standard library, memory-hard). The session
cookie carries a random token; the database keeps only its SHA-256, so a dump of
the sessions table opens no session. Every form carries the session's CSRF token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mpp.db.queue_tables import StaffRow, StaffSessionRow

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SESSION_HOURS = 10  # one working day


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return (
        f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
    )


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(
        password.encode(),
        salt=base64.b64decode(salt),
        n=int(n),
        r=int(r),
        p=int(p),
        dklen=len(base64.b64decode(digest)),
    )
    return hmac.compare_digest(candidate, base64.b64decode(digest))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class StaffSession:
    staff_id: int
    username: str
    display_name: str
    mpp_code: str
    agency_code: str
    counter_code: str | None
    csrf_token: str


def add_staff(
    session: Session,
    username: str,
    password: str,
    display_name: str,
    mpp_code: str,
    agency_code: str,
    counter_code: str | None = None,
) -> StaffRow:
    if len(password) < 10:
        raise ValueError("password must have at least 10 characters")
    row = StaffRow(
        username=username,
        password_hash=hash_password(password),
        display_name=display_name,
        mpp_code=mpp_code,
        agency_code=agency_code,
        counter_code=counter_code,
        active=True,
        created_at=datetime.now(timezone.utc),
    )
    session.add(row)
    return row


_DUMMY = hash_password("a password nobody has")


def login(session: Session, username: str, password: str, now: datetime) -> str | None:
    """A new session token for good credentials; None otherwise (same work either way)."""
    staff = session.execute(select(StaffRow).where(StaffRow.username == username)).scalar_one_or_none()
    ok = verify_password(password, staff.password_hash if staff else _DUMMY)
    if staff is None or not staff.active or not ok:
        return None
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSessionRow(
            token_hash=_token_hash(token),
            staff_id=staff.id,
            csrf_token=secrets.token_urlsafe(24),
            counter_code=staff.counter_code,
            created_at=now,
            expires_at=now + timedelta(hours=SESSION_HOURS),
        )
    )
    return token


def resolve(session: Session, token: str | None, now: datetime) -> StaffSession | None:
    if not token:
        return None
    row = session.get(StaffSessionRow, _token_hash(token))
    if row is None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=timezone.utc)
    if expires <= now:
        session.delete(row)
        return None
    staff = session.get(StaffRow, row.staff_id)
    if staff is None or not staff.active:
        return None
    return StaffSession(
        staff.id,
        staff.username,
        staff.display_name,
        staff.mpp_code,
        staff.agency_code,
        row.counter_code,
        row.csrf_token,
    )


def set_counter(session: Session, token: str, counter_code: str) -> None:
    row = session.get(StaffSessionRow, _token_hash(token))
    if row is not None:
        row.counter_code = counter_code


def logout(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(StaffSessionRow).where(StaffSessionRow.token_hash == _token_hash(token)))


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())
