"""One running assistant (Rasa server + action server) shared by all end-to-end tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from mpp.privacy import Keys
from testkit.stack import start_stack
from tests.conftest import require_model

FIXED_NOW = "2026-11-27T10:00:00+07:00"  # a Friday; booking rules run against this clock


@dataclass
class Assistant:
    url: str
    http: requests.Session
    work: Path  # logs (rasa.log, actions.log) and the tracker store (trackers.db)
    db_url: str
    keys: Keys

    def say(self, sender: str, text: str) -> list[dict[str, Any]]:
        response = self.http.post(
            f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=30
        )
        response.raise_for_status()
        return list(response.json())

    def text(self, sender: str, text: str) -> str:
        return "\n".join(m.get("text", "") for m in self.say(sender, text))

    @staticmethod
    def new_sender() -> str:
        return f"console:test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    require_model()
    # Debug logs and a SQL tracker store (a file we can search): the privacy test reads both.
    stack = start_stack(tmp_path_factory.mktemp("assistant"), debug=True, sql_tracker=True, fixed_now=FIXED_NOW)
    try:
        yield Assistant(stack.url, requests.Session(), stack.work, stack.db_url, stack.keys)
    finally:
        stack.stop()
