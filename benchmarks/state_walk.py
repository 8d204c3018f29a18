"""What keeping last turn's dialogue states (MPP_STATE_CACHE) saves, measured in one process.

    PYTHONPATH=. .venv/bin/python -m benchmarks.state_walk [MODEL] [--rounds 3] [--long-only]

Replays the conversations of testkit/story_replay.py (test and training stories, alone and
after a long history) through the model's policies as a worker does: a prediction before
every action, and at every user message the tracker read back as the tracker store gives
it (JSON, new objects, the history cut past 120 events). The same replay runs with the
speed-ups and MPP_STATE_CACHE=256 (kept) and =0 (worked out afresh each turn), in
alternating rounds in this process; printed: ms per prediction (median of the rounds),
the ratio, and dialogue states worked out per prediction (a count: load does not move it).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from typing import Any

from mpp.config import PROJECT_ROOT


def replay(agent: Any, conversations: list[list[Any]]) -> int:
    """Runs every prediction; returns how many."""
    from rasa.engine.constants import PLACEHOLDER_TRACKER
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.tracker_store import bounded_events

    processor, domain = agent.processor, agent.domain
    target = processor.model_metadata.core_target
    predictions = 0
    for n, events in enumerate(conversations):
        sender = f"bench:{n}"
        tracker = DialogueStateTracker(sender, domain.slots)
        for at, event in enumerate(events):
            if isinstance(event, ActionExecuted) and at > 0:
                processor.graph_runner.run(inputs={PLACEHOLDER_TRACKER: tracker}, targets=[target])
                predictions += 1
            if isinstance(event, UserUttered) and at > 0:
                stored = json.loads(json.dumps([e.as_dict() for e in bounded_events(tracker, 120)]))
                tracker = DialogueStateTracker.from_dict(sender, stored, domain.slots)
            tracker.update(event)
    return predictions


def main() -> None:
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model", nargs="?", default=str(PROJECT_ROOT / "models" / "asisten.tar.gz"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--long-only", action="store_true", help="only the conversations after a long history")
    args = parser.parse_args()
    import logging

    from rasa.core.agent import Agent
    from rasa.shared.core.domain import Domain
    from rasa.utils.log_utils import configure_structlog

    from bot import rasa_speedups
    from testkit.story_replay import conversations

    configure_structlog(logging.WARNING)
    agent = Agent.load(args.model)
    talks = conversations(agent)
    if args.long_only:
        talks = [c for c in talks if len(c) > 200]
    original = vars(Domain)["get_active_state"]
    counted = [0]

    def get_active_state(self: Domain, *a: Any, **k: Any) -> Any:
        counted[0] += 1
        return original(self, *a, **k)

    Domain.get_active_state = get_active_state  # type: ignore[method-assign]
    times: dict[str, list[float]] = {"256": [], "0": []}
    states: dict[str, float] = {}
    for _ in range(args.rounds):
        for keep in times:
            applied = rasa_speedups.apply(env={"MPP_STATE_CACHE": keep})
            try:
                counted[0] = 0
                start = time.perf_counter()
                predictions = replay(agent, talks)
                times[keep].append((time.perf_counter() - start) * 1000 / predictions)
                states[keep] = counted[0] / predictions
            finally:
                applied.undo()
    Domain.get_active_state = original  # type: ignore[method-assign]
    on, off = statistics.median(times["256"]), statistics.median(times["0"])
    print(f"{len(talks)} conversations, {predictions} predictions, {args.rounds} rounds each way")
    print(f"kept (MPP_STATE_CACHE=256): {on:.3f} ms/prediction, {states['256']:.2f} states worked out per prediction")
    print(f"afresh (MPP_STATE_CACHE=0): {off:.3f} ms/prediction, {states['0']:.2f} states worked out per prediction")
    print(f"ratio kept/afresh: x{on / off:.2f} time, x{states['256'] / states['0']:.2f} states")


if __name__ == "__main__":
    main()
