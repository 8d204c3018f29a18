"""Small SQL helpers shared by the repositories (SQLite and PostgreSQL alike)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, ClassVar

from sqlalchemy import func, insert, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.visitors import InternalTraversal


def aware(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; every stored time is UTC."""
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


class _OnConflictDoNothing(ClauseElement):
    """``ON CONFLICT (keys) DO NOTHING`` after an INSERT's VALUES, on PostgreSQL and SQLite (>= 3.24).

    SQLAlchemy 1.4's dialect inserts (``postgresql.insert(...).on_conflict_do_nothing``) cannot be
    cached, so every execution compiled the statement afresh. A core INSERT carrying this clause is
    cached: a recorded turn costs x0.68-0.82 the CPU (``python -m benchmarks.turn_record``).
    """

    __visit_name__ = "mpp_on_conflict_do_nothing"
    inherit_cache = False
    _traverse_internals: ClassVar[list[tuple[str, Any]]] = [("keys", InternalTraversal.dp_string_list)]

    def __init__(self, keys: list[str]) -> None:
        self.keys = list(keys)


@compiles(_OnConflictDoNothing)
def _on_conflict_do_nothing(element: _OnConflictDoNothing, compiler: Any, **kw: Any) -> str:
    return f"ON CONFLICT ({', '.join(compiler.preparer.quote(key) for key in element.keys)}) DO NOTHING"


def insert_ignore_statement(table: Any, values: dict[str, Any], keys: list[str]) -> Any:
    """INSERT … VALUES (values) ON CONFLICT (keys) DO NOTHING, a statement SQLAlchemy caches.

    Built once with ``bindparam`` values, it is executed with parameters and skips building and
    keying a new statement per call (``mpp.turns.record``)."""
    statement = insert(table).values(**values)
    statement._post_values_clause = _OnConflictDoNothing(keys)  # where the dialect inserts put theirs
    return statement


def insert_ignore(session: Session, table: Any, values: dict[str, Any], keys: list[str]) -> None:
    """INSERT … ON CONFLICT DO NOTHING on the given unique keys (a statement SQLAlchemy caches)."""
    session.execute(insert_ignore_statement(table, values, keys))


def serialize(session: Session, *keys: str) -> None:
    """Serialise transactions that touch the same key (PostgreSQL advisory locks).

    Without it, two concurrent taps of one confirmation, or one NIK booking from two chats at
    once, would both pass the checks under READ COMMITTED. SQLite needs nothing: write units
    of work start with BEGIN IMMEDIATE and so already run one at a time. Keys are locked in a
    fixed order, so two transactions cannot wait on each other.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted(set(keys)):
        session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(key, 0))))
