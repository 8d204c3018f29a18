"""Hostile chat text through the whole assistant (Rasa, action server, database)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests

from mpp.text import citizen_text
from testkit.hostile import hostile_messages
from tests.e2e.conftest import Assistant


def test_every_hostile_message_gets_a_polite_answer(assistant: Assistant) -> None:
    texts = [citizen_text(t) for t in hostile_messages(600, seed=9)]  # as the gateway and terminal send them
    senders = [assistant.new_sender() for _ in range(40)]

    def ask(i: int) -> tuple[str, int, list]:
        response = requests.post(
            f"{assistant.url}/webhooks/rest/webhook",
            json={"sender": senders[i % len(senders)], "message": texts[i]},
            timeout=60,
        )
        return texts[i], response.status_code, response.json() if response.ok else []

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(ask, range(len(texts))))
    for text, status, replies in results:
        assert status == 200, (text[:60], status)
        answered = any((m.get("text") or "").strip() or m.get("custom") for m in replies)
        assert answered, (text[:60], replies, _server_errors(assistant))
    for reply in (m.get("text") or "" for _, _, replies in results for m in replies):
        assert "{" not in reply and "Traceback" not in reply and "None" not in reply, reply[:120]
    actions_log = (assistant.work / "actions.log").read_text(errors="replace")
    assert "Traceback" not in actions_log, actions_log[actions_log.find("Traceback") - 500 :][:3000]


def _server_errors(assistant: Assistant) -> str:
    """What went wrong on the servers, for a failure message: Rasa's and the action server's errors."""
    lines = []
    for name in ("rasa.log", "actions.log"):
        text = (assistant.work / name).read_text(errors="replace")
        lines += [
            f"{name}: {line[:600]}"
            for line in text.splitlines()
            if ("ERROR" in line or "WARNING" in line or "exception" in line.lower() or "Circuit breaker" in line)
            and "interpolator" not in line
        ]
    return "\n".join(lines[-20:])
