"""The location answer reaches Telegram and WhatsApp as a native map pin, end to end from the catalogue:
MPP coordinates in the YAML -> loader -> FAQ answer -> the real Rasa action's messages -> the gateway
-> the Telegram / Graph API stubs. An MPP without sourced coordinates sends text only."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp import web
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.faq import ActionJawabPertanyaan
from mpp.catalogue.loader import read_catalogue
from mpp.catalogue.model import Catalogue
from mpp.clock import system_clock
from testkit.core import in_memory
from testkit.gateway_harness import Harness, start, until
from testkit.stubs.graph_api import webhook_body
from testkit.stubs.telegram_api import text_update
from tests.conftest import CATALOGUE_DIR

# Test data only: the shipped catalogue has no coordinates, since no citable source gave them.
PIN = {"lat": -6.6011, "lon": 106.8047}


class CatalogueRasa:
    """Rasa's REST channel for "lokasi <mpp> [<service>]": the real FAQ action answers from the catalogue."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.action = ActionJawabPertanyaan(in_memory(catalogue, system_clock))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self.webhook)
        return app

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.json()
        words = body["message"].split()
        entities = [{"entity": "mpp", "value": words[1]}] + [{"entity": "layanan", "value": w} for w in words[2:]]
        tracker = Tracker(
            body["sender"],
            {"layanan": None, "jenis": None, "mpp": None, "topik": None},
            {"intent": {"name": "tanya_lokasi", "confidence": 0.9}, "entities": entities, "text": body["message"]},
            [],
            False,
            None,
            {},
            None,
        )
        dispatcher = CollectingDispatcher()
        await self.action.run(dispatcher, tracker, {})
        return web.json_response([_rest_message(body["sender"], m) for m in dispatcher.messages])


def _rest_message(sender: str, message: dict[str, Any]) -> dict[str, Any]:
    """What Rasa's REST channel returns for one bot utterance (text, buttons, custom payload)."""
    out: dict[str, Any] = {"recipient_id": sender}
    for key in ("text", "buttons", "image", "custom"):
        if message.get(key):
            out[key] = message[key]
    return out


@pytest.fixture()
def pinned(tmp_path: Path) -> Catalogue:
    directory = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, directory)
    path = directory / "mpp" / "kota_bogor.yaml"
    data = yaml.safe_load(path.read_text())
    data["mpp"]["sources"].append({"id": "uji_koordinat", "title": "Koordinat contoh untuk tes (bukan fakta)"})
    data["mpp"]["coordinates"] = {**PIN, "sources": ["uji_koordinat"], "checked": "2026-12-03"}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return read_catalogue(directory).catalogue


@pytest.fixture()
async def gw(sqlite_url: str, pinned: Catalogue):  # type: ignore[no-untyped-def]
    harness = await start(sqlite_url, rasa_app=CatalogueRasa(pinned).app())
    yield harness
    await harness.close()


async def test_telegram_gets_a_venue_at_the_catalogue_coordinates(gw: Harness, pinned: Catalogue) -> None:
    await gw.telegram_update(text_update(1, 501, "lokasi kota_bogor skck"))
    await until(lambda: gw.telegram.sent("sendVenue", "501"), what="the venue")
    venue = gw.telegram.sent("sendVenue", "501")[0]
    bogor = pinned.mpps["kota_bogor"]
    assert (float(venue["latitude"]), float(venue["longitude"])) == (PIN["lat"], PIN["lon"])
    assert venue["title"] == "MPP Kota Bogor (Grha Tiyasa)" and venue["address"] == bogor.address
    assert any("loket 4" in t for t in gw.telegram.texts("501"))  # the text answer comes too


async def test_whatsapp_gets_a_location_message(gw: Harness) -> None:
    wa = "6281300000001"
    await gw.whatsapp_post(webhook_body(wa, {"id": "wamid.pin", "type": "text", "text": {"body": "lokasi kota_bogor"}}))
    await until(lambda: any(c["type"] == "location" for c in gw.graph.to(wa)), what="the location message")
    location = next(c for c in gw.graph.to(wa) if c["type"] == "location")["location"]
    assert (location["latitude"], location["longitude"]) == (PIN["lat"], PIN["lon"])
    assert location["name"] == "MPP Kota Bogor (Grha Tiyasa)"


async def test_an_mpp_without_coordinates_sends_no_pin(gw: Harness) -> None:
    await gw.telegram_update(text_update(2, 502, "lokasi kota_bekasi"))
    await until(lambda: gw.telegram.texts("502"), what="the text answer")
    await until(gw.gateway_idle, what="the turn to finish")
    assert "Jl. Jend. Ahmad Yani No. 13" in gw.telegram.texts("502")[0]
    assert gw.telegram.sent("sendVenue", "502") == []
