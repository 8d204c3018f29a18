"""The conversations replayed through the dialogue policies: test stories and training stories.

Shared by tests/policy_replay.py (the speed-ups must not change a prediction) and
benchmarks/state_walk.py (what the cross-turn state cache saves).
"""

from __future__ import annotations

from typing import Any

from mpp.config import PROJECT_ROOT


def conversations(agent: Any) -> list[list[Any]]:
    """The test stories, then every rule and story of the training data, alone and after a long history."""
    from rasa.core.test import _create_data_generator
    from rasa.shared.core.constants import ACTION_SESSION_START_NAME, RULE_SNIPPET_ACTION_NAME
    from rasa.shared.core.events import ActionExecuted, SessionStarted

    def plain(events: list[Any]) -> list[Any]:
        skip = (ACTION_SESSION_START_NAME, RULE_SNIPPET_ACTION_NAME)
        return [
            e
            for e in events
            if not isinstance(e, SessionStarted) and not (isinstance(e, ActionExecuted) and e.action_name in skip)
        ]

    pieces: list[list[Any]] = []
    tests = _create_data_generator(str(PROJECT_ROOT / "tests" / "stories"), agent, use_conversation_test_files=True)
    pieces += [plain(list(t.events)) for t in tests.generate_story_trackers()]
    training = _create_data_generator(str(PROJECT_ROOT / "data"), agent)
    pieces += [plain(list(t.events)) for t in training.generate()]
    pieces = [p for p in pieces if p]
    long = []
    for i, events in enumerate(pieces[::3]):
        history = [e for k in range(1, 41) for e in pieces[(i * 7 + k) % len(pieces)]]
        long.append(history + events)
    return pieces + long
