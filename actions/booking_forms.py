"""Booking forms: one ``validate_<slot>`` per slot, and the prompts that offer free days and times.

Each validation reads what was said (as a typed date or time from ``nlu.datetime_parser``),
asks the core, and renders the core's answer; the rules (availability, NIK structure,
what a name is) are the core's, the words are ``mpp.booking.replies``'. Slots hold
canonical values after validation: ISO date, HH:MM, service and MPP codes, and tokens
(never the digits) for NIK and phone. A new repair step ("ganti jamnya jam 10") is one
more method here and a rule, not a new state machine.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any, Dict, List
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.form_repair import CONFIRMED, Field, Reading, RepairingForm
from actions.runtime import UsesCore, blocking, send
from mpp import clarify
from mpp.booking import replies
from mpp.booking.availability import MPP_SLOT
from mpp.booking.contact import NO_PHONE, clean_name, clean_phone, declines_phone
from mpp.booking.model import Refusal, SlotOption
from mpp.booking.nik import check_nik
from mpp.booking.repair import Detail, Mention, asks_if_required, says_wrong, someone_else, whose_asked
from mpp.catalogue.model import Catalogue
from mpp.faq import Question, answer
from mpp.privacy import TOKEN_PATTERN
from mpp.replies import Reply
from mpp.text import clock, tanggal
from nlu.datetime_parser import Dates, DateTimes, Times, parse
from nlu.datetime_words import DATE_MARKERS, HALF_WORDS, HOUR_MARKERS, MONTHS_FULL, POD_WORDS, WEEKDAYS

MAX_DAYS = 31  # a range ("bulan depan") is searched this far for an open day
MAX_TIME_BUTTONS = 10  # a WhatsApp list holds ten rows
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
HH_MM = re.compile(r"\d{2}:\d{2}")
WEEKDAY_NYA = re.compile(r"\b([a-z']+?)\s?nya\b", re.I)  # "kamisnya aja", "jumat nya deh"


def candidate_days(text: str, now: datetime) -> list[date]:
    """Days for what the user wrote: one day, or every day of a range ("minggu depan")."""
    if ISO_DAY.fullmatch(text.strip()):  # a button, or the slot already validated
        return [date.fromisoformat(text.strip())]
    value = parse(text, now)
    if isinstance(value, (Dates, DateTimes)):
        return value.days()[:MAX_DAYS]
    return []


def wanted_times(text: str, now: datetime) -> tuple[time, time] | None:
    """(from, to) for what the user wrote: an exact time gives from == to; "pagi" gives a range."""
    if HH_MM.fullmatch(text.strip()):
        exact = time.fromisoformat(text.strip())
        return exact, exact
    value = parse(text, now)
    return value.span() if isinstance(value, (Times, DateTimes)) else None


# What dates and times are written with, for reading a typo ("jm stngah 10", "kmis") when the NLU found nothing.
DATE_TIME_WORDS = sorted(
    {*WEEKDAYS, *MONTHS_FULL, *HALF_WORDS, *HOUR_MARKERS, *POD_WORDS, *DATE_MARKERS, "depan", "besok", "lusa"}
)
MPP_NAME_NOISE = {"mpp", "mal", "pelayanan", "publik", "kota", "kabupaten", "kab"}
TYPO_CUTOFF = 80.0  # rapidfuzz ratio: "stngah" ~ "stengah" 92, "kmis" ~ "kamis" 89
MPP_TYPO_CUTOFF = 75.0  # "bgor" ~ "bogor" 89


def typo_fixed(text: str) -> str:
    """The words of a date or time with typos set right against the parser's vocabulary."""
    words = []
    for word in text.split():
        low = word.lower()
        if len(low) >= 4 and low.isalpha() and low not in DATE_TIME_WORDS:
            best = process.extractOne(low, DATE_TIME_WORDS, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
            word = best[0] if best else word
        words.append(word)
    return " ".join(words)


def closest_mpp(catalogue: Catalogue, text: str) -> str | None:
    """The MPP whose distinctive name word is closest to a word typed ("bgor" -> kota_bogor), if close enough."""
    owners: dict[str, set[str]] = {}
    for mpp in catalogue.mpps.values():
        for word in re.findall(r"\w+", mpp.name.lower()):
            if word not in MPP_NAME_NOISE and len(word) >= 4:
                owners.setdefault(word, set()).add(mpp.code)
    names = {word: codes.pop() for word, codes in owners.items() if len(codes) == 1}
    for word in re.findall(r"\w+", text.lower()):
        if len(word) >= 4 and names:
            best = process.extractOne(word, list(names), scorer=fuzz.ratio, score_cutoff=MPP_TYPO_CUTOFF)
            if best:
                return names[best[0]]
    return None


SERVICE_TYPO_CUTOFF = 85.0  # "ktpp" ~ "ktp" 86, "paspr" ~ "paspor" 91, "aktaa kelahiran" ~ "akta kelahiran" 97
MAX_SERVICE_WORDS = 3


def closest_service(catalogue: Catalogue, text: str) -> str | None:
    """The service whose name or alias is closest to words mistyped ("ktpp", "kartu kluarga"), if close enough.

    Longer phrases are tried first, so "akta kematian" is not read as "akta" of another service.
    """
    names: dict[str, str] = {}
    for service in catalogue.services.values():
        for alias in (service.code.replace("_", " "), *service.aliases):
            names.setdefault(alias.lower(), service.code)
    words = re.findall(r"[\w-]+", text.lower())
    for n in range(MAX_SERVICE_WORDS, 0, -1):
        for i in range(len(words) - n + 1):
            gram = " ".join(words[i : i + n])
            if len(gram) < 3 or gram.isdigit() or gram in names:
                continue  # a name written right is the NLU's to find (or not: "pindah jadwal" is no SKPWNI)
            best = process.extractOne(gram, list(names), scorer=fuzz.ratio, score_cutoff=SERVICE_TYPO_CUTOFF)
            if best:
                return names[best[0]]
    return None


FULLER_CUTOFF = 80.0  # "ketenaga kerja" ~ "ketenagakerjaan" 90; "ketenagaan" ~ 80


def fuller_service(catalogue: Catalogue, text: str, start: int, end: int) -> str | None:
    """The service whose full name the words after a shared word spell best, when the NLU matched only
    that word ("bpjs" of "bpjs ketenaga kerja" read as BPJS Kesehatan); None when that is not so.
    """
    surface = text[start:end].lower().strip()
    shared = clarify.services_sharing(catalogue, surface)
    if len(shared) < 2:
        return None
    after = re.findall(r"[\w-]+", text[end:].lower())[:3]
    tails = {" ".join(after[:n]) for n in range(1, len(after) + 1)} | {"".join(after[:n]) for n in (2, 3)}
    best: tuple[float, str] | None = None
    for code in shared:
        service = catalogue.services[code]
        for name in {service.name.lower(), clarify.short_name(service.name).lower(), *service.aliases}:
            if not name.startswith(surface + " "):
                continue
            rest = name[len(surface) + 1 :]
            for tail in tails - {""}:
                score = 100.0 if tail == rest else (fuzz.ratio(tail, rest) if len(rest) >= 5 else 0.0)
                if score >= FULLER_CUTOFF and (best is None or score > best[0]):
                    best = (score, code)
    return best[1] if best else None


def spread(options: list[SlotOption], limit: int) -> list[SlotOption]:
    """At most ``limit`` options spread over the day, so that afternoon slots show too."""
    if len(options) <= limit:
        return options
    step = len(options) / limit
    return [options[int(i * step)] for i in range(limit)]


def optional(value: str | None) -> str | None:
    return None if value in (None, NO_PHONE) else value


class IgnoreClearedSlots:
    """Form validation that skips slots an action cleared (set to None): the user said nothing."""

    async def validate(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        said = tracker.slots_to_validate
        tracker.slots_to_validate = lambda: {k: v for k, v in said().items() if v is not None}  # type: ignore[method-assign]
        return await super().validate(dispatcher, tracker, domain)  # type: ignore[misc]


class SlotChoosing(UsesCore):
    """Date and time against live availability, shared by the booking and the move forms."""

    def local_now(self, catalogue: Catalogue, mpp_code: str | None) -> datetime:
        mpp = catalogue.mpp(mpp_code)
        return self.now().astimezone(ZoneInfo(mpp.timezone if mpp else "Asia/Jakarta"))

    async def validate_pesan_tanggal(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        cat = await self.catalogue()
        service, mpp = tracker.get_slot("pesan_layanan"), tracker.get_slot("pesan_mpp")
        days = candidate_days(str(value or ""), self.local_now(cat, mpp))
        if not days:
            send(dispatcher, replies.day_not_understood())
            return {"pesan_tanggal": None}
        if not (cat.service(service) and cat.offering(mpp, service)):
            return {"pesan_tanggal": days[0].isoformat()}  # checked once service and MPP are known
        chosen = await blocking(self.core.bookings.availability.first_open_day, mpp, service, days)
        if isinstance(chosen, Refusal):
            send(dispatcher, replies.refusal_reply(cat, chosen))
            return {"pesan_tanggal": None}  # a time already given is checked again with the next date
        return {"pesan_tanggal": chosen.isoformat()}  # a time said before is checked again (Field.after)

    async def validate_pesan_waktu(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        day = tracker.get_slot("pesan_tanggal")
        cat = await self.catalogue()
        service, mpp = tracker.get_slot("pesan_layanan"), tracker.get_slot("pesan_mpp")
        if not day or not ISO_DAY.fullmatch(str(day)) or not (cat.service(service) and cat.offering(mpp, service)):
            return {"pesan_waktu": value}  # no valid date, service or MPP yet: checked when they are known
        if HH_MM.fullmatch(str(value)) and value == tracker.get_slot("pesan_waktu"):
            # the time held, checked again after the service, MPP or day changed: that time or say why not
            start = time.fromisoformat(str(value))
            kept = await blocking(
                self.core.bookings.availability.exact_time, mpp, service, date.fromisoformat(day), start
            )
            if isinstance(kept, Refusal):
                send(dispatcher, replies.refusal_reply(cat, kept))
                return {"pesan_waktu": None}
            return {"pesan_waktu": value}
        return await self._choose_time(str(value or ""), date.fromisoformat(day), tracker, dispatcher, cat)

    async def _choose_time(
        self, text: str, day: date, tracker: Tracker, dispatcher: CollectingDispatcher, cat: Catalogue
    ) -> Dict[str, Any]:
        service, mpp = tracker.get_slot("pesan_layanan"), tracker.get_slot("pesan_mpp")
        wanted = wanted_times(text, self.local_now(cat, mpp))
        if wanted is None:
            send(dispatcher, replies.time_not_understood())
            return {"pesan_waktu": None}
        chosen = await blocking(self.core.bookings.availability.choose_time, mpp, service, day, *wanted)
        if isinstance(chosen, Refusal):
            send(dispatcher, replies.refusal_reply(cat, chosen))
            return {"pesan_waktu": None}
        return {"pesan_waktu": chosen.slot.start.strftime("%H:%M")}


DETAIL_SLOTS = frozenset("pesan_layanan pesan_mpp pesan_tanggal pesan_waktu pesan_nama pesan_nik pesan_telepon".split())
MISSED = (replies.summary_hint(), replies.SUMMARY_STUCK)


def summary_misses(tracker: Tracker) -> int:
    """How often the answer to the summary was not understood since a detail last changed (this turn's included)."""
    misses = 0
    for event in reversed(tracker.events):
        if event.get("event") == "slot" and event.get("name") in DETAIL_SLOTS:
            break
        if event.get("event") == "bot" and str(event.get("text") or "").startswith(MISSED):
            misses += 1
    return misses


def stuck_this_turn(tracker: Tracker) -> bool:
    """The form said, after the latest message, that the summary's answer was missed again."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot" and str(event.get("text") or "").startswith(replies.SUMMARY_STUCK):
            return True
    return False


class BookingForm(SlotChoosing, RepairingForm):
    """What the booking and the move forms share: reading dates, times and MPPs, and the words around them."""

    summary_slot = "pesan_konfirmasi"
    change_slot = "pesan_ubah"

    def loose_mentions(self, f: Field, text: str) -> list[Mention]:
        if f.detail is not Detail.TANGGAL:
            return []
        found = ((m, m.group(1).lower()) for m in WEEKDAY_NYA.finditer(text))
        return [Mention(day, m.start(), m.end()) for m, day in found if day in WEEKDAYS]

    def same(self, f: Field, value: str, current: Any, tracker: Tracker) -> bool:
        if current is None:
            return False
        now = self.now()
        if f.detail is Detail.TANGGAL:
            days = candidate_days(value, now)
            return bool(days) and days[0].isoformat() == current
        if f.detail is Detail.WAKTU:
            wanted = wanted_times(value, now)
            return wanted is not None and wanted[0] == wanted[1] and wanted[0].strftime("%H:%M") == current
        return str(value) == str(current)

    async def guess(self, f: Field, text: str, tracker: Tracker) -> Any:
        now = self.now()
        if f.detail is Detail.TANGGAL:
            fixed = typo_fixed(text)
            return fixed if candidate_days(fixed, now) else None
        if f.detail is Detail.WAKTU:
            fixed = typo_fixed(text)
            return fixed if wanted_times(fixed, now) else None
        if f.detail is Detail.MPP:
            return closest_mpp(await self.catalogue(), text)
        if f.detail is Detail.LAYANAN:
            return closest_service(await self.catalogue(), text)
        return None

    async def refine(self, reading: Reading) -> None:
        self.refine_day(reading)
        value = reading.values.get("pesan_layanan")
        span = next(
            (e for e in reading.entities if e.get("entity") == "layanan" and e.get("value") == value and "end" in e),
            None,
        )
        if value is None or span is None:
            return
        better = fuller_service(await self.catalogue(), reading.text, int(span["start"]), int(span["end"]))
        if better is not None and better != value:
            reading.values["pesan_layanan"] = better
            reading.refined.add("pesan_layanan")  # the opening's service, carried over as read: set right

    def refine_day(self, reading: Reading) -> None:
        """ "kamis aja mas tgl 10": a weekday and the day of the month said apart are one date (Thursday the 10th)."""
        value = reading.values.get("pesan_tanggal")
        days = [e for e in reading.entities if e.get("entity") == "tanggal" and "start" in e and "end" in e]
        first = next((e for e in days if e.get("value") == value), None)
        if value is None or first is None:
            return
        now = self.now()
        alone = candidate_days(str(value), now)
        for other in days:
            gap = int(other["start"]) - int(first["end"])
            if other is first or not 0 <= gap <= 12:
                continue
            both = candidate_days(reading.text[int(first["start"]) : int(other["end"])], now)
            if len(both) == 1 and alone and both[0].weekday() == alone[0].weekday() and both[0] != alone[0]:
                reading.values["pesan_tanggal"] = both[0].isoformat()
                return

    def about_the_prompt(self, f: Field, reading: Reading) -> Reply | str | None:
        if f.detail is Detail.TELEPON:
            relation = whose_asked(reading.text)
            if relation:
                return replies.phone_of_other(relation)
            if asks_if_required(reading.text):
                return replies.phone_optional()
        if f.detail is Detail.NIK and whose_asked(reading.text):
            return replies.nik_of_applicant()
        return None

    def privacy_note(self) -> Reply | str | None:
        return replies.why_personal_data()

    async def answer_question(self, topic: str, reading: Reading, tracker: Tracker) -> Reply | str | None:
        cat = await self.catalogue()
        service = reading.values.get("pesan_layanan") or tracker.get_slot("pesan_layanan")
        mpp = reading.values.get("pesan_mpp") or tracker.get_slot("pesan_mpp") or tracker.get_slot("mpp")
        today = self.local_now(cat, mpp).date()
        notices = await blocking(self.core.announcements.active, today)
        question = Question(topic=topic, service=service, jenis=tracker.get_slot("jenis"), mpp=mpp)
        return await blocking(answer, cat, question, today, notices)

    def hint(self, f: Field | None, reading: Reading, tracker: Tracker) -> Reply | str | None:
        if f is None:  # never the same summary again without saying what it needs; twice: the buttons, a person
            return replies.summary_stuck() if summary_misses(tracker) else replies.summary_hint()
        relative = someone_else(reading.text) if f.detail is Detail.NAMA else None
        if relative:
            return replies.name_of_other(relative)  # "buat ibu saya": the name asked is that person's
        if reading.said("afirmasi"):
            return replies.answer_first()
        return HINTS[f.detail]()

    def name_check(self, name: str | None) -> Reply | None:
        return replies.name_or_no_check(name) if name else None

    async def acknowledge(self, f: Field, value: Any, tracker: Tracker) -> Reply | str | None:
        label = replies.DETAIL_LABELS[f.detail.value]
        if f.detail is Detail.TANGGAL and ISO_DAY.fullmatch(str(value)):
            return replies.changed(label, tanggal(date.fromisoformat(value)))
        if f.detail is Detail.WAKTU and HH_MM.fullmatch(str(value)):
            return replies.changed(label, clock(time.fromisoformat(value)))
        if f.detail is Detail.LAYANAN:
            service = (await self.catalogue()).service(value)
            return replies.changed(label, service.name) if service else None
        if f.detail is Detail.MPP:
            mpp = (await self.catalogue()).mpp(value)
            return replies.changed(label, mpp.name) if mpp else None
        if f.detail is Detail.NAMA:
            return replies.changed(label, str(value))
        return None


HINTS = {
    Detail.LAYANAN: replies.unknown_service,
    Detail.MPP: replies.unknown_mpp,
    Detail.TANGGAL: replies.day_not_understood,
    Detail.WAKTU: replies.time_not_understood,
    Detail.NAMA: replies.why_name,
    Detail.NIK: replies.nik_missing,
    Detail.TELEPON: replies.phone_invalid,
}


def bookable_at(cat: Any, mpp: str, service: str) -> bool:
    return cat.offering(mpp, service) is not None and cat.booking_mode(mpp, service) == MPP_SLOT


def bookable_mpps(cat: Any, service: str) -> list[str]:
    """The MPPs where the form can book this service (offered, presence verified, by MPP slot)."""
    return [m.code for m in cat.mpps_offering(service) if bookable_at(cat, m.code, service)]


class ValidateFormPesanAntrean(BookingForm):
    fields = (
        Field("pesan_layanan", Detail.LAYANAN, "layanan"),
        Field("pesan_mpp", Detail.MPP, "mpp", after=("pesan_layanan",)),
        Field("pesan_tanggal", Detail.TANGGAL, "tanggal", after=("pesan_layanan", "pesan_mpp")),
        Field("pesan_waktu", Detail.WAKTU, "waktu", after=("pesan_layanan", "pesan_mpp", "pesan_tanggal")),
        Field("pesan_nama", Detail.NAMA),
        Field("pesan_nik", Detail.NIK, "nik"),
        Field("pesan_telepon", Detail.TELEPON, "telepon"),
    )
    # also the fallback when it reads an unsure message as a visit (mpp.clarify.visit_meant)
    starters = ("action_mulai_pesan", "action_ubah_jadwal", "action_fallback_layanan")

    def name(self) -> str:
        return "validate_form_pesan_antrean"

    async def required_slots(
        self, domain_slots: List[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[str]:
        if await self.booked_elsewhere(tracker):
            return ["pesan_layanan"]  # action_selesai_pesan explains how, nothing is asked or summarised
        return await super().required_slots(domain_slots, dispatcher, tracker, domain)

    async def fields_needed(self, tracker: Tracker) -> list[Field]:
        return list(self.fields[:1] if await self.booked_elsewhere(tracker) else self.fields)

    async def booked_elsewhere(self, tracker: Tracker) -> bool:
        cat = await self.catalogue()
        service = cat.service(tracker.get_slot("pesan_layanan"))
        if service is None:
            return False
        mpp = tracker.get_slot("pesan_mpp")
        return cat.booking_mode(mpp if cat.offering(mpp, service.code) else None, service.code) != MPP_SLOT

    @staticmethod
    def changing(tracker: Tracker) -> bool:
        """The form holds details beyond the service and MPP: a new MPP is a change, not the first choice."""
        return any(tracker.get_slot(s) is not None for s in ("pesan_tanggal", "pesan_waktu", "pesan_nama"))

    def declined(self, f: Field, reading: Reading) -> Any:
        if f.detail is Detail.TELEPON and (
            declines_phone(reading.text) or (reading.said("negasi") and not says_wrong(reading.text))
        ):
            return NO_PHONE
        return None

    def related(self, reading: Reading, values: dict[str, Any]) -> dict[str, Any]:
        if "pesan_layanan" not in values:
            return {}
        jenis = next((e.get("value") for e in reading.entities if e.get("entity") == "jenis"), None)
        return {"jenis": jenis}

    async def validate_pesan_layanan(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if (await self.catalogue()).service(value) is None:
            send(dispatcher, replies.unknown_service())
            return {"pesan_layanan": None}
        return {"pesan_layanan": value}

    async def validate_pesan_mpp(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        cat = await self.catalogue()
        service = tracker.get_slot("pesan_layanan")
        if cat.mpp(value) is None:
            send(dispatcher, replies.unknown_mpp())
            return {"pesan_mpp": None}
        if service and cat.offering(value, service) is None:
            send(dispatcher, replies.not_offered_at(cat, service, value))
            return {"pesan_mpp": None}
        bookable = bookable_mpps(cat, service) if service else []
        if service and self.changing(tracker) and not bookable_at(cat, value, service) and bookable:
            # a change to where it cannot be booked: the form stays and asks for an MPP that takes bookings
            # (a first choice there ends the form with the agency's own channel: action_selesai_pesan)
            unverified = not cat.present(value, service)
            send(
                dispatcher,
                replies.unverified_at(cat, service, value, bookable)
                if unverified
                else replies.not_offered_at(cat, service, value),
            )
            return {"pesan_mpp": None}
        return {"pesan_mpp": value}

    async def validate_pesan_nama(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        name = clean_name(str(value or ""))
        if name is None:
            send(dispatcher, replies.name_invalid())
        return {"pesan_nama": name}

    async def validate_pesan_nik(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(value or "")
        raw = await blocking(self.core.bookings.resolve_personal, tracker.sender_id, text)
        cat = await self.catalogue()
        result = check_nik(raw or text, self.local_now(cat, tracker.get_slot("pesan_mpp")).date())
        if result.problem:
            send(dispatcher, result.problem)
            return {"pesan_nik": None}
        token = TOKEN_PATTERN.search(text)
        if token:
            return {"pesan_nik": token.group(0)}
        return {
            "pesan_nik": await blocking(self.core.bookings.personal_token, tracker.sender_id, "nik", result.nik or "")
        }

    async def validate_pesan_telepon(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(value or "")
        if text == NO_PHONE or declines_phone(text):
            return {"pesan_telepon": NO_PHONE}
        raw = await blocking(self.core.bookings.resolve_personal, tracker.sender_id, text)
        phone = clean_phone(raw or "")
        if phone is None:
            send(dispatcher, replies.phone_invalid())
            return {"pesan_telepon": None}
        token = TOKEN_PATTERN.search(text)
        if token:
            return {"pesan_telepon": token.group(0)}
        return {"pesan_telepon": await blocking(self.core.bookings.personal_token, tracker.sender_id, "telepon", phone)}

    async def validate_pesan_konfirmasi(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return confirmed_in_time(self, value, dispatcher, tracker)


class ValidateFormUbahJadwal(BookingForm):
    fields = (
        Field("pesan_tanggal", Detail.TANGGAL, "tanggal"),
        Field("pesan_waktu", Detail.WAKTU, "waktu", after=("pesan_tanggal",)),
    )
    # also the actions that hand a move read as another intent over to this form (actions.booking_manage.move_instead)
    starters = ("action_ubah_jadwal", "action_mulai_pesan", "action_fallback_layanan", "action_jawab_pertanyaan")

    def name(self) -> str:
        return "validate_form_ubah_jadwal"

    async def validate_pesan_konfirmasi(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return confirmed_in_time(self, value, dispatcher, tracker)


def confirmed_in_time(
    action: UsesCore, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
) -> Dict[str, Any]:
    """A "ya" counts while the summary it answers is fresh; after that the summary is checked and shown again."""
    if value == CONFIRMED and action.core.bookings.pending(tracker.get_slot("konfirmasi")) is None:
        send(dispatcher, replies.summary_expired())
        return {"pesan_konfirmasi": None}
    return {"pesan_konfirmasi": value}


class ActionAskPesanLayanan(UsesCore, Action):
    def name(self) -> str:
        return "action_ask_pesan_layanan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        send(dispatcher, replies.ask_service(await self.catalogue()))
        return []


class ActionAskPesanMpp(UsesCore, Action):
    def name(self) -> str:
        return "action_ask_pesan_mpp"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        cat, service = await self.catalogue(), tracker.get_slot("pesan_layanan")
        send(dispatcher, replies.ask_mpp(cat, service, bookable_mpps(cat, service) if cat.service(service) else None))
        return []


class ActionAskPesanTanggal(UsesCore, Action):
    def name(self) -> str:
        return "action_ask_pesan_tanggal"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        service, mpp = tracker.get_slot("pesan_layanan"), tracker.get_slot("pesan_mpp")
        bookings = self.core.bookings
        send(dispatcher, replies.ask_day(await blocking(bookings.free_days, mpp, service), bookings.policy))
        return []


class ActionAskPesanWaktu(UsesCore, Action):
    def name(self) -> str:
        return "action_ask_pesan_waktu"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        service, mpp, day = (tracker.get_slot(s) for s in ("pesan_layanan", "pesan_mpp", "pesan_tanggal"))
        free = await blocking(self.core.bookings.free_slots, mpp, service, date.fromisoformat(day)) if day else []
        send(dispatcher, replies.ask_time(spread(free, MAX_TIME_BUTTONS)))
        return []
