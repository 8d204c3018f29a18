"""The bounded Redis tracker store against a real Redis: what a worker saves, the next one reads."""

from __future__ import annotations

import json
import uuid

import pytest
from cryptography.fernet import Fernet
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import ENCRYPTED, BoundedRedisTrackerStore
from mpp.config import PROJECT_ROOT
from tests.conftest import redis_store_args

pytestmark = pytest.mark.redis
DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))


def conversation(turns: int) -> DialogueStateTracker:
    sender = f"telegram:{uuid.uuid4().hex[:8]}"
    events: list = [SlotSet("mpp", "kota_bogor", timestamp=1.0)]
    t = 2.0
    for i in range(turns):
        events += [
            ActionExecuted("action_listen", timestamp=t),
            UserUttered(f"syarat paspor {i} 🙏 <b>'; DROP", {"name": "tanya_syarat", "confidence": 0.9}, timestamp=t),
            SlotSet("layanan", "paspor", timestamp=t),
            ActionExecuted("action_jawab_faq", policy="RulePolicy", confidence=1.0, timestamp=t + 0.1),
            BotUttered("Persyaratan Paspor: …", {"buttons": None}, timestamp=t + 0.1),
        ]
        t += 1
    events += [ActiveLoop("form_pesan_antrean", timestamp=t), SlotSet("requested_slot", "pesan_tanggal", timestamp=t)]
    events.append(ActionExecuted("action_listen", timestamp=t))
    return DialogueStateTracker.from_events(sender, events, DOMAIN.slots)


def stored_dialogue(store: BoundedRedisTrackerStore, sender: str) -> dict:
    """What Redis holds for a conversation, opened with the conversation's key (it is ciphertext at rest)."""
    raw = store.red.get(store.key_prefix + sender)
    raw = raw.encode() if isinstance(raw, str) else raw
    assert raw.startswith(ENCRYPTED)
    key = store._key(sender, False)
    assert key is not None
    return json.loads(Fernet(key).decrypt(raw[len(ENCRYPTED) :]))


async def test_saved_tracker_reads_back_with_its_state() -> None:
    store = BoundedRedisTrackerStore(DOMAIN, **redis_store_args(), key_prefix="t", max_events=60)
    tracker = conversation(5)  # under the bound: kept whole
    await store.save(tracker)
    again = await store.retrieve(tracker.sender_id)
    assert again is not None and list(again.events) == list(tracker.events)
    assert again.latest_message.text == "syarat paspor 4 🙏 <b>'; DROP"


async def test_long_conversation_is_cut_and_keeps_slots_form_and_last_turns() -> None:
    store = BoundedRedisTrackerStore(DOMAIN, **redis_store_args(), key_prefix="t", max_events=60)
    tracker = conversation(100)
    await store.save(tracker)
    stored = stored_dialogue(store, tracker.sender_id)
    assert len(stored["events"]) <= 60 + 10 and stored["name"] == tracker.sender_id
    again = await store.retrieve(tracker.sender_id)
    assert again is not None
    assert again.get_slot("mpp") == "kota_bogor" and again.get_slot("layanan") == "paspor"
    assert again.active_loop_name == "form_pesan_antrean" and again.get_slot("requested_slot") == "pesan_tanggal"
    assert again.latest_message.text == "syarat paspor 99 🙏 <b>'; DROP"
    assert list(again.events)[-20:] == list(tracker.events)[-20:]


async def test_we_read_what_rasas_own_store_wrote_and_write_nothing_it_or_redis_can_read() -> None:
    ours = BoundedRedisTrackerStore(DOMAIN, **redis_store_args(), key_prefix="t")
    theirs = RedisTrackerStore(DOMAIN, **redis_store_args(), key_prefix="t")
    a, b = conversation(3), conversation(3)
    await ours.save(a)
    await theirs.save(b)  # a conversation stored before the upgrade (clear JSON): still read
    read_b = await ours.retrieve(b.sender_id)
    assert read_b is not None and list(read_b.events) == list(b.events)
    raw = ours.red.get(ours.key_prefix + a.sender_id)
    assert "syarat paspor" not in str(raw) and "kota_bogor" not in str(raw)  # ciphertext at rest
    with pytest.raises(Exception):
        await theirs.retrieve(a.sender_id)


async def test_an_erased_key_makes_the_stored_conversation_unreadable_and_it_starts_afresh() -> None:
    from mpp.db.inbox_tables import ConversationKeyRow
    from mpp.privacy_store import erase_conversation
    from mpp.wiring import get_core

    store = BoundedRedisTrackerStore(DOMAIN, **redis_store_args(), key_prefix="t")
    tracker = conversation(2)
    tracker.update(SlotSet("pesan_nama", "Siti Rahmawati"))
    await store.save(tracker)
    turn = await store.retrieve(tracker.sender_id)  # a turn begins ...
    assert turn is not None and turn.get_slot("pesan_nama") == "Siti Rahmawati"
    with get_core().uow(write=True) as uow:  # ... "hapus data saya" runs in it ...
        erase_conversation(uow.session, tracker.sender_id)
        uow.commit()
    await store.save(turn)  # ... and the turn's save does not bring the key back
    with get_core().uow() as uow:
        assert uow.session.get(ConversationKeyRow, tracker.sender_id) is None
    assert await store.retrieve(tracker.sender_id) is None  # the next turn starts a fresh conversation
    assert store.red.get(store.key_prefix + tracker.sender_id) is None


async def test_values_orjson_refuses_are_still_stored() -> None:
    store = BoundedRedisTrackerStore(DOMAIN, **redis_store_args(), key_prefix="t")
    tracker = conversation(1)
    tracker.update(SlotSet("pesan_nama", 2**70))  # past 64 bits: Python's json writes it
    await store.save(tracker)
    again = await store.retrieve(tracker.sender_id)
    assert again is not None and again.get_slot("pesan_nama") == 2**70
