"""Operator commands for personal data: ``mpp privacy purge``, ``mpp keys generate|rotate``.

Registered in ``mpp.cli.build_parser`` by ``register``.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from mpp.config import load_settings
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.uow import UnitOfWork
from mpp.deployment import ConfigurationError

EXIT_INVALID, EXIT_DB = 2, 3


def cmd_purge(args: argparse.Namespace) -> int:
    """Erase personal data past its retention period in the database and, with REDIS_URL, in Redis."""
    from mpp.retention import purge_database, purge_redis

    settings = load_settings()
    engine = make_engine(settings.database_url)
    now = datetime.now(timezone.utc)
    try:
        with UnitOfWork(make_session_factory(engine), write=True) as uow:
            counts = purge_database(uow.session, now)
            uow.commit()
    except SQLAlchemyError as exc:
        print(f"error: purge failed, nothing changed: {getattr(exc, 'orig', exc)}", file=sys.stderr)
        return EXIT_DB
    finally:
        engine.dispose()
    if os.environ.get("REDIS_URL"):
        import redis

        client = redis.Redis.from_url(os.environ["REDIS_URL"])
        try:
            counts.update(purge_redis(client, now))
        except redis.RedisError as exc:
            print(f"error: the database was purged, Redis was not: {exc}", file=sys.stderr)
            return EXIT_DB
        finally:
            client.close()
    print("purged: " + ", ".join(f"{name} {count}" for name, count in counts.items()))
    return 0


def cmd_keys_generate(args: argparse.Namespace) -> int:
    from cryptography.fernet import Fernet

    print(Fernet.generate_key().decode())
    return 0


def _rotated(crypto, value: str | None) -> tuple[str | None, bool]:  # type: ignore[no-untyped-def]
    if not value:
        return value, False
    new = crypto.rotate(value)
    if new is None:
        raise ConfigurationError("a stored value opens with none of the keys in MPP_PII_KEY; nothing was changed")
    return new, True


def _rotate_sealed_notices(session, crypto) -> int:  # type: ignore[no-untyped-def]
    """Notices kept sealed in the outbox (``mpp.notify_outbox.seal``: staff replies) under the newest key."""
    from mpp.db.queue_tables import NotificationRow
    from mpp.notify_outbox import SEALED

    changed = 0
    for row in session.execute(select(NotificationRow).where(NotificationRow.text.startswith(SEALED))).scalars():
        value, done = _rotated(crypto, row.text[len(SEALED) :])
        if done:
            row.text, changed = SEALED + str(value), changed + 1
    return changed


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    """Re-encrypt every stored personal value under the newest key of MPP_PII_KEY (the first), in one transaction.

    Put the new key first ("new,old"), restart the processes (they decrypt with either and
    encrypt with the new one), run this, then drop the old key from MPP_PII_KEY.
    """
    from mpp.db.application_tables import ApplicationRow
    from mpp.db.booking_tables import BookingRow, PiiTokenRow
    from mpp.db.complaint_tables import ComplaintNoteRow, ComplaintRow
    from mpp.db.handoff_tables import HandoffMessageRow
    from mpp.db.inbox_tables import ConversationKeyRow, InboundMessageRow, WhatsAppContactRow
    from mpp.db.survey_tables import FallbackGroupRow, SurveyRow, TurnRow
    from mpp.privacy import Crypto, load_keys

    columns = [
        (BookingRow, ("name_encrypted", "nik_encrypted", "phone_encrypted")),
        (PiiTokenRow, ("value_encrypted",)),
        (InboundMessageRow, ("body_encrypted",)),
        (WhatsAppContactRow, ("wa_id_encrypted",)),
        (ConversationKeyRow, ("key_encrypted",)),
        (HandoffMessageRow, ("body_encrypted",)),
        (ApplicationRow, ("note_encrypted",)),
        (SurveyRow, ("comment_encrypted",)),
        (TurnRow, ("text_encrypted",)),
        (FallbackGroupRow, ("examples_encrypted",)),
        (ComplaintRow, ("description_encrypted", "occurred_encrypted", "contact_encrypted")),
        (ComplaintNoteRow, ("body_encrypted",)),
    ]
    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        crypto = Crypto(load_keys())
        counts: dict[str, int] = {}
        with UnitOfWork(make_session_factory(engine), write=True) as uow:
            for table, names in columns:
                changed = 0
                for row in uow.session.execute(select(table)).scalars():
                    for name in names:
                        value, done = _rotated(crypto, getattr(row, name))
                        if done:
                            setattr(row, name, value)
                            changed += 1
                counts[str(getattr(table, "__tablename__", table))] = changed
            counts["notification (sealed)"] = _rotate_sealed_notices(uow.session, crypto)
            uow.commit()
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except SQLAlchemyError as exc:
        print(f"error: rotation failed, nothing changed: {getattr(exc, 'orig', exc)}", file=sys.stderr)
        return EXIT_DB
    finally:
        engine.dispose()
    print("re-encrypted under the newest key: " + ", ".join(f"{t} {n}" for t, n in counts.items()))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    privacy = sub.add_parser("privacy", help="personal data").add_subparsers(dest="action", required=True)
    privacy.add_parser("purge", help="erase personal data past its retention period (run daily)").set_defaults(
        func=cmd_purge
    )
    keys = sub.add_parser("keys", help="encryption keys").add_subparsers(dest="action", required=True)
    keys.add_parser("generate", help="print a new Fernet key for MPP_PII_KEY").set_defaults(func=cmd_keys_generate)
    keys.add_parser("rotate", help="re-encrypt stored personal data under the newest MPP_PII_KEY key").set_defaults(
        func=cmd_keys_rotate
    )
