"""Staff accounts, passwords and server-side sessions.

Passwords are scrypt hashes (standard library, memory-hard). ``verify_password`` is the
expensive step and is kept apart from the database steps so that a caller can run it on a
small executor of its own: a login flood then queues there instead of starving everything
else. The session cookie carries a random token; the database keeps only its SHA-256, so a
dump of the sessions table opens no session. Every form carries the session's CSRF token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from mpp.catalogue.model import Catalogue
from mpp.db.staff_tables import StaffRow, StaffSessionRow
from mpp.staff.roles import Role, StaffMember

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SESSION_HOURS = 10  # one working day
MIN_PASSWORD, MAX_PASSWORD = 10, 256
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")


class AccountError(ValueError):
    """An account request that cannot be honoured; the message names the field and the problem."""


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    return (
        f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
    )


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        candidate = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except ValueError:
        return False
    return hmac.compare_digest(candidate, expected)


_DUMMY = hash_password("a password nobody has")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def member_of(row: StaffRow) -> StaffMember:
    return StaffMember(row.id, row.username, Role(row.role), row.mpp_code, row.agency_code)


@dataclass(frozen=True)
class StaffSession:
    """A logged-in staff member as the console sees them."""

    member: StaffMember
    display_name: str
    counter_code: str | None
    csrf_token: str

    @property
    def staff_id(self) -> int:
        assert self.member.id is not None
        return self.member.id

    @property
    def username(self) -> str:
        return self.member.username

    @property
    def role(self) -> Role:
        return self.member.role

    @property
    def mpp_code(self) -> str | None:
        return self.member.mpp_code

    @property
    def agency_code(self) -> str | None:
        return self.member.agency_code


def scope_problems(
    catalogue: Catalogue, role: Role, mpp_code: str | None, agency_code: str | None, counter_code: str | None
) -> list[str]:
    """What is wrong with this role and scope against the catalogue (empty: nothing)."""
    if not role.needs_mpp:
        if mpp_code or agency_code or counter_code:
            return [f"a {role.value} works for every MPP: give no --mpp, --agency or --counter"]
        return []
    if not mpp_code:
        return [f"a {role.value} needs --mpp"]
    mpp = catalogue.mpp(mpp_code)
    if mpp is None:
        return [f"unknown MPP '{mpp_code}' (known: {', '.join(sorted(catalogue.mpps))})"]
    if not role.needs_agency:
        if agency_code or counter_code:
            return [f"only clerks have an agency and a counter; a {role.value} gets neither"]
        return []
    if not agency_code:
        return ["a clerk needs --agency"]
    if agency_code not in mpp.agencies:
        return [f"'{agency_code}' is not an agency of {mpp_code} (known: {', '.join(sorted(mpp.agencies))})"]
    if counter_code and (counter_code not in mpp.counters or mpp.counters[counter_code].agency_code != agency_code):
        return [f"counter '{counter_code}' is not a counter of {agency_code} at {mpp_code}"]
    return []


def add_staff(
    session: Session,
    username: str,
    password: str,
    display_name: str,
    mpp_code: str | None,
    agency_code: str | None,
    counter_code: str | None = None,
    role: Role = Role.CLERK,
) -> StaffRow:
    """Store a new account (the caller checks the scope against the catalogue and authorises)."""
    if not USERNAME.fullmatch(username):
        raise AccountError("username: 3-64 of a-z 0-9 . _ -, starting with a letter or digit")
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise AccountError(f"password must have {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    StaffMember(None, username, role, mpp_code, agency_code)  # raises on a scope the role cannot have
    if session.execute(select(StaffRow.id).where(StaffRow.username == username)).first() is not None:
        raise AccountError(f"user '{username}' exists already")
    row = StaffRow(
        username=username,
        password_hash=hash_password(password),
        display_name=display_name[:120],
        role=role.value,
        mpp_code=mpp_code,
        agency_code=agency_code if role.needs_agency else None,
        counter_code=counter_code if role.needs_agency else None,
        active=True,
        created_at=datetime.now(timezone.utc),
    )
    session.add(row)
    session.flush()
    return row


def list_staff(session: Session, mpp_code: str | None = None) -> list[StaffRow]:
    query = select(StaffRow).order_by(StaffRow.mpp_code, StaffRow.username)
    if mpp_code is not None:
        query = query.where(StaffRow.mpp_code == mpp_code)
    return list(session.execute(query).scalars())


def find(session: Session, username: str) -> StaffRow | None:
    return session.execute(select(StaffRow).where(StaffRow.username == username)).scalar_one_or_none()


def deactivate(session: Session, row: StaffRow) -> int:
    """Disable an account and end its sessions at once; returns how many sessions ended."""
    row.active = False
    result = session.execute(delete(StaffSessionRow).where(StaffSessionRow.staff_id == row.id))
    return int(result.rowcount or 0)


# ---- logging in ---------------------------------------------------------------------
def password_hash_for(session: Session, username: str) -> tuple[int | None, str]:
    """(account id if it may log in, hash to check). Unknown or disabled accounts get a dummy hash,
    so that checking costs the same whether or not the account exists."""
    row = find(session, username)
    if row is None or not row.active:
        return None, _DUMMY
    return row.id, row.password_hash


def open_session(session: Session, staff_id: int, now: datetime) -> str:
    """A new session token for an account whose password was checked."""
    row = session.get(StaffRow, staff_id)
    token = secrets.token_urlsafe(32)
    session.add(
        StaffSessionRow(
            token_hash=_token_hash(token),
            staff_id=staff_id,
            csrf_token=secrets.token_urlsafe(24),
            counter_code=row.counter_code if row is not None else None,
            created_at=now,
            expires_at=now + timedelta(hours=SESSION_HOURS),
        )
    )
    return token


def login(session: Session, username: str, password: str, now: datetime) -> str | None:
    """All three steps in one call (CLI, tests); the console splits them to bound the scrypt work."""
    staff_id, stored = password_hash_for(session, username)
    if not verify_password(password, stored) or staff_id is None:
        return None
    return open_session(session, staff_id, now)


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
    return StaffSession(member_of(staff), staff.display_name, row.counter_code, row.csrf_token)


def set_counter(session: Session, token: str, counter_code: str) -> None:
    row = session.get(StaffSessionRow, _token_hash(token))
    if row is not None:
        row.counter_code = counter_code


def logout(session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(StaffSessionRow).where(StaffSessionRow.token_hash == _token_hash(token)))


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())
