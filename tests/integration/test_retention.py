"""The retention job (``mpp privacy purge``): every table and Redis stream that holds personal data
loses what is older than its period and keeps what is newer (README: Privacy, the retention table)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlparse

import pytest
import redis
from sqlalchemy import select

from mpp.booking.model import Booking
from mpp.catalogue.model import Catalogue
from mpp.db.booking_tables import BookingRow, LookupAttemptRow, PiiTokenRow
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.inbox_tables import ButtonRow, ConversationKeyRow, InboundMessageRow, WhatsAppContactRow
from mpp.db.queue_tables import ConsoleMessageRow, NotificationRow
from mpp.db.uow import UnitOfWork
from mpp.retention import RETRY_SET, STREAMS, purge_database, purge_redis
from tests.conftest import REDIS_URL, require
from tests.integration.test_booking_service import first_slot, request, service_for

UTC = timezone.utc
PURGE_AT = datetime(2027, 1, 9, 2, 0, tzinfo=UTC)  # the job's "now" for the database part


def ago(days: float, now: datetime = PURGE_AT) -> datetime:
    return now - timedelta(days=days)


def seed(session, now: datetime) -> None:  # type: ignore[no-untyped-def]
    """For each table, one row just past its period ("old-…") and one just inside it ("new-…")."""
    for tag, days in (("old", 31), ("new", 29)):  # tokens, tracker keys, notifications, terminal chat: 30 days
        session.add(
            PiiTokenRow(
                token=f"{tag}-tok", kind="nik", sender=f"s-{tag}", value_encrypted="x", created_at=ago(days, now)
            )
        )
        session.add(ConversationKeyRow(sender=f"{tag}-conv", key_encrypted="x", created_at=ago(days, now)))
        session.add(ConsoleMessageRow(chat_id=f"console:{tag}", text="t", created_at=ago(days, now), delivered=True))
        for status in ("sent", "dead", "cancelled", "pending"):
            session.add(
                NotificationRow(
                    chat_id=f"telegram:{tag}",
                    kind="test",
                    text="tinggal 3 nomor lagi",
                    dedupe_key=f"{tag}-{status}",
                    due_at=ago(days, now),
                    status=status,
                    attempts=1,
                    created_at=ago(days, now),
                )
            )
    for tag, days in (("old", 8), ("new", 6)):  # inbox, buttons, look-ups: 7 days
        for status in ("done", "failed", "pending"):
            session.add(
                InboundMessageRow(
                    channel="telegram",
                    external_id=f"{tag}-{status}",
                    sender=f"telegram:{tag}",
                    kind="text",
                    body_encrypted="x",
                    status=status,
                    attempts=1,
                    received_at=ago(days, now),
                    next_attempt_at=ago(days, now),
                )
            )
        session.add(
            ButtonRow(id=f"{tag}-btn", sender=f"telegram:{tag}", payload="/afirmasi", created_at=ago(days, now))
        )
        session.add(LookupAttemptRow(chat_id=f"telegram:{tag}", at=ago(days, now), succeeded=0))
    for tag, days in (("old", 46), ("new", 44)):  # WhatsApp contacts: 45 days after the last message
        session.add(WhatsAppContactRow(sender=f"whatsapp:{tag}", wa_id_encrypted="x", last_inbound_at=ago(days, now)))


def left(db_url: str) -> dict[str, list[str]]:
    engine = make_engine(db_url)
    with engine.connect() as conn:

        def col(c) -> list[str]:  # type: ignore[no-untyped-def]
            return sorted(str(v) for v in conn.execute(select(c)).scalars())

        out = {
            "pii_token": col(PiiTokenRow.token),
            "conversation_key": col(ConversationKeyRow.sender),
            "console_message": col(ConsoleMessageRow.chat_id),
            "notification": sorted(
                str(v)
                for v in conn.execute(
                    select(NotificationRow.dedupe_key).where(NotificationRow.kind == "test")
                ).scalars()
            ),  # the seeded ones, not the bookings' own reminders
            "inbound_message": col(InboundMessageRow.external_id),
            "button": col(ButtonRow.id),
            "lookup_attempt": col(LookupAttemptRow.chat_id),
            "whatsapp_contact": col(WhatsAppContactRow.sender),
        }
    engine.dispose()
    return out


def test_purge_removes_what_is_past_each_period_and_keeps_the_rest(db_url: str, demo) -> None:  # type: ignore[no-untyped-def]
    catalogue: Catalogue = demo.catalogue
    svc = service_for(db_url, catalogue)
    visited = svc.book(request(1, first_slot(catalogue, day=date(2026, 12, 1))))  # 39 days before PURGE_AT
    upcoming_day = date(2026, 12, 10)  # 30 days before PURGE_AT: still inside "30 days after the visit"
    upcoming = svc.book(request(2, first_slot(catalogue, day=upcoming_day), day=upcoming_day))
    assert isinstance(visited, Booking) and isinstance(upcoming, Booking)
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    with UnitOfWork(factory, write=True) as uow:
        seed(uow.session, PURGE_AT)
        uow.commit()
    with UnitOfWork(factory, write=True) as uow:
        counts = purge_database(uow.session, PURGE_AT)
        uow.commit()
    engine.dispose()

    assert left(db_url) == {
        "pii_token": ["new-tok"],
        "conversation_key": ["new-conv"],
        "console_message": ["console:new"],
        # sent/dead/cancelled go after 30 days; a pending one is still to be sent, whatever its age
        "notification": ["new-cancelled", "new-dead", "new-pending", "new-sent", "old-pending"],
        # finished messages go after 7 days; one still waiting is the citizen's next turn
        "inbound_message": ["new-done", "new-failed", "new-pending", "old-pending"],
        "button": ["new-btn"],
        "lookup_attempt": ["telegram:new"],
        "whatsapp_contact": ["whatsapp:new"],
    }
    assert svc.personal_details(visited) == {"name": None, "nik": None, "phone": None}
    assert svc.personal_details(upcoming)["name"] == "Warga 2"
    with make_session_factory(make_engine(db_url))() as session:
        hashes = dict(  # this test's two bookings (a row another test left behind is not ours to count)
            session.execute(
                select(BookingRow.code, BookingRow.nik_hash).where(BookingRow.code.in_([visited.code, upcoming.code]))
            ).all()
        )
        assert hashes[visited.code] is None and hashes[upcoming.code] is not None  # the hash goes with the NIK
    assert counts == {
        "booking": 1,
        "pii_token": 1,
        "inbound_message": 2,
        "button": 1,
        "whatsapp_contact": 1,
        "conversation_key": 1,
        "console_message": 1,
        "notification": 3,
        "lookup_attempt": 1,
        "handoff": 0,  # handoffs: tests/integration/test_handoff_service.py
        "handoff_message": 0,
        "handoff_duty": 0,
        "survey_expired": 0,  # survey and recorded turns: tests/integration/test_survey.py
        "survey_anonymised": 0,
        "nlu_turn": 0,
        "nlu_fallback_group": 0,
        "application": 0,  # applications: tests/integration/test_application_status.py
        "complaint": 0,  # complaints: tests/integration/test_complaints.py
        "complaint_lookup": 0,
    }


def _redis() -> redis.Redis:
    url = urlparse(REDIS_URL)
    require("Redis", url.hostname or "127.0.0.1", url.port or 6379)
    client = redis.Redis.from_url(REDIS_URL)
    client.delete(*STREAMS, RETRY_SET)
    return client


def _seed_streams(client: redis.Redis, now: datetime) -> None:
    for stream in STREAMS:
        for tag, days in (("old", 31), ("new", 29)):
            ms = int(ago(days, now).timestamp() * 1000)
            client.xadd(stream, {"chat": f"telegram:{tag}", "text": "tinggal 3 nomor lagi"}, id=f"{ms}-0")
    client.zadd(RETRY_SET, {"old-retry": ago(31, now).timestamp(), "new-retry": ago(29, now).timestamp()})


def _chats(client: redis.Redis, stream: str) -> list[bytes]:
    return [fields[b"chat"] for _, fields in client.xrange(stream)]


def test_purge_trims_the_notification_streams_and_the_retry_set() -> None:
    client = _redis()
    try:
        _seed_streams(client, PURGE_AT)
        counts = purge_redis(client, PURGE_AT)
        for stream in STREAMS:
            assert _chats(client, stream) == [b"telegram:new"]
        assert client.zrange(RETRY_SET, 0, -1) == [b"new-retry"]
        assert counts == {"mpp:notify": 1, "mpp:notify:dead": 1, RETRY_SET: 1}
    finally:
        client.delete(*STREAMS, RETRY_SET)
        client.close()


def test_the_daily_command_purges_the_database_and_redis(
    db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``mpp privacy purge`` as the timer runs it: the real clock, DATABASE_URL and REDIS_URL."""
    from mpp.cli import main as cli

    client = _redis()
    now = datetime.now(UTC)
    try:
        engine = make_engine(db_url)
        with UnitOfWork(make_session_factory(engine), write=True) as uow:
            seed(uow.session, now)
            uow.commit()
        engine.dispose()
        _seed_streams(client, now)
        monkeypatch.setenv("DATABASE_URL", db_url)
        monkeypatch.setenv("REDIS_URL", REDIS_URL)
        assert cli(["privacy", "purge"]) == 0
        out = capsys.readouterr().out
        assert "pii_token 1" in out and "mpp:notify 1" in out
        remaining = left(db_url)
        assert remaining["pii_token"] == ["new-tok"] and remaining["inbound_message"] == [
            "new-done",
            "new-failed",
            "new-pending",
            "old-pending",
        ]
        assert _chats(client, "mpp:notify") == [b"telegram:new"]
        assert client.zrange(RETRY_SET, 0, -1) == [b"new-retry"]
    finally:
        client.delete(*STREAMS, RETRY_SET)
        client.close()
