"""Hot spots of a Rasa 3.6 turn, removed without changing what Rasa does.

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
* ~5% went to deep copies and text made only for debug log lines, at info level.
  They are made only when debug logging is on.
* 5% went to matching every rule against every state of the conversation; past a
  rule's length the match always holds, so only the longest rule's length is walked.
* 16% went to ``states_for_tracker_history``: each policy at each step replays the whole
  tracker. The walk over a tracker now goes on from where it stopped while only plain
  events were added (see ``_states_continue_where_they_stopped``).

tests/nlu/test_policy_speedups.py replays 3,300 predictions (stories, rules, and the same
after 40 others: trackers of 280 events) with and without these: every policy's
prediction, the states and the rules that apply are the same.

Applied when Rasa imports our REST channel (credentials.yml) or tracker store
(endpoints), i.e. in every Rasa process of ours. ``MPP_RASA_SPEEDUPS=0`` turns them off:
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
    _states_continue_where_they_stopped()
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
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT, EndpointConfig

    from bot.fast_json import dumps

    def _json(data: Any) -> str:
        return dumps(data).decode()

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


def _states_continue_where_they_stopped() -> None:
    """A tracker's dialogue states are worked out once per turn, not once per policy and step.

    ``Domain.states_for_tracker_history`` replays the whole tracker into a fresh copy and
    builds a state at every action; RulePolicy asks twice per prediction (user text,
    then intent), MemoizationPolicy once more, and a turn has several predictions on
    the same tracker, each a few events longer. Here the walk over one tracker is kept
    (per domain and arguments) and, when only plain events were added since, it goes on
    from where it stopped. Events that rewrite the past (restart, session start, undo,
    rewind, a loop's own action or a new loop: ``applied_events`` may drop earlier
    events for them) make it start again from scratch. Callers get copies: they change
    the last state in place. tests/nlu/test_policy_speedups.py checks every prediction.
    """
    import itertools
    import json
    import weakref

    from rasa.shared.core.constants import PREVIOUS_ACTION
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import (
        ActionExecuted,
        ActionReverted,
        ActiveLoop,
        Event,
        Restarted,
        SessionStarted,
        UserUtteranceReverted,
    )
    from rasa.shared.core.trackers import DialogueStateTracker

    rewrites = (Restarted, SessionStarted, ActionReverted, UserUtteranceReverted)

    class Walk:
        def __init__(self, tracker: DialogueStateTracker) -> None:
            self.prior = tracker.init_copy()  # the tracker as it was, event by event
            self.states: list[dict] = []
            self.last_ml: Any = None  # Rasa's last_ml_action_sub_state
            self.hidden = False  # Rasa's turn_was_hidden
            self.loops = {e.name for e in tracker.events if isinstance(e, ActiveLoop) and e.name}
            self.count = 0
            self.last: Event | None = None

    walks: dict[int, dict[tuple, Walk]] = {}

    def step(domain: Domain, walk: Walk, states: list[dict], hide: bool, omit: bool, ignore: bool, data: Any) -> None:
        """One pass of the loop body of Rasa's states_for_tracker_history, at walk.prior."""
        tr = walk.prior
        if ignore:
            if not walk.hidden:
                walk.last_ml = domain._get_prev_action_sub_state(tr)
            if not tr.followup_action and not tr.latest_action_name == tr.active_loop_name:
                walk.hidden = hide
            if walk.hidden:
                return
        state = domain.get_active_state(tr, omit_unset_slots=omit)
        if ignore:
            domain._remove_rule_only_features(state, data)
            if states:
                domain._substitute_rule_only_user_input(state, states[-1])
            if walk.last_ml:
                state[PREVIOUS_ACTION] = walk.last_ml
        states.append(domain._clean_state(state))

    def advance(domain: Domain, walk: Walk, events: Any, omit: bool, ignore: bool, data: Any) -> None:
        for event in events:
            if isinstance(event, ActionExecuted):
                step(domain, walk, walk.states, event.hide_rule_turn, omit, ignore, data)
            walk.prior.update(event)

    def plain(event: Event, loops: set[str]) -> bool:
        if isinstance(event, rewrites):
            return False
        if isinstance(event, ActiveLoop):
            return not event.name or event.name in loops
        return not (isinstance(event, ActionExecuted) and event.action_name in loops)

    def copied(states: list[dict]) -> list[dict]:
        """Two levels deep (states hold dicts of strings and tuples), sharing what Rasa's own list shares."""
        seen: dict[int, dict] = {}

        def sub(d: Any) -> Any:
            if not isinstance(d, dict):
                return d
            if id(d) not in seen:
                seen[id(d)] = dict(d)
            return seen[id(d)]

        return [{kind: sub(part) for kind, part in state.items()} for state in states]

    def states_for_tracker_history(
        self: Domain,
        tracker: DialogueStateTracker,
        omit_unset_slots: bool = False,
        ignore_rule_only_turns: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[dict]:
        events = tracker.events
        n = len(events)
        mine = walks.get(id(tracker))
        if mine is None:
            mine = walks[id(tracker)] = {}
            weakref.finalize(tracker, walks.pop, id(tracker), None)
        data = json.dumps(rule_only_data, sort_keys=True, default=str) if ignore_rule_only_turns else None
        key = (id(self), omit_unset_slots, ignore_rule_only_turns, data)
        walk = mine.get(key)
        new: list[Event] = []
        if walk is not None and walk.count <= n and (walk.count == 0 or events[walk.count - 1] is walk.last):
            new = list(itertools.islice(events, walk.count, n))
            if not all(plain(e, walk.loops) for e in new):
                walk = None
        else:
            walk = None
        args = (omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        if walk is None:
            walk = mine[key] = Walk(tracker)
            advance(self, walk, tracker.applied_events(), *args)
        else:
            advance(self, walk, new, *args)
        walk.count, walk.last = n, (events[-1] if n else None)
        states = copied(walk.states)
        final = Walk.__new__(Walk)  # the last state: on a copy of the walk's flags, not kept
        final.prior, final.last_ml, final.hidden = walk.prior, walk.last_ml, walk.hidden
        step(self, final, states, False, *args)
        return states

    Domain.states_for_tracker_history = states_for_tracker_history  # type: ignore[method-assign]


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
