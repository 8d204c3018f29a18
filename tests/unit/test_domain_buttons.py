"""Buttons written in domain.yml reach the citizen with the payload as written, and no error log."""

from __future__ import annotations

import asyncio
import json

import structlog
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from mpp.config import PROJECT_ROOT


def test_every_domain_button_payload_is_an_intent_with_json_entities_and_logs_no_error() -> None:
    domain = Domain.load(str(PROJECT_ROOT / "domain.yml"))
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)
    checked = 0
    for name, variants in domain.responses.items():
        if not any(v.get("buttons") for v in variants):
            continue
        for bahasa in (None, "en"):
            tracker = DialogueStateTracker.from_dict("t", [], domain.slots)
            tracker.slots["bahasa"].value = bahasa
            with structlog.testing.capture_logs() as logs:
                reply = asyncio.run(nlg.generate(name, tracker, "rest"))
            assert not [e for e in logs if e.get("log_level") == "error"], (name, logs)
            for button in (reply or {}).get("buttons") or []:
                intent, _, entities = button["payload"].partition("{")
                assert intent.startswith("/") and intent[1:] in domain.intents, button
                if entities:
                    assert isinstance(json.loads("{" + entities), dict), button
                checked += 1
    assert checked >= 8
