"""Hostile and broken webhook bodies against the gateway (real HTTP, real inbox, stub Rasa).

Every body gets a 2xx or a precise 4xx, never a 5xx; every real text message is
answered exactly once, whatever it contains; nothing is left half-processed."""

from __future__ import annotations

import json
import logging
import random

import pytest

from mpp.text import citizen_text
from testkit.gateway_harness import Harness, start, until
from testkit.hostile import RAW_BODIES, hostile_messages, mutate
from testkit.stubs.graph_api import webhook_body
from testkit.stubs.telegram_api import callback_update, text_update, voice_update
from tests.integration.test_gateway import RasaStub


@pytest.fixture()
async def gw(db_url: str):  # type: ignore[no-untyped-def]
    rasa = RasaStub()
    harness = await start(db_url, rasa_app=rasa.app())
    harness.gateway.retry_delays = (0.1,) * 6
    harness.gateway.start_workers()
    yield harness, rasa
    await harness.gateway.stop()
    await harness.close()


async def test_hostile_texts_are_each_answered_once(gw: tuple[Harness, RasaStub]) -> None:
    harness, rasa = gw
    texts = hostile_messages(600, seed=3)
    for i, text in enumerate(texts):
        response = await harness.telegram_update(text_update(1000 + i, 5000 + i, text))
        assert response.status_code == 200, (text[:80], response.text)
    real = [i for i, text in enumerate(texts) if text]  # Telegram never sends an empty text; the gateway ignores one
    await until(lambda: all(harness.telegram.sent("sendMessage", str(5000 + i)) for i in real), 60, "replies")
    limit = harness.gateway.settings.max_message_chars
    for i in real:
        text, replies = texts[i], harness.telegram.texts(str(5000 + i))
        assert len(replies) == 1, (text[:80], replies)
        if len(text) > limit:
            assert "terlalu panjang" in replies[0]
        else:
            # the citizen's words reach Rasa as plain text: never an intent, never empty
            assert replies[0] == f"echo: {citizen_text(text)}", (text[:40], replies[0][:80])
            assert not any(ch in replies[0] for ch in "\x00\x1b\u202e"), replies[0][:80]
    assert rasa.received and all(not m.startswith("/") for _, m in rasa.received)
    # a reply goes out before its message is marked done: wait for the marks, then nothing may be left
    await until(harness.gateway_idle, 30, "every message marked done")


async def test_broken_bodies_get_4xx_never_5xx(gw: tuple[Harness, RasaStub], caplog: pytest.LogCaptureFixture) -> None:
    harness, _ = gw
    rng = random.Random(11)
    valid = [
        lambda i: text_update(20_000 + i, 7000 + i, "syarat ktp"),
        lambda i: callback_update(20_000 + i, 7000 + i, "b:xyz"),
        lambda i: voice_update(20_000 + i, 7000 + i),
    ]
    statuses: dict[int, int] = {}
    with caplog.at_level(logging.WARNING):
        for i in range(1000):
            body = mutate(rng.choice(valid)(i), rng)
            response = await harness.http.post(
                f"{harness.url}/telegram/webhook",
                content=json.dumps(body).encode(),
                headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token-for-tests"},
            )
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            assert response.status_code < 500, (body, response.text)
        for i in range(1000):
            wa = webhook_body(f"62812{i:07d}", {"id": f"wamid.F{i}", "type": "text", "text": {"body": "biaya paspor"}})
            body = mutate(wa, rng)
            response = await harness.whatsapp_post(body)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            assert response.status_code < 500, (body, response.text)
        for raw in RAW_BODIES:
            for path, headers in (
                ("/telegram/webhook", {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token-for-tests"}),
                ("/whatsapp/webhook", {}),
            ):
                response = await harness.http.post(f"{harness.url}{path}", content=raw, headers=headers)
                assert 400 <= response.status_code < 500, (path, raw[:40], response.status_code)
        # raw bodies signed correctly still fail as bodies, not as servers
        for raw in RAW_BODIES:
            import hashlib
            import hmac

            signature = "sha256=" + hmac.new(b"app-secret-for-tests", raw, hashlib.sha256).hexdigest()
            response = await harness.http.post(
                f"{harness.url}/whatsapp/webhook", content=raw, headers={"X-Hub-Signature-256": signature}
            )
            assert response.status_code == 400, (raw[:40], response.status_code)
    assert statuses.get(200, 0) > 200 and statuses.get(400, 0) > 60, statuses
    await until(harness.gateway_idle, 60, "inbox drained")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [r.getMessage() for r in caplog.records][:5]
