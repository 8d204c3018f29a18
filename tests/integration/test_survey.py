"""The SKM survey end to end through the gateway stubs: sent once after service, answered, declined,
expired; on WhatsApp outside the 24-hour window as the approved template with quick replies. The
"Rasa" here is a stub that runs the REST channel's survey step (``bot.survey_gate``) on the core."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from aiohttp import web
from sqlalchemy import select

import mpp.wiring
from bot import survey_gate
from bot.notifier import ChannelDeliverer, Notifier
from mpp.clock import fixed_clock
from mpp.config import Settings
from mpp.db.queue_tables import NotificationRow, TicketRow
from mpp.db.survey_tables import SurveyRow
from mpp.db.uow import UnitOfWork
from mpp.notify_outbox import Notice, SqlOutbox
from mpp.survey import service as survey
from mpp.survey.notice import composer
from mpp.survey.report import ikm_report
from mpp.wiring import Core
from testkit.gateway_harness import Harness, start, until
from testkit.stubs.graph_api import webhook_body
from testkit.stubs.telegram_api import callback_update, text_update

SERVED = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)
LATER = SERVED + survey.DELAY + timedelta(minutes=1)


class RasaWithSurvey:
    """The REST channel's survey step over the core; anything else is "Rasa" echoing."""

    def __init__(self) -> None:
        self.to_rasa: list[str] = []

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self.webhook)
        return app

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        sender, text = body["sender"], body["message"]
        replies = await survey_gate.answer_button(sender, text)
        if replies is None:
            replies = await survey_gate.before_rasa(sender, text, None, body.get("message_id"))
        if replies is None:
            self.to_rasa.append(text)
            replies = [{"recipient_id": sender, "text": f"echo: {text}"}]
        return web.json_response(replies)


@pytest.fixture()
def core(sqlite_url: str, tmp_path, monkeypatch, demo) -> Core:  # type: ignore[no-untyped-def]
    core = Core(Settings(database_url=sqlite_url, catalogue_dir=tmp_path, catalogue_refresh_seconds=5))
    monkeypatch.setattr(core, "clock", fixed_clock(LATER), raising=False)
    monkeypatch.setattr(mpp.wiring, "_core", core)
    return core


@pytest.fixture()
async def gw(sqlite_url: str, core: Core):  # type: ignore[no-untyped-def]
    rasa = RasaWithSurvey()
    harness = await start(sqlite_url, rasa_app=rasa.app())
    harness.rasa = rasa  # type: ignore[attr-defined]
    yield harness
    await harness.close()


def served_ticket(core: Core, ticket_id: int, chat_id: str, agency: str = "disdukcapil") -> None:
    """A ticket served at the counter, and the notice the queue's handler writes with it (``mpp.handlers``)."""
    with core.uow(write=True) as uow:
        uow.session.add(
            TicketRow(
                id=ticket_id,
                mpp_code="kota_bogor",
                agency_code=agency,
                service_code="ktp_el",
                day=date(2026, 12, 1),
                number=f"A-{ticket_id:03d}",
                kind="walk_in",
                priority=False,
                status="served",
                issued_at=SERVED - timedelta(minutes=30),
                finished_at=SERVED,
                chat_id=chat_id,
                recall_count=0,
                away_notified=False,
            )
        )
        notice = Notice(
            chat_id, survey.KIND, f"survey:{ticket_id}", survey.schedule_key(ticket_id), SERVED + survey.DELAY
        )
        SqlOutbox(uow.session).add(notice, SERVED)
        uow.commit()


def notifier(core: Core, gw: Harness, demo, now: datetime = LATER) -> Notifier:  # type: ignore[no-untyped-def]
    deliverer = ChannelDeliverer(core.session_factory, gw.gateway.channels, now=lambda: now)
    compose = composer(core.session_factory, lambda: demo.catalogue, fixed_clock(now))
    return Notifier(core.session_factory, deliverer, now=lambda: now, compose=compose)


def keyboard(gw: Harness, chat: str) -> list[tuple[str, str]]:
    """(title, callback data) of the last message with buttons sent to the chat."""
    with_buttons = [m for m in gw.telegram.sent("sendMessage", chat) if m.get("reply_markup")]
    rows = with_buttons[-1]["reply_markup"]["inline_keyboard"]
    return [(row[0]["text"], row[0]["callback_data"]) for row in rows]


async def press(gw: Harness, chat: str, title_start: str, update_id: int) -> None:
    before = len(gw.telegram.sent("sendMessage", chat))
    data = next(d for t, d in keyboard(gw, chat) if t.startswith(title_start))
    await gw.telegram_update(callback_update(update_id, int(chat), data))
    await until(lambda: len(gw.telegram.sent("sendMessage", chat)) > before, what=f"the answer to {title_start!r}")


def survey_row(core: Core, ticket_id: int) -> SurveyRow:
    with core.session_factory() as s:
        return s.execute(select(SurveyRow).where(SurveyRow.ticket_id == ticket_id)).scalar_one()


async def test_sent_once_after_service_answered_with_comment_and_counted(gw: Harness, core: Core, demo) -> None:  # type: ignore[no-untyped-def]
    served_ticket(core, 1, "telegram:501")
    early = notifier(core, gw, demo, now=SERVED + timedelta(minutes=5))
    assert await early.run_once_db() == 0  # not during the visit
    n = notifier(core, gw, demo)
    assert await n.run_once_db() == 1
    invitation = gw.telegram.texts("501")
    assert len(invitation) == 1 and "Survei Kepuasan Masyarakat" in invitation[0] and "MPP Kota Bogor" in invitation[0]
    assert [t for t, _ in keyboard(gw, "501")] == [
        "Isi survei (9 pertanyaan)",
        "Nilai keseluruhan saja",
        "Tidak, terima kasih",
    ]
    # the same ticket served "again" (a redelivered event) or a second run: never a second survey
    served_again = Notice("telegram:501", survey.KIND, "survey:1", survey.schedule_key(1), LATER)
    with UnitOfWork(core.session_factory, write=True) as uow:
        SqlOutbox(uow.session).add(served_again, LATER)
        uow.commit()
    assert await n.run_once_db() == 0
    assert len(gw.telegram.texts("501")) == 1

    await press(gw, "501", "Isi survei", 100)
    assert gw.telegram.texts("501")[-1].startswith("(1/9) Persyaratan")
    scores = [4, 3, 3, 4, 3, 4, 4, 3, 3]
    for i, score in enumerate(scores):
        await press(gw, "501", f"{score} ·", 101 + i)
    assert "saran" in gw.telegram.texts("501")[-1]
    await gw.telegram_update(text_update(120, 501, "petugasnya lambat sekali dan kurang ramah"))
    await until(lambda: "pengaduan resmi" in gw.telegram.texts("501")[-1], what="the complaint offer")
    assert keyboard(gw, "501")[0][0] == "Ya, sampaikan pengaduan"
    assert gw.rasa.to_rasa == []  # type: ignore[attr-defined]  # Rasa saw none of it

    row = survey_row(core, 1)
    assert row.status == "complete" and row.complete and row.complaint_like
    assert "lambat" not in (row.comment_encrypted or "")  # encrypted at rest
    assert core.crypto.decrypt(row.comment_encrypted or "") == "petugasnya lambat sekali dan kurang ramah"
    with core.session_factory() as s:
        report = ikm_report(s, date(2026, 12, 1), date(2026, 12, 1), "kota_bogor", "disdukcapil")
    assert report.respondents == 1 and report.index is not None
    assert report.index.converted == round(sum(scores) / 9 * 25, 2)
    assert report.served == 1 and not report.sample_too_small

    # an old button of the finished survey: thanked, nothing changes
    await gw.telegram_update(text_update(121, 501, "syarat kk apa"))  # and later messages go to Rasa again
    await until(lambda: gw.rasa.to_rasa == ["syarat kk apa"], what="an ordinary turn")  # type: ignore[attr-defined]


async def test_one_tap_score_is_reported_beside_the_ikm_not_in_it(gw: Harness, core: Core, demo) -> None:  # type: ignore[no-untyped-def]
    served_ticket(core, 2, "telegram:502")
    await notifier(core, gw, demo).run_once_db()
    await press(gw, "502", "Nilai keseluruhan", 200)
    await press(gw, "502", "2 ·", 201)
    await press(gw, "502", "Lewati", 202)
    assert gw.telegram.texts("502")[-1] == survey.THANKS
    with core.session_factory() as s:
        report = ikm_report(s, date(2026, 12, 1), date(2026, 12, 1), "kota_bogor")
    assert report.index is None and report.respondents == 0
    assert report.quick_count == 1 and report.quick_mean == 2.0
    assert "belum ada jawaban lengkap" in report.summary() and "nilai cepat" in report.summary()


async def test_declined_and_expired_surveys_say_so(gw: Harness, core: Core, demo) -> None:  # type: ignore[no-untyped-def]
    served_ticket(core, 3, "telegram:503")
    served_ticket(core, 4, "telegram:504")
    await notifier(core, gw, demo).run_once_db()
    await press(gw, "503", "Tidak, terima kasih", 300)
    assert gw.telegram.texts("503")[-1] == survey.DECLINED
    assert survey_row(core, 3).status == "declined"
    await press(gw, "503", "Tidak, terima kasih", 301)  # pressed again later
    assert gw.telegram.texts("503")[-1] == survey.CLOSED

    with UnitOfWork(core.session_factory, write=True) as uow:  # three days pass without an answer
        row = uow.session.execute(select(SurveyRow).where(SurveyRow.ticket_id == 4)).scalar_one()
        row.expires_at = LATER - timedelta(seconds=1)
        uow.commit()
    await press(gw, "504", "Isi survei", 302)
    assert gw.telegram.texts("504")[-1] == survey.CLOSED
    assert survey_row(core, 4).status == "expired"


async def test_whatsapp_outside_the_window_gets_the_survey_template_with_quick_replies(
    gw: Harness, core: Core, demo
) -> None:  # type: ignore[no-untyped-def]
    wa_id = "6281234567890"
    channel = gw.gateway.whatsapp
    assert channel is not None
    sender = channel.sender_id(wa_id)
    channel.remember(sender, wa_id, LATER - timedelta(days=2))  # last wrote two days ago: the window is closed
    served_ticket(core, 5, sender)
    assert await notifier(core, gw, demo).run_once_db() == 1
    [call] = gw.graph.to(wa_id)
    assert call["type"] == "template" and call["template"]["name"] == "mpp_survei"
    buttons = [c for c in call["template"]["components"] if c["type"] == "button"]
    assert [b["sub_type"] for b in buttons] == ["quick_reply"] * 3
    payloads = [b["parameters"][0]["payload"] for b in buttons]
    assert all(p.startswith("b:") for p in payloads)
    # the citizen taps "Isi survei": the template's quick reply comes back with our payload
    tap = {
        "from": wa_id,
        "id": "wamid.tap1",
        "timestamp": str(int(datetime.now(timezone.utc).timestamp())),
        "type": "button",
        "button": {"text": "Isi survei", "payload": payloads[0]},
    }
    assert (await gw.whatsapp_post(webhook_body(wa_id, tap))).status_code == 200
    await until(lambda: len(gw.graph.to(wa_id)) >= 2, what="the first question")
    first = gw.graph.to(wa_id)[1]
    assert first["type"] == "interactive" and "Persyaratan" in first["interactive"]["body"]["text"]
    assert survey_row(core, 5).status == "answering"


def test_hapus_data_saya_erases_comments_and_the_link_to_the_chat(core: Core) -> None:
    with core.uow(write=True) as uow:
        uow.session.add(
            SurveyRow(
                ticket_id=9,
                chat_id="telegram:509",
                mpp_code="kota_bogor",
                agency_code="disdukcapil",
                service_code="ktp_el",
                served_day=date(2026, 12, 1),
                status="comment",
                u1=4,
                overall=None,
                complete=False,
                complaint_like=False,
                comment_encrypted=core.crypto.encrypt("nama saya Budi"),
                created_at=SERVED,
            )
        )
        uow.commit()
    with core.uow(write=True) as uow:
        uow.tokens.erase("telegram:509")
        uow.commit()
    with core.session_factory() as s:
        row = s.execute(select(SurveyRow).where(SurveyRow.ticket_id == 9)).scalar_one()
        assert row.chat_id == "erased" and row.comment_encrypted is None and row.status == "declined"
        assert s.execute(select(NotificationRow).where(NotificationRow.chat_id == "telegram:509")).first() is None


def test_retention_anonymises_old_surveys_expires_open_ones_and_drops_old_turns(core: Core) -> None:
    from mpp import turns
    from mpp.db.survey_tables import TurnRow
    from mpp.retention import purge_database

    now = datetime(2027, 1, 9, 2, 0, tzinfo=timezone.utc)

    def add_survey(ticket_id: int, created: datetime, status: str, expires: datetime | None) -> None:
        uow.session.add(
            SurveyRow(
                ticket_id=ticket_id,
                chat_id=f"telegram:{ticket_id}",
                mpp_code="kota_bogor",
                agency_code="disdukcapil",
                service_code="ktp_el",
                served_day=created.date(),
                status=status,
                u1=3,
                complete=False,
                complaint_like=False,
                comment_encrypted=core.crypto.encrypt("saran"),
                created_at=created,
                expires_at=expires,
            )
        )

    with core.uow(write=True) as uow:
        add_survey(21, now - timedelta(days=31), "quick", None)  # past 30 days: anonymised
        add_survey(22, now - timedelta(days=2), "answering", now - timedelta(hours=1))  # open, past its expiry
        add_survey(23, now - timedelta(days=1), "sent", now + timedelta(days=2))  # open, still in time
        for i, days in enumerate((31, 29)):
            turns.record(
                uow.session,
                core.crypto,
                "telegram:1",
                "kucing hilang",
                turns.Understood("nlu_fallback", 0.3, None),
                now - timedelta(days=days),
                f"inbox:{i}",
            )
        uow.commit()
    with core.uow(write=True) as uow:
        counts = purge_database(uow.session, now)
        uow.commit()
    assert (counts["survey_anonymised"], counts["survey_expired"], counts["nlu_turn"]) == (1, 1, 1)
    with core.session_factory() as s:
        rows = {r.ticket_id: r for r in s.execute(select(SurveyRow)).scalars()}
        assert rows[21].chat_id == "erased" and rows[21].comment_encrypted is None and rows[21].u1 == 3
        assert rows[22].status == "expired" and rows[23].status == "sent" and rows[23].comment_encrypted
        assert [t.source_key for t in s.execute(select(TurnRow)).scalars()] == ["inbox:1"]
