"""Complaints, requests for an officer, and the low-confidence fallback."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import UsesCore, intent, latest_entity, send
from mpp.complaints import complaint_reply
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
    """Low NLU confidence: offer the likely services as buttons, never a confident guess."""

    def name(self) -> str:
        return "action_fallback_layanan"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        catalogue = await self.catalogue()
        message = tracker.latest_message
        ranked = [i.get("name") for i in message.get("intent_ranking", []) if i.get("name")]
        reply = fallback_reply(
            catalogue,
            message.get("text") or "",
            latest_entity(tracker, "layanan"),
            ranked,
            latest_entity(tracker, "mpp") or tracker.get_slot("mpp"),
        )
        send(dispatcher, reply)
        return []
