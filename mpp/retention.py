"""One retention job for every table and Redis stream that holds personal data (README: Privacy).

| what | kept |
|---|---|
| booking name, NIK, phone (encrypted) | until 30 days after the visit (``RETENTION_DAYS``) |
| NIK/phone tokens (the vault) | 30 days after they were typed |
| inbound messages (encrypted) | 7 days (redeliveries are recognised meanwhile; older webhooks are refused) |
| buttons | 7 days |
| WhatsApp contacts (encrypted number) | 45 days after the citizen's last message |
| per-conversation tracker keys | 30 days: the stored Rasa conversation becomes unreadable and starts afresh |
| notifications (outbox) sent, dead or cancelled; terminal-chat messages | 30 days |
| booking-code look-up attempts | 7 days |
| handoffs to staff with their transcripts (encrypted) | 30 days after they ended (a left message nobody answered: 30 days after it was left) |
| applications recorded at the counter (chat, encrypted note) | 30 days after finished; never finished: 365 days after the last change |
| survey comments (encrypted) and the chat a survey went to | 30 days after it was offered (scores stay, anonymous; ``mpp.survey.records``) |
| recorded turns (intent, confidence; masked fallback text, encrypted) | 30 days |
| fallback groups marked "add to training data" (masked examples, encrypted) | 90 days |
| complaints: description, when, contact, staff replies (encrypted), the chat and the secret's hash | 365 days after resolution (or after filing, if still open); number, MPP, category, dates and state stay as anonymised counts |
| failed complaint-number checks (keyed hash of the chat) | 7 days |
| Redis ``mpp:notify`` and ``mpp:notify:dead`` entries, the retry set | 30 days |

Run daily: ``mpp privacy purge`` (deploy/systemd/mpp-purge.timer).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from mpp import console_chat, inbox, tracker_keys
from mpp.application_records import purge as application_purge
from mpp.complaint_records import purge as complaint_purge
from mpp.handoff_records import purge as handoff_purge
from mpp.privacy_store import RETENTION_DAYS, purge_tokens
from mpp.survey.records import purge as survey_purge

NOTIFICATION_DAYS = 30
LOOKUP_DAYS = 7
STREAMS = ("mpp:notify", "mpp:notify:dead")
RETRY_SET = "mpp:notify:retry"


def purge_database(session: Session, now: datetime) -> dict[str, int]:
    from mpp.booking.repository import purge_personal_data
    from mpp.db.booking_tables import LookupAttemptRow
    from mpp.db.queue_tables import NotificationRow

    counts = {"booking": purge_personal_data(session, (now - timedelta(days=RETENTION_DAYS)).date(), now)}
    counts["pii_token"] = purge_tokens(session, now)
    counts.update(inbox.purge(session, now))
    counts["conversation_key"] = tracker_keys.purge(session, now)
    counts["console_message"] = console_chat.purge(session, now)
    result = session.execute(
        delete(NotificationRow)
        .where(
            NotificationRow.status.in_(("sent", "dead", "cancelled")),
            NotificationRow.created_at < now - timedelta(days=NOTIFICATION_DAYS),
        )
        .execution_options(synchronize_session=False)
    )
    counts["notification"] = int(result.rowcount or 0)
    result = session.execute(
        delete(LookupAttemptRow)
        .where(LookupAttemptRow.at < now - timedelta(days=LOOKUP_DAYS))
        .execution_options(synchronize_session=False)
    )
    counts["lookup_attempt"] = int(result.rowcount or 0)
    counts.update(handoff_purge(session, now))
    counts.update(application_purge(session, now))
    counts.update(survey_purge(session, now))
    counts.update(complaint_purge(session, now))
    return counts


def purge_redis(redis: Any, now: datetime) -> dict[str, int]:
    """Stream entries older than NOTIFICATION_DAYS (stream ids are millisecond times) and stale retries."""
    cutoff = now - timedelta(days=NOTIFICATION_DAYS)
    min_id = f"{int(cutoff.timestamp() * 1000)}-0"
    counts = {stream: int(redis.xtrim(stream, minid=min_id, approximate=False)) for stream in STREAMS}
    counts[RETRY_SET] = int(redis.zremrangebyscore(RETRY_SET, "-inf", cutoff.timestamp()))
    return counts
