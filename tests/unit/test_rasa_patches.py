"""The patch table itself: version check, undo, the action-event cut (MPP_ACTION_EVENTS), closing sessions."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from rasa.core import run
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker

from bot import rasa_speedups

REPLACED = [
    (RemoteAction, "_validate_action_result"),
    (RemoteAction, "_action_call_format"),
    (Event, "resolve_by_type"),
    (Domain, "states_for_tracker_history"),
    (run, "close_resources"),
]


def stored(owner: Any, name: str) -> Any:
    return vars(owner).get(name)


AS_SHIPPED = stored(RemoteAction, "_action_call_format")


def test_undo_puts_every_replaced_attribute_back() -> None:
    before = {(o, n): stored(o, n) for o, n in REPLACED}
    applied = rasa_speedups.apply(env={})
    try:
        assert all(stored(o, n) is not before[(o, n)] for o, n in REPLACED)
        assert rasa_speedups.apply(env={}) is applied  # once per process
    finally:
        applied.undo()
    assert all(stored(o, n) is before[(o, n)] for o, n in REPLACED)
    assert isinstance(vars(Event)["resolve_by_type"], staticmethod)  # restored as stored, not as looked up


def test_patches_written_for_another_rasa_are_refused_and_rasa_left_as_shipped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = {(o, n): stored(o, n) for o, n in REPLACED}
    with caplog.at_level(logging.WARNING, logger="bot.rasa_speedups"):
        applied = rasa_speedups.apply(env={}, rasa_version="3.7.0")
    try:
        assert applied.names == [] and len(applied.refused) == len(rasa_speedups.PATCHES)
        assert all(stored(o, n) is before[(o, n)] for o, n in REPLACED)
        assert "written for Rasa 3.6.21, this is Rasa 3.7.0" in caplog.text
    finally:
        applied.undo()


def test_speedups_can_be_switched_off() -> None:
    applied = rasa_speedups.apply(env={"MPP_RASA_SPEEDUPS": "0"})
    try:
        assert applied.names == [] and stored(RemoteAction, "_action_call_format") is AS_SHIPPED
    finally:
        applied.undo()


def _form_turn(earlier_turns: int) -> DialogueStateTracker:
    """A conversation with long history, ending in a booking-form turn that fills two slots."""
    events: list[Event] = [ActionExecuted("action_listen")]
    for i in range(earlier_turns):
        events += [
            UserUttered(f"halo {i}", {"name": "sapa"}),
            ActionExecuted("utter_sapa"),
            ActionExecuted("action_listen"),
        ]
    events += [
        UserUttered("mau antri kk", {"name": "pesan_antrean"}),
        ActionExecuted("form_pesan_antrean"),
        ActiveLoop("form_pesan_antrean"),
        SlotSet("requested_slot", "pesan_tanggal"),
        ActionExecuted("action_listen"),
        UserUttered("besok jam 9", {"name": "informasi"}),
        SlotSet("pesan_tanggal", "besok"),
        SlotSet("pesan_waktu", "jam 9"),
    ]
    return DialogueStateTracker.from_events("telegram:1", events, slots=[])


@pytest.mark.parametrize("keep", [rasa_speedups.DEFAULT_ACTION_EVENTS, 5])
def test_action_calls_carry_the_latest_events_and_the_whole_state(keep: int) -> None:
    tracker = _form_turn(earlier_turns=40)
    domain = Domain.empty()
    full = RemoteAction("validate_form_pesan_antrean", None)._action_call_format(tracker, domain)
    applied = rasa_speedups.apply(env={"MPP_ACTION_EVENTS": str(keep)})
    try:
        cut = RemoteAction("validate_form_pesan_antrean", None)._action_call_format(tracker, domain)
    finally:
        applied.undo()
    assert len(full["tracker"]["events"]) > keep
    assert cut["tracker"]["events"] == full["tracker"]["events"][-keep:]
    state = {k: v for k, v in cut["tracker"].items() if k != "events"}
    assert state == {k: v for k, v in full["tracker"].items() if k != "events"}  # slots, latest message, loop
    # what a form validation action sees is the same: the slots said since the last action
    said = Tracker.from_dict(cut["tracker"]).slots_to_validate()
    assert (
        said
        == Tracker.from_dict(full["tracker"]).slots_to_validate()
        == {
            "pesan_tanggal": "besok",
            "pesan_waktu": "jam 9",
        }
    )


@pytest.mark.parametrize("bad", ["0", "-3", "semua", ""])
def test_a_bad_MPP_ACTION_EVENTS_stops_the_worker_with_a_precise_error(bad: str) -> None:
    with pytest.raises(ValueError, match="MPP_ACTION_EVENTS must be a whole number of events, at least 1"):
        rasa_speedups.apply(env={"MPP_ACTION_EVENTS": bad})
    assert stored(RemoteAction, "_action_call_format") is AS_SHIPPED  # nothing was patched


async def test_shared_action_sessions_are_closed_when_the_server_stops() -> None:
    from types import SimpleNamespace

    from rasa.utils.endpoints import EndpointConfig

    applied = rasa_speedups.apply(env={})
    try:
        endpoint = EndpointConfig("http://127.0.0.1:9/webhook")
        session = endpoint.session().session
        assert not session.closed
        import asyncio

        await run.close_resources(SimpleNamespace(ctx=SimpleNamespace()), asyncio.get_running_loop())
        assert session.closed
    finally:
        applied.undo()


def test_rasa_building_our_rest_channel_at_start_up_applies_them() -> None:
    """The one place: Rasa builds its channels from credentials.yml once per worker."""
    from bot.rasa_channel import PrivateRestInput

    channel = PrivateRestInput.from_credentials(None)
    try:
        assert isinstance(channel, PrivateRestInput)
        assert stored(RemoteAction, "_action_call_format") is not AS_SHIPPED
    finally:
        rasa_speedups.apply().undo()  # the handle of what the channel applied
    assert stored(RemoteAction, "_action_call_format") is AS_SHIPPED
