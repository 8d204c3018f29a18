"""Moving a booking already made: which booking is meant, the move form's first slots, and a move read
as another intent ("antriane diundur dino jumat" read as a new booking, "dimajuin jam 8.45 bisa?" as a
schedule question) handed to the move form. Imports no other action module, so the booking, FAQ and
fallback actions can all use it.
"""

from __future__ import annotations

from typing import List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import UsesCore, blocking, latest_entity, send
from mpp.booking import replies
from mpp.booking.model import Booking
from mpp.booking.repair import wants_move
from mpp.catalogue.model import Catalogue

FORM_SLOTS = ("pesan_layanan", "pesan_mpp", "pesan_tanggal", "pesan_waktu", "pesan_nama", "pesan_nik", "pesan_telepon")


def reset_form() -> List[EventType]:
    slots = (*FORM_SLOTS, "pesan_konfirmasi", "pesan_ubah", "ubah_booking", "konfirmasi", "requested_slot")
    return [SlotSet(s, None) for s in slots]


def choose_booking(
    tracker: Tracker, bookings: list[Booking], cat: Catalogue, intent: str, dispatcher: CollectingDispatcher
) -> Booking | None:
    """The booking meant: by code in the message, the only one, or ask with buttons."""
    code = latest_entity(tracker, "kode_booking")
    if code:
        return next((b for b in bookings if b.code == code.upper()), None)
    if len(bookings) == 1:
        return bookings[0]
    send(dispatcher, replies.which_booking(cat, bookings, intent))
    return None


async def begin_move(
    action: UsesCore, mine: list[Booking], dispatcher: CollectingDispatcher, tracker: Tracker
) -> List[EventType]:
    """The move form's slots for the booking meant (it then asks the new date and time), or why not."""
    cat, bookings = await action.catalogue(), action.core.bookings
    booking = choose_booking(tracker, mine, cat, "ubah_jadwal", dispatcher)
    if booking is None:
        return [SlotSet("ubah_booking", None)]
    problem = await blocking(bookings.move_problem, booking)
    if problem:
        send(dispatcher, problem.message)
        return [SlotSet("ubah_booking", None)]
    send(dispatcher, replies.moving(cat, booking, bookings.policy))
    events = [
        *reset_form(),
        SlotSet("ubah_booking", str(booking.id)),
        SlotSet("pesan_layanan", booking.service_code),
        SlotSet("pesan_mpp", booking.mpp_code),
    ]
    if latest_entity(tracker, "waktu") and not latest_entity(tracker, "tanggal"):
        events.append(SlotSet("pesan_tanggal", booking.day.isoformat()))  # "dimajuin jam 8.45": the same day
    return events


async def move_instead(action: UsesCore, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType] | None:
    """A message read as another intent that asks to move the citizen's booking ("antriane diundur dino
    jumat", "dimajuin jam 8.45"): the move form, started as "ubah jadwal" would; None when it is not that.
    """
    text = (tracker.latest_message or {}).get("text") or ""
    if tracker.active_loop_name is not None or text.startswith("/") or not wants_move(text):
        return None
    mine = await blocking(action.core.bookings.upcoming, tracker.sender_id)
    if not mine:
        return None
    events = await begin_move(action, mine, dispatcher, tracker)
    if any(isinstance(e, dict) and e.get("name") == "ubah_booking" and e.get("value") for e in events):
        events.append(FollowupAction("form_ubah_jadwal"))
    return events
