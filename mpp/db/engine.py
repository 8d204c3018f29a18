"""Engine and session factories. Engines are made on demand, never at import time."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.future import create_engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool


def make_engine(database_url: str, *, echo: bool = False) -> Engine:
    """Create a 2.0-style engine; SQLite gets WAL, foreign keys and a busy timeout."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        # SQLAlchemy 1.4 opens a new file connection per session (NullPool), and each one
        # runs the pragmas below: a pool keeps them (py-spy: 12% of the action server's time).
        pooling = (
            {"poolclass": QueuePool, "pool_size": 10, "max_overflow": 20}
            if url.database not in (None, "", ":memory:")
            else {}
        )
        engine = create_engine(url, echo=echo, connect_args={"timeout": 30, "check_same_thread": False}, **pooling)
        event.listen(engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy emit BEGIN itself so that "BEGIN IMMEDIATE" can be used
        # where a write lock is needed up front (pysqlite otherwise delays BEGIN).
        event.listen(engine, "begin", _sqlite_begin)
    else:
        engine = create_engine(url, echo=echo, pool_pre_ping=True)
    event.listen(engine, "before_cursor_execute", _without_nul, retval=True)
    return engine


def _without_nul(_conn, _cursor, statement, parameters, _context, _executemany):  # type: ignore[no-untyped-def]
    """NUL characters leave every text we store or look up, on every database.

    They mean nothing in a citizen's message, a name or a code, and PostgreSQL refuses them
    in text ("A string literal cannot contain NUL"): the fuzz on PostgreSQL found a webhook
    answered 500 (so redelivered by the platform) for a message carrying one. SQLite took them.
    """
    return statement, (_clean(parameters) if _has_nul(parameters) else parameters)


def _has_nul(value) -> bool:  # type: ignore[no-untyped-def]
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(item) for item in value)
    return False


def _clean(value):  # type: ignore[no-untyped-def]
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_clean(item) for item in value)
    return value


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN (see _sqlite_begin)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection) -> None:  # type: ignore[no-untyped-def]
    # A write unit of work asks for BEGIN IMMEDIATE (see UnitOfWork): it takes the write lock
    # up front, so that its reads and its writes see one state and it waits (busy timeout)
    # instead of failing when another writer commits in between.
    mode = "BEGIN IMMEDIATE" if connection.get_execution_options().get("sqlite_immediate") else "BEGIN"
    connection.exec_driver_sql(mode)


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, future=True, expire_on_commit=False, class_=Session)
