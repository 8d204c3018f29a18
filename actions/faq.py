"""Answers service questions (syarat, biaya, jadwal, lokasi, lama proses, daftar layanan)."""

from __future__ import annotations

import re
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.moving import move_instead
from actions.runtime import UsesCore, blocking, intent, latest_entity, send
from mpp import clarify, language
from mpp.catalogue.model import Catalogue
from mpp.clock import local_today
from mpp.faq import NEEDS_MPP, NEEDS_SERVICE, TOPICS, Question, answer, ask_topic, resolve_mpp
from mpp.replies import Reply

_LIST_WORDS = re.compile(r"\b(apa\s*(aja|saja|aj|ja)|semua|daftar|list|instansi|layanan apa|apa yang ada|apa yg ada)\b")


class ActionJawabPertanyaan(UsesCore, Action):
    """One action for every question type: the intent names the topic, slots keep the context.

    A follow-up without a service ("kalau biayanya?") uses the service asked about
    before; a bare answer ("kalau paspor?", "yang di bogor") repeats the last topic.
    Unsure of the service (mpp.clarify): the two closest as buttons. An English message
    (slot ``bahasa``) gets an English lead before the same answer (mpp.language).
    """

    def name(self) -> str:
        return "action_jawab_pertanyaan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        moved = await move_instead(self, dispatcher, tracker)
        if moved is not None:  # "dimajuin jam 8.45 bisa?" read as a schedule question: a move
            return moved
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
        lang = tracker.get_slot("bahasa") or language.INDONESIAN
        if topic not in TOPICS:
            send(dispatcher, _in_language(lang, language.ASK_TOPIC, ask_topic(catalogue, service, mpp)))
            return events
        unsure = _unsure_services(catalogue, tracker, topic, new_service, service)
        if unsure:
            entities = clarify.carried_entities(tracker.latest_message.get("entities", []))
            if mpp and "mpp" not in entities:
                entities["mpp"] = mpp
            send(dispatcher, clarify.ask_service(catalogue, topic, unsure, entities, lang))
            events += [SlotSet("topik", topic), SlotSet("layanan", None)]  # not the word's first reading
            return events
        question = Question(topic=topic, service=service, jenis=jenis, mpp=mpp)
        known_mpp = catalogue.mpp(mpp)
        today = local_today(self.core.clock, known_mpp.timezone if known_mpp else "Asia/Jakarta")
        notices = await blocking(self.core.announcements.active, today)
        reply = await blocking(answer, catalogue, question, today, notices)
        send(dispatcher, _in_language(lang, _english_lead(catalogue, question), reply))
        events.append(SlotSet("topik", topic))
        return events


def _unsure_services(
    catalogue: Catalogue, tracker: Tracker, topic: str, new_service: str | None, service: str | None
) -> list[str]:
    """Two services to ask about (mpp.clarify), or []; never for a button's payload."""
    typed = tracker.latest_message.get("text") or ""
    if typed.startswith("/"):
        return []
    if new_service:
        spans = [e for e in tracker.latest_message.get("entities", []) if e.get("entity") == "layanan"]
        start, end = spans[0].get("start"), spans[0].get("end")
        surface = typed[start:end] if isinstance(start, int) and isinstance(end, int) else None
        unsure = clarify.unsure_services(catalogue, typed, new_service, surface)
    elif service is None and topic in NEEDS_SERVICE:
        unsure = clarify.unsure_services(catalogue, typed, None, None)
    else:
        return []
    return unsure if len(unsure) == 2 else []


def _english_lead(catalogue: Catalogue, question: Question) -> str:
    """What the English lead says: the answer's subject, or the question asked back."""
    service = catalogue.service(question.service)
    if question.topic in NEEDS_SERVICE and service is None:
        return language.ASK_SERVICE
    mpp_code = resolve_mpp(catalogue, question.mpp, service.code if service else None)
    if question.topic in NEEDS_MPP and mpp_code is None:
        return language.ASK_MPP
    mpp = catalogue.mpp(mpp_code)
    return language.answer_lead(question.topic, service.name if service else None, mpp.name if mpp else None)


def _in_language(lang: str, lead: str, reply: Reply) -> Reply:
    if lang != language.ENGLISH:
        return reply
    return Reply(language.with_lead(lead, reply.text), reply.choices, reply.image_path, reply.location)
