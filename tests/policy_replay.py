"""Replays conversations through the trained model's dialogue policies and writes every prediction.

    .venv/bin/python -m tests.policy_replay OUT.jsonl [MODEL]     # with bot/rasa_speedups.py
    MPP_RASA_SPEEDUPS=0 .venv/bin/python -m tests.policy_replay OUT.jsonl   # Rasa as shipped

The conversations are the test stories and the training stories, each once as written
and once after a long history (other stories before it), fed event by event as the
message processor does: a prediction before every action. At every user message the
tracker is read back as the tracker store does between turns (JSON, new objects, the
history cut past ``MAX_EVENTS``), so the speed-ups' take-over of last turn's states is
replayed too. Used by tests/nlu/test_policy_speedups.py: the speed-ups must not change
a single prediction.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from mpp.config import PROJECT_ROOT
from testkit.story_replay import conversations

MAX_EVENTS = 120  # the tracker store's default bound (bot.tracker_store)


def _strip_times(event: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in event.items() if key != "timestamp"}


def _as_record(prediction: Any, domain: Any) -> dict[str, Any]:
    probabilities = [round(p, 6) for p in prediction.probabilities]
    best = max(range(len(probabilities)), key=probabilities.__getitem__)
    return {
        "action": domain.action_names_or_texts[best],
        "policy": prediction.policy_name,
        "probabilities": probabilities,
        "events": [_strip_times(e.as_dict()) for e in prediction.events],
        "optional_events": [_strip_times(e.as_dict()) for e in prediction.optional_events],
        "metadata": prediction.action_metadata,
        "end_to_end": prediction.is_end_to_end_prediction,
        "no_user": prediction.is_no_user_prediction,
        "hide_rule_turn": prediction.hide_rule_turn,
    }


def replay(agent: Any, events: list[Any], sender: str) -> list[dict[str, Any]]:
    """Each prediction of the ensemble, and of every policy on its own (the processor's way)."""
    from rasa.core.policies.policy import Policy
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.engine.constants import PLACEHOLDER_TRACKER
    from rasa.engine.graph import GraphSchema
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.tracker_store import bounded_events

    processor, domain = agent.processor, agent.domain
    schema: GraphSchema = processor.model_metadata.predict_schema
    policies = sorted(name for name, node in schema.nodes.items() if issubclass(node.uses, Policy))
    targets = [processor.model_metadata.core_target, *policies]
    nodes = processor.graph_runner._instantiated_nodes  # the loaded components
    rules: RulePolicy = next(n._component for n in nodes.values() if isinstance(n._component, RulePolicy))
    tracker = DialogueStateTracker(sender, domain.slots)
    out = []
    for at, event in enumerate(events):
        if isinstance(event, ActionExecuted) and at > 0:
            record: dict[str, Any] = {"sender": sender, "at": at, "events_so_far": len(tracker.events)}
            if tracker.followup_action:
                record["ensemble"] = _as_record(processor._predict_next_with_tracker(tracker), domain)
            else:
                results = processor.graph_runner.run(inputs={PLACEHOLDER_TRACKER: tracker}, targets=targets)
                record["ensemble"] = _as_record(results[targets[0]], domain)
                record.update({name: _as_record(results[name], domain) for name in policies})
                only = rules._get_rule_only_data()
                states = rules._prediction_states(tracker, domain, rule_only_data=only)
                record["states"] = tracker.past_states(domain)  # all of them, as the policies see them
                record["ml_states"] = tracker.past_states(domain, ignore_rule_only_turns=True, rule_only_data=only)
                record["rules_that_apply"] = {  # the candidates the rule policy chooses from
                    kind: sorted(rules._get_possible_keys(rules.lookup[kind], states))
                    for kind in ("rules", "rules_for_loop_unhappy_path")
                }
            out.append(record)
        if isinstance(event, UserUttered) and at > 0:  # a new turn: the tracker as the store gives it back
            stored = json.loads(json.dumps([e.as_dict() for e in bounded_events(tracker, MAX_EVENTS)]))
            tracker = DialogueStateTracker.from_dict(sender, stored, domain.slots)
        tracker.update(event)
    return out


def main() -> None:
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    import logging

    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # as `rasa run` at its default level
    out = Path(sys.argv[1])
    model = sys.argv[2] if len(sys.argv) > 2 else str(PROJECT_ROOT / "models" / "asisten.tar.gz")
    from bot import rasa_speedups

    rasa_speedups.apply()  # does nothing under MPP_RASA_SPEEDUPS=0
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    with out.open("w") as f:
        for n, events in enumerate(conversations(agent)):
            for record in replay(agent, events, f"replay:{n}"):
                f.write(json.dumps(record, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
