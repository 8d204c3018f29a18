"""Text with NUL characters, on both databases: PostgreSQL refuses NUL in text, SQLite takes it."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from mpp import inbox
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.inbox_tables import InboundMessageRow
from mpp.db.uow import UnitOfWork
from mpp.privacy import Crypto, Keys

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)


def test_a_message_with_nul_is_kept_without_it_and_found_again(db_url: str) -> None:
    factory = make_session_factory(make_engine(db_url))
    crypto = Crypto(Keys.generate())
    with UnitOfWork(factory, write=True) as uow:
        stored = inbox.store(
            uow.session,
            crypto,
            channel="whatsapp",
            external_id="wamid.\x00X1",
            sender="whatsapp:abc",
            kind="text",
            body="syarat\x00 ktp\x00",
            reply_to=None,
            now=NOW,
        )
        uow.commit()
    assert stored
    with UnitOfWork(factory) as uow:
        row = uow.session.execute(
            select(InboundMessageRow).where(InboundMessageRow.external_id == "wamid.X1")
        ).scalar_one()
        assert crypto.decrypt(row.body_encrypted) == "syarat ktp"  # the body is stored encrypted
        # a look-up carrying NUL finds the same row instead of failing
        again = uow.session.execute(
            select(InboundMessageRow).where(InboundMessageRow.external_id == "wamid.X\x001")
        ).scalar_one()
        assert again.id == row.id
