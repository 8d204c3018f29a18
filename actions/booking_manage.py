"""A citizen's own bookings: check (with the live queue on the day), look up by code, cancel, move, erase."""

from __future__ import annotations

import logging
import re
from datetime import date, time
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.booking import after_move, ask, start_booking, to_an_officer
from actions.booking_forms import IgnoreClearedSlots, stuck_this_turn
from actions.form_repair import CONFIRMED, OFFICER
from actions.moving import begin_move, choose_booking, reset_form
from actions.runtime import UsesCore, blocking, latest_entity, send
from mpp.booking import replies
from mpp.booking.confirmation import Operation
from mpp.booking.model import Booking, Reason
from mpp.queue.messages import live_line
from mpp.storage import Unavailable

logger = logging.getLogger(__name__)


class ActionCekAntrean(UsesCore, Action):
    def name(self) -> str:
        return "action_cek_antrean"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        cat = await self.catalogue()
        code = latest_entity(tracker, "kode_booking")
        if code:
            found = await blocking(self.core.bookings.find, code, tracker.sender_id)
            if isinstance(found, Booking):
                send(dispatcher, replies.found(cat, found, own=True))
                return [SlotSet("cek_kode", None)]
            if found.reason is Reason.WRONG_DIGITS:  # someone else's chat booked it: ask for the NIK digits
                return [SlotSet("cek_kode", code.upper()), SlotSet("nik_empat", None)]
            send(dispatcher, found.message)
            return [SlotSet("cek_kode", None)]
        today = [live_line(*p) for p in await blocking(self.core.queue.position, tracker.sender_id)]
        bookings = await blocking(self.core.bookings.upcoming, tracker.sender_id)
        send(dispatcher, replies.your_bookings(cat, bookings, today) if bookings or today else replies.no_bookings())
        return [SlotSet("cek_kode", None)]


class ValidateFormCekKode(IgnoreClearedSlots, FormValidationAction):
    def name(self) -> str:
        return "validate_form_cek_kode"

    def validate_nik_empat(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        digits = re.sub(r"\D", "", str(value or ""))
        if len(digits) != 4:
            send(dispatcher, replies.last_digits_invalid())
            return {"nik_empat": None}
        return {"nik_empat": digits}


class ActionCekKode(UsesCore, Action):
    def name(self) -> str:
        return "action_cek_kode"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        code, digits = tracker.get_slot("cek_kode") or "", tracker.get_slot("nik_empat")
        found = await blocking(self.core.bookings.find, code, tracker.sender_id, digits)
        if isinstance(found, Booking):
            send(dispatcher, replies.found(await self.catalogue(), found, own=False))
        else:
            send(dispatcher, found.message)
        return [SlotSet("cek_kode", None), SlotSet("nik_empat", None)]


class ActionBatalAntrean(UsesCore, Action):
    def name(self) -> str:
        return "action_batal_antrean"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        cat, bookings = await self.catalogue(), self.core.bookings
        mine = await blocking(bookings.upcoming, tracker.sender_id)
        if not mine:
            send(dispatcher, replies.nothing_to_cancel())
            return []
        booking = choose_booking(tracker, mine, cat, "batal_antrean", dispatcher)
        if booking is None:
            return []
        problem = await blocking(bookings.cancel_problem, booking)
        if problem:
            send(dispatcher, problem.message)
            return []
        send(dispatcher, replies.ask_cancel(cat, booking))
        return [ask(bookings.ask(Operation.CANCEL, booking_id=booking.id))]


class ActionUbahJadwal(UsesCore, Action):
    def name(self) -> str:
        return "action_ubah_jadwal"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        cat, bookings = await self.catalogue(), self.core.bookings
        mine = await blocking(bookings.upcoming, tracker.sender_id)
        if not mine:
            service = latest_entity(tracker, "layanan")
            if service and cat.service(service) and tracker.active_loop_name is None:
                # "bisa minta jadwal ke mpp X untuk Y?": nothing to move, a service named: book it
                send(dispatcher, replies.new_booking_instead())
                return [*await start_booking(tracker, cat), FollowupAction("form_pesan_antrean")]
            send(dispatcher, replies.nothing_to_move_book_instead())
            return [SlotSet("ubah_booking", None)]
        return await begin_move(self, mine, dispatcher, tracker)


class ActionAskUbahKonfirmasi(UsesCore, Action):
    """The move form's last question: move to this date and time? (a button per detail to change)."""

    def name(self) -> str:
        return "action_ask_form_ubah_jadwal_pesan_konfirmasi"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        day, start = tracker.get_slot("pesan_tanggal"), tracker.get_slot("pesan_waktu")
        booking_id = tracker.get_slot("ubah_booking")
        if not (day and start and booking_id):
            return []
        new_day, new_start = date.fromisoformat(day), time.fromisoformat(start)
        asked = replies.ask_move(new_day, new_start)
        send(dispatcher, replies.with_officer(asked) if stuck_this_turn(tracker) else asked)
        return [ask(self.core.bookings.ask(Operation.MOVE, booking_id=int(booking_id), day=new_day, start=new_start))]


class ActionSelesaiUbah(UsesCore, Action):
    """After the move form: move as confirmed, or leave the booking as it is."""

    def name(self) -> str:
        return "action_selesai_ubah"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if tracker.get_slot("pesan_konfirmasi") == OFFICER:
            send(dispatcher, replies.move_dropped())
            return to_an_officer(tracker)
        pending = self.core.bookings.pending(tracker.get_slot("konfirmasi"))
        if (
            tracker.get_slot("pesan_konfirmasi") != CONFIRMED
            or pending is None
            or pending.operation is not Operation.MOVE
        ):
            send(dispatcher, replies.move_stopped())
            return reset_form()
        try:
            outcome = await blocking(self.core.bookings.confirm, pending, tracker.sender_id, None)
        except Unavailable:
            logger.exception("move failed on the database")
            send(dispatcher, replies.database_trouble())
            return [SlotSet("pesan_konfirmasi", None), FollowupAction("form_ubah_jadwal")]
        assert not isinstance(outcome, int)
        return after_move(self, dispatcher, await self.catalogue(), outcome)


class ActionHapusData(UsesCore, Action):
    def name(self) -> str:
        return "action_hapus_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        send(dispatcher, replies.ask_erase())
        return [ask(self.core.bookings.ask(Operation.ERASE))]
