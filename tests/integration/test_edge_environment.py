"""The public-facing processes run in .venv-edge, with a current aiohttp and no Rasa (README: Production)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import requests

from mpp.config import PROJECT_ROOT
from tests.conftest import unavailable

EDGE = PROJECT_ROOT / ".venv-edge" / "bin" / "python"
PUBLIC = ("bot.gateway", "bot.notifier", "console.app")
SAFE_AIOHTTP = (3, 14, 3)  # GHSA-mfx4-hv73-q22v (3.14.2), GHSA-cq5v-8q36-5273 (3.14.3), and the older ones

BLOCK_RASA = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("rasa", "rasa_sdk", "sanic", "tensorflow"):
            raise ImportError(f"{name} imported by a public-facing process")
sys.meta_path.insert(0, Block())
"""


def test_the_public_processes_import_nothing_of_rasa() -> None:
    code = BLOCK_RASA + "".join(f"import {m}\n" for m in PUBLIC)
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]


def _edge() -> str:
    if not EDGE.exists():
        unavailable("no .venv-edge; create it with scripts/setup_edge.sh (scripts/setup.sh does)")
    return str(EDGE)


def test_the_edge_environment_has_a_current_aiohttp_and_no_rasa() -> None:
    python = _edge()
    version = subprocess.run(
        [python, "-c", "import aiohttp; print(aiohttp.__version__)"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert tuple(int(p) for p in version.split(".")[:3]) >= SAFE_AIOHTTP, version
    assert subprocess.run([python, "-c", "import rasa"], capture_output=True).returncode != 0
    imports = subprocess.run(
        [python, "-c", "".join(f"import {m}\n" for m in PUBLIC)], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert imports.returncode == 0, imports.stderr[-2000:]


def test_the_gateway_serves_from_the_edge_environment(tmp_path) -> None:  # type: ignore[no-untyped-def]

    python = _edge()
    from testkit.stack import free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WHATSAPP_", "MPP_ENV"))}
    env.update(GATEWAY_PORT=str(port), DATABASE_URL=f"sqlite:///{tmp_path / 'mpp.db'}")
    subprocess.run(
        [python, "-m", "mpp.cli", "db", "upgrade"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True
    )
    proc = subprocess.Popen([python, "-m", "bot.gateway"], cwd=PROJECT_ROOT, env=env, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                answer = requests.get(f"http://127.0.0.1:{port}/healthcheck", timeout=2)
                break
            except requests.RequestException:
                time.sleep(0.3)
        else:
            raise AssertionError("the gateway did not start in .venv-edge")
        assert answer.json() == {"status": "ok"}
        # no channel configured: no webhook route exists at all
        assert requests.post(f"http://127.0.0.1:{port}/whatsapp/webhook", data=b"{}", timeout=5).status_code == 404
        assert requests.post(f"http://127.0.0.1:{port}/telegram/webhook", data=b"{}", timeout=5).status_code == 404
    finally:
        proc.terminate()
        proc.wait(timeout=20)
