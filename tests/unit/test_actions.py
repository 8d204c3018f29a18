"""Custom actions against the demo catalogue and an in-memory core (no database)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.booking import ActionSelesaiPesan
from actions.faq import ActionJawabPertanyaan
from actions.support import ActionFallbackLayanan, ActionJawabPengaduan
from mpp.clock import fixed_clock
from testkit.core import Services, in_memory

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


def tracker(intent: str, entities: list[dict[str, Any]] | None = None, text: str = "", **slots: Any) -> Tracker:
    ranking = [{"name": intent, "confidence": 0.9}]
    return Tracker(
        "test",
        {"layanan": None, "jenis": None, "mpp": None, "topik": None, **slots},
        {
            "intent": {"name": intent, "confidence": 0.9},
            "entities": entities or [],
            "text": text,
            "intent_ranking": ranking,
        },
        [],
        False,
        None,
        {},
        None,
    )


def ent(entity: str, value: str) -> dict[str, Any]:
    return {"entity": entity, "value": value}


async def run(action, t: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, {})
    return dispatcher.messages, events


@pytest.fixture()
def fake(demo) -> Services:  # type: ignore[no-untyped-def]
    return in_memory(demo.catalogue, fixed_clock(NOW))


async def test_follow_up_uses_the_service_asked_about_before(fake: Services) -> None:
    messages, events = await run(
        ActionJawabPertanyaan(fake), tracker("tanya_biaya", layanan="paspor", topik="tanya_syarat")
    )
    assert "Rp350.000" in messages[0]["text"]
    assert {"event": "slot", "name": "topik", "value": "tanya_biaya", "timestamp": None} in events


async def test_bare_service_repeats_the_last_topic(fake: Services) -> None:
    t = tracker("informasi", [ent("layanan", "skck")], layanan="skck", topik="tanya_biaya")
    messages, _ = await run(ActionJawabPertanyaan(fake), t)
    assert "Rp30.000" in messages[0]["text"]


async def test_new_service_drops_the_old_jenis(fake: Services) -> None:
    t = tracker("tanya_syarat", [ent("layanan", "kk")], layanan="kk", jenis="hilang", topik="tanya_syarat")
    messages, events = await run(ActionJawabPertanyaan(fake), t)
    assert {"event": "slot", "name": "jenis", "value": None, "timestamp": None} in events
    assert "Jika karena hilang" in messages[0]["text"]  # every jenis shown, not just 'hilang'


async def test_bare_answer_without_topic_asks_what_to_know(fake: Services) -> None:
    messages, _ = await run(ActionJawabPertanyaan(fake), tracker("informasi", [ent("layanan", "nib")], layanan="nib"))
    assert "NIB" in messages[0]["text"]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert '/tanya_syarat{"layanan": "nib"}' in payloads


async def test_buttons_carry_intent_and_entities_as_rasa_payloads(fake: Services) -> None:
    messages, _ = await run(ActionJawabPertanyaan(fake), tracker("tanya_jadwal"))
    payloads = [json.loads(b["payload"][b["payload"].index("{") :]) for b in messages[0]["buttons"]]
    assert all(b["payload"].startswith("/tanya_jadwal{") for b in messages[0]["buttons"])
    assert {p.get("mpp") for p in payloads} == {"kota_bogor", "kota_bekasi", "kota_tangerang_selatan"}


async def test_location_comes_with_a_map_pin_when_coordinates_are_known(demo) -> None:  # type: ignore[no-untyped-def]
    bogor = replace(demo.catalogue.mpps["kota_bogor"], latitude=-6.6, longitude=106.8)
    pinned = in_memory(replace(demo.catalogue, mpps={**demo.catalogue.mpps, "kota_bogor": bogor}), fixed_clock(NOW))
    messages, _ = await run(ActionJawabPertanyaan(pinned), tracker("tanya_lokasi", mpp="kota_bogor"))
    assert messages[1]["custom"]["type"] == "location"
    assert messages[1]["custom"]["latitude"] == -6.6


async def test_complaint_gives_sp4n_lapor_and_the_city_channel(fake: Services, demo) -> None:  # type: ignore[no-untyped-def]
    messages, _ = await run(ActionJawabPengaduan(fake), tracker("keluhan", mpp="kota_bogor"))
    text = messages[0]["text"]
    assert "SP4N" in text.upper()
    assert any(c.name in text for c in demo.catalogue.mpps["kota_bogor"].complaint_channels)


async def test_officer_request_without_mpp_offers_mpp_buttons(fake: Services) -> None:
    messages, _ = await run(ActionJawabPengaduan(fake), tracker("minta_petugas"))
    assert "petugas" in messages[0]["text"]
    assert all(b["payload"].startswith("/minta_petugas{") for b in messages[0]["buttons"])


async def test_fallback_offers_the_likely_service_not_a_guess(fake: Services) -> None:
    t = tracker("nlu_fallback", text="paspr anak sy gmn ya", topik=None)
    messages, _ = await run(ActionFallbackLayanan(fake), t)
    assert "kurang yakin" in messages[0]["text"]
    assert any('"layanan": "paspor"' in b["payload"] for b in messages[0]["buttons"])


async def test_fallback_with_nothing_recognisable_offers_popular_services(fake: Services) -> None:
    messages, _ = await run(ActionFallbackLayanan(fake), tracker("nlu_fallback", text="qwerty zxcv"))
    assert "belum paham" in messages[0]["text"]
    assert len(messages[0]["buttons"]) >= 3


async def test_booking_a_passport_points_to_m_paspor_instead_of_an_mpp_slot(fake: Services) -> None:
    t = tracker("pesan_antrean", [ent("layanan", "paspor")], pesan_layanan="paspor", pesan_mpp="kota_bogor")
    messages, events = await run(ActionSelesaiPesan(fake), t)
    assert "M-Paspor" in messages[0]["text"] and "imigrasi.go.id" in messages[0]["text"]
    assert {"event": "slot", "name": "pesan_layanan", "value": None, "timestamp": None} in events


async def test_naming_an_mpp_asks_about_the_mpp_not_the_previous_service(fake: Services) -> None:
    t = tracker("tanya_jadwal", [ent("mpp", "kota_bogor")], text="mpp bogor buka jam brp", layanan="sim")
    messages, _ = await run(ActionJawabPertanyaan(fake), t)
    assert "SIM" not in messages[0]["text"]
    assert "MPP Kota Bogor" in messages[0]["text"]


async def test_is_it_there_follow_up_answers_for_the_service_discussed(fake: Services) -> None:
    t = tracker("daftar_layanan", [ent("mpp", "kota_bekasi")], text="di mpp bekasi ada ga", layanan="sim")
    messages, _ = await run(ActionJawabPertanyaan(fake), t)
    assert messages[0]["text"].startswith("Ya, layanan SIM")
    t = tracker("daftar_layanan", [ent("mpp", "kota_bogor")], text="di mpp bogor ada ga", layanan="sim")
    messages, _ = await run(ActionJawabPertanyaan(fake), t)
    assert "tidak tersedia di MPP Kota Bogor" in messages[0]["text"] and "MPP Kota Bekasi" in messages[0]["text"]


async def test_asking_for_the_list_gets_the_list(fake: Services) -> None:
    t = tracker("daftar_layanan", [ent("mpp", "kota_bekasi")], text="di mpp bekasi ada layanan apa aja", layanan="sim")
    messages, _ = await run(ActionJawabPertanyaan(fake), t)
    assert messages[0]["text"].startswith("Layanan di MPP Kota Bekasi")


async def test_the_core_clock_reaches_faq_answers(demo) -> None:  # type: ignore[no-untyped-def]
    """MPP_NOW (the one clock) decides which closures count as "soon", not the wall clock."""
    from mpp.catalogue.model import Closure

    bogor = replace(demo.catalogue.mpps["kota_bogor"], closures=(Closure(date(2031, 5, 6), "Pemeliharaan gedung"),))
    catalogue = replace(demo.catalogue, mpps={**demo.catalogue.mpps, "kota_bogor": bogor})
    asked = tracker("tanya_jadwal", mpp="kota_bogor")
    soon = in_memory(catalogue, fixed_clock(datetime(2031, 5, 1, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))))
    messages, _ = await run(ActionJawabPertanyaan(soon), asked)
    assert "Pemeliharaan gedung" in messages[0]["text"]
    months_before = in_memory(catalogue, fixed_clock(datetime(2031, 1, 1, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))))
    messages, _ = await run(ActionJawabPertanyaan(months_before), asked)
    assert "Pemeliharaan gedung" not in messages[0]["text"]
