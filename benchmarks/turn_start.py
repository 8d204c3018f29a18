"""What the core database costs a typed REST turn before Rasa answers it: one unit against three.

    .venv/bin/python -m benchmarks.turn_start [--turns 1500] [--postgres URL]

The REST channel's database work for a typed message of a chat nobody holds, as it runs in a Rasa
worker (each step through ``asyncio.to_thread`` from the event loop):

* three units (before ``mpp.turn_start``): the handoff gate (``bot.handoff_gate.check``), the
  survey-comment check with the turn record (``bot.survey_gate.before_rasa``) and the tracker key
  read when Rasa loads the conversation (``BoundedRedisTrackerStore._key``): three pool check-outs;
* one unit (``bot.survey_gate.start_turn``): the same look-ups in one SELECT, the record, one
  transaction, one check-out, one thread hop.

Same process, same database, alternating rounds (the lowest of three per side). Turns one after the
other (light load), then eight at a time (a saturated worker). Prints CPU and wall milliseconds per
turn on SQLite and, when reachable, PostgreSQL, and the ratios (one unit / three units). Asserts
nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import mpp.wiring
from bot import handoff_gate, survey_gate
from bot.tracker_store import BoundedRedisTrackerStore
from mpp import tracker_keys
from mpp.clock import fixed_clock
from mpp.config import PROJECT_ROOT, Settings
from mpp.wiring import Core
from testkit.stack import database

NOW = datetime(2026, 12, 7, 3, 0, tzinfo=timezone.utc)
PARSE = {
    "text": "syarat ktp apa ya",
    "intent": {"name": "tanya_syarat", "confidence": 0.93},
    "entities": [{"entity": "layanan", "value": "ktp_el", "start": 7, "end": 10}],
}
SENDERS = 50
_ids = itertools.count(1)


async def three_units(sender: str) -> None:
    message_id = next(_ids)
    gate = await handoff_gate.check(sender, PARSE["text"], message_id)
    assert gate is None
    assert await survey_gate.before_rasa(sender, PARSE["text"], PARSE, message_id) is None
    assert await asyncio.to_thread(BoundedRedisTrackerStore._key, sender, False) is not None


async def one_unit(sender: str) -> None:
    start = await survey_gate.start_turn(sender, PARSE["text"], PARSE, next(_ids))
    assert not start.held and start.replies is None and start.key is not None


async def per_turn_ms(turn: Callable[[str], Awaitable[None]], turns: int, at_once: int) -> tuple[float, float]:
    async def citizen(c: int) -> None:
        for i in range(c, turns, at_once):
            await turn(f"telegram:{i % SENDERS}")

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(citizen(c) for c in range(at_once)))
    return (time.process_time() - cpu) / turns * 1e3, (time.perf_counter() - wall) / turns * 1e3


async def measure(turns: int, at_once: int) -> dict[str, tuple[float, float]]:
    runs: dict[str, list[tuple[float, float]]] = {"three": [], "one": []}
    for _ in range(3):  # alternate, so that neither side gets the quieter moment
        for name, turn in (("three", three_units), ("one", one_unit)):
            await per_turn_ms(turn, 100, at_once)  # warm the pool, threads and statement caches
            runs[name].append(await per_turn_ms(turn, turns // 3, at_once))
    return {name: (min(c for c, _ in r), min(w for _, w in r)) for name, r in runs.items()}


def run(url: str, turns: int) -> list[tuple[int, dict[str, tuple[float, float]]]]:
    core = Core(
        Settings(database_url=url, catalogue_dir=PROJECT_ROOT / "data" / "catalogue", catalogue_refresh_seconds=5)
    )
    core.__dict__["clock"] = fixed_clock(NOW)
    saved: Any = mpp.wiring._core
    mpp.wiring._core = core
    try:
        with core.uow(write=True) as uow:  # every chat has its tracker key, as after its first turn
            for i in range(SENDERS):
                tracker_keys.get_or_create_key(uow.session, core.crypto, f"telegram:{i}", NOW)
            uow.commit()
        return [(n, asyncio.run(measure(turns, n))) for n in (1, 8)]
    finally:
        mpp.wiring._core = saved
        core.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--turns", type=int, default=1500)
    parser.add_argument("--postgres", default="postgresql+psycopg2://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    if args.turns < 30:
        parser.error("--turns must be at least 30")
    with tempfile.TemporaryDirectory() as work:
        urls = {"sqlite": database(Path(work), None)}
        pg = database(Path(work), args.postgres, name="mpp_bench_turn_start")
        if pg.startswith("postgresql"):
            urls["postgresql"] = pg
        print(f"{'database':<11} {'turns':>8} {'three units':>17} {'one unit':>17} {'ratio':>13}")
        print(f"{'':<11} {'at once':>8} {'CPU / wall ms':>17} {'CPU / wall ms':>17} {'CPU / wall':>13}")
        for name, url in urls.items():
            for at_once, f in run(url, args.turns):
                (tc, tw), (oc, ow) = f["three"], f["one"]
                print(
                    f"{name:<11} {at_once:>8} {tc:>8.3f} / {tw:>6.3f} {oc:>8.3f} / {ow:>6.3f} "
                    f"{oc / tc:>6.2f} / {ow / tw:>4.2f}"
                )


if __name__ == "__main__":
    main()
