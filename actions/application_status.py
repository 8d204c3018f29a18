"""The status question ("ktp saya udah jadi belum", "paspor kapan bisa diambil"): answered from the record
the clerk kept at the counter (``mpp.applications``), never from the catalogue's general processing time."""

from __future__ import annotations

from typing import Any, Dict, List, Protocol

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.runtime import blocking, latest_entity, send
from mpp.applications.service import ApplicationService


class ApplicationCore(Protocol):
    @property
    def applications(self) -> ApplicationService: ...


class ActionCekPermohonan(Action):
    def __init__(self, core: ApplicationCore | None = None) -> None:
        self._core = core

    @property
    def core(self) -> ApplicationCore:
        if self._core is None:
            from mpp.wiring import get_core

            self._core = get_core()
        return self._core

    def name(self) -> str:
        return "action_cek_permohonan"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        code = latest_entity(tracker, "kode_booking")
        service = latest_entity(tracker, "layanan")
        send(dispatcher, await blocking(self.core.applications.status, tracker.sender_id, code, service))
        return []
