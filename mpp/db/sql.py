"""Small SQL helpers shared by the repositories (SQLite and PostgreSQL alike)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def aware(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; every stored time is UTC."""
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


def insert_ignore(session: Session, table: Any, values: dict[str, Any], keys: list[str]) -> None:
    """INSERT … ON CONFLICT DO NOTHING on the given unique keys."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(table).values(**values).on_conflict_do_nothing(index_elements=keys))


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
