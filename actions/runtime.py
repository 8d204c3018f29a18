"""What the actions share: access to the core, the clock, and reply rendering."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from mpp.catalogue.model import Catalogue
from mpp.replies import Choice, Reply

DEFAULT_TZ = ZoneInfo("Asia/Jakarta")


class CatalogueSource(Protocol):
    def get(self) -> Catalogue: ...


def default_catalogue() -> CatalogueSource:
    from mpp.wiring import get_core

    return get_core().catalogue


def today_for(catalogue: Catalogue, mpp_code: str | None) -> date:
    mpp = catalogue.mpp(mpp_code)
    tz = ZoneInfo(mpp.timezone) if mpp else DEFAULT_TZ
    return datetime.now(tz).date()


def payload(choice: Choice) -> str:
    """Rasa's intent payload: /intent{"entity": "value"}. Only our own buttons carry these."""
    if not choice.entities:
        return f"/{choice.intent}"
    return f"/{choice.intent}{json.dumps(dict(choice.entities), ensure_ascii=False)}"


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
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


def latest_entities(tracker: Tracker, entity: str) -> list[str]:
    return [str(e["value"]) for e in tracker.latest_message.get("entities", []) if e.get("entity") == entity]


def latest_entity(tracker: Tracker, entity: str) -> str | None:
    values = latest_entities(tracker, entity)
    return values[0] if values else None


def default_bookings():  # type: ignore[no-untyped-def]
    from mpp.wiring import get_core

    return get_core().bookings


def resolve_personal(sender: str, text: str | None) -> str | None:
    """The NIK or phone number behind a token in ``text`` (tokens belong to one conversation).

    Raw digits (a message that did not pass through bot.rasa_channel) are returned as they are.
    """
    import re

    from mpp.privacy import TOKEN_PATTERN
    from mpp.privacy_store import resolve_token
    from mpp.wiring import get_core

    if not text:
        return None
    match = TOKEN_PATTERN.search(text)
    if match is None:
        digits = re.sub(r"[^\d+]", "", text)
        return digits or None
    core = get_core()
    with core.uow() as uow:
        return resolve_token(uow.session, core.crypto, sender, match.group(0))


def personal_token(sender: str, kind: str, value: str) -> str:
    """A vault token for ``value`` bound to ``sender``: a raw NIK or phone number never goes into a slot.

    The REST channel tokenises what citizens type; this covers a value that reached an action
    some other way (a client that bypassed the channel, a spelling it did not know).
    """
    from datetime import datetime, timezone

    from mpp.privacy_store import store_token
    from mpp.wiring import get_core

    core = get_core()
    with core.uow(write=True) as uow:
        token = store_token(uow.session, core.crypto, sender, kind, value, datetime.now(timezone.utc))
        uow.commit()
    return token
