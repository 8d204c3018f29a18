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

Measured again at 52 turns/s (benchmarks/suite.py --profile):

* jsonschema still took 7%: the events schema is a ``oneOf`` over 23 event kinds, walked
  for every event. The schema is now also compiled to Python by fastjsonschema; what it
  accepts is accepted, anything it refuses goes through jsonschema as before (same error).
* 4% went to opening an aiohttp session and a TCP connection for every action call.
  Action calls now share one session per endpoint and event loop (connections kept
  alive for 2 s, under the action server's 5 s), and its JSON is written by orjson.

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
    _share_action_sessions()
    _skip_debug_only_work()
    _rules_look_back_their_length()
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
    fast_check = _compile_response_check(schema)

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        if fast_check(result):
            return True
        # refused: jsonschema decides, and words the error
        error: ValidationError | None = best_match(validator.iter_errors(result))
        if error is not None:
            error.message += (
                ". Failed to validate Action server response from API, make sure your response from the "
                f"Action endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
            )
            raise error
        return True

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]


def _compile_response_check(schema: dict[str, Any]) -> Any:
    """True when ``schema`` accepts a response, by compiled code (fastjsonschema).

    Each event must match exactly one of 23 kinds (``oneOf``), and every kind pins the
    ``event`` name, so an event is checked only against the kind its name picks.
    """
    import fastjsonschema

    event_schema = schema["properties"]["events"]["items"]
    kinds = event_schema["oneOf"]
    common = {key: value for key, value in event_schema.items() if key != "oneOf"}
    by_kind = {
        kind["properties"]["event"]["const"]: fastjsonschema.compile({**common, "allOf": [kind]}) for kind in kinds
    }
    if len(by_kind) != len(kinds) or schema["properties"]["events"] != {"type": "array", "items": event_schema}:
        raise RuntimeError("Rasa's action response schema changed: review bot/rasa_speedups.py")
    others = {key: value for key, value in schema["properties"].items() if key != "events"}
    outer = fastjsonschema.compile({**schema, "properties": others})

    def check(result: Any) -> bool:
        try:
            outer(result)
            events = result.get("events", ())
            if not isinstance(events, list) and "events" in result:
                return False
            for event in events:
                validate = by_kind.get(event.get("event")) if isinstance(event, dict) else None
                if validate is None:
                    return False
                validate(event)
        except (fastjsonschema.JsonSchemaException, TypeError):
            return False
        return True

    return check


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


def _share_action_sessions() -> None:
    import asyncio

    import aiohttp
    import orjson
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

    def _json(data: Any) -> str:
        try:
            return orjson.dumps(data).decode()
        except TypeError:  # integers past 64 bits, non-string keys: as before
            import json

            return json.dumps(data)

    class _Shared:
        """``async with endpoint.session() as s``: the endpoint's open session; leaving does not close it."""

        def __init__(self, session: aiohttp.ClientSession) -> None:
            self.session = session

        async def __aenter__(self) -> aiohttp.ClientSession:
            return self.session

        async def __aexit__(self, *exc: object) -> None:
            return None

    def session(self: EndpointConfig) -> Any:
        loop = asyncio.get_running_loop()
        shared: aiohttp.ClientSession | None = self.__dict__.get("_mpp_session")
        if shared is None or shared.closed or self.__dict__.get("_mpp_loop") is not loop:
            auth = (
                aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
            )
            shared = aiohttp.ClientSession(
                headers=self.headers,
                auth=auth,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=2),
                json_serialize=_json,
            )
            self.__dict__["_mpp_session"], self.__dict__["_mpp_loop"] = shared, loop
        return _Shared(shared)

    EndpointConfig.session = session  # type: ignore[method-assign]


def _skip_debug_only_work() -> None:
    """Debug-log arguments are built only when debug logging is on.

    Rasa deep-copies states, events and parse data for ``structlogger.debug(...)`` calls,
    and formats every tracker state as text for one: work thrown away at info level.
    In these three modules ``copy.deepcopy`` is used for nothing else
    (tests/unit/test_rasa_speedups.py checks the source).
    """
    import copy
    import logging
    import types

    from rasa.core import processor
    from rasa.core.policies import memoization, rule_policy
    from rasa.core.policies.rule_policy import RulePolicy

    for module in (processor, memoization, rule_policy):
        log = logging.getLogger(module.__name__)

        def deepcopy(value: Any, memo: Any = None, log: logging.Logger = log) -> Any:
            return copy.deepcopy(value, memo) if log.isEnabledFor(logging.DEBUG) else value

        module.copy = types.SimpleNamespace(copy=copy.copy, deepcopy=deepcopy)  # type: ignore[attr-defined]

    format_states = RulePolicy.format_tracker_states
    log = logging.getLogger(rule_policy.__name__)

    def format_tracker_states(states: list[dict]) -> str:
        return format_states(states) if log.isEnabledFor(logging.DEBUG) else ""

    RulePolicy.format_tracker_states = staticmethod(format_tracker_states)  # type: ignore[method-assign,assignment]


def _rules_look_back_their_length() -> None:
    """Matching rules against a conversation looks back only as far as the longest rule.

    ``RulePolicy._get_possible_keys`` walks back over every state of the tracker and
    re-checks every candidate rule at each step; past a rule's length the check always
    passes. So only the last (longest rule) states are walked: same rules found.
    """
    from rasa.core.policies.rule_policy import RulePolicy

    original = RulePolicy._get_possible_keys
    longest: dict[int, tuple[dict, int, int]] = {}  # id(lookup) -> (lookup, its size, longest rule)

    def _get_possible_keys(self: RulePolicy, lookup: dict[str, str], states: list[dict]) -> set[str]:
        known = longest.get(id(lookup))
        if known is None or known[0] is not lookup or known[1] != len(lookup):
            known = (lookup, len(lookup), max((len(self._rule_key_to_state(key)) for key in lookup), default=0))
            longest[id(lookup)] = known
        if 0 < known[2] < len(states):
            states = states[-known[2] :]
        return original(self, lookup, states)

    RulePolicy._get_possible_keys = _get_possible_keys  # type: ignore[method-assign]


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
