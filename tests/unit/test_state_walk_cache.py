"""A turn's tracker, read afresh from the store, goes on with last turn's dialogue states (MPP_STATE_CACHE).

What the policies get must be exactly what Rasa as shipped works out; only the work is saved.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import rasa_speedups
from bot.tracker_store import bounded_events
from mpp.config import PROJECT_ROOT

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))
SHIPPED = vars(Domain)["states_for_tracker_history"]


def turn(i: int, t: float, entity: str = "layanan") -> list[Event]:
    said = [{"entity": entity, "value": "paspor", "start": 7, "end": 13}]
    return [
        UserUttered(f"syarat paspor {i}", {"name": "tanya_syarat", "confidence": 0.9}, said, timestamp=t),
        SlotSet("layanan", "paspor", timestamp=t + 0.1),
        ActionExecuted("action_jawab_pertanyaan", timestamp=t + 0.2),
        ActionExecuted("action_listen", timestamp=t + 0.3),
    ]


def conversation(sender: str, turns: int, start: float = 1000.0) -> DialogueStateTracker:
    events: list[Event] = [ActionExecuted("action_listen", timestamp=start)]
    for i in range(turns):
        events += turn(i, start + 1 + i)
    events += [
        UserUttered("mau antri", {"name": "pesan_antrean", "confidence": 0.9}, timestamp=start + turns + 2),
        ActionExecuted("form_pesan_antrean", timestamp=start + turns + 2.1),
        ActiveLoop("form_pesan_antrean", timestamp=start + turns + 2.2),
        SlotSet("requested_slot", "pesan_tanggal", timestamp=start + turns + 2.3),
        ActionExecuted("action_listen", timestamp=start + turns + 2.4),
    ]
    return DialogueStateTracker.from_events(sender, events, DOMAIN.slots)


def read_back(tracker: DialogueStateTracker, events: list[Event] | None = None) -> DialogueStateTracker:
    """What the next turn gets from the tracker store: new objects from the stored JSON."""
    stored = json.loads(json.dumps([e.as_dict() for e in (events if events is not None else tracker.events)]))
    return DialogueStateTracker.from_dict(tracker.sender_id, stored, DOMAIN.slots)


@pytest.fixture
def patched(request: pytest.FixtureRequest) -> Iterator[list[int]]:
    """The speed-ups applied (with the env the test passes, if any), and a count of states worked out."""
    applied = rasa_speedups.apply(env=getattr(request, "param", {}))
    counted = [0]
    original = vars(Domain)["get_active_state"]

    def get_active_state(self: Domain, *args: Any, **kwargs: Any) -> Any:
        counted[0] += 1
        return original(self, *args, **kwargs)

    Domain.get_active_state = get_active_state  # type: ignore[method-assign]
    try:
        yield counted
    finally:
        Domain.get_active_state = original  # type: ignore[method-assign]
        applied.undo()


def states(tracker: DialogueStateTracker) -> list[dict]:
    return DOMAIN.states_for_tracker_history(tracker)


def shipped(tracker: DialogueStateTracker) -> list[dict]:
    return SHIPPED(DOMAIN, tracker)


def test_the_next_turn_read_from_the_store_goes_on_from_last_turns_states(patched: list[int]) -> None:
    first = conversation("telegram:1", turns=12)
    assert states(first) == shipped(first)
    second = read_back(first)
    second.update(UserUttered("besok jam 9", {"name": "informasi", "confidence": 0.9}, timestamp=2000.0))
    second.update(SlotSet("pesan_tanggal", "besok", timestamp=2000.1))
    before = patched[0]
    got = states(second)
    assert patched[0] - before == 1  # only the new last state; the 27 before it came from last turn
    assert got == shipped(second) and len(got) == 28


def test_a_history_cut_by_the_store_is_walked_afresh_and_gives_rasas_states(patched: list[int]) -> None:
    first = conversation("telegram:2", turns=40)
    states(first)
    cut = read_back(first, bounded_events(first, 120))
    assert len(cut.events) < len(first.events)
    before = patched[0]
    got = states(cut)
    assert patched[0] - before > 10 and got == shipped(cut)


def test_a_different_event_at_the_same_place_and_time_is_not_taken_for_last_turns(patched: list[int]) -> None:
    first = conversation("telegram:3", turns=6)
    states(first)
    changed = json.loads(json.dumps([e.as_dict() for e in first.events]))
    changed[1]["parse_data"]["entities"][0]["entity"] = "jenis"  # Rasa's own == compares the entities' keys only
    changed[1]["parse_data"]["entities"][0]["value"] = "baru"
    other = DialogueStateTracker.from_dict("telegram:3", changed, DOMAIN.slots)
    assert UserUttered.__eq__(first.events[1], other.events[1])
    before = patched[0]
    got = states(other)
    assert patched[0] - before > 5 and got == shipped(other)
    assert "jenis" in str(got)


def test_another_conversation_never_takes_over_a_walk(patched: list[int]) -> None:
    a = conversation("telegram:4", turns=6)
    states(a)
    b = read_back(a)
    b.sender_id = "telegram:5"  # the same events under another sender: nothing of telegram:4's is used
    before = patched[0]
    assert states(b) == shipped(b) and patched[0] - before > 5


@pytest.mark.parametrize("patched", [{"MPP_STATE_CACHE": "1"}], indirect=True)
def test_only_the_latest_conversations_are_kept(patched: list[int]) -> None:
    a, b = conversation("telegram:6", turns=6), conversation("telegram:7", turns=6)
    states(a)
    states(b)  # telegram:6's walks are dropped: one conversation is kept
    again_b, again_a = read_back(b), read_back(a)
    before = patched[0]
    states(again_b)
    assert patched[0] - before == 1
    before = patched[0]
    assert states(again_a) == shipped(again_a) and patched[0] - before > 5


@pytest.mark.parametrize("patched", [{"MPP_STATE_CACHE": "0"}], indirect=True)
def test_MPP_STATE_CACHE_0_keeps_no_walk_between_trackers(patched: list[int]) -> None:
    first = conversation("telegram:8", turns=6)
    states(first)
    before = patched[0]
    again = read_back(first)
    assert states(again) == shipped(again) and patched[0] - before > 5


@pytest.mark.parametrize("bad", ["-1", "banyak", ""])
def test_a_bad_MPP_STATE_CACHE_stops_the_worker_with_a_precise_error(bad: str) -> None:
    with pytest.raises(ValueError, match="MPP_STATE_CACHE must be a whole number of conversations, at least 0"):
        rasa_speedups.apply(env={"MPP_STATE_CACHE": bad})
    assert vars(Domain)["states_for_tracker_history"] is SHIPPED  # nothing was patched
