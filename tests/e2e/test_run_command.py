"""The README's first command: `make run` sets up, starts the assistant and chats in the terminal."""

from __future__ import annotations

import os
import subprocess

import pytest

from mpp.config import PROJECT_ROOT
from testkit.stack import free_port
from tests.conftest import require_model

pytestmark = pytest.mark.e2e


def test_run_script_answers_questions_typed_into_the_terminal_chat() -> None:
    require_model()
    env = {**os.environ, "RASA_PORT": str(free_port()), "ACTION_PORT": str(free_port())}
    done = subprocess.run(
        [str(PROJECT_ROOT / "scripts" / "run.sh")],
        input="skck brp duit\n/keluar\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        cwd=PROJECT_ROOT,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "==> ready" in done.stdout
    assert "Rp30.000" in done.stdout  # the SKCK fee, from the catalogue through Rasa and the action server
