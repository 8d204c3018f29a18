"""The SKM survey in a citizen's chat: offered after a served ticket, answered with buttons.

* When a ticket with a chat is served, ``mpp.handlers`` adds an outbox notice of kind
  ``survey`` due ``DELAY`` later (after the visit, not during it). The notifier turns it into
  the invitation (``invite``): the survey row is created then, once per ticket (a unique
  ticket id, and the notice's dedupe key), with buttons: the nine questions, a one-tap overall
  score, or "no thanks".
* Each button is a payload ``/skm{"s": id, "a": action, "v": value}`` that the REST channel hands
  to ``answer`` instead of Rasa (``bot.survey_gate``); only the chat the survey was sent to may
  answer it. After the ninth element, or the one-tap score, the citizen may type a comment
  (``comment``) or skip it. A comment that reads like a complaint is answered with an offer to
  file one (the ``keluhan`` intent).
* A survey not finished within ``ANSWER_DAYS`` of being sent expires: later presses are told so.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mpp.db.queue_tables import TicketRow
from mpp.db.survey_tables import SurveyRow
from mpp.privacy import Crypto
from mpp.replies import Choice, Reply
from mpp.survey.ikm import ELEMENTS

INTENT = "skm"
KIND = "survey"  # outbox notice kind
DELAY = timedelta(minutes=15)
ANSWER_DAYS = 3
OPEN = ("sent", "answering", "comment")
QUESTIONS = (
    "Bagaimana kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
    "Bagaimana kemudahan prosedur pelayanan di unit ini?",
    "Bagaimana kecepatan waktu dalam memberikan pelayanan?",
    "Bagaimana kewajaran biaya/tarif dalam pelayanan?",
    "Bagaimana kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan?",
    "Bagaimana kompetensi/kemampuan petugas dalam pelayanan?",
    "Bagaimana perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
    "Bagaimana kualitas penanganan pengaduan, saran dan masukan di unit ini?",
    "Bagaimana kualitas sarana dan prasarana?",
)
SCALE_TITLES = ("1 · Tidak baik", "2 · Kurang baik", "3 · Baik", "4 · Sangat baik")
COMPLAINT_WORDS = re.compile(
    r"\b(kecewa|komplain|keluh\w*|lambat|lama\s+(sekali|banget|bgt)|pungli|pungutan|calo|kasar|"
    r"tidak\s+ramah|gak\s+ramah|ga\s+ramah|jutek|buruk|parah|ribet|dipersulit|mengecewakan|nyogok|suap)\b",
    re.IGNORECASE,
)

INVITE = (
    "Terima kasih sudah berkunjung ke {mpp}. 🙏 Bantu kami memperbaiki layanan {agency} dengan "
    "Survei Kepuasan Masyarakat: 9 pertanyaan singkat, skala 1–4. Atau beri satu nilai keseluruhan saja."
)
OVERALL_Q = "Secara keseluruhan, bagaimana pelayanan yang Anda terima?"
COMMENT_Q = "Terima kasih atas penilaian Anda. Ada saran atau masukan? Silakan ketik, atau tekan Lewati."
THANKS = "Terima kasih, penilaian Anda sudah kami catat. 🙏"
THANKS_COMMENT = "Terima kasih, saran Anda sudah kami terima dan akan disampaikan ke unit layanan. 🙏"
OFFER_COMPLAINT = (
    "Mohon maaf atas pengalaman yang kurang menyenangkan. Apakah Anda ingin menyampaikannya sebagai "
    "pengaduan resmi agar ditindaklanjuti?"
)
DECLINED = "Baik, tidak apa-apa. Terima kasih sudah menggunakan layanan MPP. 🙏"
CLOSED = "Maaf, survei ini sudah ditutup. Terima kasih atas perhatian Anda. 🙏"
UNKNOWN = "Maaf, survei itu tidak ditemukan. Silakan ketik pertanyaan Anda."


def _choice(title: str, survey_id: int, action: str, value: str = "") -> Choice:
    entities = {"s": str(survey_id), "a": action}
    if value:
        entities["v"] = value
    return Choice(title, INTENT, entities)


def _question(survey_id: int, number: int) -> Reply:
    name = ELEMENTS[number - 1][1]
    choices = tuple(_choice(t, survey_id, f"u{number}", str(v)) for v, t in enumerate(SCALE_TITLES, 1))
    stop = _choice("Cukup, beri nilai keseluruhan", survey_id, "quick")
    text = f"({number}/9) {name}\n{QUESTIONS[number - 1]}"
    return Reply(text, choices + ((stop,) if number > 1 else ()))


def _overall(survey_id: int) -> Reply:
    return Reply(OVERALL_Q, tuple(_choice(t, survey_id, "o", str(v)) for v, t in enumerate(SCALE_TITLES, 1)))


def _ask_comment(survey_id: int) -> Reply:
    return Reply(COMMENT_Q, (_choice("Lewati", survey_id, "skip"),))


def invitation_choices(survey_id: int) -> tuple[Choice, ...]:
    return (
        _choice("Isi survei (9 pertanyaan)", survey_id, "start"),
        _choice("Nilai keseluruhan saja", survey_id, "quick"),
        _choice("Tidak, terima kasih", survey_id, "no"),
    )


def schedule_key(ticket_id: int) -> str:
    return f"ticket:{ticket_id}:survey"


def invite(session: Session, ticket_id: int, chat_id: str, now: datetime, names: dict[str, str]) -> Reply | None:
    """The invitation for a served ticket's chat, creating the survey once; None: nothing to send."""
    existing = session.execute(select(SurveyRow).where(SurveyRow.ticket_id == ticket_id)).scalar_one_or_none()
    if existing is not None:
        if existing.status != "scheduled":
            return None  # sent before (a redelivered notice): never twice
        row = existing
    else:
        ticket = session.get(TicketRow, ticket_id)
        if ticket is None or ticket.status != "served" or not ticket.chat_id:
            return None
        row = SurveyRow(
            ticket_id=ticket_id,
            chat_id=ticket.chat_id,
            mpp_code=ticket.mpp_code,
            agency_code=ticket.agency_code,
            service_code=ticket.service_code,
            served_day=ticket.day,
            status="scheduled",
            complete=False,
            complaint_like=False,
            created_at=now,
        )
        session.add(row)
    row.status, row.sent_at, row.expires_at = "sent", now, now + timedelta(days=ANSWER_DAYS)
    session.flush()
    text = INVITE.format(mpp=names.get("mpp", "MPP"), agency=names.get("agency", "kami"))
    return Reply(text, invitation_choices(row.id))


def parse_payload(text: str) -> dict[str, str] | None:
    """``/skm{...}`` → its entities; None for anything else."""
    if not text.startswith(f"/{INTENT}{{"):
        return None
    try:
        data = json.loads(text[len(INTENT) + 1 :])
    except ValueError:
        return None
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else None


def _expired(row: SurveyRow, now: datetime) -> bool:
    expires = row.expires_at
    if expires is not None and expires.tzinfo is None:  # SQLite hands back naive UTC
        from datetime import timezone

        expires = expires.replace(tzinfo=timezone.utc)
    return row.status == "expired" or (row.status in OPEN and expires is not None and now >= expires)


def answer(session: Session, sender: str, payload: dict[str, str], now: datetime) -> tuple[Reply, ...]:
    """One button press of a survey; the replies to send back."""
    try:
        survey_id = int(payload.get("s", ""))
    except ValueError:
        return (Reply(UNKNOWN),)
    row = session.get(SurveyRow, survey_id, with_for_update=session.get_bind().dialect.name == "postgresql")
    if row is None or row.chat_id != sender:
        return (Reply(UNKNOWN),)
    if _expired(row, now):
        row.status = "expired"
        return (Reply(CLOSED),)
    if row.status not in OPEN:
        return (Reply(CLOSED if row.status in ("declined", "expired") else THANKS),)
    action, value = payload.get("a", ""), payload.get("v", "")
    if action == "no":
        row.status = "declined"
        return (Reply(DECLINED),)
    if action == "start":
        row.status = "answering"
        first = next((i for i in range(1, 10) if getattr(row, f"u{i}") is None), 9)
        return (_question(row.id, first),)
    if action == "quick":
        row.status = "answering"
        return (_overall(row.id),)
    score = int(value) if value in ("1", "2", "3", "4") else None
    if action == "o" and score is not None:
        row.overall, row.answered_at, row.status = score, now, "comment"
        return (_ask_comment(row.id),)
    if re.fullmatch(r"u[1-9]", action) and score is not None:
        number = int(action[1:])
        setattr(row, action, score)
        row.answered_at = now
        missing = [i for i in range(1, 10) if getattr(row, f"u{i}") is None]
        if not missing:
            row.complete, row.status = True, "comment"
            return (_ask_comment(row.id),)
        row.status = "answering"
        later = [i for i in missing if i > number]
        return (_question(row.id, later[0] if later else missing[0]),)
    if action == "skip" and row.status == "comment":
        row.status = _finished(row)
        return (Reply(THANKS),)
    return (Reply(UNKNOWN),)


def _finished(row: SurveyRow) -> str:
    return "complete" if row.complete else "quick"


def awaiting_comment(session: Session, sender: str) -> int | None:
    """The survey of this chat waiting for a typed comment, if any (one indexed SELECT)."""
    return session.execute(
        select(SurveyRow.id).where(SurveyRow.chat_id == sender, SurveyRow.status == "comment").limit(1)
    ).scalar_one_or_none()


def comment(session: Session, crypto: Crypto, survey_id: int, text: str, now: datetime) -> tuple[Reply, ...]:
    """The typed comment (encrypted at rest); a complaint-like one is offered the complaint path."""
    row = session.get(SurveyRow, survey_id)
    if row is None or row.status != "comment":
        return ()
    complaint = bool(COMPLAINT_WORDS.search(text)) or (row.overall is not None and row.overall <= 2)
    row.comment_encrypted = crypto.encrypt(text.strip()[:2000])
    row.complaint_like = bool(COMPLAINT_WORDS.search(text))
    row.status, row.answered_at = _finished(row), now
    if complaint:
        offer = (Choice("Ya, sampaikan pengaduan", "keluhan"), Choice("Tidak perlu", "terima_kasih"))
        return (Reply(THANKS_COMMENT), Reply(OFFER_COMPLAINT, offer))
    return (Reply(THANKS_COMMENT),)


def expire(session: Session, now: datetime) -> int:
    """Surveys not finished in time: closed (their scores, if any, never count)."""
    result = session.execute(
        update(SurveyRow)
        .where(SurveyRow.status.in_(OPEN), SurveyRow.expires_at <= now)
        .values(status="expired")
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)
