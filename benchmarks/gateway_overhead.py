"""Per-turn overhead of the gateway: Telegram webhook -> gateway -> Rasa -> reply, against Rasa alone.

    .venv/bin/python -m benchmarks.gateway_overhead [--turns 100]

Starts the assistant (action server + Rasa), runs the gateway in this process
against a local Telegram API stub, and sends the same colloquial FAQ questions
(from the held-out regression set) both ways, interleaved, one at a time:
  rasa     POST /webhooks/rest/webhook, until Rasa's answer arrives
  gateway  POST the Telegram update to the gateway, until the stub receives sendMessage
The gateway's path includes storing the message, answering the webhook, claiming
it from the inbox, rendering and sending. Prints p50/p95 of both and the difference.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from testkit.gateway_harness import start
from testkit.nlu_eval import load_examples
from testkit.stack import start_stack
from testkit.stubs.telegram_api import text_update

FAQ = {"tanya_syarat", "tanya_biaya", "tanya_jadwal", "tanya_lokasi", "tanya_lama_proses"}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(turns: int) -> None:
    questions = [e.text for e in load_examples() if e.intent in FAQ][:turns]
    with tempfile.TemporaryDirectory() as tmp:
        stack = start_stack(Path(tmp) / "stack")
        try:
            harness = await start(stack.db_url, rasa_url=stack.url, keys=stack.keys)
            direct, via = [], []
            async with httpx.AsyncClient(timeout=30) as http:
                for warm in range(5):
                    await http.post(
                        f"{stack.url}/webhooks/rest/webhook", json={"sender": f"warm{warm}", "message": "halo"}
                    )
                for i, question in enumerate(questions):
                    t0 = time.perf_counter()
                    response = await http.post(
                        f"{stack.url}/webhooks/rest/webhook", json={"sender": f"bench:direct{i}", "message": question}
                    )
                    assert response.json()
                    direct.append(time.perf_counter() - t0)
                    chat = 900000 + i
                    t0 = time.perf_counter()
                    await harness.telegram_update(text_update(i + 1, chat, question))
                    while not harness.telegram.sent("sendMessage", str(chat)):
                        await asyncio.sleep(0.001)
                    via.append(time.perf_counter() - t0)
            await harness.close()
        finally:
            stack.stop()
    ms = lambda v: v * 1000  # noqa: E731
    print(f"{len(questions)} FAQ turns each way, one at a time (2-core machine, Rasa + actions + gateway on it)\n")
    print(f"{'path':<10}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}")
    for name, values in (("rasa", direct), ("gateway", via)):
        print(
            f"{name:<10}{ms(pct(values, 0.5)):>10.1f}{ms(pct(values, 0.95)):>10.1f}{ms(statistics.mean(values)):>10.1f}"
        )
    print(
        f"\ngateway overhead per turn: p50 {ms(pct(via, 0.5) - pct(direct, 0.5)):+.1f} ms, "
        f"mean {ms(statistics.mean(via) - statistics.mean(direct)):+.1f} ms "
        f"(x{statistics.mean(via) / statistics.mean(direct):.2f} of Rasa alone)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=100)
    asyncio.run(run(parser.parse_args().turns))


if __name__ == "__main__":
    main()
