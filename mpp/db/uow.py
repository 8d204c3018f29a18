"""Unit of work: one session per piece of work, rolled back unless committed."""

from __future__ import annotations

from types import TracebackType
from typing import Callable

from sqlalchemy.orm import Session


class UnitOfWork:
    """``write=True`` takes SQLite's write lock at BEGIN; other databases ignore the flag."""

    def __init__(self, session_factory: Callable[[], Session], write: bool = False):
        self._session_factory = session_factory
        self._write = write
        self.session: Session

    def __enter__(self) -> "UnitOfWork":
        self.session = self._session_factory()
        if self._write:
            self.session.connection(execution_options={"sqlite_immediate": True})
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        self.session.commit()
