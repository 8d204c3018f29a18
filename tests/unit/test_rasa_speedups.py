"""The Rasa speed-ups change how fast, never what: same validation, same event classes."""

from __future__ import annotations

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from bot import rasa_speedups

rasa_speedups.apply()
action = RemoteAction("action_jawab_faq", None)


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
