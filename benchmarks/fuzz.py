"""Random and hostile input for the REST channel and the gateway's webhooks.

    .venv/bin/python -m benchmarks.fuzz [--count 10000]     # against a fresh production-shaped stack

The REST channel gets each text as the gateway hands it on (mpp.text.citizen_text);
tests/integration/test_gateway_fuzz.py puts the raw texts and broken bodies through
the gateway itself.

Messages: empty, whitespace, emoji, mixed scripts, control characters and NUL, bidi
overrides, 10 kB texts, SQL and JS fragments, Markdown and HTML, template syntax,
attempts to set intents ("/intent{...}"), long digit runs. Webhook bodies: valid
updates carrying those texts, and broken ones (not JSON, wrong types, missing
fields, forged signatures). Nothing may answer 5xx or crash; memory must stay flat.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

from mpp.text import citizen_text
from testkit.hostile import RAW_BODIES, hostile_messages, mutate
from testkit.processes import rss_kb


async def fuzz_rest(url: str, token: str, messages: list[str], concurrency: int = 8, senders: int = 200) -> Counter:
    import httpx

    counts: Counter = Counter()
    queue: asyncio.Queue = asyncio.Queue()
    for i, m in enumerate(messages):
        queue.put_nowait((f"fuzz:{i % senders}", citizen_text(m)))  # as the gateway hands text on

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            sender, message = queue.get_nowait()
            try:
                response = await client.post(
                    f"{url}/webhooks/rest/webhook",
                    json={"sender": sender, "message": message},
                    headers={"X-Gateway-Token": token},
                )
                counts[response.status_code // 100 * 100] += 1
                if response.status_code == 200 and not response.json():
                    counts["empty"] += 1
            except httpx.HTTPError as exc:
                counts[f"error:{exc.__class__.__name__}"] += 1

    async with httpx.AsyncClient(timeout=60) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return counts


async def fuzz_gateway(
    db_url: str, rasa_url: str, token: str, keys: Any, messages: list[str], seed: int = 2
) -> tuple[Counter, Counter, list[int]]:
    """Webhook deliveries against the real gateway in this process (its inbox, workers and
    limits) with local Telegram and Graph API stubs, forwarding to the running stack.

    A third of the deliveries are broken or forged. Returns webhook statuses, what the
    citizens received, and this process's RSS (kB) after each quarter."""
    import hashlib
    import hmac

    from testkit.gateway_harness import TELEGRAM_SECRET, WA_APP_SECRET, start
    from testkit.stubs.graph_api import webhook_body
    from testkit.stubs.telegram_api import text_update

    rng = random.Random(seed)
    harness = await start(db_url, rasa_url=rasa_url, keys=keys, rasa_rest_token=token, workers=16)
    harness.gateway.start_workers()
    statuses: Counter = Counter()
    received: Counter = Counter()
    rss: list[int] = []
    pid = os.getpid()
    from bot.gateway import BUSY, GAVE_UP, SLOW_DOWN, TOO_LONG

    notices = {BUSY: "busy", GAVE_UP: "gave up", SLOW_DOWN: "slow down", TOO_LONG.split("(")[0]: "too long"}

    def tally() -> None:
        """Count what the stubs received and forget it: RSS is then the gateway's own."""
        for method, params in harness.telegram.calls:
            received[f"telegram {method}"] += 1
            text = str(params.get("text", ""))
            received.update(f"notice: {name}" for start, name in notices.items() if text.startswith(start))
        received["whatsapp messages"] += len(harness.graph.calls)
        harness.telegram.calls.clear()
        harness.graph.calls.clear()

    try:
        for i, text in enumerate(messages):
            chat = 100_000 + i // 4  # four messages per citizen: within the per-sender burst
            kind = i % 6
            if kind < 2:
                response = await harness.telegram_update(text_update(i + 1, chat, text))
            elif kind < 4:
                body = webhook_body(f"62811{chat:08d}", {"id": f"wamid.Z{i}", "type": "text", "text": {"body": text}})
                response = await harness.whatsapp_post(body)
            elif kind == 4:
                base = text_update(i + 1, chat, text) if rng.random() < 0.5 else webhook_body(f"62811{chat:08d}", {})
                path = "/telegram/webhook" if "update_id" in base else "/whatsapp/webhook"
                raw = json.dumps(mutate(base, rng)).encode() if rng.random() < 0.8 else rng.choice(RAW_BODIES)
                headers = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
                if path.startswith("/whatsapp"):
                    signature = hmac.new(WA_APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()
                    headers = {"X-Hub-Signature-256": f"sha256={signature}"}
                response = await harness.http.post(f"{harness.url}{path}", content=raw, headers=headers)
            else:  # forged: wrong secret or signature
                if rng.random() < 0.5:
                    response = await harness.telegram_update(text_update(i + 1, chat, text), secret="guess")
                else:
                    body = webhook_body(
                        f"62811{chat:08d}", {"id": f"wamid.X{i}", "type": "text", "text": {"body": text}}
                    )
                    response = await harness.whatsapp_post(body, secret="guess")
            statuses[response.status_code] += 1
            if (i + 1) % (len(messages) // 4 or 1) == 0:
                tally()
                rss.append(rss_kb(pid))
        deadline = time.monotonic() + 3600
        while not harness.gateway_idle() and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        tally()
        rss.append(rss_kb(pid))
        return statuses, received, rss
    finally:
        await harness.gateway.stop()
        await harness.close()


def main() -> None:
    import argparse
    import tempfile

    from testkit.prod_stack import start_prod_stack
    from testkit.stack import database

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000, help="messages through each of REST and the webhooks")
    parser.add_argument(
        "--postgres", default=os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # refused webhooks are logged as warnings: thousands here
    with tempfile.TemporaryDirectory() as tmp:
        db_url = database(Path(tmp), args.postgres, name="mpp_fuzz")  # the core (and the gateway's inbox)
        stack = start_prod_stack(Path(tmp) / "prod", db_url, workers=2)
        try:
            procs = {p.name: p.popen.pid for p in [*stack.rasa, *stack.actions] if p.popen}
            messages = hostile_messages(args.count)
            quarters: list[dict[str, int]] = [{n: rss_kb(pid) for n, pid in procs.items()}]
            started = time.perf_counter()
            counts: Counter = Counter()
            step = max(1, args.count // 4)
            for q in range(0, args.count, step):
                counts.update(asyncio.run(fuzz_rest(stack.url, stack.rest_token, messages[q : q + step])))
                quarters.append({n: rss_kb(pid) for n, pid in procs.items()})
            rest_seconds = time.perf_counter() - started
            started = time.perf_counter()
            gw_messages = hostile_messages(args.count, seed=7)
            statuses, received, gw_rss = asyncio.run(
                fuzz_gateway(db_url, stack.url, stack.rest_token, stack.keys, gw_messages)
            )
            gw_seconds = time.perf_counter() - started
            alive = {p.name: p.alive for p in stack.all()}
        finally:
            stack.stop()
    print(f"core database: {db_url.split(':')[0]}")
    print(f"REST channel: {args.count} hostile messages in {rest_seconds:.0f} s: {dict(counts)}")
    print("RSS (MB) at start and after each quarter:")
    for name in procs:
        print(f"  {name:16} " + " -> ".join(f"{q[name] / 1024:.0f}" for q in quarters))
    print(f"Gateway webhooks: {args.count} deliveries in {gw_seconds:.0f} s: statuses {dict(sorted(statuses.items()))}")
    print(f"  delivered to citizens: {dict(received)}")
    print(
        "  gateway process RSS (MB) after each quarter and drained: " + " -> ".join(f"{r / 1024:.0f}" for r in gw_rss)
    )
    print(f"  every process still running: {all(alive.values())}")


if __name__ == "__main__":
    main()
