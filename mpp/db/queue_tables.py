"""Today's queue at the counters, the notification outbox, closures and terminal-chat messages."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Index, Integer, String, Text, Time, text

from mpp.db.base import Base

# A simulated ticket (``mpp demo simulate``: its chat id holds ":sim-"), as the partial index
# ``ix_ticket_simulated`` (migration 0009d) states it: a query with this very clause reads the index.
SIMULATED_TICKET = r"chat_id LIKE '%\:sim-%'"  # text(): the colon escaped, not a bound parameter


class TicketRow(Base):
    """A place in today's queue: a checked-in booking or a walk-in ticket."""

    __tablename__ = "ticket"
    __table_args__ = (
        Index("ix_ticket_queue", "mpp_code", "agency_code", "day", "status"),
        Index("ix_ticket_mpp_day", "mpp_code", "day"),  # the dashboard (migration 0007d)
        Index("ix_ticket_day", "day"),
        Index(
            "ix_ticket_simulated",
            "mpp_code",
            postgresql_where=text(SIMULATED_TICKET),
            sqlite_where=text(SIMULATED_TICKET),
        ),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    mpp_code = Column(String(64), nullable=False)
    agency_code = Column(String(64), nullable=False)
    service_code = Column(String(64), nullable=False)
    day = Column(Date, nullable=False)
    number = Column(String(16), nullable=False)
    kind = Column(String(16), nullable=False)  # booking | walk_in
    booking_id = Column(Integer, unique=True)
    priority = Column(Boolean, nullable=False, default=False)
    status = Column(String(16), nullable=False)  # waiting | called | served | no_show | cancelled
    slot_start = Column(Time)  # bookings: the booked time
    issued_at = Column(DateTime(timezone=True), nullable=False)  # check-in or walk-in issue time
    called_at = Column(DateTime(timezone=True))
    counter_code = Column(String(16))  # where it was called
    target_counter = Column(String(16))  # after a transfer: only this counter calls it
    recall_count = Column(Integer, nullable=False, default=0)
    finished_at = Column(DateTime(timezone=True))
    chat_id = Column(String(128))
    away_notified = Column(Boolean, nullable=False, default=False)


class NotificationRow(Base):
    """The outbox: written in the same transaction as the change it reports, sent by the notifier."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_due", "status", "due_at"),
        Index("ix_notification_created", "created_at"),  # the dashboard (migration 0007d)
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    chat_id = Column(String(128), nullable=False)
    kind = Column(String(32), nullable=False)
    text = Column(Text, nullable=False)
    dedupe_key = Column(String(128), nullable=False, unique=True)
    booking_id = Column(Integer, index=True)
    due_at = Column(DateTime(timezone=True), nullable=False)
    status = Column(String(16), nullable=False, default="pending")  # pending | relayed | sent | dead | cancelled
    attempts = Column(Integer, nullable=False, default=0)
    lease_until = Column(DateTime(timezone=True))
    last_error = Column(Text)
    created_at = Column(DateTime(timezone=True), nullable=False)
    sent_at = Column(DateTime(timezone=True))


class ConsoleMessageRow(Base):
    """Messages pushed to terminal-chat users (console:<name>), read by bot/terminal.py."""

    __tablename__ = "console_message"

    id = Column(Integer, primary_key=True, autoincrement=True)
    chat_id = Column(String(128), nullable=False, index=True)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False)
    delivered = Column(Boolean, nullable=False, default=False)


class OutageRow(Base):
    """A closure decided after bookings exist: a day (or one service on a day) at an MPP."""

    __tablename__ = "outage"

    id = Column(Integer, primary_key=True, autoincrement=True)
    mpp_code = Column(String(64), nullable=False)
    service_code = Column(String(64))  # NULL: the whole MPP
    day = Column(Date, nullable=False)
    reason = Column(Text, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False)
    announcement_id = Column(Integer, index=True)  # the closure notice that made it (withdrawn with it)
