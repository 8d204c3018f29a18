"""Complaints, requests for an officer, and the low-confidence fallback."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.booking import start_booking
from actions.moving import move_instead
from actions.runtime import UsesCore, intent, latest_entity, send
from mpp import clarify
from mpp.complaints import complaint_reply
from mpp.language import ENGLISH, UNSURE, with_lead
from mpp.replies import Reply
from mpp.suggest import fallback_reply


class ActionJawabPengaduan(UsesCore, Action):
    def name(self) -> str:
        return "action_jawab_pengaduan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        catalogue = await self.catalogue()
        mpp = latest_entity(tracker, "mpp") or tracker.get_slot("mpp")
        send(dispatcher, complaint_reply(catalogue, mpp, wants_officer=intent(tracker) == "minta_petugas"))
        return []


class ActionFallbackLayanan(UsesCore, Action):
    """Low NLU confidence: never a confident guess.

    Unsure between two intents (mpp.clarify): both as buttons, carrying the message's entities.
    Otherwise the likely services as buttons. An English message gets an English lead.
    """

    def name(self) -> str:
        return "action_fallback_layanan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        catalogue = await self.catalogue()
        moved = await move_instead(self, dispatcher, tracker)
        if moved is not None:  # "dimundurke dino senin" not understood: the citizen's booking is moved
            return moved
        message = tracker.latest_message
        language = tracker.get_slot("bahasa") or "id"
        pair = clarify.unsure_between(clarify.ranking(message.get("intent_ranking", [])))
        if pair is not None:
            entities = clarify.carried_entities(message.get("entities", []))
            text = message.get("text") or ""
            if tracker.active_loop_name is None and clarify.visit_meant(pair, entities, text):
                # "mau cek sertipikat tanah di mpp tangsel": a visit, not a question; the form reads the message
                return [*await start_booking(tracker, catalogue), FollowupAction("form_pesan_antrean")]
            if "mpp" not in entities and tracker.get_slot("mpp"):
                entities["mpp"] = tracker.get_slot("mpp")
            send(dispatcher, clarify.ask_intent(catalogue, pair, entities, language))
            return []
        reply = fallback_reply(
            catalogue,
            message.get("text") or "",
            latest_entity(tracker, "layanan"),
            [(r.intent, r.confidence) for r in clarify.ranking(message.get("intent_ranking", []))],
            latest_entity(tracker, "mpp") or tracker.get_slot("mpp"),
        )
        if language == ENGLISH:
            reply = Reply(with_lead(UNSURE, reply.text), reply.choices)
        send(dispatcher, reply)
        return []
