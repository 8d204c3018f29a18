"""One form base class for every form whose details a citizen may change at any step and at its summary.

``RepairingForm`` reads each message the form receives as a whole (not one slot at a time):
the answer to what was asked, a change of any detail given before ("eh jamnya salah, jam 10
aja", "bukan akta tapi kia", the "Ubah tanggal" button), a stop ("batal aja"), or something
for the rules to handle — a question, a greeting — in which case it fills nothing and Rasa's
form rejects the turn, the rules answer, and the form asks again. The form ends with a
summary question (``summary_slot``): "ya" fills it with ``CONFIRMED``, "tidak" with ``REFUSED``
(then ``change_slot`` asks what to change), a stop with ``STOPPED``; a change empties it, so
the summary is shown again. The completion rule's action reads that verdict.

A change re-checks what depends on it (``Field.after``): a new service re-checks the MPP, the
date and the time that were kept; one that no longer fits is said and asked again, the rest
stays. The ``validate_<slot>`` methods of the subclass check single values, as usual in Rasa.

To use it in a new flow (a complaint, a handoff): list the form's ``fields`` in asking order,
give every field a ``validate_<slot>`` method, a ``summary_slot`` and a ``change_slot`` with ask
actions, custom slot mappings for all of them in the domain, and a rule from the form's
completion to the action that acts on the verdict. ``README.md`` (Booking a queue slot) has
the booking form as the worked example.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Dict, List

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions.runtime import send
from mpp.booking.repair import (
    Detail,
    Mention,
    asks_about_privacy,
    is_question,
    is_relative,
    mostly_values,
    name_after_lead,
    name_answer,
    name_in_correction,
    name_or_no,
    named_details,
    pick,
    proposes,
    question_topic,
    says_change,
    says_wrong,
    says_yes,
    service_is_reference,
    service_is_verb,
    someone_else,
    wants_erasure,
    wants_to_stop,
    written_as_a_name,
)
from mpp.booking.replies import NAME_CHECK_LEAD
from mpp.booking.when_said import date_of_event, greeting_end
from mpp.privacy import TOKEN_PATTERN
from mpp.replies import Reply

CONFIRMED, REFUSED, STOPPED = "ya", "tidak", "batal"
OFFICER = "petugas"  # the officer button inside the form: it stops, then a person is offered
# Intents the rules answer inside a form (then the form asks again): the form rejects such a turn.
ANSWERED_BY_RULES = frozenset(
    "tanya_syarat tanya_biaya tanya_jadwal tanya_lokasi tanya_lama_proses daftar_layanan keluhan "
    "minta_petugas bantuan di_luar_topik sapa terima_kasih hapus_data cek_antrean".split()
)
SURE = 0.5  # an intent below this confidence decides nothing on its own
CERTAIN = 0.8  # ... and below this it does not outweigh a message that looks like a name
TOKEN_KINDS = {"NIKREF": Detail.NIK, "TELREF": Detail.TELEPON}


@dataclass(frozen=True)
class Field:
    """One detail of a form: its slot, what it is, the NLU entity that carries its value, what it depends on."""

    slot: str
    detail: Detail
    entity: str | None = None  # None: the value is the text (a name) or a personal-data token
    after: tuple[str, ...] = ()  # slots whose change makes this one checked again


@dataclass
class Reading:
    """What one message says, in the form's terms."""

    intent: str | None
    confidence: float
    text: str
    values: dict[str, Any] = field(default_factory=dict)  # slot -> value found in the message
    named: list[Detail] = field(default_factory=list)  # details named without a value ("jamnya salah")
    buttons: list[Detail] = field(default_factory=list)  # details chosen with an "Ubah …" button
    entities: list[dict[str, Any]] = field(default_factory=list)  # the NLU's, as Rasa sent them
    refined: set[str] = field(default_factory=set)  # slots whose value the form set right (``refine``)

    def said(self, intent: str, certainty: float = SURE) -> bool:
        return self.intent == intent and self.confidence >= certainty

    @property
    def changes(self) -> bool:
        return bool(self.buttons) or self.intent == "koreksi" or says_change(self.text)


def fresh_message(tracker: Tracker, form: str, starters: Iterable[str]) -> bool:
    """True when the form runs on a new message: right after it, or when a starter action activated it.

    False when it comes back after the rules handled the message (a question answered), or after an
    action re-opened it (a refused booking): then the message has been read already.
    """
    names: list[str] = []
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            allowed = {"action_listen", "action_extract_slots", *starters}
            return names.count(form) <= 1 and all(n in allowed or n == form for n in names)
        if kind == "action_execution_rejected":
            return False
        if kind == "action":
            names.append(str(event.get("name")))
    return False


PERSONAL_DETAILS = frozenset({Detail.NAMA, Detail.NIK, Detail.TELEPON})


def message_before_reply(tracker: Tracker, lead: str) -> str | None:
    """The citizen's message before the last reply, when that reply began with ``lead``; else None."""
    seen_latest = asked = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "bot" and seen_latest:
            asked = asked or str(event.get("text") or "").startswith(lead)
        elif kind == "user":
            if seen_latest:
                return str(event.get("text") or "") if asked else None
            seen_latest = True
    return None


def previous_answer(tracker: Tracker, slots: Iterable[str]) -> str | None:
    """The form slot filled most recently before this message: "salah" means that one."""
    wanted = set(slots)
    past_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            past_message = True
        elif past_message and event.get("event") == "slot" and event.get("name") in wanted:
            if event.get("value") is not None:
                return str(event["name"])
    return None


class RepairingForm(FormValidationAction):
    """Form validation that lets the citizen change any detail at any step and at the summary."""

    fields: ClassVar[tuple[Field, ...]] = ()
    summary_slot: ClassVar[str] = ""
    change_slot: ClassVar[str] = ""
    starters: ClassVar[tuple[str, ...]] = ()  # actions that activate the form right after a message

    # ---- what subclasses provide ------------------------------------------------------------
    @abstractmethod
    def name(self) -> str:
        """validate_<form name>; abstract, so that rasa_sdk registers only the concrete forms."""

    async def fields_needed(self, tracker: Tracker) -> list[Field]:
        """The fields this form asks for now (all by default)."""
        return list(self.fields)

    async def guess(self, f: Field, text: str, tracker: Tracker) -> Any:
        """A value for the asked field that the NLU missed (a typo); None if there is none."""
        return None

    def declined(self, f: Field, reading: Reading) -> Any:
        """The value of an optional field the citizen chose not to give; None if it is required."""
        return None

    def hint(self, f: Field | None, reading: Reading, tracker: Tracker) -> Reply | str | None:
        """What to say before asking ``f`` again when the message did not answer it (None: the summary)."""
        return None

    async def acknowledge(self, f: Field, value: Any, tracker: Tracker) -> Reply | str | None:
        """A short line confirming a change of ``f`` to ``value``."""
        return None

    def about_the_prompt(self, f: Field, reading: Reading) -> Reply | str | None:
        """The answer to a question about the asked detail itself ("wajib gak?", "pakai nomor istri bisa?")."""
        return None

    def privacy_note(self) -> Reply | str | None:
        """Why the form needs personal data and how it is kept: the answer to "data saya aman?"."""
        return None

    async def answer_question(self, topic: str, reading: Reading, tracker: Tracker) -> Reply | str | None:
        """The answer to a question on ``topic`` (an FAQ topic) that the NLU did not see; None: the rules'."""
        return None

    async def refine(self, reading: Reading) -> None:
        """Set right a value the NLU read from part of the words (the booking form: "bpjs" of a longer name)."""

    def related(self, reading: Reading, values: dict[str, Any]) -> dict[str, Any]:
        """Slots outside the form that follow a change (the booking form: ``jenis`` with the service)."""
        return {}

    # ---- Rasa's form protocol ----------------------------------------------------------------
    async def required_slots(
        self, domain_slots: List[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[str]:
        verdict = tracker.get_slot(self.summary_slot)
        if verdict in (STOPPED, OFFICER):
            return []
        slots = [f.slot for f in await self.fields_needed(tracker)]
        if verdict == REFUSED:
            slots.append(self.change_slot)
        return [*slots, self.summary_slot]

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        before = dict(tracker.slots)
        own = {f.slot for f in self.fields} | {self.summary_slot, self.change_slot}
        said = {k: v for k, v in tracker.slots_to_validate().items() if k in own}
        if fresh_message(tracker, self.form_name(), self.starters):
            heard = await self.read(dispatcher, tracker, before)
            if heard is None:
                return []  # not for the form: Rasa rejects the turn and the rules take it
            said.update(heard)
        result = await self.check(said, before, dispatcher, tracker, domain)
        tracker.slots.update(result)
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        next_slot = next((s for s in required if tracker.get_slot(s) is None), None)
        return [*(SlotSet(k, v) for k, v in result.items()), SlotSet(REQUESTED_SLOT, next_slot)]

    # ---- reading a message ------------------------------------------------------------------
    def reading(self, tracker: Tracker, asked: str | None) -> Reading:
        message = tracker.latest_message or {}
        intent = message.get("intent") or {}
        text = message.get("text") or ""
        reading = Reading(intent.get("name"), float(intent.get("confidence") or 0.0), text)
        entities = without_event_dates(text, without_greeting(text, message.get("entities") or []))
        reading.entities = entities
        reading.buttons = [Detail(e["value"]) for e in entities if e.get("entity") == "bagian" and _detail(e)]
        for f in self.fields:
            value = self._value(f, entities, text, tracker)
            if value is not None:
                reading.values[f.slot] = value
        has_value = {f.detail for f in self.fields if f.slot in reading.values}
        spans = [(int(e["start"]), int(e["end"])) for e in entities if "start" in e and "end" in e]
        reading.named = [d for d in named_details(text, spans, has_value) if d not in has_value]
        name = next((f for f in self.fields if f.detail is Detail.NAMA), None)
        summary = asked in (self.summary_slot, self.change_slot)
        if name and asked is None:  # the form starts (Rasa asks nothing yet)
            given = name_after_lead(text)  # "... atas nama Larasati Putri nik ..." in the first message
            if given:
                reading.values[name.slot] = given
        elif name and name.slot != asked and Detail.NAMA in reading.named and (reading.changes or summary):
            corrected = name_in_correction(text)
            if corrected:
                reading.values[name.slot] = corrected
                reading.named.remove(Detail.NAMA)
        return reading

    def _value(self, f: Field, entities: list[dict[str, Any]], text: str, tracker: Tracker) -> Any:
        if f.detail in (Detail.NIK, Detail.TELEPON):  # personal data arrives as a token (bot/rasa_channel.py)
            token = next((m for m in TOKEN_PATTERN.finditer(text) if TOKEN_KINDS[m.group(1)] is f.detail), None)
            if token:
                return token.group(0)
        if f.entity is None:
            return None
        mentions = [
            Mention(str(e["value"]), int(e.get("start", 0)), int(e.get("end", 0)))
            for e in entities
            if e.get("entity") == f.entity and e.get("value") is not None
        ]
        taken = [(m.start, m.end) for m in mentions]
        loose = [m for m in self.loose_mentions(f, text) if not any(a <= m.start < b for a, b in taken)]
        if f.detail in (Detail.TANGGAL, Detail.WAKTU):  # "sim saya abis kamis": not the visit
            loose = [m for m in loose if not date_of_event(text, m.start, m.end)]
        mentions += loose
        mentions.sort(key=lambda m: m.start)
        if f.detail is Detail.LAYANAN:
            mentions = [m for m in mentions if not service_is_verb(text, m) and not service_is_reference(text, m)]
        current = tracker.get_slot(f.slot)
        chosen = pick(mentions, text, lambda v: self.same(f, v, current, tracker))
        return chosen.value if chosen else None

    def loose_mentions(self, f: Field, text: str) -> list[Mention]:
        """Values of ``f`` the NLU does not mark as entities ("kamisnya aja"); none by default."""
        return []

    def same(self, f: Field, value: str, current: Any, tracker: Tracker) -> bool:
        """Whether a mentioned value is the one the slot holds already (subclasses resolve dates)."""
        return current is not None and str(value) == str(current)

    async def read(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, before: dict[str, Any]
    ) -> dict[str, Any] | None:
        """The slots this message fills or empties; None when it is not for the form."""
        active = tracker.active_loop_name == self.form_name()
        asked = tracker.get_slot(REQUESTED_SLOT) if active else None
        r = self.reading(tracker, asked)
        await self.refine(r)
        if asked is None:  # the form starts: take what the first message already says
            first = self.fields[0] if self.fields else None
            if (
                first
                and first.detail is Detail.LAYANAN
                and first.slot not in r.values
                and before.get(first.slot) is None
            ):
                guessed = await self.guess(first, r.text, tracker)  # "antri ktpp di mpp tangsel": a typo'd service
                if guessed is not None:
                    r.values[first.slot] = guessed
            return {k: v for k, v in r.values.items() if before.get(k) is None or k in r.refined}
        f_asked = next((f for f in self.fields if f.slot == asked), None)
        if f_asked and f_asked.slot not in r.values:
            guessed = await self.guess(f_asked, r.text, tracker)
            if guessed is not None:
                r.values[f_asked.slot] = guessed
        entities = r.entities
        found = [Mention(str(e.get("value")), int(e.get("start", -1)), int(e.get("end", -1))) for e in entities]
        service = next((f for f in self.fields if f.detail is Detail.LAYANAN), None)
        held = [str(before[service.slot])] if service and before.get(service.slot) is not None else []
        if wants_to_stop(r.text, found, held) or (r.said("batal_antrean") and not r.values):
            return {self.summary_slot: STOPPED}
        plain = not r.values and not r.buttons
        if asked == self.summary_slot and plain and says_yes(r.text):
            return {self.summary_slot: CONFIRMED}  # "muhun", "nggih", "iya atuh": yes in the citizen's words
        if asked == self.change_slot and plain and says_yes(r.text):
            return {self.summary_slot: None, self.change_slot: None}  # nothing named: the summary again
        about = self.about_the_prompt(f_asked, r) if f_asked and not r.values and not r.buttons else None
        if about:
            send(dispatcher, about)  # "bisa pakai nomor istri?": answered, the same question again
            return {asked: None}
        note = self.privacy_note()
        # at a personal detail, the question may name a document: "lho kok nama? kan udah ada di ktp"
        personal = f_asked is not None and f_asked.detail in PERSONAL_DETAILS and not r.changes and not r.buttons
        if (
            note
            and (not r.values or personal)
            and (
                asks_about_privacy(r.text)
                or (r.said("hapus_data") and is_question(r.text) and not wants_erasure(r.text))
            )
        ):
            send(dispatcher, note)  # "kenapa harus pakai nama? data saya aman?": explained, the form goes on
            return {asked: None}
        if f_asked and f_asked.detail is Detail.NAMA and not r.buttons:
            name = self.name_checked(r, tracker) or self.name_said(r, entities)  # "ya" to "apakah Hana … ?"
            if name:
                return {f_asked.slot: name}
            check = self.name_check(name_or_no(r.text)) if self.sure_yes_or_no(r) and not r.values else None
            if check:
                send(dispatcher, check)  # "hana pertiwi": a name or a no? asked, nothing stored, nothing stopped
                return {asked: None}
            if not r.values and someone_else(r.text):  # "buat ibu saya": ask that person's name, store nothing
                given = name_in_correction(r.text)  # "buat ibu saya, namanya Siti Rahmah"
                if given and not is_relative(given):
                    return {f_asked.slot: given}
                hint = self.hint(f_asked, r, tracker)
                if hint:
                    send(dispatcher, hint)
                return {asked: None}
        if f_asked and not r.values:
            value = self.declined(f_asked, r)
            if value is not None:
                return {f_asked.slot: value}
        topic = question_topic(r.text)
        at_summary = asked in (self.summary_slot, self.change_slot)
        asking = is_question(r.text) or not (at_summary and r.named)  # "lokasinya" at the summary names the MPP
        if topic and not r.changes and not r.buttons and asking and (is_question(r.text) or self.held(r, tracker)):
            # "biaya kk", "berkasnya apa", "jam buka mpp bekasi": a question about the service or MPP, then the
            # same step again. The rules answer it when the NLU saw the question; else the form does.
            if r.intent in ANSWERED_BY_RULES and r.confidence >= SURE:
                return None
            reply = await self.answer_question(topic, r, tracker)
            if reply is None:
                return None
            send(dispatcher, reply)
            return {asked: None}
        # "kalo di tangsel bisa?": a value other than the one held, asked for as a question, is a change
        proposal = proposes(r.text) and any(str(before.get(k)) != str(v) for k, v in r.values.items())
        if is_question(r.text) and not (r.changes or proposal):
            return None  # "biayanya brp?", "mpp nya buka hari sabtu gak?": the rules answer, the form asks again
        if r.values or r.buttons or (r.named and (r.changes or at_summary)):
            return self.repairs(r, asked)
        if r.intent in ANSWERED_BY_RULES and r.confidence >= SURE:
            return None
        return self.unanswered(r, f_asked, asked, dispatcher, tracker)

    def held(self, r: Reading, tracker: Tracker) -> bool:
        """Every value the message mentions is the one the form holds already ("biaya kk" while booking kk)."""
        fields = [f for f in self.fields if f.slot in r.values]
        return all(self.same(f, r.values[f.slot], tracker.get_slot(f.slot), tracker) for f in fields)

    def name_said(self, r: Reading, entities: list[dict[str, Any]]) -> str | None:
        """The answer to "atas nama siapa?" when the message is a name, else None.

        A yes or a no is not a name, nor a sentence; a value the NLU found by chance inside a name
        ("Indah" read as "pindah") does not stop it being one, a message made of values does. Nor does a
        no the NLU is sure of, when the message is written like a name ("Hana Pertiwi": "hana" is "no"
        in Acehnese).
        """
        if self.sure_yes_or_no(r) and not written_as_a_name(r.text):
            return None
        spans = [(int(e["start"]), int(e["end"])) for e in entities if "start" in e and "end" in e]
        if any(k != self._name_slot() for k in r.values) and mostly_values(r.text, spans):
            return None
        return name_answer(r.text)

    @staticmethod
    def sure_yes_or_no(r: Reading) -> bool:
        """The NLU is sure the message is a yes, a no or a stop (a name rarely reads so)."""
        return r.said("afirmasi", CERTAIN) or r.said("negasi", CERTAIN) or r.said("batal_antrean", CERTAIN)

    def name_checked(self, r: Reading, tracker: Tracker) -> str | None:
        """The name the form asked about in its last reply, when this message says yes to it."""
        if r.values or not (r.said("afirmasi") or says_yes(r.text)):
            return None
        earlier = message_before_reply(tracker, NAME_CHECK_LEAD)
        return name_or_no(earlier) if earlier is not None else None

    def name_check(self, name: str | None) -> Reply | str | None:
        """The question "is this the name, or a no?" for a name the NLU reads as a no (None: not asked)."""
        return None

    def _name_slot(self) -> str | None:
        return next((f.slot for f in self.fields if f.detail is Detail.NAMA), None)

    def repairs(self, r: Reading, asked: str | None) -> dict[str, Any]:
        """Values said and details to ask again; the summary is asked again after any of them."""
        out: dict[str, Any] = dict(r.values)
        for detail in [*r.buttons, *r.named]:
            f = next((f for f in self.fields if f.detail is detail), None)
            if f and f.slot not in out:
                out[f.slot] = None  # asked again: the form asks the first empty slot
        out.update(self.related(r, r.values))
        if asked in (self.summary_slot, self.change_slot) or set(out) - {asked}:
            out[self.summary_slot] = None
            out[self.change_slot] = None
        return out

    def unanswered(
        self,
        r: Reading,
        f_asked: Field | None,
        asked: str | None,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
    ) -> dict[str, Any]:
        """A message with no value for the form: a yes/no at the summary, "salah", a stop, else a hint."""
        if asked == self.summary_slot:
            if r.said("afirmasi"):
                return {self.summary_slot: CONFIRMED}
            if r.said("negasi") or says_wrong(r.text):
                return {self.summary_slot: REFUSED}
        if asked == self.change_slot and (r.said("afirmasi") or r.said("negasi", CERTAIN)):
            return {self.summary_slot: None, self.change_slot: None}  # nothing to change: the summary again
        if f_asked and (says_wrong(r.text) or r.said("koreksi")):
            wrong = previous_answer(tracker, [f.slot for f in self.fields])
            if wrong:
                return {wrong: None, self.summary_slot: None}  # "salah": the answer before is asked again
        if f_asked and r.said("negasi"):
            return {self.summary_slot: STOPPED}  # "tidak" to "which MPP?": the citizen does not go on
        if asked is None:
            return {}
        hint = self.hint(f_asked, r, tracker)
        if hint:
            send(dispatcher, hint)
        return {asked: None}

    # ---- checking values ---------------------------------------------------------------------
    async def check(
        self,
        said: dict[str, Any],
        before: dict[str, Any],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Validate what was said in the form's order; re-check kept values whose dependency changed."""
        result: dict[str, Any] = {}
        changed: set[str] = set()
        for f in self.fields:
            if f not in await self.fields_needed(tracker):
                continue  # not asked in this form now (a service booked elsewhere needs no date)
            unknown = any(tracker.get_slot(a) is None for a in f.after)
            if f.slot in said:
                value = said[f.slot]
            elif changed.intersection(f.after) and tracker.get_slot(f.slot) is not None and not unknown:
                value = tracker.get_slot(f.slot)  # kept, checked again against what changed
            else:
                continue
            out = {f.slot: None} if value is None else await self.validate_field(f, value, dispatcher, tracker, domain)
            tracker.slots.update(out)
            result.update(out)
            new = out.get(f.slot)
            if new != before.get(f.slot):
                changed.add(f.slot)
                if new is not None and f.slot != before.get(REQUESTED_SLOT) and before.get(f.slot) is not None:
                    ack = await self.acknowledge(f, new, tracker)
                    if ack:
                        send(dispatcher, ack)
        for slot, value in said.items():
            if slot in result or slot in {f.slot for f in self.fields}:
                continue
            method = getattr(self, f"validate_{slot}", None)
            out = await method(value, dispatcher, tracker, domain) if method and value is not None else {slot: value}
            tracker.slots.update(out)
            result.update(out)
        return result

    async def validate_field(
        self, f: Field, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        method = getattr(self, f"validate_{f.slot}", None)
        if method is None:
            return {f.slot: value}
        out = await method(value, dispatcher, tracker, domain)
        return dict(out) if isinstance(out, dict) else {f.slot: value}


def without_greeting(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The NLU's entities less the part of the day of an opening greeting ("pagi min, ... tgl 9": no 08.00).

    A time inside the greeting is dropped; a date span that starts in it ("malam, rabu tgl 2") keeps its date.
    """
    end = greeting_end(text)
    if not end:
        return entities
    kept = []
    for e in entities:
        start, stop = int(e.get("start", end)), int(e.get("end", end))
        if start >= end or e.get("entity") not in ("waktu", "tanggal"):
            kept.append(e)
        elif e.get("entity") == "tanggal" and stop > end and text[end:stop].strip():
            kept.append({**e, "start": end, "value": text[end:stop].strip()})
    return kept


def without_event_dates(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The NLU's entities less the dates and times of a document's expiry, a birth or a death.

    "sim a saya abis bulan ini, mau perpanjang": "bulan ini" is when the licence ends, not the visit.
    """
    return [
        e
        for e in entities
        if e.get("entity") not in ("tanggal", "waktu")
        or not date_of_event(text, int(e.get("start", 0)), int(e.get("end", 0)))
    ]


def _detail(entity: dict[str, Any]) -> bool:
    return str(entity.get("value")) in {d.value for d in Detail}
