"""Asking for a person: the offer (join the line, or leave a message) and the yes to it.

Both are thin: which MPP (the message, the conversation's ``mpp`` slot, the chat's booking, or
a question with buttons), which agency (the service being talked about, at that MPP), then the
core (``mpp.handoff.service``) decides and words the answer. Once the chat is in the line, the
REST channel answers it (``bot.handoff_gate``) until the citizen is back with the assistant.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List, Protocol

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.form_repair import OFFICER
from actions.runtime import CatalogueSource, blocking, latest_entity, send
from mpp.booking.replies import TO_AN_OFFICER
from mpp.booking.service import BookingService
from mpp.catalogue.model import Catalogue
from mpp.handoff import replies
from mpp.handoff.model import Author
from mpp.handoff.service import HandoffService
from mpp.replies import Reply


def in_a_form(loop: str) -> Reply:
    """ "Mau ke petugas" typed inside a form: the draft is kept; the button drops it and offers a person."""
    what = "Pemindahan jadwal" if loop == "form_ubah_jadwal" else "Pemesanan Anda"
    return Reply(
        f'{what} belum selesai. Tekan "Bicara dengan petugas" untuk menghentikannya dan dihubungkan dengan '
        "petugas, atau lanjutkan saja.",
        (TO_AN_OFFICER,),
    )


class HandoffCore(Protocol):
    @property
    def catalogue(self) -> CatalogueSource: ...

    @property
    def bookings(self) -> BookingService: ...

    @property
    def handoffs(self) -> HandoffService: ...


class UsesHandoffs:
    """Mixin like ``actions.runtime.UsesCore``, for the core's handoff service."""

    def __init__(self, core: HandoffCore | None = None) -> None:
        self._core = core

    @property
    def core(self) -> HandoffCore:
        if self._core is None:
            from mpp.wiring import get_core

            self._core = get_core()
        return self._core

    def _which_mpp(self, tracker: Tracker, cat: Catalogue) -> str | None:
        for code in (latest_entity(tracker, "mpp"), tracker.get_slot("mpp")):
            if code and cat.mpp(code) is not None:
                return str(code)
        booked = self.core.bookings.upcoming(tracker.sender_id)
        if booked:
            return booked[0].mpp_code
        return next(iter(cat.mpps)) if len(cat.mpps) == 1 else None

    @staticmethod
    def _agency(cat: Catalogue, mpp_code: str, tracker: Tracker) -> tuple[str | None, str | None]:
        """(agency, service) of the service being talked about, when that MPP offers it."""
        service = latest_entity(tracker, "layanan") or tracker.get_slot("layanan")
        agency = cat.agency_of(mpp_code, service) if service else None
        return (agency.code, service) if agency is not None else (None, service if cat.service(service) else None)


def history(tracker: Tracker) -> list[tuple[Author, str, datetime]]:
    """The conversation so far as the assistant saw it (NIK and phone numbers are tokens), button presses left out."""
    lines: list[tuple[Author, str, datetime]] = []
    for event in tracker.events:
        kind, text = event.get("event"), event.get("text")
        if kind not in ("user", "bot") or not text or str(text).startswith("/"):
            continue
        at = datetime.fromtimestamp(float(event.get("timestamp") or 0), timezone.utc)
        lines.append((Author.CITIZEN if kind == "user" else Author.BOT, str(text), at))
    return lines


class ActionTawarkanPetugas(UsesHandoffs, Action):
    """ "Mau bicara dengan petugas", in any wording, and the assistant's second fallback in a row."""

    def name(self) -> str:
        return "action_tawarkan_petugas"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        if tracker.active_loop_name:
            if str(tracker.latest_message.get("text") or "").startswith(f"/{TO_AN_OFFICER.intent}"):
                # the button: the form stops (its last action says so, then runs this one again)
                return [SlotSet("pesan_konfirmasi", OFFICER)]
            send(dispatcher, in_a_form(tracker.active_loop_name))  # typed mid-form: the draft is kept
            return []
        cat = await blocking(self.core.catalogue.get)
        mpp = await blocking(self._which_mpp, tracker, cat)
        if mpp is None:
            send(dispatcher, replies.choose_mpp(cat))
            return []
        agency, _ = self._agency(cat, mpp, tracker)
        fallback = (tracker.latest_message.get("intent") or {}).get("name") == "nlu_fallback"
        send(dispatcher, await blocking(self.core.handoffs.offer, tracker.sender_id, mpp, agency, fallback))
        return [SlotSet("mpp", mpp)]


class ActionSambungPetugas(UsesHandoffs, Action):
    """The yes to the offer: into the line, or write the message to leave."""

    def name(self) -> str:
        return "action_sambung_petugas"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        cat = await blocking(self.core.catalogue.get)
        mpp = await blocking(self._which_mpp, tracker, cat)
        if mpp is None:
            send(dispatcher, replies.choose_mpp(cat))
            return []
        agency, service = self._agency(cat, mpp, tracker)
        topic = tracker.get_slot("topik")
        reply = await blocking(
            self.core.handoffs.join, tracker.sender_id, mpp, agency, service, topic, history(tracker)
        )
        send(dispatcher, reply)
        return []
