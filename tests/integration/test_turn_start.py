"""A typed message's one database unit before the assistant (``mpp.turn_start``), on SQLite and PostgreSQL.

What the REST channel relies on: a held chat is reported (and nothing recorded), a survey waiting
for a comment takes the text as its comment, any other turn is recorded once (whatever the
redeliveries) with the chat's MPP, and the tracker key comes back as stored, or none once erased.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from mpp import tracker_keys, turn_start, turns
from mpp.config import Settings
from mpp.db.handoff_tables import HandoffRow
from mpp.db.survey_tables import SurveyRow, TurnRow
from mpp.privacy_store import erase_conversation
from mpp.survey.records import sender_hash
from mpp.survey.service import THANKS_COMMENT
from mpp.wiring import Core

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=timezone.utc)
FAQ = turns.Understood("tanya_syarat", 0.93, "ktp_el", None)


@pytest.fixture()
def core(db_url: str, tmp_path) -> Iterator[Core]:  # type: ignore[no-untyped-def]
    core = Core(Settings(database_url=db_url, catalogue_dir=tmp_path, catalogue_refresh_seconds=5))
    yield core
    core.engine.dispose()


def start(core: Core, sender: str, text: str, source_key: str | None, understood: turns.Understood = FAQ, **kw):  # type: ignore[no-untyped-def]
    return turn_start.start(core.session_factory, core.crypto, sender, text, understood, NOW, source_key, **kw)


def recorded(core: Core, sender: str) -> list[tuple[str | None, str | None, str | None]]:
    with core.session_factory() as s:
        rows = s.execute(
            select(TurnRow.source_key, TurnRow.intent, TurnRow.mpp_code)
            .where(TurnRow.sender_hash == sender_hash(core.crypto, sender))
            .order_by(TurnRow.id)
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_a_turn_is_recorded_once_with_the_chats_mpp_and_brings_its_tracker_key(core: Core) -> None:
    with core.uow(write=True) as uow:
        key = tracker_keys.get_or_create_key(uow.session, core.crypto, "telegram:1", NOW)
        uow.commit()
    named = turns.Understood("tanya_jadwal", 0.9, None, "kota_bogor")
    first = start(core, "telegram:1", "mpp bogor buka jam berapa", "inbox:1", named)
    assert not first.held and first.replies is None and first.key == key
    assert first.key_read_at > 0
    start(core, "telegram:1", "syarat ktp apa", "inbox:2")
    start(core, "telegram:1", "syarat ktp apa", "inbox:2")  # the platform delivered it again
    start(core, "telegram:1", "syarat ktp apa", None)  # the terminal chat: no inbox id, each one counts
    start(core, "telegram:1", "syarat ktp apa", None)
    assert recorded(core, "telegram:1") == [
        ("inbox:1", "tanya_jadwal", "kota_bogor"),
        ("inbox:2", "tanya_syarat", "kota_bogor"),  # the MPP the chat named before
        (None, "tanya_syarat", "kota_bogor"),
        (None, "tanya_syarat", "kota_bogor"),
    ]
    assert start(core, "telegram:2", "halo", "inbox:3").key is None  # a chat without a stored conversation yet
    with core.uow(write=True) as uow:  # "hapus data saya"
        erase_conversation(uow.session, "telegram:1", core.crypto)
        uow.commit()
    assert start(core, "telegram:1", "syarat ktp apa", "inbox:4").key is None


@pytest.mark.parametrize("status", ["composing", "waiting", "active"])
def test_a_held_chat_is_reported_and_nothing_is_recorded(core: Core, status: str) -> None:
    with core.uow(write=True) as uow:
        uow.session.add(
            HandoffRow(
                sender="telegram:5", open_sender="telegram:5", mpp_code="kota_bogor", status=status, created_at=NOW
            )
        )
        uow.commit()
    held = start(core, "telegram:5", "pak, berkas saya kurang apa", "inbox:10")
    assert held.held and held.key is None and recorded(core, "telegram:5") == []
    # the gate handed the message on to the assistant (e.g. "hapus data saya"): recorded this time
    on = start(core, "telegram:5", "hapus data saya", "inbox:11", gate=False)
    assert not on.held and recorded(core, "telegram:5") == [("inbox:11", "tanya_syarat", None)]


def test_a_chat_whose_handoff_ended_is_not_held(core: Core) -> None:
    with core.uow(write=True) as uow:
        uow.session.add(
            HandoffRow(sender="telegram:6", open_sender=None, mpp_code="kota_bogor", status="ended", created_at=NOW)
        )
        uow.session.add(
            HandoffRow(
                sender="telegram:7", open_sender="telegram:7", mpp_code="kota_bogor", status="message", created_at=NOW
            )
        )
        uow.commit()
    assert not start(core, "telegram:6", "syarat ktp", "inbox:20").held
    assert not start(core, "telegram:7", "syarat ktp", "inbox:21").held  # a left message: the assistant answers
    assert len(recorded(core, "telegram:6")) == len(recorded(core, "telegram:7")) == 1


def test_the_text_a_survey_waits_for_is_its_comment_and_not_a_recorded_turn(core: Core) -> None:
    with core.uow(write=True) as uow:
        uow.session.add(
            SurveyRow(
                ticket_id=1,
                chat_id="telegram:9",
                mpp_code="kota_bogor",
                agency_code="disdukcapil",
                service_code="ktp_el",
                served_day=date(2026, 12, 6),
                status="comment",
                u1=4,
                complete=False,
                complaint_like=False,
                created_at=NOW,
            )
        )
        uow.commit()
    answered = start(core, "telegram:9", "petugasnya ramah, antreannya cepat", "inbox:30")
    assert answered.replies is not None and answered.replies[0].text == THANKS_COMMENT
    with core.session_factory() as s:
        row = s.execute(select(SurveyRow).where(SurveyRow.ticket_id == 1)).scalar_one()
        assert row.status != "comment" and row.comment_encrypted is not None
        assert "ramah" not in row.comment_encrypted
        assert core.crypto.decrypt(row.comment_encrypted) == "petugasnya ramah, antreannya cepat"
        assert s.execute(select(func.count()).select_from(TurnRow)).scalar_one() == 0
    assert start(core, "telegram:9", "syarat ktp apa", "inbox:31").replies is None  # the next one is a turn
    assert recorded(core, "telegram:9") == [("inbox:31", "tanya_syarat", None)]
