"""The bounded tracker keeps the conversation's state while dropping old history."""

from __future__ import annotations

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import bounded_events
from mpp.config import PROJECT_ROOT


def test_long_conversation_is_cut_but_slots_and_form_survive() -> None:
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    events = [SlotSet("mpp", "kota_bogor", timestamp=1.0), SlotSet("layanan", "paspor", timestamp=1.0)]
    t = 2.0
    for i in range(300):
        events += [
            UserUttered(f"pesan {i}", {"name": "informasi"}, timestamp=t),
            ActionExecuted("action_jawab_pertanyaan", timestamp=t + 0.1),
            ActionExecuted("action_listen", timestamp=t + 0.2),
        ]
        t += 1
    events += [ActiveLoop("form_pesan_antrean", timestamp=t), SlotSet("requested_slot", "pesan_nama", timestamp=t)]
    tracker = DialogueStateTracker.from_events("telegram:1", events, domain.slots)
    kept = bounded_events(tracker, 100)
    assert len(kept) < 110
    restored = DialogueStateTracker.from_events("telegram:1", kept, domain.slots)
    assert restored.get_slot("mpp") == "kota_bogor" and restored.get_slot("layanan") == "paspor"
    assert restored.active_loop_name == "form_pesan_antrean" and restored.get_slot("requested_slot") == "pesan_nama"
    assert restored.latest_message.text == "pesan 299"
    short = DialogueStateTracker.from_events("telegram:2", events[:10], domain.slots)
    assert bounded_events(short, 100) == list(short.events)
