"""Time from starting `rasa run` to the first answered turn, and model load time in-process.

.venv/bin/python -m benchmarks.startup [--model models/asisten.tar.gz] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import requests

from mpp.config import PROJECT_ROOT
from testkit.stack import MODEL, free_port, rasa_run


def process_ready_seconds(model: Path) -> float:
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        endpoints = Path(tmp) / "endpoints.yml"
        endpoints.write_text("")  # no action server: the greeting is a response, not an action
        start = time.perf_counter()
        proc = subprocess.Popen(
            rasa_run(port, model, endpoints),
            cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while True:
                try:
                    answer = requests.post(
                        f"http://127.0.0.1:{port}/webhooks/rest/webhook",
                        json={"sender": "startup", "message": "halo"},
                        timeout=5,
                    ).json()
                    if answer:
                        return time.perf_counter() - start
                except (requests.RequestException, ValueError):
                    pass
                if time.perf_counter() - start > 300:
                    raise RuntimeError("Rasa did not answer within 300 s")
                time.sleep(0.1)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def agent_load_seconds(model: Path) -> float:
    from rasa.core.agent import Agent

    from testkit.nlu_eval import quiet_rasa

    quiet_rasa()
    start = time.perf_counter()
    agent = Agent.load(str(model))
    asyncio.run(agent.parse_message("halo"))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    ready = [process_ready_seconds(args.model) for _ in range(args.runs)]
    print(f"model: {args.model} ({args.model.stat().st_size / 1e6:.1f} MB)")
    print(
        f"rasa run -> first answered turn: median {statistics.median(ready):.1f} s (runs: "
        + ", ".join(f"{r:.1f}" for r in ready)
        + ")"
    )
    print(f"Agent.load + first parse, in-process (after imports): {agent_load_seconds(args.model):.2f} s")


if __name__ == "__main__":
    main()
