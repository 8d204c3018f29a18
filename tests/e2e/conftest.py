"""One running assistant (Rasa server + action server) shared by all end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from mpp.catalogue.loader import read_catalogue
from mpp.catalogue.store import save_catalogue
from mpp.config import PROJECT_ROOT
from mpp.db.engine import make_engine, make_session_factory
from mpp.db.uow import UnitOfWork
from mpp.privacy import Keys
from mpp.wiring import upgrade_database
from tests.conftest import CATALOGUE_DIR, CI

MODEL = PROJECT_ROOT / "models" / "asisten.tar.gz"
FIXED_NOW = "2026-11-27T10:00:00+07:00"  # a Friday; booking rules run against this clock
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check, seconds: float, what: str, logs: list[Path]) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    tails = "\n".join(f"--- {p}:\n{p.read_text()[-3000:]}" for p in logs if p.exists())
    raise RuntimeError(f"{what} did not become ready in {seconds:.0f} s\n{tails}")


@dataclass
class Assistant:
    url: str
    http: requests.Session
    work: Path  # logs (rasa.log, actions.log) and the tracker store (trackers.db)
    db_url: str

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
    if not MODEL.exists():
        message = f"no trained model at {MODEL}; run scripts/train.sh (make train)"
        if CI:
            pytest.fail(message)
        pytest.skip(message)
    work = tmp_path_factory.mktemp("assistant")
    db_url = f"sqlite:///{work / 'mpp.db'}"
    upgrade_database(db_url)
    engine = make_engine(db_url)
    with UnitOfWork(make_session_factory(engine)) as uow:
        save_catalogue(uow.session, read_catalogue(CATALOGUE_DIR))
        uow.commit()
    engine.dispose()

    action_port, rasa_port = free_port(), free_port()
    endpoints = work / "endpoints.yml"
    # A SQL tracker store (a file we can search) and debug logs: the privacy test reads both.
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
        f'tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: "{work / "trackers.db"}"\n'
    )
    keys = Keys.generate()
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "MPP_NOW": FIXED_NOW,
        "MPP_PII_KEY": keys.encryption.decode(),
        "MPP_PII_HASH_KEY": keys.hashing.decode(),
    }
    logs = [work / "actions.log", work / "rasa.log"]
    procs = [
        subprocess.Popen(
            [str(BIN / "rasa"), "run", "actions", "--port", str(action_port), "--actions", "actions", "--debug"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=logs[0].open("w"),
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [
                str(BIN / "rasa"),
                "run",
                "--port",
                str(rasa_port),
                "--interface",
                "127.0.0.1",
                "--model",
                str(MODEL),
                "--endpoints",
                str(endpoints),
                "--credentials",
                "credentials.yml",
                "--debug",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=logs[1].open("w"),
            stderr=subprocess.STDOUT,
        ),
    ]
    try:
        wait_for(
            lambda: requests.get(f"http://127.0.0.1:{action_port}/health", timeout=2).ok, 120, "action server", logs
        )
        url = f"http://127.0.0.1:{rasa_port}"
        wait_for(lambda: requests.get(url, timeout=2).ok, 180, "Rasa server", logs)
        yield Assistant(url, requests.Session(), work, db_url)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
