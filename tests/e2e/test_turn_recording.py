"""What each turn was understood as, recorded by the REST channel into the core: counted once per
message across a crash of the assistant, fallbacks kept masked and encrypted, grouped, marked and
exported as a Rasa NLU file that Rasa loads."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, func, select, text

from mpp import turns
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.survey_tables import TurnRow
from mpp.db.uow import UnitOfWork
from mpp.privacy import Crypto, Keys
from testkit.stack import Stack, start_stack
from tests.conftest import require_model

NIK = "3271045708900001"
# words no model of ours has seen (a real message like "kucing saya hilang" gets learnt as out of scope, and
# then it is understood, not waiting for review): three differently worded versions of one message
LOST_CAT = ("blorp zintak vurmo", "blorp zintak vurmo qwel", "zintak blorp vurmo plek")


def turn(stack: Stack, sender: str, message: str, message_id: int) -> list[dict]:
    response = requests.post(
        f"{stack.url}/webhooks/rest/webhook",
        json={"sender": sender, "message": message, "message_id": message_id},
        timeout=60,
    )
    response.raise_for_status()
    return list(response.json())


def recorded(db_url: str) -> list[tuple[str | None, str | None, bool]]:
    with make_session_factory(make_engine(db_url))() as s:
        return [
            (r.source_key, r.intent, r.needs_review) for r in s.execute(select(TurnRow).order_by(TurnRow.id)).scalars()
        ]


@pytest.fixture()
def keys() -> Keys:
    return Keys.generate()


def test_turns_are_recorded_once_across_a_crash_and_fallbacks_export_to_rasa(tmp_path: Path, keys: Keys) -> None:
    require_model()
    work = tmp_path / "assistant"
    stack = start_stack(work, keys=keys)
    try:
        turn(stack, "telegram:71", "syarat bikin ktp apa", 1)
        turn(stack, "telegram:71", LOST_CAT[0], 2)
        turn(stack, "telegram:72", f"ktp saya hilang, nik {NIK}", 3)
    finally:
        for proc in stack.procs:  # a crash, not a clean stop
            proc.kill()
            proc.wait()
    assert [key for key, _, _ in recorded(stack.db_url)] == ["inbox:1", "inbox:2", "inbox:3"]

    stack = start_stack(work, keys=keys)  # the same database and keys: a restart
    try:
        turn(stack, "telegram:72", f"ktp saya hilang, nik {NIK}", 3)  # redelivered: it had no answer before the crash
        turn(stack, "telegram:73", LOST_CAT[1], 4)
        turn(stack, "telegram:74", LOST_CAT[2], 5)
    finally:
        stack.stop()
    rows = recorded(stack.db_url)
    assert [key for key, _, _ in rows] == [f"inbox:{i}" for i in range(1, 6)]  # none lost, none twice
    assert rows[0][1] == "tanya_syarat" and not rows[0][2]
    # the three unknown messages: each fell back or was unsure, so each waits for review
    assert [review for _, _, review in rows] == [False, True, False, True, True]
    # what the model made of them (fallback or out of scope) is the model's business; none is read as a service
    assert {intent for _, intent, _ in (rows[1], rows[3], rows[4])} <= {turns.FALLBACK, "di_luar_topik"}

    raw = create_engine(stack.db_url)
    with raw.connect() as c:  # at rest: no NIK, no words of the message, no sender id
        dump = " ".join(str(v) for row in c.execute(text("SELECT * FROM nlu_turn")) for v in row)
    assert NIK not in dump and "zintak" not in dump and "telegram:7" not in dump

    crypto = Crypto(keys)
    now = datetime.now(timezone.utc)
    factory = make_session_factory(make_engine(stack.db_url))
    with UnitOfWork(factory, write=True) as uow:
        [group] = turns.groups(uow.session, crypto, now)
        assert group.count == 3 and set(group.examples) == set(LOST_CAT)  # three differently worded messages, one group
        turns.mark(uow.session, crypto, group.key, "di_luar_topik", None, now)
        uow.commit()
    with UnitOfWork(factory, write=True) as uow:
        exported = turns.export_suggestions(uow.session, crypto, now)
        uow.commit()
    out = tmp_path / "suggestions.yml"
    out.write_text(exported)

    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(out))
    examples = {(m.get("intent"), m.get("text")) for m in data.intent_examples}
    assert examples == {("di_luar_topik", t) for t in LOST_CAT}
    with UnitOfWork(factory) as uow:  # exported once: a second export is empty
        assert "- intent:" not in turns.export_suggestions(uow.session, crypto, now)
        assert uow.session.execute(select(func.count()).select_from(TurnRow)).scalar_one() == 5
