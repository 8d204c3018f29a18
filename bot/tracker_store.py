"""Rasa's Redis tracker store, bounded: each conversation keeps its state and its last N events.

Rasa 3.6's RedisTrackerStore reads, deserialises and merges the whole stored history
on every save, and keeps it forever (until the key expires): a conversation of 200+
turns makes every turn slower and storage grows with it. This store writes the
tracker it was given (the current session — older sessions are not needed for the
dialogue) and, past ``TRACKER_MAX_EVENTS`` events, keeps only the most recent ones,
prefixed by events that restore the current slots and active form — so nothing the
assistant knows about the conversation is lost, only old history.

Trackers are written and read with ``bot.fast_json`` (orjson), and a cut history is
written straight from its events, without rebuilding a tracker from them.

Configured in deploy/endpoints.production.yml: ``type: bot.tracker_store.BoundedRedisTrackerStore``.
"""

from __future__ import annotations

import os
from typing import Any

from rasa.core.tracker_store import RedisTrackerStore, TrackerDeserialisationException
from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.conversation import Dialogue
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, get_trackers_for_conversation_sessions

from bot.fast_json import dumps, loads
from bot.redis_twin import AsyncTwin

DEFAULT_MAX_EVENTS = 120  # ~15 whole turns; every policy featurises the whole kept history on every step


def bounded_events(tracker: DialogueStateTracker, max_events: int) -> list[Event]:
    events = list(tracker.events)
    if len(events) <= max_events:
        return events
    keep = events[-max_events:]
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

    async def save(self, tracker: DialogueStateTracker, timeout: float | None = None) -> None:
        await self.stream_events(tracker)
        timeout = timeout or self.record_exp
        events = bounded_events(tracker, self.max_events)
        dialogue = {"events": [event.as_dict() for event in events], "name": tracker.sender_id}  # Dialogue.as_dict()
        await self.twin.client().set(self.key_prefix + tracker.sender_id, dumps(dialogue), ex=timeout)

    async def _retrieve(self, sender_id: str, fetch_all_sessions: bool) -> DialogueStateTracker | None:
        stored = await self.twin.client().get(self.key_prefix + sender_id)
        if stored is None:
            return None
        tracker = self.deserialise_tracker(sender_id, stored)
        if tracker is None or fetch_all_sessions:
            return tracker
        sessions = get_trackers_for_conversation_sessions(tracker)  # as Rasa's: the last session only
        return sessions[-1] if len(sessions) > 1 else tracker

    def deserialise_tracker(self, sender_id: str, serialised_tracker: str | bytes) -> DialogueStateTracker | None:
        tracker = self.init_tracker(sender_id)
        try:
            dialogue = Dialogue.from_parameters(loads(serialised_tracker))
        except UnicodeDecodeError as e:  # as Rasa's own
            raise TrackerDeserialisationException("Tracker cannot be deserialised: it is not JSON.") from e
        tracker.recreate_from_dialogue(dialogue)
        return tracker
