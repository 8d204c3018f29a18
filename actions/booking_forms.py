"""Booking forms: validation of each slot, and the prompts that offer free days and times.

``SlotChoosing`` holds what both forms share (date and time against the live
availability), once; ``form_pesan_antrean`` adds service, MPP, name, NIK and phone.
Slots hold canonical values after validation: ISO date, HH:MM, service and MPP
codes, and tokens (never the digits) for NIK and phone.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any, Dict, List
from zoneinfo import ZoneInfo

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.runtime import (
    CatalogueSource,
    default_bookings,
    default_catalogue,
    personal_token,
    resolve_personal,
    send,
)
from mpp.booking.model import Refusal
from mpp.booking.nik import check_nik
from mpp.booking.replies import day_choices, refusal_reply, time_choices
from mpp.booking.service import BookingService
from mpp.catalogue.model import Catalogue
from mpp.privacy import TOKEN_PATTERN, normalize_phone
from mpp.queue.service import QueueService
from mpp.replies import Choice, Reply
from nlu.datetime_parser import parse

SKIP_WORDS = re.compile(r"^\s*(lewat(i)?|skip|tidak( ada)?|gak( ada)?|ga( ada)?|nggak( ada)?|ndak|-|no|tdk)\b", re.I)
NAME = re.compile(r"^[A-Za-zÀ-ÿ' .,-]{3,80}$")
BOOKABLE_POPULAR = ("ktp_el", "kk", "akta_kelahiran", "kia", "pindah", "sim", "pajak_kendaraan", "bpjs_kesehatan")


def _tz(catalogue: Catalogue, mpp_code: str | None) -> ZoneInfo:
    mpp = catalogue.mpp(mpp_code)
    return ZoneInfo(mpp.timezone if mpp else "Asia/Jakarta")


def resolve_days(text: str, now: datetime) -> list[date]:
    """Candidate days for what the user wrote: one day, or every day of a range ("minggu depan")."""
    value = text if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()) else parse(text, now)
    if not value or re.fullmatch(r"\d{2}:\d{2}(/\d{2}:\d{2})?|P.*", value):
        return []
    first, _, last = value.partition("/")
    start = date.fromisoformat(first[:10])
    end = date.fromisoformat(last[:10]) if last else start
    return [date.fromordinal(d) for d in range(start.toordinal(), end.toordinal() + 1)][:31]


def resolve_times(text: str, now: datetime) -> tuple[time, time] | None:
    """(from, to) for what the user wrote: an exact time gives from == to; 'pagi' gives a range."""
    value = text.strip() if re.fullmatch(r"\d{2}:\d{2}", text.strip()) else parse(text, now)
    if not value:
        return None
    parts = [p[-5:] for p in value.split("/")]
    if not all(re.fullmatch(r"\d{2}:\d{2}", p) for p in parts):
        return None
    times = [time.fromisoformat(p) for p in parts]
    return times[0], times[-1]


class IgnoreClearedSlots:
    """Form validation that skips slots an action cleared (set to None): the user said nothing."""

    async def validate(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        said = tracker.slots_to_validate
        tracker.slots_to_validate = lambda: {k: v for k, v in said().items() if v is not None}  # type: ignore[method-assign]
        return await super().validate(dispatcher, tracker, domain)  # type: ignore[misc]


class SlotChoosing:
    """Date and time validation against live availability, shared by the booking forms."""

    catalogue_source: CatalogueSource | None = None
    bookings: BookingService | None = None

    def _cat(self) -> Catalogue:
        return (self.catalogue_source or default_catalogue()).get()

    def _svc(self) -> BookingService:
        return self.bookings or default_bookings()

    def _queue(self) -> QueueService:
        from mpp.wiring import get_core

        return getattr(self, "queue_service", None) or get_core().queue

    def _now(self, catalogue: Catalogue, mpp_code: str | None) -> datetime:
        service = self._svc()
        return service.now().astimezone(_tz(catalogue, mpp_code))

    def validate_pesan_tanggal(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        cat = self._cat()
        service, mpp = tracker.get_slot("pesan_layanan"), tracker.get_slot("pesan_mpp")
        days = resolve_days(str(value or ""), self._now(cat, mpp))
        if not days:
            dispatcher.utter_message(
                text='Maaf, tanggalnya belum saya pahami. Contoh: "besok", "senin depan", "5 Desember".'
            )
            return {"pesan_tanggal": None}
        if not (cat.service(service) and cat.offering(mpp, service)):
            return {"pesan_tanggal": days[0].isoformat()}
        refusal: Refusal | None = None
        for day in days:
            refusal = self._svc().check_slot(mpp, service, day, None)
            if refusal is None:
                return {"pesan_tanggal": day.isoformat(), **self._recheck_time(tracker, dispatcher, cat, day)}
        assert refusal is not None
        send(dispatcher, refusal_reply(cat, refusal))
        return {"pesan_tanggal": None}  # a time already given is checked again with the next date

    def _recheck_time(
        self, tracker: Tracker, dispatcher: CollectingDispatcher, cat: Catalogue, day: date
    ) -> Dict[str, Any]:
        """A time given before the date ("jam 9") is checked once the date is known."""
        raw = tracker.get_slot("pesan_waktu")
        if not raw:
            return {}
        return self._choose_time(str(raw), day, tracker, dispatcher, cat)

    def validate_pesan_waktu(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        cat = self._cat()
        day_text = tracker.get_slot("pesan_tanggal")
        if not day_text or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(day_text)):
            # no valid date yet: keep what was said, it is checked when the date is known
            return {"pesan_waktu": value}
        return self._choose_time(str(value or ""), date.fromisoformat(day_text), tracker, dispatcher, cat)

    def _choose_time(
        self, text: str, day: date, tracker: Tracker, dispatcher: CollectingDispatcher, cat: Catalogue
    ) -> Dict[str, Any]:
        service, mpp = tracker.get_slot("pesan_layanan"), tracker.get_slot("pesan_mpp")
        wanted = resolve_times(text, self._now(cat, mpp))
        if wanted is None:
            dispatcher.utter_message(
                text='Maaf, jamnya belum saya pahami. Contoh: "jam 9", "14.30", atau pilih tombol.'
            )
            return {"pesan_waktu": None}
        free = self._svc().free_slots(mpp, service, day)
        low, high = wanted
        if low == high:
            chosen = next((o for o in free if o.slot.start <= low < o.slot.end), None)
        else:
            chosen = next((o for o in free if low <= o.slot.start < high), None)
        if chosen is not None:
            return {"pesan_waktu": chosen.slot.start.strftime("%H:%M")}
        refusal = self._svc().check_slot(mpp, service, day, low) or self._svc().full(
            mpp, service, day, low, datetime.combine(day, low)
        )
        send(dispatcher, refusal_reply(cat, refusal))
        return {"pesan_waktu": None}


class ValidateFormPesanAntrean(IgnoreClearedSlots, SlotChoosing, FormValidationAction):
    def __init__(self, catalogue: CatalogueSource | None = None, bookings: BookingService | None = None) -> None:
        self.catalogue_source, self.bookings = catalogue, bookings

    def name(self) -> str:
        return "validate_form_pesan_antrean"

    async def required_slots(
        self, domain_slots: List[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[str]:
        cat = self._cat()
        service = cat.service(tracker.get_slot("pesan_layanan"))
        mpp = tracker.get_slot("pesan_mpp")
        if service and cat.booking_mode(mpp if cat.offering(mpp, service.code) else None, service.code) != "mpp_slot":
            return ["pesan_layanan"]  # booked elsewhere: action_ringkas_pesan explains how
        return domain_slots

    def validate_pesan_layanan(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if self._cat().service(value) is None:
            dispatcher.utter_message(text="Maaf, layanannya belum saya kenali. Pilih dari tombol atau ketik namanya.")
            return {"pesan_layanan": None}
        return {"pesan_layanan": value}

    def validate_pesan_mpp(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        cat = self._cat()
        service = tracker.get_slot("pesan_layanan")
        if cat.mpp(value) is None:
            dispatcher.utter_message(text="Maaf, MPP itu tidak ada di sistem kami. Pilih salah satu MPP di tombol.")
            return {"pesan_mpp": None}
        if service and cat.offering(value, service) is None:
            others = cat.mpps_offering(service)
            choices = tuple(Choice(m.name, "informasi", {"mpp": m.code}) for m in others)
            text = f"{cat.services[service].name} tidak tersedia di {cat.mpps[value].name}."
            send(dispatcher, Reply(text + (" Pilih MPP lain:" if others else ""), choices))
            return {"pesan_mpp": None}
        return {"pesan_mpp": value}

    def validate_pesan_nama(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        name = " ".join(str(value or "").split())
        if TOKEN_PATTERN.search(name) or not NAME.match(name):
            dispatcher.utter_message(text="Mohon tulis nama lengkap dengan huruf saja (3–80 karakter), sesuai KTP/KK.")
            return {"pesan_nama": None}
        return {"pesan_nama": name.title()}

    def validate_pesan_nik(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(value or "")
        raw = resolve_personal(tracker.sender_id, text)
        cat = self._cat()
        result = check_nik(raw or text, self._now(cat, tracker.get_slot("pesan_mpp")).date())
        if result.problem:
            dispatcher.utter_message(text=result.problem)
            return {"pesan_nik": None}
        match = TOKEN_PATTERN.search(text)
        return {"pesan_nik": match.group(0) if match else personal_token(tracker.sender_id, "nik", result.nik or "")}

    def validate_pesan_telepon(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        text = str(value or "")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "negasi" or SKIP_WORDS.match(text) or text.strip() == "/negasi":
            return {"pesan_telepon": "-"}
        raw = resolve_personal(tracker.sender_id, text)
        phone = normalize_phone(raw or "")
        if not re.fullmatch(r"08\d{8,11}", phone):
            dispatcher.utter_message(
                text='Nomor HP sepertinya kurang tepat (contoh: 0812xxxxxxxx). Ketik ulang, atau "lewati".'
            )
            return {"pesan_telepon": None}
        match = TOKEN_PATTERN.search(text)
        return {"pesan_telepon": match.group(0) if match else personal_token(tracker.sender_id, "telepon", phone)}


class ValidateFormUbahJadwal(IgnoreClearedSlots, SlotChoosing, FormValidationAction):
    def __init__(self, catalogue: CatalogueSource | None = None, bookings: BookingService | None = None) -> None:
        self.catalogue_source, self.bookings = catalogue, bookings

    def name(self) -> str:
        return "validate_form_ubah_jadwal"


class _AskBase(SlotChoosing):
    """A mixin (not an Action itself: rasa_sdk registers every Action subclass)."""

    def __init__(self, catalogue: CatalogueSource | None = None, bookings: BookingService | None = None) -> None:
        self.catalogue_source, self.bookings = catalogue, bookings


class ActionAskPesanLayanan(_AskBase, Action):
    def name(self) -> str:
        return "action_ask_pesan_layanan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        cat = self._cat()
        choices = tuple(
            Choice(cat.services[c].name, "informasi", {"layanan": c}) for c in BOOKABLE_POPULAR if c in cat.services
        )
        send(
            dispatcher,
            Reply("Antrean untuk layanan apa? Pilih atau ketik namanya (misalnya: KK, akta kelahiran, SIM).", choices),
        )
        return []


class ActionAskPesanMpp(_AskBase, Action):
    def name(self) -> str:
        return "action_ask_pesan_mpp"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        cat = self._cat()
        service = tracker.get_slot("pesan_layanan")
        mpps = cat.mpps_offering(service) if service else list(cat.mpps.values())
        choices = tuple(Choice(m.name, "informasi", {"mpp": m.code}) for m in mpps)
        send(dispatcher, Reply("Di MPP mana Anda ingin datang?", choices))
        return []


class ActionAskPesanTanggal(_AskBase, Action):
    def name(self) -> str:
        return "action_ask_pesan_tanggal"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        cat = self._cat()
        service, mpp = tracker.get_slot("pesan_layanan"), tracker.get_slot("pesan_mpp")
        days = self._svc().free_days(mpp, service)
        text = "Mau datang tanggal berapa? Pilih hari yang masih ada slot, atau ketik (misalnya: besok, senin depan, 5 Desember)."
        if not days:
            text = "Maaf, semua slot dalam 14 hari ke depan sudah penuh atau tutup. Coba MPP lain atau cek lagi besok."
        send(dispatcher, Reply(text, day_choices(cat, days)))
        return []


class ActionAskPesanWaktu(_AskBase, Action):
    def name(self) -> str:
        return "action_ask_pesan_waktu"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[str, Any]]:
        service, mpp, day = (tracker.get_slot(s) for s in ("pesan_layanan", "pesan_mpp", "pesan_tanggal"))
        free = self._svc().free_slots(mpp, service, date.fromisoformat(day)) if day else []
        choices = time_choices(_spread(free, 10))
        send(dispatcher, Reply("Pilih jam kedatangan (sisa tempat dalam kurung), atau ketik jamnya:", choices))
        return []


def _spread(options: list, limit: int) -> list:
    """At most ``limit`` options spread over the day, so that afternoon slots show too."""
    if len(options) <= limit:
        return options
    step = len(options) / limit
    return [options[int(i * step)] for i in range(limit)]


def optional(value: str | None) -> str | None:
    return None if value in (None, "-") else value
