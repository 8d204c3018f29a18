"""The trained NLU pipeline takes anything a phone keyboard (or an attacker) can produce."""

from __future__ import annotations

import asyncio

import yaml

from mpp.config import PROJECT_ROOT
from mpp.text import citizen_text
from testkit.hostile import hostile_messages
from testkit.nlu_eval import parse_all
from tests.conftest import MODEL, require_model


def test_every_hostile_message_parses_to_a_known_intent() -> None:
    require_model()
    # 1200 (was 3000 when a parse took 2 ms): junk reaches the sentence encoder, ~0.1 s a line
    texts = [citizen_text(t) for t in hostile_messages(1200, seed=5)]  # as the gateway hands them on
    parses = asyncio.run(parse_all(MODEL, texts))  # an exception here fails the test: that is the point
    intents = set(yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text())["intents"]) | {"nlu_fallback"}
    assert len(parses) == len(texts)
    for text, parse in zip(texts, parses):
        assert parse["intent"]["name"] in intents, (text[:60], parse["intent"])
        for entity in parse["entities"]:
            assert text[entity["start"] : entity["end"]] or entity["entity"] in ("nik", "telepon"), (text[:60], entity)
