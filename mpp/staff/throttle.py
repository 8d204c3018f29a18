"""Login throttling per account and per client address, kept in the database (shared by processes).

Every attempt is recorded *before* its password is checked, and an attempt is refused
without checking the password once its account or its address has used up its allowance
in the sliding window. So a burst of concurrent guesses costs at most the allowance in
scrypt work, and a refused guess costs one indexed count. A successful login removes its
own record (it does not wipe earlier failures, or a guesser who also knows one password
could reset another account's count).

What the right user sees: a flood from one address blocks that address only; the user
logs in from anywhere else at once. A flood against one account blocks that account for
the rest of the window (``retry_after``), from every address, then it works again.
Keys are stored as keyed hashes, never as usernames or addresses.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from mpp.db.staff_tables import LoginAttemptRow


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


@dataclass(frozen=True)
class ThrottleRule:
    kind: str  # "account", "address", "enrol-address", ...
    limit: int  # attempts per window


ACCOUNT = ThrottleRule("account", 10)
ADDRESS = ThrottleRule("address", 30)
ENROL_ADDRESS = ThrottleRule("enrol-address", 10)


@dataclass(frozen=True)
class Reservation:
    ids: tuple[int, ...]


class Throttled(Exception):
    def __init__(self, retry_after: timedelta):
        super().__init__(f"throttled for {int(retry_after.total_seconds())} s")
        self.retry_after = retry_after

    @property
    def minutes(self) -> int:
        return max(1, -(-int(self.retry_after.total_seconds()) // 60))


class LoginThrottle:
    def __init__(
        self,
        window: timedelta = timedelta(minutes=15),
        keyed_hash: Callable[[str], str] = _sha256,
        prune_chance: float = 0.02,
    ):
        self.window, self._hash, self._prune_chance = window, keyed_hash, prune_chance

    def _key(self, rule: ThrottleRule, value: str) -> str:
        return self._hash(f"{rule.kind}:{value.strip().lower()}")[:64]

    def reserve(self, session: Session, attempts: list[tuple[ThrottleRule, str]], now: datetime) -> Reservation:
        """Record one attempt under each (rule, value), or raise ``Throttled`` if any is used up.

        Run it in a write transaction: SQLite serialises writers; on PostgreSQL two concurrent
        attempts may both pass at the boundary, which overshoots the limit by at most the
        number of concurrent requests, not without bound.
        """
        since = now - self.window
        keys = [(rule, self._key(rule, value)) for rule, value in attempts]
        for rule, key in keys:
            count, oldest = session.execute(
                select(func.count(), func.min(LoginAttemptRow.at)).where(
                    LoginAttemptRow.key_hash == key, LoginAttemptRow.at > since
                )
            ).one()
            if count >= rule.limit:
                oldest_at = oldest if oldest.tzinfo else oldest.replace(tzinfo=now.tzinfo)
                raise Throttled(max(timedelta(seconds=1), oldest_at + self.window - now))
        rows = [LoginAttemptRow(key_hash=key, at=now) for _, key in keys]
        session.add_all(rows)
        session.flush()
        if random.random() < self._prune_chance:  # keep the table at about one window of rows
            session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.at <= since))
        return Reservation(tuple(int(r.id) for r in rows))

    @staticmethod
    def succeeded(session: Session, reservation: Reservation) -> None:
        """A good login does not count against its account or address."""
        if reservation.ids:
            session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.id.in_(reservation.ids)))
