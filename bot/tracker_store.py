"""Rasa's Redis tracker store, bounded: each conversation keeps its state and its last N events.

Rasa 3.6's RedisTrackerStore reads, deserialises and merges the whole stored history
on every save, and keeps it forever (until the key expires): a conversation of 200+
turns makes every turn slower and storage grows with it. This store writes the
tracker it was given (the current session — older sessions are not needed for the
dialogue) and, past ``TRACKER_MAX_EVENTS`` events, keeps only the most recent half of
them, prefixed by events that restore the current slots and active form — so nothing the
assistant knows about the conversation is lost, only old history. Cutting to half, not
to just under the bound, leaves the stored history the same for the next several turns
(only new events are added): a worker then goes on with last turn's dialogue states
instead of working them all out again (``bot.rasa_speedups``, MPP_STATE_CACHE).

Trackers are written and read with ``bot.fast_json`` (orjson), and a cut history is
written straight from its events, without rebuilding a tracker from them.

Stored trackers are encrypted (Fernet) with a key of their own conversation
(``mpp.tracker_keys``, kept encrypted in the core database): no name, or anything else a
citizen typed, is in Redis or its append-only file in clear. Deleting the key ("hapus data
saya") makes every stored copy unreadable; the next turn starts a fresh conversation. The key
read when a turn's tracker is retrieved is the one it is saved with, so a key erased during
the turn is not brought back by the save at its end.

The key usually comes with the turn: the REST channel reads it in the same database unit as the
handoff gate and the turn record (``mpp.turn_start``) and hands it to this store for that turn
only (``TURN_KEY``, a context variable of the request's task), so loading the conversation costs
no database round trip. That key was read before the turn took the conversation's lock; if
another turn of the conversation saved it after the key was read (its last event is newer than
the read; the Rasa workers share one clock), that turn may have erased the key, and the key is
read again here, as without a handed key.

Configured in deploy/endpoints.production.yml: ``type: bot.tracker_store.BoundedRedisTrackerStore``.
"""

from __future__ import annotations

import asyncio
import logging
import os
from contextvars import ContextVar
from datetime import datetime, timezone
from typing import Any, NamedTuple

from cryptography.fernet import Fernet, InvalidToken
from rasa.core.tracker_store import RedisTrackerStore, TrackerDeserialisationException
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.conversation import Dialogue
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, get_trackers_for_conversation_sessions

from bot.fast_json import dumps, loads
from bot.redis_twin import AsyncTwin

logger = logging.getLogger(__name__)
ENCRYPTED = b"F1:"  # stored value: ENCRYPTED + Fernet token of the JSON dialogue
KEY_ATTRIBUTE = "_mpp_conversation_key"
DEFAULT_MAX_EVENTS = 120  # ~15 whole turns; cut to ~7 when reached. Policies featurise the kept history


class TurnKey(NamedTuple):
    """A conversation's key as the REST channel read it for this turn, at ``read_at`` (``time.time()``)."""

    sender: str
    key: bytes
    read_at: float


TURN_KEY: ContextVar[TurnKey | None] = ContextVar("mpp_turn_key", default=None)


def opened_with_turn_key(sender_id: str, sealed: bytes) -> tuple[bytes, Any] | None:
    """The stored dialogue opened with the key handed for this turn, or None when the key must be read
    again: none was handed for this conversation, it does not open the conversation, or another turn
    saved the conversation after the key was read (and may have erased the key meanwhile)."""
    given = TURN_KEY.get()
    if given is None or given.sender != sender_id:
        return None
    try:
        dialogue = loads(Fernet(given.key).decrypt(sealed[len(ENCRYPTED) :]))
    except (InvalidToken, ValueError):
        return None
    events = dialogue.get("events") if isinstance(dialogue, dict) else None
    last = events[-1].get("timestamp") if isinstance(events, list) and events and isinstance(events[-1], dict) else None
    if not isinstance(last, (int, float)) or last >= given.read_at:
        return None
    return given.key, dialogue


def bounded_events(tracker: DialogueStateTracker, max_events: int) -> list[Event]:
    """The tracker's events when there are at most ``max_events``; else the latest half of them, whole turns,
    after events that restore the current slots and form."""
    events = list(tracker.events)
    if len(events) <= max_events:
        return events
    keep = events[-max(1, max_events // 2) :]
    first_user = next((i for i, e in enumerate(keep) if isinstance(e, UserUttered)), None)
    if first_user is not None:
        keep = keep[first_user:]  # start at a user turn, so that the kept history is whole turns
    stamp = keep[0].timestamp - 0.001 if keep else 0.0
    prefix: list[Event] = [ActionExecuted(ACTION_SESSION_START_NAME, timestamp=stamp), SessionStarted(timestamp=stamp)]
    prefix += [
        SlotSet(name, value, timestamp=stamp)
        for name, value in tracker.current_slot_values().items()
        if value is not None
    ]
    if tracker.active_loop_name:
        prefix.append(ActiveLoop(tracker.active_loop_name, timestamp=stamp))
    prefix.append(ActionExecuted(ACTION_LISTEN_NAME, timestamp=stamp))
    return prefix + keep


class BoundedRedisTrackerStore(RedisTrackerStore):
    def __init__(self, *args: Any, max_events: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_events = int(max_events or os.environ.get("TRACKER_MAX_EVENTS") or DEFAULT_MAX_EVENTS)
        self.twin = AsyncTwin(self.red)

    @staticmethod
    def _key(sender_id: str, create: bool) -> bytes | None:
        from mpp import tracker_keys
        from mpp.wiring import get_core

        core = get_core()
        if not create:
            with core.engine.connect() as connection:
                return tracker_keys.read_key(connection, core.crypto, sender_id)
        with core.uow(write=True) as uow:
            key = tracker_keys.get_or_create_key(uow.session, core.crypto, sender_id, datetime.now(timezone.utc))
            uow.commit()
            return key

    async def save(self, tracker: DialogueStateTracker, timeout: float | None = None) -> None:
        await self.stream_events(tracker)
        timeout = timeout or self.record_exp
        events = bounded_events(tracker, self.max_events)
        dialogue = {"events": [event.as_dict() for event in events], "name": tracker.sender_id}  # Dialogue.as_dict()
        key: bytes | None = tracker.__dict__.get(KEY_ATTRIBUTE)
        if key is None:  # a new conversation (or one whose key was erased): a new key
            key = await asyncio.to_thread(self._key, tracker.sender_id, True)
            tracker.__dict__[KEY_ATTRIBUTE] = key
        assert key is not None  # made just above when missing
        sealed = ENCRYPTED + Fernet(key).encrypt(dumps(dialogue))
        await self.twin.client().set(self.key_prefix + tracker.sender_id, sealed, ex=timeout)

    async def _retrieve(self, sender_id: str, fetch_all_sessions: bool) -> DialogueStateTracker | None:
        stored = await self.twin.client().get(self.key_prefix + sender_id)
        if stored is None:
            return None
        key = None
        if isinstance(stored, str):  # the client may decode responses (Rasa's settings)
            stored = stored.encode()
        opened = opened_with_turn_key(sender_id, stored) if stored.startswith(ENCRYPTED) else None
        if opened is not None:  # the key the REST channel read for this turn (see the module's docstring)
            key, dialogue = opened
            opened_tracker = self.init_tracker(sender_id)
            opened_tracker.recreate_from_dialogue(Dialogue.from_parameters(dialogue))
            tracker: DialogueStateTracker | None = opened_tracker
        else:
            if stored.startswith(ENCRYPTED):
                key = await asyncio.to_thread(self._key, sender_id, False)
                try:
                    stored = Fernet(key).decrypt(stored[len(ENCRYPTED) :]) if key else None
                except InvalidToken:
                    stored = None
                if stored is None:  # key erased ("hapus data saya") or expired: the conversation starts afresh
                    logger.info(
                        "stored conversation of %s cannot be read any more (its key is gone); starting anew",
                        sender_id,
                    )
                    await self.twin.client().delete(self.key_prefix + sender_id)
                    return None
            tracker = self.deserialise_tracker(sender_id, stored)
        if tracker is not None:
            tracker.__dict__[KEY_ATTRIBUTE] = key
        if tracker is None or fetch_all_sessions:
            return tracker
        sessions = get_trackers_for_conversation_sessions(tracker)  # as Rasa's: the last session only
        if len(sessions) > 1:
            sessions[-1].__dict__[KEY_ATTRIBUTE] = key
            return sessions[-1]
        return tracker

    def deserialise_tracker(self, sender_id: str, serialised_tracker: str | bytes) -> DialogueStateTracker | None:
        tracker = self.init_tracker(sender_id)
        try:
            dialogue = Dialogue.from_parameters(loads(serialised_tracker))
        except UnicodeDecodeError as e:  # as Rasa's own
            raise TrackerDeserialisationException("Tracker cannot be deserialised: it is not JSON.") from e
        tracker.recreate_from_dialogue(dialogue)
        return tracker
