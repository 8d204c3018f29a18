"""Asking instead of guessing (mpp.clarify): two intents, two services, and the actions that ask."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.faq import ActionJawabPertanyaan
from actions.support import ActionFallbackLayanan
from mpp import clarify
from mpp.clock import fixed_clock
from testkit.core import Services, in_memory

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
ROOT = Path(__file__).resolve().parents[2]


def tracker(
    intent: str,
    ranking: list[tuple[str, float]],
    text: str,
    entities: list[dict[str, Any]] | None = None,
    **slots: Any,
) -> Tracker:
    intent_ranking = [{"name": n, "confidence": c} for n, c in ranking]
    return Tracker(
        "test",
        {"layanan": None, "jenis": None, "mpp": None, "topik": None, "bahasa": "id", **slots},
        {
            "intent": {"name": intent, "confidence": intent_ranking[0]["confidence"] if intent_ranking else 0.9},
            "entities": entities or [],
            "text": text,
            "intent_ranking": intent_ranking,
        },
        [],
        False,
        None,
        {},
        None,
    )


def span(text: str, entity: str, words: str, value: str) -> dict[str, Any]:
    start = text.index(words)
    return {"entity": entity, "start": start, "end": start + len(words), "value": value}


async def run(action, t: Tracker) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, t, {})
    return dispatcher.messages, events


def payloads(message: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for button in message["buttons"]:
        p = button["payload"]
        brace = p.find("{")
        out.append((p[1:brace] if brace > 0 else p[1:], json.loads(p[brace:]) if brace > 0 else {}))
    return out


@pytest.fixture()
def fake(demo) -> Services:  # type: ignore[no-untyped-def]
    return in_memory(demo.catalogue, fixed_clock(NOW))


def test_thresholds_are_the_fallback_classifiers() -> None:
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    fallback = next(c for c in config["pipeline"] if c["name"] == "FallbackClassifier")
    assert fallback["threshold"] == clarify.FALLBACK_THRESHOLD
    assert fallback["ambiguity_threshold"] == clarify.AMBIGUITY_THRESHOLD


def test_close_top_two_are_asked_about() -> None:
    ranked = clarify.ranking(
        [
            {"name": "nlu_fallback", "confidence": 0.3},
            {"name": "tanya_syarat", "confidence": 0.41},
            {"name": "tanya_biaya", "confidence": 0.38},
            {"name": "sapa", "confidence": 0.05},
        ]
    )
    assert clarify.unsure_between(ranked) == ("tanya_syarat", "tanya_biaya")


def test_low_top_with_a_strong_pair_is_asked_about_but_noise_is_not() -> None:
    pair = [clarify.Ranked("tanya_lokasi", 0.27), clarify.Ranked("tanya_jadwal", 0.22)]
    assert clarify.unsure_between(pair) == ("tanya_lokasi", "tanya_jadwal")
    noise = [clarify.Ranked("tanya_lokasi", 0.12), clarify.Ranked("tanya_jadwal", 0.10)]
    assert clarify.unsure_between(noise) is None
    lone = [clarify.Ranked("tanya_lokasi", 0.29), clarify.Ranked("tanya_jadwal", 0.08)]
    assert clarify.unsure_between(lone) is None


def test_a_clear_winner_or_a_pair_with_small_talk_is_not_asked_about() -> None:
    clear = [clarify.Ranked("tanya_syarat", 0.62), clarify.Ranked("tanya_biaya", 0.2)]
    assert clarify.unsure_between(clear) is None
    chat = [clarify.Ranked("di_luar_topik", 0.31), clarify.Ranked("tanya_biaya", 0.29)]
    assert clarify.unsure_between(chat) is None


def test_a_shared_word_names_two_services_an_alias_names_one(demo) -> None:  # type: ignore[no-untyped-def]
    assert clarify.services_sharing(demo.catalogue, "bpjs") == ["bpjs_kesehatan", "bpjs_ketenagakerjaan"]
    assert clarify.services_sharing(demo.catalogue, "ktp") == []  # an alias of KTP elektronik
    assert clarify.services_sharing(demo.catalogue, "paspor") == []


def test_a_vague_service_word_offers_the_two_closest(demo) -> None:  # type: ignore[no-untyped-def]
    assert set(clarify.unsure_services(demo.catalogue, "syarat akta apa ya", None, None)) == {
        "akta_kelahiran",
        "akta_kematian",
    }


async def test_fallback_unsure_between_two_intents_asks_with_both_keeping_the_entities(fake: Services) -> None:
    text = "ktp di mpp bogor gimana ya"
    entities = [span(text, "layanan", "ktp", "ktp_el"), span(text, "mpp", "mpp bogor", "kota_bogor")]
    t = tracker(
        "nlu_fallback",
        [("nlu_fallback", 0.3), ("tanya_syarat", 0.34), ("tanya_biaya", 0.31), ("sapa", 0.1)],
        text,
        entities,
    )
    messages, _ = await run(ActionFallbackLayanan(fake), t)
    assert messages[0]["text"].startswith("Maksud Anda: Syarat KTP Elektronik atau Biaya KTP Elektronik?")
    assert [b["title"] for b in messages[0]["buttons"]] == ["Syarat KTP Elektronik", "Biaya KTP Elektronik"]
    assert payloads(messages[0]) == [
        ("tanya_syarat", {"layanan": "ktp_el", "mpp": "kota_bogor"}),
        ("tanya_biaya", {"layanan": "ktp_el", "mpp": "kota_bogor"}),
    ]


async def test_fallback_with_one_weak_guess_still_offers_the_likely_services(fake: Services) -> None:
    t = tracker("nlu_fallback", [("nlu_fallback", 0.3), ("tanya_syarat", 0.2), ("sapa", 0.05)], "paspr anak sy")
    messages, _ = await run(ActionFallbackLayanan(fake), t)
    assert "kurang yakin" in messages[0]["text"]
    assert any('"layanan": "paspor"' in b["payload"] for b in messages[0]["buttons"])


async def test_english_fallback_asks_in_english(fake: Services) -> None:
    t = tracker(
        "nlu_fallback",
        [("nlu_fallback", 0.3), ("tanya_biaya", 0.33), ("tanya_lama_proses", 0.31)],
        "passport how much and how long",
        [{"entity": "layanan", "start": 0, "end": 8, "value": "paspor"}, {"entity": "bahasa", "value": "en"}],
        bahasa="en",
    )
    messages, _ = await run(ActionFallbackLayanan(fake), t)
    assert messages[0]["text"].startswith("Did you mean: Biaya Paspor")
    assert all(p[1].get("bahasa") == "en" for p in payloads(messages[0]))  # the answer stays English


async def test_question_with_a_vague_service_word_offers_two_services(fake: Services) -> None:
    messages, events = await run(
        ActionJawabPertanyaan(fake), tracker("tanya_syarat", [("tanya_syarat", 0.9)], "syarat akta apa")
    )
    assert "Maksud Anda layanan yang mana" in messages[0]["text"]
    assert {p for _, e in payloads(messages[0]) for p in [e["layanan"]]} == {"akta_kelahiran", "akta_kematian"}
    assert all(i == "tanya_syarat" for i, _ in payloads(messages[0]))


async def test_a_word_shared_by_two_services_is_asked_about_and_not_kept(fake: Services) -> None:
    text = "biaya bpjs berapa"
    t = tracker("tanya_biaya", [("tanya_biaya", 0.9)], text, [span(text, "layanan", "bpjs", "bpjs_kesehatan")])
    t.slots["layanan"] = "bpjs_kesehatan"
    messages, events = await run(ActionJawabPertanyaan(fake), t)
    assert [e["layanan"] for _, e in payloads(messages[0])] == ["bpjs_kesehatan", "bpjs_ketenagakerjaan"]
    assert messages[0]["buttons"][0]["title"].startswith("Biaya BPJS Kesehatan")
    assert {"event": "slot", "name": "layanan", "value": None, "timestamp": None} in events


async def test_pressing_the_button_answers_without_asking_again(fake: Services) -> None:
    payload = '/tanya_biaya{"layanan": "bpjs_kesehatan"}'
    t = tracker("tanya_biaya", [("tanya_biaya", 1.0)], payload, [{"entity": "layanan", "value": "bpjs_kesehatan"}])
    t.slots["layanan"] = "bpjs_kesehatan"
    messages, _ = await run(ActionJawabPertanyaan(fake), t)
    assert "Maksud Anda" not in messages[0]["text"]
    assert "BPJS Kesehatan" in messages[0]["text"]


async def test_an_english_question_gets_an_english_lead_and_the_catalogue_answer(fake: Services) -> None:
    text = "what are the requirements for a passport"
    t = tracker("tanya_syarat", [("tanya_syarat", 0.8)], text, [span(text, "layanan", "passport", "paspor")])
    t.slots.update(layanan="paspor", bahasa="en", mpp="kota_bogor")
    messages, _ = await run(ActionJawabPertanyaan(fake), t)
    first, rest = messages[0]["text"].split("\n\n", 1)
    assert first.startswith("Requirements for Paspor") and "MPP Kota Bogor" in first
    indonesian, _ = await run(
        ActionJawabPertanyaan(fake),
        tracker("tanya_syarat", [("tanya_syarat", 0.8)], "x", layanan="paspor", mpp="kota_bogor"),
    )
    assert rest == indonesian[0]["text"]  # the same catalogue answer, untranslated


def test_everyday_words_in_service_names_are_no_clue(demo) -> None:  # type: ignore[no-untyped-def]
    for text in ("daftar gimana caranya", "nomor antrean saya berapa", "syaratnya apa aja kak"):
        assert clarify.unsure_services(demo.catalogue, text, None, None) == []


# ---- a visit said with its place (issue 17, round 6) -------------------------------------------------------
VISIT_OR_LOOKUP = [("nlu_fallback", 0.3), ("pesan_antrean", 0.32), ("daftar_layanan", 0.30), ("informasi", 0.1)]


@pytest.mark.parametrize(
    "text",
    ["mau cek sertifikat tanah di mpp tangsel", "urus kk di mpp bogor", "pengen bikin ktp di mpp bekasi nih"],
)
def test_a_service_and_an_mpp_with_an_errand_word_is_a_visit(text: str) -> None:
    entities = {"layanan": "x", "mpp": "kota_bogor"}
    assert clarify.visit_meant(("pesan_antrean", "daftar_layanan"), entities, text)
    assert clarify.visit_meant(("cek_permohonan", "pesan_antrean"), entities, text)


@pytest.mark.parametrize(
    ("pair", "entities", "text"),
    [
        (("pesan_antrean", "daftar_layanan"), {"layanan": "kk"}, "mau cek kk"),  # no MPP named
        (("pesan_antrean", "daftar_layanan"), {"mpp": "kota_bogor"}, "mau cek di mpp bogor"),  # no service
        (("pesan_antrean", "daftar_layanan"), {"layanan": "kk", "mpp": "kota_bogor"}, "ada layanan kk di mpp bogor?"),
        (
            ("pesan_antrean", "cek_permohonan"),
            {"layanan": "kk", "mpp": "kota_bogor"},
            "mau cek kk 3271009988 di mpp bogor",
        ),
        (("pesan_antrean", "tanya_syarat"), {"layanan": "kk", "mpp": "kota_bogor"}, "mau urus kk di mpp bogor"),
        (("tanya_syarat", "tanya_biaya"), {"layanan": "kk", "mpp": "kota_bogor"}, "mau urus kk di mpp bogor"),
        (("pesan_antrean", "daftar_layanan"), {"layanan": "kk", "mpp": "kota_bogor"}, "kk mpp bogor"),  # no errand
    ],
)
def test_without_all_of_it_the_two_buttons_stay(pair: tuple[str, str], entities: dict[str, str], text: str) -> None:
    assert not clarify.visit_meant(pair, entities, text)


async def test_fallback_starts_the_booking_when_the_message_says_where_and_for_what(fake: Services) -> None:
    text = "mau cek sertipikat tnah di mpp tangsel"
    entities = [
        span(text, "layanan", "sertipikat", "sertifikat_tanah"),
        span(text, "mpp", "mpp tangsel", "kota_tangerang_selatan"),
    ]
    messages, events = await run(ActionFallbackLayanan(fake), tracker("nlu_fallback", VISIT_OR_LOOKUP, text, entities))
    assert not any("Maksud Anda" in (m.get("text") or "") for m in messages)
    assert {"event": "followup", "name": "form_pesan_antrean"} in [
        {"event": e["event"], "name": e.get("name")} for e in events
    ]
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    assert slots["pesan_layanan"] == "sertifikat_tanah" and slots["pesan_mpp"] == "kota_tangerang_selatan"


async def test_fallback_asks_when_no_mpp_is_named(fake: Services) -> None:
    text = "mau cek sertipikat tnah"
    entities = [span(text, "layanan", "sertipikat", "sertifikat_tanah")]
    messages, events = await run(ActionFallbackLayanan(fake), tracker("nlu_fallback", VISIT_OR_LOOKUP, text, entities))
    assert messages[0]["text"].startswith("Maksud Anda: ")
    assert not any(e.get("event") == "followup" for e in events)


def test_what_to_do_with_the_document_is_an_errand_too() -> None:
    entities = {"layanan": "sim", "jenis": "perpanjangan", "mpp": "kota_bekasi"}
    assert clarify.visit_meant(("daftar_layanan", "pesan_antrean"), entities, "prpanjng sim a di mpp bekasi")
    assert not clarify.visit_meant(("daftar_layanan", "pesan_antrean"), entities, "prpanjng sim a di mpp bekasi bisa?")
