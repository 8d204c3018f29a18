"""The Rasa speed-ups change how fast, never what: same validation, same event classes.

Each test applies the patches itself and undoes them afterwards (``speedups``), so no
other test runs on patched Rasa.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from bot import rasa_speedups

action = RemoteAction("action_jawab_faq", None)


@pytest.fixture()
def speedups() -> Iterator[rasa_speedups.Applied]:
    applied = rasa_speedups.apply(env={})
    assert applied.names and not applied.refused
    yield applied
    applied.undo()


pytestmark = pytest.mark.usefixtures("speedups")


def test_action_server_responses_are_still_validated() -> None:
    good = {"events": [{"event": "slot", "name": "layanan", "value": "kk"}], "responses": [{"text": "Syarat KK"}]}
    assert action._validate_action_result(good) is True
    for bad in ({"events": "not a list"}, {"events": [{"no": "event key"}]}, {"responses": [42]}):
        with pytest.raises(ValidationError, match="Failed to validate Action server response"):
            action._validate_action_result(bad)


def test_event_types_resolve_as_before() -> None:
    for cls in all_subclasses(Event):
        resolved = Event.resolve_by_type(cls.type_name)
        assert resolved is not None and resolved.type_name == cls.type_name
    assert Event.resolve_by_type("slot") is SlotSet and Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("action") is ActionExecuted
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", SlotSet) is SlotSet
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    events = [{"event": "slot", "name": "layanan", "value": "kk"}, {"event": "action", "name": "action_listen"}]
    assert [type(e) for e in map(Event.from_parameters, events)] == [SlotSet, ActionExecuted]


RESPONSES = [
    {},
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "layanan", "value": None}]},
    {"events": [{"event": "slot", "name": "layanan"}]},  # no value
    {"events": [{"event": "slot", "value": "kk"}]},  # no name
    {"events": [{"event": "action", "name": "action_listen", "policy": None, "confidence": 1}]},
    {"events": [{"event": "action", "name": 3}]},
    {"events": [{"event": "action", "hide_rule_turn": "yes"}]},
    {"events": [{"event": "followup", "name": "utter_greet"}, {"event": "active_loop", "name": None}]},
    {"events": [{"event": "no_such_kind"}]},
    {"events": [{"event": "user", "text": "halo", "parse_data": {"intent": {"name": "sapa", "confidence": 0.9}}}]},
    {"events": [{"event": "user", "parse_data": {"entities": [{"entity": "layanan"}]}}]},  # entity without value
    {"events": [{"event": "user", "parse_data": {"entities": [{"entity": "layanan", "value": "kk", "start": 1.5}]}}]},
    {"events": [{"event": "user", "parse_data": {"response_selector": {"all_retrieval_intents": []}}}]},
    {"events": [{"event": "user", "parse_data": {"response_selector": {"faq": {"response": {"confidence": "x"}}}}}]},
    {"events": [{"event": "entities", "entities": []}, {"event": "reset_slots", "timestamp": None}]},
    {"events": [{"event": "bot", "timestamp": "yesterday"}]},
    {"events": [{"event": "bot", "metadata": []}]},
    {"events": [{"event": "restart"}, {"event": "session_started", "metadata": {"a": 1}}]},
    {"events": [None]},
    {"responses": [{"text": "Syarat KK", "buttons": [{"title": "Ya", "payload": "/ya"}]}, {"custom": {}}]},
    {"responses": "teks"},
    {"events": {"event": "slot"}},
    [],
    "ok",
]


@pytest.mark.parametrize("response", RESPONSES, ids=range(len(RESPONSES)))
def test_compiled_validation_decides_as_jsonschema_does(response: object) -> None:
    from jsonschema import validate

    try:
        validate(response, RemoteAction.action_response_format_spec())
        expected = None
    except ValidationError as error:
        expected = error
    if expected is None:
        assert action._validate_action_result(response) is True  # type: ignore[arg-type]
    else:
        with pytest.raises(ValidationError, match="Failed to validate Action server response") as raised:
            action._validate_action_result(response)  # type: ignore[arg-type]
        assert raised.value.message.startswith(expected.message)


async def test_action_calls_share_one_connection_and_send_the_same_json() -> None:
    from aiohttp import web
    from rasa.utils.endpoints import EndpointConfig

    peers, bodies = [], []

    async def webhook(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername") if request.transport else None)
        bodies.append(await request.json())
        return web.json_response({"events": [], "responses": [{"text": "ok"}]})

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}/webhook", headers={"X-Test": "1"})
        payload = {"tracker": {"latest_message": {"text": "syarat KTP 🙏 <b>\u0000"}}, "n": 2**70}
        for _ in range(3):
            assert await endpoint.request(json=payload, method="post") == {"events": [], "responses": [{"text": "ok"}]}
        assert bodies == [payload] * 3  # orjson, and json for what orjson refuses (2**70)
        assert len(set(peers)) == 1  # one kept-alive connection, not one per call
    finally:
        await runner.cleanup()
        await rasa_speedups.close_shared_sessions()


def test_deep_copies_skipped_at_info_level_only_ever_feed_debug_logs() -> None:
    """bot/rasa_speedups.py skips copy.deepcopy in these modules when debug logging is off."""
    import ast
    import inspect

    from rasa.core import processor
    from rasa.core.policies import memoization, rule_policy

    for module in (processor, memoization, rule_policy):
        tree = ast.parse(inspect.getsource(module))
        in_debug_calls = {
            id(inner)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "structlogger.debug"
            for inner in ast.walk(node)
        }
        copies = [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and ast.unparse(n) == "copy.deepcopy"]
        assert copies, module.__name__
        assert all(id(n) in in_debug_calls for n in copies), module.__name__


def test_debug_logging_still_gets_its_copies(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from rasa.core import processor

    events = [{"event": "slot"}]
    assert processor.copy.deepcopy(events) is events  # info level: nothing copied
    with caplog.at_level(logging.DEBUG, logger=processor.__name__):
        copied = processor.copy.deepcopy(events)
    assert copied == events and copied is not events
