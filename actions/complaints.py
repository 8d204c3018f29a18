"""Complaints with a tracking number: the short form (what happened, which MPP and agency, when, contact),
filing, and checking a number. Thin: the core (``mpp.grievance``) checks, stores and words the answers.

The form's slots have custom mappings: ``validate_form_pengaduan`` reads the message whole for the slot
being asked (a complaint is free text whatever intent the NLU guessed for it). "batal" at any step ends
the form and nothing is stored. What the message that started the form already said is kept as the
description when it tells what happened ("petugas loket samsat minta uang 200rb").
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Protocol
from zoneinfo import ZoneInfo

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_repair import CERTAIN, SURE
from actions.runtime import CatalogueSource, blocking, latest_entity, send
from mpp.booking import replies as booking_replies
from mpp.booking.repair import is_question, says_change, says_wrong, says_yes, wants_to_stop
from mpp.booking.service import BookingService
from mpp.catalogue.model import Catalogue
from mpp.faq import TOPICS, Question, answer
from mpp.grievance import replies
from mpp.grievance.model import ComplaintError, Draft
from mpp.grievance.service import ComplaintService, check_description
from mpp.handoff.service import phrase
from mpp.privacy import TOKEN_PATTERN, mask_phone
from mpp.replies import Reply

SLOTS = ("aduan_isi", "aduan_mpp", "aduan_instansi", "aduan_waktu", "aduan_kontak")
SUMMARY = "aduan_konfirmasi"  # the summary before filing: "ya" files, "tidak" asks what to change, "batal" discards
CONFIRMED = "ya"
CANCEL = "__batal__"
NONE = "-"
STOP_WORDS = frozenset({"batal", "batalkan", "tidak jadi", "gak jadi", "ga jadi", "nggak jadi", "cancel", "batal aja"})
SKIP_WORDS = frozenset(
    {
        "lewati",
        "skip",
        "tidak",
        "tidak ada",
        "gak ada",
        "ga ada",
        "nggak",
        "gak",
        "ga",
        "tidak tahu",
        "gak tau",
        "ga tau",
        "nggak tahu",
        "tidak tau",
        "lupa",
        "entah",
    }
)
# Words of a bare "I want to complain": a message of only these (and no more than two others) says nothing yet.
GENERIC = frozenset(
    "mau ingin pengen pingin mo saya aku sy gw gue gua kami komplain komplen complain lapor melapor laporan ngadu "
    "mengadu pengaduan aduan keluhan sambat ngeluh dong min kak admin buat bikin menyampaikan sampaikan tolong ada "
    "yang di mana dimana bisa soal tentang resmi file a to i want report the nih nya mpp pelayanan ini".split()
)


class ComplaintCore(Protocol):
    @property
    def catalogue(self) -> CatalogueSource: ...

    @property
    def bookings(self) -> BookingService: ...

    @property
    def complaints(self) -> ComplaintService: ...


class UsesComplaints:
    def __init__(self, core: ComplaintCore | None = None) -> None:
        self._core = core

    @property
    def core(self) -> ComplaintCore:
        if self._core is None:
            from mpp.wiring import get_core

            self._core = get_core()
        return self._core


def says_what_happened(text: str) -> bool:
    if not text or text.startswith("/"):
        return False
    words = [w for w in phrase(text).split() if w not in GENERIC]
    return len(words) >= 3


def _agency_from_text(cat: Catalogue, mpp_code: str | None, text: str) -> str | None:
    mpp = cat.mpp(mpp_code)
    if mpp is None:
        return None
    said = phrase(text)
    for agency in mpp.agencies.values():
        names = {agency.code.replace("_", " "), phrase(agency.name), phrase(agency.name).split()[0]}
        if any(n and n in said for n in names):
            return agency.code
    return None


class ActionMulaiPengaduan(UsesComplaints, Action):
    """A grievance in any wording: prefill what is known, then ``form_pengaduan`` asks the rest."""

    def name(self) -> str:
        return "action_mulai_pengaduan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        cat = await blocking(self.core.catalogue.get)
        text = str(tracker.latest_message.get("text") or "")
        events: list[EventType] = [SlotSet(s, None) for s in (*SLOTS, SUMMARY)]
        mpp = next((c for c in (latest_entity(tracker, "mpp"), tracker.get_slot("mpp")) if c and cat.mpp(c)), None)
        if mpp is None and len(cat.mpps) == 1:
            mpp = next(iter(cat.mpps))
        if mpp is None:
            booked = await blocking(self.core.bookings.upcoming, tracker.sender_id)
            mpp = booked[0].mpp_code if booked else None
        if mpp:
            events.append(SlotSet("aduan_mpp", mpp))
            service = latest_entity(tracker, "layanan") or tracker.get_slot("layanan")
            agency = cat.agency_of(mpp, service) if service else None
            code = agency.code if agency else _agency_from_text(cat, mpp, text)
            if code:
                events.append(SlotSet("aduan_instansi", code))
        limit = self.core.complaints.rules.max_chars
        if says_what_happened(text) and check_description(text, limit) is None:
            events.append(SlotSet("aduan_isi", text.strip()))
            send(dispatcher, replies.NOTED)
        return events


MAX_WRONG_WORDS = 4  # "salah", "yang tadi salah", "ralat": a short message that only says an answer was wrong


class ValidateFormPengaduan(UsesComplaints, FormValidationAction):
    def name(self) -> str:
        return "validate_form_pengaduan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        repaired = await self.repair(dispatcher, tracker)
        if repaired is not None:
            return [SlotSet(k, v) for k, v in repaired.items()]  # the form asks the first empty detail next
        return await super().run(dispatcher, tracker, domain)

    async def repair(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any] | None:
        """A correction of an earlier answer said at a later prompt (issue 17), else None.

        "eh mpp nya bogor, bukan bekasi" while the time is asked: the MPP is changed and the agency asked
        again (it belongs to the MPP); "salah" / "yang tadi salah": the previous answer is asked again.
        """
        from actions.form_repair import previous_answer

        asked = tracker.get_slot("requested_slot")
        text = str(tracker.latest_message.get("text") or "").strip()
        if asked == SUMMARY:
            return await self.at_summary(dispatcher, tracker, text)
        if asked not in SLOTS or asked == "aduan_isi" or phrase(text) in STOP_WORDS:
            return None  # the description is free text: "petugas salah input" is what happened
        button = _button(tracker)
        if button:  # "Ubah MPP" pressed while another detail is asked
            return _cleared(button)
        if asked != "aduan_mpp" and await self.answered_question(dispatcher, tracker, text):
            return {asked: None}  # "syaratnya apa?" at the time prompt: answered, then the same prompt again
        mpp = latest_entity(tracker, "mpp")
        if asked != "aduan_mpp" and mpp and says_change(text) and mpp != tracker.get_slot("aduan_mpp"):
            out = await self.validate_aduan_mpp(mpp, dispatcher, tracker, {})
            if not out.get("aduan_mpp"):
                return out
            cat = await blocking(self.core.catalogue.get)
            send(dispatcher, booking_replies.changed("MPP", cat.mpps[out["aduan_mpp"]].name))
            return {**out, "aduan_instansi": None}
        if says_wrong(text) and len(phrase(text).split()) <= MAX_WRONG_WORDS:
            wrong = previous_answer(tracker, SLOTS)
            if wrong:
                return {wrong: None}
        return None

    async def at_summary(self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> dict[str, Any]:
        """The answer to the summary: file, change a detail (button, words or a new MPP), ask what to change, stop."""
        intent = tracker.latest_message.get("intent") or {}
        name, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
        button = _button(tracker)
        if button:
            return _cleared(button)
        if phrase(text) in STOP_WORDS or wants_to_stop(text) or (name == "batal_antrean" and confidence >= SURE):
            return {SUMMARY: CANCEL}
        mpp = latest_entity(tracker, "mpp")
        if mpp and mpp != tracker.get_slot("aduan_mpp"):
            out = await self.validate_aduan_mpp(mpp, dispatcher, tracker, {})
            if out.get("aduan_mpp"):
                cat = await blocking(self.core.catalogue.get)
                send(dispatcher, booking_replies.changed("MPP", cat.mpps[out["aduan_mpp"]].name))
                return {**out, "aduan_instansi": None, SUMMARY: None}
            return {SUMMARY: None}
        named = named_parts(text)
        if named:
            cleared: dict[str, Any] = {SUMMARY: None}
            for part in named:
                cleared.update(_cleared(part))
            return cleared
        if says_yes(text) or (name == "afirmasi" and confidence >= SURE):
            return {SUMMARY: CONFIRMED}
        if (name == "negasi" and confidence >= SURE) or says_wrong(text):
            send(dispatcher, replies.what_to_change())
            return {SUMMARY: None}
        send(dispatcher, replies.SUMMARY_ANSWERS)
        return {SUMMARY: None}

    async def answered_question(self, dispatcher: CollectingDispatcher, tracker: Tracker, text: str) -> bool:
        """A question the NLU is sure of at a free-text prompt: answered here, not stored as the answer."""
        intent = tracker.latest_message.get("intent") or {}
        topic, confidence = intent.get("name"), float(intent.get("confidence") or 0.0)
        if topic not in TOPICS or confidence < CERTAIN or not is_question(text):
            return False
        cat = await blocking(self.core.catalogue.get)
        service = latest_entity(tracker, "layanan")
        mpp = latest_entity(tracker, "mpp") or tracker.get_slot("aduan_mpp")
        question = Question(topic=str(topic), service=service, jenis=latest_entity(tracker, "jenis"), mpp=mpp)
        today = self.core.bookings.now().astimezone(ZoneInfo("Asia/Jakarta")).date()
        send(dispatcher, await blocking(answer, cat, question, today, ()))
        return True

    @staticmethod
    def _said(tracker: Tracker, slot: str) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != slot:
            return {}
        text = str(tracker.latest_message.get("text") or "").strip()
        if phrase(text) in STOP_WORDS:
            return {slot: CANCEL}
        return {slot: text}

    async def extract_aduan_isi(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._said(tracker, "aduan_isi")

    async def extract_aduan_mpp(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        said = self._said(tracker, "aduan_mpp")
        entity = latest_entity(tracker, "mpp")
        return {"aduan_mpp": entity} if said and entity else said

    async def extract_aduan_instansi(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        said = self._said(tracker, "aduan_instansi")
        entity = latest_entity(tracker, "instansi")
        return {"aduan_instansi": entity} if said and entity else said

    async def extract_aduan_waktu(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._said(tracker, "aduan_waktu")

    async def extract_aduan_kontak(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self._said(tracker, "aduan_kontak")

    async def extract_aduan_konfirmasi(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return {}  # read whole by ``at_summary``

    async def validate_aduan_konfirmasi(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return {SUMMARY: value}

    @staticmethod
    def _cancelled(value: Any) -> dict[str, Any] | None:
        return {s: CANCEL for s in (*SLOTS, SUMMARY)} if value == CANCEL else None

    async def validate_aduan_isi(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if (stop := self._cancelled(value)) is not None:
            return stop
        text = "" if str(value or "").startswith("/") else str(value or "")
        problem = check_description(text, self.core.complaints.rules.max_chars)
        if problem:
            send(dispatcher, problem)
            return {"aduan_isi": None}
        return {"aduan_isi": text.strip()}

    async def validate_aduan_mpp(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if (stop := self._cancelled(value)) is not None:
            return stop
        cat = await blocking(self.core.catalogue.get)
        if cat.mpp(str(value)):
            return {"aduan_mpp": str(value)}
        from actions.booking_forms import closest_mpp

        code = closest_mpp(cat, str(value or ""))
        if code:
            return {"aduan_mpp": code}
        send(dispatcher, replies.unknown_mpp(cat))
        return {"aduan_mpp": None}

    async def validate_aduan_instansi(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if (stop := self._cancelled(value)) is not None:
            return stop
        text = str(value or "")
        cat = await blocking(self.core.catalogue.get)
        mpp = cat.mpp(tracker.get_slot("aduan_mpp"))
        if mpp and text in mpp.agencies:
            return {"aduan_instansi": text}
        if text.startswith("/") or phrase(text) in SKIP_WORDS:
            return {"aduan_instansi": NONE}
        return {"aduan_instansi": _agency_from_text(cat, mpp.code if mpp else None, text) or NONE}

    async def validate_aduan_waktu(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if (stop := self._cancelled(value)) is not None:
            return stop
        text = str(value or "").strip()
        if not text or text.startswith("/") or phrase(text) in SKIP_WORDS:
            return {"aduan_waktu": NONE}
        return {"aduan_waktu": text[:200]}

    async def validate_aduan_kontak(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if (stop := self._cancelled(value)) is not None:
            return stop
        text = str(value or "").strip()
        if not text or text.startswith("/") or phrase(text) in SKIP_WORDS:
            return {"aduan_kontak": NONE}
        return {"aduan_kontak": text[:200]}


class _Ask(UsesComplaints, Action):
    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        cat = await blocking(self.core.catalogue.get)
        prompts: dict[str, Reply | str] = {
            "aduan_isi": replies.ASK_DESCRIPTION,
            "aduan_mpp": replies.ask_mpp(cat),
            "aduan_instansi": replies.ask_agency(cat, str(tracker.get_slot("aduan_mpp") or "")),
            "aduan_waktu": replies.ASK_WHEN,
            "aduan_kontak": Reply(replies.ASK_CONTACT, (replies.SKIP,)),
        }
        send(dispatcher, prompts[self.slot])
        return []


class ActionAskAduanIsi(_Ask):
    slot = "aduan_isi"


class ActionAskAduanMpp(_Ask):
    slot = "aduan_mpp"


class ActionAskAduanInstansi(_Ask):
    slot = "aduan_instansi"


class ActionAskAduanWaktu(_Ask):
    slot = "aduan_waktu"


class ActionAskAduanKontak(_Ask):
    slot = "aduan_kontak"


class ActionAskAduanKonfirmasi(UsesComplaints, Action):
    """The complaint as it will be filed, with a button per detail to change (after "tidak": only the question)."""

    def name(self) -> str:
        return "action_ask_aduan_konfirmasi"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        if _said_this_turn(tracker, replies.what_to_change().text):
            return []  # "tidak": which part to change was asked; the summary comes again after the change
        cat = await blocking(self.core.catalogue.get)
        mpp = cat.mpp(tracker.get_slot("aduan_mpp"))
        agency_code = tracker.get_slot("aduan_instansi")
        agency = mpp.agencies.get(agency_code) if mpp and agency_code not in (None, NONE) else None
        contact = _optional(tracker.get_slot("aduan_kontak"))
        if contact:
            contact = await blocking(_masked_contact, self.core.bookings, tracker.sender_id, contact)
        send(
            dispatcher,
            replies.summary(
                str(tracker.get_slot("aduan_isi") or ""),
                mpp.name if mpp else "-",
                agency.name if agency else None,
                _optional(tracker.get_slot("aduan_waktu")),
                contact,
            ),
        )
        return []


def _optional(value: Any) -> str | None:
    return None if value in (None, NONE, CANCEL) else str(value)


def _masked_contact(bookings: BookingService, sender: str, contact: str) -> str:
    """The contact as the summary shows it: a phone number (a token from the channel) masked, never in full."""

    def masked(m: re.Match[str]) -> str:
        raw = bookings.resolve_personal(sender, m.group(0))
        return mask_phone(raw) if raw else "nomor HP"

    return TOKEN_PATTERN.sub(masked, contact)


def _said_this_turn(tracker: Tracker, text: str) -> bool:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot" and event.get("text") == text:
            return True
    return False


# Words that name a part of the complaint at its summary ("waktunya salah", "mpp nya", "kontaknya ganti").
_PARTS = (
    ("isi", re.compile(r"\b(?:isi(?:nya)?|cerita(?:nya)?|keluhan(?:nya)?|aduan(?:nya)?)\b", re.I)),
    ("mpp", re.compile(r"\b(?:mpp\s?(?:nya)?|tempat(?:nya)?|lokasi(?:nya)?)\b", re.I)),
    ("instansi", re.compile(r"\b(?:instansi(?:nya)?|dinas(?:nya)?|loket(?:nya)?)\b", re.I)),
    ("waktu", re.compile(r"\b(?:waktu(?:nya)?|jam(?:nya)?|kapan|tanggal(?:nya)?|tgl(?:nya)?|hari(?:nya)?)\b", re.I)),
    ("kontak", re.compile(r"\b(?:kontak(?:nya)?|nomor(?:nya)?|no\s?hp|hp(?:nya)?|wa(?:nya)?|email(?:nya)?)\b", re.I)),
)


def named_parts(text: str) -> list[str]:
    """The parts of the complaint a message at the summary names to change, in order of mention."""
    found = sorted((m.start(), part) for part, pattern in _PARTS for m in [pattern.search(text)] if m)
    return [part for _, part in found]


def _button(tracker: Tracker) -> str | None:
    """The part chosen with an "Ubah …" button of the complaint's summary, if any."""
    for e in tracker.latest_message.get("entities") or []:
        if e.get("entity") == "bagian" and e.get("value") in replies.DETAILS:
            return str(e["value"])
    return None


def _cleared(part: str) -> dict[str, Any]:
    """The slots asked again when ``part`` changes (the agency belongs to the MPP), and the summary after them."""
    out: dict[str, Any] = {f"aduan_{part}": None, SUMMARY: None}
    if part == "mpp":
        out["aduan_instansi"] = None
    return out


class ActionKirimPengaduan(UsesComplaints, Action):
    """The form is complete: file the complaint (or say nothing was kept, after "batal")."""

    def name(self) -> str:
        return "action_kirim_pengaduan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        values = {s: tracker.get_slot(s) for s in SLOTS}
        reset: list[EventType] = [SlotSet(s, None) for s in (*SLOTS, SUMMARY)]
        confirmed = tracker.get_slot(SUMMARY) == CONFIRMED
        if CANCEL in values.values() or not confirmed or not values["aduan_isi"] or not values["aduan_mpp"]:
            send(dispatcher, replies.CANCELLED)
            return reset
        optional = {k: (None if v in (None, NONE) else str(v)) for k, v in values.items()}
        draft = Draft(
            str(values["aduan_isi"]),
            str(values["aduan_mpp"]),
            optional["aduan_instansi"],
            optional["aduan_waktu"],
            optional["aduan_kontak"],
        )
        try:
            _, reply = await blocking(self.core.complaints.file, tracker.sender_id, draft)
        except ComplaintError as exc:
            send(dispatcher, str(exc))
            return reset
        send(dispatcher, reply)
        return [*reset, SlotSet("mpp", draft.mpp_code)]


class ActionCekPengaduan(UsesComplaints, Action):
    def name(self) -> str:
        return "action_cek_pengaduan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        text = latest_entity(tracker, "nomor_pengaduan") or str(tracker.latest_message.get("text") or "")
        send(dispatcher, await blocking(self.core.complaints.check, tracker.sender_id, text))
        return []
