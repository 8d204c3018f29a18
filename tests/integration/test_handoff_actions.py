"""The two handoff actions on a real database: which MPP and agency, the offer, the yes, inside a form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionSambungPetugas, ActionTawarkanPetugas
from mpp.booking.model import Booking, BookingRequest
from mpp.booking.service import BookingService
from mpp.catalogue.store import save_catalogue
from mpp.db.uow import UnitOfWork
from mpp.handoff.service import HandoffService
from mpp.privacy import Crypto, Keys
from testkit.core import FixedCatalogue, on_database

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


@dataclass
class Core:
    catalogue: FixedCatalogue
    bookings: BookingService
    handoffs: HandoffService


@pytest.fixture()
def core(sqlite_url: str, demo) -> Core:  # type: ignore[no-untyped-def]
    crypto = Crypto(Keys.generate())
    services = on_database(sqlite_url, demo.catalogue, lambda: NOW, crypto=crypto)
    assert services.session_factory is not None
    with UnitOfWork(services.session_factory, write=True) as uow:
        save_catalogue(uow.session, demo)
        uow.commit()
    handoffs = HandoffService(services.session_factory, lambda: demo.catalogue, crypto, lambda: NOW)
    return Core(services.catalogue, services.bookings, handoffs)


def tracker(sender: str, intent: str = "minta_petugas", loop: str | None = None, **slots: Any) -> Tracker:
    events = [
        {"event": "user", "text": "syarat kk apa", "timestamp": NOW.timestamp()},
        {"event": "bot", "text": "Persyaratan Kartu Keluarga: ...", "timestamp": NOW.timestamp()},
        {"event": "user", "text": "/afirmasi", "timestamp": NOW.timestamp()},
    ]
    return Tracker(
        sender,
        {"layanan": None, "mpp": None, "topik": None, **slots},
        {"intent": {"name": intent, "confidence": 0.9}, "entities": [], "text": "petugas"},
        events,
        False,
        None,
        {"name": loop} if loop else {},
        None,
    )


async def run(action: Any, t: Tracker) -> tuple[str, list[str], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, {})
    text = "\n".join(m.get("text") or "" for m in dispatcher.messages)
    buttons = [b["title"] for m in dispatcher.messages for b in m.get("buttons") or []]
    return text, buttons, events


async def test_with_no_mpp_known_the_citizen_chooses_one(core: Core) -> None:
    text, buttons, events = await run(ActionTawarkanPetugas(core), tracker("telegram:1"))
    assert "MPP mana" in text and "MPP Kota Bogor" in buttons and "MPP Kota Bekasi" in buttons
    assert events == []


async def test_the_citizens_booking_names_the_mpp(core: Core) -> None:
    booked = core.bookings.book(
        BookingRequest(
            "r1", "telegram:2", "kota_bekasi", "kk", date(2026, 12, 2), time(9, 0), "Warga", "3275015506880005"
        )
    )
    assert isinstance(booked, Booking), booked
    text, buttons, events = await run(ActionTawarkanPetugas(core), tracker("telegram:2"))
    assert "MPP Kota Bekasi" in text and buttons == ["Tinggalkan pesan", "Tidak"]  # nobody on duty there
    assert events == [{"event": "slot", "timestamp": None, "name": "mpp", "value": "kota_bekasi"}]


async def test_the_yes_joins_with_the_agency_of_the_service_and_the_conversation_so_far(core: Core) -> None:
    t = tracker("telegram:3", intent="afirmasi", layanan="kk", mpp="kota_bogor", topik="tanya_syarat")
    text, _, _ = await run(ActionSambungPetugas(core), t)
    assert "tulis pesan Anda" in text  # nobody on duty: a message
    h = core.handoffs.current("telegram:3")
    assert h is not None and (h.mpp_code, h.agency_code, h.service_code, h.topic) == (
        "kota_bogor",
        "disdukcapil",
        "kk",
        "tanya_syarat",
    )
    with UnitOfWork(core.handoffs._sessions) as uow:  # type: ignore[arg-type]
        from sqlalchemy import select

        from mpp.db.handoff_tables import HandoffMessageRow

        bodies = [
            core.handoffs.crypto.decrypt(b)
            for b in uow.session.execute(select(HandoffMessageRow.body_encrypted)).scalars()
        ]
    assert bodies == ["syarat kk apa", "Persyaratan Kartu Keluarga: ..."]  # the button press left out


async def test_the_second_fallback_apologises_and_inside_a_form_the_citizen_is_told_how(core: Core) -> None:
    text, _, _ = await run(ActionTawarkanPetugas(core), tracker("telegram:4", intent="nlu_fallback", mpp="kota_bogor"))
    assert text.startswith("Maaf, saya belum bisa memahami pesan Anda.")
    text, buttons, events = await run(ActionTawarkanPetugas(core), tracker("telegram:5", loop="form_pesan_antrean"))
    # typed inside a form: the draft is kept (no events), one button stops it and offers a person
    assert "belum selesai" in text and buttons == ["Bicara dengan petugas"] and events == []
