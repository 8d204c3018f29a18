"""Booking flows around the form: start, summary, what to change, the end of the form, yes/no answers.

The summary is the booking form's last question (``pesan_konfirmasi``, see actions/form_repair.py);
showing it opens the core's ``Pending`` (kept in the ``konfirmasi`` slot), and the form's end
(``action_selesai_pesan``) carries it out once. Other questions waiting for "ya" (cancel, erase)
go to ``action_jawab_konfirmasi``, which renders the outcome through the table ``AFTER``: one
entry per operation, nothing dispatched by name.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import date, time
from typing import Any, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.booking_forms import DETAIL_SLOTS, optional, stuck_this_turn
from actions.form_repair import CONFIRMED, OFFICER, STOPPED
from actions.moving import FORM_SLOTS, move_instead, reset_form
from actions.runtime import UsesCore, blocking, intent, latest_entity, send
from mpp import language
from mpp.booking import replies
from mpp.booking.availability import MPP_SLOT
from mpp.booking.confirmation import Operation, Pending
from mpp.booking.model import Booking, BookingRequest, Reason, Refusal
from mpp.booking.service import Confirmed
from mpp.catalogue.model import Catalogue
from mpp.faq import booking_elsewhere
from mpp.storage import Unavailable

logger = logging.getLogger(__name__)


def ask(pending: Pending) -> SlotSet:
    return SlotSet("konfirmasi", pending.dumps())


class ActionMulaiPesan(UsesCore, Action):
    """Starts the booking form fresh, carrying over the service and MPP being discussed.

    In English (slot ``bahasa``): a lead line first; the form's questions stay Indonesian.
    """

    def name(self) -> str:
        return "action_mulai_pesan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        moved = await move_instead(self, dispatcher, tracker)
        if moved is not None:  # "antriane diundur dino jumat" read as a booking: the booking is moved
            if not any(e.get("event") == "followup" for e in moved):
                moved.append(FollowupAction("action_listen"))  # which booking, or why not: no new booking form
            return moved
        if tracker.get_slot("bahasa") == language.ENGLISH:
            dispatcher.utter_message(text=language.BOOKING_START)
        return await start_booking(tracker, await self.catalogue())


async def start_booking(tracker: Tracker, cat: Catalogue) -> List[EventType]:
    """The booking form's slots, fresh, with the service and MPP being discussed carried over."""
    service = latest_entity(tracker, "layanan") or tracker.get_slot("layanan")
    mpp = latest_entity(tracker, "mpp") or tracker.get_slot("mpp")
    if len(cat.mpps) == 1:
        mpp = next(iter(cat.mpps))
    events = [*reset_form(), SlotSet("pesan_layanan", service), SlotSet("pesan_mpp", mpp if cat.mpp(mpp) else None)]
    if latest_entity(tracker, "layanan"):  # "kk baru": the requirements shown after booking follow the jenis
        events.append(SlotSet("jenis", latest_entity(tracker, "jenis")))
    return events


def summaries_in_a_row(tracker: Tracker) -> int:
    """How often the summary was shown since a detail last changed (0: this is the first showing).

    Each showing sets ``konfirmasi`` (the pending booking); the form runs its ask action inside itself,
    so the action is not an event of its own.
    """
    shown = 0
    for event in reversed(tracker.events):
        if event.get("event") == "slot" and event.get("name") == "konfirmasi" and event.get("value"):
            shown += 1
        elif event.get("event") == "slot" and event.get("name") in DETAIL_SLOTS:
            break
    return shown


def hinted_this_turn(tracker: Tracker) -> bool:
    """The form already said, after the latest message, what the summary needs."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        said = str(event.get("text") or "")
        if event.get("event") == "bot" and (replies.SUMMARY_ANSWERS in said or said.startswith(replies.SUMMARY_STUCK)):
            return True
    return False


class ActionAskPesanKonfirmasi(UsesCore, Action):
    """The booking form's last question: the summary, with "Ya" and a button per detail to change."""

    def name(self) -> str:
        return "action_ask_form_pesan_antrean_pesan_konfirmasi"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        cat = await self.catalogue()
        form = await blocking(form_request, self, tracker, "")
        if form is None:  # cannot happen while the form asks in order; said rather than crash
            send(dispatcher, replies.form_incomplete())
            return []
        code, mpp = form.service_code, form.mpp_code
        if summaries_in_a_row(tracker) >= 1 and not hinted_this_turn(tracker):
            send(dispatcher, replies.summary_needs())  # the same summary again: say what it waits for
        mine = await blocking(self.core.bookings.upcoming, tracker.sender_id)
        held = next((b for b in mine if b.service_code == code and (b.day, b.start) != (form.day, form.start)), None)
        summary = replies.summary(cat, code, mpp, form.day, form.start, form.name, form.nik, form.phone, held)
        send(dispatcher, replies.with_officer(summary) if stuck_this_turn(tracker) else summary)
        return [ask(self.core.bookings.ask(Operation.BOOK, request_id=uuid.uuid4().hex))]


class ActionAskPesanUbah(Action):
    """After "tidak" at a summary: which detail to change (nothing is discarded yet)."""

    def name(self) -> str:
        return "action_ask_pesan_ubah"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        moving = tracker.active_loop_name == "form_ubah_jadwal"
        send(dispatcher, replies.what_to_change(replies.MOVE_DETAILS if moving else replies.BOOKING_DETAILS))
        return []


class ActionSelesaiPesan(UsesCore, Action):
    """After the booking form: book what the summary confirmed, explain a service booked elsewhere, or stop."""

    def name(self) -> str:
        return "action_selesai_pesan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        cat = await self.catalogue()
        verdict = tracker.get_slot("pesan_konfirmasi")
        code, mpp = tracker.get_slot("pesan_layanan"), tracker.get_slot("pesan_mpp")
        if verdict == STOPPED:
            dispatcher.utter_message(response="utter_keluar_form")
            return reset_form()
        if verdict == OFFICER:
            send(dispatcher, replies.booking_dropped())
            return to_an_officer(tracker)
        if cat.service(code) is not None:
            where = mpp if cat.offering(mpp, code) else None
            if cat.booking_mode(where, code) != MPP_SLOT:
                send(dispatcher, booking_elsewhere(cat, where, code))
                return reset_form()
        pending = self.core.bookings.pending(tracker.get_slot("konfirmasi"))
        if verdict != CONFIRMED or pending is None or pending.operation is not Operation.BOOK:
            send(dispatcher, replies.form_incomplete())
            return reset_form()
        form = await blocking(form_request, self, tracker, pending.request_id or "")
        try:
            outcome: Confirmed = await blocking(self.core.bookings.confirm, pending, tracker.sender_id, form)
        except Unavailable:
            # Nothing was half-written (one transaction); the summary is asked again, the same request.
            logger.exception("booking failed on the database")
            send(dispatcher, replies.database_trouble())
            return [SlotSet("pesan_konfirmasi", None), FollowupAction("form_pesan_antrean")]
        assert not isinstance(outcome, int)
        return after_book(self, dispatcher, cat, outcome, form)


def to_an_officer(tracker: Tracker) -> List[EventType]:
    """After the officer button in a form: the draft goes, its service and MPP stay for the person offered next."""
    carried = {"mpp": tracker.get_slot("pesan_mpp"), "layanan": tracker.get_slot("pesan_layanan")}
    return [
        *reset_form(),
        *(SlotSet(slot, value) for slot, value in carried.items() if value),
        FollowupAction("action_tawarkan_petugas"),
    ]


def form_request(action: UsesCore, tracker: Tracker, request_id: str) -> BookingRequest | None:
    """The filled booking form as a request (tokens resolved to the values), or None if incomplete."""
    slots = {s: tracker.get_slot(s) for s in FORM_SLOTS}
    if not all(slots[s] for s in ("pesan_layanan", "pesan_mpp", "pesan_tanggal", "pesan_waktu", "pesan_nama")):
        return None
    resolve = action.core.bookings.resolve_personal
    nik = resolve(tracker.sender_id, slots["pesan_nik"])
    phone = optional(slots["pesan_telepon"])
    if not nik:
        return None
    return BookingRequest(
        request_id=request_id,
        chat_id=tracker.sender_id,
        mpp_code=slots["pesan_mpp"],
        service_code=slots["pesan_layanan"],
        jenis=tracker.get_slot("jenis"),
        day=date.fromisoformat(slots["pesan_tanggal"]),
        start=time.fromisoformat(slots["pesan_waktu"]),
        name=slots["pesan_nama"],
        nik=nik,
        phone=resolve(tracker.sender_id, phone) if phone else None,
    )


After = Callable[
    ["ActionJawabKonfirmasi", CollectingDispatcher, Catalogue, Any, BookingRequest | None], List[EventType]
]


class ActionJawabKonfirmasi(UsesCore, Action):
    """The answer to the pending yes/no question: carry it out once, or drop it."""

    def name(self) -> str:
        return "action_jawab_konfirmasi"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        bookings = self.core.bookings
        pending = bookings.pending(tracker.get_slot("konfirmasi"))
        said = intent(tracker)
        if pending is None:  # nothing asked, or asked too long ago: "ya"/"tidak" is just an answer
            dispatcher.utter_message(response="utter_afirmasi" if said == "afirmasi" else "utter_negasi")
            return [SlotSet("konfirmasi", None)]
        if said != "afirmasi":
            send(dispatcher, replies.declined(pending.operation))
            return (
                reset_form() if pending.operation in (Operation.BOOK, Operation.MOVE) else [SlotSet("konfirmasi", None)]
            )
        cat = await self.catalogue()
        form = None
        if pending.operation is Operation.BOOK:
            form = await blocking(form_request, self, tracker, pending.request_id or "")
        try:
            outcome: Confirmed = await blocking(bookings.confirm, pending, tracker.sender_id, form)
        except Unavailable:
            # Nothing was half-written (one transaction); the question stays open and "ya"
            # again repeats the same request (idempotent).
            logger.exception("confirmation %s failed on the database", pending.operation.value)
            send(dispatcher, replies.database_trouble())
            return []
        return AFTER[pending.operation](self, dispatcher, cat, outcome, form)

    def after_book(
        self, dispatcher: CollectingDispatcher, cat: Catalogue, outcome: Booking | Refusal, form: BookingRequest | None
    ) -> List[EventType]:
        return after_book(self, dispatcher, cat, outcome, form)

    def after_cancel(
        self, dispatcher: CollectingDispatcher, cat: Catalogue, outcome: Booking | Refusal, _form: Any
    ) -> List[EventType]:
        send(dispatcher, outcome.message if isinstance(outcome, Refusal) else replies.cancelled(outcome))
        return [SlotSet("konfirmasi", None)]

    def after_move(
        self, dispatcher: CollectingDispatcher, cat: Catalogue, outcome: Booking | Refusal, _form: Any
    ) -> List[EventType]:
        return after_move(self, dispatcher, cat, outcome)

    def after_erase(self, dispatcher: CollectingDispatcher, cat: Catalogue, erased: int, _form: Any) -> List[EventType]:
        send(dispatcher, replies.erased(erased))
        return [*reset_form(), SlotSet("layanan", None), SlotSet("mpp", None), SlotSet("jenis", None)]


def after_book(
    action: UsesCore,
    dispatcher: CollectingDispatcher,
    cat: Catalogue,
    outcome: Booking | Refusal,
    form: BookingRequest | None,
) -> List[EventType]:
    """The booking made (code, number, QR), or why not; a slot taken meanwhile asks for another time only."""
    if isinstance(outcome, Refusal):
        send(dispatcher, replies.refusal_reply(cat, outcome))
        if outcome.reason in (Reason.FULL, Reason.CLOSED):  # choose another slot, keep the rest
            again = ("konfirmasi", "pesan_waktu", "pesan_konfirmasi", "pesan_ubah")
            return [*(SlotSet(s, None) for s in again), FollowupAction("form_pesan_antrean")]
        return reset_form()
    send(dispatcher, replies.booked_reply(cat, outcome, form.nik if form else None, action.core.bookings.policy))
    qr = replies.qr_png_base64(outcome.code)
    dispatcher.utter_message(json_message={"type": "booking_qr", "code": outcome.code, "png_base64": qr})
    return reset_form()


def after_move(
    action: UsesCore, dispatcher: CollectingDispatcher, cat: Catalogue, outcome: Booking | Refusal
) -> List[EventType]:
    if isinstance(outcome, Refusal):
        send(dispatcher, replies.refusal_reply(cat, outcome))
        if outcome.reason in (Reason.FULL, Reason.CLOSED):  # the new slot was taken meanwhile: another time
            again = ("konfirmasi", "pesan_waktu", "pesan_konfirmasi", "pesan_ubah")
            return [*(SlotSet(s, None) for s in again), FollowupAction("form_ubah_jadwal")]
    else:
        send(dispatcher, replies.moved(cat, outcome, action.core.bookings.policy))
    return reset_form()


AFTER: dict[Operation, After] = {
    Operation.BOOK: ActionJawabKonfirmasi.after_book,
    Operation.CANCEL: ActionJawabKonfirmasi.after_cancel,
    Operation.MOVE: ActionJawabKonfirmasi.after_move,
    Operation.ERASE: ActionJawabKonfirmasi.after_erase,
}


class ActionKeluarForm(Action):
    """Leaving a form ("gak jadi", "stop") — not the same as cancelling an existing booking."""

    def name(self) -> str:
        return "action_keluar_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response="utter_keluar_form")
        return [ActiveLoop(None), *reset_form()]
