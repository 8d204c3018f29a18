"""Retention and "hapus data saya" of the survey (``mpp.survey``) and the recorded turns (``mpp.turns``).

| what | kept |
|---|---|
| survey comment (encrypted), the chat it was sent to | 30 days after it was offered; the scores stay, anonymous |
| recorded turns (intent, confidence; masked text of fallbacks, encrypted) | 30 days |
| fallback groups marked "add to training data" (masked examples, encrypted) | 90 days, or until exported and reviewed |
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from mpp.db.queue_tables import NotificationRow
from mpp.db.survey_tables import FallbackGroupRow, SurveyRow, TurnRow
from mpp.privacy import Crypto
from mpp.survey.service import KIND, OPEN, expire

SURVEY_DAYS = 30
TURN_DAYS = 30
GROUP_DAYS = 90
ERASED = "erased"


def sender_hash(crypto: Crypto, sender: str) -> str:
    return crypto.keyed_hash(f"turn:{sender}")[:64]


def erase_sender(session: Session, crypto: Crypto | None, sender: str) -> dict[str, int]:
    """The chat's surveys lose their comment and their link to the chat (open ones close); its turns go."""
    session.execute(
        update(SurveyRow)
        .where(SurveyRow.chat_id == sender, SurveyRow.status.in_((*OPEN, "scheduled")))
        .values(status="declined")
        .execution_options(synchronize_session=False)
    )
    surveys = session.execute(
        update(SurveyRow)
        .where(SurveyRow.chat_id == sender)
        .values(chat_id=ERASED, comment_encrypted=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(NotificationRow)
        .where(NotificationRow.chat_id == sender, NotificationRow.kind == KIND, NotificationRow.status == "pending")
        .execution_options(synchronize_session=False)
    )
    if crypto is None:  # the hash key is needed to find the chat's turns
        from mpp.privacy import load_keys

        crypto = Crypto(load_keys())
    turns = session.execute(
        delete(TurnRow)
        .where(TurnRow.sender_hash == sender_hash(crypto, sender))
        .execution_options(synchronize_session=False)
    )
    return {"survey": int(surveys.rowcount or 0), "nlu_turn": int(turns.rowcount or 0)}


def purge(session: Session, now: datetime) -> dict[str, int]:
    counts = {"survey_expired": expire(session, now)}
    old = session.execute(
        update(SurveyRow)
        .where(SurveyRow.created_at < now - timedelta(days=SURVEY_DAYS), SurveyRow.chat_id != ERASED)
        .values(chat_id=ERASED, comment_encrypted=None)
        .execution_options(synchronize_session=False)
    )
    counts["survey_anonymised"] = int(old.rowcount or 0)
    turns = session.execute(
        delete(TurnRow).where(TurnRow.at < now - timedelta(days=TURN_DAYS)).execution_options(synchronize_session=False)
    )
    counts["nlu_turn"] = int(turns.rowcount or 0)
    groups = session.execute(
        delete(FallbackGroupRow)
        .where(FallbackGroupRow.marked_at < now - timedelta(days=GROUP_DAYS))
        .execution_options(synchronize_session=False)
    )
    counts["nlu_fallback_group"] = int(groups.rowcount or 0)
    return counts
