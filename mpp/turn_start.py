"""What the core database says about a typed message before the assistant answers it: one unit.

The REST channel asks this once per typed turn, after the message was parsed, on one connection
in one short write transaction (one thread hop in the channel):

1. Does a person hold the chat (``mpp.handoff``)? Then nothing else happens here and the caller
   runs ``HandoffService.gate``: the message is for staff. The state is read here on every turn
   (nothing cached), so a claim in the console takes effect on the citizen's very next message,
   whichever worker takes it.
2. Does the chat's survey wait for a typed comment (``mpp.survey``)? Then the text is that comment.
3. Otherwise the turn is recorded (``mpp.turns.record``) before it is answered: with the database
   down, the unit fails, the channel refuses the turn and the gateway retries it; none is lost.
4. The conversation's tracker key (``mpp.tracker_keys``) comes with the same SELECT as 1 and 2, for
   the tracker store to open this turn's stored conversation (``bot.tracker_store``), together
   with the time the SELECT began (``key_read_at``): a conversation saved after that moment by
   another turn makes the store read the key again, so an erased key is never used.

Before this unit (``benchmarks.turn_start``): three units, each a pool check-out and a thread hop,
for the gate, the comment check with the record, and the key.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from mpp import turns
from mpp.db.handoff_tables import HandoffRow
from mpp.db.inbox_tables import ConversationKeyRow
from mpp.db.survey_tables import SurveyRow
from mpp.handoff.model import HELD, Status
from mpp.privacy import Crypto
from mpp.replies import Reply
from mpp.survey import service as survey
from mpp.uow import SqlUnitOfWork

# One round trip for the three look-ups (each an indexed one-row SELECT), on SQLite and PostgreSQL.
_LOOK = select(
    select(HandoffRow.status).where(HandoffRow.open_sender == bindparam("sender")).scalar_subquery(),
    select(SurveyRow.id)
    .where(SurveyRow.chat_id == bindparam("sender"), SurveyRow.status == "comment")
    .limit(1)
    .scalar_subquery(),
    select(ConversationKeyRow.key_encrypted).where(ConversationKeyRow.sender == bindparam("sender")).scalar_subquery(),
)


@dataclass(frozen=True)
class Start:
    """``held``: a person holds the chat (nothing was recorded; ask ``HandoffService.gate``).
    ``replies``: the survey's answer (the text was its comment). Else the turn was recorded.
    ``key``: the tracker key as read at ``key_read_at`` (``time.time()``), None if it has none."""

    held: bool = False
    replies: tuple[Reply, ...] | None = None
    key: bytes | None = None
    key_read_at: float = 0.0


def start(
    sessions: Callable[[], Session],
    crypto: Crypto,
    sender: str,
    text: str,
    understood: turns.Understood,
    now: datetime,
    source_key: str | None,
    *,
    gate: bool = True,
) -> Start:
    """The unit for one typed message. ``gate=False``: the caller has run the handoff gate already
    (it handed the message on to the assistant), so a held state is not asked about again."""
    with SqlUnitOfWork(sessions, write=True) as uow:
        s = uow.session
        read_at = time.time()
        status, waiting, wrapped = s.execute(_LOOK, {"sender": sender}).one()
        if gate and status is not None and Status(status) in HELD:
            return Start(held=True)
        if waiting is not None:
            replies = survey.comment(s, crypto, waiting, text, now)
            uow.commit()
            return Start(replies=replies)
        turns.record(s, crypto, sender, text, understood, now, source_key)
        uow.commit()
    key = crypto.decrypt(wrapped) if wrapped else None
    return Start(key=key.encode() if key else None, key_read_at=read_at)
