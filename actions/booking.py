"""Queue-slot requests. Booking by chat is not available yet: say so, and how to book."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import CatalogueSource, default_catalogue, latest_entity, send
from mpp.replies import Reply


class ActionInfoAntrean(Action):
    def __init__(self, catalogue: CatalogueSource | None = None) -> None:
        self._catalogue = catalogue

    def name(self) -> str:
        return "action_info_antrean"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        catalogue = (self._catalogue or default_catalogue()).get()
        service = catalogue.service(latest_entity(tracker, "layanan") or tracker.get_slot("layanan"))
        lines = ["Maaf, pemesanan, pengecekan, dan pembatalan antrean lewat chat belum tersedia."]
        if service and service.booking_mode == "agency_system" and service.booking_note:
            lines.append(
                f"Untuk {service.name}: {service.booking_note}"
                + (f" ({service.booking_url})" if service.booking_url else "")
            )
        else:
            lines.append("Silakan ambil nomor antrean di mesin antrean atau meja informasi MPP.")
        send(dispatcher, Reply("\n".join(lines)))
        return []
