"""Speed-ups of a Rasa 3.6 worker's turn that change how fast, never what Rasa does.

Each entry of ``PATCHES`` replaces one Rasa internal, names the Rasa version it was
written against, and says why it is safe. Rules:

* Applied from one place only: ``bot.rasa_channel.PrivateRestInput.from_credentials``,
  which Rasa calls once per worker at start-up when it builds its channels. Nothing is
  patched by importing a module.
* A patch written for another Rasa version is refused with a warning and that part of
  Rasa stays as shipped: internals change between releases, and a patch that no longer
  fits would change behaviour silently. Re-check and re-date the table when Rasa moves.
* ``apply()`` returns a handle whose ``undo()`` puts every replaced attribute back;
  tests apply and undo per test, so no other test runs on patched Rasa.
* ``MPP_RASA_SPEEDUPS=0`` applies none (the benchmark suite's ``ours-1w-stockrasa``).
* ``MPP_ACTION_EVENTS`` (default 60, at least 1): how many of the latest events an
  action call carries. Our actions read slots, the latest message and the active form,
  never old events, and rasa_sdk's form validation looks back only to the last action,
  so the full history (up to ``TRACKER_MAX_EVENTS``) is not sent; the state (slots,
  latest message, active loop) always is. Raise it for an action that reads history.
* Shared action-server sessions are closed when the server stops.

What each patch is worth was measured with the benchmark suite; the figures are in the
README (*Measuring*). tests/nlu/test_policy_speedups.py replays 3,300 predictions with and
without the patches and finds every prediction, dialogue state and applicable rule equal.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

WRITTEN_FOR = "3.6.21"
DEFAULT_ACTION_EVENTS = 60
DEFAULT_STATE_CACHE = 256
_MISSING = object()


class Patcher:
    """Replaces attributes and remembers the originals (as stored: a staticmethod stays one)."""

    def __init__(self) -> None:
        self._originals: list[tuple[Any, str, Any]] = []

    def replace(self, owner: Any, name: str, value: Any) -> Any:
        """Put ``value`` at ``owner.name``; returns what was there (as ``getattr`` sees it)."""
        stored = vars(owner).get(name, _MISSING) if hasattr(owner, "__dict__") else _MISSING
        current = getattr(owner, name)
        self._originals.append((owner, name, stored))
        setattr(owner, name, value)
        return current

    def undo(self) -> None:
        for owner, name, stored in reversed(self._originals):
            if stored is _MISSING:
                delattr(owner, name)
            else:
                setattr(owner, name, stored)
        self._originals.clear()


@dataclass(frozen=True)
class Settings:
    action_events: int = DEFAULT_ACTION_EVENTS
    state_cache: int = DEFAULT_STATE_CACHE


@dataclass(frozen=True)
class Patch:
    name: str
    why: str  # what it removes from a turn, and why the result is the same
    rasa: str  # the Rasa version it was written against
    install: Callable[[Patcher, Settings], None]


@dataclass
class Applied:
    """What ``apply()`` changed; ``undo()`` restores Rasa as it was."""

    names: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    _patcher: Patcher = field(default_factory=Patcher)

    def undo(self) -> None:
        global _applied
        self._patcher.undo()
        if _applied is self:
            _applied = None


_applied: Applied | None = None


def _whole_number(env: Mapping[str, str], name: str, default: int, least: int, what: str) -> int:
    raw = env.get(name, str(default))
    try:
        value = int(raw)
    except ValueError:
        value = least - 1
    if value < least:
        raise ValueError(f"{name} must be a whole number of {what}, at least {least} (got {raw!r})")
    return value


def settings_from(env: Mapping[str, str]) -> Settings:
    return Settings(
        action_events=_whole_number(env, "MPP_ACTION_EVENTS", DEFAULT_ACTION_EVENTS, 1, "events"),
        state_cache=_whole_number(env, "MPP_STATE_CACHE", DEFAULT_STATE_CACHE, 0, "conversations"),
    )


def apply(env: Mapping[str, str] | None = None, rasa_version: str | None = None) -> Applied:
    """Apply every patch written for the running Rasa, once per process; see the module docstring."""
    global _applied
    if _applied is not None:
        return _applied
    env = os.environ if env is None else env
    applied = Applied()
    if env.get("MPP_RASA_SPEEDUPS", "1") == "0":
        logger.info("Rasa speed-ups off (MPP_RASA_SPEEDUPS=0)")
        _applied = applied
        return applied
    settings = settings_from(env)
    if rasa_version is None:
        import rasa

        rasa_version = rasa.__version__
    for patch in PATCHES:
        if patch.rasa != rasa_version:
            logger.warning(
                "Rasa speed-up %r not applied: written for Rasa %s, this is Rasa %s (left as shipped)",
                patch.name,
                patch.rasa,
                rasa_version,
            )
            applied.refused.append(patch.name)
            continue
        patch.install(applied._patcher, settings)
        applied.names.append(patch.name)
    _applied = applied
    return applied


def _cache_action_result_validator(p: Patcher, _: Settings) -> None:
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

    p.replace(RemoteAction, "_validate_action_result", _validate_action_result)


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


def _cache_event_types(p: Patcher, _: Settings) -> None:
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

    p.replace(Event, "resolve_by_type", staticmethod(resolve_by_type))


_sessions: list[Any] = []  # aiohttp sessions shared by action calls, closed when the server stops


async def close_shared_sessions() -> None:
    while _sessions:
        session = _sessions.pop()
        if not session.closed:
            await session.close()


def _share_action_sessions(p: Patcher, _: Settings) -> None:
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
            _sessions.append(shared)
        return _Shared(shared)

    p.replace(EndpointConfig, "session", session)


def _close_sessions_on_stop(p: Patcher, _: Settings) -> None:
    """Rasa's own shutdown listener (``close_resources``, registered after the channels
    are built) also closes the action-call sessions."""
    from rasa.core import run

    original = run.close_resources

    async def close_resources(app: Any, loop: asyncio.AbstractEventLoop) -> None:
        try:
            await original(app, loop)
        finally:
            await close_shared_sessions()

    p.replace(run, "close_resources", close_resources)


def _skip_debug_only_work(p: Patcher, _: Settings) -> None:
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

        p.replace(module, "copy", types.SimpleNamespace(copy=copy.copy, deepcopy=deepcopy))

    format_states = RulePolicy.format_tracker_states
    log = logging.getLogger(rule_policy.__name__)

    def format_tracker_states(states: list[dict]) -> str:
        return format_states(states) if log.isEnabledFor(logging.DEBUG) else ""

    p.replace(RulePolicy, "format_tracker_states", staticmethod(format_tracker_states))


def _rules_look_back_their_length(p: Patcher, _: Settings) -> None:
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

    p.replace(RulePolicy, "_get_possible_keys", _get_possible_keys)


def _states_continue_where_they_stopped(p: Patcher, settings: Settings) -> None:
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

    Each turn reads its conversation afresh from the tracker store: a new tracker object
    whose events are copies of last turn's. The walks of the last ``MPP_STATE_CACHE``
    conversations (default 256; 0: none) are kept by sender, and a new tracker takes its
    sender's walks over when the events they walked are, one by one, the same as its first
    events: same type, same time, and same content as far as a state reads it. Anything else
    (another conversation's events, a history cut by the tracker store) starts afresh.
    """
    import itertools
    import json
    import weakref
    from collections import OrderedDict

    from rasa.shared.core.constants import PREVIOUS_ACTION
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import (
        ActionExecuted,
        ActionReverted,
        ActiveLoop,
        BotUttered,
        Event,
        Restarted,
        SessionStarted,
        UserUtteranceReverted,
        UserUttered,
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
            self.seen: list[Event] = []  # the tracker events walked so far (count of them)

    walks: dict[int, dict[tuple, Walk]] = {}
    recent: OrderedDict[str, dict[tuple, Walk]] = OrderedDict()  # sender -> the walks of its latest tracker

    def same(a: Event, b: Event) -> bool:
        """One event and its copy read back from the store: type, time and what a dialogue state reads of it."""
        if type(a) is not type(b) or a.timestamp != b.timestamp:
            return False
        # Rasa's own == compares only the keys of a message's entities, and JSON-encodes metadata and slot values
        # for some events (more time than the walk it would save); these read what a state is built from.
        if isinstance(a, UserUttered):
            return (a.text, a.intent_name, a.entities, a.use_text_for_featurization) == (
                b.text,
                b.intent_name,
                b.entities,
                b.use_text_for_featurization,
            )
        if isinstance(a, ActionExecuted):
            return (a.action_name, a.action_text, a.hide_rule_turn) == (b.action_name, b.action_text, b.hide_rule_turn)
        if isinstance(a, BotUttered):
            return (a.text, a.data) == (b.text, b.data)
        return bool(a == b)

    def taken_over(earlier: dict[tuple, Walk], events: Any, n: int) -> dict[tuple, Walk]:
        """The walks of the sender's last tracker whose walked events begin this tracker's events."""
        mine = {}
        for key, walk in earlier.items():
            if walk.count <= n and all(map(same, walk.seen, itertools.islice(events, 0, walk.count))):
                walk.last = events[walk.count - 1] if walk.count else None
                mine[key] = walk
        return mine

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
            earlier = recent.pop(tracker.sender_id, None) if settings.state_cache else None
            mine = walks[id(tracker)] = taken_over(earlier, events, n) if earlier else {}
            weakref.finalize(tracker, walks.pop, id(tracker), None)
        if settings.state_cache:
            recent[tracker.sender_id] = mine
            recent.move_to_end(tracker.sender_id)
            while len(recent) > settings.state_cache:
                recent.popitem(last=False)
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
            walk.seen = list(events)
        else:
            advance(self, walk, new, *args)
            walk.seen += new
        walk.count, walk.last = n, (events[-1] if n else None)
        states = copied(walk.states)
        final = Walk.__new__(Walk)  # the last state: on a copy of the walk's flags, not kept
        final.prior, final.last_ml, final.hidden = walk.prior, walk.last_ml, walk.hidden
        step(self, final, states, False, *args)
        return states

    p.replace(Domain, "states_for_tracker_history", states_for_tracker_history)


def _recent_events_to_actions(p: Patcher, settings: Settings) -> None:
    """An action call carries the last ``MPP_ACTION_EVENTS`` events and the whole current state."""
    import rasa
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

    def _action_call_format(self: RemoteAction, tracker: DialogueStateTracker, domain: Domain) -> dict[str, Any]:
        state = tracker.current_state(EventVerbosity.NONE)
        state["events"] = [event.as_dict() for event in list(tracker.events)[-settings.action_events :]]
        result = {
            "next_action": self._name,
            "sender_id": tracker.sender_id,
            "tracker": state,
            "version": rasa.__version__,
        }
        if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
            result["domain"] = domain.as_dict()
        return result

    p.replace(RemoteAction, "_action_call_format", _action_call_format)


PATCHES: tuple[Patch, ...] = (
    Patch(
        "action responses: one compiled validator",
        "jsonschema built a new validator and re-checked the constant schema on every action call; "
        "the same schema now decides through a compiled check, and jsonschema words any refusal",
        WRITTEN_FOR,
        _cache_action_result_validator,
    ),
    Patch(
        "event classes remembered by name",
        "Event.resolve_by_type walked every Event subclass for every stored event; a found class is kept",
        WRITTEN_FOR,
        _cache_event_types,
    ),
    Patch(
        "one HTTP session per action endpoint",
        "each action call opened a session and a TCP connection; calls now share one (orjson bodies)",
        WRITTEN_FOR,
        _share_action_sessions,
    ),
    Patch(
        "shared sessions closed at shutdown",
        "the sessions above are closed by Rasa's own after_server_stop listener",
        WRITTEN_FOR,
        _close_sessions_on_stop,
    ),
    Patch(
        "debug-only copies skipped at info level",
        "deep copies and state text made only for debug log lines are made only when debug logging is on",
        WRITTEN_FOR,
        _skip_debug_only_work,
    ),
    Patch(
        "rules matched over their own length",
        "past the longest rule's length a rule match always holds: only that many states are walked",
        WRITTEN_FOR,
        _rules_look_back_their_length,
    ),
    Patch(
        "dialogue states continue where they stopped",
        "each policy replayed the whole tracker at every step; the walk now goes on from the last one",
        WRITTEN_FOR,
        _states_continue_where_they_stopped,
    ),
    Patch(
        "action calls carry the latest MPP_ACTION_EVENTS events",
        "the whole history was JSON-encoded into every action call; actions read only the current state",
        WRITTEN_FOR,
        _recent_events_to_actions,
    ),
)
