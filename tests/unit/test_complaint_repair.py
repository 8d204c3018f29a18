"""Issue 17 in the complaint form: an earlier answer corrected at a later prompt (on the in-memory core).

The MPP changed while another detail is asked ("eh mpp nya bogor, bukan bekasi") is taken, said, and the
agency (which belongs to the MPP) is asked again; "salah" asks the previous answer again; the description
is free text, so the word "salah" inside it is what happened, not a correction.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.complaints import SLOTS, ValidateFormPengaduan
from mpp.clock import fixed_clock
from mpp.grievance.rules import load_rules
from testkit.core import in_memory
from tests.unit.test_form_repair import NOW


@pytest.fixture()
def deps(demo) -> Any:  # type: ignore[no-untyped-def]
    core = in_memory(demo.catalogue, fixed_clock(NOW))
    # the form reads the catalogue and the complaint rules (the description's length) of the core
    return SimpleNamespace(
        catalogue=core.catalogue, bookings=core.bookings, complaints=SimpleNamespace(rules=load_rules())
    )


def said(text: str, asked: str, slots: dict[str, Any], entities: tuple[tuple[str, str, str], ...] = ()) -> Tracker:
    found = [{"entity": e, "start": text.index(s), "end": text.index(s) + len(s), "value": v} for e, s, v in entities]
    history = [{"event": "slot", "name": name, "value": value} for name, value in slots.items() if value is not None]
    events = [*history, {"event": "user", "text": text}, {"event": "action", "name": "form_pengaduan"}]
    state = {"mpp": None, "layanan": None, **slots, "requested_slot": asked}
    latest = {"intent": {"name": "informasi", "confidence": 0.5}, "entities": found, "text": text}
    return Tracker("console:tester", state, latest, events, False, None, {"name": "form_pengaduan"}, "action_listen")


async def run(deps: Any, tracker: Tracker) -> tuple[dict[str, Any], list[str]]:
    dispatcher = CollectingDispatcher()
    domain = {
        "forms": {"form_pengaduan": {"required_slots": list(SLOTS)}},
        "slots": {s: {"type": "text", "mappings": [{"type": "custom"}]} for s in SLOTS},
    }
    events = await ValidateFormPengaduan(deps).run(dispatcher, tracker, domain)
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}, [
        m.get("text") or "" for m in dispatcher.messages
    ]


FILLED = {"aduan_isi": "petugas loket minta uang tambahan 50 ribu", "aduan_mpp": "kota_bekasi", "aduan_instansi": "-"}


async def test_an_mpp_corrected_at_a_later_prompt_is_taken_and_the_agency_asked_again(deps) -> None:  # type: ignore[no-untyped-def]
    text = "eh mpp nya bogor, bukan bekasi"
    slots, messages = await run(deps, said(text, "aduan_waktu", FILLED, (("mpp", "bogor", "kota_bogor"),)))
    assert slots == {"aduan_mpp": "kota_bogor", "aduan_instansi": None}  # the time is not filled with the text
    assert messages == ["Baik, MPP diubah: MPP Kota Bogor."]


async def test_salah_asks_the_previous_answer_again(deps) -> None:  # type: ignore[no-untyped-def]
    filled = {**FILLED, "aduan_waktu": "kemarin siang"}
    slots, _ = await run(deps, said("yang tadi salah", "aduan_kontak", filled))
    assert slots == {"aduan_waktu": None}


async def test_salah_inside_the_description_is_the_description(deps) -> None:  # type: ignore[no-untyped-def]
    text = "petugas salah input data saya"
    slots, _ = await run(deps, said(text, "aduan_isi", {}))
    assert slots.get("aduan_isi") == text
