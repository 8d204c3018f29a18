"""The bounded Redis tracker store against a real Redis: what a worker saves, the next one reads."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

import pytest
from cryptography.fernet import Fernet
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event

from bot.tracker_store import ENCRYPTED, TURN_KEY, BoundedRedisTrackerStore, TurnKey
from mpp import turn_start, turns
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


# ---- the key the REST channel reads with the turn (mpp.turn_start, TURN_KEY) -----------------------
@pytest.fixture()
def core_on(db_url: str, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """The process's core on SQLite, then PostgreSQL; ``key_reads`` lists the key look-ups it makes."""
    import mpp.wiring
    from mpp.config import Settings
    from mpp.wiring import Core

    core = Core(Settings(database_url=db_url, catalogue_dir=tmp_path, catalogue_refresh_seconds=5))
    monkeypatch.setattr(mpp.wiring, "_core", core)
    core.key_reads = []  # type: ignore[attr-defined]

    @event.listens_for(core.engine, "before_cursor_execute")
    def _seen(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().startswith("SELECT conversation_key.key_encrypted"):
            core.key_reads.append(statement)  # type: ignore[attr-defined]

    yield core
    core.engine.dispose()


def read_with_the_turn(core, sender: str) -> TurnKey:  # type: ignore[no-untyped-def]
    """The channel's unit for a typed message of ``sender``: its key, and when it was read."""
    understood = turns.Understood("tanya_syarat", 0.9, "ktp_el", None)
    now = datetime.now(timezone.utc)
    start = turn_start.start(core.session_factory, core.crypto, sender, "syarat ktp", understood, now, None)
    assert start.key is not None
    return TurnKey(sender, start.key, start.key_read_at)


async def retrieve_with(store: BoundedRedisTrackerStore, sender: str, handed: TurnKey | None):  # type: ignore[no-untyped-def]
    token = TURN_KEY.set(handed)
    try:
        return await store.retrieve(sender)
    finally:
        TURN_KEY.reset(token)


async def test_the_key_read_with_the_turn_opens_the_conversation_without_another_look_up(core_on) -> None:  # type: ignore[no-untyped-def]
    store = BoundedRedisTrackerStore(DOMAIN, **redis_store_args(), key_prefix="t")
    tracker, other = conversation(3), conversation(1)
    await store.save(tracker)
    await store.save(other)
    handed = read_with_the_turn(core_on, tracker.sender_id)
    core_on.key_reads.clear()
    again = await retrieve_with(store, tracker.sender_id, handed)
    assert again is not None and list(again.events) == list(tracker.events)
    assert core_on.key_reads == []
    await store.save(again)  # saved with the same key: the next turn reads it as before
    assert (await retrieve_with(store, tracker.sender_id, None)) is not None and len(core_on.key_reads) == 1
    # a key handed for another conversation is not used for this one: its own is read
    mine = await retrieve_with(store, other.sender_id, handed)
    assert mine is not None and list(mine.events) == list(other.events) and len(core_on.key_reads) == 2


async def test_a_key_erased_by_a_turn_that_saved_after_the_key_was_read_is_not_used(core_on) -> None:  # type: ignore[no-untyped-def]
    from mpp.privacy_store import erase_conversation

    store = BoundedRedisTrackerStore(DOMAIN, **redis_store_args(), key_prefix="t")
    tracker = conversation(2)
    tracker.update(SlotSet("pesan_nama", "Siti Rahmawati"))
    await store.save(tracker)
    running = await store.retrieve(tracker.sender_id)  # turn A holds the conversation ...
    assert running is not None
    handed = read_with_the_turn(core_on, tracker.sender_id)  # ... turn B's unit reads the key, B waits for A
    with core_on.uow(write=True) as uow:  # A is "hapus data saya"
        erase_conversation(uow.session, tracker.sender_id, core_on.crypto)
        uow.commit()
    running.update(ActionExecuted("action_listen"))
    await store.save(running)  # A ends (with the key it read: unreadable now)
    assert await retrieve_with(store, tracker.sender_id, handed) is None  # B starts afresh, as without a handed key
    assert store.red.get(store.key_prefix + tracker.sender_id) is None


async def test_a_conversation_saved_after_the_key_was_read_is_opened_with_the_key_read_again(core_on) -> None:  # type: ignore[no-untyped-def]
    store = BoundedRedisTrackerStore(DOMAIN, **redis_store_args(), key_prefix="t")
    tracker = conversation(2)
    await store.save(tracker)
    handed = read_with_the_turn(core_on, tracker.sender_id)
    tracker.update(ActionExecuted("action_listen"))  # another turn of the conversation saved meanwhile
    await store.save(tracker)
    core_on.key_reads.clear()
    again = await retrieve_with(store, tracker.sender_id, handed)
    assert again is not None and list(again.events) == list(tracker.events)
    assert len(core_on.key_reads) == 1
