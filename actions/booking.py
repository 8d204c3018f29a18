"""Booking flows around the forms: start, summary, yes/no, leave; check, cancel, move; erase data.

A pending yes/no question lives in the ``konfirmasi`` slot as JSON (what "ya"
would do, and when it was asked); ``action_jawab_konfirmasi`` carries it out once.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from datetime import date, time, timedelta
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.booking_forms import IgnoreClearedSlots, SlotChoosing, optional
from actions.runtime import latest_entity, resolve_personal, send
from mpp.booking import model as m
from mpp.booking.model import Booking, BookingRequest, Refusal
from mpp.booking.replies import booked_reply, booking_line, qr_png_base64, refusal_reply, summary
from mpp.catalogue.model import Catalogue
from mpp.faq import booking_elsewhere
from mpp.queue.service import Ticket
from mpp.replies import Choice, Reply
from mpp.text import clock, tanggal

FORM_SLOTS = ("pesan_layanan", "pesan_mpp", "pesan_tanggal", "pesan_waktu", "pesan_nama", "pesan_nik", "pesan_telepon")
PENDING_MINUTES = 15  # a "ya" later than this no longer confirms the old question
DB_TROUBLE = (
    "Maaf, sistem antrean sedang gangguan sebentar, jadi permintaan Anda belum tersimpan. "
    'Silakan ketik "ya" lagi dalam satu-dua menit.'
)
logger = logging.getLogger(__name__)


def reset_form() -> List[EventType]:
    return [SlotSet(s, None) for s in (*FORM_SLOTS, "ubah_booking", "konfirmasi", "requested_slot")]


def _ask(op: Dict[str, Any], now_iso: str) -> SlotSet:
    return SlotSet("konfirmasi", json.dumps({**op, "asked": now_iso}))


def _yes_no(yes: str = "Ya", no: str = "Tidak") -> tuple[Choice, ...]:
    return (Choice(yes, "afirmasi"), Choice(no, "negasi"))


class _BookingAction(SlotChoosing):
    """A mixin (not an Action itself: rasa_sdk registers every Action subclass)."""

    def __init__(self, catalogue=None, bookings=None, queue=None) -> None:  # type: ignore[no-untyped-def]
        self.catalogue_source, self.bookings, self.queue_service = catalogue, bookings, queue


class ActionMulaiPesan(_BookingAction, Action):
    """Starts the booking form fresh, carrying over the service and MPP being discussed."""

    def name(self) -> str:
        return "action_mulai_pesan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        events = reset_form()
        service = latest_entity(tracker, "layanan") or tracker.get_slot("layanan")
        mpp = latest_entity(tracker, "mpp") or tracker.get_slot("mpp")
        cat = self._cat()
        if len(cat.mpps) == 1:
            mpp = next(iter(cat.mpps))
        events += [SlotSet("pesan_layanan", service), SlotSet("pesan_mpp", mpp if cat.mpp(mpp) else None)]
        return events


class ActionRingkasPesan(_BookingAction, Action):
    """After the form: explain when the service is booked elsewhere, else summarise and ask to confirm."""

    def name(self) -> str:
        return "action_ringkas_pesan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        cat = self._cat()
        code, mpp = tracker.get_slot("pesan_layanan"), tracker.get_slot("pesan_mpp")
        service = cat.service(code)
        if service is None:
            return reset_form()
        where = mpp if cat.offering(mpp, code) else None
        if cat.booking_mode(where, code) != "mpp_slot":
            send(dispatcher, booking_elsewhere(cat, where, code))
            return reset_form()
        nik = resolve_personal(tracker.sender_id, tracker.get_slot("pesan_nik")) or ""
        phone = optional(tracker.get_slot("pesan_telepon"))
        phone_raw = resolve_personal(tracker.sender_id, phone) if phone else None
        day, start = (
            date.fromisoformat(tracker.get_slot("pesan_tanggal")),
            time.fromisoformat(tracker.get_slot("pesan_waktu")),
        )
        send(dispatcher, summary(cat, code, mpp, day, start, tracker.get_slot("pesan_nama"), nik, phone_raw))
        op = {"op": "pesan", "request_id": uuid.uuid4().hex}
        return [_ask(op, self._svc().now().isoformat())]


class ActionJawabKonfirmasi(_BookingAction, Action):
    """The answer to the pending yes/no question: do it once, or drop it."""

    def name(self) -> str:
        return "action_jawab_konfirmasi"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        pending = _pending(tracker, self._svc().now().isoformat())
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if pending is None:
            dispatcher.utter_message(response="utter_afirmasi" if intent == "afirmasi" else "utter_negasi")
            return [SlotSet("konfirmasi", None)]
        if intent != "afirmasi":
            dispatcher.utter_message(text=_DECLINED.get(pending["op"], "Baik, tidak jadi."))
            return reset_form() if pending["op"] in ("pesan", "ubah") else [SlotSet("konfirmasi", None)]
        handler = getattr(self, f"_do_{pending['op']}")
        try:
            return list(await handler(pending, dispatcher, tracker))
        except SQLAlchemyError:
            # The database is away for a moment: nothing was half-written (one transaction),
            # the question stays open, and "ya" again repeats the same request (idempotent).
            logger.exception("confirmation %s failed on the database", pending["op"])
            dispatcher.utter_message(text=DB_TROUBLE)
            return []

    async def _do_pesan(
        self, pending: Dict[str, Any], dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> List[EventType]:
        cat = self._cat()
        sender = tracker.sender_id
        nik = resolve_personal(sender, tracker.get_slot("pesan_nik"))
        phone = optional(tracker.get_slot("pesan_telepon"))
        if not nik or not tracker.get_slot("pesan_tanggal") or not tracker.get_slot("pesan_waktu"):
            dispatcher.utter_message(text='Maaf, data pemesanan tidak lengkap. Silakan mulai lagi: ketik "mau antri".')
            return reset_form()
        request = BookingRequest(
            request_id=pending["request_id"],
            chat_id=sender,
            mpp_code=tracker.get_slot("pesan_mpp"),
            service_code=tracker.get_slot("pesan_layanan"),
            jenis=tracker.get_slot("jenis"),
            day=date.fromisoformat(tracker.get_slot("pesan_tanggal")),
            start=time.fromisoformat(tracker.get_slot("pesan_waktu")),
            name=tracker.get_slot("pesan_nama"),
            nik=nik,
            phone=resolve_personal(sender, phone) if phone else None,
        )
        outcome = self._svc().book(request)
        if isinstance(outcome, Refusal):
            send(dispatcher, refusal_reply(cat, outcome))
            if outcome.reason in (m.FULL, m.CLOSED):  # choose another slot, keep the rest
                return [SlotSet("konfirmasi", None), SlotSet("pesan_waktu", None), FollowupAction("form_pesan_antrean")]
            return reset_form()
        send(dispatcher, booked_reply(cat, outcome, nik))
        dispatcher.utter_message(
            json_message={"type": "booking_qr", "code": outcome.code, "png_base64": qr_png_base64(outcome.code)}
        )
        return reset_form()

    async def _do_batal(
        self, pending: Dict[str, Any], dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> List[EventType]:
        outcome = self._svc().cancel(int(pending["id"]), tracker.sender_id)
        if isinstance(outcome, Refusal):
            dispatcher.utter_message(text=outcome.message)
        else:
            dispatcher.utter_message(
                text=f"Antrean {outcome.queue_number} (kode {outcome.code}) sudah dibatalkan. Terima kasih sudah memberi tahu, tempatnya kini bisa dipakai warga lain."
            )
        return [SlotSet("konfirmasi", None)]

    async def _do_ubah(
        self, pending: Dict[str, Any], dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> List[EventType]:
        cat = self._cat()
        outcome = self._svc().move(
            int(pending["id"]),
            tracker.sender_id,
            date.fromisoformat(pending["day"]),
            time.fromisoformat(pending["start"]),
        )
        if isinstance(outcome, Refusal):
            send(dispatcher, refusal_reply(cat, outcome))
            return reset_form()
        dispatcher.utter_message(
            text=f"Jadwal sudah dipindah ✅\n{booking_line(cat, outcome)}\nJadwal hanya bisa dipindah satu kali."
        )
        return reset_form()

    async def _do_hapus(
        self, pending: Dict[str, Any], dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> List[EventType]:
        count = self._svc().erase_chat(tracker.sender_id)
        dispatcher.utter_message(
            text=f"Data pribadi Anda sudah dihapus ({count} pemesanan). Antrean aktif dari chat ini dibatalkan. Percakapan ini tidak lagi menyimpan NIK atau nomor HP Anda."
        )
        return [*reset_form(), SlotSet("layanan", None), SlotSet("mpp", None), SlotSet("jenis", None)]


_DECLINED = {
    "pesan": "Baik, tidak jadi dipesan. Data yang tadi Anda isi tidak disimpan.",
    "batal": "Baik, antrean Anda tetap aktif.",
    "ubah": "Baik, jadwal antrean tidak diubah.",
    "hapus": "Baik, data Anda tidak dihapus.",
}


def _pending(tracker: Tracker, now_iso: str) -> Dict[str, Any] | None:
    from datetime import datetime

    raw = tracker.get_slot("konfirmasi")
    try:
        pending = json.loads(raw) if raw else None
    except ValueError:
        return None
    if not pending or "asked" not in pending:
        return None
    asked = datetime.fromisoformat(pending["asked"])
    if datetime.fromisoformat(now_iso) - asked > timedelta(minutes=PENDING_MINUTES):
        return None
    return dict(pending)


class ActionKeluarForm(Action):
    """Leaving a form ("gak jadi", "stop") — not the same as cancelling an existing booking."""

    def name(self) -> str:
        return "action_keluar_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response="utter_keluar_form")
        return [ActiveLoop(None), *reset_form()]


def _choose_booking(
    tracker: Tracker, bookings: List[Booking], cat: Catalogue, intent: str, dispatcher: CollectingDispatcher
) -> Booking | None:
    """The booking meant: by code in the message, the only one, or ask with buttons."""
    code = latest_entity(tracker, "kode_booking")
    if code:
        return next((b for b in bookings if b.code == code.upper()), None)
    if len(bookings) == 1:
        return bookings[0]
    choices = tuple(
        Choice(f"{b.queue_number} {tanggal(b.day)}", intent, {"kode_booking": b.code}) for b in bookings[:10]
    )
    send(dispatcher, Reply("Antrean yang mana?\n" + "\n".join(f"• {booking_line(cat, b)}" for b in bookings), choices))
    return None


def live_line(ticket: Ticket, ahead: int, minutes: float) -> str:
    """A ticket in today's queue, as the citizen wants to know it: where am I, how long."""
    if ticket.status == "called":
        return f"{ticket.number}: sedang dipanggil ke loket {ticket.counter_code}. Silakan menuju loket sekarang."
    if ahead == 0:
        return f"{ticket.number}: Anda dipanggil berikutnya."
    wait = "sebentar lagi" if minutes < 1 else f"perkiraan {round(minutes)} menit"
    return f"{ticket.number}: tinggal {ahead} nomor lagi, {wait}."


class ActionCekAntrean(_BookingAction, Action):
    def name(self) -> str:
        return "action_cek_antrean"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        cat = self._cat()
        code = latest_entity(tracker, "kode_booking")
        if code:
            found = self._svc().find(code, tracker.sender_id)
            if isinstance(found, Booking):
                send(dispatcher, Reply("Antrean Anda:\n• " + booking_line(cat, found)))
                return [SlotSet("cek_kode", None)]
            if found.reason == m.WRONG_DIGITS:  # someone else's chat booked it: ask for the NIK digits
                return [SlotSet("cek_kode", code.upper()), SlotSet("nik_empat", None)]
            dispatcher.utter_message(text=found.message)
            return [SlotSet("cek_kode", None)]
        live = [live_line(t, ahead, minutes) for t, ahead, minutes in self._queue().position(tracker.sender_id)]
        bookings = self._svc().upcoming(tracker.sender_id)
        if not bookings and not live:
            offer = (Choice("Pesan antrean", "pesan_antrean"),)
            send(dispatcher, Reply("Belum ada antrean aktif dari chat ini. Mau pesan?", offer))
            return [SlotSet("cek_kode", None)]
        parts = []
        if live:
            parts.append("Antrean Anda hari ini:\n" + "\n".join(f"• {line}" for line in live))
        if bookings:
            lines = "\n".join(f"• {booking_line(cat, b)}" for b in bookings)
            parts.append(f"Jadwal antrean Anda:\n{lines}\n\nTunjukkan kode booking saat tiba di MPP.")
        send(dispatcher, Reply("\n\n".join(parts)))
        return [SlotSet("cek_kode", None)]


class ValidateFormCekKode(IgnoreClearedSlots, FormValidationAction):
    def name(self) -> str:
        return "validate_form_cek_kode"

    def validate_nik_empat(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        digits = re.sub(r"\D", "", str(value or ""))
        if len(digits) != 4:
            dispatcher.utter_message(text="Mohon kirim tepat 4 angka terakhir NIK pemesan.")
            return {"nik_empat": None}
        return {"nik_empat": digits}


class ActionCekKode(_BookingAction, Action):
    def name(self) -> str:
        return "action_cek_kode"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        found = self._svc().find(tracker.get_slot("cek_kode") or "", tracker.sender_id, tracker.get_slot("nik_empat"))
        if isinstance(found, Booking):
            send(dispatcher, Reply("Antrean dengan kode itu:\n• " + booking_line(self._cat(), found)))
        else:
            dispatcher.utter_message(text=found.message)
        return [SlotSet("cek_kode", None), SlotSet("nik_empat", None)]


class ActionBatalAntrean(_BookingAction, Action):
    def name(self) -> str:
        return "action_batal_antrean"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        cat = self._cat()
        bookings = self._svc().upcoming(tracker.sender_id)
        if not bookings:
            dispatcher.utter_message(text="Tidak ada antrean aktif dari chat ini yang bisa dibatalkan.")
            return []
        booking = _choose_booking(tracker, bookings, cat, "batal_antrean", dispatcher)
        if booking is None:
            return []
        problem = self._svc().change_problem(booking)
        if problem:
            dispatcher.utter_message(text=problem.message)
            return []
        send(
            dispatcher,
            Reply(f"Batalkan antrean ini?\n• {booking_line(cat, booking)}", _yes_no("Ya, batalkan", "Jangan")),
        )
        return [_ask({"op": "batal", "id": booking.id}, self._svc().now().isoformat())]


class ActionUbahJadwal(_BookingAction, Action):
    def name(self) -> str:
        return "action_ubah_jadwal"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        cat = self._cat()
        bookings = self._svc().upcoming(tracker.sender_id)
        if not bookings:
            dispatcher.utter_message(text="Tidak ada antrean aktif dari chat ini yang bisa dipindah.")
            return [SlotSet("ubah_booking", None)]
        booking = _choose_booking(tracker, bookings, cat, "ubah_jadwal", dispatcher)
        if booking is None:
            return [SlotSet("ubah_booking", None)]
        problem = self._svc().change_problem(booking)
        if problem is None and booking.moved_count >= self._svc().policy.max_moves:
            problem = Refusal(
                m.MOVED_ALREADY,
                "Jadwal antrean ini sudah pernah dipindah; hanya boleh satu kali. Anda bisa membatalkannya lalu memesan baru.",
            )
        if problem:
            dispatcher.utter_message(text=problem.message)
            return [SlotSet("ubah_booking", None)]
        dispatcher.utter_message(
            text=f"Memindah jadwal:\n• {booking_line(cat, booking)}\n(Jadwal hanya bisa dipindah satu kali.)"
        )
        return [
            *reset_form(),
            SlotSet("ubah_booking", str(booking.id)),
            SlotSet("pesan_layanan", booking.service_code),
            SlotSet("pesan_mpp", booking.mpp_code),
        ]


class ActionRingkasUbah(_BookingAction, Action):
    def name(self) -> str:
        return "action_ringkas_ubah"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        day, start = tracker.get_slot("pesan_tanggal"), tracker.get_slot("pesan_waktu")
        booking_id = tracker.get_slot("ubah_booking")
        if not (day and start and booking_id):
            return reset_form()
        text = f"Pindahkan jadwal ke {tanggal(date.fromisoformat(day))}, pukul {clock(time.fromisoformat(start))}?"
        send(dispatcher, Reply(text, _yes_no("Ya, pindahkan", "Jangan")))
        return [_ask({"op": "ubah", "id": int(booking_id), "day": day, "start": start}, self._svc().now().isoformat())]


class ActionHapusData(_BookingAction, Action):
    def name(self) -> str:
        return "action_hapus_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        text = (
            "Hapus data pribadi Anda? Semua antrean aktif dari chat ini akan dibatalkan, dan nama, NIK, serta "
            "nomor HP yang tersimpan dihapus (UU 27/2022 tentang Pelindungan Data Pribadi)."
        )
        send(dispatcher, Reply(text, _yes_no("Ya, hapus", "Jangan")))
        return [_ask({"op": "hapus"}, self._svc().now().isoformat())]
