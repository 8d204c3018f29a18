"""Answers service questions (syarat, biaya, jadwal, lokasi, lama proses, daftar layanan)."""

from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import UsesCore, blocking, intent, latest_entity, send
from mpp.clock import local_today
from mpp.faq import TOPICS, Question, answer, ask_topic

_LIST_WORDS = re.compile(r"\b(apa\s*(aja|saja|aj|ja)|semua|daftar|list|instansi|layanan apa|apa yang ada|apa yg ada)\b")


class ActionJawabPertanyaan(UsesCore, Action):
    """One action for every question type: the intent names the topic, slots keep the context.

    A follow-up without a service ("kalau biayanya?") uses the service asked about
    before; a bare answer ("kalau paspor?", "yang di bogor") repeats the last topic.
    """

    def name(self) -> str:
        return "action_jawab_pertanyaan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        catalogue = await self.catalogue()
        asked = intent(tracker)
        new_service = latest_entity(tracker, "layanan")
        new_mpp = latest_entity(tracker, "mpp")
        service = new_service or tracker.get_slot("layanan")
        text = (tracker.latest_message.get("text") or "").lower()
        if not new_service and (
            (asked in ("tanya_jadwal", "tanya_lokasi") and new_mpp)
            or (asked == "daftar_layanan" and _LIST_WORDS.search(text))
        ):
            # "mpp bogor buka jam brp" or "layanan apa aja di bekasi" ask about the MPP itself,
            # not about the service discussed before ("di bekasi ada ga?" still means that service).
            service = None
        jenis = latest_entity(tracker, "jenis")
        if jenis is None and new_service is None:
            jenis = tracker.get_slot("jenis")  # same service as before: keep its jenis
        mpp = new_mpp or tracker.get_slot("mpp")
        topic = asked if asked in TOPICS else tracker.get_slot("topik")
        events: List[Dict[str, Any]] = [SlotSet("jenis", jenis)]
        if topic not in TOPICS:
            send(dispatcher, ask_topic(catalogue, service, mpp))
            return events
        question = Question(topic=topic, service=service, jenis=jenis, mpp=mpp)
        known_mpp = catalogue.mpp(mpp)
        today = local_today(self.core.clock, known_mpp.timezone if known_mpp else "Asia/Jakarta")
        notices = await blocking(self.core.announcements.active, today)
        send(dispatcher, await blocking(answer, catalogue, question, today, notices))
        events.append(SlotSet("topik", topic))
        return events
