"""What the actions share: the core they adapt, blocking calls off the event loop, reply rendering.

An action reads slots and the latest message, calls the core, and renders the core's
reply; it decides nothing about bookings or answers itself. Every call that may touch
the database (the catalogue's freshness check included) runs in a worker thread
(``blocking``), so one slow query never stalls the other conversations the action
server is serving.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from mpp.booking.service import BookingService
from mpp.catalogue.model import Catalogue
from mpp.catalogue.notices import Announcement
from mpp.clock import Clock
from mpp.queue.service import QueueService
from mpp.replies import Reply, payload

T = TypeVar("T")


class CatalogueSource(Protocol):
    def get(self) -> Catalogue: ...


class NoticeSource(Protocol):
    def active(self, day: date) -> Sequence[Announcement]: ...


class CoreAccess(Protocol):
    """What actions use of the core (``mpp.wiring.Core`` in the action server; fakes in tests)."""

    @property
    def catalogue(self) -> CatalogueSource: ...

    @property
    def bookings(self) -> BookingService: ...

    @property
    def queue(self) -> QueueService: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def announcements(self) -> NoticeSource: ...


async def blocking(fn: Callable[..., T], *args: Any) -> T:
    """Run a call that may wait on the database in a worker thread."""
    return await asyncio.to_thread(fn, *args)


class UsesCore:
    """Mixin (not an Action itself: rasa_sdk registers every Action subclass by its name)."""

    def __init__(self, core: CoreAccess | None = None) -> None:
        self._core = core

    @property
    def core(self) -> CoreAccess:
        if self._core is None:
            from mpp.wiring import get_core

            self._core = get_core()
        return self._core

    async def catalogue(self) -> Catalogue:
        return await blocking(self.core.catalogue.get)

    def now(self) -> datetime:
        return self.core.clock()


def send(dispatcher: CollectingDispatcher, reply: Reply | str) -> None:
    if isinstance(reply, str):
        reply = Reply(reply)
    buttons = [{"title": c.title, "payload": payload(c)} for c in reply.choices]
    kwargs: dict[str, Any] = {"text": reply.text}
    if buttons:
        kwargs["buttons"] = buttons
    if reply.image_path:
        kwargs["image"] = reply.image_path
    dispatcher.utter_message(**kwargs)
    if reply.location:
        loc = reply.location
        dispatcher.utter_message(
            json_message={
                "type": "location",
                "latitude": loc.latitude,
                "longitude": loc.longitude,
                "title": loc.title,
                "address": loc.address,
            }
        )


def intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def latest_entities(tracker: Tracker, entity: str) -> list[str]:
    return [str(e["value"]) for e in tracker.latest_message.get("entities", []) if e.get("entity") == entity]


def latest_entity(tracker: Tracker, entity: str) -> str | None:
    values = latest_entities(tracker, entity)
    return values[0] if values else None
