"""Where the console checks passwords: a small executor of its own, with a bounded queue.

scrypt is meant to be slow (tens of milliseconds and 16 MiB a check). On the event loop's
default thread pool a login flood would queue behind and in front of every other database
call of the console; here at most ``workers`` checks run at once, at most ``queue`` more
wait, and anything beyond is told at once to try again (``None``).
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

from mpp.staff.accounts import verify_password


class PasswordChecker:
    def __init__(self, workers: int = 2, queue: int = 16):
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scrypt")
        self._capacity = workers + queue
        self.in_use = 0

    async def check(self, password: str, stored: str) -> bool | None:
        """True/False, or None when too many checks are already running or waiting."""
        if self.in_use >= self._capacity:
            return None
        self.in_use += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, verify_password, password, stored)
        finally:
            self.in_use -= 1

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


class Quiet:
    """At most one log line per key per ``seconds``: a flood of refusals must not flood the log."""

    def __init__(self, seconds: float = 60.0, size: int = 10_000):
        self._seconds, self._size = seconds, size
        self._last: dict[str, float] = {}

    def due(self, key: str) -> bool:
        now = time.monotonic()
        if now - self._last.get(key, -self._seconds) < self._seconds:
            return False
        if len(self._last) >= self._size:  # many distinct keys (a distributed flood): forget the old ones
            self._last.clear()
        self._last[key] = now
        return True
