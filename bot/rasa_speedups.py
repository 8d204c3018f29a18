"""Two hot spots of a Rasa 3.6 turn, removed without changing what Rasa does.

py-spy on a Rasa worker under the benchmark suite's traffic (benchmarks/suite.py):

* 48% of the worker's time went to ``RemoteAction._validate_action_result``: it calls
  ``jsonschema.validate``, which checks the (constant) response schema itself and builds
  a new validator on every action call. Here the schema is checked once and the validator
  kept; every action server response is still validated, with the same error.
* 11% went to ``Event.resolve_by_type``, which walks every subclass of ``Event`` for every
  event of every tracker it reads from the store. Here a found class is remembered by its
  type name; unknown names still go the original way (default, "topic", error).

* Then 13% went to JSON-encoding action calls: each one carries the conversation's whole
  event history (up to TRACKER_MAX_EVENTS) to the action server. Our actions read slots,
  the latest message and the active form, never old events; rasa_sdk's form validation
  looks back only to the last action. So an action call carries the last
  ``MPP_ACTION_EVENTS`` events (default 60), with the full state (slots, latest message,
  active loop) as before. (The domain goes only to the form validation actions that need
  it: ``enable_selective_domain`` in the endpoints, ``send_domain`` in domain.yml.)

Applied when Rasa imports our REST channel (credentials.yml) or tracker store
(endpoints), i.e. in every Rasa process of ours. ``MPP_RASA_SPEEDUPS=0`` turns both off:
the benchmark suite's ``ours-1w-stockrasa`` configuration measures their effect.
"""

from __future__ import annotations

import os
from typing import Any

_applied = False


def apply() -> None:
    global _applied
    if _applied or os.environ.get("MPP_RASA_SPEEDUPS", "1") == "0":
        return
    _applied = True
    _cache_action_result_validator()
    _cache_event_types()
    _recent_events_to_actions(int(os.environ.get("MPP_ACTION_EVENTS", "60")))


def _cache_action_result_validator() -> None:
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        error: ValidationError | None = best_match(validator.iter_errors(result))
        if error is not None:
            error.message += (
                ". Failed to validate Action server response from API, make sure your response from the "
                f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
            )
            raise error
        return True

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]


def _cache_event_types() -> None:
    from rasa.shared.core.events import Event

    original = Event.resolve_by_type
    found: dict[str, type[Event]] = {}

    def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
        cls = found.get(type_name)
        if cls is None:
            cls = original(type_name, default)
            if cls is not None and cls is not default:
                found[type_name] = cls
        return cls

    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign,assignment]


def _recent_events_to_actions(keep: int) -> None:
    import rasa
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

    def _action_call_format(self: RemoteAction, tracker: DialogueStateTracker, domain: Domain) -> dict[str, Any]:
        state = tracker.current_state(EventVerbosity.NONE)
        state["events"] = [event.as_dict() for event in list(tracker.events)[-keep:]]
        result = {
            "next_action": self._name,
            "sender_id": tracker.sender_id,
            "tracker": state,
            "version": rasa.__version__,
        }
        if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
            result["domain"] = domain.as_dict()
        return result

    RemoteAction._action_call_format = _action_call_format  # type: ignore[method-assign]
